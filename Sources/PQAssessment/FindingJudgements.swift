import PQModel

/// Each finding's policy verdict and waiver, by its index in the scan's ordered findings: what the planner reads of
/// an assessment, held compactly.
///
/// A scan of 1.78 million findings holds a few dozen distinct verdicts. A `FindingAssessment` per finding (its
/// reference, verdict, risk, overrun and waiver) was several hundred bytes each and gigabytes in all; here each
/// finding is a verdict number and a waived flag, and every distinct verdict is held once.
public struct FindingJudgements: Sendable {
    /// What the planner asks of one finding's assessment.
    public struct Judgement: Sendable, Hashable {
        public var verdict: PolicyVerdict
        /// True when a waiver in force covers the finding (`FindingAssessment.isWaived`).
        public var isWaived: Bool
    }

    public var scanID: Int64
    public var asOf: CalendarDay
    /// How many findings a waiver in force covers. Judgements of some of a scan's findings (the planner keeps
    /// only those it can use) set it to the count over all of them.
    public internal(set) var waivedCount = 0
    /// The distinct verdicts; `slots` number them.
    private var verdicts: [PolicyVerdict] = []
    /// Per finding index: the number of its verdict in `verdicts`, or -1 for a finding not judged.
    private var slots: [Int32]
    private var waived: [Bool]

    /// No finding judged yet, for `count` findings.
    public init(scanID: Int64, asOf: CalendarDay, count: Int) {
        self.scanID = scanID
        self.asOf = asOf
        slots = [Int32](repeating: -1, count: count)
        waived = [Bool](repeating: false, count: count)
    }

    /// The judgements a full assessment holds, for the findings it was made of. An assessment entry whose finding
    /// does not match the finding at its index (a stale or foreign assessment) is ignored, not misapplied.
    public init(_ result: AssessmentResult, findings: [Finding]) {
        self.init(scanID: result.scanID, asOf: result.asOf, count: findings.count)
        var numbers: [PolicyVerdict: Int32] = [:]
        for assessed in result.findings {
            let index = assessed.finding.index
            guard index >= 0, index < findings.count else { continue }
            let finding = findings[index]
            guard finding.path.display == assessed.finding.path, finding.setting == assessed.finding.setting,
                finding.algorithm == assessed.finding.algorithm
            else { continue }
            let number: Int32
            if let known = numbers[assessed.verdict] {
                number = known
            } else {
                number = add(assessed.verdict)
                numbers[assessed.verdict] = number
            }
            set(index, verdict: number, waived: assessed.isWaived)
        }
    }

    /// Holds a distinct verdict once.
    /// - Returns: its number, for `set(_:verdict:waived:)`.
    mutating func add(_ verdict: PolicyVerdict) -> Int32 {
        verdicts.append(verdict)
        return Int32(verdicts.count - 1)
    }

    /// Records the judgement of the finding at `index`.
    mutating func set(_ index: Int, verdict: Int32, waived isWaived: Bool) {
        guard slots.indices.contains(index) else { return }
        if waived[index] { waivedCount -= 1 }
        slots[index] = verdict
        waived[index] = isWaived
        if isWaived { waivedCount += 1 }
    }

    /// The number of a streamed judgement's verdict here, adding the verdict the first time its number is met.
    /// - Parameter numbers: by `StreamedJudgement.verdictNumber`, the number given here; kept by the caller.
    mutating func number(_ judged: Assessor.StreamedJudgement, numbers: inout [Int32]) -> Int32 {
        while numbers.count <= judged.verdictNumber { numbers.append(-1) }
        if numbers[judged.verdictNumber] < 0 { numbers[judged.verdictNumber] = add(judged.verdict) }
        return numbers[judged.verdictNumber]
    }

    /// Adds a slot for one more finding, judged.
    mutating func append(verdict: Int32, waived isWaived: Bool) {
        slots.append(verdict)
        waived.append(isWaived)
        if isWaived { waivedCount += 1 }
    }

    /// How many findings there are slots for.
    public var count: Int { slots.count }

    /// The judgement of the finding at `index`; nil for an index out of range or a finding not judged.
    public subscript(index: Int) -> Judgement? {
        guard slots.indices.contains(index), slots[index] >= 0 else { return nil }
        return Judgement(verdict: verdicts[Int(slots[index])], isWaived: waived[index])
    }
}
