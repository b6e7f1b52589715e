/// What PQScout knows about one finding source: the one description every layer reads instead of keeping its own
/// list of source names (issue 18). A source without a description is still a valid `FindingSource` (an imported
/// CBOM's `cbom`); each reader says what it does then.
public struct FindingSourceDescription: Sendable {
    /// What the files of a source hold: the assessment groups certificates and keys by directory, configuration by
    /// the daemon that reads it.
    public enum Holding: String, Sendable {
        case certificates
        /// Keys and other key material without a certificate (SSH keys, DH parameters, certificate requests).
        case keys
        case configuration
    }

    /// The network protocol whose algorithms a source configures, in CycloneDX's words
    /// (`cryptoProperties.protocolProperties.type`, CycloneDX 1.6 schema).
    public enum ProtocolFamily: String, Sendable {
        case tls
        case ssh
        case ipsec
    }

    /// Which configuration files make up one running instance of the software (Docs/scoring.md, "Systems").
    public enum Instance: Sendable {
        /// Every file is its own system: `openssl.cnf` is read by whatever links OpenSSL.
        case eachFile
        /// One file is one instance (a tunnel: `openvpn@office`, `wg-quick@wg0`) when a path component contains one
        /// of the markers; elsewhere the file is shared.
        case oneFile(markers: [String])
        /// The directory named by the first path component containing a marker (`etc/nginx`).
        case directory(markers: [String])
        /// The parent of that directory: one daemon reads several trees below it (`ipsec.conf` and `swanctl/`).
        case parentDirectory(markers: [String])
        /// sshd and the ssh client: `sshd_config` or `ssh_config` with its drop-in directory.
        case sshProgram
    }

    public let source: FindingSource
    /// What the source covers, in the software's own words, as reports name it ("Apache httpd mod_ssl").
    public let title: String
    public let holds: Holding
    /// The software whose release decides which algorithms the source can use (`openssl`, `openssh`, `strongswan`):
    /// the key the catalog's release table is read with. Nil when the source depends on no versioned library PQScout
    /// reads (Java's own providers, WireGuard's fixed protocol).
    public let library: String?
    public let protocolFamily: ProtocolFamily?
    /// The vendor-claim uses whose evidence the source's findings are (Docs/procurement.md). `ipsec` is the VPN
    /// claim: OpenVPN and WireGuard tunnels are judged with IPsec's.
    public let claims: Set<ClaimedProtocol>
    /// The uses a vendor claim is assessed as this source for, when a profile infers its category from the source
    /// (CNSA 2.0's `categoryBySource`).
    public let standsFor: Set<ClaimedProtocol>
    /// The protocol's name when it fixes every algorithm (no negotiation, no setting), else nil.
    public let fixedProtocol: String?
    /// True when the source's files hold secrets (private keys, pre-shared keys), so the store keeps no digest of them.
    public let holdsSecrets: Bool
    public let instance: Instance?
    /// How the software separates the names of an algorithm list (`KexAlgorithms a,b`; OpenSSL's `a:b`).
    public let listSeparator: String

    public init(
        _ source: FindingSource, _ title: String, holds: Holding, library: String? = nil,
        protocolFamily: ProtocolFamily? = nil, claims: Set<ClaimedProtocol> = [], standsFor: Set<ClaimedProtocol> = [],
        fixedProtocol: String? = nil, holdsSecrets: Bool = false, instance: Instance? = nil, listSeparator: String = ":"
    ) {
        self.source = source
        self.title = title
        self.holds = holds
        self.library = library
        self.protocolFamily = protocolFamily
        self.claims = claims
        self.standsFor = standsFor
        self.fixedProtocol = fixedProtocol
        self.holdsSecrets = holdsSecrets
        self.instance = instance
        self.listSeparator = listSeparator
    }

    /// True for certificate and key files rather than configuration.
    public var isMaterial: Bool { holds != .configuration }
}

extension FindingSource {
    /// The description of this source, or nil for one no scanner of this build writes.
    public var described: FindingSourceDescription? { FindingSourceDescription.bySource[self] }
}

extension FindingSourceDescription {
    static let bySource: [FindingSource: FindingSourceDescription] = Dictionary(
        all.map { ($0.source, $0) }, uniquingKeysWith: { first, _ in first })

    /// The descriptions whose sources hold `holding`, in registry order.
    public static func holding(_ holding: Holding) -> [FindingSourceDescription] {
        all.filter { $0.holds == holding }
    }
}
