import Foundation
import GRDB
import GRDBSQLite
import PQModel
import Synchronization

extension SQLiteStore {
    // MARK: - Assessments

    /// Starts recording an assessment of a scan (migrations `v2-assessments`, `v6-assessment-findings`): its
    /// findings are staged in a temporary table of this connection, which SQLite keeps in a file and sorts on disk
    /// (`temp_store` is FILE unless a build says otherwise), and written to `assessment_findings` in rank order when
    /// the recording finishes. Other connections do not see the stage, and staging takes no lock on the store.
    /// - Throws: `StoreError` `store.no-such-scan` when the scan is not in the store.
    func beginAssessment(scanID: Int64, order: AssessmentRecording.Order, batchSize: Int) throws(StoreError)
        -> AssessmentRecording
    {
        let staging = try SQLiteAssessmentStaging(store: self, scanID: scanID)
        return AssessmentRecording(scanID: scanID, staging: staging, order: order, batchSize: batchSize)
    }

    /// Every assessment of one scan, oldest first.
    func assessments(scanID: Int64, withFindings: Bool) throws(StoreError) -> [StoredAssessment] {
        try storeOperation("cannot read assessments of scan \(scanID) from \(label)") {
            try writer.read { db in
                try Self.storedAssessments(
                    db, sql: "SELECT id, scan_id, created_at, document FROM assessments WHERE scan_id = ? ORDER BY id",
                    arguments: [scanID], withFindings: withFindings)
            }
        }
    }

    /// The newest assessment of one scan (under one profile, when given), or nil; with its judged findings when
    /// `withFindings`, else with only those its document holds (none since v6: they are rows).
    func latestAssessment(scanID: Int64, profile: String?, withFindings: Bool, findingsPerAdjustment: Int?)
        throws(StoreError) -> StoredAssessment?
    {
        try storeOperation("cannot read assessments of scan \(scanID) from \(label)") {
            try writer.read { db in
                // A trimmed document is read apart, a chunk at a time.
                let document = findingsPerAdjustment == nil ? ", document" : ""
                var sql = "SELECT id, scan_id, created_at\(document) FROM assessments WHERE scan_id = ?"
                var arguments: StatementArguments = [scanID]
                if let profile {
                    sql += " AND profile = ?"
                    arguments += [profile]
                }
                sql += " ORDER BY id DESC LIMIT 1"
                return try Self.storedAssessments(
                    db, sql: sql, arguments: arguments, withFindings: withFindings,
                    findingsPerAdjustment: findingsPerAdjustment
                ).first
            }
        }
    }

    /// Every judged finding of one assessment in `order`, one at a time from a cursor.
    func forEachAssessedFinding(
        assessmentID: Int64, order: AssessedFindingOrder, _ body: (RankedAssessment) throws -> Void
    ) throws(StoreError) {
        try storeOperation("cannot read the findings of assessment \(assessmentID) from \(label)") {
            try writer.read { db in
                let reader = try JudgedRowReader(db, assessmentID: assessmentID)
                let rows = try Row.fetchCursor(
                    db,
                    sql: """
                        SELECT \(JudgedRowReader.columns) FROM assessment_findings WHERE assessment_id = ?
                        ORDER BY \(order.sql)
                        """,
                    arguments: [assessmentID])
                while let row = try rows.next() { try body(try reader.ranked(row)) }
            }
        }
    }

    /// The scored systems of one assessment recorded as rows (`assessment_systems`), one at a time from a cursor: in
    /// the result's order, or by score then that order; each adjustment's findings trimmed to
    /// `findingsPerAdjustment` when given (`AssessedSystemDocument`).
    func forEachAssessedSystem(
        assessmentID: Int64, byScore: Bool, limit: Int?, findingsPerAdjustment: Int?,
        _ body: (AgilityScore) throws -> Void
    ) throws(StoreError) {
        try storeOperation("cannot read the systems of assessment \(assessmentID) from \(label)") {
            try writer.read { db in
                let rows = try String.fetchCursor(
                    db,
                    sql: """
                        SELECT document FROM assessment_systems WHERE assessment_id = ?
                        ORDER BY \(AssessedSystemDocument.order(byScore: byScore)) LIMIT ?
                        """,
                    arguments: [assessmentID, limit ?? -1])
                let decoder = JSONDecoder()
                while let document = try rows.next() {
                    try body(
                        try AssessedSystemDocument.decode(
                            document, keep: findingsPerAdjustment, decoder: decoder, assessmentID: assessmentID))
                }
            }
        }
    }

    /// How many systems of one assessment are rows.
    func assessedSystemCount(assessmentID: Int64) throws(StoreError) -> Int {
        try storeOperation("cannot read the systems of assessment \(assessmentID) from \(label)") {
            try writer.read { db in
                try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM assessment_systems WHERE assessment_id = ?",
                    arguments: [assessmentID]) ?? 0
            }
        }
    }

    /// The scan's findings in `forEachFinding`'s order, each with the judged findings of the assessment that name
    /// it by its place in that order (`FindingRef.index`), in risk order. Two cursors on one connection, stepped
    /// in turn: the judged rows sorted by that place, so neither side is ever held whole.
    func forEachJudgedFinding(
        scanID: Int64, assessmentID: Int64, _ body: (Finding, [RankedAssessment]) throws -> Void
    ) throws(StoreError) {
        try storeOperation("cannot read the findings of assessment \(assessmentID) from \(label)") {
            try writer.read { db in
                let reader = try JudgedRowReader(db, assessmentID: assessmentID)
                let judgedRows = try Row.fetchCursor(
                    db,
                    sql: """
                        SELECT \(JudgedRowReader.columns) FROM assessment_findings WHERE assessment_id = ?
                        ORDER BY finding_index, position
                        """,
                    arguments: [assessmentID])
                var pending = try judgedRows.next().map(reader.ranked)
                let findingRows = try Row.fetchCursor(
                    db,
                    sql: """
                        SELECT findings.*, files.path AS file_path \(ScanRowsSQL.findingsInPathOrder("?"))
                        ORDER BY files.path, findings.line, findings.ordinal
                        """,
                    arguments: [scanID])
                var lastPathData: Data? = nil
                var lastPath = ScanPath(bytes: [])
                var index = 0
                var judged: [RankedAssessment] = []
                while let row = try findingRows.next() {
                    let pathData = try row.decode(Data.self, forColumn: "file_path")
                    if pathData != lastPathData {
                        lastPathData = pathData
                        lastPath = ScanPath(bytes: Array(pathData))
                    }
                    let finding = try FindingRow(row: row).model(path: lastPath)
                    judged.removeAll(keepingCapacity: true)
                    while let next = pending, next.assessment.finding.index <= index {
                        // An index below the current one names no finding (one per index): skipped, as a pairing
                        // by place would find nothing for it either.
                        if next.assessment.finding.index == index { judged.append(next) }
                        pending = try judgedRows.next().map(reader.ranked)
                    }
                    try body(finding, judged)
                    index += 1
                }
            }
        }
    }

    /// Reads `assessment_findings` rows (`columns`, in that order) back into judged findings, with the parts of
    /// their assessment.
    private struct JudgedRowReader {
        static let columns = JudgedRowAssembler.columns
        let assembler: JudgedRowAssembler

        init(_ db: Database, assessmentID: Int64) throws {
            let documents = try Row.fetchAll(
                db, sql: "SELECT part, document FROM assessment_parts WHERE assessment_id = ?",
                arguments: [assessmentID]
            ).map { (part: try $0.decode(atIndex: 0) as Int, document: try $0.decode(atIndex: 1) as String) }
            assembler = try JudgedRowAssembler(assessmentID: assessmentID, documents: documents)
        }

        func ranked(_ row: Row) throws -> RankedAssessment {
            try assembler.ranked(
                JudgedRowAssembler.Row(
                    findingIndex: try row.decode(atIndex: 0), path: try row.decode(atIndex: 1),
                    line: try row.decode(atIndex: 2), source: try row.decode(atIndex: 3),
                    setting: try row.decode(atIndex: 4), algorithm: try row.decode(atIndex: 5),
                    canonical: try row.decode(atIndex: 6), context: try row.decode(atIndex: 7),
                    system: try row.decode(atIndex: 8), expired: try row.decode(atIndex: 9),
                    part: try row.decode(atIndex: 10), position: try row.decode(atIndex: 11)))
        }
    }

    private static func storedAssessments(
        _ db: Database, sql: String, arguments: StatementArguments, withFindings: Bool,
        findingsPerAdjustment: Int? = nil
    ) throws -> [StoredAssessment] {
        let decoder = JSONDecoder()
        return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
            let id: Int64 = try row.decode(forColumn: "id")
            var result: AssessmentResult
            if let keep = findingsPerAdjustment {
                result = try decoder.decode(
                    AssessmentResult.self, from: Data(try trimmedDocument(db, assessmentID: id, keep: keep)))
            } else {
                let document: String = try row.decode(forColumn: "document")
                result = try decoder.decode(AssessmentResult.self, from: Data(document.utf8))
            }
            // Recorded since v5: the findings are rows of their own (older documents hold them and have no rows).
            if withFindings {
                let reader = try JudgedRowReader(db, assessmentID: id)
                var findings: [FindingAssessment] = []
                let rows = try Row.fetchCursor(
                    db,
                    sql:
                        "SELECT \(JudgedRowReader.columns) FROM assessment_findings WHERE assessment_id = ? ORDER BY position",
                    arguments: [id])
                while let row = try rows.next() { findings.append(try reader.ranked(row).assessment) }
                if !findings.isEmpty { result.findings = findings }
                // Recorded since v9: the systems are rows too (older documents hold them and have no rows).
                if result.systems.isEmpty {
                    let documents = try String.fetchCursor(
                        db, sql: "SELECT document FROM assessment_systems WHERE assessment_id = ? ORDER BY position",
                        arguments: [id])
                    while let document = try documents.next() {
                        result.systems.append(
                            try AssessedSystemDocument.decode(document, keep: nil, decoder: decoder, assessmentID: id))
                    }
                }
                result.restoreGateFindings()
            }
            return StoredAssessment(
                id: id, scanID: try row.decode(forColumn: "scan_id"),
                createdAt: try row.decode(forColumn: "created_at"),
                result: result)
        }
    }
}

extension SQLiteStore {
    /// The document of an assessment with each adjustment's findings trimmed to `keep`
    /// (`AssessmentDocumentTrimmer`), read through SQLite's incremental blob I/O a megabyte at a time, so the
    /// whole document is never in memory (`assessments.id` is the table's rowid).
    static func trimmedDocument(_ db: Database, assessmentID: Int64, keep: Int) throws -> [UInt8] {
        var handle: OpaquePointer?
        let opened = sqlite3_blob_open(db.sqliteConnection, "main", "assessments", "document", assessmentID, 0, &handle)
        defer { sqlite3_blob_close(handle) }
        guard opened == SQLITE_OK, let blob = handle else {
            throw StoreError(code: StoreError.corrupt, reason: "cannot open the document of assessment \(assessmentID)")
        }
        let size = Int(sqlite3_blob_bytes(blob))
        var trimmer = AssessmentDocumentTrimmer(keep: keep)
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        var offset = 0
        while offset < size {
            let count = min(chunk.count, size - offset)
            let read = chunk.withUnsafeMutableBytes {
                sqlite3_blob_read(blob, $0.baseAddress, Int32(count), Int32(offset))
            }
            guard read == SQLITE_OK else {
                throw StoreError(
                    code: StoreError.corrupt, reason: "cannot read the document of assessment \(assessmentID)")
            }
            trimmer.feed(chunk[0..<count])
            offset += count
        }
        return trimmer.trimmed
    }
}

/// An SQLite recording's stage: two temporary tables of the recording store's connection, the findings keyed by
/// their rank so that reading them in rank order needs no sort, and the parts.
final class SQLiteAssessmentStaging: AssessmentStaging {
    private let store: SQLiteStore
    private let scanID: Int64
    private var dropped = false

    /// The stage's findings: sort key, then the columns of `assessment_findings` but its id and position.
    private static let create = """
        DROP TABLE IF EXISTS temp.assessment_stage;
        DROP TABLE IF EXISTS temp.assessment_stage_parts;
        DROP TABLE IF EXISTS temp.assessment_stage_systems;
        CREATE TEMP TABLE assessment_stage (
            sort_score INTEGER NOT NULL, sort_index INTEGER NOT NULL,
            finding_index INTEGER NOT NULL, path TEXT NOT NULL, line INTEGER, source TEXT NOT NULL,
            setting TEXT NOT NULL, algorithm TEXT NOT NULL, canonical TEXT, context TEXT, system TEXT NOT NULL,
            expired TEXT, part INTEGER NOT NULL,
            PRIMARY KEY (sort_score DESC, sort_index ASC)
        ) WITHOUT ROWID;
        CREATE TEMP TABLE assessment_stage_parts (part INTEGER PRIMARY KEY, document TEXT NOT NULL);
        CREATE TEMP TABLE assessment_stage_systems (
            position INTEGER PRIMARY KEY, system_id TEXT NOT NULL, score INTEGER NOT NULL, grade TEXT NOT NULL,
            finding_count INTEGER NOT NULL, document TEXT NOT NULL);
        """
    static let columns =
        "finding_index, path, line, source, setting, algorithm, canonical, context, system, expired, part"

    private var context: String { "cannot record the assessment of scan \(scanID) in \(store.label)" }

    init(store: SQLiteStore, scanID: Int64) throws(StoreError) {
        self.store = store
        self.scanID = scanID
        try storeOperation(context) {
            try store.writer.writeWithoutTransaction { db in
                guard try Bool.fetchOne(db, sql: "SELECT 1 FROM scans WHERE id = ?", arguments: [scanID]) != nil else {
                    throw StoreError(code: StoreError.noSuchScan, reason: "there is no scan \(scanID)")
                }
                try db.execute(sql: Self.create)
            }
        }
    }

    func stage(_ findings: [StagedFinding], parts: [(number: Int, document: String)]) throws(StoreError) {
        try storeOperation(context) {
            try store.writer.write { db in
                let insertPart = try db.cachedStatement(
                    sql: "INSERT INTO temp.assessment_stage_parts (part, document) VALUES (?, ?)")
                for part in parts { try insertPart.execute(arguments: [part.number, part.document]) }
                let insert = try db.cachedStatement(
                    sql: """
                        INSERT INTO temp.assessment_stage (sort_score, sort_index, \(Self.columns))
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """)
                for staged in findings {
                    let assessed = staged.assessed
                    let ref = assessed.finding
                    try insert.execute(arguments: [
                        staged.sortKey.score, staged.sortKey.index, ref.index, ref.path, ref.line, ref.source,
                        ref.setting, ref.algorithm, ref.canonical, ref.context, assessed.system,
                        assessed.expired?.description, staged.part,
                    ])
                }
            }
        }
    }

    func stage(_ systems: [StagedSystem]) throws(StoreError) {
        try storeOperation(context) {
            try store.writer.write { db in
                let insert = try db.cachedStatement(
                    sql: """
                        INSERT INTO temp.assessment_stage_systems (
                            position, system_id, score, grade, finding_count, document)
                        VALUES (?, ?, ?, ?, ?, ?)
                        """)
                for system in systems {
                    try insert.execute(arguments: [
                        system.position, system.systemID, system.score, system.grade, system.findingCount,
                        system.document,
                    ])
                }
            }
        }
    }

    func forEachStagedSystem(
        _ body: (_ id: String, _ score: Int, _ grade: String, _ findingCount: Int) throws -> Void
    ) throws {
        try store.writer.read { db in
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT system_id, score, grade, finding_count FROM temp.assessment_stage_systems
                    ORDER BY position
                    """)
            while let row = try rows.next() {
                try body(
                    try row.decode(atIndex: 0), try row.decode(atIndex: 1), try row.decode(atIndex: 2),
                    try row.decode(atIndex: 3))
            }
        }
    }

    func commit(header result: AssessmentResult, document: String, createdAt: Date) throws(StoreError) -> Int64 {
        let scanID = scanID
        let id = try storeOperation(context) {
            try store.writer.write { db in
                guard try Bool.fetchOne(db, sql: "SELECT 1 FROM scans WHERE id = ?", arguments: [scanID]) != nil else {
                    throw StoreError(code: StoreError.noSuchScan, reason: "there is no scan \(scanID)")
                }
                // The document is `AssessmentDocument`'s encoding of an object, so it is valid JSON by construction;
                // SQLite's checks of it (`json_valid`, `json_type`) parse it whole into a node tree twice its size
                // and copy it twice more (84 + 74 MB for the 37 MB document of 80,000 certificates), so checks are
                // off for this one row. The other checks of the row are on values typed in Swift (a day, a score).
                try db.execute(sql: "PRAGMA ignore_check_constraints = ON")
                // A prepared statement binds its arguments in place for the step (`Statement.execute`), where
                // `Database.execute(sql:)` copies them: one copy of the document fewer.
                let insert = try db.makeStatement(
                    sql: """
                        INSERT INTO assessments (scan_id, created_at, profile, category, as_of, data_lifetime_years,
                            overall_score, gate_met, document)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """)
                let inserted = Result {
                    try insert.execute(
                        arguments: [
                            scanID, createdAt, result.profile, result.category, result.asOf.description,
                            result.dataLifetimeYears, result.overall.score, result.gate.map { $0.met ? 1 : 0 },
                            document,
                        ])
                }
                try db.execute(sql: "PRAGMA ignore_check_constraints = OFF")
                try inserted.get()
                let id = db.lastInsertedRowID
                try db.execute(
                    sql: """
                        INSERT INTO assessment_parts (assessment_id, part, document)
                        SELECT ?, part, document FROM temp.assessment_stage_parts ORDER BY part
                        """,
                    arguments: [id])
                try Self.copyStage(db, assessmentID: id)
                try db.execute(
                    sql: """
                        INSERT INTO assessment_systems (assessment_id, position, system_id, score, document)
                        SELECT ?, position, system_id, score, document FROM temp.assessment_stage_systems
                        ORDER BY position
                        """,
                    arguments: [id])
                return id
            }
        }
        discard()
        return id
    }

    /// Copies the stage into `assessment_findings` in rank order, each row's position its place in that order.
    ///
    /// The stage's key is the rank, so SQLite reads it in key order without a sort, and the positions are counted
    /// as the rows come (`pqs_next_position`). `row_number() OVER (ORDER BY ...)` gave the same positions, but
    /// SQLite's window buffers its whole partition in a temporary table first: 8.6 GB at a million files, a third
    /// copy of the judged findings beside the stage and the table. Should SQLite ever plan a sort here, a counter
    /// would number the rows before they are sorted, so the window is used then.
    static func copyStage(_ db: Database, assessmentID: Int64) throws {
        let order = RiskRank.sqlOrder(score: "sort_score", index: "sort_index")
        let counted = """
            INSERT INTO assessment_findings (assessment_id, position, \(columns))
            SELECT ?, pqs_next_position(), \(columns) FROM temp.assessment_stage ORDER BY \(order)
            """
        let counter = PositionCounter()
        let next = DatabaseFunction("pqs_next_position", argumentCount: 0, pure: false) { _ in counter.next() }
        db.add(function: next)
        defer { db.remove(function: next) }
        let plan = try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + counted, arguments: [assessmentID])
            .map { row -> String in row["detail"] }
        if plan.contains(where: { $0.contains("TEMP B-TREE") }) {
            try db.execute(
                sql: """
                    INSERT INTO assessment_findings (assessment_id, position, \(columns))
                    SELECT ?, row_number() OVER (ORDER BY \(order)) - 1, \(columns)
                    FROM temp.assessment_stage ORDER BY \(order)
                    """,
                arguments: [assessmentID])
        } else {
            try db.execute(sql: counted, arguments: [assessmentID])
        }
    }

    func discard() {
        guard !dropped else { return }
        dropped = true
        _ = try? store.writer.writeWithoutTransaction { db in
            try db.execute(
                sql: """
                    DROP TABLE IF EXISTS temp.assessment_stage; DROP TABLE IF EXISTS temp.assessment_stage_parts;
                    DROP TABLE IF EXISTS temp.assessment_stage_systems
                    """)
        }
    }
}

/// The positions `SQLiteAssessmentStaging.copyStage` hands out, 0, 1, 2, ... in the order SQLite asks.
private final class PositionCounter: Sendable {
    private let count = Mutex(0)

    func next() -> Int {
        count.withLock { value in
            defer { value += 1 }
            return value
        }
    }
}
