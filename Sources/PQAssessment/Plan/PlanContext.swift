import PQCatalog
import PQModel

/// What an action builder sees: the input, with the assessment of each finding and the installed versions at hand.
public struct PlanContext: Sendable {
    public let input: PlanInput
    public let catalog: Catalog
    /// The verdict and waiver of each finding, by index into `input.findings` (`input.judgements`).
    public var assessments: FindingJudgements { input.judgements }

    public init(input: PlanInput, catalog: Catalog = .shared) {
        // The builders each take a copy of the certificates to look them up: sorted once here, not once per copy.
        var input = input
        input.certificates.prepareLookups()
        self.input = input
        self.catalog = catalog
    }

    public var asOf: CalendarDay { input.judgements.asOf }
    public var findings: PlanFindings { input.findings }

    /// True when a finding is in force, not waived, and the policy or its quantum status calls for a change.
    public func needsAction(_ index: Int) -> Bool {
        guard index >= 0, index < findings.count else { return false }
        return Self.needsAction(findings[index], assessments[index])
    }

    /// `needsAction(_:)` for a finding and its judgement (nil when not judged), before any context exists: the
    /// planner's input keeps every finding for which this holds.
    public static func needsAction(_ finding: Finding, _ assessed: FindingJudgements.Judgement?) -> Bool {
        guard finding.effective else { return false }
        let status = finding.quantumStatus
        guard let assessed else { return status == .vulnerable || status == .broken }
        if assessed.isWaived { return false }
        return assessed.verdict.state != .allowed || status == .vulnerable || status == .broken
    }

    /// The day a finding must be gone by: today when the policy already disallows it, else the policy's next date.
    public func deadline(of index: Int) -> (day: CalendarDay?, reason: String) {
        guard let verdict = assessments[index]?.verdict else { return (nil, "no policy verdict") }
        switch verdict.state {
        case .disallowed:
            let since = verdict.since.map { " since \($0)" } ?? ""
            return (asOf, "disallowed\(since) under \(verdict.profile): overdue")
        case .allowed where verdict.deadline == nil:
            return (nil, "allowed under \(verdict.profile) with no end date")
        default:
            guard let day = verdict.deadline else { return (nil, "\(verdict.state.rawValue) with no end date") }
            let next = verdict.nextState?.rawValue ?? "disallowed"
            return (day, "\(verdict.state.rawValue) under \(verdict.profile); \(next) from \(day)")
        }
    }

    /// The earliest deadline among findings, with its reason and rule.
    public func earliestDeadline(_ indexes: [Int]) -> (
        day: CalendarDay?, reason: String, rule: String?, source: String?
    ) {
        var best: (day: CalendarDay?, reason: String, rule: String?, source: String?) = (
            nil, "no policy date", nil, nil
        )
        for index in indexes {
            let (day, reason) = deadline(of: index)
            let verdict = assessments[index]?.verdict
            if best.rule == nil, let verdict {
                best = (day, reason, verdict.rule, verdict.source)
            }
            guard let day else { continue }
            if best.day.map({ day < $0 }) ?? true { best = (day, reason, verdict?.rule, verdict?.source) }
        }
        return best
    }

    /// The reference to a finding that actions and reports carry. Its index is the position in `findings`; the
    /// planner turns it into the position in the scan's ordered findings at the end (`PlanInput.findingIndexes`).
    public func ref(_ index: Int) -> FindingRef { FindingRef(index: index, finding: findings[index]) }

    /// The installed version of a software family, from the caller's override or the tree's package database.
    /// `names` are package names in preference order (`openssh-server`, `openssh`).
    public func installedVersion(family: String, packages names: [String]) -> (version: SoftwareVersion, text: String)?
    {
        if let text = input.versionOverrides[family], let version = SoftwareVersion(text) { return (version, text) }
        for name in names {
            if let package = input.software.first(where: { $0.name == name }),
                let version = SoftwareVersion(package.version)
            {
                return (version, "\(package.name) \(package.version)")
            }
        }
        return nil
    }
}

/// Builds the actions for one software family (one file per family: OpenSSH, certificates, nginx, ...). The
/// planner runs every builder, then the generic one over the findings none of them retired.
public protocol PlanActionBuilder: Sendable {
    /// The software family, as in `PlanAction.software`.
    var family: String { get }
    /// The actions for this family; each lists the finding indexes it retires in `retires`.
    func actions(_ context: PlanContext) -> [PlanAction]
    /// True for findings this builder answers for even when it plans no action (a classical fallback it keeps,
    /// a signature with no replacement yet): the generic builder then leaves them alone.
    func handles(_ finding: Finding) -> Bool
    /// True for every finding the builder may look at, beside those that need action (which the planner always
    /// keeps): a setting's whole list, the protocol lines of a server, a peer's algorithms. The planner streams a
    /// scan's findings and keeps only these, so the answer must be a superset of what `actions` reads; a finding
    /// answered false here is never seen by the builder unless it needs action.
    func reads(_ finding: Finding) -> Bool
}

extension PlanActionBuilder {
    public func handles(_ finding: Finding) -> Bool { false }

    /// Every finding, unless the builder says which it reads: always correct, never smaller.
    public func reads(_ finding: Finding) -> Bool { true }
}
