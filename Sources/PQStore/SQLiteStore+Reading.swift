import Foundation
import GRDB
import PQModel

extension SQLiteStore {
    // MARK: - Scans

    /// Every scan, oldest first. An unfinished scan's counts are recomputed from its rows.
    func scans() throws(StoreError) -> [ScanRecord] {
        try storeOperation("cannot read scans from \(label)") {
            try writer.read { db in
                try ScanRow.fetchAll(db, sql: "SELECT * FROM scans ORDER BY id").map { row throws in
                    try Self.model(row, db)
                }
            }
        }
    }

    /// The scan with this id, or nil. An unfinished scan's counts are recomputed from its rows.
    func scan(id: Int64) throws(StoreError) -> ScanRecord? {
        try storeOperation("cannot read scan \(id) from \(label)") {
            try writer.read { db in
                try ScanRow.fetchOne(db, sql: "SELECT * FROM scans WHERE id = ?", arguments: [id]).map { row throws in
                    try Self.model(row, db)
                }
            }
        }
    }

    func fleetSummary() throws(StoreError) -> [FleetScanSummary] {
        let sql = FleetSummarySQL.query(verdicts: "json_extract(a.document, '$.summary.byState')")
        return try storeOperation("cannot read the fleet from \(label)") {
            try writer.read { db in
                try Row.fetchAll(db, sql: sql).map { row throws -> FleetScanSummary in
                    let scan = try ScanRow(row: row).model()
                    let id: Int64? = row["assessment_id"]
                    let profile: String? = row["assessment_profile"]
                    let score: Int? = row["assessment_score"]
                    let gateMet: Int? = row["assessment_gate_met"]
                    let verdicts: String? = row["assessment_by_verdict"]
                    return try FleetSummarySQL.summary(
                        scan: scan, assessmentID: id, profile: profile, score: score, gateMet: gateMet,
                        byVerdict: verdicts)
                }
            }
        }
    }

    func latestCompleteScanID(kind: ScanRecord.Kind?, host: String?) throws(StoreError) -> Int64? {
        var sql = "SELECT max(id) FROM scans WHERE status = 'complete'"
        var arguments: StatementArguments = []
        if let kind {
            sql += " AND kind = ?"
            arguments += [kind.rawValue]
        }
        if let host {
            sql += " AND host = ?"
            arguments += [host]
        }
        return try storeOperation("cannot read scans from \(label)") {
            try writer.read { db in try Int64.fetchOne(db, sql: sql, arguments: arguments) }
        }
    }

    /// The figures of a scan recomputed from its rows: what an interrupted scan actually holds.
    /// - Throws: `StoreError` `store.no-such-scan`.
    func counts(scanID: Int64) throws(StoreError) -> ScanCounts {
        try storeOperation("cannot count scan \(scanID) in \(label)") {
            try writer.read { db in
                guard try Bool.fetchOne(db, sql: "SELECT 1 FROM scans WHERE id = ?", arguments: [scanID]) != nil
                else {
                    throw StoreError(code: StoreError.noSuchScan, reason: "there is no scan \(scanID)")
                }
                return try Self.counts(db, scanID: scanID)
            }
        }
    }

    private static func model(_ row: ScanRow, _ db: Database) throws -> ScanRecord {
        guard row.finishedAt == nil, let id = row.id else { return try row.model() }
        return try row.model(counts: counts(db, scanID: id))
    }

    private static func counts(_ db: Database, scanID: Int64) throws -> ScanCounts {
        let rows = ScanRowsSQL.rowsOf(":id")
        let row = try Row.fetchOne(
            db,
            sql: """
                SELECT (SELECT count(*) FROM files WHERE scan_id = \(rows)),
                    (SELECT count(DISTINCT file_id) FROM findings WHERE scan_id = \(rows)),
                    (SELECT count(*) FROM findings WHERE scan_id = \(rows)),
                    (SELECT count(*) FROM scan_assets WHERE scan_id = \(rows)),
                    (SELECT count(*) FROM diagnostics WHERE scan_id = \(rows))
                """,
            arguments: ["id": scanID])
        guard let row else { return ScanCounts() }
        var byStatus: [String: Int] = [:]
        let statusRows = try Row.fetchCursor(
            db,
            sql:
                "SELECT quantum_status, count(*) FROM findings WHERE scan_id = \(ScanRowsSQL.rowsOf("?")) GROUP BY quantum_status",
            arguments: [scanID])
        while let statusRow = try statusRows.next() {
            byStatus[try statusRow.decode(String.self, atIndex: 0)] = try statusRow.decode(Int.self, atIndex: 1)
        }
        return ScanCounts(
            filesExamined: try row.decode(atIndex: 0), filesWithFindings: try row.decode(atIndex: 1),
            findings: try row.decode(atIndex: 2), assets: try row.decode(atIndex: 3),
            diagnostics: try row.decode(atIndex: 4), byStatus: byStatus)
    }

    // MARK: - Rows of one scan

    /// The findings of one scan that match `query`, in `InventoryStore.findings(_:)`'s order, from a cursor.
    func forEachFinding(_ query: FindingQuery, _ body: (Finding) throws -> Void) throws(StoreError) {
        var sql = """
            SELECT findings.*, files.path AS file_path \(ScanRowsSQL.findingsInPathOrder("?"))
            """
        var arguments: StatementArguments = [query.scanID]
        if let usage = query.usage {
            sql += " AND findings.usage = ?"
            arguments += [usage.rawValue]
        }
        if let status = query.status {
            sql += " AND findings.quantum_status = ?"
            arguments += [status.rawValue]
        }
        if let source = query.source {
            sql += " AND findings.source = ?"
            arguments += [source.rawValue]
        }
        sql += " ORDER BY files.path, findings.line, findings.ordinal"
        return try storeOperation("cannot read findings of scan \(query.scanID) from \(label)") {
            try writer.read { db in
                var lastPathData: Data? = nil
                var lastPath = ScanPath(bytes: [])
                var lastPathMatches = true
                let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
                while let row = try rows.next() {
                    let pathData = try row.decode(Data.self, forColumn: "file_path")
                    if pathData != lastPathData {
                        lastPathData = pathData
                        lastPath = ScanPath(bytes: Array(pathData))
                        // In Swift, not SQL: SQLite's GLOB is another dialect than every other pattern PQScout takes.
                        lastPathMatches = query.pathPattern?.matches(lastPath) ?? true
                    }
                    guard lastPathMatches else { continue }
                    try body(try FindingRow(row: row).model(path: lastPath))
                }
            }
        }
    }

    /// The findings of several scans in one walk: by path bytes, then (at one path) by scan id, then line and
    /// ordinal. Each scan's findings come from its own cursor in the inventory's order (`findingsInPathOrder`, an
    /// index walk), and the cursors are merged here: one query ordering both scans together sorted every finding
    /// of the two in a temporary b-tree (two 1M-file scans: 71 million rows).
    func forEachFinding(ofScans scanIDs: [Int64], _ body: (Int64, Finding) throws -> Void) throws(StoreError) {
        let scanIDs = scanIDs.reduce(into: [Int64]()) { if !$0.contains($1) { $0.append($1) } }.sorted()
        let sql = """
            SELECT findings.*, files.path AS file_path \(ScanRowsSQL.findingsInPathOrder("?"))
            ORDER BY files.path, findings.line, findings.ordinal
            """
        let names = scanIDs.map(String.init).joined(separator: " and ")
        return try storeOperation("cannot read findings of scans \(names) from \(label)") {
            try writer.read { db in
                // One cursor per scan (two cursors may read the same shared rows), and the row each is at.
                var cursors: [(scanID: Int64, rows: RowCursor, path: Data, row: Row)] = []
                for scanID in scanIDs {
                    let rows = try Row.fetchCursor(db, sql: sql, arguments: [scanID])
                    if let row = try rows.next() {
                        cursors.append((scanID, rows, try row.decode(Data.self, forColumn: "file_path"), row))
                    }
                }
                while !cursors.isEmpty {
                    // Path bytes as SQLite orders a BLOB (memcmp, then length); ties go to the lowest scan id,
                    // which comes first in `cursors`.
                    var next = 0
                    for index in cursors.indices.dropFirst()
                    where cursors[index].path.lexicographicallyPrecedes(cursors[next].path) {
                        next = index
                    }
                    let path = cursors[next].path
                    let scanPath = ScanPath(bytes: Array(path))
                    while true {
                        try body(cursors[next].scanID, try FindingRow(row: cursors[next].row).model(path: scanPath))
                        guard let row = try cursors[next].rows.next() else {
                            cursors.remove(at: next)
                            break
                        }
                        let rowPath = try row.decode(Data.self, forColumn: "file_path")
                        cursors[next].path = rowPath
                        cursors[next].row = row
                        if rowPath != path { break }
                    }
                }
            }
        }
    }

    /// The diagnostics of one scan, ordered by path bytes, then recording order.
    func diagnostics(scanID: Int64) throws(StoreError) -> [Diagnostic] {
        try storeOperation("cannot read diagnostics of scan \(scanID) from \(label)") {
            try writer.read { db in
                try DiagnosticRow.fetchAll(
                    db,
                    sql: "SELECT * FROM diagnostics WHERE scan_id = \(ScanRowsSQL.rowsOf("?")) ORDER BY path, ordinal",
                    arguments: [scanID]
                ).map { row throws in try row.model }
            }
        }
    }

    /// The diagnostics of one scan from a cursor, in `diagnostics(scanID:)`' order, at most `limit` when given.
    func forEachDiagnostic(scanID: Int64, limit: Int?, _ body: (Diagnostic) throws -> Void) throws(StoreError) {
        var sql = "SELECT * FROM diagnostics WHERE scan_id = \(ScanRowsSQL.rowsOf("?")) ORDER BY path, ordinal"
        var arguments: StatementArguments = [scanID]
        if let limit {
            sql += " LIMIT ?"
            arguments += [max(0, limit)]
        }
        try storeOperation("cannot read diagnostics of scan \(scanID) from \(label)") {
            try writer.read { db in
                let rows = try DiagnosticRow.fetchCursor(db, sql: sql, arguments: arguments)
                while let row = try rows.next() { try body(try row.model) }
            }
        }
    }

    /// How many diagnostics of one scan give each reason.
    func diagnosticCounts(scanID: Int64) throws(StoreError) -> [Diagnostic.Reason: Int] {
        try storeOperation("cannot count diagnostics of scan \(scanID) in \(label)") {
            try writer.read { db in
                var counts: [Diagnostic.Reason: Int] = [:]
                let rows = try Row.fetchCursor(
                    db,
                    sql:
                        "SELECT reason, count(*) FROM diagnostics WHERE scan_id = \(ScanRowsSQL.rowsOf("?")) GROUP BY reason",
                    arguments: [scanID])
                while let row = try rows.next() {
                    let reason = try DiagnosticRow.countedReason(
                        try row.decode(String.self, atIndex: 0), scanID: scanID)
                    counts[reason] = try row.decode(Int.self, atIndex: 1)
                }
                return counts
            }
        }
    }

    /// The assets one scan saw (recorded in a batch or named by a finding), ordered by id, with their
    /// certificate and key details.
    func assets(scanID: Int64) throws(StoreError) -> [Asset] {
        try assetRows(scanID: scanID, after: nil, limit: nil)
    }

    func assets(scanID: Int64, after: String?, limit: Int) throws(StoreError) -> [Asset] {
        try assetRows(scanID: scanID, after: after, limit: limit)
    }

    /// The scan's assets by id, those after `after` and the first `limit` when given; each page's details are
    /// read for its ids only.
    private func assetRows(scanID: Int64, after: String?, limit: Int?) throws(StoreError) -> [Asset] {
        try storeOperation("cannot read assets of scan \(scanID) from \(label)") {
            try writer.read { db in
                let link =
                    "JOIN scan_assets ON scan_assets.asset_id = %@ WHERE scan_assets.scan_id = \(ScanRowsSQL.rowsOf("?"))"
                var sql = "SELECT assets.* FROM assets " + String(format: link, "assets.id")
                var arguments: StatementArguments = [scanID]
                if let after {
                    sql += " AND assets.id > ?"
                    arguments += [after]
                }
                sql += " ORDER BY assets.id"
                if let limit {
                    sql += " LIMIT ?"
                    arguments += [max(0, limit)]
                }
                let rows = try AssetRow.fetchAll(db, sql: sql, arguments: arguments)
                guard let first = rows.first?.id, let last = rows.last?.id else { return [] }
                // The details of this page's ids: the same link, bounded by the page's first and last id.
                let within = " AND %@ >= ? AND %@ <= ?"
                let certificates = try CertificateRow.fetchAll(
                    db,
                    sql: "SELECT certificates.* FROM certificates "
                        + String(
                            format: link + within, "certificates.asset_id", "certificates.asset_id",
                            "certificates.asset_id"),
                    arguments: [scanID, first, last])
                let keys = try KeyRow.fetchAll(
                    db,
                    sql: "SELECT keys.* FROM keys "
                        + String(format: link + within, "keys.asset_id", "keys.asset_id", "keys.asset_id"),
                    arguments: [scanID, first, last])
                let certificateByID = Dictionary(certificates.map { ($0.assetId, $0.model) }) { first, _ in first }
                let keyByID = Dictionary(keys.map { ($0.assetId, $0.model) }) { first, _ in first }
                return try rows.map { row throws in
                    try row.model(certificate: certificateByID[row.id], key: keyByID[row.id])
                }
            }
        }
    }

    func forEachFindingWithCertificate(scanID: Int64, _ body: (Finding, CertificateDetails?) throws -> Void)
        throws(StoreError)
    {
        // The certificate's columns without its `asset_id`: `CertificateRow` then reads the finding's, the same id.
        let sql = """
            SELECT findings.*, files.path AS file_path, \(Self.certificateDetailColumns)
            \(ScanRowsSQL.findingsInPathOrder("?", more: "LEFT JOIN certificates ON certificates.asset_id = findings.asset_id"))
            ORDER BY files.path, findings.line, findings.ordinal
            """
        return try storeOperation("cannot read findings of scan \(scanID) from \(label)") {
            try writer.read { db in
                var lastPathData: Data? = nil
                var lastPath = ScanPath(bytes: [])
                let rows = try Row.fetchCursor(db, sql: sql, arguments: [scanID])
                while let row = try rows.next() {
                    let pathData = try row.decode(Data.self, forColumn: "file_path")
                    if pathData != lastPathData {
                        lastPathData = pathData
                        lastPath = ScanPath(bytes: Array(pathData))
                    }
                    let finding = try FindingRow(row: row).model(path: lastPath)
                    let subject: String? = row["subject"]
                    let certificate = subject == nil ? nil : try CertificateRow(row: row).model
                    try body(finding, certificate)
                }
            }
        }
    }

    /// `certificates`' columns but `asset_id`.
    static let certificateDetailColumns = """
        certificates.subject, certificates.issuer, certificates.serial, certificates.not_before, \
        certificates.not_after, certificates.signature_oid, certificates.signature_algorithm, \
        certificates.public_key_oid, certificates.sha256, certificates.public_key_id, certificates.is_ca, \
        certificates.self_signed
        """

    func issuerCertificates(scanID: Int64) throws(StoreError) -> [Asset] {
        let sql = """
            SELECT assets.*, certificates.*
            \(ScanRowsSQL.issuerCertificates("?"))
            """
        return try storeOperation("cannot read certificates of scan \(scanID) from \(label)") {
            try writer.read { db in
                let assetColumns = try db.columns(in: AssetRow.databaseTableName).count
                let adapter = ScopeAdapter([
                    "asset": RangeRowAdapter(0..<assetColumns),
                    "certificate": SuffixRowAdapter(fromIndex: assetColumns),
                ])
                var out: [Asset] = []
                let rows = try Row.fetchCursor(db, sql: sql, arguments: [scanID, scanID], adapter: adapter)
                while let row = try rows.next() {
                    guard let assetRow = row.scopes["asset"], let certificateRow = row.scopes["certificate"] else {
                        continue
                    }
                    out.append(
                        try AssetRow(row: assetRow).model(
                            certificate: try CertificateRow(row: certificateRow).model, key: nil))
                }
                return out
            }
        }
    }

    /// The certificate assets of one scan, soonest `not_after` first (a certificate without details last), then by
    /// id, at most `limit`. `not_after` is GRDB's fixed-width UTC text, so its text order is its time order.
    func forEachCertificate(scanID: Int64, limit: Int?, _ body: (Asset) throws -> Void) throws(StoreError) {
        var sql = """
            SELECT assets.*, certificates.* FROM scan_assets
            JOIN assets ON assets.id = scan_assets.asset_id
            LEFT JOIN certificates ON certificates.asset_id = assets.id
            WHERE scan_assets.scan_id = \(ScanRowsSQL.rowsOf("?")) AND assets.kind = 'certificate'
            ORDER BY certificates.not_after IS NULL, certificates.not_after, assets.id
            """
        var arguments: StatementArguments = [scanID]
        if let limit {
            sql += " LIMIT ?"
            arguments += [max(0, limit)]
        }
        try storeOperation("cannot read certificates of scan \(scanID) from \(label)") {
            try writer.read { db in
                let assetColumns = try db.columns(in: AssetRow.databaseTableName).count
                let adapter = ScopeAdapter([
                    "asset": RangeRowAdapter(0..<assetColumns),
                    "certificate": SuffixRowAdapter(fromIndex: assetColumns),
                ])
                let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments, adapter: adapter)
                while let row = try rows.next() {
                    guard let assetRow = row.scopes["asset"], let certificateRow = row.scopes["certificate"] else {
                        continue
                    }
                    let certificate: CertificateDetails? =
                        certificateRow.hasNull(atIndex: 0) ? nil : try CertificateRow(row: certificateRow).model
                    try body(try AssetRow(row: assetRow).model(certificate: certificate, key: nil))
                }
            }
        }
    }

    func forEachAsset(scanID: Int64, walk: AssetWalk, _ body: (Asset, [Finding]) throws -> Void) throws(StoreError) {
        let sql = AssetWalkSQL.query(walk, scan: "?", dialect: .sqlite)
        try storeOperation("cannot read assets of scan \(scanID) from \(label)") {
            try writer.read { db in
                var current: Asset?
                var findings: [Finding] = []
                let rows = try Row.fetchCursor(db, sql: sql, arguments: [scanID, scanID])
                while let row = try rows.next() {
                    if try row.decode(Int.self, forColumn: "walk_part") == 0 {
                        if let current { try body(current, findings) }
                        findings.removeAll(keepingCapacity: true)
                        current = try Self.walkedAsset(row)
                    } else {
                        let path = ScanPath(bytes: Array(try row.decode(Data.self, forColumn: "file_path")))
                        findings.append(try FindingRow(row: row).model(path: path))
                    }
                }
                if let current { try body(current, findings) }
            }
        }
    }

    /// The asset of a `walk_part` 0 row of `AssetWalkSQL`.
    private static func walkedAsset(_ row: Row) throws -> Asset {
        var certificate: CertificateDetails?
        if try row.decode(String?.self, forColumn: "c_asset_id") != nil {
            certificate = CertificateDetails(
                subject: try row.decode(forColumn: "c_subject"), issuer: try row.decode(forColumn: "c_issuer"),
                serial: try row.decode(forColumn: "c_serial"), notBefore: try row.decode(forColumn: "c_not_before"),
                notAfter: try row.decode(forColumn: "c_not_after"),
                signatureOID: try row.decode(forColumn: "c_signature_oid"),
                signatureAlgorithm: try row.decode(forColumn: "c_signature_algorithm"),
                publicKeyOID: try row.decode(forColumn: "c_public_key_oid"),
                sha256: try row.decode(forColumn: "c_sha256"),
                publicKeyID: try row.decode(forColumn: "c_public_key_id"), isCA: try row.decode(forColumn: "c_is_ca"),
                selfSigned: try row.decode(forColumn: "c_self_signed"))
        }
        var key: KeyDetails?
        if try row.decode(String?.self, forColumn: "k_asset_id") != nil {
            key = KeyDetails(
                format: try row.decode(forColumn: "k_format"), isPrivate: try row.decode(forColumn: "k_is_private"),
                encrypted: try row.decode(forColumn: "k_encrypted"))
        }
        return try AssetRow(
            id: try row.decode(forColumn: "walk_asset"), kind: try row.decode(forColumn: "a_kind"),
            algorithm: try row.decode(forColumn: "a_algorithm"), canonical: try row.decode(forColumn: "a_canonical"),
            oid: try row.decode(forColumn: "a_oid"), keyBits: try row.decode(forColumn: "a_key_bits"),
            curve: try row.decode(forColumn: "a_curve")
        ).model(certificate: certificate, key: key)
    }

    /// How many assets one scan saw, and how many of them are certificates.
    func assetCounts(scanID: Int64) throws(StoreError) -> (assets: Int, certificates: Int) {
        try storeOperation("cannot count assets of scan \(scanID) in \(label)") {
            try writer.read { db in
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT count(*), coalesce(sum(assets.kind = 'certificate'), 0) FROM scan_assets
                        JOIN assets ON assets.id = scan_assets.asset_id
                        WHERE scan_assets.scan_id = \(ScanRowsSQL.rowsOf("?"))
                        """, arguments: [scanID])
                return (try row?.decode(Int.self, atIndex: 0) ?? 0, try row?.decode(Int.self, atIndex: 1) ?? 0)
            }
        }
    }

    /// The software records of one scan, ordered by name, version, source path, then recording order.
    func software(scanID: Int64) throws(StoreError) -> [Software] {
        try storeOperation("cannot read software of scan \(scanID) from \(label)") {
            try writer.read { db in
                try SoftwareRow.fetchAll(
                    db,
                    sql:
                        "SELECT * FROM software WHERE scan_id = \(ScanRowsSQL.rowsOf("?")) ORDER BY name, version, source_path, ordinal",
                    arguments: [scanID]
                ).map(\.model)
            }
        }
    }

    /// The links one scan recorded as aliases of their targets, ordered by path bytes.
    func aliases(scanID: Int64) throws(StoreError) -> [PathAlias] {
        try storeOperation("cannot read aliases of scan \(scanID) from \(label)") {
            try writer.read { db in
                try Row.fetchAll(
                    db,
                    sql:
                        "SELECT path, target, kind FROM path_aliases WHERE scan_id = \(ScanRowsSQL.rowsOf("?")) ORDER BY path",
                    arguments: [scanID]
                ).map { row throws in
                    let path: Data = row["path"]
                    let target: Data = row["target"]
                    let kindText: String = row["kind"]
                    guard let kind = PathAlias.Kind(rawValue: kindText) else {
                        throw StoreError(code: StoreError.constraint, reason: "unknown alias kind \(kindText)")
                    }
                    return PathAlias(
                        path: ScanPath(bytes: Array(path)), target: ScanPath(bytes: Array(target)), kind: kind)
                }
            }
        }
    }

    /// The files one scan examined, ordered by path bytes.
    func files(scanID: Int64) throws(StoreError) -> [FileRecord] {
        try fileRows(scanID: scanID, after: nil, limit: nil)
    }

    func files(scanID: Int64, after: ScanPath?, limit: Int) throws(StoreError) -> [FileRecord] {
        try fileRows(scanID: scanID, after: after, limit: limit)
    }

    private func fileRows(scanID: Int64, after: ScanPath?, limit: Int?) throws(StoreError) -> [FileRecord] {
        var sql = "SELECT * FROM files WHERE scan_id = \(ScanRowsSQL.rowsOf("?"))"
        var arguments: StatementArguments = [scanID]
        if let after {
            sql += " AND path > ?"
            arguments += [Data(after.bytes)]
        }
        sql += " ORDER BY path"
        if let limit {
            sql += " LIMIT ?"
            arguments += [max(0, limit)]
        }
        return try storeOperation("cannot read files of scan \(scanID) from \(label)") {
            try writer.read { db in
                try FileRow.fetchAll(db, sql: sql, arguments: arguments)
                    .map {
                        FileRecord(
                            path: ScanPath(bytes: Array($0.path)), size: $0.size, modified: $0.modifiedAt,
                            sha256: $0.sha256)
                    }
            }
        }
    }

    func file(scanID: Int64, path: ScanPath) throws(StoreError) -> FileRecord? {
        try storeOperation("cannot read file \(path.display) of scan \(scanID) from \(label)") {
            try writer.read { db in
                try FileRow.fetchOne(
                    db, sql: "SELECT * FROM files WHERE scan_id = \(ScanRowsSQL.rowsOf("?")) AND path = ?",
                    arguments: [scanID, Data(path.bytes)]
                )
                .map {
                    FileRecord(
                        path: ScanPath(bytes: Array($0.path)), size: $0.size, modified: $0.modifiedAt,
                        sha256: $0.sha256)
                }
            }
        }
    }
}
