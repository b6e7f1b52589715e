internal import COpenSSLShim
internal import COpenSSLTestShim

@testable import PQScanners

/// OpenSSL's own reading of a certificate (`d2i_X509` and its getters, COpenSSLTestShim): the reference side
/// of the differential test. The product never calls it.
struct OpenSSLCertificateFields: Sendable, Hashable {
    var version: Int
    var signatureOID: String
    var tbsSignatureOID: String
    var keyOID: String
    var keyBits: Int
    var curveOID: String
    var subject: String
    var issuer: String
    /// DER of the names as X509_NAME_get0_der gives them; nil when longer than the oracle's buffer.
    var subjectDER: [UInt8]?
    var issuerDER: [UInt8]?
    var serial: String
    var notBefore: Int64
    var notAfter: Int64
    var sha256: String
    var spkiSHA256: String
    var isCA: Bool?
    var subjectKeyIdentifier: String?
    var authorityKeyIdentifier: String?

    static func read(der: [UInt8]) -> Result<OpenSSLCertificateFields, OpenSSLFailure> {
        var fields = pqs_x509_fields()
        var error = ShimErrorBuffer()
        let status = der.withUnsafeBufferPointer { input in
            error.storage.withUnsafeMutableBufferPointer { errorBuffer in
                pqs_x509_read_fields(input.baseAddress, input.count, &fields, errorBuffer.baseAddress)
            }
        }
        guard status == Int32(PQS_OK) else { return .failure(OpenSSLFailure(status: status, error: error.text)) }
        func bytes(_ all: [UInt8], _ length: Int32) -> [UInt8]? { length < 0 ? nil : Array(all.prefix(Int(length))) }
        return .success(
            OpenSSLCertificateFields(
                version: Int(fields.version), signatureOID: shimText(fields.signature_oid),
                tbsSignatureOID: shimText(fields.tbs_signature_oid), keyOID: shimText(fields.key_oid),
                keyBits: Int(fields.key_bits), curveOID: shimText(fields.curve_oid), subject: shimText(fields.subject),
                issuer: shimText(fields.issuer),
                subjectDER: bytes(shimBytes(fields.subject_der), fields.subject_der_length),
                issuerDER: bytes(shimBytes(fields.issuer_der), fields.issuer_der_length),
                serial: shimText(fields.serial_hex), notBefore: fields.not_before, notAfter: fields.not_after,
                sha256: Hex.uppercase(shimBytes(fields.sha256)),
                spkiSHA256: Hex.uppercase(shimBytes(fields.spki_sha256)),
                isCA: fields.is_ca < 0 ? nil : fields.is_ca == 1,
                subjectKeyIdentifier: bytes(shimBytes(fields.subject_key_id), fields.subject_key_id_length).map {
                    Hex.uppercase($0)
                },
                authorityKeyIdentifier: bytes(shimBytes(fields.authority_key_id), fields.authority_key_id_length).map {
                    Hex.uppercase($0)
                }))
    }
}
