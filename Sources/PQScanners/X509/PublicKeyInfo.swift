import PQCatalog

/// What PQScout reads from a SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) without decoding the key itself.
public struct PublicKeyInfo: Sendable, Hashable {
    /// AlgorithmIdentifier OID of the key, dotted.
    public var algorithmOID: String
    /// namedCurve parameter (RFC 5480 §2.1.1.1) for EC keys, dotted.
    public var curveOID: String?
    /// The curve's catalog spelling (`P-256`, `Curve25519`) when known.
    public var curve: String?
    /// RSA modulus bits, DSA/DH prime bits, curve field bits, or the fixed size of the OID; nil when unknown.
    public var keyBits: Int?
    /// Upper-case hex SHA-256 of the SubjectPublicKeyInfo DER.
    public var sha256: String

    /// Asset id of this public key: `sha256:` and the lower-case hex SHA-256 of the SPKI DER.
    public var assetID: String { "sha256:" + sha256.lowercased() }
}

extension PublicKeyInfo {
    /// Parses a DER SubjectPublicKeyInfo on its own (a PEM `PUBLIC KEY` block).
    public static func parse(der: [UInt8]) throws(DERError) -> PublicKeyInfo {
        let result: Result<PublicKeyInfo, DERError> = der.withUnsafeBufferPointer { buffer in
            var reader = DERReader(buffer)
            do throws(DERError) {
                let spki = try reader.read(tag: DERTag.sequence, "SubjectPublicKeyInfo")
                guard reader.isAtEnd else { return .failure(DERError("der.trailing", "bytes after the key")) }
                return .success(try parse(reader, spki))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Parses the SubjectPublicKeyInfo element `spki` read by `reader`.
    static func parse(_ reader: DERReader, _ spki: DERElement) throws(DERError) -> PublicKeyInfo {
        var fields = try reader.reader(into: spki)
        let algorithm = try fields.read(tag: DERTag.sequence, "SPKI algorithm")
        let key = try fields.read(tag: DERTag.bitString, "subjectPublicKey")
        var alg = try fields.reader(into: algorithm)
        let oidElement = try alg.read(tag: DERTag.oid, "SPKI algorithm OID")
        guard let oid = alg.oid(oidElement) else { throw DERError("der.oid", "bad SPKI algorithm OID") }
        let parameters = alg.isAtEnd ? nil : try alg.read("SPKI algorithm parameters")
        var info = PublicKeyInfo(
            algorithmOID: oid, curveOID: nil, curve: nil, keyBits: nil,
            sha256: Digest.sha256Hex(reader.bytes, spki.start, spki.end, uppercase: true))
        switch oid {
        case X509OID.rsaEncryption, X509OID.rsassaPSS, X509OID.rsaesOAEP:
            // RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } (RFC 8017 A.1.1)
            guard key.contentCount > 1, reader.bytes[key.contentStart] == 0 else {
                throw DERError("x509.rsa", "RSA key BIT STRING has unused bits")
            }
            var bits = try reader.reader(
                into: DERElement(
                    tag: key.tag, start: key.start, contentStart: key.contentStart + 1, end: key.end))
            let rsaKey = try bits.read(tag: DERTag.sequence, "RSAPublicKey")
            var numbers = try bits.reader(into: rsaKey)
            let modulus = try numbers.read(tag: DERTag.integer, "RSA modulus")
            info.keyBits = numbers.unsignedBitLength(modulus)
        case X509OID.ecPublicKey:
            if let parameters, parameters.tag == DERTag.oid {
                info.curveOID = alg.oid(parameters)
                if let curveOID = info.curveOID, let curve = Catalog.shared.namedCurveKey(oid: curveOID) {
                    info.curve = curve.name
                    info.keyBits = curve.bits
                }
            }
        case X509OID.dsa, X509OID.dhX942, X509OID.dhPKCS3:
            // Dss-Parms / DomainParameters / DHParameter all begin with the prime p.
            if let parameters, parameters.tag == DERTag.sequence {
                var params = try alg.reader(into: parameters)
                let p = try params.read(tag: DERTag.integer, "prime p")
                info.keyBits = params.unsignedBitLength(p)
            }
        default:
            if let fixed = Catalog.shared.fixedKeySize(oid: oid) {
                info.keyBits = fixed.bits
                info.curve = fixed.curve
            }
        }
        return info
    }
}
