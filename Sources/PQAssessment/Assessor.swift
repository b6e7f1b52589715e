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
        var judge = try FindingJudge(input: input, options: options, catalog: catalog)
        var assessed: [FindingAssessment] = []
        assessed.reserveCapacity(input.findings.count)
        // One item per finding, by index: an array, not a dictionary keyed by index (1.78 million entries rehashed).
        var items: [AgilityScorer.Item] = []
        items.reserveCapacity(input.findings.count)
        var usedWaivers = Set<String>()
        var expiredWaivers = Set<String>()
        var expiredAssets = Set<String>()
        for (index, original) in input.findings.enumerated() {
            let judged = judge.judge(original, index: index)
            let finding = judged.finding
            let ref = FindingRef(index: index, finding: original)
            let overrun = judge.overrun(judged)
            let risk = judge.risk(judged, index: index)
            if let waiverStatus = judged.waiver {
                usedWaivers.insert(waiverStatus.id)
                if !waiverStatus.honoured { expiredWaivers.insert(waiverStatus.id) }
            }
            let expired = judged.certificate.map { CalendarDay($0.notAfter) }.flatMap { $0 < options.asOf ? $0 : nil }
            if expired != nil, let asset = finding.asset { expiredAssets.insert(asset) }
            assessed.append(
                FindingAssessment(
                    finding: ref, quantumStatus: finding.quantumStatus, effective: finding.effective,
                    verdict: judged.verdict, risk: risk, overrun: overrun, waiver: judged.waiver,
                    system: judged.system.id, expired: expired))
            items.append(
                AgilityScorer.Item(ref: ref, finding: finding, certificate: judged.certificate, overrun: overrun))
        }
        let systemOf = judge.systemOf
        let prioritizer = judge.prioritizer
        let scorer = AgilityScorer(catalog: catalog)
        let systems = AssessedSystems.group(resolved: systemOf).map { group in
            let override = options.systemOverrides.first { $0.matches(group.system) }
            var mosca = prioritizer.mosca(asOf: options.asOf)
            if let years = override?.dataLifetimeYears { mosca.dataLifetimeYears = max(0, years) }
            var score = scorer.score(
                system: group.system, items: group.indexes.map { items[$0] }, software: input.software,
                asOf: options.asOf)
            score.mosca = mosca
            score.category = override?.category
            return score
        }
        var overall = scorer.overall(systems)
        overall.mosca = prioritizer.mosca(asOf: options.asOf)
        let coverage = CoverageAnalyzer.analyze(
            scan: input.scan, findings: input.findings, diagnostics: input.diagnostics, software: input.software,
            scannedSources: input.scannedSources)
        // In place: a sorted copy held a second array of every judged finding at the peak.
        assessed.sort { ($0.risk.score, -$0.finding.index) > ($1.risk.score, -$1.finding.index) }
        var byState: [String: Int] = [:]
        var byTier: [String: Int] = [:]
        for item in assessed {
            byState[item.verdict.state.rawValue, default: 0] += 1
            byTier[item.risk.tier.rawValue, default: 0] += 1
        }
        let summary = AssessmentSummary(
            byState: byState, byTier: byTier, waived: assessed.filter(\.isWaived).count,
            expiredWaivers: expiredWaivers.count, certificateOverruns: assessed.filter { $0.overrun != nil }.count,
            expiredCertificates: expiredAssets.count)
        let unused = options.waivers.map(\.id).filter { !usedWaivers.contains($0) }
        let outcome: GateOutcome? = options.failOn.map { threshold in Self.gate(threshold, findings: assessed) }
        return AssessmentResult(
            scanID: input.scan.id, profile: options.profile.id, profileTitle: options.profile.title,
            category: options.category, asOf: options.asOf, dataLifetimeYears: options.dataLifetimeYears,
            findings: assessed, systems: systems, overall: overall, coverage: coverage, summary: summary,
            unusedWaivers: unused, gate: outcome, mosca: prioritizer.mosca(asOf: options.asOf))
    }

    /// Each finding's policy verdict and waiver, and nothing else: no risk, agility, coverage or ordering. What the
    /// planner reads of an assessment, judged by the same walk as `assess` (so every verdict is the assessment's)
    /// and held as one small slot per finding over the distinct verdicts.
    /// - Throws: `AssessmentError` for a category the profile does not define.
    public static func judge(_ input: AssessmentInput, options: AssessmentOptions, catalog: Catalog = .shared)
        throws(AssessmentError) -> FindingJudgements
    {
        var judge = try FindingJudge(input: input, options: options, catalog: catalog)
        var judgements = FindingJudgements(scanID: input.scan.id, asOf: options.asOf, count: input.findings.count)
        // Verdicts are shared per memo key, so they are numbered by it: no verdict is hashed per finding.
        var numbers: [VerdictMemo.VerdictKey: Int32] = [:]
        for (index, original) in input.findings.enumerated() {
            let judged = judge.judge(original, index: index)
            let key = VerdictMemo.VerdictKey(category: judged.category, subject: judged.subject)
            let number: Int32
            if let known = numbers[key] {
                number = known
            } else {
                number = judgements.add(judged.verdict)
                numbers[key] = number
            }
            judgements.set(index, verdict: number, waived: judged.waiver?.honoured == true)
        }
        return judgements
    }

    /// The `--fail-on` gate over judged findings: only findings in force and not waived count
    /// (`GateThreshold.isMet`, the rule `scan --fail-on` applies too).
    public static func gate(_ threshold: GateThreshold, findings: [FindingAssessment]) -> GateOutcome {
        let hits = findings.filter { item in
            item.effective && !item.isWaived && threshold.isMet(status: item.quantumStatus, state: item.verdict.state)
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

// MARK: - One finding at a time

extension Assessor {
    /// Judges the findings of one scan one at a time: the evaluators, the prioritizer, the systems, the exchange
    /// context and the memo, set up once. `assess` and `judge` both walk the findings through it.
    struct FindingJudge {
        /// One finding as judged: the finding as its exchange makes it, its system, and its verdict and waiver.
        struct Judged {
            var finding: Finding
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
        let assetsByID: [String: Asset]
        let issuerStrength: [String: Int]
        let systemOf: [SystemRef]
        let context: ExchangeContext
        var memo = VerdictMemo()

        init(input: AssessmentInput, options: AssessmentOptions, catalog: Catalog) throws(AssessmentError) {
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
            assetsByID = Dictionary(input.assets.map { ($0.id, $0) }) { first, _ in first }
            issuerStrength = Assessor.issuerStrengths(input.assets, catalog: catalog)
            systemOf = AssessedSystems.resolve(input.findings)
            context = Assessor.exchangeContext(
                input.findings, systems: systemOf, scorer: AgilityScorer(catalog: catalog), catalog: catalog)
        }

        /// The verdict and waiver of the finding at `index` (its position in the input).
        mutating func judge(_ original: Finding, index: Int) -> Judged {
            let system = systemOf[index]
            let override = options.systemOverrides.first { $0.matches(system) }
            let judge = override?.category.flatMap { evaluators[$0] } ?? evaluator
            var local = prioritizer
            if let years = override?.dataLifetimeYears { local.dataLifetimeYears = max(0, years) }
            let finding = context.adjusted(original, index: index, catalog: catalog)
            let certificate = finding.asset.flatMap { assetsByID[$0]?.certificate }
            var fallback: Int? =
                finding.usage == .signature ? certificate.flatMap { issuerStrength[$0.issuer] } : nil
            fallback = fallback ?? context.groupStrength(for: finding, system: system.id, catalog: catalog)
            let category = override?.category.flatMap { evaluators[$0] == nil ? nil : $0 }
            let subject = memo.subject(of: finding, issuerStrength: fallback, judge: judge)
            let verdict = memo.verdict(subject, category: category, judge: judge, asOf: options.asOf)
            let waiver = options.waivers.first { $0.selector.matches(original, verdict: verdict, system: system.id) }
            return Judged(
                finding: finding, system: system, prioritizer: local, evaluator: judge, category: category,
                subject: subject, certificate: certificate, verdict: verdict, waiver: waiver?.status(asOf: options.asOf)
            )
        }

        /// The certificate overrun of a judged finding, if it belongs to a certificate that outlives its deadline.
        mutating func overrun(_ judged: Judged) -> CertificateOverrun? {
            judged.certificate.flatMap {
                memo.overrun(
                    judged.subject, category: judged.category, notAfter: CalendarDay($0.notAfter),
                    judge: judged.evaluator, asOf: options.asOf)
            }
        }

        /// The risk priority of a judged finding.
        mutating func risk(_ judged: Judged, index: Int) -> RiskPriority {
            memo.risk(
                judged.finding, certificate: judged.certificate, prioritizer: judged.prioritizer, asOf: options.asOf,
                protectedBy: context.protectors[index])
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
        /// Finding index → the post-quantum component in force in the same exchange.
        var protectors: [Int: String] = [:]
        /// Scope (system, and system#block) → weakest elliptic-curve group in force (bits).
        var ellipticGroups: [String: Int] = [:]
        /// Scope → weakest finite-field group in force (bits).
        var finiteFieldGroups: [String: Int] = [:]
        /// Scope → smallest RSA key in force (modulus bits), from the certificates the daemon is configured with.
        var rsaKeyBits: [String: Int] = [:]
        var systems: [String]

        /// The scopes a finding is looked up in, narrowest first: its block (an nginx server) within its system,
        /// then the whole system.
        static func scopes(system: String, context: String?) -> [String] {
            context.map { [system + "#" + $0, system] } ?? [system]
        }

        static func lookup(_ table: [String: Int], system: String, context: String?) -> Int? {
            scopes(system: system, context: context).lazy.compactMap { table[$0] }.first
        }

        static func record(_ bits: Int, in table: inout [String: Int], system: String, context: String?) {
            for scope in scopes(system: system, context: context) { table[scope] = min(table[scope] ?? bits, bits) }
        }

        /// The strength of a key exchange with no size of its own (`Kx=ECDH`, `DHE`): the weakest group in force in
        /// the same system, since the groups are what the peers negotiate.
        func groupStrength(for finding: Finding, system: String, catalog: Catalog) -> Int? {
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
        func adjusted(_ finding: Finding, index: Int, catalog: Catalog) -> Finding {
            if let broken = Self.brokenParts(of: finding) {
                var out = finding
                out.quantumStatus = .broken
                out.note = [out.note, "judged by its parts: \(broken) is classically broken"].compactMap { $0 }
                    .joined(separator: "; ")
                return out
            }
            guard finding.keyBits == nil, finding.usage == .keyExchange || finding.usage == .cipherSuite,
                let entry = finding.canonical.flatMap({ catalog.entry(named: $0) }), entry.canonical == "RSA-KEX",
                let bits = Self.lookup(rsaKeyBits, system: systems[index], context: finding.context)
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

    static func exchangeContext(_ findings: [Finding], systems: [SystemRef], scorer: AgilityScorer, catalog: Catalog)
        -> ExchangeContext
    {
        var context = ExchangeContext(systems: systems.map(\.id))
        struct Exchange: Hashable {
            var path: String
            var line: Int?
            var context: String?
            var setting: String?
        }
        var pq: [Exchange: String] = [:]
        for (index, finding) in findings.enumerated() where finding.effective {
            let system = systems[index].id
            let entry = finding.canonical.flatMap { catalog.entry(named: $0) }
            // One strongSwan proposal line combines its key exchanges (RFC 9370 additional key exchanges): an
            // ML-KEM there protects the x25519 beside it. A TLS group list offers alternatives instead.
            if finding.source == .strongswan, scorer.isPQKeyEstablishment(finding) {
                let key = Exchange(
                    path: finding.path.display, line: finding.line, context: finding.context,
                    setting: proposal(of: finding))
                pq[key] = pq[key] ?? (finding.canonical ?? finding.algorithm)
            }
            // A WireGuard peer's PresharedKey is mixed into the Noise handshake (wireguard.com/protocol, "psk2"):
            // recorded traffic stays safe while the PSK stays secret, whatever a quantum computer does to X25519.
            if finding.source == .wireguard, finding.setting == "PresharedKey" {
                let key = Exchange(path: finding.path.display, line: nil, context: finding.context, setting: nil)
                pq[key] = "the peer's PresharedKey (WireGuard psk2)"
            }
            if finding.usage == .group, finding.quantumStatus == .vulnerable, let entry,
                let bits = entry.classicalBits
            {
                if entry.family == "ECC" || entry.family == "ECDH" {
                    ExchangeContext.record(bits, in: &context.ellipticGroups, system: system, context: finding.context)
                } else if entry.family == "FFDH" {
                    ExchangeContext.record(
                        bits, in: &context.finiteFieldGroups, system: system, context: finding.context)
                }
            }
            if finding.usage == .publicKey || finding.usage == .signature, entry?.family == "RSA",
                let bits = finding.keyBits, bits > 0
            {
                ExchangeContext.record(bits, in: &context.rsaKeyBits, system: system, context: finding.context)
            }
        }
        for (index, finding) in findings.enumerated()
        where finding.quantumStatus == .vulnerable && (finding.usage == .keyExchange || finding.usage == .group) {
            let sameLine = Exchange(
                path: finding.path.display, line: finding.line, context: finding.context,
                setting: proposal(of: finding))
            let samePeer = Exchange(path: finding.path.display, line: nil, context: finding.context, setting: nil)
            if let protector = pq[sameLine] ?? (finding.source == .wireguard ? pq[samePeer] : nil) {
                context.protectors[index] = protector
            }
        }
        return context
    }
}
