import PQCatalog
import PQModel
import PQReports
import PQStore

/// What `pqscout inventory` asks of the store.
public struct InventoryRequest: Sendable {
    public var storePath: String
    /// A scan id; nil means the latest complete scan (or the latest scan if none is complete).
    public var scanID: Int64?
    public var usage: Usage?
    public var status: QuantumStatus?
    /// Only findings whose path matches (`etc/ssl/*`, `PathPattern`).
    public var pathPattern: PathPattern?

    public init(
        storePath: String = "pqscout.db", scanID: Int64? = nil, usage: Usage? = nil, status: QuantumStatus? = nil,
        pathPattern: PathPattern? = nil
    ) {
        self.storePath = storePath
        self.scanID = scanID
        self.usage = usage
        self.status = status
        self.pathPattern = pathPattern
    }
}

/// Read-only use cases over a stored inventory: the scans, and one scan's findings.
public enum InventoryUseCase {
    /// Every scan in the store, oldest first.
    public static func scans(storePath: String) throws(PQScoutError) -> [ScanRecord] {
        let store = try StoreAccess.open(storePath, create: false)
        return try StoreAccess.perform(storePath) { try store.scans() }
    }

    /// One scan's findings and diagnostics as the JSON document of ARCHITECTURE.md.
    public static func document(_ request: InventoryRequest) throws(PQScoutError) -> InventoryDocument {
        let store = try StoreAccess.open(request.storePath, create: false)
        return try StoreAccess.perform(request.storePath) {
            let id = try resolveScanID(request.scanID, store: store, storePath: request.storePath)
            let scan = try existingScan(id, store: store, storePath: request.storePath)
            let findings = try store.findings(
                FindingQuery(scanID: id, usage: request.usage, status: request.status, pathPattern: request.pathPattern)
            )
            let diagnostics = try store.diagnostics(scanID: id)
            return InventoryDocument(
                scan: scan, findings: findings, diagnostics: diagnostics, aliases: try store.aliases(scanID: id))
        }
    }

    /// The scan a command shows when given `requested` (nil: the latest complete host scan), so it can say which.
    public static func shownScan(storePath: String, requested: Int64?) throws(PQScoutError) -> ScanRecord {
        let store = try StoreAccess.open(storePath, create: false)
        return try StoreAccess.perform(storePath) {
            let id = try resolveScanID(requested, store: store, storePath: storePath)
            return try existingScan(id, store: store, storePath: storePath)
        }
    }

    /// Writes the document `document(_:)` would return, as `InventoryJSON.render` would write it, reading the
    /// findings and the diagnostics from cursors so they are never all in memory (`scan --format json` of a large
    /// tree).
    /// - Parameter each: sees every finding as it is written (a `--fail-on` check without a second read).
    public static func streamJSON(
        _ request: InventoryRequest, write: @escaping (String) -> Void, each: (Finding) -> Void = { _ in }
    ) throws(PQScoutError) {
        let store = try StoreAccess.open(request.storePath, create: false)
        try StoreAccess.perform(request.storePath) {
            let id = try resolveScanID(request.scanID, store: store, storePath: request.storePath)
            let scan = try existingScan(id, store: store, storePath: request.storePath)
            let query = FindingQuery(
                scanID: id, usage: request.usage, status: request.status, pathPattern: request.pathPattern)
            let aliases = try store.aliases(scanID: id)
            let diagnostics: ((Diagnostic) throws -> Void) throws -> Void = { body in
                try store.forEachDiagnostic(scanID: id, body)
            }
            try InventoryJSON.stream(scan: scan, diagnostics: diagnostics, aliases: aliases, write: write) { body in
                try store.forEachFinding(query) { finding in
                    each(finding)
                    try body(finding)
                }
            }
        }
    }

    /// Writes the CSV `Presentation.csv` would make of `document(_:)`'s findings, in the same (store) order, from a
    /// cursor: a row per finding as it comes, never every finding in memory.
    public static func streamCSV(_ request: InventoryRequest, write: @escaping (String) -> Void) throws(PQScoutError) {
        try streaming(request, write: write) { store, query, output in
            try InventoryCSV.write(
                .asGiven { body in try store.forEachFinding(query, body) },
                aliases: try store.aliases(scanID: query.scanID), to: output)
        }
    }

    /// Writes the table `Presentation.table` would make of `document(_:)`'s findings, from two walks of a cursor
    /// (one measures the columns, one writes the rows): never every finding in memory.
    public static func streamTable(_ request: InventoryRequest, width: Int, write: @escaping (String) -> Void)
        throws(PQScoutError)
    {
        try streaming(request, write: write) { store, query, output in
            try ConsoleText.writeInventoryTable(
                width: width, findings: { body in try store.forEachFinding(query, body) }, to: output)
        }
    }

    /// The request's scan and filters as a query on the open store, and an output buffered for `write`.
    private static func streaming(
        _ request: InventoryRequest, write: @escaping (String) -> Void,
        _ body: (InventoryStore, FindingQuery, ReportOutput) throws -> Void
    ) throws(PQScoutError) {
        let store = try StoreAccess.open(request.storePath, create: false)
        try StoreAccess.perform(request.storePath) {
            let id = try resolveScanID(request.scanID, store: store, storePath: request.storePath)
            _ = try existingScan(id, store: store, storePath: request.storePath)
            let query = FindingQuery(
                scanID: id, usage: request.usage, status: request.status, pathPattern: request.pathPattern)
            let output = ReportOutput(bufferSize: 64 << 10) { write(String(decoding: $0, as: UTF8.self)) }
            try body(store, query, output)
            try output.flush()
        }
    }

    /// One scan's record, diagnostics and aliases as `inventory --format json` writes them, with no findings: what
    /// `import --format json` prints. Written as the diagnostics come from the store's cursor (a CBOM may name
    /// hundreds of thousands of files it could not describe), never one document in memory.
    public static func streamSummaryJSON(storePath: String, scanID: Int64, write: @escaping (String) -> Void)
        throws(PQScoutError)
    {
        let store = try StoreAccess.open(storePath, create: false)
        try StoreAccess.perform(storePath) {
            let scan = try existingScan(scanID, store: store, storePath: storePath)
            try InventoryJSON.stream(
                scan: scan, diagnostics: { body in try store.forEachDiagnostic(scanID: scanID, body) },
                aliases: try store.aliases(scanID: scanID), write: write, findings: { _ in })
        }
    }

    /// One scan's record and its diagnostics counted by reason: what the scan summary shows, without holding the
    /// diagnostics (a tree of broken files leaves one per file).
    public static func summaryCounts(storePath: String, scanID: Int64) throws(PQScoutError)
        -> (scan: ScanRecord, diagnosticsByReason: [Diagnostic.Reason: Int])
    {
        let store = try StoreAccess.open(storePath, create: false)
        return try StoreAccess.perform(storePath) {
            (try existingScan(scanID, store: store, storePath: storePath), try store.diagnosticCounts(scanID: scanID))
        }
    }

    /// The first finding of a scan, in the store's order, that `matches`; nil when none does. Reads no further
    /// than that finding, and holds none but it.
    public static func firstFinding(storePath: String, scanID: Int64, where matches: (Finding) -> Bool)
        throws(PQScoutError) -> Finding?
    {
        let store = try StoreAccess.open(storePath, create: false)
        return try StoreAccess.perform(storePath) {
            try store.firstFinding(FindingQuery(scanID: scanID), where: matches)
        }
    }

    /// The latest complete scan of `host` (`--host`): a fleet's database holds many hosts' scans.
    public static func latestScanID(storePath: String, host: String) throws(PQScoutError) -> Int64 {
        let store = try StoreAccess.open(storePath, create: false)
        let id = try StoreAccess.perform(storePath) { try store.latestCompleteScanID(kind: .scan, host: host) }
        guard let id else {
            throw PQScoutError(
                code: "inventory.no-host", kind: .input,
                reason:
                    "\(StoreAccess.label(storePath)) holds no complete scan of host \(host); `pqscout scans` lists them"
            )
        }
        return id
    }

    /// The fleet as it stands: for every host, its latest complete scan and the findings there that match the
    /// request's filters (its `scanID` is ignored), counted from a cursor so no scan is held in memory.
    public static func fleet(_ request: InventoryRequest) throws(PQScoutError) -> [FleetHost] {
        let store = try StoreAccess.open(request.storePath, create: false)
        return try StoreAccess.perform(request.storePath) {
            try store.latestCompleteScanPerHost().map { scan in
                var total = 0
                var byStatus: [String: Int] = [:]
                let query = FindingQuery(
                    scanID: scan.id, usage: request.usage, status: request.status, pathPattern: request.pathPattern)
                try store.forEachFinding(query) { finding in
                    total += 1
                    byStatus[finding.quantumStatus.rawValue, default: 0] += 1
                }
                return FleetHost(
                    host: scan.host, scanID: scan.id, startedAt: scan.startedAt, findings: total, byStatus: byStatus)
            }
        }
    }

    /// The scan with this id, or the error (with the use case's own code) that names the command listing them.
    static func existingScan(
        _ id: Int64, store: InventoryStore, storePath: String, code: String = "inventory.no-scan",
        kind: PQScoutError.Kind = .usage
    ) throws -> ScanRecord {
        guard let scan = try store.scan(id: id) else {
            throw PQScoutError(
                code: code, kind: kind,
                reason: "there is no scan \(id) in \(StoreAccess.label(storePath)); `pqscout scans` lists them")
        }
        return scan
    }

    static func resolveScanID(_ requested: Int64?, store: InventoryStore, storePath: String) throws(PQScoutError)
        -> Int64
    {
        if let requested { return requested }
        // A host scan first: an imported CBOM is shown only when asked for by id, or when nothing else is stored.
        let latest = try StoreAccess.perform(storePath) {
            try store.latestCompleteScanID(kind: .scan) ?? store.latestCompleteScanID() ?? store.scans().last?.id
        }
        if let latest { return latest }
        throw PQScoutError(
            code: "inventory.empty", kind: .input,
            reason: "\(StoreAccess.label(storePath)) holds no scan yet; run `pqscout scan PATH` first")
    }
}

/// `pqscout catalog`: what the catalog knows.
public enum CatalogUseCase {
    public static func entry(_ query: String, catalog: Catalog = .shared) throws(PQScoutError) -> AlgorithmEntry {
        guard let entry = catalog.entry(nameOrOID: query) else {
            throw PQScoutError(
                code: "catalog.unknown", kind: .input,
                reason: "the catalog knows no algorithm named \(query); `pqscout catalog --list` shows them all")
        }
        return entry
    }
}
