/// Where a judged finding sits, in words a reader can find again: enough to locate it without the store's row ids.
public struct FindingRef: Codable, Sendable, Hashable, Comparable {
    /// Position of the finding in the scan's ordered finding list (`InventoryStore.findings`), 0-based.
    public var index: Int
    public var path: String
    public var line: Int?
    public var source: String
    public var setting: String
    public var algorithm: String
    public var canonical: String?
    public var context: String?

    public init(index: Int, finding: Finding) {
        self.index = index
        self.path = finding.path.display
        self.line = finding.line
        self.source = finding.source.rawValue
        self.setting = finding.setting
        self.algorithm = finding.algorithm
        self.canonical = finding.canonical
        self.context = finding.context
    }

    /// `path:line setting=algorithm` — how tables and explanations name a finding.
    public var label: String {
        let place = line.map { "\(path):\($0)" } ?? path
        return "\(place) \(setting)=\(canonical ?? algorithm)"
    }

    public static func < (lhs: FindingRef, rhs: FindingRef) -> Bool { lhs.index < rhs.index }
}

/// What a policy says about one finding on the as-of date.
public enum PolicyState: String, Codable, Sendable, CaseIterable, Comparable {
    /// No rule restricts it on that date and none will.
    case allowed
    /// Allowed today, but a rule's deadline lies ahead (`deadline`, `daysLeft`).
    case due
    /// Past a "deprecated after" date: still permitted, with accepted risk.
    case deprecated
    /// Past a "disallowed after" date, or already broken.
    case disallowed

    public var severity: Int {
        switch self {
        case .allowed: 0
        case .due: 1
        case .deprecated: 2
        case .disallowed: 3
        }
    }

    public static func < (lhs: PolicyState, rhs: PolicyState) -> Bool { lhs.severity < rhs.severity }
}

/// A policy's verdict on one finding, with the rule and the source it rests on.
public struct PolicyVerdict: Codable, Sendable, Hashable {
    public var state: PolicyState
    /// First day of the current state when it is `deprecated` or `disallowed`.
    public var since: CalendarDay?
    /// The next transition ahead of the as-of date, if any.
    public var deadline: CalendarDay?
    /// The state the finding enters on `deadline`.
    public var nextState: PolicyState?
    /// Days from the as-of date to `deadline`.
    public var daysLeft: Int?
    public var profile: String
    /// The rule that decided, as `profile/rule`; nil when no rule speaks to the finding.
    public var rule: String?
    /// The system category the rule was applied under (CNSA 2.0), if any.
    public var category: String?
    /// True when the rule is a mandate for the systems in its scope; false for guidance or a draft.
    public var binding: Bool
    /// Who the rule binds, in words ("US National Security Systems"); nil for guidance.
    public var scope: String?
    /// Document, section and date the rule comes from (the public citation: `SourceCitation`).
    public var source: String
    /// One sentence: why this state.
    public var explanation: String
    /// Whether the finding is what the profile prefers for its purpose (CNSA 2.0: pure ML-KEM-1024 for key
    /// establishment); nil when the profile states no preference for it.
    public var preferred: Bool?
    /// The profile's preference in words, with its source, when it has one for this kind of finding.
    public var preference: String?

    public init(
        state: PolicyState, since: CalendarDay? = nil, deadline: CalendarDay? = nil, nextState: PolicyState? = nil,
        daysLeft: Int? = nil, profile: String, rule: String? = nil, category: String? = nil, binding: Bool,
        scope: String? = nil, source: String, explanation: String
    ) {
        self.state = state
        self.since = since
        self.deadline = deadline
        self.nextState = nextState
        self.daysLeft = daysLeft
        self.profile = profile
        self.rule = rule
        self.category = category
        self.binding = binding
        self.scope = scope
        self.source = SourceCitation.citation(source)
        self.explanation = explanation
    }
}

/// A certificate whose validity runs past the deadline its algorithm has under the policy.
public struct CertificateOverrun: Codable, Sendable, Hashable {
    public var notAfter: CalendarDay
    /// The day the algorithm becomes `state` under the rule.
    public var deadline: CalendarDay
    public var state: PolicyState
    /// "valid until 2034-05-01, disallowed after 2030 under nist-ir-8547/..."
    public var message: String

    public init(notAfter: CalendarDay, deadline: CalendarDay, state: PolicyState, message: String) {
        self.notAfter = notAfter
        self.deadline = deadline
        self.state = state
        self.message = message
    }
}

/// Which of the three risk tiers a finding falls in, highest first.
public enum RiskTier: String, Codable, Sendable, CaseIterable {
    /// Key exchange or encryption: traffic recorded today is read once a quantum computer exists.
    case harvestNowDecryptLater = "harvest-now-decrypt-later"
    /// Broken without a quantum computer: MD5, SHA-1 signatures, RSA < 2048, TLS < 1.2, SSH-1, RC4, DES.
    case classicallyBroken = "classically-broken"
    /// Signatures, certificates and keys: forgery needs a quantum computer at the time of use.
    case authentication
    /// Quantum-resistant, hybrid, or only Grover-weakened.
    case low
}

/// A finding's risk priority, 0-100, with every reason that set it.
public struct RiskPriority: Codable, Sendable, Hashable {
    public var score: Int
    public var tier: RiskTier
    public var reasons: [String]

    public init(score: Int, tier: RiskTier, reasons: [String]) {
        self.score = score
        self.tier = tier
        self.reasons = reasons
    }
}

/// A waiver's effect on one finding.
public struct WaiverStatus: Codable, Sendable, Hashable {
    public var id: String
    public var owner: String
    public var reason: String
    public var expires: CalendarDay
    /// True while the as-of date is on or before `expires`; an expired waiver is reported and not honoured.
    public var honoured: Bool

    public init(id: String, owner: String, reason: String, expires: CalendarDay, honoured: Bool) {
        self.id = id
        self.owner = owner
        self.reason = reason
        self.expires = expires
        self.honoured = honoured
    }
}

/// One finding, judged: policy verdict, risk priority, certificate overrun and waiver.
public struct FindingAssessment: Codable, Sendable, Hashable {
    public var finding: FindingRef
    public var quantumStatus: QuantumStatus
    public var effective: Bool
    public var verdict: PolicyVerdict
    public var risk: RiskPriority
    public var overrun: CertificateOverrun?
    public var waiver: WaiverStatus?
    /// The system (AgilityScore.system.id) the finding was scored under.
    public var system: String
    /// The day the finding's certificate expired, when it expired before the as-of date (the certificate is
    /// invalid now, whatever its algorithm: replace it first).
    public var expired: CalendarDay?

    public init(
        finding: FindingRef, quantumStatus: QuantumStatus, effective: Bool, verdict: PolicyVerdict,
        risk: RiskPriority, overrun: CertificateOverrun? = nil, waiver: WaiverStatus? = nil, system: String,
        expired: CalendarDay? = nil
    ) {
        self.finding = finding
        self.quantumStatus = quantumStatus
        self.effective = effective
        self.verdict = verdict
        self.risk = risk
        self.overrun = overrun
        self.waiver = waiver
        self.system = system
        self.expired = expired
    }

    /// True when a waiver in force covers the finding: it is reported, and no gate counts it.
    public var isWaived: Bool { waiver?.honoured == true }
}

/// A judged finding with its place in the assessment's risk order (0: the highest risk): what a stream of judged
/// findings in another order (the inventory's) carries so a reader can still rank them.
public struct RankedAssessment: Sendable, Hashable {
    public var position: Int
    public var assessment: FindingAssessment

    public init(position: Int, assessment: FindingAssessment) {
        self.position = position
        self.assessment = assessment
    }
}
