import Foundation
import PQModel
import Testing

@testable import PQStore

/// A private key and its certificate's public key share one asset id (the SPKI's SHA-256). Which of the two a scan
/// records first depends on file order and batch boundaries (a vhost names the key before the certificate is read);
/// the stored asset must not: a sighting of the private key makes it a private key, on both backends.
@Suite("A key pair's asset is a private key whatever order its halves are recorded in")
struct KeyPairAssetTests {
    static let id = "sha256:" + String(repeating: "ab", count: 32)

    static let publicHalf = Asset(
        id: id, kind: .publicKey, algorithm: "1.2.840.113549.1.1.1", canonical: "RSA", oid: "1.2.840.113549.1.1.1",
        keyBits: 2048, key: KeyDetails(format: "spki", isPrivate: false, encrypted: false))
    static let privateHalf = Asset(
        id: id, kind: .privateKey, algorithm: "1.2.840.113549.1.1.1", canonical: "RSA", oid: "1.2.840.113549.1.1.1",
        keyBits: 2048, key: KeyDetails(format: "pkcs8", isPrivate: true, encrypted: false))

    static let orders: [(String, [[Asset]])] = [
        ("public, then private in a later batch", [[publicHalf], [privateHalf]]),
        ("private, then public in a later batch", [[privateHalf], [publicHalf]]),
        ("public, then private in one batch", [[publicHalf, privateHalf]]),
        ("private, then public in one batch", [[privateHalf, publicHalf]]),
    ]

    @Test("every order gives the private key", arguments: StoreKind.available)
    func everyOrder(kind: StoreKind) throws {
        for (name, batches) in Self.orders {
            let store = try kind.make()
            let scanID = try store.beginScan(
                roots: ["/etc"], host: "web1", toolVersion: "0.1.0", startedAt: Sample.started)
            for assets in batches {
                try store.record(scanID: scanID, batch: ScanBatch(files: [], output: ScanOutput(assets: assets)))
            }
            let stored = try store.assets(scanID: scanID)
            #expect(stored.count == 1, "\(name)")
            #expect(stored.first?.kind == .privateKey, "\(name)")
            #expect(stored.first?.key == Self.privateHalf.key, "\(name)")
        }
    }
}
