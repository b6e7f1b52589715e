import Foundation
import GRDB
import PQModel

extension InventoryStore {
    // MARK: - Assessments

    /// Keeps an assessment with the scan it judged (migrations `v2-assessments`, `v5-assessment-findings`).
    ///
    /// The result is stored as its JSON form, so a later PQScout reads it back as it was written: the judged
    /// findings one row each in `assessment_findings`, in the result's order, and the rest as one document. Each
    /// finding is encoded alone and written through one prepared statement, so recording never holds the whole
    /// result as text (1.78 million findings were over 2 GB of JSON, past SQLite's limit on one value).
    /// - Returns: The assessment's id.
    /// - Throws: `StoreError` `store.no-such-scan` when the scan is not in the store, or a write failure.
    @discardableResult
    public func recordAssessment(_ result: AssessmentResult, createdAt: Date) throws(StoreError) -> Int64 {
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
                let insert = try db.makeStatement(
                    sql: "INSERT INTO assessment_findings (assessment_id, position, document) VALUES (?, ?, ?)")
                for (position, finding) in result.findings.enumerated() {
                    let text = String(decoding: try encoder.encode(finding), as: UTF8.self)
                    try insert.execute(arguments: [id, position, text])
                }
                return id
            }
        }
    }

    /// Every assessment of one scan, oldest first.
    public func assessments(scanID: Int64) throws(StoreError) -> [StoredAssessment] {
        try storeOperation("cannot read assessments of scan \(scanID) from \(label)") {
            try writer.read { db in
                try Self.storedAssessments(
                    db, sql: "SELECT id, scan_id, created_at, document FROM assessments WHERE scan_id = ? ORDER BY id",
                    arguments: [scanID])
            }
        }
    }

    /// The newest assessment of one scan (under one profile, when given), or nil.
    public func latestAssessment(scanID: Int64, profile: String? = nil) throws(StoreError) -> StoredAssessment? {
        try storeOperation("cannot read assessments of scan \(scanID) from \(label)") {
            try writer.read { db in
                var sql = "SELECT id, scan_id, created_at, document FROM assessments WHERE scan_id = ?"
                var arguments: StatementArguments = [scanID]
                if let profile {
                    sql += " AND profile = ?"
                    arguments += [profile]
                }
                sql += " ORDER BY id DESC LIMIT 1"
                return try Self.storedAssessments(db, sql: sql, arguments: arguments).first
            }
        }
    }

    private static func storedAssessments(_ db: Database, sql: String, arguments: StatementArguments) throws
        -> [StoredAssessment]
    {
        let decoder = JSONDecoder()
        return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
            let id: Int64 = try row.decode(forColumn: "id")
            let document: String = try row.decode(forColumn: "document")
            var result = try decoder.decode(AssessmentResult.self, from: Data(document.utf8))
            // Recorded since v5: the findings are rows of their own (older documents hold them and have no rows).
            var findings: [FindingAssessment] = []
            let rows = try String.fetchCursor(
                db, sql: "SELECT document FROM assessment_findings WHERE assessment_id = ? ORDER BY position",
                arguments: [id])
            while let text = try rows.next() {
                findings.append(try decoder.decode(FindingAssessment.self, from: Data(text.utf8)))
            }
            if !findings.isEmpty { result.findings = findings }
            return StoredAssessment(
                id: id, scanID: try row.decode(forColumn: "scan_id"),
                createdAt: try row.decode(forColumn: "created_at"),
                result: result)
        }
    }
}
