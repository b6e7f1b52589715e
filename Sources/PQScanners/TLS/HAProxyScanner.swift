import PQCatalog
import PQModel

/// Works out what every TLS `bind` (listening side) and `server ... ssl` (connecting side) of a HAProxy
/// configuration offers.
///
/// Syntax (HAProxy configuration.txt §2, §3.1, §5.1, §5.2; `HAProxyConfigSyntax`): sections `global`, `defaults`,
/// `frontend`, `backend`, `listen` and the others of the release; one keyword per line with space-separated
/// arguments, `#` comments, quotes and backslash escapes. TLS comes from proxies, `peers`, a `ring`'s servers and a
/// `log-forward`'s binds. A line HAProxy stops at (before any section, a quote left open, a section the release
/// does not know) puts nothing of the file in force.
/// `global` sets `ssl-default-bind-{ciphers,ciphersuites,options,curves,sigalgs}` and the same for `server`;
/// each `bind`/`server` may override with `ciphers`, `ciphersuites`, `curves`, `sigalgs`, `ssl-min-ver`,
/// `ssl-max-ver`, `no-tlsv1x`, and names its certificate with `crt` (a PEM holding certificate and key, or a
/// directory of them; relative to `crt-base`). HAProxy sets min/max versions itself (default minimum TLSv1.2
/// since 2.2, TLSv1.0 before, by the `haproxy` package's release), so the system `MinProtocol` does not apply;
/// ciphers it does not set come from OpenSSL.
public struct HAProxyScanner: FileScanner {
    /// A configuration may set nothing cryptographic; parse failures are reported by the scanner itself.
    public var nothingFoundIsMalformed: Bool { false }

    public let id = "haproxy"
    public let sources: [FindingSource] = [.haproxy]
    private let catalog: Catalog

    public init(catalog: Catalog = .shared) {
        self.catalog = catalog
    }

    /// `haproxy.cfg` and its leftover copies by name, and `.cfg` files of a `haproxy/` folder (`conf.d/`), which
    /// HAProxy reads only when its command line names them (`-f`): reported not in force.
    public func claim(path: ScanPath, head: ArraySlice<UInt8>) -> Claim {
        let name = String(decoding: path.lastComponent, as: UTF8.self)
        if name == "haproxy.cfg" { return .name }
        if name.hasPrefix("haproxy.cfg"), TLSConfigPlacement.leftover(name) != nil { return .name }
        guard ByteSearch.isText(head), "/\(path.display)".contains("/haproxy/"), name.hasSuffix(".cfg") else {
            return .none
        }
        return ByteSearch.containsAny(head, [" ssl", "ssl-default"]) ? .name : .none
    }

    /// Why a file other than `haproxy.cfg` is not in force; nil for `haproxy.cfg` itself.
    static func notInForceReason(_ path: ScanPath) -> String? {
        let name = String(decoding: path.lastComponent, as: UTF8.self)
        guard name != "haproxy.cfg" else { return nil }
        if let suffix = TLSConfigPlacement.leftover(name) {
            return "a package's or editor's leftover copy (\(suffix)): HAProxy does not read it"
        }
        return "HAProxy reads haproxy.cfg unless its command line names other files (-f); none in the tree does: "
            + "not in force"
    }

    struct Line {
        var words: [String]
        var line: Int
        /// Words holding an environment variable the configuration does not set, by index: the variable's name.
        var fromEnvironment: [Int: String] = [:]
        /// The line each word was written on, when they differ: a server's parameters can come from the
        /// `default-server` lines above it, and a change to one belongs on its line.
        var wordLines: [Int]? = nil

        func line(ofWord index: Int) -> Int { wordLines?[index] ?? line }
    }

    /// Services of the file, through `TLSServiceEmitter`; damage HAProxy stops at puts them all out of force,
    /// other damage costs a diagnostic. A file other than `haproxy.cfg` is reported not in force.
    public func scan(_ input: ScanInput) -> ScanOutput {
        let output = scanFile(input)
        guard let reason = Self.notInForceReason(input.path) else { return output }
        return TLSConfigPlacement.notInForce(
            output, reason: reason,
            diagnostics: output.diagnostics.filter { $0.reason == .malformed && !$0.detail.contains("OpenSSL") })
    }

    private func scanFile(_ input: ScanInput) -> ScanOutput {
        var diagnostics: [Diagnostic] = []
        guard ByteSearch.isText(input.bytes) else {
            return ScanOutput(
                diagnostics: [
                    Diagnostic(path: input.path, reason: .malformed, detail: "binary data, not a HAProxy config")
                ])
        }
        var sections: [(header: Line, lines: [Line])] = []
        // Places HAProxy stops at ("[ALERT] ... Fatal errors found in configuration"): nothing is then in force.
        var refusals: [String] = []
        func refuse(_ number: Int, _ why: String) {
            refusals.append("line \(number): \(why)")
            diagnostics.append(
                Diagnostic(
                    path: input.path, reason: .malformed, detail: "line \(number): \(why); HAProxy refuses to start"))
        }
        let release = OpenSSLVersion.installed(["haproxy"], in: input.context.software)
        var environment = HAProxyConfigSyntax.Environment()
        for (number, raw) in ConfigText.lines(input.bytes, path: input.path, diagnostics: &diagnostics) {
            let split = HAProxyConfigSyntax.words(raw, environment: environment, number: number)
            if split.unmatchedQuote { refuse(number, "quoted argument never closed") }
            if let error = split.variableError { refuse(number, error) }
            guard let first = split.words.first else { continue }
            let line = Line(words: split.words, line: number, fromEnvironment: split.fromEnvironment)
            let keyword = first.lowercased()
            if HAProxyConfigSyntax.sections[keyword] != nil {
                if let why = HAProxyConfigSyntax.unknownSection(keyword, release: release) { refuse(number, why) }
                sections.append((line, []))
            } else if sections.isEmpty {
                refuse(number, "'\(first)' outside any section")
            } else {
                if Self.kind(sections[sections.count - 1].header) == "global" { environment.apply(split.words) }
                sections[sections.count - 1].lines.append(line)
            }
        }
        // A proxy or defaults section that names a defaults section with `from`: HAProxy stops when none of that
        // name comes before it, or more than one (cfgparse-listen.c, `cfg_parse_listen`).
        var defaultsNames: [String: Int] = [:]
        for section in sections where ["frontend", "backend", "listen", "defaults"].contains(Self.kind(section.header))
        {
            if let from = Self.from(section.header) {
                switch from.map({ defaultsNames[$0] }) {
                case .none: refuse(section.header.line, "'from' names no defaults section")
                case .some(.none): refuse(section.header.line, "defaults section '\(from ?? "")' not found before it")
                case .some(.some(let count)) where count > 1:
                    refuse(section.header.line, "defaults section name '\(from ?? "")' is ambiguous")
                default: break
                }
            }
            if Self.kind(section.header) == "defaults" {
                defaultsNames[Self.defaultsName(section.header), default: 0] += 1
            }
        }
        var output = ScanOutput(diagnostics: diagnostics)
        let emitter = TLSServiceEmitter(input: input, catalog: catalog)
        let global = sections.filter { Self.kind($0.header) == "global" }.flatMap(\.lines)
        let crtBase = Self.value(global, "crt-base")?.words.dropFirst().first ?? ""
        let crtBaseFromEnvironment = Self.value(global, "crt-base").map { !$0.fromEnvironment.isEmpty } ?? false
        let prefix = ConfigText.rootPattern(
            crtBase.isEmpty ? ConfigText.directory(of: input.path) : crtBase, prefix: "",
            label: ConfigText.rootLabel(of: input.path))
        let defaultMinimum = Self.defaultMinimum(input.context.software)
        var services: [TLSService] = []
        // `default-server` parameters of each `defaults` section seen so far, by name ("" for an unnamed one).
        var defaultsSections: [(name: String, parameters: [Parameter])] = []
        for section in sections {
            let kind = Self.kind(section.header)
            let sectionName = section.header.words.dropFirst().first ?? ""
            if kind == "defaults" {
                // `defaults b from a` starts from a's settings, `default-server` included (proxy_defproxy_cpy); a
                // defaults section without `from` starts from nothing.
                var parameters: [Parameter] = []
                if let from = Self.from(section.header), let from {
                    parameters = defaultsSections.last { $0.name == from }?.parameters ?? []
                }
                parameters += section.lines.filter { $0.words[0].lowercased() == "default-server" }.flatMap {
                    line in Self.parameters(line, from: 1)
                }
                defaultsSections.append((name: Self.defaultsName(section.header), parameters: parameters))
                continue
            }
            // TLS listeners and connections: proxies; `peers`; a `ring`'s servers, which forward logs; a
            // `log-forward`'s binds, which take them (configuration.txt §3.5, §3.9, §3.10, §4).
            let keywords: Set<String> =
                switch kind {
                case "frontend": ["bind"]
                case "backend": ["server", "server-template"]
                case "listen": ["bind", "server", "server-template"]
                case "peers": ["bind", "server"]
                case "ring": ["server"]
                case "log-forward": ["bind"]
                default: []
                }
            // A server takes the parameters of the `default-server` lines above it, in its section and, for a
            // proxy, in the `defaults` section it uses (the last one before it, or the one `from` names), its own
            // written after them: the later of two settings wins, `no-ssl` undoes `ssl` (configuration.txt §4.2
            // "default-server", §5.2).
            var inherited: [Parameter] = []
            if ["backend", "listen"].contains(kind) {
                if let from = Self.from(section.header), let from {
                    inherited = defaultsSections.last { $0.name == from }?.parameters ?? []
                } else {
                    inherited = defaultsSections.last?.parameters ?? []
                }
            }
            for written in section.lines {
                let keyword = written.words[0].lowercased()
                if keyword == "default-server" {
                    inherited += Self.parameters(written, from: 1)
                    continue
                }
                guard keywords.contains(keyword) else { continue }
                let isBind = keyword == "bind"
                // `server <name> <address> [param*]`; `server-template <prefix> <count> <fqdn> [param*]`.
                let head = isBind ? 2 : keyword == "server-template" ? 4 : 3
                // A peers section's own peer is a `server` line without an address: HAProxy does not connect to it.
                if kind == "peers", !isBind, written.words.count < 3 || !written.words[2].contains(":") { continue }
                var line = written
                if !isBind {
                    let own = Self.parameters(written, from: head)
                    let parameters = inherited + own
                    line.words = Array(written.words.prefix(head)) + parameters.map(\.word)
                    line.wordLines =
                        Array(repeating: written.line, count: min(head, written.words.count))
                        + parameters.map(\.line)
                    line.fromEnvironment = written.fromEnvironment.filter { $0.key < head }
                    for (offset, parameter) in parameters.enumerated() {
                        if let variable = parameter.variable { line.fromEnvironment[head + offset] = variable }
                    }
                }
                let switches = line.words.dropFirst(head).map { $0.lowercased() }.filter {
                    $0 == "ssl" || $0 == "no-ssl"
                }
                guard switches.last == "ssl" else {
                    if let unknown = Self.fromEnvironment(line, from: head) {
                        output.diagnostics.append(
                            Diagnostic(
                                path: input.path, reason: .unsupported,
                                detail: "line \(line.line): whether this \(keyword) uses TLS is not known: it holds "
                                    + "\(unknown)"))
                    }
                    continue
                }
                let label =
                    isBind
                    ? "bind \(line.words.dropFirst().first ?? "") (\(kind) \(sectionName))"
                    : "\(keyword) \(line.words.dropFirst().prefix(head - 1).joined(separator: " ")) (\(kind) \(sectionName))"
                var service = TLSService(
                    source: .haproxy, name: label, path: input.path, line: line.line, role: isBind ? .server : .client)
                service.filePrefix = prefix
                // HAProxy loads the crt before ssl_sock_prepare_ctx applies `ciphers` (and its @SECLEVEL).
                service.loadsCertificateFirst = true
                // Certificates PQScout does not follow (generated ones, a crt-list it cannot read whole) count as
                // present.
                service.requiresCertificate =
                    isBind
                    && !line.words.contains {
                        ["crt-list", "default-crt", "generate-certificates"].contains($0.lowercased())
                    }
                apply(
                    global: global, line: line, head: head, path: input.path, defaultMinimum: defaultMinimum,
                    crtBaseFromEnvironment: crtBaseFromEnvironment, to: &service)
                for (index, word) in line.words.enumerated()
                where isBind && word.lowercased() == "crt-list" && index + 1 < line.words.count {
                    let list = line.words[index + 1]
                    // Which list is not known (TLSService.notRead says why), nor its certificates.
                    guard line.fromEnvironment[index + 1] == nil, !crtBaseFromEnvironment else { continue }
                    let (entries, problem, ownOptions) = Self.crtList(
                        list, prefix: prefix, label: ConfigText.rootLabel(of: input.path), tree: input.context.tree)
                    if let first = ownOptions.first {
                        let more = ownOptions.count > 1 ? " (and \(ownOptions.count - 1) more entries)" : ""
                        output.diagnostics.append(
                            Diagnostic(
                                path: input.path, reason: .unsupported,
                                detail: "line \(line.line(ofWord: index)): crt-list \(list): \(first)\(more) sets TLS "
                                    + "options of its own, which PQScout does not read: connections to that "
                                    + "certificate may use other suites, versions or groups than this bind's"))
                    }
                    service.certificates += entries
                    service.keys += entries
                    if let problem {
                        output.diagnostics.append(
                            Diagnostic(
                                path: input.path, reason: .unreadable,
                                detail: "line \(line.line(ofWord: index)): crt-list \(list): \(problem); the key types "
                                    + "of its certificates are not known"))
                    }
                }
                services.append(service)
            }
        }
        output.append(emitter.emit(services, daemon: "haproxy"))
        if let note = ScanOutput.startNote(
            program: "haproxy", refuses: "haproxy refuses to start", refusals: refusals, notRead: [])
        {
            output.markNotInForce(note)
        }
        return output
    }

    static func kind(_ header: Line) -> String { header.words[0].lowercased() }

    /// A line's words from `index` on, each with its line and the environment variable it holds, if any.
    typealias Parameter = (word: String, line: Int, variable: String?)

    static func parameters(_ line: Line, from index: Int) -> [Parameter] {
        line.words.indices.dropFirst(index).map { (line.words[$0], line.line(ofWord: $0), line.fromEnvironment[$0]) }
    }

    /// The first word from `index` on whose value comes from haproxy's environment, said for a note: "the
    /// environment variable CIPHERS (line 2: "${CIPHERS}"), set outside the configuration".
    static func fromEnvironment(_ line: Line, from index: Int) -> String? {
        guard let (at, name) = line.fromEnvironment.filter({ $0.key >= index }).min(by: { $0.key < $1.key }) else {
            return nil
        }
        return "the environment variable \(name) (line \(line.line(ofWord: at)): \"\(line.words[at])\"), which "
            + "haproxy takes from outside its configuration"
    }

    /// The defaults section a section header names with `from`, as `cfg_parse_listen` reads it: `from` (exactly
    /// so) after the name, or first in `defaults from a`. nil when there is no `from`; `.some(nil)` when it names
    /// nothing.
    static func from(_ header: Line) -> String?? {
        let words = header.words
        let at = isUnnamedFrom(header) ? 1 : 2
        guard words.count > at, words[at] == "from" else { return nil }
        return .some(words.count > at + 1 ? words[at + 1] : nil)
    }

    /// `defaults from a`: a defaults section without a name of its own (cfg_parse_listen takes `from` as the name
    /// only when nothing follows it).
    private static func isUnnamedFrom(_ header: Line) -> Bool {
        kind(header) == "defaults" && header.words.count == 3 && header.words[1] == "from"
    }

    /// A defaults section's name ("" for none, and for `defaults from a`).
    static func defaultsName(_ header: Line) -> String {
        header.words.count > 1 && !isUnnamedFrom(header) ? header.words[1] : ""
    }

    /// The certificates a `crt-list` file names, each at its line, when every one is in the tree: the first word
    /// of each line that is not empty or a `#` comment, relative to `crt-base` as `crt` is (src/ssl_crtlist.c,
    /// `crtlist_parse_file`). Nothing when the list or one of its files is not there: HAProxy may then find a
    /// multi-certificate bundle (`.rsa`, `.ecdsa`) or refuse, and PQScout does not tell which. A list of more than
    /// `ConfigText.maxIncludedFiles` entries (hostile, or a hosting farm's), or with a line over 64 KiB, is not
    /// followed either. `problem` says why a list is not followed (nil without a tree: nothing is looked up).
    ///
    /// The SNI filters and the per-entry options in `[...]` are not read; `ownOptions` holds the entries whose
    /// options choose TLS algorithms or versions (`ciphers`, `curves`, `ssl-min-ver` ...: they override the bind's
    /// for that certificate, configuration.txt §5.1 "crt-list"), each as "line N: FILE [options]", so PQScout
    /// can say it does not read them.
    static func crtList(_ written: String, prefix: String, label: String, tree: (any TreeReader)?)
        -> (entries: [TLSSetting], problem: String?, ownOptions: [String])
    {
        guard let tree else { return ([], nil, []) }
        let listPath = ScanPath(ConfigText.rootPattern(written, prefix: prefix, label: label))
        let bytes: [UInt8]
        switch tree.read(listPath) {
        case .success(let read): bytes = read
        case .failure(let diagnostic): return ([], diagnostic.detail, [])
        }
        guard ByteSearch.isText(bytes) else { return ([], "binary data, not a crt-list", []) }
        var diagnostics: [Diagnostic] = []
        var skipped: [Int] = []
        let lines = ConfigText.lines(bytes, path: listPath, diagnostics: &diagnostics, skipped: &skipped)
        if let long = skipped.first { return ([], "line \(long) is over 64 KiB", []) }
        var entries: [TLSSetting] = []
        var ownOptions: [String] = []
        for (number, raw) in lines {
            let text = raw.drop { $0 == " " || $0 == "\t" }
            guard !text.isEmpty, !text.hasPrefix("#"), let file = text.split(whereSeparator: \.isWhitespace).first
            else { continue }
            guard entries.count < ConfigText.maxIncludedFiles else {
                return ([], "more than \(ConfigText.maxIncludedFiles) entries", [])
            }
            let certificate = String(file)
            guard case .success = tree.read(ScanPath(ConfigText.rootPattern(certificate, prefix: prefix, label: label)))
            else { return ([], "line \(number): \(certificate) is not a file in the scanned tree", []) }
            entries.append(
                TLSSetting(directive: "crt-list entry", value: certificate, path: listPath, line: number, layer: .file))
            let rest = text.dropFirst(file.count).drop { $0 == " " || $0 == "\t" }
            if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
                let options = rest[rest.index(after: rest.startIndex)..<close]
                let words = options.split(whereSeparator: \.isWhitespace).map { $0.lowercased() }
                if words.contains(where: Self.entryTLSOptions.contains) {
                    ownOptions.append(
                        "line \(number): \(certificate) [\(options.trimmingCharacters(in: .whitespaces))]")
                }
            }
        }
        return (entries, nil, ownOptions)
    }

    /// The `[...]` options of a crt-list entry that choose its TLS algorithms or versions.
    static let entryTLSOptions: Set<String> = [
        "ciphers", "ciphersuites", "curves", "ecdhe", "ssl-min-ver", "ssl-max-ver", "sigalgs", "client-sigalgs",
    ]

    static func value(_ lines: [Line], _ keyword: String) -> Line? {
        lines.last { $0.words[0].lowercased() == keyword }
    }

    /// The minimum HAProxy sets when `ssl-min-ver` is not given: TLSv1.2 since 2.2 (`default_min_ver` in
    /// src/ssl_sock.c at v2.2.0), TLSv1.0 before ("start with TLSv10 to remove SSLv3 per default", v2.0.0). The
    /// release comes from the `haproxy` package, else the newest is assumed.
    static func defaultMinimum(_ software: [Software]) -> String {
        guard let version = OpenSSLVersion.installed(["haproxy"], in: software) else { return "TLSv1.2" }
        return version >= OpenSSLVersion(2, 2) ? "TLSv1.2" : "TLSv1"
    }

    private func apply(
        global: [Line], line: Line, head: Int, path: ScanPath, defaultMinimum: String, crtBaseFromEnvironment: Bool,
        to service: inout TLSService
    ) {
        let bind = head == 2
        let side = bind ? "bind" : "server"
        func setting(_ directive: String, _ value: String, _ at: Int) -> TLSSetting {
            TLSSetting(directive: directive, value: value, path: path, line: at, layer: .file)
        }
        // A value from haproxy's environment is not known: it is left out, and nothing of the service is then
        // known to be in force (TLSService.notRead), rather than its text being judged as written.
        func globalValue(_ name: String) -> TLSSetting? {
            guard let found = Self.value(global, "ssl-default-\(side)-\(name)"), found.words.count >= 2 else {
                return nil
            }
            if let unknown = Self.fromEnvironment(found, from: 1) {
                service.notRead.append(unknown)
                return nil
            }
            return setting(found.words[0], found.words.dropFirst().joined(separator: " "), found.line)
        }
        // The last one written wins, as HAProxy reads a line's parameters in order.
        func ownValue(_ name: String) -> TLSSetting? {
            guard let index = line.words.lastIndex(where: { $0.lowercased() == name }), index + 1 < line.words.count
            else { return nil }
            if line.fromEnvironment[index + 1] != nil { return nil }
            return setting("\(side) \(name)", line.words[index + 1], line.line(ofWord: index))
        }
        // Any word of the line's own from haproxy's environment: a value, or (`"${OPTS[*]}"`) keywords.
        if let unknown = Self.fromEnvironment(line, from: head) { service.notRead.append(unknown) }
        for name in ["ssl-default-\(side)-options", "crt-base"] + (bind ? ["ssl-dh-param-file"] : []) {
            if let found = Self.value(global, name), let unknown = Self.fromEnvironment(found, from: 1) {
                service.notRead.append(unknown)
            }
        }
        service.cipherString = ownValue("ciphers") ?? globalValue("ciphers")
        service.ciphersuites = ownValue("ciphersuites") ?? globalValue("ciphersuites")
        service.groups = ownValue("curves") ?? globalValue("curves")
        service.signatureAlgorithms = ownValue("sigalgs") ?? globalValue("sigalgs")
        service.clientSignatureAlgorithms = ownValue("client-sigalgs") ?? globalValue("client-sigalgs")
        // DHE needs `ssl-dh-param-file` (or DH parameters inside the crt PEM): HAProxy 2.6 with OpenSSL 3 offers no
        // DHE suite otherwise (measured live: every DHE probe fails).
        if bind, let found = Self.value(global, "ssl-dh-param-file"), found.words.count >= 2,
            found.fromEnvironment.isEmpty
        {
            service.dhParameters = setting(found.words[0], found.words[1], found.line)
        }
        // Protocol range: global options, then the line's own keywords.
        var options: [(String, Int, String)] = []
        if let found = Self.value(global, "ssl-default-\(side)-options") {
            options += Self.pairs(Array(found.words.dropFirst())).map { ($0.0, found.line, $0.1) }
        }
        options += Self.pairs(Array(line.words.dropFirst(2))).map { ($0.0, line.line(ofWord: $0.2 + 2), $0.1) }
        var minimum: String? = defaultMinimum
        var maximum: String?
        var disabled: Set<String> = []
        var where_: (String, Int)?
        for (keyword, at, argument) in options {
            switch keyword.lowercased() {
            case "ssl-min-ver":
                minimum = TLSProtocolChoice.normalise(argument) ?? minimum
                where_ = ("ssl-min-ver", at)
            case "ssl-max-ver":
                maximum = TLSProtocolChoice.normalise(argument)
                where_ = where_ ?? ("ssl-max-ver", at)
            case "no-sslv3": disabled.insert("SSLv3")
            case "no-tlsv10": disabled.insert("TLSv1")
            case "no-tlsv11": disabled.insert("TLSv1.1")
            case "no-tlsv12": disabled.insert("TLSv1.2")
            case "no-tlsv13": disabled.insert("TLSv1.3")
            case "force-tlsv12":
                minimum = "TLSv1.2"
                maximum = "TLSv1.2"
            case "force-tlsv13":
                minimum = "TLSv1.3"
                maximum = "TLSv1.3"
            default: continue
            }
            if keyword.lowercased().hasPrefix("no-") || keyword.lowercased().hasPrefix("force-") {
                where_ = where_ ?? (keyword, at)
            }
        }
        let versions = TLSProtocolChoice.range(min: minimum, max: maximum).filter { !disabled.contains($0) }
        let protocolSetting =
            where_.map { setting($0.0, versions.joined(separator: " "), $0.1) }
            ?? TLSSetting(
                directive: "ssl-min-ver", value: defaultMinimum, path: path, line: line.line, layer: .application)
        service.protocols = TLSProtocolChoice(versions: versions, setting: protocolSetting, overridesSystem: true)
        for (index, word) in line.words.enumerated() where word.lowercased() == "crt" && index + 1 < line.words.count {
            if line.fromEnvironment[index + 1] != nil || crtBaseFromEnvironment {
                // Which certificate is not known: its key type neither.
                service.requiresCertificate = false
                continue
            }
            let file = setting("\(side) crt", line.words[index + 1], line.line(ofWord: index))
            service.certificates.append(file)
            service.keys.append(file)
        }
    }

    /// Keyword/argument pairs of a bind/server line (`ssl-min-ver TLSv1.2`, `no-tlsv11`), each with its keyword's
    /// index in `words`.
    static func pairs(_ words: [String]) -> [(String, String, Int)] {
        var out: [(String, String, Int)] = []
        var index = 0
        while index < words.count {
            let word = words[index]
            let takesArgument = ["ssl-min-ver", "ssl-max-ver"].contains(word.lowercased())
            let argument = takesArgument && index + 1 < words.count ? words[index + 1] : ""
            out.append((word, argument, index))
            index += takesArgument ? 2 : 1
        }
        return out
    }

    public var examples: [ScannerExample] {
        [
            ScannerExample(
                name: "a TLS bind with global defaults (OpenSSL 3.0, assumed, rejects the PQ group: a diagnostic)",
                path: "etc/haproxy/haproxy.cfg",
                contents: Array(
                    """
                    global
                        ssl-default-bind-ciphers ECDHE+AESGCM
                        ssl-default-bind-curves X25519MLKEM768:X25519
                        ssl-default-bind-options ssl-min-ver TLSv1.2 no-tls-tickets
                    frontend www
                        bind :443 ssl crt /etc/haproxy/site.pem

                    """.utf8),
                expectedAlgorithms: ["TLSv1.2", "X25519MLKEM768", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"],
                expectsDiagnostic: true),
            ScannerExample(
                name: "a plain bind offers no TLS", path: "etc/haproxy/haproxy.cfg",
                contents: Array("frontend www\n    bind :80\n".utf8), expectsFindings: false),
        ]
    }
}
