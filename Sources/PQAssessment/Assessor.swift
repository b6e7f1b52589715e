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
    /// The finding sources this build's scanners write (`ScannerRegistry.sources`); nil when unknown (coverage then
    /// says so).
    public var scannedSources: [String]?

    public init(
        scan: ScanRecord, findings: [Finding], assets: [Asset] = [], diagnostics: [Diagnostic] = [],
        software: [Software] = [], scannedSources: [String]? = nil
    ) {
        self.scan = scan
        self.findings = findings
        self.assets = assets
        self.diagnostics = diagnostics
        self.software = software
        self.scannedSources = scannedSources
    }
}

extension AssessmentInput {
    /// The input as a source that walks its findings array.
    public var source: AssessmentSource {
        let findings = findings
        return AssessmentSource(
            scan: scan, assets: assets, diagnostics: diagnostics, software: software, scannedSources: scannedSources
        ) { body in
            for finding in findings { try body(finding) }
        }
    }
}

/// What an assessment reads, with the findings walked from a cursor instead of held: the same rows as
/// `AssessmentInput`. The assessment walks the findings twice, so every walk must hand over the same findings in the
/// same order (the store's: `FindingRef.index` counts them).
public struct AssessmentSource {
    public var scan: ScanRecord
    /// The scan's assets; with `forEachFindingWithCertificate`, at least every certificate whose subject issued
    /// one of the scan's certificates (what a signature is judged by: `Assessor.issuerStrengths`).
    public var assets: [Asset]
    /// Hands every diagnostic of the scan to `body` in path order (the store's `forEachDiagnostic`): the coverage
    /// counts and lists them as they pass, never holding them.
    public var forEachDiagnostic: (_ body: (Diagnostic) -> Void) throws -> Void
    public var software: [Software]
    /// The finding sources this build's scanners write (`ScannerRegistry.sources`); nil when unknown.
    public var scannedSources: [String]?
    /// Hands every finding of the scan to `body`, one at a time, in the store's order.
    public var forEachFinding: (_ body: (Finding) throws -> Void) throws -> Void
    /// When set, hands every finding as `forEachFinding` does, each with the details of the certificate its asset
    /// is: the judging walk reads it instead of looking each finding's asset up in `assets`, which then need not
    /// hold every asset of the scan (a store joins them: the 30,000 assets of the 50k tree took 47 MB held).
    public var forEachFindingWithCertificate: ((_ body: (Finding, CertificateDetails?) throws -> Void) throws -> Void)?

    public init(
        scan: ScanRecord, assets: [Asset] = [], diagnostics: [Diagnostic] = [], software: [Software] = [],
        scannedSources: [String]? = nil, forEachFinding: @escaping (_ body: (Finding) throws -> Void) throws -> Void
    ) {
        self.scan = scan
        self.assets = assets
        self.forEachDiagnostic = CoverageAnalyzer.inPathOrder(diagnostics)
        self.software = software
        self.scannedSources = scannedSources
        self.forEachFinding = forEachFinding
    }

    /// The judging walk: every finding with its certificate, from `forEachFindingWithCertificate` when set, else
    /// looked up by the finding's asset in `assets` (the first asset of an id counts).
    func forEachFindingAndCertificate(_ body: (Finding, CertificateDetails?) throws -> Void) throws {
        if let walk = forEachFindingWithCertificate { return try walk(body) }
        // Each id's place among the assets, not a copy of every certificate's details.
        let places = Dictionary(assets.enumerated().map { ($1.id, $0) }) { first, _ in first }
        try forEachFinding { finding in
            try body(finding, finding.asset.flatMap { places[$0] }.flatMap { assets[$0].certificate })
        }
    }
}

/// Settings for the systems one selector names: its policy category (the EU roadmap's `high-risk` 2030 or
/// `medium-risk` 2035 track, a CNSA 2.0 category) and its data lifetime (Mosca's x).
public struct SystemOverride: Sendable, Hashable {
    /// A system id, a suffix of one, or a system's path (as `--explain` takes them).
    public var selector: String
    public var category: String?
    public var dataLifetimeYears: Int?

    public init(selector: String, category: String? = nil, dataLifetimeYears: Int? = nil) {
        self.selector = selector
        self.category = category
        self.dataLifetimeYears = dataLifetimeYears
    }

    /// True when the selector names the system.
    public func matches(_ system: SystemRef) -> Bool {
        system.id == selector || system.id.hasSuffix(selector) || system.path == selector
    }
}

/// How to assess: the profile, the category, the day, Mosca's inputs, per-system settings, the waivers and the
/// gate.
public struct AssessmentOptions: Sendable {
    public var profile: PolicyProfile
    public var category: String?
    public var asOf: CalendarDay
    /// Mosca's x: years the data must stay confidential (0: confidentiality does not matter).
    public var dataLifetimeYears: Int
    /// Mosca's y: years a migration takes.
    public var migrationYears: Int
    /// The year a CRQC is assumed, and the estimate it comes from.
    public var crqcYear: Int
    public var crqcEstimate: String
    /// Per-system category and data lifetime; the first override naming a system applies.
    public var systemOverrides: [SystemOverride]
    public var waivers: [Waiver]
    public var failOn: GateThreshold?

    public init(
        profile: PolicyProfile, category: String? = nil, asOf: CalendarDay,
        dataLifetimeYears: Int = RiskPrioritizer.defaultDataLifetimeYears,
        migrationYears: Int = RiskPrioritizer.defaultMigrationYears, crqcYear: Int = 2035,
        crqcEstimate: String = RiskPrioritizer.defaultCRQCEstimate, systemOverrides: [SystemOverride] = [],
        waivers: [Waiver] = [], failOn: GateThreshold? = nil
    ) {
        self.profile = profile
        self.category = category
        self.asOf = asOf
        self.dataLifetimeYears = dataLifetimeYears
        self.migrationYears = migrationYears
        self.crqcYear = crqcYear
        self.crqcEstimate = crqcEstimate
        self.systemOverrides = systemOverrides
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
        var assessed: [FindingAssessment] = []
        assessed.reserveCapacity(input.findings.count)
        var result = try walkingArray {
            try assess(input.source, options: options, catalog: catalog) { assessed.append($0) }
        }
        // In place: a sorted copy held a second array of every judged finding at the peak.
        assessed.sort { riskOrder($0, $1) }
        if let threshold = options.failOn { result.gate = gate(threshold, findings: assessed) }
        result.findings = assessed
        return result
    }

    /// True when `lhs` comes before `rhs` in an assessment's findings: highest risk first, ties in inventory order
    /// (`RiskRank`, the order the store sorts recorded findings by).
    public static func riskOrder(_ lhs: FindingAssessment, _ rhs: FindingAssessment) -> Bool {
        lhs.rank < rhs.rank
    }

    /// The whole assessment, walking the findings twice and holding none of them: the first walk gathers what is
    /// bounded by places (systems, the exchanges' groups and keys, coverage counts), the second judges each finding
    /// and hands it to `judged` in inventory order, counting the summary as it goes and scoring each system as soon
    /// as its last finding is judged.
    ///
    /// With `scored`, each system's score goes there as soon as it is made, with its place in `systems` (id order;
    /// systems are scored in the order their last finding comes, not in that order), and is not kept: the result's
    /// `systems` is then empty, and only what the overall score needs of each system is held.
    /// - Returns: the result without its findings (`findings` is empty: they went to `judged`; order them by
    ///   `riskOrder`), and a gate that counts the findings meeting it without holding them (`GateOutcome.findings`
    ///   is empty: `GateOutcome.findings(in:)` picks them from the judged findings).
    /// - Throws: `AssessmentError` for a category the profile does not define, or what the walk, `judged` or
    ///   `scored` throws.
    public static func assess(
        _ source: AssessmentSource, options: AssessmentOptions, catalog: Catalog = .shared,
        judged sink: (FindingAssessment) throws -> Void,
        scored: ((_ score: AgilityScore, _ position: Int) throws -> Void)? = nil
    ) throws -> AssessmentResult {
        var groundwork = Groundwork(catalog: catalog)
        try source.forEachFinding { groundwork.add($0) }
        var judge = try FindingJudge(source: source, laid: groundwork.lay(), options: options, catalog: catalog)
        let prioritizer = judge.prioritizer
        let scorer = AgilityScorer(catalog: catalog)
        var scoring = SystemScoring(judge.systems)
        var tally = SummaryTally()
        // Counted, not held: nearly every finding of a large tree meets `vulnerable`.
        var gateHits = 0
        var index = 0
        try source.forEachFindingAndCertificate { original, certificate in
            defer { index += 1 }
            let judged = judge.judge(original, certificate: certificate)
            let finding = judged.finding
            let ref = FindingRef(index: index, finding: original)
            let overrun = judge.overrun(judged)
            let risk = judge.risk(judged, original: original)
            let expired = judged.certificate.map { CalendarDay($0.notAfter) }.flatMap { $0 < options.asOf ? $0 : nil }
            let assessment = FindingAssessment(
                finding: ref, quantumStatus: finding.quantumStatus, effective: finding.effective,
                verdict: judged.verdict, risk: risk, overrun: overrun, waiver: judged.waiver,
                system: judged.system.id, expired: expired)
            tally.add(assessment, asset: finding.asset)
            if let threshold = options.failOn, threshold.isMet(by: assessment) { gateHits += 1 }
            try sink(assessment)
            let item = AgilityScorer.Item(
                ref: ref, finding: finding, certificate: judged.certificate, overrun: overrun)
            let finished = scoring.add(item, system: scoring.numbers.ofPlace[judged.place]) { system, items in
                let override = options.systemOverrides.first { $0.matches(system) }
                var mosca = prioritizer.mosca(asOf: options.asOf)
                if let years = override?.dataLifetimeYears { mosca.dataLifetimeYears = max(0, years) }
                var score = scorer.score(system: system, items: items, software: source.software, asOf: options.asOf)
                score.mosca = mosca
                score.category = override?.category
                return score
            }
            if let finished {
                if let scored {
                    scoring.count(finished.score)
                    try scored(finished.score, finished.position)
                } else {
                    scoring.keep(finished.score, position: finished.position)
                }
            }
        }
        guard index == groundwork.findingCount else {
            throw AssessmentError(
                code: "assess.findings-changed",
                reason: "the scan's findings changed while it was assessed (\(index) read the second time)")
        }
        let systems = scoring.scores
        // Handed on, the systems are not here to list in the overall score: it keeps their tally, and whoever
        // writes it puts their lines back from the written systems.
        var overall = scored == nil ? scorer.overall(systems) : scorer.overall(tally: scoring.tally)
        overall.mosca = prioritizer.mosca(asOf: options.asOf)
        let coverage = try CoverageAnalyzer.analyze(
            scan: source.scan, sources: groundwork.sourceCounts, unknownAlgorithms: groundwork.unknownAlgorithms,
            forEachDiagnostic: source.forEachDiagnostic, software: source.software,
            scannedSources: source.scannedSources)
        let unused = options.waivers.map(\.id).filter { !tally.usedWaivers.contains($0) }
        let outcome = options.failOn.map { GateOutcome(threshold: $0, count: gateHits) }
        return AssessmentResult(
            scanID: source.scan.id, profile: options.profile.id, profileTitle: options.profile.title,
            category: options.category, asOf: options.asOf, dataLifetimeYears: options.dataLifetimeYears,
            findings: [], systems: systems, overall: overall, coverage: coverage, summary: tally.summary,
            unusedWaivers: unused, gate: outcome, mosca: prioritizer.mosca(asOf: options.asOf))
    }

    /// Runs `body`, which walks an array (so throws nothing but `AssessmentError`), with its error typed.
    static func walkingArray<T>(_ body: () throws -> T) throws(AssessmentError) -> T {
        do {
            return try body()
        } catch let error as AssessmentError {
            throw error
        } catch {
            preconditionFailure("walking an array of findings threw \(error)")
        }
    }

    /// Each finding's policy verdict and waiver, and nothing else: no risk, agility, coverage or ordering. What the
    /// planner reads of an assessment, judged by the same walk as `assess` (so every verdict is the assessment's)
    /// and held as one small slot per finding over the distinct verdicts.
    /// - Throws: `AssessmentError` for a category the profile does not define.
    public static func judge(_ input: AssessmentInput, options: AssessmentOptions, catalog: Catalog = .shared)
        throws(AssessmentError) -> FindingJudgements
    {
        try walkingArray { try judge(input.source, count: input.findings.count, options: options, catalog: catalog) }
    }

    /// `judge(_:options:catalog:)` over findings walked from a cursor, `count` of them.
    public static func judge(
        _ source: AssessmentSource, count: Int, options: AssessmentOptions, catalog: Catalog = .shared
    ) throws -> FindingJudgements {
        var judgements = FindingJudgements(scanID: source.scan.id, asOf: options.asOf, count: count)
        var numbers: [Int32] = []
        var index = 0
        try judgeEach(source, options: options, catalog: catalog) { _, judged in
            defer { index += 1 }
            judgements.set(index, verdict: judgements.number(judged, numbers: &numbers), waived: judged.isWaived)
        }
        return judgements
    }

    /// One finding's judgement as `judgeEach` hands it over: its verdict, whether a waiver in force covers it, and
    /// the number of its verdict among the distinct verdicts met so far (0, 1, 2, ... in the order first met).
    public struct StreamedJudgement: Sendable {
        public var verdict: PolicyVerdict
        public var isWaived: Bool
        public var verdictNumber: Int
    }

    /// Judges every finding of `source` in the store's order and hands each to `body` with its judgement, holding
    /// nothing per finding: a verdict is computed once per distinct subject (algorithm, parameters, usage, status,
    /// source, strength) and category under the profile and day of `options` (`VerdictMemo`), and numbered by it.
    /// The findings are walked twice (the first walk lays the groundwork: places, systems, exchange context).
    public static func judgeEach(
        _ source: AssessmentSource, options: AssessmentOptions, catalog: Catalog = .shared,
        _ body: (Finding, StreamedJudgement) throws -> Void
    ) throws {
        var groundwork = Groundwork(catalog: catalog)
        try source.forEachFinding { groundwork.add($0) }
        var judge = try FindingJudge(source: source, laid: groundwork.lay(), options: options, catalog: catalog)
        // Verdicts are shared per memo key, so they are numbered by it: no verdict is hashed per finding.
        var numbers: [VerdictMemo.VerdictKey: Int] = [:]
        try source.forEachFindingAndCertificate { original, certificate in
            let judged = judge.judge(original, certificate: certificate)
            let key = VerdictMemo.VerdictKey(category: judged.category, subject: judged.subject)
            let number: Int
            if let known = numbers[key] {
                number = known
            } else {
                number = numbers.count
                numbers[key] = number
            }
            try body(
                original,
                StreamedJudgement(
                    verdict: judged.verdict, isWaived: judged.waiver?.honoured == true, verdictNumber: number))
        }
    }

    /// The `--fail-on` gate over judged findings: only findings in force and not waived count
    /// (`GateThreshold.isMet`, the rule `scan --fail-on` applies too).
    public static func gate(_ threshold: GateThreshold, findings: [FindingAssessment]) -> GateOutcome {
        let hits = findings.filter { threshold.isMet(by: $0) }
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

// MARK: - One finding at a time

extension Assessor {
    /// Judges the findings of one scan one at a time: the evaluators, the prioritizer, the systems, the exchange
    /// context and the memo, set up once. `assess` and `judge` both walk the findings through it.
    struct FindingJudge {
        /// One finding as judged: the finding as its exchange makes it, its system, and its verdict and waiver.
        struct Judged {
            var finding: Finding
            /// The number of its place (`AssessedSystems.Places`).
            var place: Int
            var system: SystemRef
            var prioritizer: RiskPrioritizer
            var evaluator: PolicyEvaluator
            /// The override category whose evaluator judged it; nil for the default one.
            var category: String?
            var subject: PolicyEvaluator.Subject
            var certificate: CertificateDetails?
            var verdict: PolicyVerdict
            var waiver: WaiverStatus?
        }

        let options: AssessmentOptions
        let catalog: Catalog
        let evaluator: PolicyEvaluator
        let evaluators: [String: PolicyEvaluator]
        let prioritizer: RiskPrioritizer
        let issuerStrength: [String: Int]
        /// Numbers the places again as the first walk did (`AssessedSystems.Places.Numbering`).
        var numbering = AssessedSystems.Places.Numbering()
        /// The systems, and the number of each place's.
        let systems: SystemNumbers
        let context: ExchangeContext
        var memo = VerdictMemo()
        /// The system of the last place judged: a place's findings come together.
        private var lastSystem: (alone: Int32, system: SystemRef)?

        init(source: AssessmentSource, laid: Groundwork.Laid, options: AssessmentOptions, catalog: Catalog)
            throws(AssessmentError)
        {
            self.options = options
            self.catalog = catalog
            evaluator = try PolicyEvaluator(profile: options.profile, category: options.category, catalog: catalog)
            var evaluators: [String: PolicyEvaluator] = [:]
            for category in Set(options.systemOverrides.compactMap(\.category)) {
                evaluators[category] = try PolicyEvaluator(
                    profile: options.profile, category: category, catalog: catalog)
            }
            self.evaluators = evaluators
            prioritizer = RiskPrioritizer(
                dataLifetimeYears: options.dataLifetimeYears, migrationYears: options.migrationYears,
                crqcYear: options.crqcYear, crqcEstimate: options.crqcEstimate, catalog: catalog)
            issuerStrength = Assessor.issuerStrengths(source.assets, catalog: catalog)
            systems = laid.systems
            context = laid.context
        }

        /// The verdict and waiver of one finding, which the first walk saw, and the certificate its asset is.
        mutating func judge(_ original: Finding, certificate: CertificateDetails?) -> Judged {
            let place = numbering.number(of: original).number
            guard place < systems.ofPlace.count else {
                preconditionFailure("the second walk of the findings met a place the first did not")
            }
            let alone = systems.resolved.systemOf[place]
            let system: SystemRef
            if let lastSystem, lastSystem.alone == alone {
                system = lastSystem.system
            } else {
                system = systems.resolved.alones[Int(alone)].system
                lastSystem = (alone, system)
            }
            let number = systems.ofPlace[place]
            let override = options.systemOverrides.first { $0.matches(system) }
            let judge = override?.category.flatMap { evaluators[$0] } ?? evaluator
            var local = prioritizer
            if let years = override?.dataLifetimeYears { local.dataLifetimeYears = max(0, years) }
            let finding = context.adjusted(original, system: number, catalog: catalog)
            var fallback: Int? =
                finding.usage == .signature ? certificate.flatMap { issuerStrength[$0.issuer] } : nil
            fallback = fallback ?? context.groupStrength(for: finding, system: number, catalog: catalog)
            let category = override?.category.flatMap { evaluators[$0] == nil ? nil : $0 }
            let subject = memo.subject(of: finding, issuerStrength: fallback, judge: judge)
            let verdict = memo.verdict(subject, category: category, judge: judge, asOf: options.asOf)
            let waiver = options.waivers.first { $0.selector.matches(original, verdict: verdict, system: system.id) }
            return Judged(
                finding: finding, place: place, system: system, prioritizer: local, evaluator: judge,
                category: category, subject: subject, certificate: certificate, verdict: verdict,
                waiver: waiver?.status(asOf: options.asOf))
        }

        /// The certificate overrun of a judged finding, if it belongs to a certificate that outlives its deadline.
        mutating func overrun(_ judged: Judged) -> CertificateOverrun? {
            judged.certificate.flatMap {
                memo.overrun(
                    judged.subject, category: judged.category, notAfter: CalendarDay($0.notAfter),
                    judge: judged.evaluator, asOf: options.asOf)
            }
        }

        /// The risk priority of a judged finding (`original` is the finding as the store holds it).
        mutating func risk(_ judged: Judged, original: Finding) -> RiskPriority {
            memo.risk(
                judged.finding, certificate: judged.certificate, prioritizer: judged.prioritizer, asOf: options.asOf,
                protectedBy: context.protector(of: original))
        }
    }
}

// MARK: - Judged once per key

extension Assessor {
    /// Verdicts by what decides them. 20,000 certificates use six key types: the profile's rules are matched six
    /// times, not 20,000, and every finding with the same subject gets the same verdict. The profile and the day
    /// are fixed for one assessment; the category (a per-system override) and the subject (algorithm, parameters,
    /// usage, quantum status, strength, source) are the key.
    struct VerdictMemo {
        /// What `PolicyEvaluator.subject(of:issuerStrength:)` reads from a finding.
        struct SubjectKey: Hashable {
            var canonical: String?
            var algorithm: String
            var keyBits: Int?
            var curve: String?
            var usage: Usage
            var quantumStatus: QuantumStatus
            var source: String
            var issuerStrength: Int?
        }

        struct VerdictKey: Hashable {
            var category: String?
            var subject: PolicyEvaluator.Subject
        }

        struct OverrunKey: Hashable {
            var verdict: VerdictKey
            var notAfter: CalendarDay
        }

        /// What `RiskPrioritizer.priority` reads: the finding's name, status, usage, source and whether it is in
        /// force or a long-term private key; the certificate's role and last day; the hybrid partner; Mosca's x.
        struct RiskKey: Hashable {
            var canonical: String?
            var algorithm: String
            var usage: Usage
            var quantumStatus: QuantumStatus
            var source: String
            var privateKey: Bool
            var effective: Bool
            var protectedBy: String?
            var isCA: Bool?
            var selfSigned: Bool?
            var notAfter: CalendarDay?
            var dataLifetimeYears: Int
        }

        var subjects: [SubjectKey: PolicyEvaluator.Subject] = [:]
        var risks: [RiskKey: RiskPriority] = [:]
        var verdicts: [VerdictKey: PolicyVerdict] = [:]
        var overruns: [OverrunKey: CertificateOverrun?] = [:]

        mutating func subject(of finding: Finding, issuerStrength: Int?, judge: PolicyEvaluator)
            -> PolicyEvaluator.Subject
        {
            let key = SubjectKey(
                canonical: finding.canonical, algorithm: finding.algorithm, keyBits: finding.keyBits,
                curve: finding.curve, usage: finding.usage, quantumStatus: finding.quantumStatus,
                source: finding.source.rawValue, issuerStrength: issuerStrength)
            if let known = subjects[key] { return known }
            let subject = judge.subject(of: finding, issuerStrength: issuerStrength)
            subjects[key] = subject
            return subject
        }

        mutating func risk(
            _ finding: Finding, certificate: CertificateDetails?, prioritizer: RiskPrioritizer, asOf: CalendarDay,
            protectedBy: String?
        ) -> RiskPriority {
            let key = RiskKey(
                canonical: finding.canonical, algorithm: finding.algorithm, usage: finding.usage,
                quantumStatus: finding.quantumStatus, source: finding.source.rawValue,
                privateKey: finding.setting.lowercased().contains("private") || finding.setting == "HostKey",
                effective: finding.effective, protectedBy: protectedBy, isCA: certificate?.isCA,
                selfSigned: certificate?.selfSigned, notAfter: certificate.map { CalendarDay($0.notAfter) },
                dataLifetimeYears: prioritizer.dataLifetimeYears)
            if let known = risks[key] { return known }
            let risk = prioritizer.priority(finding, certificate: certificate, asOf: asOf, protectedBy: protectedBy)
            risks[key] = risk
            return risk
        }

        /// - Parameter category: the override category whose evaluator `judge` is; nil for the default one.
        mutating func verdict(
            _ subject: PolicyEvaluator.Subject, category: String?, judge: PolicyEvaluator, asOf: CalendarDay
        ) -> PolicyVerdict {
            let key = VerdictKey(category: category, subject: subject)
            if let known = verdicts[key] { return known }
            let verdict = judge.evaluate(subject, asOf: asOf)
            verdicts[key] = verdict
            return verdict
        }

        mutating func overrun(
            _ subject: PolicyEvaluator.Subject, category: String?, notAfter: CalendarDay, judge: PolicyEvaluator,
            asOf: CalendarDay
        ) -> CertificateOverrun? {
            let key = OverrunKey(verdict: VerdictKey(category: category, subject: subject), notAfter: notAfter)
            if let known = overruns[key] { return known }
            let overrun = judge.overrun(subject, notAfter: notAfter, asOf: asOf)
            overruns[key] = .some(overrun)
            return overrun
        }
    }
}

// MARK: - One exchange, judged by its parts in force

extension Assessor {
    /// What the findings of one exchange say about each other: the groups that decide a key exchange's strength,
    /// the certificate key behind RSA key transport, and the post-quantum component that protects a classical one.
    struct ExchangeContext {
        /// Where a key exchange is negotiated: one line (and strongSwan proposal), or one WireGuard peer.
        struct Exchange: Hashable {
            var path: String
            var line: Int?
            var context: String?
            var setting: String?
        }

        /// Where a strength holds: a block (an nginx server) of a system, or the whole system, by the system's
        /// number (`SystemNumbers`) and the block's digest: keyed by text, each place with a strength held two
        /// strings (its system's id, and that id with `#block`).
        struct Scope: Hashable {
            var system: Int32
            var block: AssessedSystems.Places.Digest?
        }

        /// Exchange → the post-quantum component in force in it.
        var postQuantum: [Exchange: String] = [:]
        /// Scope → weakest elliptic-curve group in force (bits).
        var ellipticGroups: [Scope: Int] = [:]
        /// Scope → weakest finite-field group in force (bits).
        var finiteFieldGroups: [Scope: Int] = [:]
        /// Scope → smallest RSA key in force (modulus bits), from the certificates the daemon is configured with.
        var rsaKeyBits: [Scope: Int] = [:]

        /// The post-quantum component in force in the same exchange as a quantum-vulnerable key exchange or group,
        /// which protects it; nil when none does.
        func protector(of finding: Finding) -> String? {
            guard finding.quantumStatus == .vulnerable, finding.usage == .keyExchange || finding.usage == .group
            else { return nil }
            let sameLine = Exchange(
                path: finding.path.display, line: finding.line, context: finding.context,
                setting: Assessor.proposal(of: finding))
            if let found = postQuantum[sameLine] { return found }
            guard finding.source == .wireguard else { return nil }
            return postQuantum[Exchange(path: finding.path.display, line: nil, context: finding.context, setting: nil)]
        }

        /// The scopes a finding is looked up in, narrowest first: its block (an nginx server) within its system,
        /// then the whole system.
        static func scopes(system: Int32, block: AssessedSystems.Places.Digest?) -> [Scope] {
            block.map { [Scope(system: system, block: $0), Scope(system: system)] } ?? [Scope(system: system)]
        }

        static func lookup(_ table: [Scope: Int], system: Int32, context: String?) -> Int? {
            guard !table.isEmpty else { return nil }
            let block = context.map { AssessedSystems.Places.Digest($0) }
            return scopes(system: system, block: block).lazy.compactMap { table[$0] }.first
        }

        static func record(
            _ bits: Int, in table: inout [Scope: Int], system: Int32, block: AssessedSystems.Places.Digest?
        ) {
            for scope in scopes(system: system, block: block) { table[scope] = min(table[scope] ?? bits, bits) }
        }

        /// The strength of a key exchange with no size of its own (`Kx=ECDH`, `DHE`): the weakest group in force in
        /// the same system, since the groups are what the peers negotiate.
        func groupStrength(for finding: Finding, system: Int32, catalog: Catalog) -> Int? {
            guard finding.usage == .keyExchange || finding.usage == .cipherSuite else { return nil }
            let entry = finding.canonical.flatMap { catalog.entry(named: $0) }
            switch entry?.family {
            case "ECDH": return Self.lookup(ellipticGroups, system: system, context: finding.context)
            case "FFDH": return Self.lookup(finiteFieldGroups, system: system, context: finding.context)
            default: return nil
            }
        }

        /// The finding as its exchange makes it: RSA key transport takes the size of the RSA key it runs on, so a
        /// `TLS_RSA_*` suite over an RSA-1024 certificate is broken now, not due in 2031.
        func adjusted(_ finding: Finding, system: Int32, catalog: Catalog) -> Finding {
            if let broken = Self.brokenParts(of: finding) {
                var out = finding
                out.quantumStatus = .broken
                out.note = [out.note, "judged by its parts: \(broken) is classically broken"].compactMap { $0 }
                    .joined(separator: "; ")
                return out
            }
            guard finding.keyBits == nil, finding.usage == .keyExchange || finding.usage == .cipherSuite,
                let entry = finding.canonical.flatMap({ catalog.entry(named: $0) }), entry.canonical == "RSA-KEX",
                let bits = Self.lookup(rsaKeyBits, system: system, context: finding.context)
            else { return finding }
            var out = finding
            out.keyBits = bits
            let status = entry.status(keyBits: bits)
            if status == .broken, out.quantumStatus != .broken {
                out.quantumStatus = .broken
                out.note = [out.note, "RSA key transport over a \(bits)-bit RSA key: broken classically"]
                    .compactMap { $0 }.joined(separator: "; ")
            }
            return out
        }
    }

}

// MARK: - Unexpanded cipher lists

extension Assessor.ExchangeContext {
    /// Tokens of an OpenSSL suite name that mark a classically broken part (openssl-ciphers(1), standards.md §4.5):
    /// DES and 3DES (`DES-CBC3-SHA`), RC4, export grades, MD5 MACs, NULL encryption, anonymous key exchange.
    static let brokenTokens: Set<String> = [
        "DES", "CBC3", "3DES", "RC4", "RC2", "EXP", "EXPORT", "MD5", "NULL", "ADH", "AECDH", "IDEA",
    ]

    /// For a cipher list PQScout could not expand (the catalog knows no name for it, and the OpenSSL in use knows
    /// none of its suites: `DES-CBC3-SHA:RC4-SHA:EXP-RC4-MD5`), the broken suites it names; nil when none.
    /// Judging the whole string as one unknown "vulnerable" finding dated 2036 would hide them.
    static func brokenParts(of finding: Finding) -> String? {
        guard finding.canonical == nil, finding.quantumStatus != .broken,
            finding.usage == .cipherSuite || finding.usage == .cipher
        else { return nil }
        let parts = finding.algorithm.split(whereSeparator: { ":, ".contains($0) }).map(String.init)
        let broken = parts.filter { part in
            let name = part.hasPrefix("!") || part.hasPrefix("-") ? "" : part.uppercased()
            return !name.isEmpty && name.split(separator: "-").contains { brokenTokens.contains(String($0)) }
        }
        return broken.isEmpty ? nil : broken.joined(separator: ", ")
    }
}

// MARK: - Reading an exchange

extension Assessor {
    /// The setting and, for strongSwan, the one proposal a finding came from: the scanner's note starts with
    /// "proposal aes256gcm16-prfsha384-x25519-ke1_mlkem768;", and only the parts of one proposal are negotiated
    /// together (a comma starts another proposal, an alternative).
    static func proposal(of finding: Finding) -> String {
        guard let note = finding.note, note.hasPrefix("proposal ") else { return finding.setting }
        let name = note.dropFirst("proposal ".count).prefix { $0 != ";" }
        return finding.setting + " " + name
    }

    /// What the first walk over a scan's findings gathers before any is judged, bounded by places (files, blocks,
    /// directive lines), not by findings: the places and their systems, what each exchange's findings say about each
    /// other, and the coverage counts.
    struct Groundwork {
        /// The part of a system a strength was seen in: the whole place (a file's block), keyed by place number.
        struct Strengths {
            var elliptic: [Int: Int] = [:]
            var finiteField: [Int: Int] = [:]
            var rsa: [Int: Int] = [:]
        }

        let catalog: Catalog
        let scorer: AgilityScorer
        var places = AssessedSystems.Places()
        var strengths = Strengths()
        /// Place number → the digest of its block (`Finding.context`), for the places with a strength: the scopes
        /// the strengths are recorded under.
        var blocks: [Int: AssessedSystems.Places.Digest] = [:]
        /// How many findings were added.
        private(set) var findingCount = 0
        var postQuantum: [ExchangeContext.Exchange: String] = [:]
        /// Findings per source, and per algorithm the catalog does not know (the coverage counts).
        var sourceCounts: [String: Int] = [:]
        var unknownAlgorithms: [String: Int] = [:]

        init(catalog: Catalog) {
            self.catalog = catalog
            scorer = AgilityScorer(catalog: catalog)
        }

        mutating func add(_ finding: Finding) {
            let place = places.add(finding)
            findingCount += 1
            sourceCounts[finding.source.rawValue, default: 0] += 1
            if finding.canonical == nil { unknownAlgorithms[finding.algorithm, default: 0] += 1 }
            guard finding.effective else { return }
            // A place's findings share its block: it is part of what tells places apart.
            func noteBlock() {
                if let context = finding.context, blocks[place] == nil {
                    blocks[place] = AssessedSystems.Places.Digest(context)
                }
            }
            let entry = finding.canonical.flatMap { catalog.entry(named: $0) }
            // One strongSwan proposal line combines its key exchanges (RFC 9370 additional key exchanges): an
            // ML-KEM there protects the x25519 beside it. A TLS group list offers alternatives instead.
            if finding.source == .strongswan, scorer.isPQKeyEstablishment(finding) {
                let key = ExchangeContext.Exchange(
                    path: finding.path.display, line: finding.line, context: finding.context,
                    setting: proposal(of: finding))
                postQuantum[key] = postQuantum[key] ?? (finding.canonical ?? finding.algorithm)
            }
            // A WireGuard peer's PresharedKey is mixed into the Noise handshake (wireguard.com/protocol, "psk2"):
            // recorded traffic stays safe while the PSK stays secret, whatever a quantum computer does to X25519.
            if finding.source == .wireguard, finding.setting == "PresharedKey" {
                let key = ExchangeContext.Exchange(
                    path: finding.path.display, line: nil, context: finding.context, setting: nil)
                postQuantum[key] = "the peer's PresharedKey (WireGuard psk2)"
            }
            if finding.usage == .group, finding.quantumStatus == .vulnerable, let entry,
                let bits = entry.classicalBits
            {
                if entry.family == "ECC" || entry.family == "ECDH" {
                    strengths.elliptic[place] = min(strengths.elliptic[place] ?? bits, bits)
                    noteBlock()
                } else if entry.family == "FFDH" {
                    strengths.finiteField[place] = min(strengths.finiteField[place] ?? bits, bits)
                    noteBlock()
                }
            }
            if finding.usage == .publicKey || finding.usage == .signature, entry?.family == "RSA",
                let bits = finding.keyBits, bits > 0
            {
                strengths.rsa[place] = min(strengths.rsa[place] ?? bits, bits)
                noteBlock()
            }
        }

        /// What the second walk judges by, laid once every place has been seen.
        struct Laid {
            /// The systems numbered in id order, each with how many findings it holds, and each place's.
            var systems: SystemNumbers
            /// Each place's strengths recorded under its system (and block), as the findings' systems are known
            /// only once every place has been seen.
            var context: ExchangeContext
        }

        /// The systems and the exchange context. What only they needed (the places, strengths and blocks) is let
        /// go; the coverage counts stay.
        mutating func lay() -> Laid {
            let systems = SystemNumbers(places.resolved(), counts: places.counts)
            var context = ExchangeContext(postQuantum: postQuantum)
            func record(_ table: [Int: Int], into target: inout [ExchangeContext.Scope: Int]) {
                for (place, bits) in table {
                    ExchangeContext.record(bits, in: &target, system: systems.ofPlace[place], block: blocks[place])
                }
            }
            record(strengths.elliptic, into: &context.ellipticGroups)
            record(strengths.finiteField, into: &context.finiteFieldGroups)
            record(strengths.rsa, into: &context.rsaKeyBits)
            places = AssessedSystems.Places()
            strengths = Strengths()
            blocks = [:]
            postQuantum = [:]
            return Laid(systems: systems, context: context)
        }
    }

    /// The systems of a scan numbered in id order (a system's number is its place in the result's `systems`), and
    /// what scoring needs of each, in arrays by number: 40,080 systems on the 200k benchmark tree were five
    /// dictionaries keyed by their id and a `SystemRef` apiece.
    struct SystemNumbers {
        /// The systems judged alone that the numbers stand for.
        let resolved: AssessedSystems.Resolved
        /// By place number: the number of its system.
        let ofPlace: [Int32]
        /// By number: the system judged alone that its first place has.
        private let first: [Int32]
        /// By number: its kind; a store holding any certificate is a certificate store (as `AssessedSystems.group`).
        private let kinds: [SystemRef.Kind]
        /// By number: how many findings it holds.
        let counts: [Int]

        /// - Parameter counts: by place number, how many findings the place holds.
        init(_ resolved: AssessedSystems.Resolved, counts placeCounts: [Int]) {
            self.resolved = resolved
            let systems = resolved.alones
            // Only systems some place has: a shared file joined to its daemon has the daemon's.
            var held = [Bool](repeating: false, count: systems.count)
            for alone in resolved.systemOf { held[Int(alone)] = true }
            // Systems judged alone with the same id (a directory of keys and certificates) share one number.
            let byID = systems.indices.filter { held[$0] }.sorted { systems[$0].id < systems[$1].id }
            var numberOf = [Int32](repeating: 0, count: systems.count)
            var next: Int32 = -1
            for (offset, alone) in byID.enumerated() {
                if offset == 0 || systems[byID[offset - 1]].id != systems[alone].id { next += 1 }
                numberOf[alone] = next
            }
            let total = Int(next + 1)
            var first = [Int32](repeating: -1, count: total)
            var kinds = [SystemRef.Kind](repeating: .configuration, count: total)
            var counts = [Int](repeating: 0, count: total)
            var ofPlace: [Int32] = []
            ofPlace.reserveCapacity(resolved.count)
            for place in 0..<resolved.count {
                let alone = resolved.systemOf[place]
                let number = Int(numberOf[Int(alone)])
                let kind = systems[Int(alone)].kind
                if first[number] < 0 {
                    first[number] = alone
                    kinds[number] = kind
                } else if kind == .certificateStore {
                    kinds[number] = .certificateStore
                }
                counts[number] += placeCounts[place]
                ofPlace.append(Int32(number))
            }
            self.ofPlace = ofPlace
            self.first = first
            self.kinds = kinds
            self.counts = counts
        }

        var count: Int { counts.count }

        /// The system numbered `number`.
        subscript(number: Int) -> SystemRef {
            var system = resolved.alones[Int(first[number])].system
            system.kind = kinds[number]
            return system
        }
    }

    /// Scores each system as soon as its last finding is judged, so only the findings of systems still open are
    /// held (a file's findings come together in the store's order, so few are open at once). The caller keeps each
    /// score (`keep`) or hands it on and counts it in the tally the overall score needs (`count`).
    struct SystemScoring {
        let numbers: SystemNumbers
        /// By system number: its findings not yet judged.
        private var remaining: [Int]
        private var open: [Int: [AgilityScorer.Item]] = [:]
        private var done: [Int: AgilityScore] = [:]
        private(set) var tally = AgilityScorer.Tally()

        init(_ numbers: SystemNumbers) {
            self.numbers = numbers
            remaining = numbers.counts
        }

        /// Adds one judged finding of the system numbered `number`; scores the system with `score` once it has all
        /// its findings.
        /// - Returns: the score and the system's number (its place in id order) when this was its last finding.
        mutating func add(
            _ item: AgilityScorer.Item, system number: Int32,
            score: (SystemRef, [AgilityScorer.Item]) -> AgilityScore
        ) -> (score: AgilityScore, position: Int)? {
            let number = Int(number)
            open[number, default: []].append(item)
            remaining[number] -= 1
            guard remaining[number] == 0, let items = open.removeValue(forKey: number) else { return nil }
            return (score(numbers[number], items), number)
        }

        /// Keeps a score for `scores` (the overall score is then made from them, not from the tally).
        mutating func keep(_ score: AgilityScore, position: Int) {
            done[position] = score
        }

        /// Counts a score handed on in the tally.
        mutating func count(_ score: AgilityScore) {
            tally.add(score)
        }

        /// The scores kept, in system id order.
        var scores: [AgilityScore] { done.keys.sorted().compactMap { done[$0] } }
    }

    /// The summary's counts, kept as judged findings go by.
    struct SummaryTally {
        var byState: [String: Int] = [:]
        var byTier: [String: Int] = [:]
        var waived = 0
        var overruns = 0
        var usedWaivers = Set<String>()
        var expiredWaivers = Set<String>()
        /// Each expired certificate's asset id by its 128-bit digest, not its text (as `AssessedSystems.Places`
        /// tells places apart): a certificate's findings are not together in the store's order (a daemon's
        /// directive names it too), so each is remembered until the end.
        var expiredAssets = Set<AssessedSystems.Places.Digest>()

        mutating func add(_ item: FindingAssessment, asset: String?) {
            byState[item.verdict.state.rawValue, default: 0] += 1
            byTier[item.risk.tier.rawValue, default: 0] += 1
            if item.isWaived { waived += 1 }
            if item.overrun != nil { overruns += 1 }
            if let waiver = item.waiver {
                usedWaivers.insert(waiver.id)
                if !waiver.honoured { expiredWaivers.insert(waiver.id) }
            }
            if item.expired != nil, let asset { expiredAssets.insert(AssessedSystems.Places.Digest(asset)) }
        }

        var summary: AssessmentSummary {
            AssessmentSummary(
                byState: byState, byTier: byTier, waived: waived, expiredWaivers: expiredWaivers.count,
                certificateOverruns: overruns, expiredCertificates: expiredAssets.count)
        }
    }
}
