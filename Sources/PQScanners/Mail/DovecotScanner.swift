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
    let catalog: Catalog

    /// - Parameter catalog: where names and statuses come from; tests pass a small one.
    public init(catalog: Catalog = .shared) {
        self.catalog = catalog
    }

    /// Dovecot 2.3's built-in `ssl_cipher_list` (doc.dovecot.org, settings reference).
    static let defaultCipherList =
        "ALL:!kRSA:!SRP:!kDHd:!DSS:!aNULL:!eNULL:!EXPORT:!DES:!3DES:!MD5:!PSK:!RC4:!ADH:!LOW@STRENGTH"

    public func claim(path: ScanPath, head: ArraySlice<UInt8>) -> Claim {
        guard ConfigLines.isText(head) else { return .none }
        if String(decoding: path.lastComponent, as: UTF8.self) == "dovecot.conf" { return .name }
        return Self.isFragment(path) ? .name : .none
    }

    /// A file of Dovecot's `conf.d/` folder, which `dovecot.conf` includes.
    static func isFragment(_ path: ScanPath) -> Bool {
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
            var out = evaluate(input.path, input.bytes, tree: tree, defaults: true)
            return ConfigOwnership.keep(out.finish(), for: input.path, isMain: true)
        }
        if let (owner, bytes) = ConfigOwnership.owner(of: input.path, mainName: "dovecot.conf", tree: tree) {
            var out = evaluate(owner, bytes, tree: tree, defaults: true)
            if out.included.contains(input.path) {
                return ConfigOwnership.keep(out.finish(), for: input.path, isMain: false)
            }
        }
        var out = evaluate(input.path, input.bytes, tree: tree, defaults: false)
        return ConfigOwnership.orphan(out.finish(), mainName: "dovecot.conf")
    }

    /// Reads a main file with its includes into findings (not yet finished).
    private func evaluate(_ path: ScanPath, _ bytes: [UInt8], tree: (any TreeReader)?, defaults: Bool) -> ConfigFindings
    {
        var out = ConfigFindings(path: path, source: .dovecot, catalog: catalog)
        out.service(path.display, protocol: "TLS")
        var settings: [String: [Setting]] = [:]
        var stack: [(name: String, line: Int, path: ScanPath)] = []
        read(bytes, path: path, tree: tree, depth: 0, &stack, &settings, &out)
        if let open = stack.last {
            out.problem("section \(open.name.prefix(60)) is never closed", line: open.line, file: open.path)
        }
        emit(settings, tree: tree, defaults: defaults, &out)
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
        _ settings: [String: [Setting]], tree: (any TreeReader)?, defaults: Bool, _ out: inout ConfigFindings
    ) {
        let tls = TLSSettingsEmitter(catalog: catalog, tree: tree)
        let ssl = global(settings, ["ssl"])?.value.lowercased() ?? "yes"
        let on = ssl != "no"
        let offNote = on ? nil : "ssl = no: TLS is off"
        // Per context: the top level, then each block that overrides something.
        var contexts: [String?] = [nil]
        for list in settings.values {
            for setting in list where setting.context != nil && !contexts.contains(setting.context) {
                contexts.append(setting.context)
            }
        }
        for context in contexts {
            func pick(_ names: [String]) -> Setting? {
                for name in names {
                    if let found = settings[name]?.last(where: { $0.context == context }) { return found }
                }
                return nil
            }
            func place(_ setting: Setting?) -> ConfigFindings.Place {
                guard let setting else {
                    return ConfigFindings.Place(line: nil, context: context, effective: on, origin: .default)
                }
                return ConfigFindings.Place(path: setting.path, line: setting.line, context: context, effective: on)
            }
            let isTop = context == nil && defaults
            let minimumSetting = pick(["ssl_min_protocol"])
            if isTop || minimumSetting != nil {
                let minimum = minimumSetting.flatMap { tls.version($0.value) } ?? "TLSv1.2"
                let maximum = pick(["ssl_max_protocol"]).flatMap { tls.version($0.value) }
                if let setting = minimumSetting, tls.version(setting.value) == nil,
                    setting.value.uppercased() != "ANY"
                {
                    out.problem(
                        "ssl_min_protocol \(setting.value.prefix(40)) is not a TLS version", line: setting.line,
                        file: setting.path)
                }
                let defaultNote = minimumSetting == nil ? "Dovecot 2.3.15+ default TLSv1.2" : nil
                tls.protocols(
                    tls.range(min: minimum, max: maximum).filter { $0 != "SSLv2" }, setting: "ssl_min_protocol",
                    place: place(minimumSetting),
                    note: [offNote, defaultNote].compactMap { $0 }.joined(separator: "; ").nilIfEmpty, &out)
            }
            let cipherList = pick(["ssl_cipher_list"])
            if isTop || cipherList != nil {
                tls.cipherString(
                    cipherList?.value ?? Self.defaultCipherList, setting: "ssl_cipher_list", place: place(cipherList),
                    note: [offNote, cipherList == nil ? "Dovecot's default" : nil].compactMap { $0 }.joined(
                        separator: "; "
                    ).nilIfEmpty, &out)
            }
            if let suites = pick(["ssl_cipher_suites"]) {
                tls.suites(suites.value, setting: "ssl_cipher_suites", place: place(suites), note: offNote, &out)
            }
            if let curves = pick(["ssl_curve_list"]), !curves.value.isEmpty {
                tls.groups(curves.value, setting: "ssl_curve_list", place: place(curves), note: offNote, &out)
            }
            for (names, label) in [
                (["ssl_cert", "ssl_server_cert_file"], "cert"), (["ssl_alt_cert"], "cert"),
                (["ssl_dh", "ssl_server_dh_file"], "dh"),
            ] {
                guard let setting = pick(names) else { continue }
                let file = setting.value.hasPrefix("<") ? String(setting.value.dropFirst()) : setting.value
                let name =
                    settings.keys.first {
                        names.contains($0) && settings[$0]?.contains { $0.line == setting.line } == true
                    } ?? names[0]
                let directory = ConfigLines.directory(of: setting.path)
                if label == "dh" {
                    tls.dhFile(
                        file.trimmingCharacters(in: .whitespaces), from: directory, setting: name,
                        place: place(setting), &out)
                } else {
                    tls.certificateFile(
                        file.trimmingCharacters(in: .whitespaces), from: directory, setting: name,
                        place: place(setting), &out)
                }
            }
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
                    text.dropFirst(optional ? 12 : 8).trimmingCharacters(in: .whitespaces))
                guard let tree else { continue }
                guard depth < 8 else {
                    out.problem("includes nested deeper than 8", line: number, file: path)
                    continue
                }
                let targets = ConfigLines.resolve(target, from: ConfigLines.directory(of: path), tree: tree)
                if targets.isEmpty, !optional, !target.contains("*") {
                    out.problem("!include \(target.prefix(80)) is not in the scanned tree", line: number, file: path)
                }
                for file in targets where file != path {
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
                let header = text.dropLast().trimmingCharacters(in: .whitespaces)
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
            let key = text[text.startIndex..<equals].trimmingCharacters(in: .whitespaces)
            let value = ConfigLines.unquote(text[text.index(after: equals)...].trimmingCharacters(in: .whitespaces))
            let context = stack.isEmpty ? nil : stack.map(\.name).joined(separator: " / ")
            settings[key, default: []].append(Setting(value: value, path: path, line: number, context: context))
        }
    }

    public var examples: [ScannerExample] {
        [
            ScannerExample(
                name: "ssl settings and a protocol block", path: "etc/dovecot/dovecot.conf",
                contents: Array(
                    """
                    ssl = required
                    ssl_min_protocol = TLSv1.2
                    ssl_curve_list = X25519MLKEM768:X25519
                    protocol imap {
                      ssl_cipher_suites = TLS_AES_256_GCM_SHA384
                    }

                    """.utf8),
                expectedAlgorithms: ["TLSv1.2", "X25519MLKEM768", "TLS_AES_256_GCM_SHA384"]),
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
