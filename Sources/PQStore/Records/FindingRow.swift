import Foundation
import GRDB
import PQModel

/// A row of `findings`: every field of `Finding` except the path, which lives on the referenced `files` row.
///
/// Rows are written by one reused prepared statement (`InventoryStore.record`), not through this type, because
/// per-row record inserts run near 75k rows/s here against the 200k/s the scan needs; this type reads them back.
struct FindingRow: Codable, FetchableRecord {
    static let databaseTableName = "findings"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase

    var scanId: Int64
    var fileId: Int64
    var ordinal: Int64
    var line: Int?
    var source: String
    var setting: String
    var usage: String
    var algorithm: String
    var canonical: String?
    var oid: String?
    var keyBits: Int?
    var curve: String?
    var quantumStatus: String
    var context: String?
    var effective: Bool
    var origin: String
    var assetId: String?
    var note: String?

    func model(path: ScanPath) throws(StoreError) -> Finding {
        guard let usage = Usage(rawValue: usage), let status = QuantumStatus(rawValue: quantumStatus),
            let origin = Origin(rawValue: origin)
        else {
            throw StoreError(
                code: StoreError.corrupt,
                reason:
                    "finding \(ordinal) of scan \(scanId) has unknown usage, status or origin "
                    + "(\(usage), \(quantumStatus), \(origin))"
            )
        }
        return Finding(
            path: path, line: line, source: FindingSource(rawValue: source), setting: setting, usage: usage,
            algorithm: algorithm, canonical: canonical, oid: oid, keyBits: keyBits, curve: curve,
            quantumStatus: status, context: context, effective: effective, origin: origin, asset: assetId, note: note)
    }
}
