import Foundation
import Testing

/// `--openssl-version` decides which TLS groups the sample's nginx would really offer (Docs/tls.md).
@Suite("pqscout scan --openssl-version")
struct OpenSSLVersionOptionTests {
    func hybridFindings(_ extra: [String]) throws -> [[String: Any]] {
        let work = try scratch()
        defer { try? FileManager.default.removeItem(at: work) }
        let db = work.appendingPathComponent("p.db").path
        let scan = try PQScoutBinary.run(["scan", sample, "--db", db] + extra)
        #expect(scan.status == 0, "\(scan.stderr)")
        let listed = try PQScoutBinary.run(["inventory", "--db", db, "--usage", "group", "--format", "json"])
        let document = try #require(try JSONSerialization.jsonObject(with: listed.stdout) as? [String: Any])
        let findings = try #require(document["findings"] as? [[String: Any]])
        return findings.filter {
            $0["algorithm"] as? String == "X25519MLKEM768" && $0["context"] as? String == "server www.example.org:443"
        }
    }

    /// On 3.5 the www server's list is accepted; nginx still does not start there, but for another reason: 3.5's
    /// default security level 2 refuses the intranet server's RSA-1024 certificate, and one server nginx cannot
    /// set up stops them all (Docs/tls.md).
    @Test("on 3.5 the www server's X25519MLKEM768 is accepted; on the assumed 3.0 it is dead configuration")
    func versionDecides() throws {
        let on35 = try hybridFindings(["--openssl-version", "3.5.1"])
        #expect(on35.count == 1 && on35.first?["effective"] as? Bool == false)
        let note35 = on35.first?["note"] as? String ?? ""
        #expect(!note35.contains("dead configuration"), "\(note35)")
        #expect(
            note35.hasPrefix(
                "not in force: nginx refuses to start with this configuration: server intranet.example.org:8443: "
                    + "OpenSSL refuses the certificate etc/ssl/certs/intranet-legacy.crt (RSA 1024 bits)"), "\(note35)")
        let assumed = try hybridFindings([])
        #expect(assumed.count == 1 && assumed.first?["effective"] as? Bool == false)
        #expect((assumed.first?["note"] as? String)?.contains("dead configuration") == true)
    }

    @Test("a malformed version is a usage error (exit 64)")
    func badVersion() throws {
        let work = try scratch()
        defer { try? FileManager.default.removeItem(at: work) }
        let outcome = try PQScoutBinary.run(
            ["scan", sample, "--db", work.appendingPathComponent("p.db").path, "--openssl-version", "latest"])
        #expect(outcome.status == 64)
        #expect(outcome.stderr.contains("--openssl-version"))
    }

    @Test("plan and effective check versions as scan does: one parser for every version argument")
    func everyCommandChecksVersions() throws {
        let work = try scratch()
        defer { try? FileManager.default.removeItem(at: work) }
        let db = work.appendingPathComponent("p.db").path
        for arguments in [
            ["plan", "--db", db, "--openssl-version", "latest"], ["plan", "--db", db, "--openssh-version", "9."],
            ["effective", "ssh-server", sample, "--openssh-version", "V_9_2"],
        ] {
            let outcome = try PQScoutBinary.run(arguments)
            #expect(outcome.status == 64, "\(arguments)")
            #expect(outcome.stderr.contains("is invalid for '--open"), "\(outcome.stderr)")
        }
    }
}
