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
        let parameters: SPKIFacts.Parameters
        if alg.isAtEnd {
            parameters = .absent
        } else {
            let element = try alg.read("SPKI algorithm parameters")
            switch element.tag {
            case DERTag.oid: parameters = .oid(alg.oid(element))
            case DERTag.sequence: parameters = .sequence(firstIntegerBits: firstIntegerBits(alg, element))
            default: parameters = .other
            }
        }
        let unusedBits = key.contentCount > 0 ? Int(reader.bytes[key.contentStart]) : 0
        var keyIntegerBits: Int?
        if key.contentCount > 1,
            var bits = try? reader.reader(
                into: DERElement(tag: key.tag, start: key.start, contentStart: key.contentStart + 1, end: key.end)),
            let sequence = try? bits.read(tag: DERTag.sequence, "RSAPublicKey")
        {
            keyIntegerBits = firstIntegerBits(bits, sequence)
        }
        return try SPKIFacts(
            algorithmOID: oid, parameters: parameters, keyUnusedBits: unusedBits,
            keyOctets: max(0, key.contentCount - 1), keyFirstIntegerBits: keyIntegerBits,
            sha256: Digest.sha256Hex(reader.bytes, spki.start, spki.end, uppercase: true)
        ).publicKeyInfo()
    }

    /// Bit length of the INTEGER a SEQUENCE starts with; nil when it does not start with one.
    private static func firstIntegerBits(_ reader: DERReader, _ sequence: DERElement) -> Int? {
        guard sequence.tag == DERTag.sequence, var fields = try? reader.reader(into: sequence),
            let integer = try? fields.read(tag: DERTag.integer, "INTEGER")
        else { return nil }
        return fields.unsignedBitLength(integer)
    }
}

/// What a reader found in a SubjectPublicKeyInfo before the key-size rules apply: the Swift DER reader (a PEM
/// `PUBLIC KEY`) and the OpenSSL shim (a certificate's key) both fill one, so the rules exist once.
struct SPKIFacts {
    enum Parameters {
        case absent
        /// A namedCurve or other OID; nil when it did not decode to dotted text.
        case oid(String?)
        /// A SEQUENCE and the bit length of the INTEGER it starts with (nil when it does not).
        case sequence(firstIntegerBits: Int?)
        case other
    }

    var algorithmOID: String
    var parameters: Parameters
    var keyUnusedBits: Int
    /// Octets of the key BIT STRING after its unused-bits octet.
    var keyOctets: Int
    /// Bit length of the first INTEGER of the SEQUENCE the BIT STRING holds (the RSA modulus); nil when none.
    var keyFirstIntegerBits: Int?
    var sha256: String

    func publicKeyInfo() throws(DERError) -> PublicKeyInfo {
        var info = PublicKeyInfo(algorithmOID: algorithmOID, curveOID: nil, curve: nil, keyBits: nil, sha256: sha256)
        switch algorithmOID {
        case X509OID.rsaEncryption, X509OID.rsassaPSS, X509OID.rsaesOAEP:
            // RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } (RFC 8017 A.1.1)
            guard keyOctets > 0, keyUnusedBits == 0 else {
                throw DERError("x509.rsa", "RSA key BIT STRING has unused bits")
            }
            guard let bits = keyFirstIntegerBits else {
                throw DERError("x509.rsa", "RSA key BIT STRING does not hold an RSAPublicKey")
            }
            info.keyBits = bits
        case X509OID.ecPublicKey:
            if case .oid(let curveOID) = parameters, let curveOID {
                info.curveOID = curveOID
                if let curve = Catalog.shared.namedCurveKey(oid: curveOID) {
                    info.curve = curve.name
                    info.keyBits = curve.bits
                }
            }
        case X509OID.dsa, X509OID.dhX942, X509OID.dhPKCS3:
            // Dss-Parms / DomainParameters / DHParameter all begin with the prime p.
            if case .sequence(let bits) = parameters {
                guard let bits else { throw DERError("x509.key-parameters", "key parameters do not start with p") }
                info.keyBits = bits
            }
        default:
            if let fixed = Catalog.shared.fixedKeySize(oid: algorithmOID) {
                info.keyBits = fixed.bits
                info.curve = fixed.curve
            }
        }
        return info
    }
}
