import Foundation
import PQModel
import PQReports
import Testing

@Suite("Diff matches findings by identity, not by row")
struct DiffTests {
    static func finding(
        _ path: String, _ setting: String, _ algorithm: String, line: Int? = 1, status: QuantumStatus = .vulnerable,
        asset: String? = nil, bits: Int? = nil
    ) -> Finding {
        Finding(
            path: ScanPath(path), line: line, source: .x509, setting: setting, usage: .signature, algorithm: algorithm,
            keyBits: bits, quantumStatus: status, asset: asset)
    }

    @Test("identical inventories in any order have no differences")
    func same() {
        let findings = [
            Self.finding("a", "s", "RSA"), Self.finding("b", "s", "ECDSA"), Self.finding("b", "s", "ECDSA"),
        ]
        let diff = InventoryDiff.compute(from: 1, findings, to: 2, findings.reversed())
        #expect(diff.isEmpty)
        #expect(diff.unchanged == 3)
    }

    @Test("a moved line or a new status is a change of the same finding")
    func changed() {
        let before = [Self.finding("a", "s", "RSA", line: 3, bits: 2048)]
        let after = [Self.finding("a", "s", "RSA", line: 9, status: .broken, bits: 1024)]
        let diff = InventoryDiff.compute(from: 1, before, to: 2, after)
        #expect(diff.added.isEmpty && diff.removed.isEmpty)
        #expect(diff.changed.count == 1)
        #expect(diff.changed.first?.fields == ["line", "keyBits", "quantumStatus"])
    }

    @Test("a certificate replaced in place is one change; a new file is an addition; a deleted one a removal")
    func replaced() throws {
        let before = [
            Self.finding("www.pem", "signatureAlgorithm", "RSA-SHA256", asset: "sha256:old"),
            Self.finding("old.pem", "signatureAlgorithm", "RSA-SHA1", status: .broken, asset: "sha256:gone"),
        ]
        let after = [
            Self.finding("www.pem", "signatureAlgorithm", "ML-DSA-65", status: .resistant, asset: "sha256:new"),
            Self.finding("new.pem", "signatureAlgorithm", "Ed25519", asset: "sha256:added"),
        ]
        let diff = InventoryDiff.compute(from: 1, before, to: 2, after)
        #expect(diff.added.map(\.path) == [ScanPath("new.pem")])
        #expect(diff.removed.map(\.path) == [ScanPath("old.pem")])
        #expect(diff.changed.count == 1)
        #expect(diff.changed.first?.fields.contains("asset") == true)
        #expect(diff.changed.first?.before.algorithm == "RSA-SHA256")
        #expect(try diff.text().contains("+ new.pem:1"))
        #expect(try diff.text().contains("- old.pem:1"))
        #expect(try diff.text().contains("~ www.pem:1"))
    }

    @Test("the JSON form lists whole findings")
    func json() throws {
        let diff = InventoryDiff.compute(from: 1, [], to: 2, [Self.finding("a", "s", "RSA")])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(try diff.json().utf8)) as? [String: Any])
        #expect((object["added"] as? [Any])?.count == 1)
        #expect(object["from"] as? Int == 1)
    }
}
