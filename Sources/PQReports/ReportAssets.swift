import Foundation
import PQModel

/// A scan's assets with the findings that name them, as a CBOM lists its certificate and key components: one
/// asset at a time, in the two orders `InventoryStore.forEachAsset` walks (`AssetWalk`). From memory (tests,
/// small inputs) or from store cursors, so a CBOM never holds every asset or every asset's findings.
///
/// Each asset comes with the findings that name it in an order whose stable sort by `ReportOrder.finding` is
/// their report order (the store's path, line, recording order; or report order already).
public struct ReportAssets: Sendable {
    public typealias Cursor = @Sendable (_ body: (Asset, [Finding]) throws -> Void) throws -> Void

    private let certificates: Cursor
    private let keys: Cursor

    private init(certificates: @escaping Cursor, keys: @escaping Cursor) {
        self.certificates = certificates
        self.keys = keys
    }

    /// The certificate assets by id, each with every finding that names it.
    public func walkCertificates(_ body: (Asset, [Finding]) throws -> Void) throws { try certificates(body) }

    /// The keys grouped by key id (the asset's id; a certificate's `publicKeyID`), the groups by id: the key's
    /// own asset (not a certificate) first when there is one, then the certificates (with details) whose subject
    /// public key it is, the one whose findings stand for the key (`CycloneDXRenderer`) last. Certificates bring
    /// at least their public-key findings.
    public func walkKeys(_ body: (Asset, [Finding]) throws -> Void) throws { try keys(body) }

    /// From store cursors that give these orders (`AssetWalk.certificates`, `AssetWalk.keys`).
    public static func stored(certificates: @escaping Cursor, keys: @escaping Cursor) -> ReportAssets {
        ReportAssets(certificates: certificates, keys: keys)
    }

    /// Assets held in memory with the findings `findings` walks. A key's certificates keep the order of
    /// `assets`, so the last of them stands for the key as it always has: the last in the order given.
    public static func array(_ assets: [Asset], findings: ReportFindings) -> ReportAssets {
        let byAsset = LockedFindings(findings)
        let certificates = assets.filter { $0.kind == .certificate }.sorted { $0.id < $1.id }
        var keyIDs = Set<String>()
        var holders: [String: [Asset]] = [:]
        for asset in assets {
            if asset.kind != .certificate {
                keyIDs.insert(asset.id)
                holders[asset.id, default: []].insert(asset, at: 0)
            } else if let details = asset.certificate {
                keyIDs.insert(details.publicKeyID)
                holders[details.publicKeyID, default: []].append(asset)
            }
        }
        let keys = keyIDs.sorted().flatMap { holders[$0] ?? [] }
        return ReportAssets(
            certificates: { body in
                let found = try byAsset.value()
                for asset in certificates { try body(asset, found[asset.id] ?? []) }
            },
            keys: { body in
                let found = try byAsset.value()
                for asset in keys { try body(asset, found[asset.id] ?? []) }
            })
    }

    /// The findings by asset, gathered on first use (a test's input, small).
    private final class LockedFindings: @unchecked Sendable {
        private let findings: ReportFindings
        private let lock = NSLock()
        private var gathered: [String: [Finding]]?

        init(_ findings: ReportFindings) { self.findings = findings }

        func value() throws -> [String: [Finding]] {
            lock.lock()
            defer { lock.unlock() }
            if let gathered { return gathered }
            var out: [String: [Finding]] = [:]
            try findings.walk { finding in if let asset = finding.asset { out[asset, default: []].append(finding) } }
            gathered = out
            return out
        }
    }
}
