import Foundation
import GRDB
import PQModel

/// A row of `keys`: how a key asset is stored (format, private, encrypted). Never the key material itself.
struct KeyRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "keys"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var assetId: String
    var format: String
    var isPrivate: Bool
    var encrypted: Bool

    var model: KeyDetails { KeyDetails(format: format, isPrivate: isPrivate, encrypted: encrypted) }
}
