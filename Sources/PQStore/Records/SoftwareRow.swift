import Foundation
import GRDB
import PQModel

/// A row of `software`: an installed package read from the scanned tree's package database.
struct SoftwareRow: Codable, FetchableRecord {
    static let databaseTableName = "software"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase

    var scanId: Int64
    var ordinal: Int64
    var name: String
    var version: String
    var sourcePath: Data
    var sourcePathDisplay: String

    var model: Software {
        Software(name: name, version: version, sourcePath: ScanPath(bytes: Array(sourcePath)))
    }
}
