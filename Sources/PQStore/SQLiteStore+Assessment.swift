import Foundation
import GRDB
import PQModel

extension SQLiteStore {
    // MARK: - Assessments

    /// Keeps an assessment with the scan it judged (migrations `v2-assessments`, `v6-assessment-findings`).
    ///
    /// The result is stored as its JSON form, so a later PQScout reads it back as it was written: each judged
    /// finding is one row of `assessment_findings` in the result's order, what findings share (`SharedPart`) one
    /// row of `assessment_parts`, and the rest one document. Rows go through prepared statements, so recording
    /// never holds the result as text (1.78 million findings are about 2.2 GB of JSON, past SQLite's limit on a value).
    /// - Returns: The assessment's id.
    /// - Throws: `StoreError` `store.no-such-scan` when the scan is not in the store, or a write failure.
    func recordAssessment(_ result: AssessmentResult, createdAt: Date) throws(StoreError) -> Int64 {
        try storeOperation("cannot record the assessment of scan \(result.scanID) in \(label)") {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            var header = result
            header.findings = []
            let document = String(decoding: try encoder.encode(header), as: UTF8.self)
            return try writer.write { db in
                guard try Bool.fetchOne(db, sql: "SELECT 1 FROM scans WHERE id = ?", arguments: [result.scanID]) != nil
                else {
                    throw StoreError(code: StoreError.noSuchScan, reason: "there is no scan \(result.scanID)")
                }
                try db.execute(
                    sql: """
                        INSERT INTO assessments (scan_id, created_at, profile, category, as_of, data_lifetime_years,
                            overall_score, gate_met, document)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        result.scanID, createdAt, result.profile, result.category, result.asOf.description,
                        result.dataLifetimeYears, result.overall.score, result.gate.map { $0.met ? 1 : 0 }, document,
                    ])
                let id = db.lastInsertedRowID
                let insertPart = try db.makeStatement(
                    sql: "INSERT INTO assessment_parts (assessment_id, part, document) VALUES (?, ?, ?)")
                let insertFinding = try db.makeStatement(
                    sql: """
                        INSERT INTO assessment_findings (assessment_id, position, finding_index, path, line, source,
                            setting, algorithm, canonical, context, system, expired, part)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """)
                var parts: [SharedPart: Int] = [:]
                for (position, assessed) in result.findings.enumerated() {
                    let shared = SharedPart(assessed)
                    let part: Int
                    if let known = parts[shared] {
                        part = known
                    } else {
                        part = parts.count
                        parts[shared] = part
                        let text = String(decoding: try encoder.encode(shared), as: UTF8.self)
                        try insertPart.execute(arguments: [id, part, text])
                    }
                    let ref = assessed.finding
                    try insertFinding.execute(arguments: [
                        id, position, ref.index, ref.path, ref.line, ref.source, ref.setting, ref.algorithm,
                        ref.canonical, ref.context, assessed.system, assessed.expired?.description, part,
                    ])
                }
                return id
            }
        }
    }

    /// What a judged finding holds beside its reference, system and expiry: the same few values for most findings
    /// of a scan.
    struct SharedPart: Codable, Hashable {
        var quantumStatus: QuantumStatus
        var effective: Bool
        var verdict: PolicyVerdict
        var risk: RiskPriority
        var overrun: CertificateOverrun?
        var waiver: WaiverStatus?

        init(_ assessed: FindingAssessment) {
            quantumStatus = assessed.quantumStatus
            effective = assessed.effective
            verdict = assessed.verdict
            risk = assessed.risk
            overrun = assessed.overrun
            waiver = assessed.waiver
        }

        func assessment(of ref: FindingRef, system: String, expired: CalendarDay?) -> FindingAssessment {
            FindingAssessment(
                finding: ref, quantumStatus: quantumStatus, effective: effective, verdict: verdict, risk: risk,
                overrun: overrun, waiver: waiver, system: system, expired: expired)
        }
    }

    /// Every assessment of one scan, oldest first.
    func assessments(scanID: Int64) throws(StoreError) -> [StoredAssessment] {
        try storeOperation("cannot read assessments of scan \(scanID) from \(label)") {
            try writer.read { db in
                try Self.storedAssessments(
                    db, sql: "SELECT id, scan_id, created_at, document FROM assessments WHERE scan_id = ? ORDER BY id",
                    arguments: [scanID], withFindings: true)
            }
        }
    }

    /// The newest assessment of one scan (under one profile, when given), or nil; with its judged findings when
    /// `withFindings`, else with only those its document holds (none since v6: they are rows).
    func latestAssessment(scanID: Int64, profile: String?, withFindings: Bool) throws(StoreError)
        -> StoredAssessment?
    {
        try storeOperation("cannot read assessments of scan \(scanID) from \(label)") {
            try writer.read { db in
                var sql = "SELECT id, scan_id, created_at, document FROM assessments WHERE scan_id = ?"
                var arguments: StatementArguments = [scanID]
                if let profile {
                    sql += " AND profile = ?"
                    arguments += [profile]
                }
                sql += " ORDER BY id DESC LIMIT 1"
                return try Self.storedAssessments(db, sql: sql, arguments: arguments, withFindings: withFindings)
                    .first
            }
        }
    }

    /// Every judged finding of one assessment in its order (risk, highest first), one at a time from a cursor.
    func forEachAssessedFinding(assessmentID: Int64, _ body: (RankedAssessment) throws -> Void) throws(StoreError) {
        try storeOperation("cannot read the findings of assessment \(assessmentID) from \(label)") {
            try writer.read { db in
                let reader = try JudgedRowReader(db, assessmentID: assessmentID)
                let rows = try Row.fetchCursor(
                    db,
                    sql:
                        "SELECT \(JudgedRowReader.columns) FROM assessment_findings WHERE assessment_id = ? ORDER BY position",
                    arguments: [assessmentID])
                while let row = try rows.next() { try body(try reader.ranked(row)) }
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
                        SELECT findings.*, files.path AS file_path FROM findings
                        JOIN files ON files.id = findings.file_id
                        WHERE findings.scan_id = ? ORDER BY files.path, findings.line, findings.ordinal
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
        static let columns =
            "finding_index, path, line, source, setting, algorithm, canonical, context, system, expired, part, position"

        let assessmentID: Int64
        var parts: [Int: SharedPart] = [:]
        // FindingRef is made from a finding; every field is then set from the row.
        let blank = FindingRef(
            index: 0,
            finding: Finding(
                path: ScanPath(bytes: []), source: "", setting: "", usage: .cipher,
                algorithm: "", quantumStatus: .vulnerable))

        init(_ db: Database, assessmentID: Int64) throws {
            self.assessmentID = assessmentID
            let decoder = JSONDecoder()
            let partRows = try Row.fetchCursor(
                db, sql: "SELECT part, document FROM assessment_parts WHERE assessment_id = ?",
                arguments: [assessmentID])
            while let part = try partRows.next() {
                let text: String = try part.decode(atIndex: 1)
                parts[try part.decode(atIndex: 0)] = try decoder.decode(SharedPart.self, from: Data(text.utf8))
            }
        }

        func ranked(_ row: Row) throws -> RankedAssessment {
            let number: Int = try row.decode(atIndex: 10)
            guard let shared = parts[number] else {
                throw StoreError(
                    code: StoreError.corrupt,
                    reason: "assessment \(assessmentID) names a part \(number) it does not hold")
            }
            var ref = blank
            ref.index = try row.decode(atIndex: 0)
            ref.path = try row.decode(atIndex: 1)
            ref.line = try row.decode(atIndex: 2)
            ref.source = try row.decode(atIndex: 3)
            ref.setting = try row.decode(atIndex: 4)
            ref.algorithm = try row.decode(atIndex: 5)
            ref.canonical = try row.decode(atIndex: 6)
            ref.context = try row.decode(atIndex: 7)
            let expiredText: String? = try row.decode(atIndex: 9)
            let expired = try expiredText.map { text throws in
                guard let day = CalendarDay(text) else {
                    throw StoreError(
                        code: StoreError.corrupt, reason: "assessment \(assessmentID) holds the day \(text)")
                }
                return day
            }
            return RankedAssessment(
                position: try row.decode(atIndex: 11),
                assessment: shared.assessment(of: ref, system: try row.decode(atIndex: 8), expired: expired))
        }
    }

    private static func storedAssessments(
        _ db: Database, sql: String, arguments: StatementArguments, withFindings: Bool
    ) throws -> [StoredAssessment] {
        let decoder = JSONDecoder()
        return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
            let id: Int64 = try row.decode(forColumn: "id")
            let document: String = try row.decode(forColumn: "document")
            var result = try decoder.decode(AssessmentResult.self, from: Data(document.utf8))
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
            }
            return StoredAssessment(
                id: id, scanID: try row.decode(forColumn: "scan_id"),
                createdAt: try row.decode(forColumn: "created_at"),
                result: result)
        }
    }
}
