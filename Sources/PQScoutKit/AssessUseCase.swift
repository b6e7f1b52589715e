import Foundation
import PQAssessment
import PQCatalog
import PQModel
import PQReports
import PQScanners
import PQStore

/// What `pqscout assess` asks for.
public struct AssessRequest: Sendable {
    public var storePath: String
    /// A scan id; nil means the latest complete scan.
    public var scanID: Int64?
    /// A bundled profile id; nil means the default (`nist-ir-8547`) unless `policyFile` is given.
    public var profile: String?
    /// A custom policy in YAML (Docs/policies.md); excludes `profile`.
    public var policyFile: String?
    public var category: String?
    /// The day to judge on; nil means today (UTC).
    public var asOf: CalendarDay?
    /// Mosca's x: years the data must stay confidential.
    public var dataLifetimeYears: Int
    /// Mosca's y: years a migration takes.
    public var migrationYears: Int
    /// Mosca's z as a year (`2035`) or a named published estimate (`RiskPrioritizer.crqcEstimates`); nil = default.
    public var crqcYear: String?
    /// `SYSTEM=CATEGORY` pairs: the policy category of one system (EU `high-risk` 2030 / `medium-risk` 2035).
    public var systemCategories: [String]
    /// `SYSTEM=YEARS` pairs: Mosca's x for one system.
    public var systemDataLifetimes: [String]
    public var waiversFile: String?
    public var failOn: GateThreshold?
    /// A system id (or a unique suffix of one) whose score to explain point by point.
    public var explain: String?
    /// Keep the result with the scan (default); tests and dry runs may turn it off.
    public var record: Bool

    public init(
        storePath: String = "pqscout.db", scanID: Int64? = nil, profile: String? = nil, policyFile: String? = nil,
        category: String? = nil, asOf: CalendarDay? = nil,
        dataLifetimeYears: Int = RiskPrioritizer.defaultDataLifetimeYears,
        migrationYears: Int = RiskPrioritizer.defaultMigrationYears, crqcYear: String? = nil,
        systemCategories: [String] = [], systemDataLifetimes: [String] = [], waiversFile: String? = nil,
        failOn: GateThreshold? = nil, explain: String? = nil, record: Bool = true
    ) {
        self.storePath = storePath
        self.scanID = scanID
        self.profile = profile
        self.policyFile = policyFile
        self.category = category
        self.asOf = asOf
        self.dataLifetimeYears = dataLifetimeYears
        self.migrationYears = migrationYears
        self.crqcYear = crqcYear
        self.systemCategories = systemCategories
        self.systemDataLifetimes = systemDataLifetimes
        self.waiversFile = waiversFile
        self.failOn = failOn
        self.explain = explain
        self.record = record
    }
}

/// What `pqscout assess` gets back.
public struct AssessOutcome: Sendable {
    /// The result; when it was recorded its `findings` and `systems` are empty (they went to the store as they were
    /// judged and scored, and `forEachFinding` and `forEachSystem` read them back in order) and its overall score
    /// keeps only its mean line (`overallScore()` puts back each system's), else they are all here, the findings
    /// highest risk first.
    public var result: AssessmentResult
    /// What the table shows of the findings, gathered as they were judged.
    public var highlights: AssessmentHighlights
    /// The systems `explain` named (empty when it was not asked).
    public var explained: [AgilityScore]
    /// The stored assessment's id; nil when not recorded.
    public var assessmentID: Int64?
    /// The store the assessment was recorded in (nil when not recorded).
    let store: InventoryStore?

    /// True when a `--fail-on` threshold was met: the command exits 1.
    public var gateMet: Bool { result.gate?.met == true }

    /// Hands every judged finding to `body`, highest risk first (`Assessor.riskOrder`): read back from the store
    /// by position when the assessment was recorded, from `result.findings` otherwise.
    public func forEachFinding(_ body: (FindingAssessment) throws -> Void) throws {
        guard let store, let assessmentID, result.findings.isEmpty else {
            for item in result.findings { try body(item) }
            return
        }
        try store.forEachAssessedFinding(assessmentID: assessmentID) { try body($0.assessment) }
    }

    /// Hands every finding that met the `--fail-on` gate to `body` in inventory order (`GateOutcome.findings`):
    /// picked from the store's judged rows in that order when the assessment was recorded (the result holds only
    /// their number), from the result otherwise. None without a gate.
    public func forEachGatedFinding(_ body: (FindingRef) throws -> Void) throws {
        guard let gate = result.gate else { return }
        guard gate.findingsLeftOut, let store, let assessmentID, result.findings.isEmpty else {
            for ref in gate.findingsLeftOut ? gate.findings(in: result.findings) : gate.findings { try body(ref) }
            return
        }
        try store.forEachAssessedFinding(assessmentID: assessmentID, order: .inventory) { ranked in
            if gate.threshold.isMet(by: ranked.assessment) { try body(ranked.assessment.finding) }
        }
    }

    /// Hands every scored system to `body` in the result's order (system id): read back from the store when the
    /// assessment was recorded, from `result.systems` otherwise. With `findingsPerAdjustment`, a system read back
    /// keeps only the first findings of each adjustment (`InventoryStore.forEachAssessedSystem`).
    public func forEachSystem(findingsPerAdjustment: Int? = nil, _ body: (AgilityScore) throws -> Void) throws {
        guard let store, let assessmentID, result.systems.isEmpty else {
            for system in result.systems { try body(system) }
            return
        }
        try store.forEachAssessedSystem(
            assessmentID: assessmentID, findingsPerAdjustment: findingsPerAdjustment, body)
    }

    /// The whole scan's score with its line for each system: `result.overall` keeps only its mean line when the
    /// systems went to the store as they were scored (`AgilityScore.systemLinesLeftOut`), and the lines are then
    /// made from the systems read back.
    public func overallScore() throws -> AgilityScore {
        // A line reads a system's id, score, grade and finding count, none of its adjustments' findings.
        try result.overall.restoringSystemLines { body in try forEachSystem(findingsPerAdjustment: 0, body) }
    }
}

/// What `AssessUseCase.run` checks of the systems, seen one at a time as they are scored (and, when recorded, go to
/// the store rather than stay in the result): which system overrides name a system, the systems `--explain` may
/// mean, and, when either is asked, every id for the messages that list them.
struct SystemWatch {
    let overrides: [SystemOverride]
    let explain: String?
    private(set) var matched: Set<Int> = []
    private var candidates: [(position: Int, score: AgilityScore)] = []
    /// The first `listedIDs` system ids in id order, and how many systems there are.
    private var ids: [(position: Int, id: String)] = []
    private var idCount = 0
    /// System ids an error message lists at most: 200,000 systems made a message of megabytes.
    static let listedIDs = 50

    init(overrides: [SystemOverride], explain: String?) {
        self.overrides = overrides
        self.explain = explain
    }

    mutating func add(_ score: AgilityScore, position: Int) {
        for (index, override) in overrides.enumerated() where override.matches(score.system) { matched.insert(index) }
        if let wanted = explain, wanted != "scan",
            score.system.id.hasSuffix(wanted) || score.system.path == wanted
        {
            candidates.append((position, score))
        }
        if !overrides.isEmpty || explain != nil {
            idCount += 1
            guard ids.count < Self.listedIDs || position < (ids.last?.position ?? 0) else { return }
            ids.insert((position, score.system.id), at: ids.firstIndex { position < $0.position } ?? ids.endIndex)
            if ids.count > Self.listedIDs { ids.removeLast() }
        }
    }

    /// The systems `--explain` may mean, in id order.
    var explainable: [AgilityScore] { candidates.sorted { $0.position < $1.position }.map(\.score) }

    /// The first system ids in order and how many are left out; empty when neither overrides nor `--explain` were
    /// given.
    var listed: (ids: [String], more: Int) { (ids.map(\.id), idCount - ids.count) }
}

/// The use case `pqscout assess`: read a scan, judge it, keep the result with the scan.
public enum AssessUseCase {
    /// Profiles `--profile` accepts.
    public static var profiles: [String] { PolicyProfile.bundledIDs }

    /// Named CRQC estimates `--crqc-year` accepts, as `id (year)`.
    public static var crqcEstimates: [String] { RiskPrioritizer.crqcEstimates.map { "\($0.id) (\($0.year))" } }

    /// Runs an assessment.
    /// - Throws: `PQScoutError`: `.usage` for an unknown profile, category or system, or `--profile` with
    ///   `--policy`; `.input` for an unreadable or invalid policy/waiver file (the reason names file and line) or
    ///   store.
    public static func run(_ request: AssessRequest, registry: ScannerRegistry = .standard) throws(PQScoutError)
        -> AssessOutcome
    {
        guard request.dataLifetimeYears >= 0 else {
            throw PQScoutError(
                code: "assess.lifetime", kind: .usage, reason: "--data-lifetime-years must be 0 or more")
        }
        guard request.migrationYears >= 0 else {
            throw PQScoutError(code: "assess.migration", kind: .usage, reason: "--migration-years must be 0 or more")
        }
        let crqc = try crqcYear(request.crqcYear)
        let overrides = try systemOverrides(request)
        let profile = try loadProfile(request)
        var waivers: [Waiver] = []
        if let file = request.waiversFile {
            waivers = try translate(.input) { () throws(AssessmentError) in try PolicyLoader.waivers(file: file) }
        }
        let store = try StoreAccess.open(request.storePath, create: false)
        // Recording stages each judged finding through `store` while the findings are still being read: that takes
        // a second connection to read them (SQLite cannot write on a connection inside its own read, nor
        // PostgreSQL between the fetches of a read-only cursor).
        let reader = try request.record ? StoreAccess.open(request.storePath, create: false) : store
        let asOf = request.asOf ?? CalendarDay(Date())
        let source = try StoreAccess.perform(request.storePath) { () throws -> AssessmentSource in
            let id = try InventoryUseCase.resolveScanID(request.scanID, store: reader, storePath: request.storePath)
            let scan = try InventoryUseCase.existingScan(
                id, store: reader, storePath: request.storePath, code: "assess.no-scan")
            return try judgingSource(scan, store: reader, registry: registry)
        }
        let options = AssessmentOptions(
            profile: profile, category: request.category, asOf: asOf, dataLifetimeYears: request.dataLifetimeYears,
            migrationYears: request.migrationYears, crqcYear: crqc.year, crqcEstimate: crqc.name,
            systemOverrides: overrides, waivers: waivers, failOn: request.failOn)
        // Recorded: each judged finding goes to the store as it comes (in batches, sorted there by risk), and only
        // what the table shows is kept. Not recorded (tests, dry runs): the findings are held and sorted here.
        var recording: AssessmentRecording?
        if request.record {
            recording = try StoreAccess.perform(request.storePath) { try store.beginAssessment(scanID: source.scan.id) }
        }
        defer { recording?.discard() }
        var highlights = AssessmentHighlights(limit: AssessmentText.defaultLimit)
        var assessed: [FindingAssessment] = []
        var watch = SystemWatch(overrides: overrides, explain: request.explain)
        // Recorded, each system goes to the store as it is scored, and only the table's line of it stays here:
        // 40,080 systems citing 7.1 million findings on the 200k benchmark.
        let scored: ((AgilityScore, Int) throws -> Void)? = recording.map { recording in
            { (score: AgilityScore, position: Int) throws in
                watch.add(score, position: position)
                highlights.add(score, position: position)
                try recording.add(score, position: position)
            }
        }
        var result = try StoreAccess.perform(request.storePath) { () throws -> AssessmentResult in
            do {
                return try Assessor.assess(
                    source, options: options,
                    judged: { item in
                        highlights.add(item)
                        if let recording { try recording.add(item) } else { assessed.append(item) }
                    }, scored: scored)
            } catch let error as AssessmentError {
                throw PQScoutError(code: error.code, kind: .usage, reason: error.reason)
            }
        }
        assessed.sort { Assessor.riskOrder($0, $1) }
        result.findings = assessed
        // Held (not recorded): the gate lists its findings as it always did. Recorded, it counts them and
        // `forEachGatedFinding` reads them back.
        result.restoreGateFindings()
        if scored == nil {
            for (position, score) in result.systems.enumerated() { watch.add(score, position: position) }
        }
        for (index, override) in overrides.enumerated() where !watch.matched.contains(index) {
            throw PQScoutError(
                code: "assess.unknown-system", kind: .usage,
                reason: "no system \(override.selector) in scan \(result.scanID); valid choices: "
                    + choices(watch.listed.ids, more: watch.listed.more))
        }
        var explained: [AgilityScore] = []
        if let wanted = request.explain {
            explained = try systems(
                matching: wanted, candidates: watch.explainable, ids: watch.listed.ids, more: watch.listed.more,
                overall: result.overall,
                scanID: result.scanID)
        }
        var assessmentID: Int64?
        if let recording {
            let finished = result
            assessmentID = try StoreAccess.perform(request.storePath) {
                try recording.finish(finished, createdAt: Date())
            }
        }
        var outcome = AssessOutcome(
            result: result, highlights: highlights, explained: explained, assessmentID: assessmentID,
            store: request.record ? store : nil)
        // `--explain scan` lists every system's line, which the recorded result leaves out: read back now.
        if outcome.explained.contains(where: \.systemLinesLeftOut) {
            let whole = try StoreAccess.perform(request.storePath) { [outcome] in try outcome.overallScore() }
            outcome.explained = outcome.explained.map { $0.systemLinesLeftOut ? whole : $0 }
        }
        return outcome
    }

    /// What an assessment of `scan` reads from `store`. The findings are walked from the store's cursor (twice),
    /// never held as one array, and the judging walk takes each finding's certificate from the same cursor: of the
    /// scan's assets only the certificates that issued one of its certificates are held (for their keys'
    /// strength), not every asset (about 1.6 KB each held: 47 MB for the 30,000 of the 50k tree).
    static func judgingSource(_ scan: ScanRecord, store: InventoryStore, registry: ScannerRegistry) throws
        -> AssessmentSource
    {
        let id = scan.id
        var source = AssessmentSource(
            scan: scan, assets: try store.issuerCertificates(scanID: id),
            software: try store.software(scanID: id), scannedSources: registry.sources.map(\.rawValue)
        ) { body in try store.forEachFinding(FindingQuery(scanID: id), body) }
        source.forEachFindingWithCertificate = { body in try store.forEachFindingWithCertificate(scanID: id, body) }
        source.forEachDiagnostic = { body in try store.forEachDiagnostic(scanID: id, limit: nil, body) }
        return source
    }

    /// The newest stored assessment of a scan (the latest complete scan by default), for reports and plans.
    /// - Returns: nil when the scan was never assessed (under `profile`, when given).
    public static func latest(storePath: String, scanID: Int64? = nil, profile: String? = nil) throws(PQScoutError)
        -> StoredAssessment?
    {
        let store = try StoreAccess.open(storePath, create: false)
        return try StoreAccess.perform(storePath) {
            let id = try InventoryUseCase.resolveScanID(scanID, store: store, storePath: storePath)
            return try store.latestAssessment(scanID: id, profile: profile)
        }
    }

    /// The systems `--explain` names: an exact id, else the ids ending in it or whose path equals it.
    static func systems(matching wanted: String, in result: AssessmentResult) throws(PQScoutError) -> [AgilityScore] {
        try systems(
            matching: wanted,
            candidates: result.systems.filter { $0.system.id.hasSuffix(wanted) || $0.system.path == wanted },
            ids: result.systems.prefix(SystemWatch.listedIDs).map(\.system.id),
            more: max(0, result.systems.count - SystemWatch.listedIDs), overall: result.overall, scanID: result.scanID)
    }

    /// `systems(matching:in:)` from the systems whose id ends in `wanted` or whose path equals it (`candidates`,
    /// an exact id among them) and every id, in id order.
    static func systems(
        matching wanted: String, candidates: [AgilityScore], ids: [String], more: Int, overall: AgilityScore,
        scanID: Int64
    ) throws(PQScoutError) -> [AgilityScore] {
        if wanted == "scan" { return [overall] }
        if let exact = candidates.first(where: { $0.system.id == wanted }) { return [exact] }
        guard !candidates.isEmpty else {
            throw PQScoutError(
                code: "assess.unknown-system", kind: .usage,
                reason: "no system \(wanted) in scan \(scanID); valid choices: scan"
                    + (ids.isEmpty ? "" : ", " + choices(ids, more: more)))
        }
        return candidates
    }

    /// System ids for a message: the first ones, and how many more there are.
    static func choices(_ ids: [String], more: Int) -> String {
        ids.joined(separator: ", ") + (more > 0 ? ", and \(more) more (`pqscout assess --format json` lists all)" : "")
    }

    /// `--crqc-year`: a year from 2000 to 2100, or the id of a published estimate.
    static func crqcYear(_ text: String?) throws(PQScoutError) -> (year: Int, name: String) {
        let estimates = RiskPrioritizer.crqcEstimates
        guard let text else {
            let chosen = estimates.first { $0.id == RiskPrioritizer.defaultCRQCEstimate }
            return (chosen?.year ?? 2035, "\(RiskPrioritizer.defaultCRQCEstimate): \(chosen?.source ?? "")")
        }
        if let year = Int(text), (2000...2100).contains(year) { return (year, "given with --crqc-year") }
        if let estimate = estimates.first(where: { $0.id == text }) {
            return (estimate.year, "\(estimate.id): \(estimate.source)")
        }
        throw PQScoutError(
            code: "assess.crqc-year", kind: .usage,
            reason: "--crqc-year \(text) is neither a year (2000-2100) nor an estimate; valid choices: "
                + estimates.map { "\($0.id) (\($0.year))" }.joined(separator: ", "))
    }

    /// `--system-category` and `--system-data-lifetime` pairs, merged per selector in the order given.
    static func systemOverrides(_ request: AssessRequest) throws(PQScoutError) -> [SystemOverride] {
        var out: [SystemOverride] = []
        func pair(_ text: String, option: String) throws(PQScoutError) -> (String, String) {
            guard let equals = text.lastIndex(of: "="), equals != text.startIndex,
                text.index(after: equals) != text.endIndex
            else {
                throw PQScoutError(
                    code: "assess.system-option", kind: .usage, reason: "\(option) takes SYSTEM=VALUE, got \(text)")
            }
            return (String(text[..<equals]), String(text[text.index(after: equals)...]))
        }
        func merge(_ selector: String, _ change: (inout SystemOverride) -> Void) {
            if let at = out.firstIndex(where: { $0.selector == selector }) {
                change(&out[at])
            } else {
                var fresh = SystemOverride(selector: selector)
                change(&fresh)
                out.append(fresh)
            }
        }
        for text in request.systemCategories {
            let (selector, category) = try pair(text, option: "--system-category")
            merge(selector) { $0.category = category }
        }
        for text in request.systemDataLifetimes {
            let (selector, value) = try pair(text, option: "--system-data-lifetime")
            guard let years = Int(value), years >= 0 else {
                throw PQScoutError(
                    code: "assess.system-option", kind: .usage,
                    reason: "--system-data-lifetime \(text): the years must be 0 or more")
            }
            merge(selector) { $0.dataLifetimeYears = years }
        }
        return out
    }

    static func loadProfile(_ request: AssessRequest) throws(PQScoutError) -> PolicyProfile {
        if let file = request.policyFile {
            guard request.profile == nil else {
                throw PQScoutError(
                    code: "assess.profile-and-policy", kind: .usage,
                    reason: "give either --profile or --policy, not both")
            }
            return try translate(.input) { () throws(AssessmentError) in try PolicyLoader.profile(file: file) }
        }
        let id = request.profile ?? PolicyProfile.defaultID
        return try translate(.usage) { () throws(AssessmentError) in try PolicyLoader.bundled(id) }
    }

    static func translate<T>(_ kind: PQScoutError.Kind, _ body: () throws(AssessmentError) -> T) throws(PQScoutError)
        -> T
    {
        do {
            return try body()
        } catch {
            throw PQScoutError(code: error.code, kind: kind, reason: error.reason)
        }
    }
}
