import Foundation
import PQModel

/// An assessment's judged findings as a report reads them, one at a time: each paired with the inventory finding
/// it judges, in `ReportOrder.finding`'s order (`walkPairs`), and every judged finding in risk order
/// (`walkJudged`). From memory (tests, small inputs) or from store cursors, so an assessed report never needs
/// every finding, nor every judged one, in memory.
///
/// The pairing is `ReportInput.rankedAssessedFindings`': a judged finding goes with an inventory finding of the same
/// place and name (path, line, source, setting, algorithm, context); among several of one name, the k-th judged
/// in risk order goes with the k-th in report order. `position` is the judged finding's place in risk order.
public struct ReportJudgedFindings: Sendable {
    public typealias PairCursor = @Sendable (_ body: (Finding, RankedAssessment) throws -> Void) throws -> Void
    public typealias JudgedCursor = @Sendable (_ body: (FindingAssessment) throws -> Void) throws -> Void

    private let pairs: PairCursor
    private let judged: JudgedCursor

    private init(pairs: @escaping PairCursor, judged: @escaping JudgedCursor) {
        self.pairs = pairs
        self.judged = judged
    }

    /// Calls `body` with each judged finding that pairs with an inventory finding, in report order of the latter.
    public func walkPairs(_ body: (Finding, RankedAssessment) throws -> Void) throws { try pairs(body) }

    /// Calls `body` with every judged finding, in risk order.
    public func walkJudged(_ body: (FindingAssessment) throws -> Void) throws { try judged(body) }

    /// The pairs of findings and an assessment held in memory.
    static func array(_ input: ReportInput) -> ReportJudgedFindings {
        guard let assessment = input.assessment else { return ReportJudgedFindings(pairs: { _ in }, judged: { _ in }) }
        var ranked = input.rankedAssessedFindings
        ranked.sort { ReportOrder.finding($0.0, $1.0) }
        let pairs = ranked
        let all = assessment.findings
        return ReportJudgedFindings(
            pairs: { body in for (finding, judged) in pairs { try body(finding, judged) } },
            judged: { body in for judged in all { try body(judged) } })
    }

    /// Pairs made from a cursor over the inventory in the store's order (`InventoryStore.forEachJudgedFinding`:
    /// path bytes, line with none first, recording order), each finding with the judged findings that name it by
    /// its place in that order; `judged` walks every judged finding in risk order.
    ///
    /// One run of findings of the same path and line at a time, as `ReportFindings.storeOrdered` sorts them: the
    /// findings a judged finding can pair with share its path and line, so they are all in its run, and pairing
    /// within the run gives the pairs of the whole. Memory: the largest run.
    public static func storeOrdered(
        _ cursor: @escaping @Sendable (_ body: (Finding, [RankedAssessment]) throws -> Void) throws -> Void,
        judged: @escaping JudgedCursor
    ) -> ReportJudgedFindings {
        ReportJudgedFindings(
            pairs: { body in
                var run: [Finding] = []
                var runJudged: [RankedAssessment] = []
                func finishRun() throws {
                    defer {
                        run.removeAll(keepingCapacity: true)
                        runJudged.removeAll(keepingCapacity: true)
                    }
                    guard !runJudged.isEmpty else { return }
                    if run.count > 1 { run.sort(by: ReportOrder.finding) }
                    if runJudged.count > 1 { runJudged.sort { $0.position < $1.position } }
                    var byKey: [String: [Int]] = [:]
                    for (offset, finding) in run.enumerated().reversed() {
                        byKey[Self.key(finding), default: []].append(offset)
                    }
                    var paired: [RankedAssessment?] = Array(repeating: nil, count: run.count)
                    for judged in runJudged {
                        let key = Self.key(judged.assessment.finding)
                        guard let offset = byKey[key]?.popLast() else { continue }
                        paired[offset] = judged
                    }
                    for (offset, finding) in run.enumerated() {
                        if let judged = paired[offset] { try body(finding, judged) }
                    }
                }
                try cursor { finding, judged in
                    if let first = run.first, first.path != finding.path || (first.line ?? 0) != (finding.line ?? 0) {
                        try finishRun()
                    }
                    run.append(finding)
                    runJudged += judged
                }
                try finishRun()
            }, judged: judged)
    }

    /// The place and name that pair a judged finding with an inventory finding.
    static func key(_ finding: Finding) -> String {
        key(
            finding.path.display, finding.line, finding.source.rawValue, finding.setting, finding.algorithm,
            finding.context)
    }

    static func key(_ ref: FindingRef) -> String {
        key(ref.path, ref.line, ref.source, ref.setting, ref.algorithm, ref.context)
    }

    static func key(
        _ path: String, _ line: Int?, _ source: String, _ setting: String, _ algorithm: String, _ context: String?
    ) -> String {
        [path, line.map(String.init) ?? "", source, setting, algorithm, context ?? ""].joined(separator: "\u{1F}")
    }
}
