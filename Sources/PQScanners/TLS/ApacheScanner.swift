import PQCatalog
import PQModel

/// Works out what every TLS `<VirtualHost>` of an Apache httpd configuration offers (mod_ssl), and its proxy side
/// (`SSLProxy*`).
///
/// The file read is the main config (`apache2.conf`, `httpd.conf`); `Include`/`IncludeOptional` bring in the rest.
/// Server-wide `SSL*` directives hold for every virtual host that does not set them (mod_ssl's merge);
/// `SSLOpenSSLConfCmd` lines are applied server-wide first, then per host, the last one for each command winning.
/// `SSLProtocol` takes `all`, `+`/`-` terms and bare versions (a bare version replaces the set, as mod_ssl's
/// `ssl_cmd_protocol_parse` does); its default is `all -SSLv3`, and mod_ssl sets it as the minimum and maximum
/// version, so it overrides the system `MinProtocol`. `SSLCipherSuite` takes the `TLSv1.3` form for TLS 1.3 suites.
/// An unset `SSLCipherSuite` leaves OpenSSL's (or the system config's) list.
public struct ApacheScanner: FileScanner {
    /// A configuration may set nothing cryptographic; parse failures are reported by the scanner itself.
    public var nothingFoundIsMalformed: Bool { false }

    public let id = "apache"
    public let sources: [FindingSource] = [.apache]
    private let catalog: Catalog

    public init(catalog: Catalog = .shared) {
        self.catalog = catalog
    }

    static let mainNames = ["apache2.conf", "httpd.conf"]

    /// `apache2.conf` (Debian) and `httpd.conf` (RHEL, upstream) and their leftover copies by name; files of
    /// httpd's folders (`sites-available`, `conf.d`, ...) by name; elsewhere a `.conf`-like text file holding a
    /// `<VirtualHost` with `SSL` directives. A fragment the main file includes is reported by the main file.
    public func claim(path: ScanPath, head: ArraySlice<UInt8>) -> Claim {
        let name = String(decoding: path.lastComponent, as: UTF8.self)
        if Self.mainNames.contains(name) { return .name }
        if Self.mainNames.contains(where: { name.hasPrefix($0) }), TLSConfigPlacement.leftover(name) != nil {
            return .name
        }
        guard ByteSearch.isText(head) else { return .none }
        // Byte searches: this runs on the head of every text file of the tree.
        var tls: Bool {
            ByteSearch.contains(head, Array("SSL".utf8)) || ByteSearch.containsIgnoringASCIICase(head, "sslengine")
        }
        if TLSConfigPlacement.inFolder(
            path, daemons: ["apache2", "httpd"],
            folders: [
                "sites-available", "sites-enabled", "conf-available", "conf-enabled", "mods-available", "mods-enabled",
                "conf.d", "conf.modules.d", "vhosts.d",
            ])
        {
            return tls ? .name : .none
        }
        guard TLSConfigPlacement.configLikeName(name) else { return .none }
        return ByteSearch.contains(head, Array("<VirtualHost".utf8)) && tls ? .content : .none
    }

    /// Services of the file and its includes, through `TLSServiceEmitter`; damage costs diagnostics only. A file
    /// nothing puts in force is parsed alone and reported not in force (`TLSConfigPlacement`).
    public func scan(_ input: ScanInput) -> ScanOutput {
        let name = String(decoding: input.path.lastComponent, as: UTF8.self)
        if Self.mainNames.contains(name) { return scanMain(input) }
        let tree = input.context.tree
        let isLeftover = TLSConfigPlacement.leftover(name) != nil
        if Self.mainNames.contains(where: { name.hasPrefix($0) }), isLeftover {
            let output = scanMain(input)
            return TLSConfigPlacement.notInForce(
                output, reason: TLSConfigPlacement.reason(input.path, daemon: "httpd", mainName: name, hasOwner: true),
                diagnostics: output.diagnostics.filter { $0.reason != .unreadable })
        }
        let owner = TLSConfigPlacement.owner(of: input.path, mainNames: Self.mainNames, tree: tree)
        if !isLeftover {
            if TLSConfigPlacement.enabledCopy(of: input.path, bytes: input.bytes, tree: tree) { return ScanOutput() }
            if let (ownerPath, bytes) = owner {
                var parser = ApacheConfigParser(tree: tree, serverRoot: Self.serverRoot(of: ownerPath))
                if ConfigText.paths(parser.parse(path: ownerPath, bytes: bytes)).contains(input.path) {
                    return ScanOutput()
                }
            }
        }
        let root = owner.map { Self.serverRoot(of: $0.0) } ?? ConfigText.directory(of: input.path)
        var parser = ApacheConfigParser(tree: tree, serverRoot: root)
        let top = parser.parse(path: input.path, bytes: input.bytes)
        var output = ScanOutput()
        let emitter = TLSServiceEmitter(input: input, catalog: catalog)
        for service in services(Self.flatten(top), prefix: parser.serverRoot) {
            output.append(emitter.emit(service))
        }
        let mainName = owner.map { String(decoding: $0.0.lastComponent, as: UTF8.self) } ?? "apache2.conf/httpd.conf"
        return TLSConfigPlacement.notInForce(
            output,
            reason: TLSConfigPlacement.reason(input.path, daemon: "httpd", mainName: mainName, hasOwner: owner != nil),
            diagnostics: parser.diagnostics)
    }

    /// ServerRoot as httpd derives it from the main file's place (`/etc/httpd/conf/httpd.conf` → `/etc/httpd`).
    static func serverRoot(of path: ScanPath) -> String {
        var root = ConfigText.directory(of: path)
        if root.hasSuffix("/conf") { root = String(root.dropLast(5)) }
        return root
    }

    private func scanMain(_ input: ScanInput) -> ScanOutput {
        var parser = ApacheConfigParser(tree: input.context.tree, serverRoot: Self.serverRoot(of: input.path))
        let top = parser.parse(path: input.path, bytes: input.bytes)
        var output = ScanOutput(diagnostics: parser.diagnostics)
        let emitter = TLSServiceEmitter(input: input, catalog: catalog)
        output.append(emitter.emit(services(Self.flatten(top), prefix: parser.serverRoot), daemon: "httpd"))
        if let reason = ConfigText.startNote(
            daemon: "httpd", refusals: parser.startRefusals, notRead: parser.notRead)
        {
            output.markNotInForce(reason)
        }
        return output
    }

    /// Opens conditional sections (keeping `VirtualHost`), dropping negated ones.
    static func flatten(_ directives: [ApacheDirective]) -> [ApacheDirective] {
        var out: [ApacheDirective] = []
        for directive in directives {
            guard var children = directive.children else {
                out.append(directive)
                continue
            }
            if directive.args.first?.hasPrefix("!") == true { continue }
            children = flatten(children)
            if directive.key == "virtualhost" {
                var host = directive
                host.children = children
                out.append(host)
            } else if ["ifmodule", "ifdefine", "ifversion", "ifdirective", "iffile"].contains(directive.key) {
                out += children
            }
            // <Directory>, <Location>, <Files>: per-request scope, no handshake settings; skipped.
        }
        return out
    }

    func services(_ top: [ApacheDirective], prefix: String) -> [TLSService] {
        let global = top.filter { $0.children == nil }
        var out: [TLSService] = []
        // mod_md (`MDomain`, `<MDomainSet>`) supplies the certificates of the hosts it manages.
        let managed = top.contains { $0.key.hasPrefix("md") }
        for host in top where host.key == "virtualhost" {
            let own = host.children ?? []
            let all = global + own
            let engine = Self.last(all, "sslengine")?.args.first?.lowercased() == "on"
            let address = host.args.first ?? "*"
            let port = address.split(separator: ":").last.map(String.init) ?? address
            let label = Self.last(own, "servername")?.args.first.map { "\($0):\(port)" } ?? address
            if engine {
                var service = TLSService(
                    source: .apache, name: "VirtualHost \(label)", path: host.path, line: host.line)
                service.filePrefix = prefix
                // mod_ssl with OpenSSL 3 calls SSL_CTX_set_dh_auto when no DH parameters are configured.
                service.automaticDHParameters = true
                service.requiresCertificate = !managed && !own.contains { $0.key.hasPrefix("md") }
                apply(global: global, own: own, to: &service, proxy: false)
                out.append(service)
            }
            if Self.last(all, "sslproxyengine")?.args.first?.lowercased() == "on" {
                var service = TLSService(
                    source: .apache, name: "proxy of VirtualHost \(label)", path: host.path,
                    line: host.line, role: .client)
                service.filePrefix = prefix
                apply(global: global, own: own, to: &service, proxy: true)
                out.append(service)
            }
        }
        return out
    }

    static func last(_ directives: [ApacheDirective], _ key: String) -> ApacheDirective? {
        directives.last { $0.key == key }
    }

    private func apply(global: [ApacheDirective], own: [ApacheDirective], to service: inout TLSService, proxy: Bool) {
        let all = global + own
        let p = proxy ? "sslproxy" : "ssl"
        func setting(_ directive: ApacheDirective, _ value: String, name: String? = nil) -> TLSSetting {
            TLSSetting(
                directive: name ?? directive.name, value: value, path: directive.path, line: directive.line,
                layer: .file)
        }
        if let directive = Self.last(all, p + "protocol") {
            service.protocols = TLSProtocolChoice(
                versions: Self.protocols(directive.args),
                setting: setting(directive, directive.args.joined(separator: " ")),
                overridesSystem: true)
        } else {
            let versions = Self.protocols(["all", "-SSLv3"])
            service.protocols = TLSProtocolChoice(
                versions: versions,
                setting: TLSSetting(
                    directive: proxy ? "SSLProxyProtocol" : "SSLProtocol", value: "all -SSLv3", path: service.path,
                    line: service.line, layer: .application), overridesSystem: true)
        }
        for directive in all where directive.key == p + "ciphersuite" {
            if directive.args.count >= 2 {
                let proto = directive.args[0].lowercased()
                if proto == "tlsv1.3" {
                    service.ciphersuites = setting(directive, directive.args[1], name: "\(directive.name) TLSv1.3")
                } else {
                    service.cipherString = setting(directive, directive.args[1])
                }
            } else if let value = directive.args.first {
                service.cipherString = setting(directive, value)
            }
        }
        if !proxy {
            for directive in all where directive.key == "sslopensslconfcmd" && directive.args.count >= 2 {
                let one = setting(directive, directive.args[1], name: "SSLOpenSSLConfCmd \(directive.args[0])")
                switch directive.args[0].lowercased() {
                case "groups", "curves": service.groups = one
                case "ciphersuites": service.ciphersuites = one
                case "cipherstring": service.cipherString = one
                case "signaturealgorithms", "sigalgs": service.signatureAlgorithms = one
                case "clientsignaturealgorithms", "client_sigalgs": service.clientSignatureAlgorithms = one
                case "dhparameters": service.dhParameters = one
                case "minprotocol": service.minProtocol = one
                case "maxprotocol": service.maxProtocol = one
                default: continue
                }
            }
            let ownCerts = own.filter { $0.key == "sslcertificatefile" }
            let certs = ownCerts.isEmpty ? global.filter { $0.key == "sslcertificatefile" } : ownCerts
            service.certificates = certs.compactMap { d in d.args.first.map { setting(d, $0) } }
            let ownKeys = own.filter { $0.key == "sslcertificatekeyfile" }
            let keys = ownKeys.isEmpty ? global.filter { $0.key == "sslcertificatekeyfile" } : ownKeys
            service.keys = keys.compactMap { d in d.args.first.map { setting(d, $0) } }
        } else {
            service.certificates = all.filter { $0.key == "sslproxymachinecertificatefile" }.compactMap { d in
                d.args.first.map { setting(d, $0) }
            }
        }
    }

    /// mod_ssl's SSLProtocol arithmetic: `all` adds every version (SSLv3 included, as OpenSSL builds without it
    /// simply refuse it), `+v` adds, `-v` removes, a bare `v` replaces the set.
    static func protocols(_ args: [String]) -> [String] {
        let everything = ["SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"]
        var set: [String] = []
        for arg in args {
            var token = Substring(arg)
            var action: Character = "="
            if let first = token.first, first == "+" || first == "-" {
                action = first
                token = token.dropFirst()
            }
            let versions =
                token.lowercased() == "all" ? everything : TLSProtocolChoice.normalise(String(token)).map { [$0] } ?? []
            switch action {
            case "+": set += versions.filter { !set.contains($0) }
            case "-": set.removeAll { versions.contains($0) }
            default: set = versions
            }
        }
        return TLSProtocolChoice.all.filter { set.contains($0) }
    }

    public var examples: [ScannerExample] {
        [
            ScannerExample(
                name: "a TLS virtual host with Groups (OpenSSL 3.0, assumed, rejects the PQ group: a diagnostic)",
                path: "etc/apache2/apache2.conf",
                contents: Array(
                    """
                    SSLProtocol all -SSLv3 -TLSv1 -TLSv1.1
                    <VirtualHost *:443>
                        ServerName www.example.org
                        SSLEngine on
                        SSLCipherSuite ECDHE+AESGCM
                        SSLOpenSSLConfCmd Groups X25519MLKEM768:X25519
                    </VirtualHost>

                    """.utf8),
                expectedAlgorithms: ["TLSv1.2", "X25519MLKEM768", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"],
                expectsDiagnostic: true),
            ScannerExample(
                name: "a virtual host without SSLEngine offers no TLS", path: "etc/apache2/apache2.conf",
                contents: Array("<VirtualHost *:80>\n    ServerName example.org\n</VirtualHost>\n".utf8),
                expectsFindings: false),
        ]
    }
}
