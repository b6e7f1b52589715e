import Foundation
import PQCatalog
import PQModel

/// Everything a report shows, as values: one scan's inventory, the scans before it, and (when one was made)
/// its assessment. Renderers never read files or the store; the Kit gathers this and hands it over.
public struct ReportInput: Sendable {
    public var scan: ScanRecord
    public var findings: [Finding]
    public var assets: [Asset]
    public var diagnostics: [Diagnostic]
    public var software: [Software]
    /// Every scan of the same roots, oldest first, this one included: the trend charts and tables.
    public var history: [ScanRecord]
    /// The newest assessment of this scan, when one was made (`pqscout assess`): policy verdicts, deadlines,
    /// risk and agility scores. Every renderer works without it.
    public var assessment: AssessmentResult?
    /// The policy profile the assessment used, for its rules' full text (SARIF rules); nil for a custom policy
    /// or no assessment, in which case the rules are described from the verdicts.
    public var policy: PolicyProfile?
    /// The migration plan for this scan, when one was asked for (`report --plan`); plans are computed, not kept.
    public var plan: Plan?
    /// Links inside the tree recorded as aliases of their targets: CSV and CBOM name them beside each finding.
    public var aliases: [PathAlias] = []
    /// Every host's latest complete scan when the store holds several hosts (a fleet's database): the HTML report
    /// shows them in a section of their own. Empty for a single host's store, whose report does not change.
    public var fleet: [FleetScanSummary] = []
    /// The findings from somewhere other than `findings` (a store cursor), for the renderers that walk
    /// `orderedFindings`; `findings` is then left empty. Nil: `findings` is the inventory.
    public var findingSource: ReportFindings?

    public init(
        scan: ScanRecord, findings: [Finding], assets: [Asset] = [], diagnostics: [Diagnostic] = [],
        software: [Software] = [], history: [ScanRecord] = [], assessment: AssessmentResult? = nil,
        policy: PolicyProfile? = nil, plan: Plan? = nil
    ) {
        self.scan = scan
        self.findings = findings
        self.assets = assets
        self.diagnostics = diagnostics
        self.software = software
        self.history = history
        self.assessment = assessment
        self.policy = policy
        self.plan = plan
    }

    /// The diagnostics from somewhere other than `diagnostics` (a store cursor in report order, with the counts by
    /// reason), for the renderers, which read `orderedDiagnostics` only; `diagnostics` is then left empty. Nil:
    /// `diagnostics` is the list.
    public var diagnosticSource: ReportDiagnostics?

    /// The scan's diagnostics in report order with their counts: `diagnosticSource` when set, else `diagnostics`.
    public var orderedDiagnostics: ReportDiagnostics { diagnosticSource ?? .array(diagnostics) }

    /// The certificates from somewhere other than `assets` (a store cursor in report order, with the counts), for
    /// the renderers that read `certificates` only; `assets` is then left empty. Nil: `assets` is the inventory.
    public var certificateSource: ReportCertificates?

    /// The scan's certificates in report order with the asset counts: `certificateSource` when set, else `assets`.
    public var certificates: ReportCertificates { certificateSource ?? .array(assets) }

    /// The assets with the findings that name them from somewhere other than `assets` and the findings (store
    /// cursors), for the renderers that read `assetsWithFindings` only (the CBOM); `assets` is then left empty.
    /// Nil: `assets` and `orderedFindings` are the inventory.
    public var assetSource: ReportAssets?

    /// The assets with the findings that name them: `assetSource` when set, else gathered from `assets` and
    /// `orderedFindings`.
    public var assetsWithFindings: ReportAssets { assetSource ?? .array(assets, findings: orderedFindings) }

    /// The judged findings of `assessment` when they are not in it: read from the store as the renderer walks
    /// them (`ReportJudgedFindings.storeOrdered`), beside `findingSource`. Nil: `assessment.findings` and
    /// `findings` are paired in memory.
    public var judgedSource: ReportJudgedFindings?

    /// The scored systems of `assessment` when they are not in it: read from the store as the renderer walks them.
    /// Nil: `assessment.systems`.
    public var systemSource: ReportSystems?

    /// The assessment's scored systems: `systemSource` when set, else `assessment.systems` (none without one).
    public var systems: ReportSystems { systemSource ?? .array(assessment?.systems ?? []) }

    /// The judged findings with the inventory findings they judge: `judgedSource` when set, else paired in memory.
    public var judgedFindings: ReportJudgedFindings { judgedSource ?? .array(self) }

    /// Each assessed finding with the inventory finding it judges (matched by place and name, so the pairing
    /// holds whatever order `findings` is in), in the assessment's order: highest risk first; `position` is the
    /// judged finding's place in `assessment.findings`.
    var rankedAssessedFindings: [(finding: Finding, judged: RankedAssessment)] {
        guard let assessment else { return [] }
        var byKey: [String: [Finding]] = [:]
        for finding in sortedFindings {
            byKey[ReportJudgedFindings.key(finding), default: []].append(finding)
        }
        var out: [(finding: Finding, judged: RankedAssessment)] = []
        for (position, judged) in assessment.findings.enumerated() {
            let k = ReportJudgedFindings.key(judged.finding)
            guard var list = byKey[k], !list.isEmpty else { continue }
            out.append((list.removeFirst(), RankedAssessment(position: position, assessment: judged)))
            byKey[k] = list
        }
        return out
    }

    /// Findings in the one order every renderer uses: path bytes, line (none first), source, setting, algorithm.
    public var sortedFindings: [Finding] { findings.sorted(by: ReportOrder.finding) }

    /// The findings in `sortedFindings`' order, one at a time: `findingSource` when set, else `findings`.
    public var orderedFindings: ReportFindings { findingSource ?? .array(findings) }

    /// The scans to draw as a trend: the history, or this scan alone when no history was given.
    var trend: [ScanRecord] { history.isEmpty ? [scan] : history.sorted { $0.id < $1.id } }

    /// True when the inventory is known to be partial: files were skipped or unparsable, or the scan stopped.
    public var isIncomplete: Bool {
        scan.status == .incomplete || (diagnosticSource.map { !$0.isEmpty } ?? !diagnostics.isEmpty)
    }
}

/// What a renderer is told from outside, so its output depends on nothing else: the same input and context
/// give the same bytes (golden tests pin them).
public struct RenderContext: Sendable {
    /// The report's timestamp (CycloneDX `metadata.timestamp`, the HTML footer). Pass a fixed date in tests.
    public var generatedAt: Date
    public var toolName: String
    public var toolVersion: String

    public init(generatedAt: Date, toolName: String = "pqscout", toolVersion: String) {
        self.generatedAt = generatedAt
        self.toolName = toolName
        self.toolVersion = toolVersion
    }
}

/// One output format: a pure function from report values to bytes.
///
/// Every renderer sorts what it writes, takes its clock and tool version from `RenderContext`, and escapes
/// every string that came from a scanned file for its own syntax (HTML, Markdown, CSV, JSON).
public protocol ReportRenderer: Sendable {
    var format: ReportFormat { get }
    func render(_ input: ReportInput, context: RenderContext) throws -> Data
    /// The bytes of `render`, written to `output` as they are made. The renderers that walk
    /// `input.orderedFindings` say so in `streams`; the others read `input.findings`.
    func write(_ input: ReportInput, context: RenderContext, to output: ReportOutput) throws
    /// True when the renderer reads the findings from `input.orderedFindings` only (so `findingSource` may
    /// replace `findings`), in one or more passes, and holds what it aggregates, not the findings. `assessed`:
    /// the input carries an assessment (whose judged findings are still paired with `findings` in memory).
    func streams(assessed: Bool) -> Bool
    /// True when the renderer reads the assets from `input.certificates` only, or not at all (so
    /// `certificateSource` may replace `assets`).
    var streamsCertificates: Bool { get }
    /// True when the renderer reads the assets from `input.assetsWithFindings` only (so `assetSource` may replace
    /// `assets`).
    var streamsAssets: Bool { get }
}

extension ReportRenderer {
    public func write(_ input: ReportInput, context: RenderContext, to output: ReportOutput) throws {
        try output.write(try render(input, context: context))
    }

    public func streams(assessed: Bool) -> Bool { false }

    public var streamsCertificates: Bool { false }

    public var streamsAssets: Bool { false }
}

/// Orderings shared by the renderers, so a report never depends on the order rows arrived in.
enum ReportOrder {
    static func finding(_ a: Finding, _ b: Finding) -> Bool {
        if a.path != b.path { return a.path < b.path }
        if a.line != b.line { return (a.line ?? 0) < (b.line ?? 0) }
        if a.source != b.source { return a.source.rawValue < b.source.rawValue }
        if a.setting != b.setting { return a.setting < b.setting }
        if a.usage != b.usage { return a.usage.rawValue < b.usage.rawValue }
        if a.algorithm != b.algorithm { return a.algorithm < b.algorithm }
        if a.context != b.context { return (a.context ?? "") < (b.context ?? "") }
        if a.asset != b.asset { return (a.asset ?? "") < (b.asset ?? "") }
        return (a.note ?? "") < (b.note ?? "")
    }
}

/// FNV-1a 64-bit over UTF-8: short, stable identifiers derived from content (bom-refs, SARIF fingerprints).
/// Not a security hash; it only has to give the same text the same name in every run and on every machine.
enum ContentHash {
    static func hex(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

/// ISO 8601 in UTC with whole seconds: `2026-11-27T01:00:00Z`.
enum ReportDate {
    static func iso(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    static func day(_ date: Date) -> String { String(iso(date).prefix(10)) }

    static func parse(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withFullDate]
        return formatter.date(from: text)
    }
}
