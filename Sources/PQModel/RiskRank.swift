/// Where a judged finding stands in its assessment's order: highest risk score first, ties in inventory order.
///
/// The one definition of that order. `Assessor.riskOrder` compares ranks, and the store sorts the rows it records
/// by the same two values (`sqlOrder`), so an assessment written as it is judged comes back in the order an
/// in-memory sort gives.
public struct RiskRank: Sendable, Hashable, Comparable {
    /// The risk priority, 0-100 (`RiskPriority.score`).
    public var score: Int
    /// The finding's place in the scan's inventory order (`FindingRef.index`).
    public var index: Int

    public init(score: Int, index: Int) {
        self.score = score
        self.index = index
    }

    /// True when `lhs` comes first.
    public static func < (lhs: RiskRank, rhs: RiskRank) -> Bool {
        lhs.score != rhs.score ? lhs.score > rhs.score : lhs.index < rhs.index
    }

    /// The same order as an SQL `ORDER BY` over the columns holding the score and the index.
    public static func sqlOrder(score: String, index: String) -> String { "\(score) DESC, \(index) ASC" }
}

extension FindingAssessment {
    /// The finding's rank in risk order.
    public var rank: RiskRank { RiskRank(score: risk.score, index: finding.index) }
}
