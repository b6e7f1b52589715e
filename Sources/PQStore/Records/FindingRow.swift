import Foundation
import GRDB
import PQModel

/// A row of `findings`: every field of `Finding` except the path, which lives on the referenced `files` row.
///
/// Rows are written by one reused prepared statement (`InventoryStore.record`), not through this type, because
/// per-row record inserts run near 75k rows/s here against the 200k/s the scan needs; this type reads them back.
struct FindingRow: FetchableRecord {
    static let databaseTableName = "findings"

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

    init(
        scanId: Int64, fileId: Int64, ordinal: Int64, line: Int?, source: String, setting: String, usage: String,
        algorithm: String, canonical: String?, oid: String?, keyBits: Int?, curve: String?, quantumStatus: String,
        context: String?, effective: Bool, origin: String, assetId: String?, note: String?
    ) {
        self.scanId = scanId
        self.fileId = fileId
        self.ordinal = ordinal
        self.line = line
        self.source = source
        self.setting = setting
        self.usage = usage
        self.algorithm = algorithm
        self.canonical = canonical
        self.oid = oid
        self.keyBits = keyBits
        self.curve = curve
        self.quantumStatus = quantumStatus
        self.context = context
        self.effective = effective
        self.origin = origin
        self.assetId = assetId
        self.note = note
    }

    /// Read by column name rather than through Codable: `plan`, `assess` and `inventory` read every finding of a
    /// scan, and the Codable path converted each column name from snake case on every row (a quarter of `plan`'s
    /// time on a 1.8-million-finding store). `decode` throws on a NULL where a value is required: a damaged store
    /// is an error, never a trap.
    init(row: Row) throws {
        scanId = try row.decode(forColumn: "scan_id")
        fileId = try row.decode(forColumn: "file_id")
        ordinal = try row.decode(forColumn: "ordinal")
        line = try row.decode(forColumn: "line")
        source = try row.decode(forColumn: "source")
        setting = try row.decode(forColumn: "setting")
        usage = try row.decode(forColumn: "usage")
        algorithm = try row.decode(forColumn: "algorithm")
        canonical = try row.decode(forColumn: "canonical")
        oid = try row.decode(forColumn: "oid")
        keyBits = try row.decode(forColumn: "key_bits")
        curve = try row.decode(forColumn: "curve")
        quantumStatus = try row.decode(forColumn: "quantum_status")
        context = try row.decode(forColumn: "context")
        effective = try row.decode(forColumn: "effective")
        origin = try row.decode(forColumn: "origin")
        assetId = try row.decode(forColumn: "asset_id")
        note = try row.decode(forColumn: "note")
    }

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
