import Foundation
import GRDB
import PQModel

/// A row of `assets`: a certificate, key or service, global across scans and keyed by its content-derived id.
struct AssetRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "assets"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var id: String
    var kind: String
    var algorithm: String
    var canonical: String?
    var oid: String?
    var keyBits: Int?
    var curve: String?

    func model(certificate: CertificateDetails?, key: KeyDetails?) throws(StoreError) -> Asset {
        guard let kind = Asset.Kind(rawValue: kind) else {
            throw StoreError(code: StoreError.corrupt, reason: "asset \(id) has unknown kind \(self.kind)")
        }
        return Asset(
            id: id, kind: kind, algorithm: algorithm, canonical: canonical, oid: oid, keyBits: keyBits, curve: curve,
            certificate: certificate, key: key)
    }
}
