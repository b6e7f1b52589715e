import PQCatalog

/// What Swift reads from a PKCS#8 PrivateKeyInfo (RFC 5958 §2) without touching the key bytes.
///
/// Why in Swift: OpenSSL 3.0 cannot decode ML-DSA or ML-KEM private keys (FIPS 204/203 arrived in 3.5), but
/// the algorithm OID sits in the clear in `privateKeyAlgorithm` (RFC 9881 / RFC 9935 seed form).
struct PKCS8Summary: Sendable, Hashable {
    var algorithmOID: String
    var curveOID: String?
    var keyBits: Int?
    var curve: String?

    static func parse(der: [UInt8]) throws(DERError) -> PKCS8Summary {
        let result: Result<PKCS8Summary, DERError> = der.withUnsafeBufferPointer { buffer in
            do throws(DERError) {
                var top = DERReader(buffer)
                let info = try top.read(tag: DERTag.sequence, "PrivateKeyInfo")
                var fields = try top.reader(into: info)
                let version = try fields.read(tag: DERTag.integer, "version")
                guard let value = fields.smallInteger(version), value == 0 || value == 1 else {
                    throw DERError("pkcs8.version", "PrivateKeyInfo: unsupported version")
                }
                let algorithm = try fields.read(tag: DERTag.sequence, "privateKeyAlgorithm")
                _ = try fields.read(tag: DERTag.octetString, "privateKey")
                var alg = try fields.reader(into: algorithm)
                let oidElement = try alg.read(tag: DERTag.oid, "privateKeyAlgorithm OID")
                guard let oid = alg.oid(oidElement) else { throw DERError("der.oid", "bad key algorithm OID") }
                var summary = PKCS8Summary(algorithmOID: oid)
                if !alg.isAtEnd {
                    let parameters = try alg.read("parameters")
                    if oid == X509OID.ecPublicKey, parameters.tag == DERTag.oid {
                        summary.curveOID = alg.oid(parameters)
                    } else if parameters.tag == DERTag.sequence,
                        oid == X509OID.dsa || oid == X509OID.dhX942
                            || oid == X509OID.dhPKCS3
                    {
                        var params = try alg.reader(into: parameters)
                        summary.keyBits = params.unsignedBitLength(try params.read(tag: DERTag.integer, "p"))
                    }
                }
                if let curveOID = summary.curveOID, let curve = Catalog.shared.namedCurveKey(oid: curveOID) {
                    summary.keyBits = curve.bits
                    summary.curve = curve.name
                } else if let fixed = Catalog.shared.fixedKeySize(oid: oid) {
                    summary.keyBits = fixed.bits
                    summary.curve = fixed.curve
                }
                return .success(summary)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    init(algorithmOID: String, curveOID: String? = nil, keyBits: Int? = nil, curve: String? = nil) {
        self.algorithmOID = algorithmOID
        self.curveOID = curveOID
        self.keyBits = keyBits
        self.curve = curve
    }
}

/// Checks the outer shape of an EncryptedPrivateKeyInfo (RFC 5958 §3): the algorithm inside is not visible.
enum EncryptedPKCS8 {
    static func isWellFormed(_ der: [UInt8]) -> Bool {
        der.withUnsafeBufferPointer { buffer in
            var top = DERReader(buffer)
            guard let info = try? top.read(tag: DERTag.sequence, "EncryptedPrivateKeyInfo"), top.isAtEnd,
                var fields = try? top.reader(into: info),
                (try? fields.read(tag: DERTag.sequence, "encryptionAlgorithm")) != nil,
                (try? fields.read(tag: DERTag.octetString, "encryptedData")) != nil
            else { return false }
            return true
        }
    }
}

/// Builds a SubjectPublicKeyInfo around a PKCS#1 RSAPublicKey (RFC 8017 A.1.1; RFC 3279 §2.3.1), so a
/// PEM `RSA PUBLIC KEY` gets the same asset id as the certificate that carries the key.
enum RSAPublicKeyWrapper {
    static func subjectPublicKeyInfo(pkcs1 der: [UInt8]) -> [UInt8] {
        let algorithm: [UInt8] = [
            0x30, 0x0D, 0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01, 0x05, 0x00,
        ]
        let bitString = tlv(DERTag.bitString, [0x00] + der)
        return tlv(DERTag.sequence, algorithm + bitString)
    }

    static func tlv(_ tag: UInt8, _ content: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [tag]
        let count = content.count
        if count < 0x80 {
            out.append(UInt8(count))
        } else {
            var lengthBytes: [UInt8] = []
            var rest = count
            while rest > 0 {
                lengthBytes.insert(UInt8(rest & 0xFF), at: 0)
                rest >>= 8
            }
            out.append(0x80 | UInt8(lengthBytes.count))
            out += lengthBytes
        }
        return out + content
    }
}
