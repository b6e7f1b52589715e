/// What the console form of an assessment shows of its judged findings, gathered as they are judged so that no
/// list of every finding is held: the first `limit` by risk, the certificate overruns, expired certificates and
/// waived findings (each listed whole by the table), whether the rules applied bind, and how many findings there are.
public struct AssessmentHighlights: Sendable, Hashable {
    /// Findings listed at most, highest risk first.
    public let limit: Int
    /// Every judged finding seen.
    public private(set) var count = 0
    /// The first `limit` findings in risk order (`RiskRank`).
    public private(set) var top: [FindingAssessment] = []
    /// Findings whose certificate outlives its algorithm's deadline, in inventory order.
    public private(set) var overruns: [FindingAssessment] = []
    /// Findings whose certificate expired before the as-of date, in inventory order.
    public private(set) var expired: [FindingAssessment] = []
    /// Findings a waiver names (honoured or expired), in inventory order.
    public private(set) var waived: [FindingAssessment] = []
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
        if item.overrun != nil { Self.insertByIndex(item, into: &overruns) }
        if item.expired != nil { Self.insertByIndex(item, into: &expired) }
        if item.waiver != nil { Self.insertByIndex(item, into: &waived) }
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

    /// Each system scored so far with its place in the result's `systems` (systems are scored out of that order),
    /// in the order they came: an array, not a dictionary by place (a line per system, 200,000 on a 1-million-file
    /// tree).
    private var systemLines: [PlacedLine] = []

    private struct PlacedLine: Sendable, Hashable {
        var position: Int
        var line: SystemLine
    }
    /// The distinct lists of dimensions not evaluated, each held once and shared by the lines that have it: a
    /// handful of lists, not an array per system.
    private var notEvaluatedLists: Set<[String]> = []

    /// The systems taken by `add(_:position:)`, in the result's order; empty when none were (the table then reads
    /// the result's systems).
    public var systems: [SystemLine] { systemLines.sorted { $0.position < $1.position }.map(\.line) }

    /// Takes one system's score, handed on as it was made, and its place in the result's `systems`: a line of it,
    /// not the score (whose adjustments cite every finding behind it).
    public mutating func add(_ score: AgilityScore, position: Int) {
        var line = SystemLine(score)
        line.notEvaluated = notEvaluatedLists.insert(line.notEvaluated).memberAfterInsert
        systemLines.append(PlacedLine(position: position, line: line))
    }

    /// Appends in the usual case (judged in inventory order); sorts when findings come in another order.
    private static func insertByIndex(_ item: FindingAssessment, into list: inout [FindingAssessment]) {
        if let last = list.last, item.finding < last.finding {
            list.insert(item, at: list.firstIndex { item.finding < $0.finding } ?? list.endIndex)
        } else {
            list.append(item)
        }
    }
}
