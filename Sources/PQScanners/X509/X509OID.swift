/// OIDs the X.509 and key parsers must recognise structurally. Algorithm names and statuses are NOT here:
/// those come from the catalog (`PQCatalog`); this namespace only knows what decides how bytes are read.
enum X509OID {
    /// rsaEncryption, RFC 8017 appendix C; SPKI holds RSAPublicKey.
    static let rsaEncryption = "1.2.840.113549.1.1.1"
    /// id-RSASSA-PSS, RFC 4055 §3.1; SPKI holds RSAPublicKey too.
    static let rsassaPSS = "1.2.840.113549.1.1.10"
    /// RSAES-OAEP, RFC 4055 §4.1.
    static let rsaesOAEP = "1.2.840.113549.1.1.7"
    /// id-ecPublicKey, RFC 5480 §2.1.1; parameters = namedCurve OID.
    static let ecPublicKey = "1.2.840.10045.2.1"
    /// id-dsa, RFC 3279 §2.3.2; parameters = Dss-Parms { p, q, g }.
    static let dsa = "1.2.840.10040.4.1"
    /// dhpublicnumber (X9.42), RFC 3279 §2.3.3; parameters = DomainParameters { p, g, q, ... }.
    static let dhX942 = "1.2.840.10046.2.1"
    /// dhKeyAgreement (PKCS #3); parameters = DHParameter { p, g, ... }.
    static let dhPKCS3 = "1.2.840.113549.1.3.1"

    /// Attribute types of a Name (RFC 4519; RFC 4514 §3 short names; PKCS #9 emailAddress).
    static let attributeShortNames: [String: String] = [
        "2.5.4.3": "CN", "2.5.4.6": "C", "2.5.4.7": "L", "2.5.4.8": "ST", "2.5.4.9": "STREET",
        "2.5.4.10": "O", "2.5.4.11": "OU", "2.5.4.5": "serialNumber", "2.5.4.4": "SN", "2.5.4.42": "GN",
        "2.5.4.12": "title", "1.2.840.113549.1.9.1": "emailAddress",
        "0.9.2342.19200300.100.1.25": "DC", "0.9.2342.19200300.100.1.1": "UID",
    ]
}

/// Key sizes that follow from an OID alone: named curves, fixed-size keys, and the NIST PQ parameter sets.
///
/// For PQ algorithms the size given is the encoded public key in bits, as OpenSSL 3.5 reports
/// `EVP_PKEY_get_bits`: ML-DSA public keys 1312/1952/2592 bytes (FIPS 204 table 2), ML-KEM
/// encapsulation keys 800/1184/1568 bytes (FIPS 203 table 3), SLH-DSA public keys 2n = 32/48/64 bytes
/// (FIPS 205 table 2). The security category is the catalog's business, not this table's.
enum KeySize {
    /// A named curve: the spelling the catalog uses (standards.md §3.3) and its field size in bits.
    struct Curve: Sendable {
        let name: String
        let bits: Int
    }

    static let curves: [String: Curve] = [
        "1.2.840.10045.3.1.1": Curve(name: "P-192", bits: 192),
        "1.3.132.0.33": Curve(name: "P-224", bits: 224),
        "1.2.840.10045.3.1.7": Curve(name: "P-256", bits: 256),
        "1.3.132.0.34": Curve(name: "P-384", bits: 384),
        "1.3.132.0.35": Curve(name: "P-521", bits: 521),
        "1.3.132.0.10": Curve(name: "secp256k1", bits: 256),
        "1.3.36.3.3.2.8.1.1.7": Curve(name: "brainpoolP256r1", bits: 256),
        "1.3.36.3.3.2.8.1.1.11": Curve(name: "brainpoolP384r1", bits: 384),
        "1.3.36.3.3.2.8.1.1.13": Curve(name: "brainpoolP512r1", bits: 512),
        "1.2.156.10197.1.301": Curve(name: "SM2", bits: 256),
    ]

    /// Algorithms whose key size is fixed by the OID (RFC 8410 for the Edwards/Montgomery keys).
    static let fixed: [String: (bits: Int, curve: String?)] = [
        "1.3.101.110": (256, "Curve25519"),  // X25519
        "1.3.101.111": (448, "Curve448"),  // X448
        "1.3.101.112": (256, "Curve25519"),  // Ed25519
        "1.3.101.113": (456, "Curve448"),  // Ed448 (57-byte keys)
        "2.16.840.1.101.3.4.3.17": (1312 * 8, nil),  // ML-DSA-44
        "2.16.840.1.101.3.4.3.18": (1952 * 8, nil),  // ML-DSA-65
        "2.16.840.1.101.3.4.3.19": (2592 * 8, nil),  // ML-DSA-87
        "2.16.840.1.101.3.4.4.1": (800 * 8, nil),  // ML-KEM-512
        "2.16.840.1.101.3.4.4.2": (1184 * 8, nil),  // ML-KEM-768
        "2.16.840.1.101.3.4.4.3": (1568 * 8, nil),  // ML-KEM-1024
        "2.16.840.1.101.3.4.3.20": (256, nil), "2.16.840.1.101.3.4.3.21": (256, nil),  // SLH-DSA-SHA2-128s/f
        "2.16.840.1.101.3.4.3.22": (384, nil), "2.16.840.1.101.3.4.3.23": (384, nil),  // SLH-DSA-SHA2-192s/f
        "2.16.840.1.101.3.4.3.24": (512, nil), "2.16.840.1.101.3.4.3.25": (512, nil),  // SLH-DSA-SHA2-256s/f
        "2.16.840.1.101.3.4.3.26": (256, nil), "2.16.840.1.101.3.4.3.27": (256, nil),  // SLH-DSA-SHAKE-128s/f
        "2.16.840.1.101.3.4.3.28": (384, nil), "2.16.840.1.101.3.4.3.29": (384, nil),  // SLH-DSA-SHAKE-192s/f
        "2.16.840.1.101.3.4.3.30": (512, nil), "2.16.840.1.101.3.4.3.31": (512, nil),  // SLH-DSA-SHAKE-256s/f
    ]
}
