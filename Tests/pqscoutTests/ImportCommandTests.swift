import Foundation
import Testing

@Suite("pqscout import --format json")
struct ImportCommandTests {
    /// The summary is written from the store's cursor (a CBOM may name hundreds of thousands of files it could not
    /// describe); it must still be `inventory --format json`'s document of the imported scan, without findings.
    @Test("prints the imported scan with every diagnostic the CBOM carries, and no findings")
    func jsonSummary() throws {
        let work = try scratch()
        defer { try? FileManager.default.removeItem(at: work) }
        let tree = work.appendingPathComponent("tree")
        try FileManager.default.createDirectory(at: tree, withIntermediateDirectories: true)
        for name in ["a-broken.pem", "b-broken.pem", "c-broken.pem"] {
            try Data("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".utf8)
                .write(to: tree.appendingPathComponent(name))
        }
        try Data("Ciphers aes256-ctr\nKexAlgorithms curve25519-sha256\n".utf8)
            .write(to: tree.appendingPathComponent("sshd_config"))
        let scanned = work.appendingPathComponent("scanned.db").path
        let scan = try PQScoutBinary.run(["scan", tree.path, "--db", scanned])
        #expect(scan.status == 0, "stderr: \(scan.stderr)")
        let cbom = work.appendingPathComponent("bom.cdx.json").path
        let report = try PQScoutBinary.run(["report", "--db", scanned, "--format", "cbom", "--output", cbom])
        #expect(report.status == 0, "stderr: \(report.stderr)")

        let imported = work.appendingPathComponent("imported.db").path
        let outcome = try PQScoutBinary.run(["import", "--db", imported, cbom, "--format", "json"])
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: outcome.stdout) as? [String: Any])
        #expect((document["findings"] as? [Any])?.isEmpty == true)
        let diagnostics = try #require(document["diagnostics"] as? [[String: Any]])
        let paths = diagnostics.compactMap { $0["path"] as? String }
        #expect(paths.count == 3)
        #expect(paths.allSatisfy { $0.hasSuffix("-broken.pem") }, "\(paths)")
        #expect(paths == paths.sorted())
        let record = try #require(document["scan"] as? [String: Any])
        #expect(record["status"] as? String == "complete")

        // The same document as `inventory --format json` of the imported scan, but for its findings.
        let inventory = try PQScoutBinary.run(["inventory", "--db", imported, "--format", "json"])
        #expect(inventory.status == 0, "stderr: \(inventory.stderr)")
        var whole = try #require(try JSONSerialization.jsonObject(with: inventory.stdout) as? [String: Any])
        #expect((whole["findings"] as? [Any])?.isEmpty == false)
        whole["findings"] = [Any]()
        #expect(NSDictionary(dictionary: whole).isEqual(to: document))
    }
}
