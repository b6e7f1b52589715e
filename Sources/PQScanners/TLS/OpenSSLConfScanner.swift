import PQCatalog
import PQModel

/// Reads OpenSSL configuration files for the TLS settings every OpenSSL application inherits: `openssl.cnf`
/// (following `openssl_conf` → `ssl_conf` → `system_default`, with `.include`s), and the RHEL/Fedora
/// crypto-policies back-ends `opensslcnf.config` (SSL_CONF commands) and `openssl.config` (one cipher string).
///
/// Findings describe the `system_default` endpoint: what an application that sets nothing itself offers. Settings
/// the file leaves unset are reported with the library default of the OpenSSL in force (origin `default`).
public struct OpenSSLConfScanner: FileScanner {
    /// A configuration may set nothing cryptographic; parse failures are reported by the scanner itself.
    public var nothingFoundIsMalformed: Bool { false }

    public let id = "openssl-conf"
    public let sources: [FindingSource] = [.opensslConf]
    private let catalog: Catalog

    public init(catalog: Catalog = .shared) {
        self.catalog = catalog
    }

    /// By name: `openssl.cnf`, the crypto-policies back-ends `opensslcnf.config` and `.../crypto-policies/.../openssl.config`.
    public func claim(path: ScanPath, head: ArraySlice<UInt8>) -> Claim {
        let name = String(decoding: path.lastComponent, as: UTF8.self)
        let text = String(decoding: path.bytes, as: UTF8.self)
        if name == "openssl.cnf" || name == "opensslcnf.config" { return .name }
        if name == "openssl.config", text.contains("crypto-policies") { return .name }
        return .none
    }

    /// Services of the file and its includes, through `TLSServiceEmitter`; damage costs diagnostics only.
    public func scan(_ input: ScanInput) -> ScanOutput {
        let name = String(decoding: input.path.lastComponent, as: UTF8.self)
        let software = OpenSSLInForce.resolve(software: input.context.software, option: input.options.opensslVersion)
        var system = SystemTLSConfig()
        var diagnostics: [Diagnostic] = []
        // The applications are clients as much as servers, and a client offers every suite of the list whatever
        // the certificates: the list is judged as offered (role .client), not against a server certificate no one
        // named (which made ECDSA suites "not negotiated" against an assumed RSA key).
        var service = TLSService(
            source: .opensslConf, name: "system_default (OpenSSL applications without their own settings)",
            path: input.path, line: nil, role: .client)
        switch name {
        case "openssl.config":
            var lines: [(Int, Substring)] = []
            if ByteSearch.isText(input.bytes) {
                lines = ConfigText.lines(input.bytes, path: input.path, diagnostics: &diagnostics)
            } else {
                diagnostics.append(Diagnostic(path: input.path, reason: .malformed, detail: "binary data"))
            }
            guard let (number, text) = lines.first(where: { !$0.1.hasPrefix("#") && !$0.1.isEmpty }) else {
                return ScanOutput(diagnostics: diagnostics)
            }
            service.cipherString = TLSSetting(
                directive: "cipher string", value: String(text).trimmingWhitespace(), path: input.path, line: number,
                layer: .file)
            service.name = "crypto-policies cipher string"
        default:
            let conf = OpenSSLConfParser(path: input.path, bytes: input.bytes, tree: input.context.tree)
            diagnostics = conf.diagnostics
            // A file OpenSSL refuses sets nothing (the library's defaults); its diagnostic says why.
            if name == "opensslcnf.config" {
                if conf.refusal == nil { system.apply(conf.sections[""] ?? []) }
            } else {
                system = SystemTLSConfig.read(conf, path: input.path)
            }
        }
        let emitter = TLSServiceEmitter(openssl: software, system: system, tree: input.context.tree, catalog: catalog)
        var output = emitter.emit(service)
        output.diagnostics = diagnostics + output.diagnostics
        return output
    }

    /// The chain every example's settings hang from: `openssl_conf` → `ssl_conf` → `system_default`.
    static let exampleChain = """
        openssl_conf = openssl_init
        [openssl_init]
        ssl_conf = ssl_sect
        [ssl_sect]
        system_default = system_default_sect
        [system_default_sect]

        """

    public var examples: [ScannerExample] {
        [
            ScannerExample(
                name: "system_default with a protocol floor and groups", path: "etc/ssl/openssl.cnf",
                contents: Array(
                    (Self.exampleChain
                        + """
                        MinProtocol = TLSv1.2
                        CipherString = DEFAULT:@SECLEVEL=2
                        Groups = X25519:secp384r1

                        """).utf8),
                expectedAlgorithms: ["TLSv1.2", "X25519", "secp384r1", "TLS_AES_256_GCM_SHA384"]),
            // With no package database the OpenSSL in force is assumed to be 3.0, which lacks the PQ group: OpenSSL
            // rejects the line and skips it, so the library's default groups stand (and a diagnostic says so).
            ScannerExample(
                name: "a system_default group list the OpenSSL in force rejects", path: "etc/ssl/openssl.cnf",
                contents: Array(
                    (Self.exampleChain
                        + """
                        Groups = X25519MLKEM768:X25519

                        """).utf8),
                expectedAlgorithms: ["X25519MLKEM768", "x25519"], expectsDiagnostic: true),
        ]
    }
}
