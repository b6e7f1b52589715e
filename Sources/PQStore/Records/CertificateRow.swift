import Foundation
import GRDB
import PQModel

/// A row of `certificates`: the X.509 details of one certificate asset. Public data only.
struct CertificateRow: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "certificates"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var assetId: String
    var subject: String
    var issuer: String
    var serial: String
    var notBefore: Date
    var notAfter: Date
    var signatureOid: String
    var signatureAlgorithm: String?
    var publicKeyOid: String
    var sha256: String
    var publicKeyId: String
    var isCa: Bool?
    var selfSigned: Bool

    var model: CertificateDetails {
        CertificateDetails(
            subject: subject, issuer: issuer, serial: serial, notBefore: notBefore, notAfter: notAfter,
            signatureOID: signatureOid, signatureAlgorithm: signatureAlgorithm, publicKeyOID: publicKeyOid,
            sha256: sha256, publicKeyID: publicKeyId, isCA: isCa, selfSigned: selfSigned)
    }
}
