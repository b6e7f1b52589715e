/// What the console form of an assessment shows of its judged findings, gathered as they are judged so that no
/// list of every finding is held: the first `limit` by risk; the first `limit` certificate overruns, findings of
/// expired certificates and waived findings, in inventory order; the `limit` lowest-scoring systems; whether the
/// rules applied bind; and how many of each there are. The 1M-file benchmark tree has 200,400 systems, and every
/// certificate of a tree can be expired: listed whole, the table held and printed them all.
public struct AssessmentHighlights: Sendable, Hashable {
    /// Findings listed at most, highest risk first.
    public let limit: Int
    /// Every judged finding seen.
    public private(set) var count = 0
    /// The first `limit` findings in risk order (`RiskRank`).
    public private(set) var top: [FindingAssessment] = []
    /// The first `limit` findings whose certificate outlives its algorithm's deadline, in inventory order.
    public private(set) var overruns: [FindingAssessment] = []
    /// The first `limit` findings whose certificate expired before the as-of date, in inventory order.
    public private(set) var expired: [FindingAssessment] = []
    /// The first `limit` findings a waiver names (honoured or expired), in inventory order.
    public private(set) var waived: [FindingAssessment] = []
    /// How many findings of each of those lists there are in all.
    public private(set) var overrunCount = 0
    public private(set) var expiredCount = 0
    public private(set) var waivedCount = 0
    /// The `binding` values of the verdicts that came from a rule.
    public private(set) var binding: Set<Bool> = []
    /// The scope of the highest-ranked finding whose rule binds (nil when that rule names none).
    public private(set) var bindingScope: String?
    private var bindingRank: RiskRank?

    public init(limit: Int) {
        self.limit = limit
    }

    /// The highlights of findings already judged, in any order.
    public init(_ findings: [FindingAssessment], limit: Int) {
        self.init(limit: limit)
        for item in findings { add(item) }
    }

    /// Takes one more judged finding.
    public mutating func add(_ item: FindingAssessment) {
        count += 1
        let rank = item.rank
        if top.count < limit || (top.last.map { rank < $0.rank } ?? false) {
            // Few and short (50): an insertion keeps them sorted.
            let at = top.firstIndex { rank < $0.rank } ?? top.endIndex
            top.insert(item, at: at)
            if top.count > limit { top.removeLast() }
        }
        if item.overrun != nil {
            overrunCount += 1
            Self.insertByIndex(item, into: &overruns, limit: limit)
        }
        if item.expired != nil {
            expiredCount += 1
            Self.insertByIndex(item, into: &expired, limit: limit)
        }
        if item.waiver != nil {
            waivedCount += 1
            Self.insertByIndex(item, into: &waived, limit: limit)
        }
        if item.verdict.rule != nil { binding.insert(item.verdict.binding) }
        if item.verdict.binding, bindingRank.map({ rank < $0 }) ?? true {
            bindingRank = rank
            bindingScope = item.verdict.scope
        }
    }

    /// What the table's agility section shows of one system.
    public struct SystemLine: Sendable, Hashable {
        public var id: String
        public var score: Int
        public var grade: String
        public var findingCount: Int
        /// The dimensions that could not be evaluated, in the score's order.
        public var notEvaluated: [String]

        public init(_ score: AgilityScore) {
            id = score.system.id
            self.score = score.score
            grade = score.grade
            findingCount = score.findingCount
            notEvaluated = score.notEvaluated.map(\.dimension)
        }
    }

    /// The `limit` lowest-scoring systems so far with their place in the result's `systems` (systems are scored
    /// out of that order), by score then place.
    private var systemLines: [PlacedLine] = []
    /// Every system taken by `add(_:position:)`.
    public private(set) var systemCount = 0

    private struct PlacedLine: Sendable, Hashable {
        var position: Int
        var line: SystemLine

        static func lower(_ lhs: PlacedLine, _ rhs: PlacedLine) -> Bool {
            (lhs.line.score, lhs.position) < (rhs.line.score, rhs.position)
        }
    }

    /// The systems the table lists, taken by `add(_:position:)`: all of them in the result's order when there are
    /// `limit` or fewer, else the `limit` lowest-scoring by score (`systemsLeftOut` counts the rest); empty when
    /// none were taken (the table then reads the result's systems, `Self.shown`).
    public var systems: [SystemLine] { Self.ordered(systemLines, leftOut: systemsLeftOut) }

    /// Systems taken but not listed.
    public var systemsLeftOut: Int { systemCount - systemLines.count }

    /// Takes one system's score, handed on as it was made, and its place in the result's `systems`: a line of it,
    /// not the score (whose adjustments cite every finding behind it).
    public mutating func add(_ score: AgilityScore, position: Int) {
        systemCount += 1
        Self.keepLowest(PlacedLine(position: position, line: SystemLine(score)), in: &systemLines, limit: limit)
    }

    /// The lines the table lists of a result's systems (in its order) and how many it leaves out: as
    /// `systems` and `systemsLeftOut` would be after taking each.
    public static func shown(_ lines: [SystemLine], limit: Int) -> (lines: [SystemLine], leftOut: Int) {
        var kept: [PlacedLine] = []
        for (position, line) in lines.enumerated() {
            keepLowest(PlacedLine(position: position, line: line), in: &kept, limit: limit)
        }
        return (ordered(kept, leftOut: lines.count - kept.count), lines.count - kept.count)
    }

    private static func keepLowest(_ placed: PlacedLine, in kept: inout [PlacedLine], limit: Int) {
        guard kept.count < limit || (kept.last.map { PlacedLine.lower(placed, $0) } ?? false) else { return }
        // Few (50): an insertion keeps them sorted.
        kept.insert(placed, at: kept.firstIndex { PlacedLine.lower(placed, $0) } ?? kept.endIndex)
        if kept.count > limit { kept.removeLast() }
    }

    private static func ordered(_ kept: [PlacedLine], leftOut: Int) -> [SystemLine] {
        (leftOut == 0 ? kept.sorted { $0.position < $1.position } : kept).map(\.line)
    }

    /// Keeps the first `limit` findings in inventory order: appends in the usual case (judged in inventory order),
    /// inserts when findings come in another order.
    private static func insertByIndex(_ item: FindingAssessment, into list: inout [FindingAssessment], limit: Int) {
        if let last = list.last, item.finding < last.finding {
            list.insert(item, at: list.firstIndex { item.finding < $0.finding } ?? list.endIndex)
            if list.count > limit { list.removeLast() }
        } else if list.count < limit {
            list.append(item)
        }
    }
}
