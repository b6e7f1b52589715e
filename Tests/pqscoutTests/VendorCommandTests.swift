import Foundation
import Testing

@Suite("pqscout vendor check: formats, comparison and exit codes, through the built binary")
struct VendorCommandTests {
    func text(_ outcome: PQScoutBinary.Outcome) -> String { String(decoding: outcome.stdout, as: UTF8.self) }

    static let vendors = repositoryRoot.appendingPathComponent("sample-inventories/vendors")
    static let honest = vendors.appendingPathComponent("northwind-edgegate.claims.yaml").path
    static let shady = vendors.appendingPathComponent("boxwall-securebox.claims.yaml").path

    @Test("Markdown by default: the contradictions with their proofs")
    func markdown() throws {
        let evidence = Self.vendors.appendingPathComponent("evidence/boxwall").path
        let outcome = try PQScoutBinary.run([
            "vendor", "check", Self.shady, "--evidence", evidence, "--profile", "cnsa-2.0", "--as-of", "2026-11-27",
        ])
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        #expect(text(outcome).hasPrefix("# Vendor check: Boxwall Security SecureBox 5.1"))
        #expect(
            text(outcome).contains(
                "claims ML-DSA-87 firmware signing; the signing certificate `fw/signer.pem` is RSA-2048"))
        #expect(text(outcome).contains("| cbom-delivered | product | claimed only | gap | 2027-01-01 |"))
    }

    @Test("several claims files: a side-by-side table, in HTML and JSON too")
    func comparison() throws {
        let base = ["vendor", "check", Self.honest, Self.shady, "--as-of", "2026-11-27"]
        let md = try PQScoutBinary.run(base)
        #expect(md.status == 0, "stderr: \(md.stderr)")
        #expect(text(md).hasPrefix("# Vendor comparison"))
        #expect(text(md).contains("| requirement | Northwind Networks EdgeGate 4.2 | Boxwall Security SecureBox 5.1 |"))
        let html = try PQScoutBinary.run(base + ["--format", "html"])
        #expect(html.status == 0)
        #expect(text(html).hasPrefix("<!DOCTYPE html>") && text(html).contains("<h1>Vendor comparison</h1>"))
        let json = try PQScoutBinary.run(base + ["--format", "json"])
        #expect(json.status == 0)
        let object = try JSONSerialization.jsonObject(with: json.stdout) as? [String: Any]
        #expect((object?["vendors"] as? [Any])?.count == 2)
    }

    @Test("a CycloneDX CBOM (from `pqscout report --format cbom`) is accepted as the claim")
    func cbomClaim() throws {
        let work = try scratch()
        defer { try? FileManager.default.removeItem(at: work) }
        let db = work.appendingPathComponent("v.db").path
        let cbom = work.appendingPathComponent("edgegate.cdx.json").path
        let evidence = Self.vendors.appendingPathComponent("evidence/edgegate").path
        #expect(try PQScoutBinary.run(["scan", evidence, "--db", db]).status == 0)
        #expect(try PQScoutBinary.run(["report", "--db", db, "--format", "cbom", "--output", cbom]).status == 0)
        let outcome = try PQScoutBinary.run(["vendor", "check", cbom, "--evidence", evidence, "--as-of", "2026-11-27"])
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        #expect(text(outcome).contains("(cbom)"))
        #expect(text(outcome).contains("| cbom-delivered | product | verified | meets |"))
    }

    @Test("exit 64 for bad usage, 2 for an unreadable or invalid claims file (with its line)")
    func exitCodes() throws {
        #expect(try PQScoutBinary.run(["vendor", "check"]).status == 64)
        #expect(try PQScoutBinary.run(["vendor", "check", Self.shady, "--evidence", "a", "--scan", "1"]).status == 64)
        #expect(try PQScoutBinary.run(["vendor", "check", Self.shady, "--profile", "nope"]).status == 64)
        #expect(try PQScoutBinary.run(["vendor", "check", Self.shady, "--format", "pdf"]).status == 64)
        let work = try scratch()
        defer { try? FileManager.default.removeItem(at: work) }
        let bad = work.appendingPathComponent("bad.yaml")
        try Data("vendor: A\nproduct: B\nprotocols:\n  ssh:\n    pqShipsOn: soon\n".utf8).write(to: bad)
        let invalid = try PQScoutBinary.run(["vendor", "check", bad.path])
        #expect(invalid.status == 2)
        #expect(invalid.stderr.hasPrefix("pqscout: \(bad.path):5: 'pqShipsOn' must be a date"))
        #expect(try PQScoutBinary.run(["vendor", "check", work.appendingPathComponent("none.yaml").path]).status == 2)
    }
}
