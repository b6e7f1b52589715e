/// How the fields after the type name are laid out in a key blob, and in a certificate after its nonce.
///
/// Sources: RFC 4253 section 6.6 (ssh-rsa, ssh-dss), RFC 5656 section 3.1 (ecdsa-sha2-*), RFC 8709 section 4
/// (ssh-ed25519, ssh-ed448), OpenSSH PROTOCOL.u2f (sk-* keys), OpenSSH `ssh-mldsa-eddsa.c` (composite key as one
/// string), OpenSSH PROTOCOL.certkeys (rev 1.20, the same fields inside certificates).
enum SSHKeyLayout: Sendable, Hashable {
    /// `mpint e, mpint n`: bits are the modulus length.
    case rsa
    /// `mpint p, mpint q, mpint g, mpint y`: bits are the length of p.
    case dsa
    /// `string curve, string Q`; the curve identifier must be the one the type names.
    case ecdsa(curveID: String)
    /// `string pk` of exactly `publicKeyLength` bytes (Ed25519: 32, Ed448: 57, ML-DSA-44+Ed25519: 1312 + 32).
    case fixed(publicKeyLength: Int)
    /// FIDO: `string curve, string Q, string application`.
    case securityKeyECDSA(curveID: String)
    /// FIDO: `string pk` (32 bytes), `string application`.
    case securityKeyEd25519
}

/// One SSH public key type: its names (plain and certificate), its wire layout and the catalog entry it maps to.
///
/// This is the one place key-type names are mapped to public-key algorithms. The mapping cannot come from the
/// catalog's aliases alone because OpenSSH reuses names across meanings: `ssh-rsa` names both the RSA key type
/// and the RSA/SHA-1 signature (OpenSSH `ssh-rsa.c`), and `ecdsa-sha2-nistp256` names a key and a signature.
/// For keys this table decides; the catalog then supplies the status of the canonical entry.
public struct SSHKeyType: Sendable, Hashable {
    /// The plain type name written before the base64 and first in the blob (`ssh-ed25519`).
    public let name: String
    /// Certificate type names for keys of this type (`ssh-ed25519-cert-v01@openssh.com`), first the one in blobs.
    public let certificateNames: [String]
    /// Other names a blob of this type may carry inside (a `webauthn-sk-*` line holds an `sk-ecdsa-*` blob).
    public let wireAliases: [String]
    /// The catalog's canonical public-key name (`RSA`, `ECDSA`, `Ed25519`, `ML-DSA-44+Ed25519-SHA512`).
    public let canonicalKey: String
    /// Named curve in the catalog's spelling (`P-256`), where the type fixes one.
    public let curve: String?
    /// Key size in bits where the type fixes it; nil where the blob carries it (RSA, DSA) or none applies.
    public let fixedBits: Int?
    /// True for FIDO/U2F authenticator keys (OpenSSH PROTOCOL.u2f).
    public let isSecurityKey: Bool
    let layout: SSHKeyLayout

    /// Every key type this scanner understands field by field. Types not listed stay representable by name.
    public static let known: [SSHKeyType] = [
        SSHKeyType(
            name: "ssh-rsa",
            certificateNames: [
                "ssh-rsa-cert-v01@openssh.com", "rsa-sha2-256-cert-v01@openssh.com",
                "rsa-sha2-512-cert-v01@openssh.com",
            ],
            canonicalKey: "RSA", layout: .rsa),
        SSHKeyType(
            name: "ssh-dss", certificateNames: ["ssh-dss-cert-v01@openssh.com"], canonicalKey: "DSA", layout: .dsa),
        SSHKeyType(
            name: "ecdsa-sha2-nistp256", certificateNames: ["ecdsa-sha2-nistp256-cert-v01@openssh.com"],
            canonicalKey: "ECDSA", curve: "P-256", fixedBits: 256, layout: .ecdsa(curveID: "nistp256")),
        SSHKeyType(
            name: "ecdsa-sha2-nistp384", certificateNames: ["ecdsa-sha2-nistp384-cert-v01@openssh.com"],
            canonicalKey: "ECDSA", curve: "P-384", fixedBits: 384, layout: .ecdsa(curveID: "nistp384")),
        SSHKeyType(
            name: "ecdsa-sha2-nistp521", certificateNames: ["ecdsa-sha2-nistp521-cert-v01@openssh.com"],
            canonicalKey: "ECDSA", curve: "P-521", fixedBits: 521, layout: .ecdsa(curveID: "nistp521")),
        SSHKeyType(
            name: "ssh-ed25519", certificateNames: ["ssh-ed25519-cert-v01@openssh.com"], canonicalKey: "Ed25519",
            fixedBits: 256, layout: .fixed(publicKeyLength: 32)),
        // RFC 8709; OpenSSH does not implement it, other SSH servers do. No certificate form is defined.
        SSHKeyType(
            name: "ssh-ed448", certificateNames: [], canonicalKey: "Ed448", fixedBits: 456,
            layout: .fixed(publicKeyLength: 57)),
        SSHKeyType(
            name: "sk-ecdsa-sha2-nistp256@openssh.com",
            certificateNames: ["sk-ecdsa-sha2-nistp256-cert-v01@openssh.com"], canonicalKey: "ECDSA",
            curve: "P-256", fixedBits: 256, isSecurityKey: true, layout: .securityKeyECDSA(curveID: "nistp256")),
        // OpenSSH `ssh-ecdsa-sk.c`: the webauthn name is a signature flavour of the same key, whose blob
        // carries the sk-ecdsa name.
        SSHKeyType(
            name: "webauthn-sk-ecdsa-sha2-nistp256@openssh.com",
            certificateNames: ["webauthn-sk-ecdsa-sha2-nistp256-cert-v01@openssh.com"],
            wireAliases: ["sk-ecdsa-sha2-nistp256@openssh.com", "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com"],
            canonicalKey: "ECDSA", curve: "P-256", fixedBits: 256, isSecurityKey: true,
            layout: .securityKeyECDSA(curveID: "nistp256")),
        SSHKeyType(
            name: "sk-ssh-ed25519@openssh.com", certificateNames: ["sk-ssh-ed25519-cert-v01@openssh.com"],
            canonicalKey: "Ed25519", fixedBits: 256, isSecurityKey: true, layout: .securityKeyEd25519),
        // OpenSSH `ssh-mldsa-eddsa.c` (experimental, June 2026): composite ML-DSA-44 + Ed25519 per
        // draft-ietf-lamps-pq-composite-sigs (COMPSIG-MLDSA44-Ed25519-SHA512); public key = 1312 + 32 bytes.
        SSHKeyType(
            name: "ssh-mldsa44-ed25519@openssh.com", certificateNames: ["ssh-mldsa44-ed25519-cert-v01@openssh.com"],
            canonicalKey: "ML-DSA-44+Ed25519-SHA512", layout: .fixed(publicKeyLength: 1312 + 32)),
    ]

    private static let byName: [String: SSHKeyType] = Dictionary(
        known.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    private static let byCertificateName: [String: SSHKeyType] = Dictionary(
        known.flatMap { type in type.certificateNames.map { ($0, type) } }, uniquingKeysWith: { first, _ in first })

    /// The plain key type with this exact name (type names are case-sensitive in SSH, RFC 4251 section 6).
    public static func plain(_ name: String) -> SSHKeyType? { byName[name] }

    /// The key type a certificate type name certifies (`ssh-ed25519-cert-v01@openssh.com` → `ssh-ed25519`).
    public static func certified(by certificateName: String) -> SSHKeyType? { byCertificateName[certificateName] }

    /// True for any name that looks like an OpenSSH certificate type, known or not.
    public static func isCertificateName(_ name: String) -> Bool {
        name.contains("-cert-v0") && name.hasSuffix("@openssh.com")
    }

    /// Every name, plain and certificate, this table knows; used to recognise key files by content.
    public static let allNames: Set<String> = Set(known.flatMap { [$0.name] + $0.certificateNames })

    /// Names a blob may carry inside for a line written with `name`.
    func acceptsWireName(_ wireName: String, asCertificate: Bool) -> Bool {
        if wireAliases.contains(wireName) { return true }
        return asCertificate ? certificateNames.contains(wireName) : wireName == name
    }

    init(
        name: String, certificateNames: [String], wireAliases: [String] = [], canonicalKey: String,
        curve: String? = nil, fixedBits: Int? = nil, isSecurityKey: Bool = false, layout: SSHKeyLayout
    ) {
        self.name = name
        self.certificateNames = certificateNames
        self.wireAliases = wireAliases
        self.canonicalKey = canonicalKey
        self.curve = curve
        self.fixedBits = fixedBits
        self.isSecurityKey = isSecurityKey
        self.layout = layout
    }
}

/// SSH signature algorithm names → the catalog's canonical signature names, in one place.
///
/// A certificate's signature blob starts with one of these (OpenSSH PROTOCOL.certkeys; RFC 8332 for
/// rsa-sha2-*; RFC 5656 section 6.2.1 for the ECDSA hash per curve; PROTOCOL.u2f for sk-*). As with key types,
/// `ssh-rsa` here means RSA with SHA-1, so the table decides before the catalog is asked.
public enum SSHSignatureAlgorithm {
    public static let canonicalNames: [String: String] = [
        "ssh-rsa": "RSA-SHA1",
        "rsa-sha2-256": "RSA-SHA256",
        "rsa-sha2-512": "RSA-SHA512",
        "ssh-dss": "DSA-SHA1",
        "ecdsa-sha2-nistp256": "ECDSA-SHA256",
        "ecdsa-sha2-nistp384": "ECDSA-SHA384",
        "ecdsa-sha2-nistp521": "ECDSA-SHA512",
        "ssh-ed25519": "Ed25519",
        "ssh-ed448": "Ed448",
        "sk-ecdsa-sha2-nistp256@openssh.com": "ECDSA-SHA256",
        "webauthn-sk-ecdsa-sha2-nistp256@openssh.com": "ECDSA-SHA256",
        "sk-ssh-ed25519@openssh.com": "Ed25519",
        "ssh-mldsa44-ed25519@openssh.com": "ML-DSA-44+Ed25519-SHA512",
    ]
}
