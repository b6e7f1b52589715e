import Foundation
import Testing

@Suite("pqscout assess: output and the CI gate's exit codes, through the built binary")
struct AssessCommandTests {
    @Test("--fail-on: exit 1 when met, 0 when not, with a one-line reason on stderr")
    func gateExitCodes() throws {
        let (work, db) = try scannedSample()
        defer { try? FileManager.default.removeItem(at: work) }
        let met = try PQScoutBinary.run(["assess", "--db", db, "--as-of", "2031-01-01", "--fail-on", "disallowed"])
        #expect(met.status == 1)
        #expect(met.stderr.contains("--fail-on disallowed met by"))
        let waivers = repositoryRoot.appendingPathComponent("sample-inventories/waivers-example.yaml").path
        let waived = try PQScoutBinary.run([
            "assess", "--db", db, "--as-of", "2027-01-01", "--fail-on", "disallowed", "--waivers", waivers,
        ])
        #expect(waived.status == 0, "stderr: \(waived.stderr)")
        let expired = try PQScoutBinary.run([
            "assess", "--db", db, "--as-of", "2027-07-01", "--fail-on", "disallowed", "--waivers", waivers,
        ])
        #expect(expired.status == 1)
        let vulnerable = try PQScoutBinary.run([
            "assess", "--db", db, "--as-of", "2020-01-01", "--fail-on", "vulnerable",
        ])
        #expect(vulnerable.status == 1)
        let none = try PQScoutBinary.run(["assess", "--db", db, "--as-of", "2026-11-27"])
        #expect(none.status == 0)
    }

    @Test("--fail-on deprecated meets on 2031-01-01 but not on 2030-12-31 once broken findings are waived")
    func deprecatedGate() throws {
        let (work, db) = try scannedSample()
        defer { try? FileManager.default.removeItem(at: work) }
        let waivers = work.appendingPathComponent("w.yaml")
        try Data(
            """
            waivers:
              - id: broken
                selector: {rule: classically-broken}
                owner: me
                reason: test
                expires: 2040-01-01
            """.utf8
        ).write(to: waivers)
        let before = try PQScoutBinary.run([
            "assess", "--db", db, "--as-of", "2030-12-31", "--fail-on", "deprecated", "--waivers", waivers.path,
        ])
        #expect(before.status == 0, "stderr: \(before.stderr)")
        let after = try PQScoutBinary.run([
            "assess", "--db", db, "--as-of", "2031-01-01", "--fail-on", "deprecated", "--waivers", waivers.path,
        ])
        #expect(after.status == 1)
    }

    @Test("--explain shows Mosca's inequality with x, y and z; bad Mosca options exit 64")
    func explainShowsMosca() throws {
        let (work, db) = try scannedSample()
        defer { try? FileManager.default.removeItem(at: work) }
        let explained = try PQScoutBinary.run([
            "assess", "--db", db, "--as-of", "2026-12-01", "--explain", "postfix:etc/postfix", "--migration-years", "3",
            "--crqc-year", "gri-2023-decade",
        ])
        #expect(explained.status == 0, "stderr: \(explained.stderr)")
        #expect(String(decoding: explained.stdout, as: UTF8.self).contains("Mosca's inequality"))
        #expect(String(decoding: explained.stdout, as: UTF8.self).contains("x + y = 10 + 3 = 13 > z = 2034 − 2026 = 8"))
        let none = try PQScoutBinary.run([
            "assess", "--db", db, "--as-of", "2026-12-01", "--explain", "postfix:etc/postfix", "--data-lifetime-years",
            "0",
        ])
        #expect(String(decoding: none.stdout, as: UTF8.self).contains("no harvest-now-decrypt-later term"))
        let table = try PQScoutBinary.run(["assess", "--db", db, "--as-of", "2026-12-01", "--data-lifetime-years", "0"])
        #expect(!String(decoding: table.stdout, as: UTF8.self).contains("  HNDL  "))
        #expect(String(decoding: table.stdout, as: UTF8.self).contains("EXPIRED"))
        for bad in [["--crqc-year", "soon"], ["--system-category", "nginx"], ["--migration-years", "-2"]] {
            let outcome = try PQScoutBinary.run(["assess", "--db", db] + bad)
            #expect(outcome.status == 64, "\(bad): \(outcome.stderr)")
        }
    }

    @Test("bad usage exits 64, an unreadable input exits 2, each with one line on stderr")
    func errorExitCodes() throws {
        let (work, db) = try scannedSample()
        defer { try? FileManager.default.removeItem(at: work) }
        let category = try PQScoutBinary.run(["assess", "--db", db, "--profile", "cnsa-2.0", "--category", "web"])
        #expect(category.status == 64)
        #expect(category.stderr.contains("valid choices: software-firmware-signing, web-cloud"))
        let threshold = try PQScoutBinary.run(["assess", "--db", db, "--fail-on", "bad"])
        #expect(threshold.status == 64)
        let missing = try PQScoutBinary.run(["assess", "--db", db, "--waivers", "/nonexistent/w.yaml"])
        #expect(missing.status == 2)
        #expect(missing.stderr.split(separator: "\n").count == 1)
        let typo = work.appendingPathComponent("p.yaml")
        try Data("id: x\ntitel: y\n".utf8).write(to: typo)
        let policy = try PQScoutBinary.run(["assess", "--db", db, "--policy", typo.path])
        #expect(policy.status == 2)
        #expect(policy.stderr.contains("p.yaml:2: unknown key 'titel'"))
        #expect(policy.stderr.contains("valid choices:"))
        let noStore = try PQScoutBinary.run(["assess", "--db", work.appendingPathComponent("none.db").path])
        #expect(noStore.status == 2)
    }

    @Test("--format json prints one assessment document; --explain lists every point")
    func jsonAndExplain() throws {
        let (work, db) = try scannedSample()
        defer { try? FileManager.default.removeItem(at: work) }
        let json = try PQScoutBinary.run(["assess", "--db", db, "--as-of", "2031-01-01", "--format", "json"])
        #expect(json.status == 0)
        let document = try #require(try JSONSerialization.jsonObject(with: json.stdout) as? [String: Any])
        #expect(document["schemaVersion"] as? Int == 1)
        #expect(document["asOf"] as? String == "2031-01-01")
        for key in ["findings", "systems", "overall", "coverage", "summary", "profile"] {
            #expect(document[key] != nil, "missing \(key)")
        }
        let explain = try PQScoutBinary.run(["assess", "--db", db, "--explain", "store:etc/ssl/certs"])
        #expect(explain.status == 0)
        let text = String(decoding: explain.stdout, as: UTF8.self)
        #expect(text.contains("System store:etc/ssl/certs"))
        #expect(text.contains("pq-ready-material"))
        let explainJSON = try PQScoutBinary.run([
            "assess", "--db", db, "--explain", "etc/ssl/certs", "--format", "json",
        ])
        #expect(explainJSON.status == 0)
        let scores = try #require(try JSONSerialization.jsonObject(with: explainJSON.stdout) as? [[String: Any]])
        #expect(scores.count == 1)
        #expect((scores.first?["adjustments"] as? [[String: Any]])?.isEmpty == false)
    }
}

@Suite("pqscout scan --fail-on: the same thresholds as assess, those that need no policy")
struct ScanGateTests {
    @Test("scan and assess agree on the status thresholds; the policy thresholds are refused by scan with exit 64")
    func sameRule() throws {
        let work = try scratch()
        defer { try? FileManager.default.removeItem(at: work) }
        let db = work.appendingPathComponent("gate.db").path
        // The intranet's legacy certificate alone: signed with SHA-1 (broken), so every status threshold is met.
        let tree = work.appendingPathComponent("tree")
        try FileManager.default.createDirectory(at: tree, withIntermediateDirectories: true)
        let source = repositoryRoot.appendingPathComponent("sample-inventories/webfarm/etc/ssl/certs")
        try FileManager.default.copyItem(
            at: source.appendingPathComponent("intranet-legacy.crt"),
            to: tree.appendingPathComponent("intranet-legacy.crt"))
        for threshold in ["broken", "vulnerable", "weakened"] {
            let scan = try PQScoutBinary.run(["scan", tree.path, "--db", db, "--fail-on", threshold])
            let assess = try PQScoutBinary.run(["assess", "--db", db, "--fail-on", threshold])
            #expect(scan.status == 1, "\(threshold): \(scan.stderr)")
            #expect(assess.status == 1, "\(threshold): \(assess.stderr)")
        }
        // An Ed25519 public key alone: vulnerable, not broken.
        let keyTree = work.appendingPathComponent("key")
        try FileManager.default.createDirectory(at: keyTree, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: repositoryRoot.appendingPathComponent("sample-inventories/webfarm/etc/ssh/ssh_host_ed25519_key.pub"),
            to: keyTree.appendingPathComponent("host.pub"))
        for (threshold, status) in [("broken", 0), ("vulnerable", 1), ("weakened", 1)] {
            let scan = try PQScoutBinary.run(["scan", keyTree.path, "--db", db, "--fail-on", threshold])
            let assess = try PQScoutBinary.run(["assess", "--db", db, "--fail-on", threshold])
            #expect(scan.status == Int32(status), "\(threshold): \(scan.stderr)")
            #expect(assess.status == scan.status, "\(threshold): \(assess.stderr)")
        }
        for threshold in ["deprecated", "disallowed"] {
            let scan = try PQScoutBinary.run(["scan", tree.path, "--db", db, "--fail-on", threshold])
            #expect(scan.status == 64)
            #expect(scan.stderr.contains("needs a policy"), "\(scan.stderr)")
        }
        let unknown = try PQScoutBinary.run(["scan", tree.path, "--db", db, "--fail-on", "resistant"])
        #expect(unknown.status == 64)
    }
}
