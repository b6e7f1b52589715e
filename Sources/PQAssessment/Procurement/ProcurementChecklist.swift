import PQCatalog
import PQModel

/// The procurement checklist (Docs/procurement.md): what a buyer asks of a vendor's crypto-agility claims, judged
/// against a policy profile's deadlines.
///
/// Every item carries its source with the standards.md verification mark, and every gap carries the day it must be
/// met by and the day the vendor promises, so a tender report never presents guidance as mandate.
public struct ProcurementChecklist: Sendable {
    /// One checklist item.
    public struct Item: Sendable, Hashable {
        public let id: String
        public let title: String
        public let source: String
    }

    public static let configurable = Item(
        id: "algorithms-configurable", title: "Algorithms are configurable by the customer, not hard-coded",
        source: "Crypto-agility: a product whose algorithms cannot be changed must be replaced to meet the profile's "
            + "deadlines (RFC 7696, BCP 201, Nov 2015: Guidelines for Cryptographic Algorithm Agility ✅)")
    public static let hybrid = Item(
        id: "hybrid-ml-kem", title: "Hybrid ML-KEM key exchange offered before the deadline",
        source: "FIPS 203 ML-KEM (Aug 2024) ✅; X25519MLKEM768 / mlkem768x25519-sha256 as shipped by OpenSSL 3.5 and "
            + "OpenSSH (standards.md §4.1, §5) ✅; the deadline is the profile's first transition for 128-bit "
            + "classical key establishment in the category")
    public static let signing = Item(
        id: "pq-signature-path",
        title: "A post-quantum signature path for code and firmware signing (ML-DSA, LMS, XMSS)",
        source: "CNSA 2.0: software/firmware signing with ML-DSA-87, or LMS/XMSS (SP 800-208), support and prefer by "
            + "2025, exclusively by 2030 ◐ (standards.md §1.2); FIPS 204 ML-DSA ✅")
    public static let noBroken = Item(
        id: "no-broken-crypto",
        title: "No classically broken cryptography (MD5, SHA-1 signatures, RC4, DES, RSA < 2048)",
        source: "SP 800-131A (disallowed after 2013 ❓ from memory); SP 800-131A Rev. 3 ipd ◐ (standards.md §1.1)")
    public static let withinProfile = Item(
        id: "defaults-within-profile",
        title: "Algorithms on by default are not deprecated or disallowed by the profile",
        source: "the profile's own rules (Docs/policies.md), each with its source")
    public static let cbom = Item(
        id: "cbom-delivered", title: "A CBOM (CycloneDX 1.6/1.7 cryptographic bill of materials) is delivered",
        source: "CycloneDX 1.6 CBOM (cryptoProperties) ✅ (standards.md §6); asked for by the buyer's contract")

    public static let support = Item(
        id: "pq-within-support",
        title: "Post-quantum support arrives before the product's support ends",
        source: "the vendor's end-of-support date against its PQ promises and the profile's deadlines: a product "
            + "supported until 2029 whose PQ arrives in 2031 is never PQ-ready in its life")

    /// Every item, in report order.
    public static let items = [configurable, hybrid, signing, noBroken, withinProfile, cbom, support]

    /// Days from which a profile requires new acquisitions to comply, with the source. CNSA 2.0: new NSS
    /// acquisitions must be CNSA 2.0-compliant from 1 January 2027 (◐ corroborated by two secondary sources,
    /// standards.md §1.2).
    public static let acquisitionGates: [String: (day: CalendarDay, source: String)] = {
        guard let day = CalendarDay(year: 2027, month: 1, day: 1) else { return [:] }
        return [
            "cnsa-2.0": (
                day,
                "CNSA 2.0 acquisition gate: new NSS acquisitions CNSA 2.0-compliant from 1 Jan 2027 ◐ "
                    + "(standards.md §1.2)"
            )
        ]
    }()

    public let profile: PolicyProfile
    /// The category judged under, already checked against the profile; nil for profiles without categories.
    public let category: String?
    public let asOf: CalendarDay
    public let catalog: Catalog

    /// - Throws: `AssessmentError` `assess.unknown-category` when `category` is not one of the profile's.
    public init(profile: PolicyProfile, category: String?, asOf: CalendarDay, catalog: Catalog = .shared)
        throws(AssessmentError)
    {
        _ = try PolicyEvaluator(profile: profile, category: category, catalog: catalog)
        self.profile = profile
        self.category = category
        self.asOf = asOf
        self.catalog = catalog
    }

    /// The finding source a claim about `protocol` is judged as (its description's `standsFor`), so the profile
    /// infers the same category it would for a scan; X.509 when none stands for it.
    static func sourceOf(_ protocol: ClaimedProtocol) -> String {
        let described = FindingSourceDescription.all.first { $0.standsFor.contains(`protocol`) }
        return (described?.source ?? .x509).rawValue
    }

    func evaluator(for protocol: ClaimedProtocol) -> PolicyEvaluator? {
        var chosen = category
        if `protocol`.isSigning, profile.category("software-firmware-signing") != nil {
            chosen = "software-firmware-signing"
        }
        return try? PolicyEvaluator(profile: profile, category: chosen, catalog: catalog)
    }

    /// The day a use must offer post-quantum cryptography: the profile's first transition for a 128-bit classical
    /// algorithm of that job (X25519 key exchange, ECDSA P-256 signatures) in the category, or the acquisition gate
    /// when that is earlier.
    public func pqDeadline(for protocol: ClaimedProtocol) -> (day: CalendarDay?, source: String) {
        let signing = `protocol`.isSigning
        var day: CalendarDay?
        var source = profile.document
        if let evaluator = evaluator(for: `protocol`) {
            // The strongest classical choice (P-384, compliant under CNSA 1.0 too) dates the PQ deadline: weaker
            // curves may already be disallowed for reasons that are not the quantum transition.
            let subject = PolicyEvaluator.Subject(
                name: signing ? "ECDSA-P384-SHA384" : "P-384", rawAlgorithm: signing ? "ECDSA-P384-SHA384" : "P-384",
                family: signing ? "ECDSA" : "ECDH", primitive: signing ? "signature" : "key-agree",
                usage: signing ? .signature : .keyExchange, quantumStatus: .vulnerable, strength: 192,
                source: Self.sourceOf(`protocol`))
            let chosen = evaluator.category(for: subject.source)
            if let rule = evaluator.rule(for: subject, category: chosen?.category) {
                let dates = PolicyEvaluator.transitions(rule, category: chosen?.category)
                day = dates.deprecated ?? dates.disallowed
                source =
                    "\(profile.id)/\(rule.id)" + (chosen.map { " in category \($0.category.id)" } ?? "")
                    + ": " + rule.source
            }
        }
        if let gate = Self.acquisitionGates[profile.id] {
            if day == gate.day {
                source += " | " + gate.source
            } else if day.map({ gate.day < $0 }) ?? true {
                day = gate.day
                source = gate.source
            }
        }
        return (day, source)
    }

    // MARK: - Evaluation

    /// Judges a vendor's claims item by item; per protocol where the item is about one use.
    /// - Parameter evidence: the in-force findings chosen for each claimed protocol (`EvidenceSelector`), or nil
    ///   when no evidence was given; evidence settles an item the claims leave open and proves broken crypto.
    public func evaluate(_ claims: VendorClaims, evidence: [ClaimedProtocol: [Finding]]? = nil) -> [RequirementCheck] {
        var checks: [RequirementCheck] = []
        for claim in claims.protocols { checks.append(configurable(claim)) }
        for claim in claims.protocols where claim.protocol.establishesKeys {
            checks.append(hybrid(claim, evidence: evidence?[claim.protocol]))
        }
        let signers = claims.protocols.filter(\.protocol.isSigning)
        if signers.isEmpty {
            checks.append(
                RequirementCheck(
                    requirement: Self.signing.id, verdict: .unverifiable,
                    mustMeetBy: pqDeadline(for: .firmwareSigning).day,
                    explanation: "the claims say nothing about code or firmware signing", source: Self.signing.source,
                    deadlineSource: pqDeadline(for: .firmwareSigning).source))
        }
        for claim in signers { checks.append(signing(claim, evidence: evidence?[claim.protocol])) }
        for claim in claims.protocols { checks.append(noBroken(claim, evidence: evidence?[claim.protocol])) }
        for claim in claims.protocols { checks.append(withinProfile(claim)) }
        checks.append(cbom(claims))
        checks.append(support(claims, checks: checks))
        return checks
    }

    /// True when the profile lets this PQ algorithm meet its PQ items: no rule of the profile restricts it (CNSA 2.0
    /// counts only ML-KEM-1024 and ML-DSA-87, LMS, XMSS: its rules `kem-not-cnsa` and `signature-not-cnsa`).
    func qualifies(_ algorithm: ClaimedAlgorithm, protocol: ClaimedProtocol) -> Bool {
        guard let evaluator = evaluator(for: `protocol`) else { return true }
        return evaluator.evaluate(subject(algorithm, protocol: `protocol`), asOf: asOf).rule == nil
    }

    /// "; under cnsa-2.0 X25519MLKEM768 does not count (cnsa-2.0/kem-not-cnsa)", or "" when all qualify.
    func disqualified(_ algorithms: [ClaimedAlgorithm], protocol: ClaimedProtocol) -> String {
        guard let evaluator = evaluator(for: `protocol`) else { return "" }
        let out = algorithms.compactMap { algorithm -> String? in
            let verdict = evaluator.evaluate(subject(algorithm, protocol: `protocol`), asOf: asOf)
            return verdict.rule.map { "\(algorithm.display) (\($0))" }
        }
        guard !out.isEmpty else { return "" }
        return "; \(profile.id) does not count " + ContradictionFinder.unique(out).joined(separator: ", ")
    }

    /// The end of support against the PQ items: every key-establishing or signing use must be post-quantum (met
    /// today, or promised by `pqShipsOn`) before support ends.
    func support(_ claims: VendorClaims, checks: [RequirementCheck]) -> RequirementCheck {
        let item = Self.support
        let uses = claims.protocols.filter { $0.protocol.establishesKeys || $0.protocol.isSigning }
        let deadline = uses.map { pqDeadline(for: $0.protocol) }.filter { $0.day != nil }.min {
            ($0.day ?? asOf) < ($1.day ?? asOf)
        }
        guard let end = claims.supportEndsOn else {
            return RequirementCheck(
                requirement: item.id, verdict: .unverifiable, mustMeetBy: deadline?.day,
                explanation: "the claims name no end-of-support date", source: item.source,
                deadlineSource: deadline?.source)
        }
        if end < asOf {
            return gap(
                item, nil, "support ended on \(end)", deadline: (deadline?.day, deadline?.source ?? item.source),
                promise: nil)
        }
        var late: [String] = []
        var arrivals: [CalendarDay] = []
        for claim in uses {
            let pqItem = claim.protocol.isSigning ? Self.signing.id : Self.hybrid.id
            let met = checks.contains {
                $0.requirement == pqItem && $0.protocol == claim.protocol && $0.verdict == .meets
            }
            if met { continue }
            guard let ships = claim.pqShipsOn else {
                late.append("\(claim.protocol.rawValue) has no post-quantum date")
                continue
            }
            arrivals.append(ships)
            if ships > end { late.append("\(claim.protocol.rawValue) PQ arrives \(ships)") }
        }
        if !late.isEmpty {
            return gap(
                item, nil,
                "supported until \(end), but \(late.joined(separator: ", ")): never PQ-ready in its life",
                deadline: (deadline?.day, deadline?.source ?? item.source), promise: arrivals.max())
        }
        var text = "supported until \(end)"
        text += arrivals.max().map { "; post-quantum for every use by \($0), within support" } ?? "; post-quantum today"
        if let day = deadline?.day, end < day {
            text += "; support ends before the \(profile.id) deadline \(day), so it is replaced before then"
        }
        return RequirementCheck(
            requirement: item.id, verdict: .meets, mustMeetBy: deadline?.day, vendorPromise: arrivals.max(),
            explanation: text, source: item.source, deadlineSource: deadline?.source)
    }

    func gap(
        _ item: Item, _ claim: ProtocolClaim?, _ explanation: String, deadline: (day: CalendarDay?, source: String),
        promise: CalendarDay?, evidence: [String] = []
    ) -> RequirementCheck {
        var text = explanation
        var inTime: Bool?
        if let day = deadline.day {
            text += asOf >= day ? "; it was due \(day)" : "; it must be met by \(day)"
            if let promise {
                inTime = promise <= day
                text += promise <= day ? ", and the vendor promises \(promise)" : ", but the vendor promises \(promise)"
            } else {
                text += ", and the vendor names no date"
            }
        } else if let promise {
            text += "; the vendor promises \(promise)"
        }
        return RequirementCheck(
            requirement: item.id, protocol: claim?.protocol, verdict: .gap, mustMeetBy: deadline.day,
            vendorPromise: promise, promiseInTime: inTime, explanation: text,
            source: item.source, deadlineSource: deadline.day == nil ? nil : deadline.source, evidence: evidence)
    }

    func configurable(_ claim: ProtocolClaim) -> RequirementCheck {
        let item = Self.configurable
        switch claim.configurable {
        case true?:
            return RequirementCheck(
                requirement: item.id, protocol: claim.protocol, verdict: .meets,
                explanation: "the vendor states the \(claim.protocol.rawValue) algorithms are configurable",
                source: item.source)
        case false?:
            return gap(
                item, claim, "the \(claim.protocol.rawValue) algorithms are hard-coded",
                deadline: pqDeadline(for: claim.protocol), promise: claim.pqShipsOn)
        case nil:
            return RequirementCheck(
                requirement: item.id, protocol: claim.protocol, verdict: .unverifiable,
                mustMeetBy: pqDeadline(for: claim.protocol).day,
                explanation: "the claims do not say whether the \(claim.protocol.rawValue) algorithms are configurable",
                source: item.source, deadlineSource: pqDeadline(for: claim.protocol).source)
        }
    }

    func hybrid(_ claim: ProtocolClaim, evidence: [Finding]?) -> RequirementCheck {
        let item = Self.hybrid
        let name = claim.protocol.rawValue
        let claimedPQ = claim.supported.map { ClaimedAlgorithm($0, catalog: catalog) }.filter(\.isMLKEM)
        let offered = claimedPQ.filter { qualifies($0, protocol: claim.protocol) }
        let deadline = pqDeadline(for: claim.protocol)
        let foundPQ = (evidence ?? []).filter {
            AlgorithmJob(usage: $0.usage) == .keyExchange
                && ClaimedAlgorithm($0.canonical ?? $0.algorithm, catalog: catalog).isMLKEM
        }
        let inForce = foundPQ.filter {
            qualifies(ClaimedAlgorithm($0.canonical ?? $0.algorithm, catalog: catalog), protocol: claim.protocol)
        }
        let weak = disqualified(
            claimedPQ + foundPQ.map { ClaimedAlgorithm($0.canonical ?? $0.algorithm, catalog: catalog) },
            protocol: claim.protocol)
        let cited = inForce.prefix(3).map { "\($0.path.display)\($0.line.map { ":\($0)" } ?? "") \($0.algorithm)" }
        if !offered.isEmpty {
            return RequirementCheck(
                requirement: item.id, protocol: claim.protocol, verdict: .meets,
                explanation: "\(name) supports \(offered.map(\.display).joined(separator: ", "))",
                source: item.source, evidence: cited)
        }
        if !inForce.isEmpty {
            return RequirementCheck(
                requirement: item.id, protocol: claim.protocol, verdict: .meets,
                explanation: "the claims name no ML-KEM for \(name), but the evidence has one in force",
                source: item.source, evidence: cited)
        }
        if claim.hybrid == true, weak.isEmpty {
            return RequirementCheck(
                requirement: item.id, protocol: claim.protocol, verdict: .meets,
                explanation: "the vendor states hybrid key exchange for \(name) without naming the algorithm",
                source: item.source)
        }
        if claim.supported.isEmpty && claim.hybrid == nil {
            return RequirementCheck(
                requirement: item.id, protocol: claim.protocol, verdict: .unverifiable, mustMeetBy: deadline.day,
                vendorPromise: claim.pqShipsOn,
                explanation: "the claims name no \(name) key exchange and do not say whether hybrid is offered",
                source: item.source, deadlineSource: deadline.source)
        }
        return gap(
            item, claim, "\(name) offers no \(weak.isEmpty ? "" : "qualifying ")ML-KEM key exchange today\(weak)",
            deadline: deadline, promise: claim.pqShipsOn)
    }

    func signing(_ claim: ProtocolClaim, evidence: [Finding]?) -> RequirementCheck {
        let item = Self.signing
        let claimedPQ = claim.supported.map { ClaimedAlgorithm($0, catalog: catalog) }.filter(\.isPQSignature)
        let pq = claimedPQ.filter { qualifies($0, protocol: claim.protocol) }
        let deadline = pqDeadline(for: claim.protocol)
        let signers = (evidence ?? []).filter { $0.usage == .publicKey }
        let foundPQ = signers.filter {
            ClaimedAlgorithm($0.canonical ?? $0.algorithm, catalog: catalog).isPQSignature
        }
        let pqSigners = foundPQ.filter {
            qualifies(ClaimedAlgorithm($0.canonical ?? $0.algorithm, catalog: catalog), protocol: claim.protocol)
        }
        let weak = disqualified(
            claimedPQ + foundPQ.map { ClaimedAlgorithm($0.canonical ?? $0.algorithm, catalog: catalog) },
            protocol: claim.protocol)
        let cited = pqSigners.prefix(3).map { "\($0.path.display) \($0.canonical ?? $0.algorithm)" }
        if !pq.isEmpty {
            return RequirementCheck(
                requirement: item.id, protocol: claim.protocol, verdict: .meets,
                explanation: "\(claim.protocol.rawValue) supports \(pq.map(\.display).joined(separator: ", "))",
                source: item.source, evidence: cited)
        }
        if !pqSigners.isEmpty {
            return RequirementCheck(
                requirement: item.id, protocol: claim.protocol, verdict: .meets,
                explanation: "the claims name no PQ signature, but the evidence's signer is post-quantum",
                source: item.source, evidence: cited)
        }
        if claim.supported.isEmpty {
            return RequirementCheck(
                requirement: item.id, protocol: claim.protocol, verdict: .unverifiable, mustMeetBy: deadline.day,
                vendorPromise: claim.pqShipsOn,
                explanation: "the claims name no \(claim.protocol.rawValue) algorithm", source: item.source,
                deadlineSource: deadline.source)
        }
        return gap(
            item, claim,
            "\(claim.protocol.rawValue) supports no \(weak.isEmpty ? "" : "qualifying ")ML-DSA, LMS or XMSS signature"
                + weak, deadline: deadline, promise: claim.pqShipsOn)
    }

    func noBroken(_ claim: ProtocolClaim, evidence: [Finding]?) -> RequirementCheck {
        let item = Self.noBroken
        let named = ContradictionFinder.unique(claim.supported + claim.defaults)
            .map { ClaimedAlgorithm($0, catalog: catalog) }
        let broken = named.filter { $0.status == .broken }
        let shipped = (evidence ?? []).filter { $0.quantumStatus == .broken }
        let finder = ContradictionFinder(catalog: catalog)
        let cited = shipped.prefix(5).map {
            "\($0.path.display)\($0.line.map { ":\($0)" } ?? "") \($0.setting) \(finder.describe($0))"
        }
        if !broken.isEmpty || !shipped.isEmpty {
            let names = Set(broken.map(\.display) + shipped.map(ContradictionFinder(catalog: catalog).describe))
                .sorted()
            let subjects =
                broken.map { subject($0, protocol: claim.protocol) }
                + shipped.map { finding in
                    var subject = subject(
                        ClaimedAlgorithm(finding.canonical ?? finding.algorithm, catalog: catalog),
                        protocol: claim.protocol)
                    subject.quantumStatus = finding.quantumStatus
                    return subject
                }
            let verdicts = subjects.compactMap { evaluator(for: claim.protocol)?.evaluate($0, asOf: asOf) }
            let since = verdicts.compactMap { $0.since ?? $0.deadline }.min()
            let text =
                broken.isEmpty
                ? "the evidence puts \(names.joined(separator: ", ")) in force for \(claim.protocol.rawValue)"
                : "\(claim.protocol.rawValue) supports \(names.joined(separator: ", "))"
            let rule = verdicts.first(where: { ($0.since ?? $0.deadline) == since })
            return gap(
                item, claim, text,
                deadline: (since, rule.map { "\($0.rule ?? $0.profile): \($0.source)" } ?? profile.document),
                promise: nil, evidence: cited)
        }
        if named.isEmpty && (evidence ?? []).isEmpty {
            return RequirementCheck(
                requirement: item.id, protocol: claim.protocol, verdict: .unverifiable,
                explanation: "the claims name no \(claim.protocol.rawValue) algorithm and no evidence was examined",
                source: item.source)
        }
        return RequirementCheck(
            requirement: item.id, protocol: claim.protocol, verdict: .meets,
            explanation: named.isEmpty
                ? "the evidence puts nothing classically broken in force for \(claim.protocol.rawValue)"
                : "none of the \(named.count) algorithms named for \(claim.protocol.rawValue) is classically broken",
            source: item.source)
    }

    func subject(_ algorithm: ClaimedAlgorithm, protocol: ClaimedProtocol) -> PolicyEvaluator.Subject {
        let usage: Usage =
            switch algorithm.job {
            case .keyExchange?: .keyExchange
            case .cipher?: .cipher
            case .mac?: .mac
            case .hash?: .hash
            case .protocolVersion?: .protocolVersion
            case .authentication?, nil: .signature
            }
        let canonical = algorithm.entry?.canonical
        return PolicyEvaluator.Subject(
            name: canonical ?? algorithm.name, rawAlgorithm: algorithm.name, family: algorithm.entry?.family,
            primitive: algorithm.entry?.primitive.rawValue, usage: usage, quantumStatus: algorithm.status,
            strength: SecurityStrength.bits(
                canonical: canonical, family: algorithm.entry?.family, keyBits: nil, curve: nil, catalog: catalog),
            source: Self.sourceOf(`protocol`))
    }

    func withinProfile(_ claim: ProtocolClaim) -> RequirementCheck {
        let item = Self.withinProfile
        guard !claim.defaults.isEmpty, let evaluator = evaluator(for: claim.protocol) else {
            return RequirementCheck(
                requirement: item.id, protocol: claim.protocol, verdict: .unverifiable,
                explanation: "the claims name no \(claim.protocol.rawValue) algorithm on by default",
                source: item.source)
        }
        let verdicts = claim.defaults.map {
            (
                $0,
                evaluator.evaluate(
                    subject(ClaimedAlgorithm($0, catalog: catalog), protocol: claim.protocol), asOf: asOf)
            )
        }
        let bad = verdicts.filter { $0.1.state == .deprecated || $0.1.state == .disallowed }
        if !bad.isEmpty {
            let since = bad.compactMap(\.1.since).min()
            let names = bad.map { "\($0.0) (\($0.1.state.rawValue) since \($0.1.since.map(\.description) ?? "?"))" }
            return gap(
                item, claim, "on by default for \(claim.protocol.rawValue): \(names.joined(separator: ", "))",
                deadline: (
                    since, bad.first?.1.rule.map { "\($0): " + (bad.first?.1.source ?? "") } ?? profile.document
                ),
                promise: claim.pqShipsOn)
        }
        let due = verdicts.filter { $0.1.state == .due }.sorted { ($0.1.deadline ?? asOf) < ($1.1.deadline ?? asOf) }
        let tail =
            due.first.map { "; the first to fall due is \($0.0) on \($0.1.deadline.map(\.description) ?? "?")" } ?? ""
        return RequirementCheck(
            requirement: item.id, protocol: claim.protocol, verdict: .meets, mustMeetBy: due.first?.1.deadline,
            explanation: "every \(claim.protocol.rawValue) default is allowed by \(profile.id) on \(asOf)\(tail)",
            source: item.source)
    }

    func cbom(_ claims: VendorClaims) -> RequirementCheck {
        let item = Self.cbom
        let gate = Self.acquisitionGates[profile.id]
        if claims.origin == .cbom || claims.cbomProvided == true {
            return RequirementCheck(
                requirement: item.id, verdict: .meets,
                explanation: claims.origin == .cbom ? "the claims are the vendor's CBOM" : "the vendor delivers a CBOM",
                source: item.source)
        }
        if claims.cbomProvided == false {
            return gap(
                item, nil, "the vendor delivers no CBOM", deadline: (gate?.day, gate?.source ?? item.source),
                promise: nil)
        }
        return RequirementCheck(
            requirement: item.id, verdict: .unverifiable, mustMeetBy: gate?.day,
            explanation: "the claims do not say whether a CBOM is delivered", source: item.source,
            deadlineSource: gate?.source)
    }
}
