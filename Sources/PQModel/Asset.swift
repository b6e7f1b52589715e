import Foundation

/// A thing that holds cryptography and can be seen in several places: a certificate, a key, a service.
///
/// `id` is derived from content (`sha256:<hex>` of the certificate DER or of the public key), so the same
/// key found in three files is one asset, and keeps its id across scans.
public struct Asset: Codable, Sendable, Hashable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case certificate
        case publicKey = "public-key"
        case privateKey = "private-key"
        case sshKey = "ssh-key"
        case sshCertificate = "ssh-certificate"
        case dhParameters = "dh-parameters"
        case keystore
        case service
    }

    public var id: String
    public var kind: Kind
    /// The algorithm as found (name or dotted OID).
    public var algorithm: String
    public var canonical: String?
    public var oid: String?
    public var keyBits: Int?
    public var curve: String?
    public var certificate: CertificateDetails?
    public var key: KeyDetails?

    public init(
        id: String, kind: Kind, algorithm: String, canonical: String? = nil, oid: String? = nil,
        keyBits: Int? = nil, curve: String? = nil, certificate: CertificateDetails? = nil, key: KeyDetails? = nil
    ) {
        self.id = id
        self.kind = kind
        self.algorithm = algorithm
        self.canonical = canonical
        self.oid = oid
        self.keyBits = keyBits
        self.curve = curve
        self.certificate = certificate
        self.key = key
    }
}

/// What an inventory needs of an X.509 certificate. No private material, by construction.
public struct CertificateDetails: Codable, Sendable, Hashable {
    /// RFC 4514 string form of the subject name.
    public var subject: String
    public var issuer: String
    /// Serial number in upper-case hex.
    public var serial: String
    public var notBefore: Date
    public var notAfter: Date
    /// Signature algorithm OID (dotted) and its catalog name if known.
    public var signatureOID: String
    public var signatureAlgorithm: String?
    public var publicKeyOID: String
    /// Upper-case hex SHA-256 of the DER certificate.
    public var sha256: String
    /// Asset id of the subject public key (`sha256:` of the SubjectPublicKeyInfo DER).
    public var publicKeyID: String
    /// basicConstraints cA; nil when the extension is absent.
    public var isCA: Bool?
    public var selfSigned: Bool

    public init(
        subject: String, issuer: String, serial: String, notBefore: Date, notAfter: Date, signatureOID: String,
        signatureAlgorithm: String?, publicKeyOID: String, sha256: String, publicKeyID: String, isCA: Bool?,
        selfSigned: Bool
    ) {
        self.subject = subject
        self.issuer = issuer
        self.serial = serial
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.signatureOID = signatureOID
        self.signatureAlgorithm = signatureAlgorithm
        self.publicKeyOID = publicKeyOID
        self.sha256 = sha256
        self.publicKeyID = publicKeyID
        self.isCA = isCA
        self.selfSigned = selfSigned
    }
}

/// What an inventory records of a key: its format and whether it is protected, never its bytes.
public struct KeyDetails: Codable, Sendable, Hashable {
    /// `pkcs1`, `sec1`, `pkcs8`, `encrypted-pkcs8`, `spki`, `openssh`, `ssh-public`, `pkcs12`, ...
    public var format: String
    public var isPrivate: Bool
    public var encrypted: Bool

    public init(format: String, isPrivate: Bool, encrypted: Bool) {
        self.format = format
        self.isPrivate = isPrivate
        self.encrypted = encrypted
    }
}
