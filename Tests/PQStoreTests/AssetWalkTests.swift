import Foundation
import PQModel
import Testing

@testable import PQStore

/// `forEachAsset(scanID:walk:)`, the cursor a CBOM's certificate and key components are written from: the order
/// of each walk (id bytes, not a collation), each asset with exactly the findings that name it in the store's
/// order, on both backends; on PostgreSQL with two rows per fetch, so every walk crosses fetches.
@Suite("Asset walks: assets by id or key id with the findings naming them")
struct AssetWalkTests {
    static func certificate(_ id: String, key: String?) -> Asset {
        var asset = Sample.certificate
        asset.id = "sha256:" + id
        asset.certificate?.subject = "CN=\(id)"
        if let key { asset.certificate?.publicKeyID = key } else { asset.certificate = nil }
        return asset
    }

    /// A key asset (`k1`) carried by two certificates, a key no asset holds (`k0`) carried by two others (ids
    /// that differ only in case: byte order puts `B` before `a`), a certificate without details, and an asset
    /// that is neither; recorded out of order.
    static let assets: [Asset] = {
        var key = Sample.key
        key.id = "sha256:k1"
        var service = Sample.key
        service.id = "service:nginx"
        service.kind = .service
        service.key = nil
        return [
            certificate("c3", key: "sha256:k1"), service, certificate("a0", key: "sha256:k0"), key,
            certificate("none", key: nil), certificate("c1", key: "sha256:k1"), certificate("B0", key: "sha256:k0"),
        ]
    }()

    /// Findings naming the assets over several files and lines, recorded out of path order, with ties (same
    /// path and line) whose recording order must hold.
    static let findings: [Finding] = [
        Sample.finding("z.pem", usage: .signature, asset: "sha256:c1"),
        Sample.finding("a.pem", line: 4, usage: .publicKey, asset: "sha256:c1"),
        Sample.finding("a.pem", line: nil, usage: .publicKey, algorithm: "second", asset: "sha256:c1"),
        Sample.finding("a.pem", line: nil, usage: .publicKey, algorithm: "first", asset: "sha256:c3"),
        Sample.finding("k.pem", usage: .keyExchange, asset: "sha256:k1"),
        Sample.finding("b.pem", usage: .publicKey, asset: "sha256:a0"),
        Sample.finding("b.pem", usage: .signature, asset: "sha256:a0"),
        Sample.finding("n.conf", line: 9, usage: .cipher, asset: "service:nginx"),
        Sample.finding("n.conf", line: 2, usage: .cipher, algorithm: "x", asset: "service:nginx"),
        Sample.finding("n.conf", line: 2, usage: .cipher, algorithm: "a", asset: "service:nginx"),
        Sample.finding("none.pem", usage: .signature, asset: "sha256:none"),
        Sample.finding("free.conf"),
    ]

    static func recorded(_ store: InventoryStore) throws -> Int64 {
        let scanID = try Sample.begin(store)
        let paths = Set(findings.map(\.path.display)).sorted()
        try store.record(
            scanID: scanID,
            batch: ScanBatch(
                files: paths.map(Sample.file), output: ScanOutput(findings: findings, assets: assets)))
        return scanID
    }

    static func walk(_ store: InventoryStore, _ scanID: Int64, _ walk: AssetWalk) throws -> [(String, [Finding])] {
        var out: [(String, [Finding])] = []
        try store.forEachAsset(scanID: scanID, walk: walk) { out.append(($0.id, $1)) }
        return out
    }

    /// The findings of the scan naming `asset`, in `forEachFinding`'s order.
    static func named(_ store: InventoryStore, _ scanID: Int64, _ asset: String, usage: Usage? = nil) throws
        -> [Finding]
    {
        try store.findings(FindingQuery(scanID: scanID)).filter {
            $0.asset == asset && (usage == nil || $0.usage == usage)
        }
    }

    @Test(
        "certificates by id bytes, each with every finding naming it, details as the whole read gives them",
        arguments: StoreKind.available)
    func certificates(kind: StoreKind) throws {
        let store = try AssessedFindingStreamTests.store(kind)
        let scanID = try Self.recorded(store)
        let walked = try Self.walk(store, scanID, .certificates)
        #expect(walked.map(\.0) == ["B0", "a0", "c1", "c3", "none"].map { "sha256:" + $0 })
        for (id, findings) in walked { #expect(findings == (try Self.named(store, scanID, id))) }
        #expect(walked.first { $0.0 == "sha256:c1" }?.1.map(\.path.display) == ["a.pem", "a.pem", "z.pem"])
        var assets: [Asset] = []
        try store.forEachAsset(scanID: scanID, walk: .certificates) { asset, _ in assets.append(asset) }
        #expect(assets == (try store.assets(scanID: scanID)).filter { $0.kind == .certificate })
    }

    @Test(
        "keys by key id: the key's asset first, then its certificates by id with their public-key findings",
        arguments: StoreKind.available)
    func keys(kind: StoreKind) throws {
        let store = try AssessedFindingStreamTests.store(kind)
        let scanID = try Self.recorded(store)
        let walked = try Self.walk(store, scanID, .keys)
        #expect(
            walked.map(\.0) == ["service:nginx", "sha256:B0", "sha256:a0", "sha256:k1", "sha256:c1", "sha256:c3"])
        for (id, findings) in walked {
            let isCertificate = id.hasPrefix("sha256:") && id != "sha256:k1"
            #expect(findings == (try Self.named(store, scanID, id, usage: isCertificate ? .publicKey : nil)))
        }
        // The service's findings in the store's order: line 2 (recording order kept), then line 9.
        #expect(walked[0].1.map(\.algorithm) == ["x", "a", "ecdh-sha2-nistp256"])
        var assets: [Asset] = []
        try store.forEachAsset(scanID: scanID, walk: .keys) { asset, _ in assets.append(asset) }
        let whole = try store.assets(scanID: scanID)
        #expect(assets.map { asset in whole.first { $0.id == asset.id } } == assets.map(Optional.some))
        #expect(assets.first { $0.id == "sha256:k1" }?.key == Sample.key.key)
    }

    @Test("a scan without assets walks nothing", arguments: StoreKind.available)
    func empty(kind: StoreKind) throws {
        let store = try AssessedFindingStreamTests.store(kind)
        let scanID = try Sample.begin(store)
        #expect(try Self.walk(store, scanID, .certificates).isEmpty)
        #expect(try Self.walk(store, scanID, .keys).isEmpty)
    }
}
