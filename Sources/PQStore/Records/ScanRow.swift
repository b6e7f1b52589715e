import Foundation
import GRDB
import PQModel

/// A row of `scans`: one scan, its roots and figures. `status` stays `incomplete` until `finishScan` marks it.
struct ScanRow: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "scans"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var id: Int64?
    /// JSON array of the roots as given on the command line.
    var roots: String
    var host: String
    var toolVersion: String
    var startedAt: Date
    var finishedAt: Date?
    var status: String
    var filesExamined: Int
    var filesWithFindings: Int
    var findings: Int
    var assets: Int
    var diagnostics: Int
    /// JSON object, quantum status raw value → count.
    var byStatus: String
    /// `scan` or `import` (`ScanRecord.Kind`).
    var kind: String

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// The model value; `counts` replaces the stored figures when given (an unfinished scan's are recomputed).
    func model(counts override: ScanCounts? = nil) throws(StoreError) -> ScanRecord {
        guard let id else { throw StoreError(code: StoreError.corrupt, reason: "scan row without an id") }
        guard let kind = ScanRecord.Kind(rawValue: kind) else {
            throw StoreError(code: StoreError.corrupt, reason: "scan \(id) has unknown kind \(self.kind)")
        }
        guard let status = ScanRecord.Status(rawValue: status) else {
            throw StoreError(code: StoreError.corrupt, reason: "scan \(id) has unknown status \(self.status)")
        }
        let roots: [String]
        let byStatus: [String: Int]
        do {
            roots = try JSONDecoder().decode([String].self, from: Data(self.roots.utf8))
            byStatus = try JSONDecoder().decode([String: Int].self, from: Data(self.byStatus.utf8))
        } catch {
            throw StoreError(code: StoreError.corrupt, reason: "scan \(id) has unreadable roots or counts: \(error)")
        }
        let counts =
            override
            ?? ScanCounts(
                filesExamined: filesExamined, filesWithFindings: filesWithFindings, findings: findings,
                assets: assets, diagnostics: diagnostics, byStatus: byStatus)
        return ScanRecord(
            id: id, roots: roots, host: host, toolVersion: toolVersion, startedAt: startedAt, finishedAt: finishedAt,
            status: status, counts: counts, kind: kind)
    }

    static func json<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding [String] or [String: Int] cannot fail.
        guard let data = try? encoder.encode(value) else { return "null" }
        return String(decoding: data, as: UTF8.self)
    }
}
