import Foundation
import GRDB
import PQModel

extension SQLiteStore {
    // MARK: - Assessments

    /// Keeps an assessment with the scan it judged (migration `v2-assessments`).
    ///
    /// The result is stored whole as its JSON form, so a later PQScout reads it back as it was written.
    /// - Returns: The assessment's id.
    /// - Throws: `StoreError` `store.no-such-scan` when the scan is not in the store, or a write failure.
    func recordAssessment(_ result: AssessmentResult, createdAt: Date) throws(StoreError) -> Int64 {
        try storeOperation("cannot record the assessment of scan \(result.scanID) in \(label)") {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let document = String(decoding: try encoder.encode(result), as: UTF8.self)
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
                return db.lastInsertedRowID
            }
        }
    }

    /// Every assessment of one scan, oldest first.
    func assessments(scanID: Int64) throws(StoreError) -> [StoredAssessment] {
        try storeOperation("cannot read assessments of scan \(scanID) from \(label)") {
            try writer.read { db in
                try Self.storedAssessments(
                    db, sql: "SELECT id, scan_id, created_at, document FROM assessments WHERE scan_id = ? ORDER BY id",
                    arguments: [scanID])
            }
        }
    }

    /// The newest assessment of one scan (under one profile, when given), or nil.
    func latestAssessment(scanID: Int64, profile: String?) throws(StoreError) -> StoredAssessment? {
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
            let document: String = try row.decode(forColumn: "document")
            return StoredAssessment(
                id: try row.decode(forColumn: "id"), scanID: try row.decode(forColumn: "scan_id"),
                createdAt: try row.decode(forColumn: "created_at"),
                result: try decoder.decode(AssessmentResult.self, from: Data(document.utf8)))
        }
    }
}
