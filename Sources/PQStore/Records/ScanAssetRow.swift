import GRDB

/// A row of `scan_assets`: scan `scanId` saw asset `assetId` (directly, or through a finding that names it).
struct ScanAssetRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "scan_assets"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var scanId: Int64
    var assetId: String
}
