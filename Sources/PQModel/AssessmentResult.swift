import Foundation

/// The thresholds `--fail-on` accepts (ARCHITECTURE.md exit status 1), for `scan` and `assess` alike.
///
/// Only findings in force count, and in `assess` only those no honoured waiver covers. `scan` judges no policy, so
/// it takes the thresholds of a quantum status (`status` not nil).
public enum GateThreshold: String, Codable, Sendable, CaseIterable {
    /// A finding is disallowed on the as-of date.
    case disallowed
    /// A finding is deprecated or disallowed on the as-of date.
    case deprecated
    /// A finding is classically broken.
    case broken
    /// A finding is quantum-vulnerable or classically broken, whatever the date.
    case vulnerable
    /// A finding is weakened by Grover's search, quantum-vulnerable or broken.
    case weakened

    /// The quantum status a finding must reach, for the thresholds that need no policy; nil for the others.
    public var status: QuantumStatus? {
        switch self {
        case .disallowed, .deprecated: nil
        case .broken: .broken
        case .vulnerable: .vulnerable
        case .weakened: .weakened
        }
    }

    /// The thresholds `scan --fail-on` offers: those that need no policy.
    public static let withoutPolicy: [GateThreshold] = allCases.filter { $0.status != nil }

    /// True when a finding in force with this quantum status and policy state (nil: not judged) meets the threshold.
    /// Waivers are the caller's: a waived finding meets none.
    public func isMet(status: QuantumStatus, state: PolicyState?) -> Bool {
        switch self {
        case .disallowed: state == .disallowed
        case .deprecated: state == .deprecated || state == .disallowed
        case .broken, .vulnerable, .weakened: status >= (self.status ?? .broken)
        }
    }

    /// True when a judged finding meets the threshold: in force, not waived, and at the threshold.
    public func isMet(by item: FindingAssessment) -> Bool {
        item.effective && !item.isWaived && isMet(status: item.quantumStatus, state: item.verdict.state)
    }
}

/// The outcome of a `--fail-on` gate.
public struct GateOutcome: Codable, Sendable, Hashable {
    public var threshold: GateThreshold
    public var met: Bool
    /// How many findings met it.
    public var count: Int
    /// The findings that met it (waived findings never do), in inventory order; empty while they are left in the
    /// store, where they are judged rows (a recorded assessment: `findings(in:)` picks them from judged findings).
    /// On the benchmark trees nearly every finding meets `vulnerable`: millions of references.
    public var findings: [FindingRef]

    public init(threshold: GateThreshold, met: Bool, findings: [FindingRef]) {
        self.threshold = threshold
        self.met = met
        self.count = findings.count
        self.findings = findings
    }

    /// A gate met by `count` findings that are not held.
    public init(threshold: GateThreshold, count: Int) {
        self.threshold = threshold
        self.met = count > 0
        self.count = count
        self.findings = []
    }

    /// True when the findings that met the gate are left out of `findings`.
    public var findingsLeftOut: Bool { findings.count != count }

    /// The findings of `judged` that meet the gate, in inventory order: what `findings` holds when held.
    public func findings(in judged: [FindingAssessment]) -> [FindingRef] {
        judged.filter { threshold.isMet(by: $0) }.map(\.finding).sorted()
    }

    /// When an encoder's `userInfo` has this key set to true, `count` is written (the store's document, where the
    /// findings are left out); otherwise the document is the one `assess --format json` has always printed.
    public static let encodesCount: CodingUserInfoKey = {
        guard let key = CodingUserInfoKey(rawValue: "PQModel.GateOutcome.encodesCount") else {
            preconditionFailure("a key with a raw value")
        }
        return key
    }()

    private enum CodingKeys: String, CodingKey {
        case threshold, met, count, findings
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        threshold = try c.decode(GateThreshold.self, forKey: .threshold)
        met = try c.decode(Bool.self, forKey: .met)
        findings = try c.decode([FindingRef].self, forKey: .findings)
        count = try c.decodeIfPresent(Int.self, forKey: .count) ?? findings.count
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(threshold, forKey: .threshold)
        try c.encode(met, forKey: .met)
        if encoder.userInfo[Self.encodesCount] as? Bool == true { try c.encode(count, forKey: .count) }
        try c.encode(findings, forKey: .findings)
    }
}

/// Counts a summary line shows.
public struct AssessmentSummary: Codable, Sendable, Hashable {
    /// Findings per policy state (raw value → count), waived findings included.
    public var byState: [String: Int]
    /// Findings per risk tier (raw value → count).
    public var byTier: [String: Int]
    public var waived: Int
    public var expiredWaivers: Int
    public var certificateOverruns: Int
    /// Distinct certificates that expired before the as-of date; nil in assessments made before it was counted.
    public var expiredCertificates: Int?

    public init(
        byState: [String: Int], byTier: [String: Int], waived: Int, expiredWaivers: Int,
        certificateOverruns: Int, expiredCertificates: Int? = nil
    ) {
        self.byState = byState
        self.byTier = byTier
        self.waived = waived
        self.expiredWaivers = expiredWaivers
        self.certificateOverruns = certificateOverruns
        self.expiredCertificates = expiredCertificates
    }
}

/// One assessment of one scan: the document `pqscout assess --format json` prints and the store keeps.
public struct AssessmentResult: Codable, Sendable, Hashable {
    /// Bumped when a field changes meaning or goes away; adding a field does not bump it.
    public static let currentSchemaVersion = 1

    public var schemaVersion: Int
    public var scanID: Int64
    public var profile: String
    public var profileTitle: String
    /// The system category asked for (`--category`); nil when each finding's category was inferred.
    public var category: String?
    public var asOf: CalendarDay
    public var dataLifetimeYears: Int
    /// Mosca's inputs the scan was judged with (systems may override x and the category: `systems[].mosca`); nil in
    /// assessments made before they were recorded.
    public var mosca: MoscaInputs?
    /// Findings, highest risk first (ties in inventory order).
    public var findings: [FindingAssessment]
    public var systems: [AgilityScore]
    /// The whole scan's score: the plain mean of its systems' scores (each system counts once).
    public var overall: AgilityScore
    public var coverage: AssessmentCoverage
    public var summary: AssessmentSummary
    /// Waivers in the waiver file that matched no finding (typos, or fixed since).
    public var unusedWaivers: [String]
    public var gate: GateOutcome?

    public init(
        scanID: Int64, profile: String, profileTitle: String, category: String?, asOf: CalendarDay,
        dataLifetimeYears: Int, findings: [FindingAssessment], systems: [AgilityScore], overall: AgilityScore,
        coverage: AssessmentCoverage, summary: AssessmentSummary, unusedWaivers: [String] = [],
        gate: GateOutcome? = nil, mosca: MoscaInputs? = nil
    ) {
        self.schemaVersion = Self.currentSchemaVersion
        self.mosca = mosca
        self.scanID = scanID
        self.profile = profile
        self.profileTitle = profileTitle
        self.category = category
        self.asOf = asOf
        self.dataLifetimeYears = dataLifetimeYears
        self.findings = findings
        self.systems = systems
        self.overall = overall
        self.coverage = coverage
        self.summary = summary
        self.unusedWaivers = unusedWaivers
        self.gate = gate
    }
}

/// An assessment as the store lists it.
public struct StoredAssessment: Codable, Sendable, Hashable {
    public var id: Int64
    public var scanID: Int64
    public var createdAt: Date
    public var result: AssessmentResult

    public init(id: Int64, scanID: Int64, createdAt: Date, result: AssessmentResult) {
        self.id = id
        self.scanID = scanID
        self.createdAt = createdAt
        self.result = result
    }
}

extension AssessmentResult {
    /// Fills the gate's findings from `findings` when they were left out (a recorded assessment's document keeps
    /// their number, the rows keep them) and the judged findings are here; otherwise changes nothing.
    public mutating func restoreGateFindings() {
        guard var outcome = gate, outcome.findingsLeftOut, !findings.isEmpty else { return }
        outcome.findings = outcome.findings(in: findings)
        // The rows decide: a count that disagrees (a header made by hand) is not kept beside them.
        outcome.count = outcome.findings.count
        gate = outcome
    }
}
