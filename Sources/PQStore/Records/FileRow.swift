import Foundation
import GRDB

/// A row of `files`: one regular file a scan examined. `path` holds the raw bytes; `path_display` the escaped text.
struct FileRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "files"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var id: Int64?
    var scanId: Int64
    var path: Data
    var pathDisplay: String
    var size: Int64
    var modifiedAt: Date
    var sha256: String
}
