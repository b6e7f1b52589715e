import Foundation

/// Every field PQScout reads from one X.509 certificate (RFC 5280 §4.1).
public struct ParsedCertificate: Sendable, Hashable {
    /// 1, 2 or 3 (the encoded value plus one).
    public var version: Int
    /// Serial number as signed upper-case hex of its magnitude, `-` first when negative (as OpenSSL's
    /// `BN_bn2hex` prints it): RFC 5280 §4.1.2.2 forbids negative serials, but they exist in the wild.
    public var serial: String
    /// The outer signatureAlgorithm OID (RFC 5280 §4.1.1.2), dotted.
    public var signatureOID: String
    /// The TBSCertificate's signature field; RFC 5280 requires it to equal `signatureOID`.
    public var tbsSignatureOID: String
    public var issuer: String
    public var subject: String
    public var notBefore: Date
    public var notAfter: Date
    public var publicKey: PublicKeyInfo
    /// basicConstraints cA (RFC 5280 §4.2.1.9); nil when the extension is absent.
    public var isCA: Bool?
    /// Upper-case hex keyIdentifiers of SubjectKeyIdentifier and AuthorityKeyIdentifier.
    public var subjectKeyIdentifier: String?
    public var authorityKeyIdentifier: String?
    /// Issuer DER equals subject DER and, when both key identifiers are present, AKI keyid equals SKI.
    public var selfSigned: Bool
    /// Upper-case hex SHA-256 of the certificate DER.
    public var sha256: String
    /// Number of bytes of the certificate's outer SEQUENCE (a DER file may carry trailing bytes).
    public var derLength: Int

    /// Asset id of the certificate: `sha256:` and the lower-case hex SHA-256 of its DER.
    public var assetID: String { "sha256:" + sha256.lowercased() }
}

/// Parses X.509 certificates in Swift with `DERReader`.
///
/// Why not `d2i_X509`: on OpenSSL 3.0 it decodes every public key through the providers (about 75% of its
/// cost), and an inventory needs only the key's OID, size and curve. Reading them from the DER directly is
/// several times faster with the same answers (checked by the differential test against OpenSSL).
public enum CertificateParser {
    /// Parses one DER certificate. Trailing bytes after the outer SEQUENCE are ignored (see `derLength`).
    /// - Throws: `DERError` saying where the structure broke.
    public static func parse(der: [UInt8]) throws(DERError) -> ParsedCertificate {
        let result: Result<ParsedCertificate, DERError> = der.withUnsafeBufferPointer { buffer in
            do throws(DERError) {
                return .success(try parse(buffer))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    static func parse(_ buffer: UnsafeBufferPointer<UInt8>) throws(DERError) -> ParsedCertificate {
        var top = DERReader(buffer)
        let certificate = try top.read(tag: DERTag.sequence, "Certificate")
        var outer = try top.reader(into: certificate)
        let tbs = try outer.read(tag: DERTag.sequence, "tbsCertificate")
        let signatureAlgorithm = try outer.read(tag: DERTag.sequence, "signatureAlgorithm")
        _ = try outer.read(tag: DERTag.bitString, "signatureValue")
        guard outer.isAtEnd else { throw DERError("x509.trailing", "Certificate: data after signatureValue") }
        let signatureOID = try algorithmOID(outer, signatureAlgorithm, "signatureAlgorithm")

        var fields = try outer.reader(into: tbs)
        var version = 1
        if let explicit = try fields.readIfPresent(tag: DERTag.contextConstructed(0)) {
            var inner = try fields.reader(into: explicit)
            let number = try inner.read(tag: DERTag.integer, "version")
            guard let value = inner.smallInteger(number), (0...2).contains(value) else {
                throw DERError("x509.version", "version: unsupported value")
            }
            version = Int(value) + 1
        }
        let serialElement = try fields.read(tag: DERTag.integer, "serialNumber")
        guard serialElement.contentCount > 0, serialElement.contentCount <= 64 else {
            throw DERError("x509.serial", "serialNumber: \(serialElement.contentCount) octets")
        }
        let tbsSignature = try fields.read(tag: DERTag.sequence, "signature")
        let tbsSignatureOID = try algorithmOID(fields, tbsSignature, "signature")
        let issuer = try fields.read(tag: DERTag.sequence, "issuer")
        let validity = try fields.read(tag: DERTag.sequence, "validity")
        let subject = try fields.read(tag: DERTag.sequence, "subject")
        let spki = try fields.read(tag: DERTag.sequence, "subjectPublicKeyInfo")
        _ = try fields.readIfPresent(tag: DERTag.contextPrimitive(1))  // issuerUniqueID
        _ = try fields.readIfPresent(tag: DERTag.contextPrimitive(2))  // subjectUniqueID
        var isCA: Bool?
        var ski: DERElement?
        var akiKeyID: DERElement?
        if let extensionsWrapper = try fields.readIfPresent(tag: DERTag.contextConstructed(3)) {
            var wrapper = try fields.reader(into: extensionsWrapper)
            let list = try wrapper.read(tag: DERTag.sequence, "extensions")
            var extensions = try wrapper.reader(into: list)
            while !extensions.isAtEnd {
                let ext = try extensions.read(tag: DERTag.sequence, "Extension")
                var parts = try extensions.reader(into: ext)
                let id = try parts.read(tag: DERTag.oid, "extnID")
                _ = try parts.readIfPresent(tag: DERTag.boolean)
                let value = try parts.read(tag: DERTag.octetString, "extnValue")
                if parts.oidEquals(id, X509OID.basicConstraints) {
                    isCA = try basicConstraintsCA(parts, value)
                } else if parts.oidEquals(id, X509OID.subjectKeyIdentifier) {
                    var inner = try parts.reader(into: value)
                    ski = try inner.read(tag: DERTag.octetString, "subjectKeyIdentifier")
                } else if parts.oidEquals(id, X509OID.authorityKeyIdentifier) {
                    var inner = try parts.reader(into: value)
                    let aki = try inner.read(tag: DERTag.sequence, "authorityKeyIdentifier")
                    var akiFields = try inner.reader(into: aki)
                    akiKeyID = try akiFields.readIfPresent(tag: DERTag.contextPrimitive(0))
                }
            }
        }
        guard fields.isAtEnd else { throw DERError("x509.trailing", "tbsCertificate: unexpected trailing field") }

        var times = try fields.reader(into: validity)
        let notBeforeElement = try times.read("notBefore")
        let notAfterElement = try times.read("notAfter")
        guard let notBefore = DERTime.seconds(times, notBeforeElement) else {
            throw DERError("x509.time", "notBefore: not a valid UTCTime/GeneralizedTime")
        }
        guard let notAfter = DERTime.seconds(times, notAfterElement) else {
            throw DERError("x509.time", "notAfter: not a valid UTCTime/GeneralizedTime")
        }

        let publicKey = try PublicKeyInfo.parse(fields, spki)
        let issuerText = try DistinguishedName.render(fields, name: issuer)
        let subjectText = try DistinguishedName.render(fields, name: subject)

        let sameName = buffer.equal(issuer.contentStart, issuer.end, subject.contentStart, subject.end)
        var selfSigned = sameName
        if sameName, let ski, let akiKeyID {
            selfSigned = buffer.equal(ski.contentStart, ski.end, akiKeyID.contentStart, akiKeyID.end)
        }
        return ParsedCertificate(
            version: version,
            serial: serialHex(buffer, serialElement),
            signatureOID: signatureOID,
            tbsSignatureOID: tbsSignatureOID,
            issuer: issuerText,
            subject: subjectText,
            notBefore: Date(timeIntervalSince1970: TimeInterval(notBefore)),
            notAfter: Date(timeIntervalSince1970: TimeInterval(notAfter)),
            publicKey: publicKey,
            isCA: isCA,
            subjectKeyIdentifier: ski.map {
                Hex.uppercase(UnsafeBufferPointer(rebasing: buffer[$0.contentStart..<$0.end]))
            },
            authorityKeyIdentifier: akiKeyID.map {
                Hex.uppercase(UnsafeBufferPointer(rebasing: buffer[$0.contentStart..<$0.end]))
            },
            selfSigned: selfSigned,
            sha256: Digest.sha256Hex(buffer, certificate.start, certificate.end, uppercase: true),
            derLength: certificate.end - certificate.start)
    }

    private static func algorithmOID(_ reader: DERReader, _ element: DERElement, _ what: String) throws(DERError)
        -> String
    {
        var inner = try reader.reader(into: element)
        let id = try inner.read(tag: DERTag.oid, what + " OID")
        guard let text = inner.oid(id) else { throw DERError("der.oid", "\(what): malformed OID") }
        return text
    }

    /// BasicConstraints ::= SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER OPTIONAL }
    private static func basicConstraintsCA(_ reader: DERReader, _ value: DERElement) throws(DERError) -> Bool {
        var inner = try reader.reader(into: value)
        let sequence = try inner.read(tag: DERTag.sequence, "basicConstraints")
        var fields = try inner.reader(into: sequence)
        guard let flag = try fields.readIfPresent(tag: DERTag.boolean) else { return false }
        guard flag.contentCount == 1 else { throw DERError("x509.boolean", "basicConstraints cA: bad BOOLEAN") }
        return reader.bytes[flag.contentStart] != 0
    }

    /// Signed hex of the INTEGER's magnitude, as BN_bn2hex prints it ("0" for zero, "-3039" when negative).
    static func serialHex(_ buffer: UnsafeBufferPointer<UInt8>, _ element: DERElement) -> String {
        let content = UnsafeBufferPointer(rebasing: buffer[element.contentStart..<element.end])
        guard let first = content.first else { return "0" }
        if first & 0x80 == 0 {
            let significant = content.drop(while: { $0 == 0 })
            return significant.isEmpty ? "0" : Hex.uppercase(significant)
        }
        // Negative: two's complement magnitude = invert and add one.
        var magnitude = content.map { ~$0 }
        var index = magnitude.count - 1
        while index >= 0 {
            let (sum, overflow) = magnitude[index].addingReportingOverflow(1)
            magnitude[index] = sum
            if !overflow { break }
            index -= 1
        }
        let significant = magnitude.drop(while: { $0 == 0 })
        return "-" + Hex.uppercase(significant)
    }
}

extension UnsafeBufferPointer where Element == UInt8 {
    /// Byte equality of two ranges of this buffer.
    func equal(_ a: Int, _ aEnd: Int, _ b: Int, _ bEnd: Int) -> Bool {
        guard aEnd - a == bEnd - b else { return false }
        guard let base = baseAddress else { return true }
        return memcmp(base + a, base + b, aEnd - a) == 0
    }
}
