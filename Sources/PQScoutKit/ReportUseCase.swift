import Foundation
import PQCatalog
import PQModel
import PQReports
import PQStore

/// What `pqscout report` asks for.
public struct ReportRequest: Sendable {
    public var storePath: String
    /// A scan id; nil means the latest complete scan (or the latest scan if none is complete).
    public var scanID: Int64?
    public var format: ReportFormat
    public var cbomSpec: CBOMSpecVersion
    /// The report's timestamp; nil means now. Fixed in tests so outputs repeat byte for byte.
    public var generatedAt: Date?
    /// Compute the migration plan (`pqscout plan` with its defaults, under the assessment's profile) and add it
    /// to the HTML and Markdown reports.
    public var includePlan: Bool

    public init(
        storePath: String = "pqscout.db", scanID: Int64? = nil, format: ReportFormat,
        cbomSpec: CBOMSpecVersion = .v1_6, generatedAt: Date? = nil, includePlan: Bool = false
    ) {
        self.includePlan = includePlan
        self.storePath = storePath
        self.scanID = scanID
        self.format = format
        self.cbomSpec = cbomSpec
        self.generatedAt = generatedAt
    }
}

/// `pqscout report`: gathers one scan's inventory and history from the store and renders it.
public enum ReportUseCase {
    /// The rendered report, whole (tests, small reports); `write` streams it.
    /// - Throws: `PQScoutError` when the store or the scan cannot be read, or the renderer fails.
    public static func render(_ request: ReportRequest) throws(PQScoutError) -> Data {
        var data = Data()
        let output = ReportOutput { data.append(contentsOf: $0) }
        try write(request, to: output)
        return data
    }

    /// Writes the report to `output` as it is made, and flushes it. A renderer that streams reads the findings
    /// from a store cursor (`ReportFindings.storeOrdered`), so memory follows what it aggregates, not the findings.
    /// - Throws: `PQScoutError` when the store or the scan cannot be read, or the renderer or `output` fails.
    public static func write(_ request: ReportRequest, to output: ReportOutput) throws(PQScoutError) {
        let renderer = Reports.renderer(request.format, cbomSpec: request.cbomSpec)
        var input = try input(storePath: request.storePath, scanID: request.scanID, streamingFor: renderer)
        if request.includePlan {
            input.plan =
                try PlanUseCase.run(
                    PlanRequest(
                        storePath: request.storePath, scanID: input.scan.id, profile: input.assessment?.profile,
                        asOf: input.assessment?.asOf)
                ).plan
        }
        let context = RenderContext(generatedAt: request.generatedAt ?? Date(), toolVersion: ToolInfo.version)
        do {
            try renderer.write(input, context: context, to: output)
            try output.flush()
        } catch {
            throw PQScoutError(
                code: "report.render", kind: .input,
                reason: "cannot write the \(request.format.rawValue) report: \(PQScoutError.describe(error))")
        }
    }

    /// Writes the report to the file at `path` as it is made (`OutputFile.stream`).
    public static func write(_ request: ReportRequest, toFile path: String) throws(PQScoutError) {
        try OutputFile.stream(to: path, code: "report.write") { output in try write(request, to: output) }
    }

    /// Writes the report to standard output as it is made.
    public static func writeToStandardOutput(_ request: ReportRequest) throws(PQScoutError) {
        try write(request, to: ReportOutput.file(FileHandle.standardOutput))
    }

    /// Everything a report shows for one scan: findings, assets, diagnostics, software, the scans of the
    /// same roots, the newest assessment of the scan with its policy profile when one was made, and every host's
    /// latest scan (the HTML report lists them when there are several).
    public static func input(storePath: String, scanID: Int64?) throws(PQScoutError) -> ReportInput {
        try input(storePath: storePath, scanID: scanID, streamingFor: nil)
    }

    /// `input(storePath:scanID:)`, with the findings left in the store (`findingSource`, a cursor walked by the
    /// renderer) when `renderer` streams them.
    static func input(storePath: String, scanID: Int64?, streamingFor renderer: (any ReportRenderer)?)
        throws(PQScoutError) -> ReportInput
    {
        let store = try StoreAccess.open(storePath, create: false)
        return try StoreAccess.perform(storePath) {
            let id = try InventoryUseCase.resolveScanID(scanID, store: store, storePath: storePath)
            let scan = try InventoryUseCase.existingScan(id, store: store, storePath: storePath, code: "report.no-scan")
            // Without its judged findings: a streaming renderer reads them from the store as it writes. Each score
            // adjustment keeps the findings a report names (the HTML's first few) and their number.
            let stored = try store.latestAssessmentSummary(
                scanID: id, findingsPerAdjustment: HTMLRenderer.findingsPerAdjustment)
            let streamed = renderer?.streams(assessed: stored != nil) ?? false
            var assessment = stored?.result
            if let stored, !streamed, stored.result.findings.isEmpty {
                assessment = try store.latestAssessment(scanID: id)?.result
            }
            let certificatesStreamed = renderer?.streamsCertificates ?? false
            let assetsStreamed = streamed && renderer?.streamsAssets == true
            var input = ReportInput(
                scan: scan, findings: streamed ? [] : try store.findings(FindingQuery(scanID: id)),
                assets: certificatesStreamed || assetsStreamed ? [] : try store.assets(scanID: id),
                diagnostics: renderer == nil ? try store.diagnostics(scanID: id) : [],
                software: try store.software(scanID: id),
                history: try store.scans(sameRootsAs: id), assessment: assessment,
                policy: assessment.flatMap { try? PolicyProfile.bundled($0.profile) })
            if streamed {
                input.findingSource = .storeOrdered { body in try store.forEachFinding(FindingQuery(scanID: id), body) }
                if let stored { input.judgedSource = judgedSource(stored, store: store) }
            }
            // Systems recorded as rows (since v9) are walked from the store; older documents hold them.
            if streamed, let stored, stored.result.systems.isEmpty {
                let assessmentID = stored.id
                input.systemSource = ReportSystems(count: try store.assessedSystemCount(assessmentID: assessmentID)) {
                    limit, body in
                    try store.forEachAssessedSystem(
                        assessmentID: assessmentID, order: .byScore, limit: limit,
                        findingsPerAdjustment: HTMLRenderer.findingsPerAdjustment, body)
                }
            }
            // Every renderer walks the diagnostics (a hostile tree leaves hundreds of thousands); the inventory
            // asked for without one holds them.
            if renderer != nil {
                input.diagnosticSource = .stored(countsByReason: try store.diagnosticCounts(scanID: id)) {
                    limit, body in try store.forEachDiagnostic(scanID: id, limit: limit, body)
                }
            }
            if certificatesStreamed {
                let counts = try store.assetCounts(scanID: id)
                input.certificateSource = .stored(count: counts.certificates, assetCount: counts.assets) {
                    limit, body in try store.forEachCertificate(scanID: id, limit: limit, body)
                }
            }
            if assetsStreamed {
                input.assetSource = .stored(
                    certificates: { body in try store.forEachAsset(scanID: id, walk: .certificates, body) },
                    keys: { body in try store.forEachAsset(scanID: id, walk: .keys, body) })
            }
            input.aliases = try store.aliases(scanID: id)
            // Only a store of several hosts has a fleet to show; the summary reads each host's assessment document
            // (a JSON member of it), whose parse costs several times the document's size.
            if try store.latestCompleteScanPerHost().count > 1 { input.fleet = try store.fleetSummary() }
            return input
        }
    }

    /// The judged findings of `stored` as a streaming renderer walks them: from the store's rows, or, for an
    /// assessment that keeps them in its document (recorded before v6, or on PostgreSQL before it wrote rows), from
    /// that document, each paired by `FindingRef.index` with the inventory finding at that place in the store's
    /// order.
    static func judgedSource(_ stored: StoredAssessment, store: InventoryStore) -> ReportJudgedFindings {
        let scanID = stored.scanID
        let inDocument = stored.result.findings
        guard inDocument.isEmpty else {
            var byIndex: [Int: [RankedAssessment]] = [:]
            for (position, judged) in inDocument.enumerated() {
                byIndex[judged.finding.index, default: []].append(
                    RankedAssessment(position: position, assessment: judged))
            }
            let judgedByIndex = byIndex
            return .storeOrdered(
                { body in
                    var index = 0
                    try store.forEachFinding(FindingQuery(scanID: scanID)) { finding in
                        try body(finding, judgedByIndex[index] ?? [])
                        index += 1
                    }
                },
                judged: { body in for judged in inDocument { try body(judged) } })
        }
        return .storeOrdered(
            { body in try store.forEachJudgedFinding(scanID: scanID, assessmentID: stored.id, body) },
            judged: { body in try store.forEachAssessedFinding(assessmentID: stored.id) { try body($0.assessment) } })
    }

    /// The formats `report --fleet` writes.
    public static var fleetFormats: [ReportFormat] { FleetReport.formats }

    /// `pqscout report --fleet`: every host's latest complete scan (`InventoryStore.fleetSummary()`) as one
    /// table in HTML, Markdown or JSON.
    public static func renderFleet(storePath: String, format: ReportFormat, generatedAt: Date? = nil)
        throws(PQScoutError) -> Data
    {
        let store = try StoreAccess.open(storePath, create: false)
        let hosts = try StoreAccess.perform(storePath) { try store.fleetSummary() }
        guard !hosts.isEmpty else {
            throw PQScoutError(
                code: "report.empty", kind: .input,
                reason: "\(StoreAccess.label(storePath)) holds no complete host scan yet; run `pqscout scan PATH` first"
            )
        }
        let context = RenderContext(generatedAt: generatedAt ?? Date(), toolVersion: ToolInfo.version)
        do {
            return try FleetReport.render(hosts, format: format, context: context)
        } catch {
            throw PQScoutError(
                code: "report.render", kind: .input,
                reason: "cannot write the \(format.rawValue) fleet report: \(PQScoutError.describe(error))")
        }
    }
}
