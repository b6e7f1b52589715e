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
    /// The diff whole, for a caller that looks inside it; `write` prints it without holding it.
    public static func run(_ request: DiffRequest) throws(PQScoutError) -> DiffOutcome {
        let store = try StoreAccess.open(request.storePath, create: false)
        return try StoreAccess.perform(request.storePath) {
            let (from, to) = try scans(request, store: store)
            guard let from else { return DiffOutcome(toScan: to, diff: nil) }
            // One path at a time from the store: never either scan's findings whole.
            let diff = try InventoryDiff.compute(from: from, to: to) { body in
                try store.forEachPathOfScans(from, to, body)
            }
            return DiffOutcome(toScan: to, diff: diff)
        }
    }

    /// Writes the diff as `Presentation.diffText` / `diffJSON` would print it, as the store hands the paths over:
    /// one path's findings in memory, the lists parked on disk until they can be written (two unrelated scans of
    /// 356,000 findings each made a 342 MB JSON diff, which the whole diff held as 1.46 GB).
    public static func write(_ request: DiffRequest, format: InventoryDiff.Format, write: @escaping (String) -> Void)
        throws(PQScoutError)
    {
        let store = try StoreAccess.open(request.storePath, create: false)
        try StoreAccess.perform(request.storePath) {
            let (from, to) = try scans(request, store: store)
            guard let from else {
                switch format {
                case .text: write(InventoryDiff.nothingToCompareText(to: to))
                case .json: write(try InventoryDiff.nothingToCompareJSON(to: to))
                }
                return
            }
            let output = ReportOutput(bufferSize: 64 << 10) { write(String(decoding: $0, as: UTF8.self)) }
            _ = try InventoryDiff.write(
                from: from, to: to, format: format, paths: { body in try store.forEachPathOfScans(from, to, body) },
                to: output)
            try output.flush()
        }
    }

    /// The later scan (checked), and the earlier one: nil when there is nothing to compare, the later scan being
    /// the first of its roots and no `--from` named. That is not a mistake: there is simply nothing to compare yet.
    private static func scans(_ request: DiffRequest, store: InventoryStore) throws -> (from: Int64?, to: Int64) {
        let to = try InventoryUseCase.resolveScanID(request.toScan, store: store, storePath: request.storePath)
        for id in [request.fromScan, to].compactMap({ $0 }) {
            _ = try InventoryUseCase.existingScan(id, store: store, storePath: request.storePath, code: "diff.no-scan")
        }
        return (try request.fromScan ?? store.previousScanID(sameRootsAs: to), to)
    }
}
