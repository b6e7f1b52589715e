import Foundation
import PQModel

/// A scan's diagnostics as the reports list them, one at a time: by path bytes, one path's in the order they were
/// recorded; with how many give each reason. From memory (tests, small inputs) or from a store cursor that gives
/// that order (`InventoryStore.forEachDiagnostic`), so a report holds the diagnostics it shows (HTML: at most
/// `maxRows`) or one path's, never every one: a tree full of broken files leaves hundreds of thousands.
public struct ReportDiagnostics: Sendable {
    /// Hands the diagnostics in report order to `body`, at most `limit` of them when given.
    public typealias Cursor = @Sendable (_ limit: Int?, _ body: (Diagnostic) throws -> Void) throws -> Void

    /// How many diagnostics give each reason (a reason none gives is absent).
    public let countsByReason: [Diagnostic.Reason: Int]
    /// Diagnostics in the scan.
    public let count: Int
    private let cursor: Cursor

    private init(countsByReason: [Diagnostic.Reason: Int], cursor: @escaping Cursor) {
        self.countsByReason = countsByReason
        self.count = countsByReason.values.reduce(0, +)
        self.cursor = cursor
    }

    public var isEmpty: Bool { count == 0 }

    /// Calls `body` with each diagnostic in report order, the first `limit` only when given.
    public func walk(limit: Int? = nil, _ body: (Diagnostic) throws -> Void) throws { try cursor(limit, body) }

    /// Calls `body` with each path's diagnostics together, in report order: for a renderer that orders one path's
    /// diagnostics by more than their recording order, holding one path's at a time.
    public func walkByPath(_ body: ([Diagnostic]) throws -> Void) throws {
        var group: [Diagnostic] = []
        try walk { diagnostic in
            if let last = group.last, last.path != diagnostic.path {
                try body(group)
                group.removeAll(keepingCapacity: true)
            }
            group.append(diagnostic)
        }
        if !group.isEmpty { try body(group) }
    }

    /// Diagnostics held in memory, sorted once by path (a stable sort: one path's keep their order).
    public static func array(_ diagnostics: [Diagnostic]) -> ReportDiagnostics {
        let sorted = diagnostics.enumerated().sorted { ($0.element.path, $0.offset) < ($1.element.path, $1.offset) }
            .map(\.element)
        let counts = Dictionary(grouping: sorted, by: \.reason).mapValues(\.count)
        return ReportDiagnostics(countsByReason: counts) { limit, body in
            for diagnostic in sorted.prefix(max(0, limit ?? sorted.count)) { try body(diagnostic) }
        }
    }

    /// Diagnostics from a cursor that already gives report order, with the counts the store answered.
    public static func stored(countsByReason: [Diagnostic.Reason: Int], _ cursor: @escaping Cursor)
        -> ReportDiagnostics
    {
        ReportDiagnostics(countsByReason: countsByReason, cursor: cursor)
    }
}
