import Foundation
import Testing

/// The host's OpenSSL configuration must not change what PQScout reports about a scanned tree: the target's
/// `system_default` is read from the tree, never from the machine PQScout runs on.
@Suite("pqscout ignores the host's openssl.cnf")
struct HostOpenSSLConfigTests {
    /// (algorithm, effective) of every cipher suite finding of a scan of the sample.
    func suites(environment: [String: String]) throws -> [String] {
        let work = try scratch()
        defer { try? FileManager.default.removeItem(at: work) }
        let outcome = try PQScoutBinary.run(
            ["scan", sample, "--db", work.appendingPathComponent("h.db").path, "--format", "json"],
            environment: environment)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: outcome.stdout) as? [String: Any])
        let findings = try #require(document["findings"] as? [[String: Any]])
        return findings.filter { $0["usage"] as? String == "cipher-suite" }.map {
            "\($0["path"] ?? "") \($0["context"] ?? "") \($0["algorithm"] ?? "") \($0["effective"] ?? "")"
        }.sorted()
    }

    @Test("a host system_default with one suite at level 0 leaves every finding as it was")
    func hostConfigIgnored() throws {
        let work = try scratch()
        defer { try? FileManager.default.removeItem(at: work) }
        let hostile = work.appendingPathComponent("openssl.cnf")
        try """
        openssl_conf = init
        [init]
        ssl_conf = ssl
        [ssl]
        system_default = tls
        [tls]
        CipherString = AES256-SHA:@SECLEVEL=0
        Ciphersuites = TLS_AES_256_GCM_SHA384
        MinProtocol = TLSv1.3

        """.write(to: hostile, atomically: true, encoding: .utf8)
        let plain = try suites(environment: [:])
        let withHostConfig = try suites(environment: ["OPENSSL_CONF": hostile.path])
        #expect(plain.count > 20)
        #expect(plain == withHostConfig)
    }
}
