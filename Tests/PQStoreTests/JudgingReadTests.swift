import Foundation
import PQModel
import Testing

@testable import PQStore

/// The reads an assessment judges from without holding every asset of the scan: each finding with the certificate
/// its asset is, joined in the store (`forEachFindingWithCertificate`), and only the certificates that issued one of
/// the scan's certificates (`issuerCertificates`).
@Suite("Judging reads: findings with their certificates, issuer certificates")
struct JudgingReadTests {
    /// A certificate asset of `subject`, issued by `issuer`.
    static func certificate(_ id: String, subject: String, issuer: String) -> Asset {
        var asset = Sample.certificate
        asset.id = "sha256:" + id
        asset.certificate?.subject = subject
        asset.certificate?.issuer = issuer
        return asset
    }

    /// A CA and the leaf it issued, a certificate whose issuer is not in the scan, a self-signed one, a key.
    static let assets: [Asset] = [
        certificate("ca", subject: "CN=Example CA", issuer: "CN=Root"),
        certificate("leaf", subject: "CN=www.example.org", issuer: "CN=Example CA"),
        certificate("stray", subject: "CN=mail.example.org", issuer: "CN=Elsewhere"),
        certificate("self", subject: "CN=self", issuer: "CN=self"),
        Sample.key,
    ]

    static func scan(_ store: InventoryStore) throws -> Int64 {
        let scanID = try Sample.begin(store)
        try store.record(
            scanID: scanID,
            batch: ScanBatch(
                files: ["b.pem", "a.pem", "c.conf", "d.key"].map { Sample.file($0) },
                output: ScanOutput(
                    findings: [
                        Sample.finding("b.pem", line: nil, asset: "sha256:leaf"),
                        Sample.finding("a.pem", line: 2, asset: "sha256:ca"),
                        Sample.finding("a.pem", line: 1, asset: "sha256:self"),
                        Sample.finding("c.conf", line: 3),
                        Sample.finding("d.key", line: nil, asset: Sample.key.id),
                        Sample.finding("b.pem", line: 4, asset: "sha256:stray"),
                    ],
                    assets: assets)))
        return scanID
    }

    @Test(
        "each finding comes in forEachFinding's order with the certificate its asset is, nil for a key or none",
        arguments: StoreKind.available)
    func findingsWithTheirCertificates(kind: StoreKind) throws {
        let store = try AssessedFindingStreamTests.store(kind)
        let scanID = try Self.scan(store)
        var plain: [Finding] = []
        try store.forEachFinding(FindingQuery(scanID: scanID)) { plain.append($0) }
        var joined: [(Finding, CertificateDetails?)] = []
        try store.forEachFindingWithCertificate(scanID: scanID) { joined.append(($0, $1)) }
        #expect(joined.map(\.0) == plain)
        let byID = Dictionary(uniqueKeysWithValues: try store.assets(scanID: scanID).map { ($0.id, $0.certificate) })
        #expect(joined.map(\.1) == plain.map { $0.asset.flatMap { byID[$0] ?? nil } })
        #expect(
            joined.compactMap(\.1?.subject) == [
                "CN=self", "CN=Example CA", "CN=www.example.org", "CN=mail.example.org",
            ])
    }

    @Test(
        "only the certificates whose subject issued one of the scan's certificates, with their details",
        arguments: StoreKind.available)
    func issuers(kind: StoreKind) throws {
        let store = try AssessedFindingStreamTests.store(kind)
        let scanID = try Self.scan(store)
        let issuers = try store.issuerCertificates(scanID: scanID).sorted { $0.id < $1.id }
        #expect(issuers.map(\.id) == ["sha256:ca", "sha256:self"])
        let whole = try store.assets(scanID: scanID).filter { ["sha256:ca", "sha256:self"].contains($0.id) }
        #expect(issuers == whole)
    }
}
