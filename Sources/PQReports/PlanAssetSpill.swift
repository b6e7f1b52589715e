import Foundation
import PQAssessment
import PQModel

/// The rows of a plan's long asset lists, rendered as CSV lines when the planner makes them and parked in a
/// temporary file (`SpillFile`) until `plan` writes each list to its own CSV: the plan keeps a few rows an action,
/// not one per certificate. Removed when released.
public final class PlanAssetSpill: PlanAssetRowSink, @unchecked Sendable {
    // Unchecked: every access to the fields below holds `lock`.
    private let lock = NSLock()
    private var file: SpillFile?
    private var spans: [String: [SpillFile.Span]] = [:]
    /// Rows not yet parked, all of `pendingList`: parked a megabyte at a time, not a write per row.
    private var pending = ""
    private var pendingList: String?
    private var failure: (any Error)?

    public init() {}

    deinit { file?.remove() }

    public func add(_ row: PlanAsset, list: String) {
        lock.withLock {
            if pendingList != list {
                park()
                pendingList = list
            }
            pending += PlanAssetsCSV.row(row)
            if pending.utf8.count >= 1 << 20 { park() }
        }
    }

    /// True when rows of the list `list` were parked here.
    public func holds(_ list: String) -> Bool {
        lock.withLock { spans[list] != nil || (pendingList == list && !pending.isEmpty) }
    }

    /// Writes the list `list` as its CSV file would hold it: the header, then its rows in the order they came.
    /// - Throws: the error that kept a row from being parked, or one from reading the rows back or from `output`.
    public func write(_ list: String, to output: ReportOutput) throws {
        try lock.withLock {
            park()
            if let failure { throw failure }
            try output.write(PlanAssetsCSV.header)
            for span in spans[list] ?? [] {
                guard let file else { break }
                try file.copy(span, to: output)
            }
        }
    }

    /// The first error met while parking rows, if any: the plan's lists are then incomplete.
    public var error: (any Error)? {
        lock.withLock {
            park()
            return failure
        }
    }

    /// Moves the pending rows to the file. Called with `lock` held.
    private func park() {
        guard let list = pendingList, !pending.isEmpty else { return }
        defer { pending = "" }
        guard failure == nil else { return }
        do {
            if file == nil { file = try SpillFile() }
            if let file { spans[list, default: []].append(try file.append(pending)) }
        } catch {
            failure = error
        }
    }
}
