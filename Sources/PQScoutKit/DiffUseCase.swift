import Foundation
import PQModel
import PQReports
import PQStore

/// What `pqscout diff` compares. Left nil, `to` is the latest complete scan and `from` the scan of the same
/// roots before it.
public struct DiffRequest: Sendable {
    public var storePath: String
    public var fromScan: Int64?
    public var toScan: Int64?

    public init(storePath: String = "pqscout.db", fromScan: Int64? = nil, toScan: Int64? = nil) {
        self.storePath = storePath
        self.fromScan = fromScan
        self.toScan = toScan
    }
}

/// The outcome of a diff: the differences, or why there is nothing to compare. `Presentation.diffText` and
/// `Presentation.diffJSON` render it.
public struct DiffOutcome: Sendable {
    public let toScan: Int64
    /// Nil when there is nothing to compare: the later scan is the first of its roots and no `--from` was named.
    public let diff: InventoryDiff?

    public var fromScan: Int64? { diff?.fromScan }
    public var added: Int { diff?.added.count ?? 0 }
    public var removed: Int { diff?.removed.count ?? 0 }
    public var changed: Int { diff?.changed.count ?? 0 }
    public var unchanged: Int { diff?.unchanged ?? 0 }
}

/// `pqscout diff`: findings added, removed and changed between two scans, by identity (`InventoryDiff`).
public enum DiffUseCase {
    public static func run(_ request: DiffRequest) throws(PQScoutError) -> DiffOutcome {
        let store = try StoreAccess.open(request.storePath, create: false)
        return try StoreAccess.perform(request.storePath) {
            let to = try InventoryUseCase.resolveScanID(request.toScan, store: store, storePath: request.storePath)
            for id in [request.fromScan, to].compactMap({ $0 }) {
                _ = try InventoryUseCase.existingScan(
                    id, store: store, storePath: request.storePath, code: "diff.no-scan")
            }
            // The first scan of a tree is not a mistake: there is simply nothing to compare yet.
            guard let from = try request.fromScan ?? store.previousScanID(sameRootsAs: to) else {
                return DiffOutcome(toScan: to, diff: nil)
            }
            // One path at a time from one cursor over both scans: never either scan's findings whole.
            let diff = try InventoryDiff.compute(from: from, to: to) { body in
                try store.forEachPathOfScans(from, to, body)
            }
            return DiffOutcome(toScan: to, diff: diff)
        }
    }
}
