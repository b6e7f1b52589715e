/// One TLS cipher suite as OpenSSL describes it: `ECDHE-RSA-AES128-GCM-SHA256  TLSv1.2 Kx=ECDH Au=RSA
/// Enc=AESGCM(128) Mac=AEAD` (openssl-ciphers(1) `-v`), with its IANA name and code point.
public struct TLSCipherSuite: Sendable, Hashable {
    /// OpenSSL's name.
    public var name: String
    /// The IANA/RFC name (`TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256`); equals `name` for TLS 1.3 suites.
    public var standardName: String
    /// The two-byte IANA code point.
    public var codePoint: UInt16
    /// The lowest protocol the suite needs (`TLSv1.2`, `TLSv1.3`, `SSLv3` for the TLS 1.0 suites).
    public var minimumProtocol: String
    /// The `-v` tokens as written: `Kx=ECDH`, `Au=RSA`, `Enc=AESGCM(128)`, `Mac=AEAD`.
    public var keyExchange: String
    public var authentication: String
    public var encryption: String
    public var mac: String

    public init(
        name: String, standardName: String, codePoint: UInt16, minimumProtocol: String, keyExchange: String,
        authentication: String, encryption: String, mac: String
    ) {
        self.name = name
        self.standardName = standardName
        self.codePoint = codePoint
        self.minimumProtocol = minimumProtocol
        self.keyExchange = keyExchange
        self.authentication = authentication
        self.encryption = encryption
        self.mac = mac
    }

    /// Parses one `openssl ciphers -v` line; nil when it has fewer than the six fields.
    public init?(description: String, standardName: String? = nil, codePoint: UInt16 = 0) {
        let fields = description.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map(String.init)
        guard fields.count >= 6 else { return nil }
        func field(_ prefix: String) -> String { fields.first { $0.hasPrefix(prefix) } ?? prefix + "?" }
        self.init(
            name: fields[0], standardName: standardName ?? fields[0], codePoint: codePoint,
            minimumProtocol: fields[1], keyExchange: field("Kx="), authentication: field("Au="),
            encryption: field("Enc="), mac: field("Mac="))
    }

    /// True for the TLS 1.3 suites, whose key exchange and authentication come from the group and the
    /// signature scheme, not the suite (RFC 8446 §B.4).
    public var isTLS13: Bool { minimumProtocol == "TLSv1.3" }

    /// The `openssl ciphers -v` line (single spaces), for comparison with the CLI.
    public var verboseLine: String {
        [name, minimumProtocol, keyExchange, authentication, encryption, mac].joined(separator: " ")
    }
}
