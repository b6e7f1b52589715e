import PQCatalog
import PQModel

/// Works out what every TLS `server` of an nginx configuration offers: protocols, suites, groups, signature
/// algorithms, and the certificate and key it presents; and what its upstream side (`proxy_ssl_*`, `grpc_ssl_*`)
/// accepts.
///
/// The file read is `nginx.conf`; `include` pulls in the rest (`sites-enabled/*`, `conf.d/*.conf`), so a snippet is
/// judged in the context that includes it. Directives follow nginx's inheritance (ngx_http_ssl_module.c merge
/// functions): a setting in `http` holds for every `server` that does not set it; array directives
/// (`ssl_certificate`, `ssl_conf_command`) are replaced as a whole by a lower level that sets any. Unset directives
/// take nginx's defaults (`ssl_ciphers HIGH:!aNULL:!MD5`, `ssl_protocols TLSv1.2 TLSv1.3` since 1.27.3,
/// `ssl_ecdh_curve auto` = OpenSSL's groups), and then the system OpenSSL config and library defaults apply
/// (`TLSServiceEmitter`). The `stream` and `mail` contexts work the same way.
public struct NginxScanner: FileScanner {
    /// A configuration may set nothing cryptographic; parse failures are reported by the scanner itself.
    public var nothingFoundIsMalformed: Bool { false }

    public let id = "nginx"
    public let sources: [FindingSource] = [.nginx]
    private let catalog: Catalog

    public init(catalog: Catalog = .shared) {
        self.catalog = catalog
    }

    /// `nginx.conf` and its leftover copies by name; files of nginx's folders (`sites-available`, `conf.d`,
    /// `snippets`, ...) by name; elsewhere a `.conf`-like text file holding a `server {` block with TLS directives
    /// (a role's template, a config repository). A fragment `nginx.conf` includes is reported by `nginx.conf`.
    public func claim(path: ScanPath, head: ArraySlice<UInt8>) -> Claim {
        let name = String(decoding: path.lastComponent, as: UTF8.self)
        if name == "nginx.conf" { return .name }
        if name.hasPrefix("nginx.conf"), TLSConfigPlacement.leftover(name) != nil { return .name }
        guard ByteSearch.isText(head) else { return .none }
        if TLSConfigPlacement.inFolder(
            path, daemons: ["nginx"], folders: ["sites-available", "sites-enabled", "conf.d", "snippets", "streams"])
        {
            return .name
        }
        guard TLSConfigPlacement.configLikeName(name) else { return .none }
        let hasServer = ByteSearch.containsAny(head, ["server {", "server{"])
        return hasServer && ByteSearch.containsAny(head, ["ssl_", " ssl"])
            && !ByteSearch.contains(head, Array("<VirtualHost".utf8)) ? .content : .none
    }

    /// Services of the file and its includes, through `TLSServiceEmitter`; damage costs diagnostics only. A file
    /// nothing puts in force is parsed alone and reported not in force (`TLSConfigPlacement`).
    public func scan(_ input: ScanInput) -> ScanOutput {
        let name = String(decoding: input.path.lastComponent, as: UTF8.self)
        if name == "nginx.conf" { return scanMain(input) }
        if name.hasPrefix("nginx.conf"), TLSConfigPlacement.leftover(name) != nil {
            let output = scanMain(input)
            return TLSConfigPlacement.notInForce(
                output,
                reason: TLSConfigPlacement.reason(input.path, daemon: "nginx", mainName: "nginx.conf", hasOwner: true),
                diagnostics: output.diagnostics.filter { $0.reason != .unreadable })
        }
        let tree = input.context.tree
        let owner = TLSConfigPlacement.owner(of: input.path, mainNames: ["nginx.conf"], tree: tree)
        if TLSConfigPlacement.leftover(name) == nil {
            if TLSConfigPlacement.enabledCopy(of: input.path, bytes: input.bytes, tree: tree) { return ScanOutput() }
            if let (ownerPath, bytes) = owner {
                var parser = NginxConfigParser(tree: tree, prefix: ConfigText.directory(of: ownerPath))
                if ConfigText.paths(parser.parse(path: ownerPath, bytes: bytes)).contains(input.path) {
                    return ScanOutput()
                }
            }
        }
        // Not in force: parsed alone; bare `server` blocks and `ssl_*` lines are read as if inside `http`.
        let prefix = owner.map { ConfigText.directory(of: $0.0) } ?? ConfigText.directory(of: input.path)
        var parser = NginxConfigParser(tree: tree, prefix: prefix)
        var top = parser.parse(path: input.path, bytes: input.bytes)
        if !top.contains(where: { ["http", "stream", "mail"].contains($0.name) }) {
            top = [NginxDirective(name: "http", args: [], path: input.path, line: 1, children: top)]
        }
        var output = ScanOutput()
        let emitter = TLSServiceEmitter(input: input, catalog: catalog)
        for service in services(top, prefix: prefix, nginxVersion: Self.nginxVersion(input.context.software)) {
            output.append(emitter.emit(service))
        }
        return TLSConfigPlacement.notInForce(
            output,
            reason: TLSConfigPlacement.reason(
                input.path, daemon: "nginx", mainName: "nginx.conf", hasOwner: owner != nil),
            diagnostics: parser.diagnostics)
    }

    private func scanMain(_ input: ScanInput) -> ScanOutput {
        let prefix = ConfigText.directory(of: input.path)
        var parser = NginxConfigParser(tree: input.context.tree, prefix: prefix)
        let top = parser.parse(path: input.path, bytes: input.bytes)
        var output = ScanOutput(diagnostics: parser.diagnostics)
        let emitter = TLSServiceEmitter(input: input, catalog: catalog)
        let nginxVersion = Self.nginxVersion(input.context.software)
        output.append(emitter.emit(services(top, prefix: prefix, nginxVersion: nginxVersion), daemon: "nginx"))
        if let reason = ConfigText.startNote(
            daemon: "nginx", refusals: parser.startRefusals, notRead: parser.notRead)
        {
            output.markNotInForce(reason)
        }
        return output
    }

    // MARK: - Services

    /// Settings inherited down the block tree: directive name → its occurrences at the nearest level setting it.
    typealias Inherited = [String: [NginxDirective]]

    static let tlsDirectives: Set<String> = [
        "ssl_protocols", "ssl_ciphers", "ssl_ecdh_curve", "ssl_conf_command", "ssl_certificate",
        "ssl_certificate_key", "ssl_dhparam", "ssl", "ssl_reject_handshake", "proxy_ssl_protocols", "proxy_ssl_ciphers",
        "proxy_ssl_conf_command", "proxy_ssl_certificate", "proxy_ssl_certificate_key", "grpc_ssl_protocols",
        "grpc_ssl_ciphers", "grpc_ssl_conf_command", "grpc_ssl_certificate", "grpc_ssl_certificate_key",
    ]

    static func merge(_ parent: Inherited, _ block: [NginxDirective]) -> Inherited {
        var own: Inherited = [:]
        for directive in block where tlsDirectives.contains(directive.name) {
            own[directive.name, default: []].append(directive)
        }
        return parent.merging(own) { _, child in child }
    }

    func services(_ top: [NginxDirective], prefix: String, nginxVersion: OpenSSLVersion?) -> [TLSService] {
        var out: [TLSService] = []
        for context in top where ["http", "stream", "mail"].contains(context.name) {
            let children = context.children ?? []
            let inherited = Self.merge([:], children)
            let servicesBefore = out.count
            for server in children where server.name == "server" {
                let block = server.children ?? []
                let settings = Self.merge(inherited, block)
                let label = context.name == "http" ? "server" : "\(context.name) server"
                if let service = serverService(
                    server, block: block, settings: settings, label: label, prefix: prefix, nginxVersion: nginxVersion)
                {
                    out.append(service)
                }
                out += upstreamServices(
                    server, block: block, settings: settings, prefix: prefix, nginxVersion: nginxVersion)
            }
            let hasOwnTLS = inherited.keys.contains { $0.hasPrefix("ssl_") }
            if out.count == servicesBefore, hasOwnTLS {
                var template = TLSService(
                    source: .nginx, name: "\(context.name) (no TLS server yet)", path: context.path, line: context.line)
                template.filePrefix = prefix
                template.isTemplate = true
                apply(inherited, to: &template, directivePrefix: "ssl_", nginxVersion: nginxVersion, client: false)
                out.append(template)
            }
        }
        return out
    }

    private func serverService(
        _ server: NginxDirective, block: [NginxDirective], settings: Inherited, label: String, prefix: String,
        nginxVersion: OpenSSLVersion?
    ) -> TLSService? {
        let listens = block.filter { $0.name == "listen" }
        let sslListen = listens.first { $0.args.dropFirst().contains("ssl") || $0.args.dropFirst().contains("quic") }
        let sslOn = settings["ssl"]?.last?.args.first == "on"
        guard sslListen != nil || sslOn else { return nil }
        let address = (sslListen ?? listens.first)?.args.first ?? "443"
        let port = address.split(separator: ":").last.map(String.init) ?? address
        let serverName = block.first { $0.name == "server_name" }?.args.first { $0 != "_" && !$0.isEmpty } ?? "_"
        var service = TLSService(
            source: .nginx, name: "\(label) \(serverName):\(port)", path: server.path, line: server.line)
        service.filePrefix = prefix
        service.requiresCertificate = settings["ssl_reject_handshake"]?.last?.args.first != "on"
        apply(settings, to: &service, directivePrefix: "ssl_", nginxVersion: nginxVersion, client: false)
        return service
    }

    /// The upstream side of a server: locations (and the server) that `proxy_pass https://` or `grpc_pass grpcs://`.
    private func upstreamServices(
        _ server: NginxDirective, block: [NginxDirective], settings: Inherited, prefix: String,
        nginxVersion: OpenSSLVersion?
    ) -> [TLSService] {
        var out: [TLSService] = []
        func visit(_ directives: [NginxDirective], _ inherited: Inherited) {
            for directive in directives {
                let target = directive.args.first ?? ""
                if directive.name == "proxy_pass", target.lowercased().hasPrefix("https://") {
                    out.append(upstream(directive, target, inherited, "proxy_ssl_", prefix, nginxVersion))
                } else if directive.name == "grpc_pass", target.lowercased().hasPrefix("grpcs://") {
                    out.append(upstream(directive, target, inherited, "grpc_ssl_", prefix, nginxVersion))
                } else if directive.name == "location", let children = directive.children {
                    visit(children, Self.merge(inherited, children))
                }
            }
        }
        visit(block, settings)
        return out
    }

    private func upstream(
        _ pass: NginxDirective, _ target: String, _ settings: Inherited, _ directivePrefix: String, _ prefix: String,
        _ nginxVersion: OpenSSLVersion?
    ) -> TLSService {
        var service = TLSService(
            source: .nginx, name: "upstream \(target)", path: pass.path, line: pass.line, role: .client)
        service.filePrefix = prefix
        apply(settings, to: &service, directivePrefix: directivePrefix, nginxVersion: nginxVersion, client: true)
        return service
    }

    /// Fills a service from the merged directives (`ssl_*` for servers, `proxy_ssl_*`/`grpc_ssl_*` upstream).
    private func apply(
        _ settings: Inherited, to service: inout TLSService, directivePrefix: String, nginxVersion: OpenSSLVersion?,
        client: Bool
    ) {
        func setting(_ directive: NginxDirective, value: String) -> TLSSetting {
            TLSSetting(
                directive: directive.name, value: value, path: directive.path, line: directive.line, layer: .file)
        }
        func appDefault(_ name: String, _ value: String) -> TLSSetting {
            TLSSetting(directive: name, value: value, path: service.path, line: service.line, layer: .application)
        }
        if let directive = settings[directivePrefix + "protocols"]?.last {
            service.protocols = TLSProtocolChoice(
                versions: directive.args.compactMap(TLSProtocolChoice.normalise),
                setting: setting(directive, value: directive.args.joined(separator: " ")), overridesSystem: false)
        } else {
            let versions = Self.defaultProtocols(nginxVersion)
            service.protocols = TLSProtocolChoice(
                versions: versions, setting: appDefault(directivePrefix + "protocols", versions.joined(separator: " ")),
                overridesSystem: false)
        }
        if let directive = settings[directivePrefix + "ciphers"]?.last, let value = directive.args.first {
            service.cipherString = setting(directive, value: value)
        } else {
            service.cipherString = appDefault(directivePrefix + "ciphers", client ? "DEFAULT" : "HIGH:!aNULL:!MD5")
        }
        if !client, let directive = settings["ssl_ecdh_curve"]?.last, let value = directive.args.first,
            value.lowercased() != "auto"
        {
            service.groups = setting(directive, value: value)
        }
        for directive in settings[directivePrefix + "conf_command"] ?? [] where directive.args.count >= 2 {
            let value = directive.args[1]
            var one = setting(directive, value: value)
            one.directive = "\(directive.name) \(directive.args[0])"
            switch directive.args[0].lowercased() {
            case "groups", "curves": service.groups = one
            case "ciphersuites": service.ciphersuites = one
            case "signaturealgorithms", "sigalgs": service.signatureAlgorithms = one
            case "clientsignaturealgorithms", "client_sigalgs": service.clientSignatureAlgorithms = one
            case "cipherstring": service.cipherString = one
            case "minprotocol": service.minProtocol = one
            case "maxprotocol": service.maxProtocol = one
            default: continue
            }
        }
        service.certificates = (settings[directivePrefix + "certificate"] ?? []).compactMap { directive in
            directive.args.first.map { setting(directive, value: $0) }
        }
        service.keys = (settings[directivePrefix + "certificate_key"] ?? []).compactMap { directive in
            directive.args.first.map { setting(directive, value: $0) }
        }
        if !client, let directive = settings["ssl_dhparam"]?.last, let value = directive.args.first {
            service.dhParameters = setting(directive, value: value)
        }
    }

    /// `ssl_protocols` (and `proxy_ssl_protocols`, `grpc_ssl_protocols`) when unset, by release: TLSv1.3 joined at
    /// 1.23.4, and TLSv1 and TLSv1.1 left at 1.27.3 (`ngx_conf_merge_bitmask_value` of the protocols in
    /// src/http/modules/ngx_http_ssl_module.c at release-1.23.3, -1.23.4, -1.27.2; `NGX_SSL_DEFAULT_PROTOCOLS` in
    /// src/event/ngx_event_openssl.h at release-1.27.3). Unknown: the newest.
    static func defaultProtocols(_ nginxVersion: OpenSSLVersion?) -> [String] {
        guard let nginxVersion, nginxVersion < OpenSSLVersion(1, 27, 3) else { return ["TLSv1.2", "TLSv1.3"] }
        return nginxVersion < OpenSSLVersion(1, 23, 4)
            ? ["TLSv1", "TLSv1.1", "TLSv1.2"] : ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"]
    }

    /// nginx's version from the package database (`nginx`, `nginx-core`, `nginx-common`), for version-dependent
    /// defaults; nil when unknown (the current defaults are assumed).
    static func nginxVersion(_ software: [Software]) -> OpenSSLVersion? {
        OpenSSLVersion.installed(
            ["nginx", "nginx-core", "nginx-common", "nginx-full", "nginx-light", "nginx-extras"], in: software)
    }

    public var examples: [ScannerExample] {
        [
            ScannerExample(
                name: "a TLS server with a hybrid group (OpenSSL 3.0, assumed, rejects the PQ group: a diagnostic)",
                path: "etc/nginx/nginx.conf",
                contents: Array(
                    """
                    http {
                        ssl_protocols TLSv1.2 TLSv1.3;
                        server {
                            listen 443 ssl;
                            server_name www.example.org;
                            ssl_ciphers ECDHE+AESGCM;
                            ssl_ecdh_curve X25519MLKEM768:X25519;
                        }
                    }

                    """.utf8),
                expectedAlgorithms: ["TLSv1.3", "X25519MLKEM768", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"],
                expectsDiagnostic: true),
            ScannerExample(
                name: "a plain-HTTP server offers no TLS", path: "etc/nginx/nginx.conf",
                contents: Array("http { server { listen 80; server_name example.org; } }\n".utf8),
                expectsFindings: false),
        ]
    }
}
