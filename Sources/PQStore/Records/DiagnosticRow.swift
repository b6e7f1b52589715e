import Foundation
import GRDB
import PQModel

/// A row of `diagnostics`: a file the scan skipped or could not parse. It has no `files` row (no hash), so it
/// keeps its own path, as raw bytes and escaped text.
struct DiagnosticRow: Codable, FetchableRecord {
    static let databaseTableName = "diagnostics"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase

    var scanId: Int64
    var ordinal: Int64
    var path: Data
    var pathDisplay: String
    var reason: String
    var detail: String

    var model: Diagnostic {
        get throws(StoreError) {
            guard let reason = Diagnostic.Reason(rawValue: reason) else {
                throw StoreError(
                    code: StoreError.corrupt,
                    reason: "diagnostic \(ordinal) of scan \(scanId) has unknown reason \(reason)")
            }
            return Diagnostic(path: ScanPath(bytes: Array(path)), reason: reason, detail: detail)
        }
    }

    /// The reason a `reason` column holds in a count by reason; one no version wrote means a damaged store.
    static func countedReason(_ raw: String, scanID: Int64) throws(StoreError) -> Diagnostic.Reason {
        guard let reason = Diagnostic.Reason(rawValue: raw) else {
            throw StoreError(
                code: StoreError.corrupt, reason: "diagnostics of scan \(scanID) have unknown reason \(raw)")
        }
        return reason
    }
}
