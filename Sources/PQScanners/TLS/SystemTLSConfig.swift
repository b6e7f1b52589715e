import PQModel

/// The `system_default` TLS settings of an OpenSSL configuration: what every OpenSSL application gets at
/// `SSL_CTX_new` unless it sets its own (config(5) `ssl_conf` module; SSL_CONF_cmd(3) file commands).
public struct SystemTLSConfig: Sendable, Hashable {
    public var minProtocol: TLSSetting?
    public var maxProtocol: TLSSetting?
    public var cipherString: TLSSetting?
    public var ciphersuites: TLSSetting?
    public var groups: TLSSetting?
    public var signatureAlgorithms: TLSSetting?
    public var clientSignatureAlgorithms: TLSSetting?
    /// Where the chain was read (`etc/ssl/openssl.cnf`).
    public var path: ScanPath?

    public init() {}

    /// Candidate locations of the system config, in the order distributions use them.
    static let candidates = ["etc/ssl/openssl.cnf", "usr/lib/ssl/openssl.cnf", "etc/pki/tls/openssl.cnf"]

    /// Finds and reads the system OpenSSL config of the tree; an empty value when there is none.
    /// - Parameter label: the root label of a multi-root scan (`1-webfarm`), "" otherwise.
    public static func load(from tree: (any TreeReader)?, label: String = "") -> SystemTLSConfig {
        guard let tree else { return SystemTLSConfig() }
        for candidate in candidates {
            let path = ScanPath(label.isEmpty ? candidate : label + "/" + candidate)
            guard case .success(let bytes) = tree.read(path), !bytes.isEmpty else { continue }
            return read(OpenSSLConfParser(path: path, bytes: bytes, tree: tree), path: path)
        }
        return SystemTLSConfig()
    }

    /// Follows `openssl_conf` → `ssl_conf` → `system_default` and reads the commands there.
    static func read(_ conf: OpenSSLConfParser, path: ScanPath) -> SystemTLSConfig {
        var result = SystemTLSConfig()
        result.path = path
        // A file OpenSSL refuses sets nothing: its applications get the library's defaults.
        guard conf.refusal == nil, let initName = conf.value("openssl_conf", in: "")?.value,
            let sslName = conf.value("ssl_conf", in: initName)?.value,
            let defaultName = conf.value("system_default", in: sslName)?.value
        else { return result }
        result.apply(conf.sections[defaultName] ?? [])
        return result
    }

    /// Applies SSL_CONF file commands (case-insensitive; a `TLS.` prefix as crypto-policies writes it is
    /// accepted, `DTLS.` lines are skipped).
    mutating func apply(_ pairs: [OpenSSLConfParser.Pair]) {
        for pair in pairs {
            var key = pair.key
            if key.lowercased().hasPrefix("dtls.") { continue }
            if key.lowercased().hasPrefix("tls.") { key = String(key.dropFirst(4)) }
            let setting = TLSSetting(
                directive: pair.key, value: pair.value, path: pair.path, line: pair.line, layer: .system)
            switch key.lowercased() {
            case "minprotocol": minProtocol = setting
            case "maxprotocol": maxProtocol = setting
            case "cipherstring": cipherString = setting
            case "ciphersuites": ciphersuites = setting
            case "groups", "curves": groups = setting
            case "signaturealgorithms": signatureAlgorithms = setting
            case "clientsignaturealgorithms": clientSignatureAlgorithms = setting
            default: continue
            }
        }
    }
}
