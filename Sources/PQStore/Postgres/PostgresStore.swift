import Foundation
import PQModel
import PostgresNIO

/// The PostgreSQL backend of `InventoryStore`: one database that many hosts scan into at once (issue 20).
///
/// The schema mirrors SQLite's (`PostgresSchema`), and so do the rules: a batch is one transaction, a scan is
/// marked complete last, a database written by a newer PQScout is refused before anything is written. Concurrent
/// scans never wait for one another except on the assets they share: ids come from sequences, and each scan's rows
/// carry its own scan id. Assets are upserted in id order, so two batches that share assets lock them in the same
/// order; a deadlock that still happens is retried (`PostgresSession.transaction`).
///
/// Rows are sent as `INSERT ... SELECT * FROM unnest(...)` statements, one array per column and up to
/// `rowsPerStatement` rows each (`PostgresBatchWriter`): one short statement per table and batch, which is what a
/// fleet's ingest rate rests on.
final class PostgresStore: StoreBackend {
    let session: PostgresSession
    let label: String
    var lockWaitSeconds: Double { 0 }

    /// Rows per INSERT: a whole batch of `pqscout scan` (10,000 findings) in one statement, while a larger batch
    /// (a push's) still goes in messages of a few megabytes.
    static let rowsPerStatement = 10_000

    /// Rows fetched per round trip from a cursor (findings, judged findings): bounded memory for any size of
    /// scan. Tests pass a few rows to cross fetches.
    let fetchSize: Int

    init(url text: String, fetchSize: Int = 5_000) throws(StoreError) {
        self.fetchSize = max(1, fetchSize)
        let url = try PostgresURL(text)
        label = url.label
        session = try PostgresSession(url: url)
        do {
            try migrate()
        } catch {
            session.close()
            throw error
        }
    }

    func close() { session.close() }

    /// Runs `body`, turning whatever it throws into a `StoreError` whose reason starts with `context`.
    static func run<T>(_ context: @autoclosure () -> String, _ body: () throws -> T) throws(StoreError) -> T {
        do {
            return try body()
        } catch {
            throw PostgresSession.storeError(error, context: context())
        }
    }

    /// Runs `body`, turning whatever it throws into a `StoreError` whose reason starts with `context`.
    private func operation<T>(_ context: @autoclosure () -> String, _ body: () throws -> T) throws(StoreError) -> T {
        do {
            return try body()
        } catch {
            throw PostgresSession.storeError(error, context: context())
        }
    }

    // MARK: - Schema

    /// Refuses a foreign or newer database, then applies the migrations it lacks, holding an advisory lock so that
    /// hosts opening one new database at once create the schema once.
    private func migrate() throws(StoreError) {
        let context = "cannot open store \(label)"
        let known = PostgresSchema.migrations.map(\.identifier)
        try operation(context) {
            try session.transaction {
                try session.query("SELECT pg_advisory_xact_lock($1)", [.int(PostgresSchema.migrationLock)])
                let hasTable = try session.query(
                    "SELECT to_regclass($1) IS NOT NULL AS present", [.text(PostgresSchema.migrationsTable)])
                let present = try hasTable.first?.makeRandomAccess().value("present", as: Bool.self) ?? false
                var applied: [String] = []
                if present {
                    applied = try session.query("SELECT identifier FROM \(PostgresSchema.migrationsTable)").map {
                        try $0.makeRandomAccess().value("identifier", as: String.self)
                    }
                } else {
                    let tables = try session.query(
                        "SELECT count(*) AS n FROM pg_tables WHERE schemaname = current_schema()")
                    if try (tables.first?.makeRandomAccess().value("n", as: Int64.self) ?? 0) > 0 {
                        throw StoreError(
                            code: StoreError.notAStore,
                            reason:
                                "\(label) holds tables that PQScout did not create (no \(PostgresSchema.migrationsTable))"
                        )
                    }
                    try session.query(
                        """
                        CREATE TABLE \(PostgresSchema.migrationsTable) (
                            identifier TEXT NOT NULL PRIMARY KEY,
                            applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
                        )
                        """)
                }
                let unknown = Set(applied).subtracting(known).sorted()
                if !unknown.isEmpty {
                    throw StoreError(
                        code: StoreError.newerSchema,
                        reason: "store \(label) was written by a newer PQScout (unknown migrations: "
                            + "\(unknown.joined(separator: ", "))); upgrade PQScout or use another store")
                }
                for migration in PostgresSchema.migrations where !applied.contains(migration.identifier) {
                    // Simple protocol (no parameters), so one migration may hold several statements.
                    try session.executeScript(migration.sql)
                    try session.query(
                        "INSERT INTO \(PostgresSchema.migrationsTable) (identifier) VALUES ($1)",
                        [.text(migration.identifier)])
                }
            }
        }
    }

    // MARK: - Scans

    func beginScan(
        roots: [String], host: String, toolVersion: String, startedAt: Date, kind: ScanRecord.Kind
    ) throws(StoreError) -> Int64 {
        try operation("cannot begin a scan in \(label)") {
            let rows = try session.query(
                """
                INSERT INTO scans (roots, host, tool_version, started_at, status, by_status, kind)
                VALUES ($1, $2, $3, $4, 'incomplete', '{}', $5) RETURNING id
                """,
                [
                    .text(ScanRow.json(roots)), .text(host), .text(toolVersion), .text(StoreDate.format(startedAt)),
                    .text(kind.rawValue),
                ])
            guard let id = try rows.first?.makeRandomAccess().value("id", as: Int64.self) else {
                throw StoreError(code: StoreError.postgres, reason: "PostgreSQL returned no id for the new scan")
            }
            return id
        }
    }

    func record(scanID: Int64, batch: ScanBatch) throws(StoreError) {
        try operation("cannot record scan \(scanID) in \(label)") {
            try session.transaction {
                try requireRunning(scanID: scanID)
                try PostgresBatchWriter(session: session, scanID: scanID).write(batch.replacingNULs(findings: true))
            }
        }
    }

    func finishScan(scanID: Int64, finishedAt: Date, counts: ScanCounts, complete: Bool) throws(StoreError) {
        try operation("cannot finish scan \(scanID) in \(label)") {
            try session.transaction {
                try requireRunning(scanID: scanID)
                let status: ScanRecord.Status = complete ? .complete : .incomplete
                try session.query(
                    """
                    UPDATE scans SET finished_at = $1, status = $2, files_examined = $3, files_with_findings = $4,
                        findings = $5, assets = $6, diagnostics = $7, by_status = $8
                    WHERE id = $9
                    """,
                    [
                        .text(StoreDate.format(finishedAt)), .text(status.rawValue),
                        PostgresValue(counts.filesExamined),
                        PostgresValue(counts.filesWithFindings), PostgresValue(counts.findings),
                        PostgresValue(counts.assets), PostgresValue(counts.diagnostics),
                        .text(ScanRow.json(counts.byStatus)), .int(scanID),
                    ])
            }
        }
    }

    func deleteScan(id: Int64) throws(StoreError) -> Bool {
        try operation("cannot delete scan \(id) from \(label)") {
            try session.transaction {
                guard !(try session.query("SELECT 1 FROM scans WHERE id = $1 FOR UPDATE", [.int(id)])).isEmpty else {
                    return false
                }
                try handOverSharedRows(of: id)
                // Children before parents, as in SQLite: each foreign key check then finds an empty range.
                for table in ["findings", "diagnostics", "software", "files", "scan_assets", "path_aliases"] {
                    try session.query("DELETE FROM \(table) WHERE scan_id = $1", [.int(id)])
                }
                try session.query("DELETE FROM scans WHERE id = $1", [.int(id)])
                try session.query(
                    "DELETE FROM assets WHERE NOT EXISTS (SELECT 1 FROM scan_assets WHERE asset_id = assets.id)")
                return true
            }
        }
    }

    /// Throws unless `scanID` names a scan that has not been finished. Locks the scan's row for the transaction,
    /// so a batch and the scan's `finishScan` never interleave.
    private func requireRunning(scanID: Int64) throws {
        let rows = try session.query(
            "SELECT finished_at IS NULL AS running FROM scans WHERE id = $1 FOR UPDATE", [.int(scanID)])
        guard let row = rows.first?.makeRandomAccess() else {
            throw StoreError(code: StoreError.noSuchScan, reason: "there is no scan \(scanID)")
        }
        guard try row.value("running", as: Bool.self) else {
            throw StoreError(code: StoreError.scanFinished, reason: "scan \(scanID) is already finished")
        }
    }

    // MARK: - Reading scans

    func scans() throws(StoreError) -> [ScanRecord] {
        try operation("cannot read scans from \(label)") {
            try session.transaction(readOnly: true) {
                try session.query("SELECT * FROM scans ORDER BY id").map { try scanRecord($0.makeRandomAccess()) }
            }
        }
    }

    func scan(id: Int64) throws(StoreError) -> ScanRecord? {
        try operation("cannot read scan \(id) from \(label)") {
            try session.transaction(readOnly: true) {
                try session.query("SELECT * FROM scans WHERE id = $1", [.int(id)]).first.map {
                    try scanRecord($0.makeRandomAccess())
                }
            }
        }
    }

    func fleetSummary() throws(StoreError) -> [FleetScanSummary] {
        try operation("cannot read the fleet from \(label)") {
            try session.transaction(readOnly: true) {
                try session.query(FleetSummarySQL.query(verdicts: "(a.document::json #> '{summary,byState}')::text"))
                    .map { row in
                        let r = row.makeRandomAccess()
                        return try FleetSummarySQL.summary(
                            scan: try scanRecord(r), assessmentID: try r.value("assessment_id"),
                            profile: try r.value("assessment_profile"),
                            score: try r.value("assessment_score", as: Int64?.self).map { Int($0) },
                            gateMet: try r.value("assessment_gate_met", as: Int64?.self).map { Int($0) },
                            byVerdict: try r.value("assessment_by_verdict"))
                    }
            }
        }
    }

    func latestCompleteScanID(kind: ScanRecord.Kind?, host: String?) throws(StoreError) -> Int64? {
        var sql = "SELECT max(id) AS id FROM scans WHERE status = 'complete'"
        var values: [PostgresValue] = []
        if let kind {
            values.append(.text(kind.rawValue))
            sql += " AND kind = $\(values.count)"
        }
        if let host {
            values.append(.text(host))
            sql += " AND host = $\(values.count)"
        }
        return try operation("cannot read scans from \(label)") {
            try session.query(sql, values).first?.makeRandomAccess().value("id", as: Int64?.self)
        }
    }

    func counts(scanID: Int64) throws(StoreError) -> ScanCounts {
        try operation("cannot count scan \(scanID) in \(label)") {
            try session.transaction(readOnly: true) {
                guard !(try session.query("SELECT 1 FROM scans WHERE id = $1", [.int(scanID)])).isEmpty else {
                    throw StoreError(code: StoreError.noSuchScan, reason: "there is no scan \(scanID)")
                }
                return try computedCounts(scanID: scanID)
            }
        }
    }

    private func scanRecord(_ row: PostgresRandomAccessRow) throws -> ScanRecord {
        let scanRow = ScanRow(
            id: try row.value("id"), roots: try row.value("roots"), host: try row.value("host"),
            toolVersion: try row.value("tool_version"), startedAt: try row.date("started_at"),
            finishedAt: try row.optionalDate("finished_at"), status: try row.value("status"),
            filesExamined: try row.value("files_examined"), filesWithFindings: try row.value("files_with_findings"),
            findings: try row.value("findings"), assets: try row.value("assets"),
            diagnostics: try row.value("diagnostics"), byStatus: try row.value("by_status"), kind: try row.value("kind")
        )
        guard scanRow.finishedAt == nil, let id = scanRow.id else { return try scanRow.model() }
        return try scanRow.model(counts: computedCounts(scanID: id))
    }

    private func computedCounts(scanID: Int64) throws -> ScanCounts {
        let rowsScan = ScanRowsSQL.rowsOf("$1")
        let rows = try session.query(
            """
            SELECT (SELECT count(*) FROM files WHERE scan_id = \(rowsScan)) AS files,
                (SELECT count(DISTINCT file_id) FROM findings WHERE scan_id = \(rowsScan)) AS files_with_findings,
                (SELECT count(*) FROM findings WHERE scan_id = \(rowsScan)) AS findings,
                (SELECT count(*) FROM scan_assets WHERE scan_id = \(rowsScan)) AS assets,
                (SELECT count(*) FROM diagnostics WHERE scan_id = \(rowsScan)) AS diagnostics
            """, [.int(scanID)])
        guard let row = rows.first?.makeRandomAccess() else { return ScanCounts() }
        var byStatus: [String: Int] = [:]
        for statusRow in try session.query(
            "SELECT quantum_status, count(*) AS n FROM findings WHERE scan_id = \(ScanRowsSQL.rowsOf("$1")) GROUP BY quantum_status",
            [.int(scanID)])
        {
            let access = statusRow.makeRandomAccess()
            byStatus[try access.value("quantum_status", as: String.self)] = try access.value("n", as: Int.self)
        }
        return ScanCounts(
            filesExamined: try row.value("files"), filesWithFindings: try row.value("files_with_findings"),
            findings: try row.value("findings"), assets: try row.value("assets"),
            diagnostics: try row.value("diagnostics"), byStatus: byStatus)
    }

    // MARK: - Rows of one scan

    func forEachFinding(_ query: FindingQuery, _ body: (Finding) throws -> Void) throws(StoreError) {
        // The cursor's query is a utility statement, which takes no parameters: the filter values are inlined as
        // literals (the scan id is a number; the others are quoted by `literal`).
        var sql = """
            SELECT findings.*, files.path AS file_path
            \(ScanRowsSQL.findingsInPathOrder(String(query.scanID), join: "JOIN"))
            """
        if let usage = query.usage { sql += " AND findings.usage = \(Self.literal(usage.rawValue))" }
        if let status = query.status { sql += " AND findings.quantum_status = \(Self.literal(status.rawValue))" }
        if let source = query.source { sql += " AND findings.source = \(Self.literal(source.rawValue))" }
        // SQLite puts NULL first in ascending order; PostgreSQL must be told.
        sql += " ORDER BY files.path, findings.line NULLS FIRST, findings.ordinal"
        try operation("cannot read findings of scan \(query.scanID) from \(label)") {
            try session.transaction(readOnly: true) {
                var lastPathBytes: [UInt8]? = nil
                var lastPath = ScanPath(bytes: [])
                var lastPathMatches = true
                try forEachRow(cursor: "pqscout_findings", sql) { access in
                    let pathBytes = try access.bytes("file_path")
                    if pathBytes != lastPathBytes {
                        lastPathBytes = pathBytes
                        lastPath = ScanPath(bytes: pathBytes)
                        lastPathMatches = query.pathPattern?.matches(lastPath) ?? true
                    }
                    guard lastPathMatches else { return }
                    try body(try Self.findingRow(access).model(path: lastPath))
                }
            }
        }
    }

    /// Hands each row of `sql` to `body` through a server-side cursor fetched `fetchSize` rows at a time, so a
    /// result of millions of rows is never held; inside the caller's transaction (a cursor lives in one).
    private func forEachRow(cursor name: String, _ sql: String, _ body: (PostgresRandomAccessRow) throws -> Void)
        throws
    {
        try session.query("DECLARE \(name) NO SCROLL CURSOR FOR \(sql)")
        while true {
            let rows = try session.query("FETCH \(fetchSize) FROM \(name)")
            for row in rows { try body(row.makeRandomAccess()) }
            if rows.count < fetchSize { break }
        }
        try session.query("CLOSE \(name)")
    }

    /// `text` as a PostgreSQL string literal (standard_conforming_strings, on since 9.1: only `'` is special).
    static func literal(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }

    func forEachFinding(ofScans scanIDs: [Int64], _ body: (Int64, Finding) throws -> Void) throws(StoreError) {
        let scanIDs = scanIDs.reduce(into: [Int64]()) { if !$0.contains($1) { $0.append($1) } }
        let list = scanIDs.map(String.init).joined(separator: ", ")
        // Two scans may share their rows (`ScanRowsSQL`): each finding comes once per scan asked for.
        let wanted = scanIDs.map { "(\($0)::bigint, \(ScanRowsSQL.rowsOf(String($0))))" }.joined(separator: ", ")
        let sql = """
            SELECT wanted.scan AS wanted_scan, findings.*, files.path AS file_path
            FROM (VALUES \(wanted)) AS wanted(scan, rows_scan)
            JOIN findings ON findings.scan_id = wanted.rows_scan
            JOIN files ON files.id = findings.file_id
            ORDER BY files.path, wanted.scan, findings.line NULLS FIRST, findings.ordinal
            """
        try operation("cannot read findings of scans \(list) from \(label)") {
            try session.transaction(readOnly: true) {
                var lastPathBytes: [UInt8]? = nil
                var lastPath = ScanPath(bytes: [])
                try forEachRow(cursor: "pqscout_scans", sql) { access in
                    let pathBytes = try access.bytes("file_path")
                    if pathBytes != lastPathBytes {
                        lastPathBytes = pathBytes
                        lastPath = ScanPath(bytes: pathBytes)
                    }
                    let finding = try Self.findingRow(access)
                    try body(try access.value("wanted_scan", as: Int64.self), try finding.model(path: lastPath))
                }
            }
        }
    }

    private static func findingRow(_ row: PostgresRandomAccessRow) throws -> FindingRow {
        FindingRow(
            scanId: try row.value("scan_id"), fileId: try row.value("file_id"), ordinal: try row.value("ordinal"),
            line: try row.value("line"), source: try row.value("source"), setting: try row.value("setting"),
            usage: try row.value("usage"), algorithm: try row.value("algorithm"),
            canonical: try row.value("canonical"), oid: try row.value("oid"), keyBits: try row.value("key_bits"),
            curve: try row.value("curve"), quantumStatus: try row.value("quantum_status"),
            context: try row.value("context"), effective: try row.value("effective", as: Int64.self) != 0,
            origin: try row.value("origin"), assetId: try row.value("asset_id"), note: try row.value("note"))
    }

    func diagnostics(scanID: Int64) throws(StoreError) -> [Diagnostic] {
        try operation("cannot read diagnostics of scan \(scanID) from \(label)") {
            try session.query(
                "SELECT * FROM diagnostics WHERE scan_id = \(ScanRowsSQL.rowsOf("$1")) ORDER BY path, ordinal",
                [.int(scanID)]
            ).map { row in try Self.diagnosticRow(row.makeRandomAccess()).model }
        }
    }

    func forEachDiagnostic(scanID: Int64, limit: Int?, _ body: (Diagnostic) throws -> Void) throws(StoreError) {
        let sql = """
            SELECT * FROM diagnostics WHERE scan_id = \(ScanRowsSQL.rowsOf(String(scanID))) ORDER BY path, ordinal
            LIMIT \(limit.map { String(max(0, $0)) } ?? "ALL")
            """
        try operation("cannot read diagnostics of scan \(scanID) from \(label)") {
            try session.transaction(readOnly: true) {
                try forEachRow(cursor: "pqscout_diagnostics", sql) { access in
                    try body(try Self.diagnosticRow(access).model)
                }
            }
        }
    }

    private static func diagnosticRow(_ access: PostgresRandomAccessRow) throws -> DiagnosticRow {
        try DiagnosticRow(
            scanId: access.value("scan_id"), ordinal: access.value("ordinal"), path: Data(access.bytes("path")),
            pathDisplay: access.value("path_display"), reason: access.value("reason"), detail: access.value("detail"))
    }

    func diagnosticCounts(scanID: Int64) throws(StoreError) -> [Diagnostic.Reason: Int] {
        try operation("cannot count diagnostics of scan \(scanID) in \(label)") {
            var counts: [Diagnostic.Reason: Int] = [:]
            for row in try session.query(
                """
                SELECT reason, count(*) AS count FROM diagnostics WHERE scan_id = \(ScanRowsSQL.rowsOf("$1"))
                GROUP BY reason
                """, [.int(scanID)])
            {
                let access = row.makeRandomAccess()
                let reason = try DiagnosticRow.countedReason(try access.value("reason"), scanID: scanID)
                counts[reason] = try access.value("count", as: Int.self)
            }
            return counts
        }
    }

    func assets(scanID: Int64) throws(StoreError) -> [Asset] {
        try assetRows(scanID: scanID, after: nil, limit: nil)
    }

    func assets(scanID: Int64, after: String?, limit: Int) throws(StoreError) -> [Asset] {
        try assetRows(scanID: scanID, after: after, limit: limit)
    }

    /// The scan's assets by id (byte order: `COLLATE "C"`), those after `after` and the first `limit` when given;
    /// the details are read for the page's range of ids only.
    private func assetRows(scanID: Int64, after: String?, limit: Int?) throws(StoreError) -> [Asset] {
        try operation("cannot read assets of scan \(scanID) from \(label)") {
            try session.transaction(readOnly: true) {
                let link =
                    "JOIN scan_assets ON scan_assets.asset_id = %@ WHERE scan_assets.scan_id = \(ScanRowsSQL.rowsOf("$1"))"
                var sql = "SELECT assets.* FROM assets " + String(format: link, "assets.id")
                var values: [PostgresValue] = [.int(scanID)]
                if let after {
                    sql += " AND assets.id COLLATE \"C\" > $2"
                    values.append(.text(after))
                }
                sql += " ORDER BY assets.id COLLATE \"C\""
                if let limit { sql += " LIMIT \(max(0, limit))" }
                let rows = try session.query(sql, values).map { row in
                    let r = row.makeRandomAccess()
                    return try AssetRow(
                        id: r.value("id"), kind: r.value("kind"), algorithm: r.value("algorithm"),
                        canonical: r.value("canonical"), oid: r.value("oid"), keyBits: r.value("key_bits"),
                        curve: r.value("curve"))
                }
                guard let first = rows.first?.id, let last = rows.last?.id else { return [] }
                let within = " AND %@ COLLATE \"C\" >= $2 AND %@ COLLATE \"C\" <= $3"
                let range: [PostgresValue] = [.int(scanID), .text(first), .text(last)]
                var certificates: [String: CertificateDetails] = [:]
                for row in try session.query(
                    "SELECT certificates.* FROM certificates "
                        + String(
                            format: link + within, "certificates.asset_id", "certificates.asset_id",
                            "certificates.asset_id"), range)
                {
                    let r = row.makeRandomAccess()
                    certificates[try r.value("asset_id")] = CertificateDetails(
                        subject: try r.value("subject"), issuer: try r.value("issuer"), serial: try r.value("serial"),
                        notBefore: try r.date("not_before"), notAfter: try r.date("not_after"),
                        signatureOID: try r.value("signature_oid"),
                        signatureAlgorithm: try r.value("signature_algorithm"),
                        publicKeyOID: try r.value("public_key_oid"), sha256: try r.value("sha256"),
                        publicKeyID: try r.value("public_key_id"),
                        isCA: try r.value("is_ca", as: Int64?.self).map { $0 != 0 },
                        selfSigned: try r.value("self_signed", as: Int64.self) != 0)
                }
                var keys: [String: KeyDetails] = [:]
                for row in try session.query(
                    "SELECT keys.* FROM keys "
                        + String(format: link + within, "keys.asset_id", "keys.asset_id", "keys.asset_id"), range)
                {
                    let r = row.makeRandomAccess()
                    keys[try r.value("asset_id")] = KeyDetails(
                        format: try r.value("format"), isPrivate: try r.value("is_private", as: Int64.self) != 0,
                        encrypted: try r.value("encrypted", as: Int64.self) != 0)
                }
                return try rows.map { row in
                    try row.model(certificate: certificates[row.id], key: keys[row.id])
                }
            }
        }
    }

    func forEachFindingWithCertificate(scanID: Int64, _ body: (Finding, CertificateDetails?) throws -> Void)
        throws(StoreError)
    {
        let sql = """
            SELECT findings.*, files.path AS file_path, certificates.asset_id AS certificate_id, certificates.subject,
                certificates.issuer, certificates.serial, certificates.not_before, certificates.not_after,
                certificates.signature_oid, certificates.signature_algorithm, certificates.public_key_oid,
                certificates.sha256, certificates.public_key_id, certificates.is_ca, certificates.self_signed
            \(ScanRowsSQL.findingsInPathOrder(
                String(scanID), join: "JOIN", more: "LEFT JOIN certificates ON certificates.asset_id = findings.asset_id"))
            ORDER BY files.path, findings.line NULLS FIRST, findings.ordinal
            """
        try operation("cannot read findings of scan \(scanID) from \(label)") {
            try session.transaction(readOnly: true) {
                var lastPathBytes: [UInt8]? = nil
                var lastPath = ScanPath(bytes: [])
                try forEachRow(cursor: "pqscout_judged_findings", sql) { access in
                    let pathBytes = try access.bytes("file_path")
                    if pathBytes != lastPathBytes {
                        lastPathBytes = pathBytes
                        lastPath = ScanPath(bytes: pathBytes)
                    }
                    let certificate =
                        try access.value("certificate_id", as: String?.self) == nil
                        ? nil : try Self.certificateDetails(access)
                    try body(try Self.findingRow(access).model(path: lastPath), certificate)
                }
            }
        }
    }

    /// A row's certificate columns (`certificates`' names) as details.
    private static func certificateDetails(_ r: PostgresRandomAccessRow) throws -> CertificateDetails {
        CertificateDetails(
            subject: try r.value("subject"), issuer: try r.value("issuer"), serial: try r.value("serial"),
            notBefore: try r.date("not_before"), notAfter: try r.date("not_after"),
            signatureOID: try r.value("signature_oid"), signatureAlgorithm: try r.value("signature_algorithm"),
            publicKeyOID: try r.value("public_key_oid"), sha256: try r.value("sha256"),
            publicKeyID: try r.value("public_key_id"), isCA: try r.value("is_ca", as: Int64?.self).map { $0 != 0 },
            selfSigned: try r.value("self_signed", as: Int64.self) != 0)
    }

    func issuerCertificates(scanID: Int64) throws(StoreError) -> [Asset] {
        let sql = """
            SELECT assets.*, certificates.subject, certificates.issuer, certificates.serial, certificates.not_before,
                certificates.not_after, certificates.signature_oid, certificates.signature_algorithm,
                certificates.public_key_oid, certificates.sha256, certificates.public_key_id, certificates.is_ca,
                certificates.self_signed
            \(ScanRowsSQL.issuerCertificates("$1"))
            """
        return try operation("cannot read certificates of scan \(scanID) from \(label)") {
            try session.transaction(readOnly: true) {
                try session.query(sql, [.int(scanID)]).map { row in
                    let r = row.makeRandomAccess()
                    return try AssetRow(
                        id: r.value("id"), kind: r.value("kind"), algorithm: r.value("algorithm"),
                        canonical: r.value("canonical"), oid: r.value("oid"), keyBits: r.value("key_bits"),
                        curve: r.value("curve")
                    ).model(certificate: try Self.certificateDetails(r), key: nil)
                }
            }
        }
    }

    func forEachCertificate(scanID: Int64, limit: Int?, _ body: (Asset) throws -> Void) throws(StoreError) {
        // `not_after` is `StoreDate`'s fixed-width UTC text: byte order (COLLATE "C") is time order, as on SQLite.
        let sql = """
            SELECT assets.*, certificates.asset_id AS certificate_id, certificates.subject, certificates.issuer,
                certificates.serial, certificates.not_before, certificates.not_after, certificates.signature_oid,
                certificates.signature_algorithm, certificates.public_key_oid, certificates.sha256,
                certificates.public_key_id, certificates.is_ca, certificates.self_signed
            FROM scan_assets
            JOIN assets ON assets.id = scan_assets.asset_id
            LEFT JOIN certificates ON certificates.asset_id = assets.id
            WHERE scan_assets.scan_id = \(ScanRowsSQL.rowsOf(String(scanID))) AND assets.kind = 'certificate'
            ORDER BY certificates.not_after COLLATE "C" NULLS LAST, assets.id COLLATE "C"
            LIMIT \(limit.map { String(max(0, $0)) } ?? "ALL")
            """
        try operation("cannot read certificates of scan \(scanID) from \(label)") {
            try session.transaction(readOnly: true) {
                try forEachRow(cursor: "pqscout_certificates", sql) { r in
                    var certificate: CertificateDetails?
                    if try r.value("certificate_id", as: String?.self) != nil {
                        certificate = CertificateDetails(
                            subject: try r.value("subject"), issuer: try r.value("issuer"),
                            serial: try r.value("serial"), notBefore: try r.date("not_before"),
                            notAfter: try r.date("not_after"), signatureOID: try r.value("signature_oid"),
                            signatureAlgorithm: try r.value("signature_algorithm"),
                            publicKeyOID: try r.value("public_key_oid"), sha256: try r.value("sha256"),
                            publicKeyID: try r.value("public_key_id"),
                            isCA: try r.value("is_ca", as: Int64?.self).map { $0 != 0 },
                            selfSigned: try r.value("self_signed", as: Int64.self) != 0)
                    }
                    try body(
                        try AssetRow(
                            id: r.value("id"), kind: r.value("kind"), algorithm: r.value("algorithm"),
                            canonical: r.value("canonical"), oid: r.value("oid"), keyBits: r.value("key_bits"),
                            curve: r.value("curve")
                        ).model(certificate: certificate, key: nil))
                }
            }
        }
    }

    func forEachAsset(scanID: Int64, walk: AssetWalk, _ body: (Asset, [Finding]) throws -> Void) throws(StoreError) {
        let sql = AssetWalkSQL.query(walk, scan: String(scanID), dialect: .postgres)
        try operation("cannot read assets of scan \(scanID) from \(label)") {
            try session.transaction(readOnly: true) {
                var current: Asset?
                var findings: [Finding] = []
                try forEachRow(cursor: "pqscout_assets", sql) { r in
                    if try r.value("walk_part", as: Int32.self) == 0 {
                        if let current { try body(current, findings) }
                        findings.removeAll(keepingCapacity: true)
                        current = try Self.walkedAsset(r)
                    } else {
                        findings.append(try Self.findingRow(r).model(path: ScanPath(bytes: try r.bytes("file_path"))))
                    }
                }
                if let current { try body(current, findings) }
            }
        }
    }

    /// The asset of a `walk_part` 0 row of `AssetWalkSQL`.
    private static func walkedAsset(_ r: PostgresRandomAccessRow) throws -> Asset {
        var certificate: CertificateDetails?
        if try r.value("c_asset_id", as: String?.self) != nil {
            certificate = CertificateDetails(
                subject: try r.value("c_subject"), issuer: try r.value("c_issuer"), serial: try r.value("c_serial"),
                notBefore: try r.date("c_not_before"), notAfter: try r.date("c_not_after"),
                signatureOID: try r.value("c_signature_oid"), signatureAlgorithm: try r.value("c_signature_algorithm"),
                publicKeyOID: try r.value("c_public_key_oid"), sha256: try r.value("c_sha256"),
                publicKeyID: try r.value("c_public_key_id"),
                isCA: try r.value("c_is_ca", as: Int64?.self).map { $0 != 0 },
                selfSigned: try r.value("c_self_signed", as: Int64.self) != 0)
        }
        var key: KeyDetails?
        if try r.value("k_asset_id", as: String?.self) != nil {
            key = KeyDetails(
                format: try r.value("k_format"), isPrivate: try r.value("k_is_private", as: Int64.self) != 0,
                encrypted: try r.value("k_encrypted", as: Int64.self) != 0)
        }
        return try AssetRow(
            id: r.value("walk_asset"), kind: r.value("a_kind"), algorithm: r.value("a_algorithm"),
            canonical: r.value("a_canonical"), oid: r.value("a_oid"), keyBits: r.value("a_key_bits"),
            curve: r.value("a_curve")
        ).model(certificate: certificate, key: key)
    }

    func assetCounts(scanID: Int64) throws(StoreError) -> (assets: Int, certificates: Int) {
        try operation("cannot count assets of scan \(scanID) in \(label)") {
            let rows = try session.query(
                """
                SELECT count(*) AS assets, count(*) FILTER (WHERE assets.kind = 'certificate') AS certificates
                FROM scan_assets JOIN assets ON assets.id = scan_assets.asset_id
                WHERE scan_assets.scan_id = \(ScanRowsSQL.rowsOf("$1"))
                """, [.int(scanID)])
            guard let row = rows.first?.makeRandomAccess() else { return (0, 0) }
            return (try row.value("assets", as: Int.self), try row.value("certificates", as: Int.self))
        }
    }

    func software(scanID: Int64) throws(StoreError) -> [Software] {
        try operation("cannot read software of scan \(scanID) from \(label)") {
            // COLLATE "C": byte order, as SQLite's BINARY collation sorts.
            try session.query(
                """
                SELECT name, version, source_path FROM software WHERE scan_id = \(ScanRowsSQL.rowsOf("$1"))
                ORDER BY name COLLATE "C", version COLLATE "C", source_path, ordinal
                """, [.int(scanID)]
            ).map { row in
                let r = row.makeRandomAccess()
                return Software(
                    name: try r.value("name"), version: try r.value("version"),
                    sourcePath: ScanPath(bytes: try r.bytes("source_path")))
            }
        }
    }

    func aliases(scanID: Int64) throws(StoreError) -> [PathAlias] {
        try operation("cannot read aliases of scan \(scanID) from \(label)") {
            try session.query(
                "SELECT path, target, kind FROM path_aliases WHERE scan_id = \(ScanRowsSQL.rowsOf("$1")) ORDER BY path",
                [.int(scanID)]
            ).map { row in
                let r = row.makeRandomAccess()
                let kindText: String = try r.value("kind")
                guard let kind = PathAlias.Kind(rawValue: kindText) else {
                    throw StoreError(code: StoreError.corrupt, reason: "unknown alias kind \(kindText)")
                }
                return PathAlias(
                    path: ScanPath(bytes: try r.bytes("path")), target: ScanPath(bytes: try r.bytes("target")),
                    kind: kind)
            }
        }
    }

    func files(scanID: Int64) throws(StoreError) -> [FileRecord] {
        try fileRows(scanID: scanID, after: nil, limit: nil)
    }

    func files(scanID: Int64, after: ScanPath?, limit: Int) throws(StoreError) -> [FileRecord] {
        try fileRows(scanID: scanID, after: after, limit: limit)
    }

    private func fileRows(scanID: Int64, after: ScanPath?, limit: Int?) throws(StoreError) -> [FileRecord] {
        var sql = "SELECT path, size, modified_at, sha256 FROM files WHERE scan_id = \(ScanRowsSQL.rowsOf("$1"))"
        var values: [PostgresValue] = [.int(scanID)]
        if let after {
            // As hex, as `file(scanID:path:)` names a path: any bytes, NUL too.
            sql += " AND path > decode($2, 'hex')"
            values.append(.text(PostgresValue.hexText(after.bytes)))
        }
        sql += " ORDER BY path"
        if let limit { sql += " LIMIT \(max(0, limit))" }
        return try operation("cannot read files of scan \(scanID) from \(label)") {
            try session.query(sql, values).map { row in
                let r = row.makeRandomAccess()
                return FileRecord(
                    path: ScanPath(bytes: try r.bytes("path")), size: try r.value("size"),
                    modified: try r.date("modified_at"), sha256: try r.value("sha256"))
            }
        }
    }

    func file(scanID: Int64, path: ScanPath) throws(StoreError) -> FileRecord? {
        try operation("cannot read file \(path.display) of scan \(scanID) from \(label)") {
            try session.query(
                "SELECT path, size, modified_at, sha256 FROM files WHERE scan_id = \(ScanRowsSQL.rowsOf("$1")) "
                    + "AND path = decode($2, 'hex')",
                // As hex, the way the batch writer names paths (`PostgresBatchWriter`): any bytes, NUL too.
                [.int(scanID), .text(PostgresValue.hexText(path.bytes))]
            ).map { row in
                let r = row.makeRandomAccess()
                return FileRecord(
                    path: ScanPath(bytes: try r.bytes("path")), size: try r.value("size"),
                    modified: try r.date("modified_at"), sha256: try r.value("sha256"))
            }.first
        }
    }

    // MARK: - Assessments

    /// Starts recording an assessment: its findings are staged in temporary tables of this session (which other
    /// sessions do not see), in batches of one `INSERT ... unnest` each, and copied to `assessment_findings` sorted
    /// by rank when the recording finishes, in one transaction.
    func beginAssessment(scanID: Int64, order: AssessmentRecording.Order, batchSize: Int) throws(StoreError)
        -> AssessmentRecording
    {
        let staging = try PostgresAssessmentStaging(store: self, scanID: scanID)
        return AssessmentRecording(scanID: scanID, staging: staging, order: order, batchSize: batchSize)
    }

    func assessments(scanID: Int64, withFindings: Bool) throws(StoreError) -> [StoredAssessment] {
        try operation("cannot read assessments of scan \(scanID) from \(label)") {
            try storedAssessments(
                "SELECT id, scan_id, created_at, document FROM assessments WHERE scan_id = $1 ORDER BY id",
                [.int(scanID)], withFindings: withFindings)
        }
    }

    func latestAssessment(scanID: Int64, profile: String?, withFindings: Bool, findingsPerAdjustment: Int?)
        throws(StoreError) -> StoredAssessment?
    {
        try operation("cannot read assessments of scan \(scanID) from \(label)") {
            var sql = "SELECT id, scan_id, created_at, document FROM assessments WHERE scan_id = $1"
            var values: [PostgresValue] = [.int(scanID)]
            if let profile {
                sql += " AND profile = $2"
                values.append(.text(profile))
            }
            return try storedAssessments(
                sql + " ORDER BY id DESC LIMIT 1", values, withFindings: withFindings,
                findingsPerAdjustment: findingsPerAdjustment
            ).first
        }
    }

    /// With `findingsPerAdjustment`, each adjustment's findings trimmed (`AssessmentDocumentTrimmer`): the
    /// document still arrives whole over the wire, but is not decoded whole.
    private func storedAssessments(
        _ sql: String, _ values: [PostgresValue], withFindings: Bool = true, findingsPerAdjustment: Int? = nil
    ) throws -> [StoredAssessment] {
        let decoder = JSONDecoder()
        return try session.query(sql, values).map { row in
            let r = row.makeRandomAccess()
            let document: String = try r.value("document")
            let id: Int64 = try r.value("id")
            var result: AssessmentResult
            if let keep = findingsPerAdjustment {
                var trimmer = AssessmentDocumentTrimmer(keep: keep)
                trimmer.feed(document.utf8)
                result = try decoder.decode(AssessmentResult.self, from: Data(trimmer.trimmed))
            } else {
                result = try decoder.decode(AssessmentResult.self, from: Data(document.utf8))
            }
            // Judged findings written as rows (the v6 tables) replace the document's, as on SQLite.
            if withFindings {
                var findings: [FindingAssessment] = []
                try forEachAssessedFindingRow(assessmentID: id, order: .risk) { findings.append($0.assessment) }
                if !findings.isEmpty { result.findings = findings }
                // Systems written as rows (v9) replace the document's empty list, as on SQLite.
                if result.systems.isEmpty {
                    var systems: [AgilityScore] = []
                    try forEachAssessedSystemRow(assessmentID: id, byScore: false, limit: nil, keep: nil) {
                        systems.append($0)
                    }
                    result.systems = systems
                }
                result.restoreGateFindings()
            }
            return StoredAssessment(
                id: id, scanID: try r.value("scan_id"), createdAt: try r.date("created_at"), result: result)
        }
    }

    func forEachAssessedFinding(
        assessmentID: Int64, order: AssessedFindingOrder, _ body: (RankedAssessment) throws -> Void
    ) throws(StoreError) {
        try operation("cannot read the findings of assessment \(assessmentID) from \(label)") {
            try forEachAssessedFindingRow(assessmentID: assessmentID, order: order, body)
        }
    }

    func forEachAssessedSystem(
        assessmentID: Int64, byScore: Bool, limit: Int?, findingsPerAdjustment: Int?,
        _ body: (AgilityScore) throws -> Void
    ) throws(StoreError) {
        try operation("cannot read the systems of assessment \(assessmentID) from \(label)") {
            try forEachAssessedSystemRow(
                assessmentID: assessmentID, byScore: byScore, limit: limit, keep: findingsPerAdjustment, body)
        }
    }

    func assessedSystemCount(assessmentID: Int64) throws(StoreError) -> Int {
        try operation("cannot read the systems of assessment \(assessmentID) from \(label)") {
            let rows = try session.query(
                "SELECT count(*) AS n FROM assessment_systems WHERE assessment_id = $1", [.int(assessmentID)])
            return Int(try rows.first?.makeRandomAccess().value("n", as: Int64.self) ?? 0)
        }
    }

    /// Systems fetched at a time: a system's document can be megabytes, so fewer than `fetchSize` findings.
    static let systemFetchSize = 100

    /// The rows of `assessment_systems` in `order`, from a cursor fetched `systemFetchSize` rows at a time.
    private func forEachAssessedSystemRow(
        assessmentID: Int64, byScore: Bool, limit: Int?, keep: Int?, _ body: (AgilityScore) throws -> Void
    ) throws {
        try session.transaction(readOnly: true) {
            try session.query(
                """
                DECLARE pqscout_systems NO SCROLL CURSOR FOR SELECT document FROM assessment_systems
                WHERE assessment_id = \(assessmentID) ORDER BY \(AssessedSystemDocument.order(byScore: byScore))
                \(limit.map { "LIMIT \(max(0, $0))" } ?? "")
                """)
            let decoder = JSONDecoder()
            while true {
                let rows = try session.query("FETCH \(Self.systemFetchSize) FROM pqscout_systems")
                for row in rows {
                    let document: String = try row.makeRandomAccess().value("document")
                    try body(
                        try AssessedSystemDocument.decode(
                            document, keep: keep, decoder: decoder, assessmentID: assessmentID))
                }
                if rows.count < Self.systemFetchSize { break }
            }
            try session.query("CLOSE pqscout_systems")
        }
    }

    /// The rows of `assessment_findings` in `order`, from a cursor fetched `fetchSize` rows at a time.
    private func forEachAssessedFindingRow(
        assessmentID: Int64, order: AssessedFindingOrder, _ body: (RankedAssessment) throws -> Void
    ) throws {
        try session.transaction(readOnly: true) {
            let reader = try JudgedRowReader(session, assessmentID: assessmentID)
            try forEachRow(
                cursor: "pqscout_judged",
                """
                SELECT \(JudgedRowReader.columns) FROM assessment_findings WHERE assessment_id = \(assessmentID)
                ORDER BY \(order.sql)
                """
            ) { try body(try reader.ranked($0)) }
        }
    }

    /// `SQLiteStore.forEachJudgedFinding`: two cursors in one read-only transaction, fetched in turn.
    func forEachJudgedFinding(
        scanID: Int64, assessmentID: Int64, _ body: (Finding, [RankedAssessment]) throws -> Void
    ) throws(StoreError) {
        try operation("cannot read the findings of assessment \(assessmentID) from \(label)") {
            try session.transaction(readOnly: true) {
                let reader = try JudgedRowReader(session, assessmentID: assessmentID)
                try session.query(
                    """
                    DECLARE pqscout_judged NO SCROLL CURSOR FOR SELECT \(JudgedRowReader.columns)
                    FROM assessment_findings WHERE assessment_id = \(assessmentID) ORDER BY finding_index, position
                    """)
                try session.query(
                    """
                    DECLARE pqscout_findings NO SCROLL CURSOR FOR SELECT findings.*, files.path AS file_path
                    \(ScanRowsSQL.findingsInPathOrder(String(scanID), join: "JOIN"))
                    ORDER BY files.path, findings.line NULLS FIRST, findings.ordinal
                    """)
                var judgedPage: [RankedAssessment] = []
                var judgedAt = 0
                var judgedDone = false
                func nextJudged() throws -> RankedAssessment? {
                    if judgedAt == judgedPage.count {
                        guard !judgedDone else { return nil }
                        let rows = try session.query("FETCH \(fetchSize) FROM pqscout_judged")
                        judgedPage = try rows.map { try reader.ranked($0.makeRandomAccess()) }
                        judgedAt = 0
                        judgedDone = judgedPage.count < fetchSize
                        if judgedPage.isEmpty { return nil }
                    }
                    judgedAt += 1
                    return judgedPage[judgedAt - 1]
                }
                var pending = try nextJudged()
                var lastPathBytes: [UInt8]? = nil
                var lastPath = ScanPath(bytes: [])
                var index = 0
                var judged: [RankedAssessment] = []
                while true {
                    let rows = try session.query("FETCH \(fetchSize) FROM pqscout_findings")
                    for row in rows {
                        let access = row.makeRandomAccess()
                        let pathBytes = try access.bytes("file_path")
                        if pathBytes != lastPathBytes {
                            lastPathBytes = pathBytes
                            lastPath = ScanPath(bytes: pathBytes)
                        }
                        let finding = try Self.findingRow(access).model(path: lastPath)
                        judged.removeAll(keepingCapacity: true)
                        while let next = pending, next.assessment.finding.index <= index {
                            if next.assessment.finding.index == index { judged.append(next) }
                            pending = try nextJudged()
                        }
                        try body(finding, judged)
                        index += 1
                    }
                    if rows.count < fetchSize { break }
                }
                try session.query("CLOSE pqscout_findings")
                try session.query("CLOSE pqscout_judged")
            }
        }
    }

    /// Reads `assessment_findings` rows back into judged findings, with the parts of their assessment.
    private struct JudgedRowReader {
        static let columns = JudgedRowAssembler.columns
        let assembler: JudgedRowAssembler

        init(_ session: PostgresSession, assessmentID: Int64) throws {
            let documents = try session.query(
                "SELECT part, document FROM assessment_parts WHERE assessment_id = $1", [.int(assessmentID)]
            ).map { row in
                let r = row.makeRandomAccess()
                return (part: Int(try r.value("part", as: Int64.self)), document: try r.value("document") as String)
            }
            assembler = try JudgedRowAssembler(assessmentID: assessmentID, documents: documents)
        }

        func ranked(_ row: PostgresRandomAccessRow) throws -> RankedAssessment {
            try assembler.ranked(
                JudgedRowAssembler.Row(
                    findingIndex: Int(try row.value("finding_index", as: Int64.self)), path: try row.value("path"),
                    line: try row.value("line", as: Int64?.self).map { Int($0) }, source: try row.value("source"),
                    setting: try row.value("setting"), algorithm: try row.value("algorithm"),
                    canonical: try row.value("canonical", as: String?.self),
                    context: try row.value("context", as: String?.self), system: try row.value("system"),
                    expired: try row.value("expired", as: String?.self),
                    part: Int(try row.value("part", as: Int64.self)),
                    position: Int(try row.value("position", as: Int64.self))))
        }
    }
}

/// A PostgreSQL recording's stage: two temporary tables of the recording store's session.
final class PostgresAssessmentStaging: AssessmentStaging {
    private let store: PostgresStore
    private let scanID: Int64
    private var dropped = false

    private static let findingColumns: [PostgresBatchWriter.Column] = [
        ("sort_score", .int8), ("sort_index", .int8), ("finding_index", .int8), ("path", .text), ("line", .int8),
        ("source", .text), ("setting", .text), ("algorithm", .text), ("canonical", .text), ("context", .text),
        ("system", .text), ("expired", .text), ("part", .int8),
    ]
    private static let partColumns: [PostgresBatchWriter.Column] = [("part", .int8), ("document", .text)]
    private static let systemColumns: [PostgresBatchWriter.Column] = [
        ("position", .int8), ("system_id", .text), ("score", .int8), ("grade", .text), ("finding_count", .int8),
        ("document", .text),
    ]
    static let columns =
        "finding_index, path, line, source, setting, algorithm, canonical, context, system, expired, part"

    private var context: String { "cannot record the assessment of scan \(scanID) in \(store.label)" }

    init(store: PostgresStore, scanID: Int64) throws(StoreError) {
        self.store = store
        self.scanID = scanID
        let session = store.session
        try PostgresStore.run(context) {
            guard !(try session.query("SELECT 1 FROM scans WHERE id = $1", [.int(scanID)])).isEmpty else {
                throw StoreError(code: StoreError.noSuchScan, reason: "there is no scan \(scanID)")
            }
            try session.query(
                """
                DROP TABLE IF EXISTS pg_temp.pqscout_assessment_stage, pg_temp.pqscout_assessment_parts,
                    pg_temp.pqscout_assessment_systems
                """)
            try session.query(
                """
                CREATE TEMP TABLE pqscout_assessment_stage (
                    sort_score BIGINT NOT NULL, sort_index BIGINT NOT NULL, finding_index BIGINT NOT NULL,
                    path TEXT NOT NULL, line BIGINT, source TEXT NOT NULL, setting TEXT NOT NULL,
                    algorithm TEXT NOT NULL, canonical TEXT, context TEXT, system TEXT NOT NULL, expired TEXT,
                    part BIGINT NOT NULL)
                """)
            try session.query(
                "CREATE TEMP TABLE pqscout_assessment_parts (part BIGINT NOT NULL, document TEXT NOT NULL)")
            try session.query(
                """
                CREATE TEMP TABLE pqscout_assessment_systems (
                    position BIGINT NOT NULL, system_id TEXT NOT NULL, score BIGINT NOT NULL, grade TEXT NOT NULL,
                    finding_count BIGINT NOT NULL, document TEXT NOT NULL)
                """)
        }
    }

    func stage(_ systems: [StagedSystem]) throws(StoreError) {
        let session = store.session
        try PostgresStore.run(context) {
            var arrays = Self.systemColumns.map { PostgresArrayColumn($0.element, capacity: systems.count) }
            for system in systems {
                arrays[0].append(.int(Int64(system.position)))
                arrays[1].append(.text(system.systemID))
                arrays[2].append(.int(Int64(system.score)))
                arrays[3].append(.text(system.grade))
                arrays[4].append(.int(Int64(system.findingCount)))
                arrays[5].append(.text(system.document))
            }
            try session.query(
                PostgresBatchWriter.statement("pqscout_assessment_systems", Self.systemColumns, suffix: ""),
                arrays.map { .column($0) })
        }
    }

    func forEachStagedSystem(
        _ body: (_ id: String, _ score: Int, _ grade: String, _ findingCount: Int) throws -> Void
    ) throws {
        let session = store.session
        // A cursor, fetched a batch at a time: not every staged system's row at once.
        try session.transaction(readOnly: true) {
            try session.query(
                """
                DECLARE pqscout_staged_systems NO SCROLL CURSOR FOR
                SELECT system_id, score, grade, finding_count FROM pqscout_assessment_systems ORDER BY position
                """)
            while true {
                let rows = try session.query("FETCH \(store.fetchSize) FROM pqscout_staged_systems")
                for row in rows {
                    let r = row.makeRandomAccess()
                    try body(
                        try r.value("system_id"), Int(try r.value("score", as: Int64.self)), try r.value("grade"),
                        Int(try r.value("finding_count", as: Int64.self)))
                }
                if rows.count < store.fetchSize { break }
            }
            try session.query("CLOSE pqscout_staged_systems")
        }
    }

    func stage(_ findings: [StagedFinding], parts: [(number: Int, document: String)]) throws(StoreError) {
        let session = store.session
        try PostgresStore.run(context) {
            if !parts.isEmpty {
                var arrays = Self.partColumns.map { PostgresArrayColumn($0.element, capacity: parts.count) }
                for part in parts {
                    arrays[0].append(.int(Int64(part.number)))
                    arrays[1].append(.text(part.document))
                }
                try session.query(
                    PostgresBatchWriter.statement("pqscout_assessment_parts", Self.partColumns, suffix: ""),
                    arrays.map { .column($0) })
            }
            for chunk in stride(from: 0, to: findings.count, by: PostgresStore.rowsPerStatement) {
                let rows = findings[chunk..<min(findings.count, chunk + PostgresStore.rowsPerStatement)]
                var arrays = Self.findingColumns.map { PostgresArrayColumn($0.element, capacity: rows.count) }
                for staged in rows {
                    let assessed = staged.assessed
                    let ref = assessed.finding
                    let values: [PostgresValue] = [
                        .int(Int64(staged.sortKey.score)), .int(Int64(staged.sortKey.index)), .int(Int64(ref.index)),
                        .text(ref.path), PostgresValue(ref.line), .text(ref.source), .text(ref.setting),
                        .text(ref.algorithm), PostgresValue(ref.canonical), PostgresValue(ref.context),
                        .text(assessed.system), PostgresValue(assessed.expired?.description),
                        .int(Int64(staged.part)),
                    ]
                    for (index, value) in values.enumerated() { arrays[index].append(value) }
                }
                try session.query(
                    PostgresBatchWriter.statement("pqscout_assessment_stage", Self.findingColumns, suffix: ""),
                    arrays.map { .column($0) })
            }
        }
    }

    func commit(header result: AssessmentResult, document: String, createdAt: Date) throws(StoreError) -> Int64 {
        let session = store.session
        let scanID = scanID
        let id = try PostgresStore.run(context) {
            try session.transaction {
                guard !(try session.query("SELECT 1 FROM scans WHERE id = $1", [.int(scanID)])).isEmpty else {
                    throw StoreError(code: StoreError.noSuchScan, reason: "there is no scan \(scanID)")
                }
                let rows = try session.query(
                    """
                    INSERT INTO assessments (scan_id, created_at, profile, category, as_of, data_lifetime_years,
                        overall_score, gate_met, document)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id
                    """,
                    [
                        .int(scanID), .text(StoreDate.format(createdAt)), .text(result.profile),
                        PostgresValue(result.category), .text(result.asOf.description),
                        PostgresValue(result.dataLifetimeYears), PostgresValue(result.overall.score),
                        PostgresValue(result.gate.map { $0.met ? 1 : 0 }), .text(document),
                    ])
                guard let id = try rows.first?.makeRandomAccess().value("id", as: Int64.self) else {
                    throw StoreError(code: StoreError.postgres, reason: "PostgreSQL returned no id for the assessment")
                }
                try session.query(
                    """
                    INSERT INTO assessment_parts (assessment_id, part, document)
                    SELECT $1, part, document FROM pqscout_assessment_parts
                    """, [.int(id)])
                // The server sorts (on disk past work_mem); the row number is the position.
                let order = RiskRank.sqlOrder(score: "sort_score", index: "sort_index")
                try session.query(
                    """
                    INSERT INTO assessment_findings (assessment_id, position, \(Self.columns))
                    SELECT $1, row_number() OVER (ORDER BY \(order)) - 1, \(Self.columns)
                    FROM pqscout_assessment_stage
                    """, [.int(id)])
                try session.query(
                    """
                    INSERT INTO assessment_systems (assessment_id, position, system_id, score, document)
                    SELECT $1, position, system_id, score, document FROM pqscout_assessment_systems
                    """, [.int(id)])
                return id
            }
        }
        discard()
        return id
    }

    func discard() {
        guard !dropped else { return }
        dropped = true
        _ = try? store.session.query(
            """
            DROP TABLE IF EXISTS pg_temp.pqscout_assessment_stage, pg_temp.pqscout_assessment_parts,
                pg_temp.pqscout_assessment_systems
            """)
    }
}

// MARK: - Rescans

extension PostgresStore {
    func saveRescanState(scanID: Int64, fingerprint: String, format: Int, state: Data) throws(StoreError) {
        try operation("cannot record the rescan state of scan \(scanID) in \(label)") {
            try session.transaction {
                try session.query(
                    """
                    DELETE FROM rescan_state_parts WHERE scan_id IN (
                        SELECT scan_id FROM rescan_states WHERE fingerprint = $1 AND scan_id <> $2)
                    """, [.text(fingerprint), .int(scanID)])
                try session.query(
                    "DELETE FROM rescan_states WHERE fingerprint = $1 AND scan_id <> $2",
                    [.text(fingerprint), .int(scanID)])
                // Only finished scans: a scan another host is running right now has parts and no state yet.
                try session.query(
                    """
                    DELETE FROM rescan_state_parts WHERE scan_id <> $1 AND scan_id IN (
                        SELECT id FROM scans WHERE finished_at IS NOT NULL
                        AND id NOT IN (SELECT scan_id FROM rescan_states))
                    """, [.int(scanID)])
                try session.query(
                    """
                    INSERT INTO rescan_states (scan_id, fingerprint, format, state) VALUES ($1, $2, $3, $4)
                    ON CONFLICT (scan_id) DO UPDATE SET fingerprint = excluded.fingerprint,
                        format = excluded.format, state = excluded.state
                    """,
                    [.int(scanID), .text(fingerprint), PostgresValue(format), .bytes(Array(state))])
            }
        }
    }

    func rescanState(fingerprint: String) throws(StoreError) -> InventoryStore.RescanState? {
        try operation("cannot read rescan states from \(label)") {
            let rows = try session.query(
                """
                SELECT r.scan_id, r.format, r.state FROM rescan_states r JOIN scans s ON s.id = r.scan_id
                WHERE r.fingerprint = $1 AND s.status = 'complete' ORDER BY r.scan_id DESC LIMIT 1
                """, [.text(fingerprint)])
            guard let row = rows.first?.makeRandomAccess() else { return nil }
            return InventoryStore.RescanState(
                scanID: try row.value("scan_id", as: Int64.self), format: Int(try row.value("format", as: Int64.self)),
                state: Data(try row.bytes("state")))
        }
    }

    func saveRescanStatePart(scanID: Int64, part: Int, bytes: [UInt8]) throws(StoreError) {
        try operation("cannot record the rescan state of scan \(scanID) in \(label)") {
            try session.query(
                """
                INSERT INTO rescan_state_parts (scan_id, part, bytes) VALUES ($1, $2, $3)
                ON CONFLICT (scan_id, part) DO UPDATE SET bytes = excluded.bytes
                """, [.int(scanID), .int(Int64(part)), .bytes(bytes)])
        }
    }

    func rescanStatePart(scanID: Int64, part: Int) throws(StoreError) -> [UInt8]? {
        try operation("cannot read the rescan state of scan \(scanID) from \(label)") {
            let rows = try session.query(
                "SELECT bytes FROM rescan_state_parts WHERE scan_id = $1 AND part = $2",
                [.int(scanID), .int(Int64(part))])
            guard let row = rows.first?.makeRandomAccess() else { return nil }
            return try row.bytes("bytes")
        }
    }

    func copyRescanStateParts(from source: Int64, to target: Int64) throws(StoreError) {
        try operation("cannot copy the rescan state of scan \(source) into scan \(target) in \(label)") {
            try session.query(
                """
                INSERT INTO rescan_state_parts (scan_id, part, bytes)
                SELECT $2, part, bytes FROM rescan_state_parts WHERE scan_id = $1
                ON CONFLICT (scan_id, part) DO UPDATE SET bytes = excluded.bytes
                """, [.int(source), .int(target)])
        }
    }

    /// `SQLiteStore.shareScanRows`. The running scan's row is locked first, as a batch locks it; the scan whose rows
    /// are shared is locked `FOR SHARE`, so a concurrent `deleteScan` of it (which locks it `FOR UPDATE`, then hands
    /// its rows over) runs wholly before or after: after, the source's `rows_of` names the heir, read again.
    func shareScanRows(from source: Int64, to target: Int64) throws(StoreError) {
        try operation("cannot record scan \(target) with the rows of scan \(source) in \(label)") {
            try session.transaction {
                try requireRunning(scanID: target)
                var rowsScan: Int64? = nil
                for _ in 0..<3 where rowsScan == nil {
                    guard
                        let sourceRow = try session.query(
                            "SELECT coalesce(rows_of, id) AS rows_scan FROM scans WHERE id = $1 FOR SHARE",
                            [.int(source)]
                        ).first?.makeRandomAccess()
                    else {
                        throw StoreError(code: StoreError.noSuchScan, reason: "there is no scan \(source)")
                    }
                    let candidate = try sourceRow.value("rows_scan", as: Int64.self)
                    let locked = try session.query("SELECT 1 FROM scans WHERE id = $1 FOR SHARE", [.int(candidate)])
                    if !locked.isEmpty { rowsScan = candidate }
                }
                guard let rowsScan else {
                    throw StoreError(
                        code: StoreError.noSuchScan, reason: "the scan holding the rows of scan \(source) was deleted")
                }
                let own = try session.query(
                    """
                    SELECT EXISTS (SELECT 1 FROM files WHERE scan_id = $1)
                        OR EXISTS (SELECT 1 FROM findings WHERE scan_id = $1)
                        OR EXISTS (SELECT 1 FROM diagnostics WHERE scan_id = $1)
                        OR EXISTS (SELECT 1 FROM software WHERE scan_id = $1)
                        OR EXISTS (SELECT 1 FROM scan_assets WHERE scan_id = $1)
                        OR EXISTS (SELECT 1 FROM path_aliases WHERE scan_id = $1) AS own
                    """, [.int(target)])
                guard let ownRow = own.first?.makeRandomAccess(), try !ownRow.value("own", as: Bool.self) else {
                    throw StoreError(
                        code: StoreError.constraint,
                        reason: "scan \(target) already holds rows of its own; it cannot share those of scan \(source)")
                }
                try session.query("UPDATE scans SET rows_of = $1 WHERE id = $2", [.int(rowsScan), .int(target)])
            }
        }
    }

    /// `SQLiteStore.handOverSharedRows`, statement by statement inside `deleteScan`'s transaction.
    private func handOverSharedRows(of id: Int64) throws {
        let heirs = try session.query("SELECT min(id) AS heir FROM scans WHERE rows_of = $1", [.int(id)])
        guard let heir = try heirs.first?.makeRandomAccess().value("heir", as: Int64?.self) ?? nil else { return }
        let statements = [
            """
            INSERT INTO files (scan_id, path, path_display, size, modified_at, sha256)
            SELECT $2, path, path_display, size, modified_at, sha256 FROM files
            WHERE scan_id = $1 ORDER BY id
            """,
            """
            INSERT INTO scan_assets (scan_id, asset_id)
            SELECT $2, asset_id FROM scan_assets WHERE scan_id = $1
            """,
            """
            INSERT INTO findings (scan_id, ordinal, file_id, line, source, setting, usage, algorithm,
                canonical, oid, key_bits, curve, quantum_status, context, effective, origin, asset_id, note)
            SELECT $2, f.ordinal, n.id, f.line, f.source, f.setting, f.usage, f.algorithm,
                f.canonical, f.oid, f.key_bits, f.curve, f.quantum_status, f.context, f.effective,
                f.origin, f.asset_id, f.note
            FROM findings f JOIN files o ON o.id = f.file_id
                JOIN files n ON n.scan_id = $2 AND n.path = o.path
            WHERE f.scan_id = $1 ORDER BY f.ordinal
            """,
            """
            INSERT INTO diagnostics (scan_id, ordinal, path, path_display, reason, detail)
            SELECT $2, ordinal, path, path_display, reason, detail FROM diagnostics WHERE scan_id = $1
            """,
            """
            INSERT INTO software (scan_id, ordinal, name, version, source_path, source_path_display)
            SELECT $2, ordinal, name, version, source_path, source_path_display FROM software
            WHERE scan_id = $1
            """,
            """
            INSERT INTO path_aliases (scan_id, path, path_display, target, target_display, kind)
            SELECT $2, path, path_display, target, target_display, kind FROM path_aliases
            WHERE scan_id = $1
            """,
            "UPDATE scans SET rows_of = CASE WHEN id = $2 THEN NULL ELSE $2 END WHERE rows_of = $1",
        ]
        for statement in statements { try session.query(statement, [.int(id), .int(heir)]) }
    }
}
