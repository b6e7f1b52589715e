import PQCatalog
import PQModel

/// Reads OpenVPN configurations (openvpn(8), `--config` file syntax: one option per line without the leading
/// `--`, `#` and `;` comments, inline files as `<name>…</name>`).
///
/// Data channel: `data-ciphers` (default `AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305` in OpenVPN 2.6; defaults of
/// older releases when the `openvpn` package names one),
/// `data-ciphers-fallback`, the legacy `cipher`, and `auth` (HMAC for CBC ciphers and `tls-auth`, default
/// SHA1). Control channel: `tls-cipher` (an OpenSSL cipher string), `tls-ciphersuites`, `tls-groups`,
/// `ecdh-curve`, `tls-version-min`/`-max`, `tls-cert-profile` (the security level), and `dh` (the parameter
/// file's size, or `none` for ECDHE only).
/// Certificates, keys and DH parameters written inline (`<ca>`, `<cert>`, `<key>`, `<dh>`) are PEM blocks the
/// certificate, key and DH-parameter scanners read in place, like certificate files; `tls-auth`/`tls-crypt`/`tls-crypt-v2` and `secret` static keys are symmetric:
/// they are noted, never stored.
public struct OpenVPNScanner: FileScanner {
    public let id = "openvpn"
    public let sources: [FindingSource] = [.openvpn]
    /// A configuration may set nothing cryptographic; its own parse failures are reported by the scan.
    public let nothingFoundIsMalformed = false
    let catalog: Catalog

    /// - Parameter catalog: where names and statuses come from; tests pass a small one.
    public init(catalog: Catalog = .shared) {
        self.catalog = catalog
    }

    static let defaultDataCiphers = "AES-256-GCM:AES-128-GCM:CHACHA20-POLY1305"

    /// What changed with the release (src/openvpn/options.c at the v2.4.12, v2.5.11 and v2.6.0 tags; Changes.rst
    /// of 2.6.0): 2.5 stopped falling back to BF-CBC when `cipher` is not set, and 2.6 added CHACHA20-POLY1305 to the
    /// default `data-ciphers` and raised the default `tls-version-min` to 1.2 (before, the library's minimum held).
    static let noBlowfishFallbackSince = OpenSSLVersion(2, 5)
    static let tls12MinimumSince = OpenSSLVersion(2, 6)
    /// `tls-cert-profile` sets OpenSSL's security level after `SSL_CTX_new` and before `tls-cipher`, so the
    /// system `openssl.cnf`'s `@SECLEVEL` does not hold and `tls-cipher`'s does (ssl.c `init_ssl`, ssl_openssl.c
    /// `tls_ctx_set_cert_profile`, from v2.4.5 to 2.6 and on): no profile is `legacy`; an unknown one stops openvpn
    /// ("Invalid cert profile").
    static let certificateProfileSince = OpenSSLVersion(2, 4, 5)
    static let certificateProfileLevels = ["legacy": 1, "insecure": 0, "preferred": 2, "suiteb": 3]

    /// The OpenVPN release the tree's packages name; nil when unknown (the newest defaults are assumed).
    static func release(_ software: [Software]) -> OpenSSLVersion? {
        OpenSSLVersion.installed(["openvpn"], in: software)
    }
    static let staticKeyNote =
        "static pre-shared key (OpenVPN Static key V1): symmetric, unaffected by Shor; key not recorded"

    public func claim(path: ScanPath, head: ArraySlice<UInt8>) -> Claim {
        guard ByteSearch.isText(head) else { return .none }
        let ext = path.lowercasedExtension
        if ext == "ovpn" { return .name }
        if ext == "conf", ByteSearch.contains(path.bytes, Array("openvpn/".utf8)) {
            return head.isEmpty || Self.looksLikeOpenVPN(head) ? .name : .none
        }
        return Self.looksLikeOpenVPN(head) ? .content : .none
    }

    /// `dev tun`/`dev tap` or `remote` together with a TLS or cipher option, at the start of lines.
    static func looksLikeOpenVPN(_ head: ArraySlice<UInt8>) -> Bool {
        // Cheap byte search first: this runs on the head of every file of the tree.
        guard ["dev tun", "dev tap", "remote "].contains(where: { ByteSearch.contains(head, Array($0.utf8)) }) else {
            return false
        }
        let text = String(decoding: head, as: UTF8.self)
        let lines = text.split(separator: "\n").map { $0.trimmingWhitespace() }
        let device = lines.contains { $0.hasPrefix("dev tun") || $0.hasPrefix("dev tap") || $0.hasPrefix("remote ") }
        let crypto = lines.contains {
            $0.hasPrefix("<ca>") || $0.hasPrefix("ca ") || $0.hasPrefix("cipher ") || $0.hasPrefix("tls-")
                || $0.hasPrefix("data-ciphers") || $0.hasPrefix("secret ")
        }
        return device && crypto
    }

    struct Option {
        var words: [String]
        var line: Int
    }

    public func scan(_ input: ScanInput) -> ScanOutput {
        var out = ConfigFindings(path: input.path, source: .openvpn, catalog: catalog)
        guard input.looksLikeText else {
            out.problem("binary content in an OpenVPN configuration", line: nil)
            return out.finish()
        }
        out.service(input.path.display, protocol: "TLS")
        let tls = TLSSettingsEmitter(catalog: catalog, tree: input.context.tree)
        let directory = ConfigText.directory(of: input.path)
        var options: [String: Option] = [:]
        var inline: (name: String, line: Int, bytes: [UInt8])?
        for (number, raw) in ConfigLines.split(input.bytes) {
            let text = ConfigLines.trim(raw)
            if var block = inline {
                if text == "</\(block.name)>" {
                    inlineBlock(block.name, bytes: block.bytes, firstLine: block.line + 1, &options, &out)
                    inline = nil
                } else {
                    block.bytes += Array(raw.utf8) + [0x0A]
                    inline = block
                }
                continue
            }
            if text.hasPrefix("<"), text.hasSuffix(">"), !text.hasPrefix("</") {
                let name = String(text.dropFirst().dropLast())
                inline = (name, number, [])
                continue
            }
            let uncommented = ConfigLines.trim(ConfigLines.stripComment(raw, markers: ["#", ";"]))
            if uncommented.isEmpty { continue }
            var words = uncommented.split(whereSeparator: { $0 == " " || $0 == "\t" }).map {
                ConfigLines.unquote(String($0))
            }
            if words[0].hasPrefix("--") { words[0].removeFirst(2) }
            let key = words[0].lowercased()
            options[key] = Option(words: words, line: number)
        }
        if let block = inline { out.problem("<\(block.name)> is never closed", line: block.line) }
        emitOptions(
            options, tls: tls, shared: SharedTLS(input: input, catalog: catalog), directory: directory,
            release: Self.release(input.context.software), &out)
        return out.finish()
    }

    private func inlineBlock(
        _ name: String, bytes: [UInt8], firstLine: Int, _ options: inout [String: Option],
        _ out: inout ConfigFindings
    ) {
        switch name {
        case "ca", "cert", "extra-certs", "key", "dh":
            // PEM blocks inside the config: the certificate, key and DH-parameter scanners read them where they
            // stand (the file's own path and lines), so they are not parsed a second time here.
            options[name] = nil
        case "tls-auth", "tls-crypt", "tls-crypt-v2", "secret":
            let text = String(decoding: bytes, as: UTF8.self)
            if !text.contains("-----BEGIN OpenVPN") {
                out.problem("<\(name)> is not an OpenVPN static key", line: firstLine - 1)
            }
            if options[name] == nil { options[name] = Option(words: [name, "[inline]"], line: firstLine - 1) }
        default:
            break
        }
    }

    private func emitOptions(
        _ options: [String: Option], tls: TLSSettingsEmitter, shared: SharedTLS, directory: String,
        release: OpenSSLVersion?, _ out: inout ConfigFindings
    ) {
        let before = { (version: OpenSSLVersion) in release.map { $0 < version } ?? false }
        /// Why openvpn stops at start with these options: then nothing of the file is in force.
        var refusal: String?
        defer { if let refusal { out.output.markNotInForce(refusal) } }
        func place(_ option: Option) -> ConfigFindings.Place { ConfigFindings.Place(line: option.line) }
        func value(_ option: Option) -> String { option.words.count > 1 ? option.words[1] : "" }

        // Data channel.
        let dataCiphers = options["data-ciphers"] ?? options["ncp-ciphers"]
        if let option = dataCiphers {
            for name in value(option).split(separator: ":") where !name.isEmpty {
                out.add(
                    at: place(option), setting: option.words[0], usage: .cipher, algorithm: String(name),
                    entry: catalog.entry(named: String(name)), note: "data channel")
            }
        } else if options["secret"] == nil {
            let old = before(Self.tls12MinimumSince)
            for name in Self.defaultDataCiphers.split(separator: ":") where !old || !name.hasPrefix("CHACHA20") {
                out.add(
                    at: ConfigFindings.Place(line: nil, origin: .default), setting: "data-ciphers", usage: .cipher,
                    algorithm: String(name), entry: catalog.entry(named: String(name)),
                    note: old
                        ? "OpenVPN 2.4/2.5 default data channel cipher"
                        : "OpenVPN 2.6 default data channel cipher (CHACHA20-POLY1305 when the library has it)")
            }
        }
        if options["secret"] == nil, options["cipher"] == nil, options["data-ciphers-fallback"] == nil,
            before(Self.noBlowfishFallbackSince)
        {
            out.add(
                at: ConfigFindings.Place(line: nil, origin: .default), setting: "cipher", usage: .cipher,
                algorithm: "BF-CBC", entry: catalog.entry(named: "BF-CBC"),
                note: "OpenVPN 2.4's default cipher, used with peers that cannot negotiate data-ciphers")
        }
        if let option = options["data-ciphers-fallback"] {
            out.add(
                at: place(option), setting: "data-ciphers-fallback", usage: .cipher, algorithm: value(option),
                entry: catalog.entry(named: value(option)), note: "used with peers that cannot negotiate (pre-2.4)")
        }
        if let option = options["cipher"] {
            let note =
                options["secret"] != nil
                ? "data channel cipher of static-key mode"
                : "legacy: since OpenVPN 2.5 used only with peers that cannot negotiate data-ciphers"
            out.add(
                at: place(option), setting: "cipher", usage: .cipher, algorithm: value(option),
                entry: catalog.entry(named: value(option)), note: note)
        }
        let auth = options["auth"].map(value) ?? "SHA1"
        if let option = options["auth"] {
            if auth.lowercased() == "none" {
                out.add(
                    at: place(option), setting: "auth", usage: .mac, algorithm: "none", entry: nil, status: .broken,
                    note: "no HMAC on data packets of non-AEAD ciphers")
            } else {
                out.add(
                    at: place(option), setting: "auth", usage: .mac, algorithm: auth, entry: catalog.entry(mac: auth),
                    note: "HMAC for non-AEAD data channel ciphers and tls-auth")
            }
        }
        if let option = options["secret"] {
            out.add(
                at: place(option), setting: "secret", usage: .keyExchange, algorithm: "PSK",
                entry: catalog.entry(named: "PSK"),
                note: Self.staticKeyNote + "; static-key mode has no forward secrecy and is deprecated since 2.6")
        }

        // Control channel: a TLS endpoint, through the shared TLS code.
        let usesTLS =
            options["secret"] == nil
            && ["tls-server", "tls-client", "client", "server", "ca", "tls-cipher", "tls-groups"].contains {
                options[$0] != nil
            }
        if usesTLS {
            var service = TLSService(
                source: .openvpn, name: "openvpn", path: out.path, line: nil,
                role: options["client"] != nil || options["tls-client"] != nil ? .client : .server)
            service.filePrefix = directory
            func setting(_ option: Option) -> TLSSetting {
                TLSSetting(
                    directive: option.words[0], value: value(option), path: out.path, line: option.line, layer: .file)
            }
            let minimum = options["tls-version-min"].flatMap { tls.version(value($0)) }
            let maximum = options["tls-version-max"].flatMap { tls.version(value($0)) }
            if options["tls-version-min"] == nil, before(Self.tls12MinimumSince) {
                // Before 2.6 the library's (and the system config's) range holds, cut by tls-version-max.
                if let option = options["tls-version-max"], let maximum {
                    var bound = setting(option)
                    bound.value = maximum
                    service.maxProtocol = bound
                }
            } else {
                // OpenVPN 2.6 raises the minimum to TLS 1.2 when tls-version-min is not given (openvpn(8)).
                let versionSetting =
                    (options["tls-version-min"] ?? options["tls-version-max"]).map(setting)
                    ?? TLSSetting(
                        directive: "tls-version-min", value: "1.2", path: out.path, line: nil, layer: .application)
                service.protocols = TLSProtocolChoice(
                    versions: TLSProtocolChoice.range(min: minimum ?? "TLSv1.2", max: maximum),
                    setting: versionSetting, overridesSystem: true)
            }
            service.cipherString =
                options["tls-cipher"].map { option in
                    var translated = setting(option)
                    translated.value = Self.openSSLCipherString(translated.value)
                    return translated
                }
                ?? TLSSetting(
                    directive: "tls-cipher", value: Self.defaultTLSCipherList, path: out.path, line: nil,
                    layer: .application)
            // tls_ctx_set_tls_groups looks each name up and warns about unknown ones instead of failing.
            service.skipsUnknownGroups = true
            service.ciphersuites = options["tls-ciphersuites"].map(setting)
            service.groups = (options["tls-groups"] ?? options["ecdh-curve"]).map(setting)
            for name in ["ca", "cert", "extra-certs"] {
                guard let option = options[name], value(option) != "[inline]", !value(option).isEmpty else { continue }
                service.certificates.append(setting(option))
            }
            if let option = options["key"], value(option) != "[inline]", !value(option).isEmpty {
                service.keys.append(setting(option))
            }
            if let option = options["dh"], value(option).lowercased() != "none", value(option) != "[inline]" {
                service.dhParameters = setting(option)
            }
            if !before(Self.certificateProfileSince) {
                let profile = options["tls-cert-profile"].map(value) ?? "legacy"
                if let level = Self.certificateProfileLevels[profile] {
                    service.securityLevel = DaemonSecurityLevel(level: level, perConnection: false)
                } else {
                    let reason =
                        "tls-cert-profile \(profile.prefix(40)) is not legacy, insecure, preferred or suiteb "
                        + "(\"Invalid cert profile\")"
                    out.problem(reason + "; openvpn refuses to start", line: options["tls-cert-profile"]?.line)
                    refusal = "not in force: openvpn refuses to start with this configuration: " + reason
                }
            }
            shared.emit(service, inForce: true, offNote: nil, into: &out)
        }
        if let option = options["dh"], value(option).lowercased() == "none" {
            out.add(
                at: place(option), setting: "dh", usage: .keyExchange, algorithm: "ECDHE",
                entry: catalog.entry(named: "ECDHE"),
                note: "dh none: no finite-field DHE; the TLS key exchange is ECDHE over tls-groups/ecdh-curve")
        }
        // Static keys on the control channel.
        if let option = options["tls-auth"] {
            out.add(
                at: place(option), setting: "tls-auth", usage: .mac, algorithm: auth,
                entry: auth.lowercased() == "none" ? nil : catalog.entry(mac: auth),
                note: Self.staticKeyNote + "; authenticates control packets (HMAC)")
        }
        for name in ["tls-crypt", "tls-crypt-v2"] {
            guard let option = options[name] else { continue }
            out.add(
                at: place(option), setting: name, usage: .cipher, algorithm: "AES-256-CTR",
                entry: catalog.entry(named: "AES-256-CTR"),
                note: Self.staticKeyNote + "; encrypts the TLS handshake, hiding it from recording")
            out.add(
                at: place(option), setting: name, usage: .mac, algorithm: "HMAC-SHA256",
                entry: catalog.entry(named: "HMAC-SHA256"), note: Self.staticKeyNote)
        }
    }

    /// OpenVPN's `tls-cipher` also takes IANA names written with dashes (`TLS-ECDHE-RSA-WITH-AES-128-GCM-SHA256`)
    /// and translates them to OpenSSL's names before OpenSSL sees the list (openvpn(8), `--show-tls`); this does the
    /// same, with the name table the linked OpenSSL reports through the shared expander.
    static func openSSLCipherString(_ text: String) -> String {
        text.split(separator: ":", omittingEmptySubsequences: false).map { token -> String in
            guard token.hasPrefix("TLS-"), token.contains("-WITH-") else { return String(token) }
            return ianaToOpenSSL[token.replacingOccurrences(of: "-", with: "_")] ?? String(token)
        }.joined(separator: ":")
    }

    static let ianaToOpenSSL: [String: String] = {
        guard case .success(let all) = CipherStringExpander.expand(cipherString: "ALL:COMPLEMENTOFALL:@SECLEVEL=0")
        else { return [:] }
        var table: [String: String] = [:]
        for suite in all.suites { table[suite.standardName] = suite.name }
        return table
    }()

    /// The TLS <= 1.2 cipher list OpenVPN 2.4-2.6 sets when `tls-cipher` is absent (ssl_openssl.c
    /// `tls_ctx_restrict_ciphers`: "sane default"), narrower than OpenSSL's `DEFAULT`.
    static let defaultTLSCipherList = "DEFAULT:!EXP:!LOW:!MEDIUM:!kDH:!kECDH:!DSS:!PSK:!SRP:!kRSA"

    public var examples: [ScannerExample] {
        [
            ScannerExample(
                name: "client with data-ciphers, tls-crypt and tls-groups", path: "etc/openvpn/client/office.conf",
                contents: Array(
                    """
                    client
                    dev tun
                    remote vpn.example.org 1194
                    data-ciphers AES-256-GCM:CHACHA20-POLY1305
                    tls-groups X25519MLKEM768:X25519
                    tls-version-min 1.2
                    tls-crypt ta.key

                    """.utf8),
                expectedAlgorithms: ["AES-256-GCM", "X25519MLKEM768", "TLSv1.3", "AES-256-CTR"]),
            ScannerExample(
                name: "unterminated inline block", path: "etc/openvpn/server.conf",
                contents: Array("dev tun\ncipher AES-128-CBC\n<ca>\n-----BEGIN CERTIFICATE-----\n".utf8),
                expectedAlgorithms: ["AES-128-CBC"], expectsDiagnostic: true),
        ]
    }
}
