import Foundation
import PQModel

/// An assessment's scored systems as a report reads them: how many, and each in turn lowest score first (ties by
/// id), from memory (`AssessmentResult.systems`) or from a store cursor, so an assessed report never holds every
/// system (40,080 on the 200k benchmark, each citing the findings behind its points).
public struct ReportSystems: Sendable {
    /// Hands over the first `limit` systems (all when nil) in the report's order.
    public typealias Cursor = @Sendable (_ limit: Int?, _ body: (AgilityScore) throws -> Void) throws -> Void

    /// How many systems there are.
    public let count: Int
    private let byScore: Cursor

    /// `byScore` hands the systems over lowest score first, ties by system id.
    public init(count: Int, byScore: @escaping Cursor) {
        self.count = count
        self.byScore = byScore
    }

    /// Calls `body` with the first `limit` systems (every one when nil), lowest score first, ties by system id.
    public func walkByScore(limit: Int? = nil, _ body: (AgilityScore) throws -> Void) throws {
        try byScore(limit, body)
    }

    /// The systems of an assessment held in memory.
    static func array(_ systems: [AgilityScore]) -> ReportSystems {
        let sorted = systems.sorted { ($0.score, $0.system.id) < ($1.score, $1.system.id) }
        return ReportSystems(count: sorted.count) { limit, body in
            for system in sorted.prefix(limit ?? sorted.count) { try body(system) }
        }
    }
}
