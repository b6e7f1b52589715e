/// What produced a finding: a scanner family. An open set, so a new scanner needs no change here.
public struct FindingSource: RawRepresentable, Hashable, Codable, Sendable, ExpressibleByStringLiteral,
    CustomStringConvertible
{
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public init(from decoder: Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
    public var description: String { rawValue }

    public static let x509: FindingSource = "x509"
    public static let pkcs7: FindingSource = "pkcs7"
    public static let pkcs12: FindingSource = "pkcs12"
    public static let publicKey: FindingSource = "public-key"
    public static let privateKey: FindingSource = "private-key"
    public static let dhParameters: FindingSource = "dh-parameters"
    /// A PKCS#10 certificate signing request (RFC 2986).
    public static let csr: FindingSource = "csr"
    public static let sshKey: FindingSource = "ssh-key"
    public static let sshCertificate: FindingSource = "ssh-certificate"
    public static let openssh: FindingSource = "openssh"
    public static let nginx: FindingSource = "nginx"
    public static let apache: FindingSource = "apache"
    public static let haproxy: FindingSource = "haproxy"
    public static let opensslConf: FindingSource = "openssl-conf"
    public static let postfix: FindingSource = "postfix"
    public static let strongswan: FindingSource = "strongswan"
    public static let openvpn: FindingSource = "openvpn"
    public static let javaSecurity: FindingSource = "java-security"
}
