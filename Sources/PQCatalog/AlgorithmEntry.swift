import PQModel

/// One algorithm the catalog knows: its names in every naming system, its OIDs and what quantum
/// computers do to it. Rows live in `Resources/algorithms.json`; each carries its `source`.
public struct AlgorithmEntry: Codable, Sendable, Hashable {
    /// The catalog's canonical name (`ML-KEM-768+X25519`, `RSA`, `AES-128-GCM`).
    public var canonical: String
    /// The family (`RSA`, `ECDSA`, `ML-DSA`, `AES`, `SHA-2`, ...); CycloneDX 1.7 algorithmFamily where one fits.
    public var family: String
    public var primitive: Primitive
    /// Classical security strength in bits (SP 800-57); nil where it depends on a key size given elsewhere.
    public var classicalBits: Int?
    /// NIST PQC security category 1-5; 0 for classical algorithms that meet none.
    public var nistCategory: Int
    public var quantumStatus: QuantumStatus
    /// Key sizes below this many bits are classically broken (RSA and finite-field DH: 2048).
    public var brokenBelowBits: Int?
    /// What to move to.
    public var replacement: String?
    public var oids: [String]
    /// The key size in bits the OID alone fixes: a named curve's field size; 256/448/456 for X25519, X448 and Ed448
    /// keys (RFC 8410); for ML-DSA, ML-KEM and SLH-DSA the encoded public key, as OpenSSL 3.5's
    /// `EVP_PKEY_get_bits` reports it (FIPS 204 table 2, FIPS 203 table 3, FIPS 205 table 2: 2n bytes). Nil where
    /// the size is in the key (RSA, DSA, DH) or the entry is not a key.
    public var keyBits: Int?
    /// The curve a fixed-size key lies on (`Curve25519` for X25519 and Ed25519, RFC 8410), where it is not the
    /// entry itself.
    public var keyCurve: String?
    /// Spellings by naming system; all are matched case-insensitively.
    public var names: Names
    /// IANA TLS code point ("0x11EC") for groups, signature schemes and suites.
    public var tlsCodePoint: String?
    /// Where the facts in this row come from (document, section, or source file at a tag).
    public var source: String
    public var note: String?

    public struct Names: Codable, Sendable, Hashable {
        public var openssl: [String]
        public var openssh: [String]
        public var tls: [String]
        public var ike: [String]
        public var other: [String]

        public init(
            openssl: [String] = [], openssh: [String] = [], tls: [String] = [], ike: [String] = [],
            other: [String] = []
        ) {
            self.openssl = openssl
            self.openssh = openssh
            self.tls = tls
            self.ike = ike
            self.other = other
        }

        public var all: [String] { openssl + openssh + tls + ike + other }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            openssl = try c.decodeIfPresent([String].self, forKey: .openssl) ?? []
            openssh = try c.decodeIfPresent([String].self, forKey: .openssh) ?? []
            tls = try c.decodeIfPresent([String].self, forKey: .tls) ?? []
            ike = try c.decodeIfPresent([String].self, forKey: .ike) ?? []
            other = try c.decodeIfPresent([String].self, forKey: .other) ?? []
        }
    }

    /// The quantum status of one use of this algorithm, given the key size where it matters.
    public func status(keyBits: Int?) -> QuantumStatus {
        if let floor = brokenBelowBits, let bits = keyBits, bits < floor { return .broken }
        return quantumStatus
    }
}

/// Cryptographic primitive, in CycloneDX's vocabulary (`cryptoProperties.algorithmProperties.primitive`).
public enum Primitive: String, Codable, Sendable, CaseIterable {
    case signature, kem, pke, hash, mac, xof, kdf, drbg, combiner, other
    case keyAgree = "key-agree"
    case blockCipher = "block-cipher"
    case streamCipher = "stream-cipher"
    case ae
    /// Named elliptic curves and finite-field groups: parameters rather than algorithms.
    case curve
    /// Protocol versions (TLSv1.2, SSH-2) and cipher suites.
    case `protocol`
}
