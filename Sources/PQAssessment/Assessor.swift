import PQCatalog
import PQModel

/// What an assessment reads: one scan's rows, as the store returns them.
public struct AssessmentInput: Sendable {
    public var scan: ScanRecord
    /// In the store's order (`InventoryStore.findings`): `FindingRef.index` points into it.
    public var findings: [Finding]
    public var assets: [Asset]
    public var diagnostics: [Diagnostic]
    public var software: [Software]
    /// Ids of the scanners this build registers; nil when unknown (coverage then says so).
    public var scannerIDs: [String]?

    public init(
        scan: ScanRecord, findings: [Finding], assets: [Asset] = [], diagnostics: [Diagnostic] = [],
        software: [Software] = [], scannerIDs: [String]? = nil
    ) {
        self.scan = scan
        self.findings = findings
        self.assets = assets
        self.diagnostics = diagnostics
        self.software = software
        self.scannerIDs = scannerIDs
    }
}

/// How to assess: the profile, the category, the day, the data lifetime, the waivers and the gate.
public struct AssessmentOptions: Sendable {
    public var profile: PolicyProfile
    public var category: String?
    public var asOf: CalendarDay
    public var dataLifetimeYears: Int
    public var waivers: [Waiver]
    public var failOn: GateThreshold?

    public init(
        profile: PolicyProfile, category: String? = nil, asOf: CalendarDay,
        dataLifetimeYears: Int = RiskPrioritizer.defaultDataLifetimeYears, waivers: [Waiver] = [],
        failOn: GateThreshold? = nil
    ) {
        self.profile = profile
        self.category = category
        self.asOf = asOf
        self.dataLifetimeYears = dataLifetimeYears
        self.waivers = waivers
        self.failOn = failOn
    }
}

/// Runs the whole assessment of one scan: policy verdicts, certificate overruns, risk, waivers, agility, coverage,
/// and the `--fail-on` gate. Pure: the same input and options give the same result.
public enum Assessor {
    /// - Throws: `AssessmentError` for a category the profile does not define.
    public static func assess(_ input: AssessmentInput, options: AssessmentOptions, catalog: Catalog = .shared)
        throws(AssessmentError) -> AssessmentResult
    {
        let evaluator = try PolicyEvaluator(profile: options.profile, category: options.category, catalog: catalog)
        let prioritizer = RiskPrioritizer(dataLifetimeYears: options.dataLifetimeYears, catalog: catalog)
        let assetsByID = Dictionary(input.assets.map { ($0.id, $0) }) { first, _ in first }
        let issuerStrength = issuerStrengths(input.assets, catalog: catalog)
        var assessed: [FindingAssessment] = []
        var items: [Int: AgilityScorer.Item] = [:]
        var usedWaivers = Set<String>()
        var expiredWaivers = Set<String>()
        for (index, finding) in input.findings.enumerated() {
            let ref = FindingRef(index: index, finding: finding)
            let certificate = finding.asset.flatMap { assetsByID[$0]?.certificate }
            let issuer: Int? =
                finding.usage == .signature ? certificate.flatMap { issuerStrength[$0.issuer] } : nil
            let subject = evaluator.subject(of: finding, issuerStrength: issuer)
            let verdict = evaluator.evaluate(subject, asOf: options.asOf)
            let overrun = certificate.flatMap {
                evaluator.overrun(subject, notAfter: CalendarDay($0.notAfter), asOf: options.asOf)
            }
            let risk = prioritizer.priority(finding, certificate: certificate, asOf: options.asOf)
            let system = AssessedSystems.system(of: finding)
            let waiver = options.waivers.first { $0.selector.matches(finding, verdict: verdict, system: system.id) }
            let waiverStatus = waiver?.status(asOf: options.asOf)
            if let waiverStatus {
                usedWaivers.insert(waiverStatus.id)
                if !waiverStatus.honoured { expiredWaivers.insert(waiverStatus.id) }
            }
            assessed.append(
                FindingAssessment(
                    finding: ref, quantumStatus: finding.quantumStatus, effective: finding.effective, verdict: verdict,
                    risk: risk, overrun: overrun, waiver: waiverStatus, system: system.id))
            items[index] = AgilityScorer.Item(ref: ref, finding: finding, certificate: certificate, overrun: overrun)
        }
        let scorer = AgilityScorer()
        let systems = AssessedSystems.group(input.findings).map { group in
            scorer.score(
                system: group.system, items: group.indexes.compactMap { items[$0] }, software: input.software)
        }
        let overall = scorer.overall(systems)
        let coverage = CoverageAnalyzer.analyze(
            scan: input.scan, findings: input.findings, diagnostics: input.diagnostics, software: input.software,
            scannerIDs: input.scannerIDs)
        let ordered = assessed.sorted {
            ($0.risk.score, -$0.finding.index) > ($1.risk.score, -$1.finding.index)
        }
        var byState: [String: Int] = [:]
        var byTier: [String: Int] = [:]
        for item in assessed {
            byState[item.verdict.state.rawValue, default: 0] += 1
            byTier[item.risk.tier.rawValue, default: 0] += 1
        }
        let summary = AssessmentSummary(
            byState: byState, byTier: byTier, waived: assessed.filter(\.isWaived).count,
            expiredWaivers: expiredWaivers.count, certificateOverruns: assessed.filter { $0.overrun != nil }.count)
        let unused = options.waivers.map(\.id).filter { !usedWaivers.contains($0) }
        let outcome: GateOutcome? = options.failOn.map { threshold in Self.gate(threshold, findings: ordered) }
        return AssessmentResult(
            scanID: input.scan.id, profile: options.profile.id, profileTitle: options.profile.title,
            category: options.category, asOf: options.asOf, dataLifetimeYears: options.dataLifetimeYears,
            findings: ordered, systems: systems, overall: overall, coverage: coverage, summary: summary,
            unusedWaivers: unused, gate: outcome)
    }

    /// The `--fail-on` gate over judged findings: only findings in force and not waived count.
    ///
    /// `disallowed`: a finding is disallowed on the as-of date. `deprecated`: deprecated or disallowed.
    /// `vulnerable`: a finding is quantum-vulnerable or classically broken, whatever the date.
    public static func gate(_ threshold: GateThreshold, findings: [FindingAssessment]) -> GateOutcome {
        let hits = findings.filter { item in
            guard item.effective, !item.isWaived else { return false }
            switch threshold {
            case .disallowed: return item.verdict.state == .disallowed
            case .deprecated: return item.verdict.state == .deprecated || item.verdict.state == .disallowed
            case .vulnerable: return item.quantumStatus == .vulnerable || item.quantumStatus == .broken
            }
        }
        return GateOutcome(threshold: threshold, met: !hits.isEmpty, findings: hits.map(\.finding).sorted())
    }

    /// Subject name → strength of that certificate's key, to judge the signatures it made.
    static func issuerStrengths(_ assets: [Asset], catalog: Catalog) -> [String: Int] {
        var out: [String: Int] = [:]
        for asset in assets {
            guard let certificate = asset.certificate else { continue }
            let family = asset.canonical.flatMap { catalog.entry(named: $0)?.family }
            if let bits = SecurityStrength.bits(
                canonical: asset.canonical, family: family, keyBits: asset.keyBits, curve: asset.curve,
                catalog: catalog)
            {
                out[certificate.subject] = min(out[certificate.subject] ?? bits, bits)
            }
        }
        return out
    }
}
