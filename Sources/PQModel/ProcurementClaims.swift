/// A protocol or use a vendor states its cryptography for (issue 9's claims file, Docs/procurement.md).
///
/// Raw values are the YAML keys and the JSON contract.
public enum ClaimedProtocol: String, Codable, Sendable, CaseIterable, Comparable {
    case tlsServer = "tls-server"
    case tlsClient = "tls-client"
    case ssh
    case ipsec
    case codeSigning = "code-signing"
    case firmwareSigning = "firmware-signing"
    case dataAtRest = "data-at-rest"

    /// True for the uses that establish keys over a network, where hybrid ML-KEM is asked for.
    public var establishesKeys: Bool {
        switch self {
        case .tlsServer, .tlsClient, .ssh, .ipsec: true
        case .codeSigning, .firmwareSigning, .dataAtRest: false
        }
    }

    /// True for code and firmware signing, where a PQ signature path (ML-DSA, LMS, XMSS) is asked for.
    public var isSigning: Bool { self == .codeSigning || self == .firmwareSigning }

    /// In the order of `allCases`.
    public static func < (lhs: ClaimedProtocol, rhs: ClaimedProtocol) -> Bool {
        let order = allCases
        return (order.firstIndex(of: lhs) ?? 0) < (order.firstIndex(of: rhs) ?? 0)
    }
}

/// Where a vendor's claims came from.
public enum ClaimOrigin: String, Codable, Sendable {
    /// A claims file in PQScout's YAML schema.
    case yaml
    /// A CycloneDX CBOM the vendor delivered, read as the claim.
    case cbom
}

/// What a vendor says one protocol or use does.
public struct ProtocolClaim: Codable, Sendable, Hashable {
    public var `protocol`: ClaimedProtocol
    /// Algorithms the product can be configured to use today, as the vendor names them.
    public var supported: [String]
    /// Algorithms on out of the box (a subset of what is supported).
    public var defaults: [String]
    /// True when the customer can choose the algorithms (not hard-coded); nil when the vendor does not say.
    public var configurable: Bool?
    /// True when a hybrid (classical + ML-KEM) key exchange is offered; nil when the vendor does not say.
    public var hybrid: Bool?
    /// The day post-quantum support ships (or shipped); nil when the vendor names none.
    public var pqShipsOn: CalendarDay?
    /// Path patterns (`fw/*.pem`, `etc/ssh/**`) naming the evidence files for this use; empty to use the
    /// finding sources the protocol is known by.
    public var evidence: [String]
    /// Algorithms the vendor states this use never puts in force ("no SHA-1 anywhere": `[SHA-1]`); a hash also
    /// excludes the signatures built on it (SHA-1 excludes SHA-1 with RSA).
    public var excluded: [String]
    /// Line of the claim in its file, for messages.
    public var line: Int?

    public init(
        protocol: ClaimedProtocol, supported: [String] = [], defaults: [String] = [], configurable: Bool? = nil,
        hybrid: Bool? = nil, pqShipsOn: CalendarDay? = nil, evidence: [String] = [], excluded: [String] = [],
        line: Int? = nil
    ) {
        self.excluded = excluded
        self.protocol = `protocol`
        self.supported = supported
        self.defaults = defaults
        self.configurable = configurable
        self.hybrid = hybrid
        self.pqShipsOn = pqShipsOn
        self.evidence = evidence
        self.line = line
    }

    enum CodingKeys: String, CodingKey {
        case `protocol`, supported, defaults, configurable, hybrid, pqShipsOn, evidence, excluded, line
    }

    /// Reads the JSON form; `excluded` (added after schema 1 shipped) may be absent.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.protocol = try c.decode(ClaimedProtocol.self, forKey: .protocol)
        supported = try c.decodeIfPresent([String].self, forKey: .supported) ?? []
        defaults = try c.decodeIfPresent([String].self, forKey: .defaults) ?? []
        configurable = try c.decodeIfPresent(Bool.self, forKey: .configurable)
        hybrid = try c.decodeIfPresent(Bool.self, forKey: .hybrid)
        pqShipsOn = try c.decodeIfPresent(CalendarDay.self, forKey: .pqShipsOn)
        evidence = try c.decodeIfPresent([String].self, forKey: .evidence) ?? []
        excluded = try c.decodeIfPresent([String].self, forKey: .excluded) ?? []
        line = try c.decodeIfPresent(Int.self, forKey: .line)
    }
}

/// One vendor's claims about a product's cryptography and its post-quantum roadmap.
public struct VendorClaims: Codable, Sendable, Hashable {
    public var vendor: String
    public var product: String
    public var version: String?
    /// The system category, as CNSA 2.0 names them (`networking`, `web-cloud`, ...); nil when not given.
    public var category: String?
    /// FIPS 140-3 and other validations, in the vendor's words ("FIPS 140-3 cert #4711").
    public var validations: [String]
    /// True when the vendor delivers a CBOM; nil when it does not say.
    public var cbomProvided: Bool?
    /// The last day the vendor supports this version (security fixes); nil when it does not say.
    public var supportEndsOn: CalendarDay?
    public var protocols: [ProtocolClaim]
    /// The file the claims were read from, as the user named it.
    public var file: String
    public var origin: ClaimOrigin

    public init(
        vendor: String, product: String, version: String? = nil, category: String? = nil, validations: [String] = [],
        cbomProvided: Bool? = nil, supportEndsOn: CalendarDay? = nil, protocols: [ProtocolClaim] = [], file: String,
        origin: ClaimOrigin = .yaml
    ) {
        self.supportEndsOn = supportEndsOn
        self.vendor = vendor
        self.product = product
        self.version = version
        self.category = category
        self.validations = validations
        self.cbomProvided = cbomProvided
        self.protocols = protocols
        self.file = file
        self.origin = origin
    }

    /// "Vendor Product version", for headings and table columns.
    public var title: String { [vendor, product, version].compactMap { $0 }.joined(separator: " ") }

    /// The claim for one protocol, or nil.
    public func claim(_ protocol: ClaimedProtocol) -> ProtocolClaim? { protocols.first { $0.protocol == `protocol` } }
}
