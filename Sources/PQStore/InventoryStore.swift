import Foundation
import GRDB
import PQModel

/// The inventory: every scan PQScout ran, with its files, findings, assets, diagnostics and software.
///
/// One API over two backends (Docs/store.md): an SQLite file, the embedded default (`SQLiteStore`), and a PostgreSQL
/// database that a fleet of hosts scans into at once (`PostgresStore`). Both carry the same tables, columns and
/// named migrations, and both refuse a database written by a newer PQScout.
///
/// Design (GRDB's "trust SQLite more than yourself"): the schema carries the rules — NOT NULL, CHECK on every closed
/// enum, foreign keys with ON DELETE CASCADE — so a bug in a caller becomes a refused write, never a quietly wrong
/// inventory. A scan is written as batches, one transaction each, and marked complete last (`finishScan`), so a scan
/// killed half-way leaves every earlier scan intact and itself listed as incomplete with the batches it committed.
/// The store never holds private key material: the model has none to give it.
///
/// An `InventoryStore` serialises its calls; it is safe to share between tasks.
public final class InventoryStore: Sendable {
    let backend: any StoreBackend

    init(backend: any StoreBackend) {
        self.backend = backend
    }

    deinit {
        backend.close()
    }

    /// How errors name this store: its path, `:memory:`, or a PostgreSQL URL without its password.
    public var label: String { backend.label }

    /// Seconds this store has spent waiting for another process's lock (concurrent scans into one SQLite file).
    public var lockWaitSeconds: Double { backend.lockWaitSeconds }

    /// The SQLite connection of an SQLite store (tests look inside it); nil for PostgreSQL.
    var sqliteWriter: DatabaseQueue? { (backend as? SQLiteStore)?.writer }

    // MARK: - Opening

    /// Opens the SQLite store at `path`, creating it if missing and migrating it to the current schema.
    ///
    /// - Parameter path: File system path of the SQLite file (`pqscout.db`). Its directory must exist.
    /// - Throws: `StoreError` with code `store.cannot-open` (no such directory, no permission),
    ///   `store.not-a-store` (not SQLite, or another program's database), `store.newer-schema` (written by a newer
    ///   PQScout: unknown migrations applied or a higher `user_version`). A refused store is left untouched.
    public convenience init(path: String) throws(StoreError) {
        self.init(backend: try SQLiteStore(path: path))
    }

    /// Opens the PostgreSQL store at `url` (`postgresql://user[:password]@host[:port]/dbname`), creating the schema
    /// in an empty database and migrating an older one, under an advisory lock so concurrent openers migrate once.
    ///
    /// - Throws: `StoreError` `store.bad-url` (not a PostgreSQL URL), `store.cannot-open` (server unreachable,
    ///   authentication refused, no such database), `store.not-a-store`, `store.newer-schema`.
    public convenience init(postgresURL url: String) throws(StoreError) {
        self.init(backend: try PostgresStore(url: url))
    }

    /// Opens whichever store `location` names: a `postgresql://` or `postgres://` URL, else an SQLite file path.
    public convenience init(location: String) throws(StoreError) {
        if PostgresURL.isPostgres(location) {
            try self.init(postgresURL: location)
        } else {
            try self.init(path: location)
        }
    }

    /// A store that lives in memory and vanishes with the object; for tests and dry runs.
    public static func inMemory() throws(StoreError) -> InventoryStore {
        InventoryStore(backend: try SQLiteStore.inMemory())
    }

    /// The schema number this build writes (the number of migrations; SQLite's `PRAGMA user_version`).
    public static var schemaVersion: Int { StoreSchema.version }

    // MARK: - Writing a scan

    /// Starts a scan: records its roots, host and tool version, status `incomplete`.
    ///
    /// - Returns: The new scan's id. Ids are never reused, even after `deleteScan`.
    public func beginScan(
        roots: [String], host: String, toolVersion: String, startedAt: Date, kind: ScanRecord.Kind = .scan
    ) throws(StoreError) -> Int64 {
        try backend.beginScan(roots: roots, host: host, toolVersion: toolVersion, startedAt: startedAt, kind: kind)
    }

    /// Writes one batch of a running scan in one transaction: files, assets (upserted by id), the scan-asset links,
    /// findings, diagnostics and software. If any row is refused, nothing of the batch is kept.
    ///
    /// Findings keep their order: each gets the next scan-wide ordinal. An asset already in the store keeps its
    /// first-seen description; a later sighting only fills in fields that were unknown (nil). A NUL character in
    /// the batch's text is stored as U+FFFD (`StoredText`): PostgreSQL cannot hold it and SQLite's readers stop at it.
    /// - Throws: `StoreError`: `store.no-such-scan`, `store.scan-finished` (a finished scan is final),
    ///   `store.unknown-file` (a finding's path has no `FileRecord` in this scan), `store.unknown-asset` (a finding
    ///   names an asset no batch recorded), `store.constraint` (a row broke a schema rule; the reason names it).
    public func record(scanID: Int64, batch: ScanBatch) throws(StoreError) {
        try backend.record(scanID: scanID, batch: batch)
    }

    /// Marks a scan finished, with the figures its summary shows. Call it last: until then the scan reads as
    /// incomplete. `complete: false` records a scan that stopped early (interrupted) as finished but incomplete.
    /// - Throws: `StoreError` `store.no-such-scan` or `store.scan-finished`.
    public func finishScan(scanID: Int64, finishedAt: Date, counts: ScanCounts, complete: Bool) throws(StoreError) {
        try backend.finishScan(scanID: scanID, finishedAt: finishedAt, counts: counts, complete: complete)
    }

    /// Deletes a scan and everything recorded for it (files, findings, diagnostics, software, asset links), then
    /// the assets no remaining scan saw.
    /// - Returns: false when there was no such scan.
    @discardableResult
    public func deleteScan(id: Int64) throws(StoreError) -> Bool {
        try backend.deleteScan(id: id)
    }

    // MARK: - Reading scans

    /// Every scan, oldest first. An unfinished scan's counts are recomputed from its rows.
    public func scans() throws(StoreError) -> [ScanRecord] { try backend.scans() }

    /// The scan with this id, or nil. An unfinished scan's counts are recomputed from its rows.
    public func scan(id: Int64) throws(StoreError) -> ScanRecord? { try backend.scan(id: id) }

    /// The id of the most recently started scan that finished complete (of this kind, of this host, when given), or
    /// nil when there is none.
    public func latestCompleteScanID(kind: ScanRecord.Kind? = nil, host: String? = nil) throws(StoreError) -> Int64? {
        try backend.latestCompleteScanID(kind: kind, host: host)
    }

    /// The latest complete scan of each host (of this kind, when given), ordered by host: the fleet's current state.
    public func latestCompleteScanPerHost(kind: ScanRecord.Kind? = .scan) throws(StoreError) -> [ScanRecord] {
        var latest: [String: ScanRecord] = [:]
        for scan in try scans() where scan.status == .complete && (kind == nil || scan.kind == kind) {
            // Ids grow with time, so the last complete one met is the latest.
            latest[scan.host] = scan
        }
        return latest.values.sorted { $0.host < $1.host }
    }

    /// The figures of a scan recomputed from its rows: what an interrupted scan actually holds.
    /// - Throws: `StoreError` `store.no-such-scan`.
    public func counts(scanID: Int64) throws(StoreError) -> ScanCounts { try backend.counts(scanID: scanID) }

    // MARK: - Rows of one scan

    /// The findings of one scan that match `query`, ordered by path bytes, then line (whole-file findings, which
    /// have no line, first), then the order they were recorded in. The same store always answers in the same order.
    public func findings(_ query: FindingQuery) throws(StoreError) -> [Finding] {
        var findings: [Finding] = []
        try forEachFinding(query) { findings.append($0) }
        return findings
    }

    /// The findings `findings(_:)` returns, in its order, handed to `body` one at a time from a cursor: a caller
    /// that writes them out (`scan --format json`) never holds them all.
    /// - Throws: `StoreError`, or whatever `body` throws (wrapped).
    public func forEachFinding(_ query: FindingQuery, _ body: (Finding) throws -> Void) throws(StoreError) {
        try backend.forEachFinding(query, body)
    }

    /// The findings of two scans in one walk, a path at a time: for each path either scan has findings at, in
    /// path byte order, `body` gets that path's findings of `first` and of `second`, each in `forEachFinding`'s
    /// order. One cursor over both scans, so a caller holds one path's findings, never a scan's (`diff`).
    /// - Throws: `StoreError`, or whatever `body` throws (wrapped).
    public func forEachPathOfScans(
        _ first: Int64, _ second: Int64, _ body: (_ first: [Finding], _ second: [Finding]) throws -> Void
    ) throws(StoreError) {
        var path: ScanPath?
        var ofFirst: [Finding] = []
        var ofSecond: [Finding] = []
        try backend.forEachFinding(ofScans: [first, second]) { scanID, finding in
            if let current = path, current != finding.path {
                try body(ofFirst, ofSecond)
                ofFirst.removeAll(keepingCapacity: true)
                ofSecond.removeAll(keepingCapacity: true)
            }
            path = finding.path
            if scanID == first { ofFirst.append(finding) }
            if scanID == second { ofSecond.append(finding) }
        }
        guard path != nil else { return }
        try storeOperation("cannot read findings of scans \(first) and \(second) from \(label)") {
            try body(ofFirst, ofSecond)
        }
    }

    /// The diagnostics of one scan, ordered by path bytes, then recording order.
    public func diagnostics(scanID: Int64) throws(StoreError) -> [Diagnostic] {
        try backend.diagnostics(scanID: scanID)
    }

    /// The diagnostics of one scan handed to `body` one at a time from a cursor, in `diagnostics(scanID:)`' order
    /// (path bytes, then recording order), at most `limit` when given: a hostile tree can leave hundreds of
    /// thousands, and a report walks them rather than holding them.
    /// - Throws: `StoreError`, or whatever `body` throws (wrapped).
    public func forEachDiagnostic(scanID: Int64, limit: Int? = nil, _ body: (Diagnostic) throws -> Void)
        throws(StoreError)
    {
        try backend.forEachDiagnostic(scanID: scanID, limit: limit, body)
    }

    /// The first finding of `query`'s walk (in `forEachFinding`'s order) that `matches`; the walk stops there.
    /// `scan --fail-on` asks only whether one finding meets its threshold, and a large scan has millions.
    public func firstFinding(_ query: FindingQuery, where matches: (Finding) -> Bool) throws(StoreError) -> Finding? {
        // Both backends hand a `StoreError` thrown by the body back unwrapped: this one ends the walk.
        let stop = StoreError(code: "store.walk-stopped", reason: "the walk stopped at the finding it looked for")
        var first: Finding?
        do {
            try backend.forEachFinding(query) { finding in
                guard matches(finding) else { return }
                first = finding
                throw stop
            }
        } catch {
            guard error == stop, first != nil else { throw error }
        }
        return first
    }

    /// How many diagnostics of one scan give each reason (a reason none gives is absent).
    public func diagnosticCounts(scanID: Int64) throws(StoreError) -> [Diagnostic.Reason: Int] {
        try backend.diagnosticCounts(scanID: scanID)
    }

    /// The assets one scan saw (recorded in a batch or named by a finding), ordered by id, with their
    /// certificate and key details.
    public func assets(scanID: Int64) throws(StoreError) -> [Asset] { try backend.assets(scanID: scanID) }

    /// Every finding of a scan in `forEachFinding`'s order, each with the details of the certificate its asset is
    /// (nil when it names no asset, or one that is no certificate with details): an assessment judges a finding by
    /// its certificate, and joined here it holds no table of every asset of the scan (about 1.6 KB an asset).
    /// - Throws: `StoreError`, or whatever `body` throws (wrapped).
    public func forEachFindingWithCertificate(
        scanID: Int64, _ body: (Finding, CertificateDetails?) throws -> Void
    ) throws(StoreError) {
        try backend.forEachFindingWithCertificate(scanID: scanID, body)
    }

    /// The certificate assets of a scan whose subject is the issuer of one of the scan's certificates, with their
    /// details, in no set order: what an assessment needs to judge a signature by the key that made it. Few in a
    /// tree whose certificates a handful of CAs issued, however many certificates it holds.
    public func issuerCertificates(scanID: Int64) throws(StoreError) -> [Asset] {
        try backend.issuerCertificates(scanID: scanID)
    }

    /// The certificate assets of one scan with their details, handed to `body` one at a time from a cursor: the
    /// soonest to expire first (`notAfter`; a certificate without details last), then by id (bytes), at most
    /// `limit` when given. A report's certificate table reads them so, never holding every asset.
    /// - Throws: `StoreError`, or whatever `body` throws (wrapped).
    public func forEachCertificate(scanID: Int64, limit: Int? = nil, _ body: (Asset) throws -> Void)
        throws(StoreError)
    {
        try backend.forEachCertificate(scanID: scanID, limit: limit, body)
    }

    /// Assets of one scan with the findings that name them, one asset at a time from a cursor, in `walk`'s order;
    /// each asset's findings in `forEachFinding`'s order (path bytes, line with none first, recording order). A
    /// CBOM's certificate and key components come out so, never holding every asset or every finding.
    /// - Throws: `StoreError`, or whatever `body` throws (wrapped).
    public func forEachAsset(scanID: Int64, walk: AssetWalk, _ body: (Asset, [Finding]) throws -> Void)
        throws(StoreError)
    {
        try backend.forEachAsset(scanID: scanID, walk: walk, body)
    }

    /// How many assets one scan saw (`assets(scanID:)`' count), and how many of them are certificates.
    public func assetCounts(scanID: Int64) throws(StoreError) -> (assets: Int, certificates: Int) {
        try backend.assetCounts(scanID: scanID)
    }

    /// The software records of one scan, ordered by name, version, source path, then recording order.
    public func software(scanID: Int64) throws(StoreError) -> [Software] { try backend.software(scanID: scanID) }

    /// The links one scan recorded as aliases of their targets, ordered by path bytes.
    public func aliases(scanID: Int64) throws(StoreError) -> [PathAlias] { try backend.aliases(scanID: scanID) }

    /// The files one scan examined, ordered by path bytes.
    public func files(scanID: Int64) throws(StoreError) -> [FileRecord] { try backend.files(scanID: scanID) }

    /// `files(scanID:)` handed over `pageSize` at a time, each page read apart (after the last path of the one
    /// before): a copy of a 1M-file scan (`push`) holds one page, not a million records.
    /// - Throws: `StoreError`, or whatever `body` throws.
    public func forEachFilePage(scanID: Int64, pageSize: Int = 8_192, _ body: ([FileRecord]) throws -> Void) throws {
        try Self.forEachPage(key: \.path, body) { after in
            try backend.files(scanID: scanID, after: after, limit: pageSize)
        }
    }

    /// `assets(scanID:)` handed over `pageSize` at a time, each page read apart (after the last id of the one
    /// before), with their certificate and key details: a copy of a scan of 600,000 assets holds one page.
    /// - Throws: `StoreError`, or whatever `body` throws.
    public func forEachAssetPage(scanID: Int64, pageSize: Int = 4_096, _ body: ([Asset]) throws -> Void) throws {
        try Self.forEachPage(key: \.id, body) { after in
            try backend.assets(scanID: scanID, after: after, limit: pageSize)
        }
    }

    /// Keyset paging: `read(after)` returns the rows after a key in the order of `key`, a page at most; the next
    /// page starts after the last row's key, until a page is empty.
    private static func forEachPage<Row, Key>(
        key: (Row) -> Key, _ body: ([Row]) throws -> Void, read: (Key?) throws -> [Row]
    ) throws {
        var after: Key?
        while true {
            let page = try read(after)
            guard let last = page.last else { return }
            try body(page)
            after = key(last)
        }
    }

    /// The file one scan examined at `path` (its bytes), or nil when the scan recorded none there: a point lookup
    /// (`UNIQUE (scan_id, path)`), for a caller that needs a few files' records, not the scan's table (`plan`).
    public func file(scanID: Int64, path: ScanPath) throws(StoreError) -> FileRecord? {
        try backend.file(scanID: scanID, path: path)
    }

    // MARK: - Assessments

    /// Starts recording an assessment of one scan while it is judged: hand each judged finding to the recording's
    /// `add` as it comes, then `finish` with the result. The findings go to the store in batches of `batchSize`
    /// and are stored in risk order (`RiskRank`: `assessment_findings.position` is the rank), whatever order they
    /// come in; nothing is visible to readers, or left behind, until `finish` commits.
    /// - Throws: `StoreError` `store.no-such-scan` when the scan is not in the store.
    public func beginAssessment(scanID: Int64, batchSize: Int = AssessmentRecording.defaultBatchSize)
        throws(StoreError) -> AssessmentRecording
    {
        try backend.beginAssessment(scanID: scanID, order: .byRisk, batchSize: batchSize)
    }

    /// Keeps an assessment with the scan it judged (migrations `v2-assessments`, `v6-assessment-findings`), its
    /// findings in the order `result` holds them.
    /// - Returns: The assessment's id.
    /// - Throws: `StoreError` `store.no-such-scan` when the scan is not in the store, or a write failure.
    @discardableResult
    public func recordAssessment(_ result: AssessmentResult, createdAt: Date) throws(StoreError) -> Int64 {
        let recording = try backend.beginAssessment(
            scanID: result.scanID, order: .asAdded, batchSize: AssessmentRecording.defaultBatchSize)
        for assessed in result.findings { try recording.add(assessed) }
        return try recording.finish(result, createdAt: createdAt)
    }

    /// Every assessment of one scan, oldest first.
    public func assessments(scanID: Int64) throws(StoreError) -> [StoredAssessment] {
        try backend.assessments(scanID: scanID, withFindings: true)
    }

    /// Copies one assessment of another store, `stored` as `assessmentHeaders` read it, onto this store's scan
    /// `scanID` (a copy of the scan it judged, its findings in the same order: `FindingRef.index` still points at
    /// the same finding), walking its judged findings and systems from `source` a batch at a time, never all held.
    /// - Returns: The copy's id.
    @discardableResult
    public func recordAssessment(copying stored: StoredAssessment, from source: InventoryStore, scanID: Int64)
        throws(StoreError) -> Int64
    {
        var header = stored.result
        header.scanID = scanID
        let recording = try backend.beginAssessment(
            scanID: scanID, order: .asAdded, batchSize: AssessmentRecording.defaultBatchSize)
        // Recorded before v6, the findings are in the document; since, rows (and the document holds none).
        for assessed in header.findings { try recording.add(assessed) }
        if header.findings.isEmpty {
            try source.forEachAssessedFinding(assessmentID: stored.id) { try recording.add($0.assessment) }
        }
        header.findings = []
        // Likewise the systems before and since v9.
        if header.systems.isEmpty {
            var position = 0
            try source.forEachAssessedSystem(assessmentID: stored.id) { score in
                try recording.add(score, position: position)
                position += 1
            }
        }
        return try recording.finish(header, createdAt: stored.createdAt)
    }

    /// Every assessment of one scan, oldest first, as `latestAssessmentSummary` reads one: without the judged
    /// findings and systems recorded as rows (`forEachAssessedFinding`, `forEachAssessedSystem` walk them).
    public func assessmentHeaders(scanID: Int64) throws(StoreError) -> [StoredAssessment] {
        try backend.assessments(scanID: scanID, withFindings: false)
    }

    /// The newest assessment of one scan (under one profile, when given), or nil.
    public func latestAssessment(scanID: Int64, profile: String? = nil) throws(StoreError) -> StoredAssessment? {
        try backend.latestAssessment(scanID: scanID, profile: profile, withFindings: true, findingsPerAdjustment: nil)
    }

    /// The newest assessment of one scan (under one profile, when given) without its judged findings and systems:
    /// its overall score, gate, counts and coverage. `result.findings` holds only findings kept inside the
    /// assessment's document (assessments recorded before v6); otherwise it is empty and
    /// `forEachAssessedFinding` or `forEachJudgedFinding` reads them. Likewise `result.systems` holds only the
    /// systems kept inside the document (assessments recorded before v9); otherwise it is empty and
    /// `forEachAssessedSystem` reads them.
    ///
    /// With `findingsPerAdjustment`, each score adjustment keeps only its first findings (as many) and says how many
    /// it had in `ScoreAdjustment.findingTotal`: the adjustments list every finding of their system, the bulk of a
    /// large assessment's document, and on SQLite the document is then read a chunk at a time
    /// (`AssessmentDocumentTrimmer`), never whole.
    public func latestAssessmentSummary(scanID: Int64, profile: String? = nil, findingsPerAdjustment: Int? = nil)
        throws(StoreError) -> StoredAssessment?
    {
        try backend.latestAssessment(
            scanID: scanID, profile: profile, withFindings: false, findingsPerAdjustment: findingsPerAdjustment)
    }

    /// The order `forEachAssessedSystem` hands systems over in.
    public enum SystemOrder: Sendable {
        /// The result's order (system id, as an assessment makes it).
        case recorded
        /// Lowest score first, ties in the result's order (so by id, as reports list them).
        case byScore
    }

    /// The scored systems of one assessment recorded as rows (`assessment_systems`), handed to `body` one at a
    /// time in `order`, the first `limit` of them (all when nil). With `findingsPerAdjustment`, each adjustment keeps only its first findings (as many) and
    /// says how many it had in `ScoreAdjustment.findingTotal`, as `latestAssessmentSummary` trims. None for an
    /// assessment whose systems are in its document.
    /// - Throws: `StoreError`, or whatever `body` throws (wrapped).
    public func forEachAssessedSystem(
        assessmentID: Int64, order: SystemOrder = .recorded, limit: Int? = nil, findingsPerAdjustment: Int? = nil,
        _ body: (AgilityScore) throws -> Void
    ) throws(StoreError) {
        try backend.forEachAssessedSystem(
            assessmentID: assessmentID, byScore: order == .byScore, limit: limit,
            findingsPerAdjustment: findingsPerAdjustment, body)
    }

    /// How many scored systems of one assessment are rows (0 for one whose systems are in its document).
    public func assessedSystemCount(assessmentID: Int64) throws(StoreError) -> Int {
        try backend.assessedSystemCount(assessmentID: assessmentID)
    }

    /// The judged findings of one assessment recorded as rows, in its order (risk, highest first), handed to
    /// `body` one at a time: `position` counts from 0 in that order. None for an assessment whose findings are in
    /// its document. With `order` `.inventory`, in the scan's order instead (`FindingRef.index`, then position):
    /// the order of `GateOutcome.findings`.
    /// - Throws: `StoreError`, or whatever `body` throws (wrapped).
    public func forEachAssessedFinding(
        assessmentID: Int64, order: AssessedFindingOrder = .risk, _ body: (RankedAssessment) throws -> Void
    ) throws(StoreError) {
        try backend.forEachAssessedFinding(assessmentID: assessmentID, order: order, body)
    }

    /// Every finding of a scan in `forEachFinding`'s order (no filter), each handed to `body` with the judged
    /// findings of an assessment of that scan whose `FindingRef.index` is its place in that order, in risk order
    /// (usually one; none for a finding the assessment has no row for). A report pairs the two as it writes,
    /// holding neither whole.
    /// - Throws: `StoreError`, or whatever `body` throws (wrapped).
    public func forEachJudgedFinding(
        scanID: Int64, assessmentID: Int64, _ body: (Finding, [RankedAssessment]) throws -> Void
    ) throws(StoreError) {
        try backend.forEachJudgedFinding(scanID: scanID, assessmentID: assessmentID, body)
    }
}

/// What each backend does; `InventoryStore` documents every call and forwards to one of these.
///
/// A backend is a class that serialises its own calls (SQLite through GRDB's queue, PostgreSQL through one
/// connection and a lock), so the façade holds no state of its own.
protocol StoreBackend: AnyObject, Sendable {
    var label: String { get }
    var lockWaitSeconds: Double { get }
    func close()

    func beginScan(
        roots: [String], host: String, toolVersion: String, startedAt: Date, kind: ScanRecord.Kind
    ) throws(StoreError) -> Int64
    func record(scanID: Int64, batch: ScanBatch) throws(StoreError)
    func finishScan(scanID: Int64, finishedAt: Date, counts: ScanCounts, complete: Bool) throws(StoreError)
    func deleteScan(id: Int64) throws(StoreError) -> Bool

    func scans() throws(StoreError) -> [ScanRecord]
    func scan(id: Int64) throws(StoreError) -> ScanRecord?
    func latestCompleteScanID(kind: ScanRecord.Kind?, host: String?) throws(StoreError) -> Int64?
    func fleetSummary() throws(StoreError) -> [FleetScanSummary]
    func counts(scanID: Int64) throws(StoreError) -> ScanCounts

    func forEachFinding(_ query: FindingQuery, _ body: (Finding) throws -> Void) throws(StoreError)
    /// The findings of several scans by path bytes, then scan id, line (none first) and recording order.
    func forEachFinding(ofScans scanIDs: [Int64], _ body: (Int64, Finding) throws -> Void) throws(StoreError)
    func diagnostics(scanID: Int64) throws(StoreError) -> [Diagnostic]
    func forEachDiagnostic(scanID: Int64, limit: Int?, _ body: (Diagnostic) throws -> Void) throws(StoreError)
    func diagnosticCounts(scanID: Int64) throws(StoreError) -> [Diagnostic.Reason: Int]
    func assets(scanID: Int64) throws(StoreError) -> [Asset]
    /// The assets `assets(scanID:)` returns whose id comes after `after` (in id byte order), the first `limit`.
    func assets(scanID: Int64, after: String?, limit: Int) throws(StoreError) -> [Asset]
    func forEachFindingWithCertificate(scanID: Int64, _ body: (Finding, CertificateDetails?) throws -> Void)
        throws(StoreError)
    func issuerCertificates(scanID: Int64) throws(StoreError) -> [Asset]
    func forEachCertificate(scanID: Int64, limit: Int?, _ body: (Asset) throws -> Void) throws(StoreError)
    func forEachAsset(scanID: Int64, walk: AssetWalk, _ body: (Asset, [Finding]) throws -> Void) throws(StoreError)
    func assetCounts(scanID: Int64) throws(StoreError) -> (assets: Int, certificates: Int)
    func software(scanID: Int64) throws(StoreError) -> [Software]
    func aliases(scanID: Int64) throws(StoreError) -> [PathAlias]
    func files(scanID: Int64) throws(StoreError) -> [FileRecord]
    /// The files `files(scanID:)` returns whose path comes after `after` (in byte order), the first `limit`.
    func files(scanID: Int64, after: ScanPath?, limit: Int) throws(StoreError) -> [FileRecord]
    func file(scanID: Int64, path: ScanPath) throws(StoreError) -> FileRecord?

    func beginAssessment(scanID: Int64, order: AssessmentRecording.Order, batchSize: Int) throws(StoreError)
        -> AssessmentRecording
    func assessments(scanID: Int64, withFindings: Bool) throws(StoreError) -> [StoredAssessment]
    func latestAssessment(scanID: Int64, profile: String?, withFindings: Bool, findingsPerAdjustment: Int?)
        throws(StoreError) -> StoredAssessment?
    func forEachAssessedFinding(
        assessmentID: Int64, order: AssessedFindingOrder, _ body: (RankedAssessment) throws -> Void
    ) throws(StoreError)
    func forEachAssessedSystem(
        assessmentID: Int64, byScore: Bool, limit: Int?, findingsPerAdjustment: Int?,
        _ body: (AgilityScore) throws -> Void
    ) throws(StoreError)
    func assessedSystemCount(assessmentID: Int64) throws(StoreError) -> Int
    func forEachJudgedFinding(
        scanID: Int64, assessmentID: Int64, _ body: (Finding, [RankedAssessment]) throws -> Void
    ) throws(StoreError)

    func saveRescanState(scanID: Int64, fingerprint: String, format: Int, state: Data) throws(StoreError)
    func rescanState(fingerprint: String) throws(StoreError) -> InventoryStore.RescanState?
    func shareScanRows(from source: Int64, to target: Int64) throws(StoreError)
    func saveRescanStatePart(scanID: Int64, part: Int, bytes: [UInt8]) throws(StoreError)
    func rescanStatePart(scanID: Int64, part: Int) throws(StoreError) -> [UInt8]?
    func copyRescanStateParts(from source: Int64, to target: Int64) throws(StoreError)
}

/// The order `InventoryStore.forEachAssessedFinding` hands judged findings over in.
public enum AssessedFindingOrder: Sendable {
    /// The assessment's: highest risk first (`position`).
    case risk
    /// The scan's: by `FindingRef.index`, then position.
    case inventory

    /// The `ORDER BY` of `assessment_findings` rows.
    var sql: String {
        switch self {
        case .risk: "position"
        case .inventory: "finding_index, position"
        }
    }
}
