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

/// The outcome of a diff, ready to print.
public struct DiffOutcome: Sendable {
    /// Nil when there is nothing to compare: the later scan is the first of its roots and no `--from` was named.
    public let fromScan: Int64?
    public let toScan: Int64
    public let added: Int
    public let removed: Int
    public let changed: Int
    public let unchanged: Int
    /// One line per added (`+`), removed (`-`) and changed (`~`) finding.
    public let text: String
    /// `{"from", "to", "added", "removed", "changed", "unchanged"}` with whole findings.
    public let json: String
}

/// `pqscout diff`: findings added, removed and changed between two scans, by identity (`InventoryDiff`).
public enum DiffUseCase {
    public static func run(_ request: DiffRequest) throws -> DiffOutcome {
        let store = try StoreAccess.open(request.storePath, create: false)
        return try StoreAccess.perform(request.storePath) {
            let to = try InventoryUseCase.resolveScanID(request.toScan, store: store, storePath: request.storePath)
            for id in [request.fromScan, to].compactMap({ $0 }) {
                _ = try InventoryUseCase.existingScan(
                    id, store: store, storePath: request.storePath, code: "diff.no-scan")
            }
            // The first scan of a tree is not a mistake: there is simply nothing to compare yet.
            guard let from = try request.fromScan ?? store.previousScanID(sameRootsAs: to) else {
                let note = "scan \(to) is the first scan of its roots; name an earlier scan with --from to compare"
                return DiffOutcome(
                    fromScan: nil, toScan: to, added: 0, removed: 0, changed: 0, unchanged: 0,
                    text: "Nothing to compare: \(note).\n",
                    json:
                        #"{"from":null,"to":\#(to),"added":[],"removed":[],"changed":[],"unchanged":0,"note":"\#(note)"}"#
                        + "\n")
            }
            let diff = InventoryDiff.compute(
                from: from, try store.findings(FindingQuery(scanID: from)), to: to,
                try store.findings(FindingQuery(scanID: to)))
            let json: String
            do {
                json = try diff.json()
            } catch {
                throw PQScoutError(
                    code: "output.json", kind: .input, reason: "cannot write JSON: \(PQScoutError.describe(error))")
            }
            return DiffOutcome(
                fromScan: from, toScan: to, added: diff.added.count, removed: diff.removed.count,
                changed: diff.changed.count, unchanged: diff.unchanged, text: diff.text(), json: json)
        }
    }
}
