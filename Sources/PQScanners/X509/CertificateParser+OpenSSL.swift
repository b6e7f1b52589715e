internal import COpenSSLShim
import Foundation

extension CertificateParser {
    /// Parses one DER certificate. Trailing bytes after the outer SEQUENCE are ignored (see `derLength`).
    /// - Throws: `DERError` saying where the structure broke, in OpenSSL's words where its decoder refused it.
    public static func parse(der: [UInt8]) throws(DERError) -> ParsedCertificate {
        var fields = pqs_certificate()
        var error = ShimErrorBuffer()
        // Issuer and subject are disjoint parts of the input, so its length always holds both.
        var names = [UInt8](repeating: 0, count: der.count)
        let status = der.withUnsafeBufferPointer { input in
            names.withUnsafeMutableBufferPointer { output in
                error.storage.withUnsafeMutableBufferPointer { errorBuffer in
                    pqs_certificate_parse(
                        input.baseAddress, input.count, &fields, output.baseAddress, output.count,
                        errorBuffer.baseAddress)
                }
            }
        }
        guard status == Int32(PQS_OK) else { throw failure(status: status, fields.failure, error.text) }

        let issuerCount = Int(fields.issuer_length)
        let subjectCount = Int(fields.subject_length)
        let (issuer, subject, sameName) = try names.withUnsafeBufferPointer { buffer throws(DERError) in
            let issuerBytes = UnsafeBufferPointer(rebasing: buffer[0..<issuerCount])
            let subjectBytes = UnsafeBufferPointer(rebasing: buffer[issuerCount..<(issuerCount + subjectCount)])
            return (
                try DistinguishedName.render(der: issuerBytes), try DistinguishedName.render(der: subjectBytes),
                issuerBytes.elementsEqual(subjectBytes)
            )
        }
        let parameters: SPKIFacts.Parameters
        switch fields.key_parameters_tag {
        case -1: parameters = .absent
        case Int32(DERTag.oid): parameters = .oid(shimText(fields.key_parameters_oid))
        case Int32(DERTag.sequence & 0x1F):
            let bits = fields.key_parameters_integer_bits
            parameters = .sequence(firstIntegerBits: bits >= 0 ? Int(bits) : nil)
        default: parameters = .other
        }
        let publicKey = try SPKIFacts(
            algorithmOID: shimText(fields.key_oid), parameters: parameters, keyUnusedBits: Int(fields.key_unused_bits),
            keyOctets: Int(fields.key_octets),
            keyFirstIntegerBits: fields.key_integer_bits >= 0 ? Int(fields.key_integer_bits) : nil,
            sha256: Hex.uppercase(shimBytes(fields.key_sha256))
        ).publicKeyInfo()

        let ski = keyIdentifierHex(shimBytes(fields.subject_key_id), fullLength: Int(fields.subject_key_id_length))
        let aki = keyIdentifierHex(shimBytes(fields.authority_key_id), fullLength: Int(fields.authority_key_id_length))
        var selfSigned = sameName
        if sameName, ski != nil, aki != nil { selfSigned = fields.key_ids_equal == 1 }
        return ParsedCertificate(
            version: Int(fields.version),
            serial: serialHex(
                magnitude: Array(shimBytes(fields.serial).prefix(Int(fields.serial_length))),
                negative: fields.serial_negative == 1),
            signatureOID: shimText(fields.signature_oid),
            tbsSignatureOID: shimText(fields.tbs_signature_oid),
            issuer: issuer,
            subject: subject,
            notBefore: Date(timeIntervalSince1970: TimeInterval(seconds(calendar(fields.not_before)))),
            notAfter: Date(timeIntervalSince1970: TimeInterval(seconds(calendar(fields.not_after)))),
            publicKey: publicKey,
            isCA: fields.is_ca < 0 ? nil : fields.is_ca == 1,
            subjectKeyIdentifier: ski,
            authorityKeyIdentifier: aki,
            selfSigned: selfSigned,
            sha256: Hex.uppercase(shimBytes(fields.sha256)),
            derLength: Int(fields.der_length))
    }

    private static func calendar(_ field: (Int32, Int32, Int32, Int32, Int32, Int32)) -> [Int] {
        [Int(field.0), Int(field.1), Int(field.2), Int(field.3), Int(field.4), Int(field.5)]
    }

    /// The shim's failure as the `DERError` code the Swift reader used for the same fault.
    private static func failure(status: Int32, _ failure: Int32, _ detail: String) -> DERError {
        let text = detail.isEmpty ? "OpenSSL reported no detail" : detail
        guard status == Int32(PQS_MALFORMED) else { return DERError("x509.internal", text) }
        // The decoder's own reasons are terse ("header too long"): say what kind of fault it is first.
        switch failure {
        case Int32(PQS_X509_TRUNCATED): return DERError("der.truncated", "truncated: " + text)
        case Int32(PQS_X509_UNEXPECTED_TAG): return DERError("der.unexpected-tag", "unexpected tag: " + text)
        case Int32(PQS_X509_TOO_DEEP): return DERError("der.depth", "nested too deep: " + text)
        case Int32(PQS_X509_LENGTH): return DERError("der.length", "length does not match the fields: " + text)
        case Int32(PQS_X509_VERSION): return DERError("x509.version", text)
        case Int32(PQS_X509_SERIAL): return DERError("x509.serial", text)
        case Int32(PQS_X509_TIME): return DERError("x509.time", text)
        case Int32(PQS_X509_OID): return DERError("der.oid", text)
        case Int32(PQS_X509_EXTENSION): return DERError("x509.extension", text)
        case Int32(PQS_X509_NAME): return DERError("x509.name", text)
        default: return DERError("der.malformed", "malformed: " + text)
        }
    }
}
