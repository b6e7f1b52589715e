/// How a vendor fares on one procurement requirement (Docs/procurement.md).
public enum RequirementVerdict: String, Codable, Sendable, CaseIterable {
    /// The claim (and the evidence, where given) satisfies the requirement.
    case meets
    /// The requirement is not met today; the check says by when it must be and what the vendor promises.
    case gap
    /// Neither the claims nor the evidence say either way.
    case unverifiable
}

/// What the evidence says about a vendor's claim on one requirement: the state of a side-by-side table cell.
///
/// Raw values are the JSON contract. A verdict says whether the requirement is met; the state says how far to trust
/// that verdict, so a contradicted claim never reads as met.
public enum ClaimState: String, Codable, Sendable, CaseIterable {
    /// The evidence shows it, and the check cites the proof.
    case verified
    /// The evidence disproves the claim; the contradictions give file, line and algorithm.
    case contradicted
    /// The vendor claims it and no evidence speaks either way (none given, or none for this use).
    case claimedOnly = "claimed-only"
    /// The vendor says nothing on it.
    case notClaimed = "not-claimed"

    /// "verified", "contradicted", "claimed only", "not claimed".
    public var words: String { rawValue.replacingOccurrences(of: "-", with: " ") }
}

/// One requirement of the procurement checklist, judged for one vendor (and one protocol, where it is per use).
public struct RequirementCheck: Codable, Sendable, Hashable {
    /// The checklist item: `algorithms-configurable`, `hybrid-ml-kem`, `pq-signature-path`, `no-broken-crypto`,
    /// `defaults-within-profile`, `cbom-delivered`.
    public var requirement: String
    /// The protocol the verdict is about; nil for product-wide requirements.
    public var `protocol`: ClaimedProtocol?
    public var verdict: RequirementVerdict
    /// The day the requirement must be met by under the profile (and the acquisition gate); nil when undated.
    public var mustMeetBy: CalendarDay?
    /// The day the vendor promises to meet it; nil when it names none.
    public var vendorPromise: CalendarDay?
    /// For a gap: true when the promise falls on or before `mustMeetBy`; nil when either date is missing.
    public var promiseInTime: Bool?
    /// One sentence: why this verdict.
    public var explanation: String
    /// Where the requirement comes from, with the standards.md verification mark.
    public var source: String
    /// Where `mustMeetBy` comes from (the profile rule and category, or the acquisition gate); nil when undated.
    public var deadlineSource: String?
    /// Evidence lines that bear the verdict out (`etc/ssh/sshd_config:12 sets KexAlgorithms ...`).
    public var evidence: [String]
    /// What the evidence says about the claim (`VendorChecker` sets it); nil in a check built without one.
    public var state: ClaimState?

    public init(
        requirement: String, protocol: ClaimedProtocol? = nil, verdict: RequirementVerdict,
        mustMeetBy: CalendarDay? = nil, vendorPromise: CalendarDay? = nil, promiseInTime: Bool? = nil,
        explanation: String, source: String, deadlineSource: String? = nil, evidence: [String] = [],
        state: ClaimState? = nil
    ) {
        self.state = state
        self.deadlineSource = deadlineSource.map(SourceCitation.citation)
        self.requirement = requirement
        self.protocol = `protocol`
        self.verdict = verdict
        self.mustMeetBy = mustMeetBy
        self.vendorPromise = vendorPromise
        self.promiseInTime = promiseInTime
        self.explanation = explanation
        self.source = SourceCitation.citation(source)
        self.evidence = evidence
    }

    /// `requirement` or `requirement (protocol)`: the row key of a comparison.
    public var key: String { self.protocol.map { "\(requirement) (\($0.rawValue))" } ?? requirement }
}

/// What kind of disagreement between a claim and the shipped evidence.
public enum ContradictionKind: String, Codable, Sendable, CaseIterable {
    /// An algorithm claimed on by default is not among the algorithms the evidence puts in force for that use.
    case defaultNotInForce = "default-not-in-force"
    /// Hybrid key exchange is claimed, but no hybrid is in force in the evidence for that use.
    case hybridNotOffered = "hybrid-not-offered"
    /// A post-quantum signing path is claimed, but the signing certificate or key in the evidence is classical.
    case classicalSigningKey = "classical-signing-key"
    /// The evidence puts in force an algorithm of a kind the claim lists, but the claim does not name it.
    case unclaimedAlgorithm = "unclaimed-algorithm"
    /// The evidence puts in force a classically broken algorithm the claim does not name.
    case brokenInForce = "broken-in-force"
    /// A signature algorithm is claimed on by default, but the certificate or key the use serves is another.
    case certificateNotAsClaimed = "certificate-not-as-claimed"
    /// The evidence puts in force an algorithm the claim says the use never uses (`excluded`).
    case excludedInForce = "excluded-in-force"
    /// Algorithms are claimed configurable, but the evidence shows them fixed: a protocol without negotiation
    /// (WireGuard), a list the software hard-codes, or a library too old to know any post-quantum algorithm.
    case notConfigurable = "not-configurable"
}

/// One claim the evidence contradicts, with its proof.
public struct Contradiction: Codable, Sendable, Hashable {
    public var kind: ContradictionKind
    public var `protocol`: ClaimedProtocol
    /// What the vendor claims, in words: "claims X25519MLKEM768 on by default".
    public var claim: String
    /// What the evidence shows, citing the file and line: "`etc/nginx/nginx.conf:41` sets `ssl_ecdh_curve prime256v1`".
    public var proof: String
    /// Evidence file (relative to the evidence root) and line the proof cites.
    public var path: String
    public var line: Int?
    /// The checklist item (`RequirementCheck.requirement`) whose claim this disproves.
    public var requirement: String?

    public init(
        kind: ContradictionKind, protocol: ClaimedProtocol, claim: String, proof: String, path: String, line: Int?,
        requirement: String? = nil
    ) {
        self.requirement = requirement
        self.kind = kind
        self.protocol = `protocol`
        self.claim = claim
        self.proof = proof
        self.path = path
        self.line = line
    }

    /// "claims ...; proof": the sentence reports print.
    public var sentence: String { "\(claim); \(proof)" }
}

/// One vendor's claims judged against a profile's deadlines, the procurement checklist and (optionally) evidence.
public struct VendorAssessment: Codable, Sendable, Hashable {
    public var claims: VendorClaims
    public var profile: String
    /// The category judged under (`--category`, else the claims' own), if the profile has categories.
    public var category: String?
    public var asOf: CalendarDay
    public var checks: [RequirementCheck]
    /// Empty when no evidence was given (see `evidence`).
    public var contradictions: [Contradiction]
    /// What evidence was examined, in words ("scan 3 of /tmp/appliance: 14 findings"); nil when none.
    public var evidence: String?

    public init(
        claims: VendorClaims, profile: String, category: String?, asOf: CalendarDay, checks: [RequirementCheck],
        contradictions: [Contradiction] = [], evidence: String? = nil
    ) {
        self.claims = claims
        self.profile = profile
        self.category = category
        self.asOf = asOf
        self.checks = checks
        self.contradictions = contradictions
        self.evidence = evidence
    }

    /// Number of checks with this verdict.
    public func count(_ verdict: RequirementVerdict) -> Int { checks.filter { $0.verdict == verdict }.count }

    /// Number of checks in this state (a check without a state counts as claimed only).
    public func count(_ state: ClaimState) -> Int { checks.filter { ($0.state ?? .claimedOnly) == state }.count }
}

/// Several vendors side by side, for a tender: one row per requirement, one column per vendor.
public struct VendorComparison: Codable, Sendable, Hashable {
    public var vendors: [VendorAssessment]
    /// Row keys (`RequirementCheck.key`), in checklist order, each once.
    public var rows: [String]

    public init(vendors: [VendorAssessment]) {
        self.vendors = vendors
        // Requirements in the order they first appear, each with its protocols in protocol order.
        var requirements: [String] = []
        var keys: [String: (requirement: Int, protocol: Int)] = [:]
        for vendor in vendors {
            for check in vendor.checks {
                if !requirements.contains(check.requirement) { requirements.append(check.requirement) }
                let protocolIndex = check.protocol.flatMap { ClaimedProtocol.allCases.firstIndex(of: $0) } ?? -1
                keys[check.key] = (requirements.firstIndex(of: check.requirement) ?? 0, protocolIndex)
            }
        }
        self.rows = keys.keys.sorted { a, b in
            let x = keys[a] ?? (0, 0)
            let y = keys[b] ?? (0, 0)
            return (x.requirement, x.protocol, a) < (y.requirement, y.protocol, b)
        }
    }

    /// The check of one vendor for one row, or nil when the vendor has no such row (protocol not claimed).
    public func cell(row: String, vendor: Int) -> RequirementCheck? {
        guard vendors.indices.contains(vendor) else { return nil }
        return vendors[vendor].checks.first { $0.key == row }
    }

    /// The state of one cell: the check's, or not claimed where the vendor has no such row.
    public func state(row: String, vendor: Int) -> ClaimState {
        guard let check = cell(row: row, vendor: vendor) else { return .notClaimed }
        return check.state ?? .claimedOnly
    }

    /// One vendor's standing in the summary: counts of each state and its rank.
    public struct Standing: Codable, Sendable, Hashable {
        public var vendor: String
        public var verified: Int
        public var contradicted: Int
        public var claimedOnly: Int
        public var notClaimed: Int
        /// 1 for the best: fewest contradicted, then most verified (ties share a rank).
        public var rank: Int
    }

    /// Each vendor's counts over the table's rows, ranked by what the evidence contradicted and verified, never by
    /// what is merely claimed: fewest contradicted first (a disproved claim outweighs any number of proved ones),
    /// then most verified.
    public var standings: [Standing] {
        var out = vendors.indices.map { index in
            let states = rows.map { state(row: $0, vendor: index) }
            return Standing(
                vendor: vendors[index].claims.title, verified: states.filter { $0 == .verified }.count,
                contradicted: states.filter { $0 == .contradicted }.count,
                claimedOnly: states.filter { $0 == .claimedOnly }.count,
                notClaimed: states.filter { $0 == .notClaimed }.count, rank: 0)
        }
        for index in out.indices {
            out[index].rank =
                1
                + out.filter {
                    (-$0.contradicted, $0.verified) > (-out[index].contradicted, out[index].verified)
                }.count
        }
        return out
    }
}
