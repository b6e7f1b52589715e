import PQCatalog
import PQModel

/// Reads Dovecot's configuration (`dovecot.conf` and what it includes; doc.dovecot.org "Configuration file
/// syntax"): `key = value`, `section [name] { ... }`, `!include` / `!include_try` (globs, relative to the
/// including file), `key = <file` values, `#` comments.
///
/// Reports `ssl_min_protocol` (default TLSv1.2), `ssl_cipher_list` (an OpenSSL cipher string, with Dovecot's
/// default when unset), `ssl_cipher_suites` (TLS 1.3), `ssl_curve_list` (groups) and the certificates of
/// `ssl_cert` / `ssl_server_cert_file` (2.4), plus `ssl_dh` / `ssl_server_dh_file`. A setting inside a
/// `local`, `remote` or `protocol` block has that block as its context. With `ssl = no` the settings are
/// reported as not in force. Included files are read through the scanned tree; the findings name the file
/// and line where each setting is written.
public struct DovecotScanner: FileScanner {
    public let id = "dovecot"
    public let sources: [FindingSource] = [.dovecot]
    /// A configuration may set nothing cryptographic; its own parse failures are reported by the scan.
    public let nothingFoundIsMalformed = false
    let catalog: Catalog

    /// - Parameter catalog: where names and statuses come from; tests pass a small one.
    public init(catalog: Catalog = .shared) {
        self.catalog = catalog
    }

    /// Dovecot 2.3's built-in `ssl_cipher_list` (doc.dovecot.org, settings reference).
    /// `ssl_min_protocol` when unset: `TLSv1` before 2.3.15, `TLSv1.2` since (its default in
    /// src/lib-master/master-service-ssl-settings.c at the 2.3.14 and 2.3.15 tags of dovecot/core, and in
    /// src/lib-ssl-iostream/ssl-settings.c in 2.4). The release comes from the package database, else the newest
    /// is assumed.
    static func defaultMinimumProtocol(_ software: [Software]) -> String {
        guard
            let version = OpenSSLVersion.installed(["dovecot-core", "dovecot", "dovecot23", "dovecot24"], in: software)
        else { return "TLSv1.2" }
        return version >= OpenSSLVersion(2, 3, 15) ? "TLSv1.2" : "TLSv1"
    }

    static let defaultCipherList =
        "ALL:!kRSA:!SRP:!kDHd:!DSS:!aNULL:!eNULL:!EXPORT:!DES:!3DES:!MD5:!PSK:!RC4:!ADH:!LOW@STRENGTH"

    public func claim(path: ScanPath, head: ArraySlice<UInt8>) -> Claim {
        guard ByteSearch.isText(head) else { return .none }
        if String(decoding: path.lastComponent, as: UTF8.self) == "dovecot.conf" { return .name }
        return Self.isFragment(path) ? .name : .none
    }

    /// A file of Dovecot's `conf.d/` folder, which `dovecot.conf` includes.
    static func isFragment(_ path: ScanPath) -> Bool {
        guard ByteSearch.contains(path.bytes, Array("dovecot/conf.d/".utf8)) else { return false }
        let text = path.display
        return text.contains("dovecot/conf.d/") && (text.hasSuffix(".conf") || text.hasSuffix(".conf.ext"))
    }

    struct Setting {
        var value: String
        var path: ScanPath
        var line: Int
        var context: String?
    }

    public func scan(_ input: ScanInput) -> ScanOutput {
        guard input.looksLikeText else {
            var out = ConfigFindings(path: input.path, source: .dovecot, catalog: catalog)
            out.problem("binary content in a Dovecot configuration", line: nil)
            return out.finish()
        }
        let tree = input.context.tree
        if String(decoding: input.path.lastComponent, as: UTF8.self) == "dovecot.conf" {
            var out = evaluate(input.path, input.bytes, base: input, defaults: true)
            // Included files this scanner claims on their own report themselves; others (`local.conf`) stay here.
            let fragments = out.included.filter(Self.isFragment)
            return ConfigOwnership.keep(out.finish(), for: input.path, isMain: true, fragments: fragments)
        }
        if let (owner, bytes) = ConfigOwnership.owner(of: input.path, mainName: "dovecot.conf", tree: tree) {
            var out = evaluate(owner, bytes, base: input, defaults: true)
            if out.included.contains(input.path) {
                return ConfigOwnership.keep(out.finish(), for: input.path, isMain: false, fragments: out.included)
            }
        }
        var out = evaluate(input.path, input.bytes, base: input, defaults: false)
        // A fragment nothing includes that sets no TLS setting (auth-*.conf.ext) is no TLS service at all.
        let setsTLS = ConfigLines.split(input.bytes).contains { line in
            ConfigLines.trim(ConfigLines.stripComment(line.text)).lowercased().hasPrefix("ssl")
        }
        guard setsTLS else { return ScanOutput(diagnostics: out.finish().diagnostics) }
        return ConfigOwnership.orphan(out.finish(), mainName: "dovecot.conf")
    }

    /// Reads a main file with its includes into findings (not yet finished).
    private func evaluate(_ path: ScanPath, _ bytes: [UInt8], base: ScanInput, defaults: Bool) -> ConfigFindings {
        let tree = base.context.tree
        var out = ConfigFindings(path: path, source: .dovecot, catalog: catalog)
        out.service(path.display, protocol: "TLS")
        var settings: [String: [Setting]] = [:]
        var stack: [(name: String, line: Int, path: ScanPath)] = []
        read(bytes, path: path, tree: tree, depth: 0, &stack, &settings, &out)
        if let open = stack.last {
            out.problem("section \(open.name.prefix(60)) is never closed", line: open.line, file: open.path)
        }
        emit(
            settings, input: ScanInput(path: path, bytes: bytes, options: base.options, context: base.context),
            mainPath: path,
            defaults: defaults, &out)
        return out
    }

    /// The setting in force at the top level: the last one written outside any block.
    private func global(_ settings: [String: [Setting]], _ names: [String]) -> Setting? {
        for name in names {
            if let found = settings[name]?.last(where: { $0.context == nil }) { return found }
        }
        return nil
    }

    private func emit(
        _ settings: [String: [Setting]], input: ScanInput, mainPath: ScanPath, defaults: Bool,
        _ out: inout ConfigFindings
    ) {
        let shared = SharedTLS(input: input, catalog: catalog)
        let ssl = global(settings, ["ssl"])?.value.lowercased() ?? "yes"
        let on = ssl != "no"
        // The top level, then each block (local, remote, protocol) that sets an ssl_* value of its own.
        var contexts: [String?] = [nil]
        for (key, list) in settings where key.hasPrefix("ssl") {
            for setting in list where setting.context != nil && !contexts.contains(setting.context) {
                contexts.append(setting.context)
            }
        }
        for context in contexts {
            /// The block's own value, else the top level's: Dovecot blocks inherit the global settings.
            func pick(_ names: [String]) -> Setting? {
                for name in names {
                    if let found = settings[name]?.last(where: { $0.context == context }) { return found }
                }
                return context == nil ? nil : global(settings, names)
            }
            func tlsSetting(_ names: [String], _ value: String? = nil) -> TLSSetting? {
                guard let found = pick(names) else { return nil }
                let directive = names.first {
                    settings[$0]?.contains { $0.line == found.line && $0.path == found.path } == true
                }
                var text = value ?? found.value
                if text.hasPrefix("<") { text = String(text.dropFirst()).trimmingWhitespace() }
                return TLSSetting(
                    directive: directive ?? names[0], value: text, path: found.path, line: found.line, layer: .file)
            }
            func applicationDefault(_ directive: String, _ value: String) -> TLSSetting? {
                defaults
                    ? TLSSetting(directive: directive, value: value, path: mainPath, line: nil, layer: .application)
                    : nil
            }
            var service = TLSService(source: .dovecot, name: context ?? "dovecot", path: mainPath, line: nil)
            let minimumSetting = pick(["ssl_min_protocol"])
            if let setting = minimumSetting, TLSProtocolChoice.normalise(setting.value) == nil,
                setting.value.uppercased() != "ANY"
            {
                out.problem(
                    "ssl_min_protocol \(setting.value.prefix(40)) is not a TLS version", line: setting.line,
                    file: setting.path)
            }
            // Dovecot sets ssl_min_protocol with SSL_CTX_set_min_proto_version.
            let defaultMinimum = Self.defaultMinimumProtocol(input.context.software)
            let minimum = minimumSetting.flatMap { TLSProtocolChoice.normalise($0.value) } ?? defaultMinimum
            let maximum = pick(["ssl_max_protocol"]).flatMap { TLSProtocolChoice.normalise($0.value) }
            if let protocolSetting = tlsSetting(["ssl_min_protocol"])
                ?? applicationDefault("ssl_min_protocol", defaultMinimum)
            {
                service.protocols = TLSProtocolChoice(
                    versions: TLSProtocolChoice.range(min: minimum, max: maximum), setting: protocolSetting,
                    overridesSystem: true)
            }
            service.cipherString =
                tlsSetting(["ssl_cipher_list"]) ?? applicationDefault("ssl_cipher_list", Self.defaultCipherList)
            service.ciphersuites = tlsSetting(["ssl_cipher_suites"])
            if let curves = tlsSetting(["ssl_curve_list"]), !curves.value.isEmpty { service.groups = curves }
            service.certificates = [tlsSetting(["ssl_cert", "ssl_server_cert_file"]), tlsSetting(["ssl_alt_cert"])]
                .compactMap { $0 }
            service.keys = [tlsSetting(["ssl_key", "ssl_server_key_file"]), tlsSetting(["ssl_alt_key"])].compactMap {
                $0
            }
            service.dhParameters = tlsSetting(["ssl_dh", "ssl_server_dh_file"])
            shared.emit(service, inForce: on, offNote: "ssl = no: TLS is off", into: &out)
        }
    }

    private func read(
        _ bytes: [UInt8], path: ScanPath, tree: (any TreeReader)?, depth: Int,
        _ stack: inout [(name: String, line: Int, path: ScanPath)], _ settings: inout [String: [Setting]],
        _ out: inout ConfigFindings
    ) {
        for (number, raw) in ConfigLines.split(bytes) {
            let text = ConfigLines.trim(ConfigLines.stripComment(raw))
            if text.isEmpty { continue }
            if text.hasPrefix("!include") {
                let optional = text.hasPrefix("!include_try")
                let target = ConfigLines.unquote(
                    text.dropFirst(optional ? 12 : 8).trimmingWhitespace())
                guard let tree else { continue }
                guard depth < 8 else {
                    out.problem("includes nested deeper than 8", line: number, file: path)
                    continue
                }
                let targets = ConfigLines.resolve(target, from: ConfigText.directory(of: path), tree: tree)
                if targets.isEmpty, !optional, !target.contains("*") {
                    out.problem("!include \(target.prefix(80)) is not in the scanned tree", line: number, file: path)
                }
                // Each file once: a glob that matches its own includer (or a cycle) must not multiply the work.
                for file in targets where file != path && !out.included.contains(file) {
                    guard let included = ConfigLines.read(file, tree: tree) else { continue }
                    out.included.insert(file)
                    read(included, path: file, tree: tree, depth: depth + 1, &stack, &settings, &out)
                }
                continue
            }
            if text == "}" {
                if stack.popLast() == nil { out.problem("} without an open section", line: number, file: path) }
                continue
            }
            if text.hasSuffix("{") {
                let header = text.dropLast().trimmingWhitespace()
                guard stack.count < 32 else {
                    out.problem("sections nested too deeply", line: number, file: path)
                    continue
                }
                stack.append((header, number, path))
                continue
            }
            guard let equals = text.firstIndex(of: "=") else {
                out.problem("expected key = value", line: number, file: path)
                continue
            }
            let key = text[text.startIndex..<equals].trimmingWhitespace()
            let value = ConfigLines.unquote(text[text.index(after: equals)...].trimmingWhitespace())
            let context = stack.isEmpty ? nil : stack.map(\.name).joined(separator: " / ")
            settings[key, default: []].append(Setting(value: value, path: path, line: number, context: context))
        }
    }

    public var examples: [ScannerExample] {
        [
            ScannerExample(
                name: "ssl settings and a protocol block (OpenSSL 3.0, assumed, rejects the PQ group: a diagnostic)",
                path: "etc/dovecot/dovecot.conf",
                contents: Array(
                    """
                    ssl = required
                    ssl_min_protocol = TLSv1.2
                    ssl_curve_list = X25519MLKEM768:X25519
                    protocol imap {
                      ssl_cipher_suites = TLS_AES_256_GCM_SHA384
                    }

                    """.utf8),
                expectedAlgorithms: ["TLSv1.2", "X25519MLKEM768", "TLS_AES_256_GCM_SHA384"], expectsDiagnostic: true),
            ScannerExample(
                name: "an unclosed section", path: "etc/dovecot/dovecot.conf",
                contents: Array("ssl_min_protocol = TLSv1.3\nprotocol imap {\n".utf8), expectedAlgorithms: ["TLSv1.3"],
                expectsDiagnostic: true),
        ]
    }
}

extension String {
    fileprivate var nilIfEmpty: String? { isEmpty ? nil : self }
}
