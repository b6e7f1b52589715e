import Foundation
import PQCatalog
import PQModel

/// Reads `sshd_config`, `ssh_config` and users' `~/.ssh/config` the way sshd and ssh do, and reports every
/// algorithm they put in force: one finding per algorithm of each effective list, with the line that set it or
/// `origin: default` (the defaults of the OpenSSH version in force), per `Match`/`Host` context.
///
/// Included files (`sshd_config.d/*.conf`, crypto-policies back-ends) are read through the scanned tree from the
/// file that includes them, so their findings carry their own path and line. `HostKey` lines link to the key's
/// asset (the same id the SSH key scanner gives the key file). Docs/openssh.md explains the derivation.
public struct OpenSSHConfigScanner: FileScanner {
    /// A configuration may set nothing cryptographic; parse failures are reported by the scanner itself.
    public var nothingFoundIsMalformed: Bool { false }

    public let id = "openssh"
    public let sources: [FindingSource] = [.openssh]
    let catalog: Catalog

    public init(catalog: Catalog = .shared) {
        self.catalog = catalog
    }

    /// Which program reads a file, by its name, and the user's home for a `~/.ssh/config`.
    static func role(of path: ScanPath) -> (program: OpenSSHProgram, home: ScanPath?)? {
        // Compared as bytes: this runs for every file of a tree, and most names match none of the three.
        let name = path.lastComponent
        if name.elementsEqual("sshd_config".utf8) { return (.server, nil) }
        if name.elementsEqual("ssh_config".utf8) { return (.client, nil) }
        guard name.elementsEqual("config".utf8) else { return nil }
        let text = path.display
        if text == ".ssh/config" || text.hasSuffix("/.ssh/config") {
            let home = String(text.dropLast(".ssh/config".count))
            return (.client, ScanPath(home.hasSuffix("/") ? String(home.dropLast()) : home))
        }
        return nil
    }

    /// The catalog's canonical name and status for an algorithm name as OpenSSH writes it in a list of `usage`.
    ///
    /// Certificate names (`rsa-sha2-512-cert-v01@openssh.com`) are judged by their signature algorithm; a name the
    /// catalog does not know is `vulnerable` with canonical nil (STYLE.md, open set).
    public static func classify(_ name: String, usage: Usage, catalog: Catalog = .shared) -> (
        canonical: String?, status: QuantumStatus
    ) {
        let verdict = OpenSSHFindingBuilder.classify(name, usage: usage, catalog: catalog)
        return (verdict.canonical, verdict.status)
    }

    /// A file in `sshd_config.d/` or `ssh_config.d/`: the program, and the main file beside the directory.
    static func dropIn(_ path: ScanPath) -> (program: OpenSSHProgram, main: ScanPath)? {
        // A byte search first: this runs for every file of a tree, and the text search below measured 1% of a scan.
        guard ByteSearch.contains(path.bytes, Self.dropInMark) else { return nil }
        let text = path.display
        for (directory, program) in [("sshd_config.d/", OpenSSHProgram.server), ("ssh_config.d/", .client)] {
            guard let range = text.range(of: directory, options: .backwards),
                range.lowerBound == text.startIndex || text[text.index(before: range.lowerBound)] == "/",
                !text[range.upperBound...].contains("/"), range.upperBound < text.endIndex
            else { continue }
            return (program, ScanPath(String(text[..<range.lowerBound]) + directory.dropLast(3)))
        }
        return nil
    }

    /// What both drop-in folder names end with.
    private static let dropInMark = Array("_config.d/".utf8)

    public func claim(path: ScanPath, head: ArraySlice<UInt8>) -> Claim {
        Self.role(of: path) == nil && Self.dropIn(path) == nil && !OpenSSHModuli.isModuli(path) ? .none : .name
    }

    public func scan(_ input: ScanInput) -> ScanOutput {
        if OpenSSHModuli.isModuli(input.path) { return OpenSSHModuli.scan(input, catalog: catalog) }
        if Self.role(of: input.path) == nil, let dropIn = Self.dropIn(input.path) {
            return scanUnread(input, dropIn)
        }
        guard let role = Self.role(of: input.path) else { return ScanOutput() }
        let profile = OpenSSHProfile.resolve(
            for: role.program, software: input.context.software, override: input.options.opensshVersion)
        let configuration = OpenSSHConfiguration(
            program: role.program, path: input.path, bytes: input.bytes, tree: input.context.tree, profile: profile,
            home: role.home)
        var builder = OpenSSHFindingBuilder(configuration: configuration, catalog: catalog, tree: input.context.tree)
        if role.program == .client {
            builder.view = OpenSSHConnection(localUser: input.options.localUser ?? OpenSSHConnection.processUser)
        }
        builder.build(includeDefaults: role.home == nil)
        // A configuration PQScout could not read whole says nothing sure, and one sshd refuses to start with (ssh
        // refuses to run with) puts nothing in force: every finding is kept, not in force, with why first in its
        // note, so the inventory still shows what the files ask for.
        var output = builder.output
        // The refusals only matter when everything was read (the unread part decides what OpenSSH makes of it).
        let refusals = configuration.notRead.isEmpty ? configuration.refusalsAtStart(for: builder.view) : []
        if let note = ScanOutput.startNote(
            program: role.program.name,
            refuses: role.program == .server ? "sshd refuses to start" : "ssh refuses to run", refusals: refusals,
            notRead: configuration.notRead)
        {
            output.markNotInForce(note)
        }
        return output
    }
}

extension OpenSSHConfigScanner {
    /// A drop-in file: nothing when the main file's Includes read it (the main file's scan reports it); otherwise its
    /// settings are inventoried with `effective: false` and the reason, because sshd/ssh never read it
    /// (`40-weak.conf.dpkg-old`, `*.dpkg-dist`, `*.ucf-*`, `*.rpmnew`, or any name the Include glob does not match).
    func scanUnread(_ input: ScanInput, _ dropIn: (program: OpenSSHProgram, main: ScanPath)) -> ScanOutput {
        let profile = OpenSSHProfile.resolve(
            for: dropIn.program, software: input.context.software, override: input.options.opensshVersion)
        let reader = dropIn.program.name
        var reason = "\(reader) does not read this file: no \(dropIn.main.display) in the tree"
        if let tree = input.context.tree, case .success(let mainBytes) = tree.read(dropIn.main) {
            let main = OpenSSHConfiguration(
                program: dropIn.program, path: dropIn.main, bytes: mainBytes, tree: tree, profile: profile)
            // Read by the main file, or unknowable because its includes were cut short (the main file's scan
            // already says why): nothing of its own.
            if main.files.contains(input.path) || main.includesStopped { return ScanOutput() }
            reason = "\(reader) does not read this file: no Include of \(dropIn.main.display) matches it"
        }
        let name = String(decoding: input.path.lastComponent, as: UTF8.self)
        for marker in [".dpkg-old", ".dpkg-dist", ".dpkg-new", ".dpkg-bak", ".ucf-", ".rpmnew", ".rpmsave", ".rpmorig"]
        where name.contains(marker) {
            reason += " (a package manager's copy, \(marker.trimmingCharacters(in: CharacterSet(charactersIn: ".-"))))"
            break
        }
        let configuration = OpenSSHConfiguration(
            program: dropIn.program, path: input.path, bytes: input.bytes, tree: input.context.tree, profile: profile)
        var builder = OpenSSHFindingBuilder(configuration: configuration, catalog: catalog, tree: input.context.tree)
        builder.build(includeDefaults: false)
        var output = ScanOutput()
        output.findings = builder.output.findings
        output.markNotInForce(reason)
        output.diagnostics = builder.output.diagnostics.filter { $0.reason != .unsupported }
        return output
    }
}

/// Turns one evaluated configuration into findings and diagnostics.
struct OpenSSHFindingBuilder {
    let configuration: OpenSSHConfiguration
    let catalog: Catalog
    let tree: (any TreeReader)?
    private(set) var output = ScanOutput()
    /// The connection of the global view: nil for sshd (its blank Match pass); for ssh, the local user only.
    var view: OpenSSHConnection?

    init(configuration: OpenSSHConfiguration, catalog: Catalog, tree: (any TreeReader)?) {
        self.configuration = configuration
        self.catalog = catalog
        self.tree = tree
    }

    private var version: String { "OpenSSH \(configuration.profile.version)" }
    private var program: OpenSSHProgram { configuration.program }
    private var refusal: String { program == .server ? "sshd refuses to start with it" : "ssh refuses to run with it" }

    mutating func build(includeDefaults: Bool) {
        output.diagnostics += configuration.loadDiagnostics
        // The line that wins each keyword in the global view: sshd's Match pass runs with a blank connection, so a
        // `Match all` value replaces the global one for the keywords sshd copies (servconf.c
        // copy_set_server_options); otherwise the first value obtained wins.
        let winners = configuration.winningLines(for: view)
        let gssapiOn = configuration.gssapiKeyExchange(for: view)
        var firstInBlock: Set<String> = []
        var hostKeyLines = 0
        let visitedLines = configuration.visit(connection: view)
        let skipped = configuration.skippedAsUnknown(visitedLines)
        for (index, visited) in visitedLines.enumerated() {
            let key = visited.line.key
            let blockKey = visited.block.map { "\($0.path.display):\($0.line)" }
            let scopeKey = visited.active ? nil : blockKey
            if skipped[index] {
                diagnose(
                    visited,
                    "\(visited.line.keyword) is a keyword \(version) does not know; ssh skips it, as the IgnoreUnknown "
                        + "before it names it (dead config)")
                continue
            }
            refusals(visited)
            if let keyword = OpenSSHAlgorithmKeyword.named(key, for: program) {
                guard configuration.profile.knowsKeyword(key) else {
                    unknownKeyword(visited)
                    continue
                }
                var effective: Bool
                var note: String?
                if let scopeKey {
                    effective = firstInBlock.insert(scopeKey + "|" + keyword.name).inserted
                    if program == .server, !keyword.allowedInServerMatch {
                        effective = false
                        note = "\(keyword.name) is not allowed inside Match; \(refusal)"
                        diagnose(visited, "\(keyword.name) is not allowed inside Match; \(refusal)")
                    }
                } else {
                    (effective, note) = globalVerdict(visited, winner: winners[keyword.name], name: keyword.name)
                }
                if keyword.list == .gssapiKex, !gssapiOn {
                    effective = false
                    note = [note, Self.gssapiOff].compactMap { $0 }.joined(separator: "; ")
                }
                if let given = configuration.commandLineNote(visited.path, visited.lineNumber) {
                    note = [given, note].compactMap { $0 }.joined(separator: "; ")
                }
                addList(visited, keyword: keyword, effective: effective, note: note)
            } else if key == "hostkey", program == .server {
                hostKeyLines += 1
                if !visited.active { diagnose(visited, "HostKey is not allowed inside Match; \(refusal)") }
                addHostKey(visited.line.arguments.first ?? "", at: visited, origin: .file)
            } else if key == "requiredrsasize" {
                guard configuration.profile.knowsKeyword(key) else {
                    unknownKeyword(visited)
                    continue
                }
                var effective: Bool
                var note: String?
                if let scopeKey {
                    effective = firstInBlock.insert(scopeKey + "|RequiredRSASize").inserted
                } else {
                    (effective, note) = globalVerdict(
                        visited, winner: winners["RequiredRSASize"], name: "RequiredRSASize")
                }
                addRequiredRSASize(visited, effective: effective, note: note)
            } else if key == "protocol" {
                addProtocol(visited)
            }
        }
        emptiedLists()
        if program == .server {
            for bad in configuration.badServerMatches() {
                output.diagnostics.append(
                    Diagnostic(
                        path: configuration.path, reason: .malformed,
                        detail: "\(bad); \"Bad Match condition\": \(refusal)"))
            }
        }
        for event in configuration.matchGroupUnevaluated {
            output.diagnostics.append(
                Diagnostic(
                    path: event.path, reason: .unsupported,
                    detail: "line \(event.line): Match Group cannot be evaluated: the tree has no etc/passwd and "
                        + "etc/group; the block is treated as not matching"))
        }
        guard includeDefaults else { return }
        for keyword in OpenSSHAlgorithmKeyword.all where winners[keyword.name] == nil || rebuilt(keyword, winners) {
            if keyword.list == .gssapiKex, !configuration.profile.gssapiKex { continue }
            let rebuiltNote =
                rebuilt(keyword, winners)
                ? "; \(keyword.name) was emptied by \"-\" and sshd rebuilds it to the default at authentication" : ""
            for name in configuration.profile.defaults(keyword, for: program) {
                let off = keyword.list == .gssapiKex && !gssapiOn
                add(
                    name, keyword: keyword, path: configuration.path, line: nil, context: nil, effective: !off,
                    origin: .default,
                    note: configuration.profile.defaultNote + rebuiltNote + (off ? "; " + Self.gssapiOff : ""))
            }
        }
        if winners["RequiredRSASize"] == nil, configuration.profile.knowsKeyword("requiredrsasize") {
            addRSASizeFinding(
                bits: 1024, path: configuration.path, line: nil, context: nil, effective: true, origin: .default,
                note: configuration.profile.defaultNote + "; RSA keys of 1024 bits and more are accepted")
        }
        if program == .server { missingModuli(winners) }
        if program == .server, hostKeyLines == 0 {
            // servconf.c fill_default_server_options: the RSA, ECDSA and Ed25519 keys under /etc/ssh.
            for type in ["rsa", "ecdsa", "ed25519"] {
                let file = "/etc/ssh/ssh_host_\(type)_key"
                guard let tree, !tree.files(matching: Self.inTree(file, config: configuration.path)).isEmpty else {
                    continue
                }
                addHostKey(file, at: nil, origin: .default)
            }
        }
    }

    static let gssapiOff =
        "GSSAPIKeyExchange is no (the default): the gss-* key exchanges are listed but not offered"

    /// Whether a line outside any block (or in `Match all` / `Host *`) is the one in force, and why not.
    private func globalVerdict(_ visited: OpenSSHVisitedLine, winner: OpenSSHVisitedLine?, name: String) -> (
        Bool, String?
    ) {
        guard let winner else { return (false, nil) }
        if winner.path == visited.path, winner.lineNumber == visited.lineNumber { return (true, nil) }
        let place = "\(winner.path.display) line \(winner.lineNumber)"
        if program == .server, winner.block?.holdsAlways == true, visited.block?.holdsAlways != true {
            return (
                false,
                "overridden: the \(winner.block?.text ?? "Match all") block at \(place) sets \(name), and sshd's Match "
                    + "pass (run for every connection) copies it over the global value"
            )
        }
        return (false, "ignored: \(name) was already set at \(place) (the first value obtained wins)")
    }

    /// sshd rebuilds an emptied list that only authentication uses (PubkeyAcceptedAlgorithms `-*`) to its default.
    private func rebuilt(_ keyword: OpenSSHAlgorithmKeyword, _ winners: [String: OpenSSHVisitedLine]) -> Bool {
        guard program == .server, !keyword.usedBeforeAuthentication, let winner = winners[keyword.name],
            let value = winner.line.arguments.first, value.hasPrefix("-")
        else { return false }
        return configuration.assemble(value, keyword).algorithms.isEmpty
    }

    /// Refusals OpenSSH states for one line: a byte-order mark, the other program's keyword, a keyword no release
    /// knows, a global keyword in Match.
    private mutating func refusals(_ visited: OpenSSHVisitedLine) {
        let key = visited.line.key
        if key.hasPrefix("\u{FEFF}") {
            diagnose(
                visited,
                "the file starts with a UTF-8 byte-order mark: OpenSSH reads the keyword as "
                    + "\"\\357\\273\\277\(visited.line.keyword.dropFirst())\" (Bad configuration option); \(refusal)")
        } else if OpenSSHKeywords.refused(key, by: program) {
            let owner = program == .client ? "an sshd_config keyword" : "an ssh_config keyword"
            diagnose(
                visited,
                "\(visited.line.keyword) is \(owner): \"Bad configuration option: \(key)\"; "
                    + (program == .client ? "ssh refuses the whole file" : "sshd refuses to start"))
        } else if OpenSSHKeywords.unknown(key, to: program) {
            diagnose(
                visited,
                "\(visited.line.keyword) is a keyword of no OpenSSH release from 7.0 to 10.5: \"Bad configuration "
                    + "option\"; \(refusal)"
                    + (program == .client ? " (unless an IgnoreUnknown in a file ssh reads first names it)" : ""))
        } else if program == .server, !visited.active, visited.block != nil,
            !OpenSSHKeywords.serverMatchAllowed.contains(key), OpenSSHAlgorithmKeyword.named(key) == nil,
            key != "hostkey"
        {
            diagnose(
                visited, "Directive '\(visited.line.keyword)' is not allowed within a Match block; \(refusal)")
        }
    }

    /// Lists a `-` empties, and lists that expand to nothing, in the global view.
    private mutating func emptiedLists() {
        for list in configuration.effectiveLists(for: view) {
            guard let note = list.note, list.origin == .file, let path = list.path, let line = list.line else {
                continue
            }
            output.diagnostics.append(
                Diagnostic(path: path, reason: .unsupported, detail: "line \(line): \(list.setting) \(note)"))
        }
        for empty in configuration.emptyExpansions(for: view) {
            output.diagnostics.append(
                Diagnostic(
                    path: empty.path, reason: .unsupported,
                    detail: "line \(empty.line): \(empty.keyword.name) \(empty.value): no algorithm left once "
                        + "expanded (kex_assemble_names: invalid argument); \(refusal)"))
        }
    }

    // MARK: - Algorithm lists

    private mutating func addList(
        _ visited: OpenSSHVisitedLine, keyword: OpenSSHAlgorithmKeyword, effective: Bool, note: String?
    ) {
        let arguments = visited.line.arguments
        guard let value = arguments.first else { return }
        if arguments.count > 1 {
            diagnose(visited, "\(keyword.name): extra arguments at end of line; \(refusal)")
        }
        let assembled = configuration.assemble(value, keyword)
        for name in assembled.unsupported {
            diagnose(visited, "\(keyword.name): \(name) not supported by \(version) (dead config; \(refusal))")
            add(
                name, keyword: keyword, path: visited.path, line: visited.lineNumber, context: visited.block?.text,
                effective: false, origin: .file, note: "not supported by \(version): dead config")
        }
        for name in assembled.algorithms {
            add(
                name, keyword: keyword, path: visited.path, line: visited.lineNumber, context: visited.block?.text,
                effective: effective && assembled.unsupported.isEmpty, origin: .file, note: note)
        }
    }

    private mutating func add(
        _ name: String, keyword: OpenSSHAlgorithmKeyword, path: ScanPath, line: Int?, context: String?,
        effective: Bool, origin: Origin, note: String?
    ) {
        let classified = classify(name, usage: keyword.usage)
        let notes = [note, classified.note].compactMap { $0 }
        output.findings.append(
            Finding(
                path: path, line: line, source: .openssh, setting: keyword.name, usage: keyword.usage, algorithm: name,
                canonical: classified.canonical, oid: classified.oid, curve: classified.curve,
                quantumStatus: classified.status, context: context, effective: effective, origin: origin,
                note: notes.isEmpty ? nil : notes.joined(separator: "; ")))
    }

    /// The catalog's verdict on one OpenSSH name; certificate names are judged by their signature's name.
    func classify(_ name: String, usage: Usage) -> (
        canonical: String?, status: QuantumStatus, oid: String?, curve: String?, note: String?
    ) {
        Self.classify(name, usage: usage, catalog: catalog)
    }

    static func classify(_ name: String, usage: Usage, catalog: Catalog) -> (
        canonical: String?, status: QuantumStatus, oid: String?, curve: String?, note: String?
    ) {
        var entry = usage == .mac ? catalog.entry(mac: name) : catalog.entry(named: name)
        if entry == nil, let underlying = gssapiKexUnderlying[name] {
            // A GSSAPI key exchange (RFC 4462, RFC 8732) is its Diffie-Hellman or ECDH exchange with a GSS-API
            // authentication on top: judged as that exchange, so the SHA-1 ones are flagged as SHA-1 exchanges.
            entry = catalog.entry(named: underlying)
        }
        if entry == nil, let range = name.range(of: "-cert-v01@openssh.com") {
            entry =
                catalog.entry(named: String(name[..<range.lowerBound]))
                ?? catalog.entry(named: String(name[..<range.lowerBound]) + "@openssh.com")
        }
        if entry == nil, usage == .signature,
            let type = SSHKeyType.known.first(where: { $0.name == name || $0.certificateNames.contains(name) })
        {
            // A key-type name the catalog lacks (the experimental ML-DSA composite): the SSH key table maps it.
            entry = catalog.entry(named: type.canonicalKey)
        }
        guard let entry else {
            return (nil, .vulnerable, nil, nil, "not in the catalog; assumed quantum-vulnerable until classified")
        }
        // The catalog entry of a finite-field group covers its -sha1 and -sha256 exchanges alike; the SHA-1 exchange
        // hash is worth saying on the finding (RFC 9142 section 4 moves SSH key exchange off SHA-1).
        let sha1 = usage == .keyExchange && (name.hasSuffix("-sha1") || name.hasSuffix("-sha1-"))
        return (
            entry.canonical, entry.status(keyBits: nil), entry.oids.first, nil,
            sha1 ? "SHA-1 exchange hash (RFC 9142)" : nil
        )
    }

    /// The key exchange under each method of the distribution GSSAPI patch (names as `sshd -T` prints them,
    /// RFC 4462 section 2 and RFC 8732 section 4).
    static let gssapiKexUnderlying: [String: String] = [
        "gss-group1-sha1-": "diffie-hellman-group1-sha1", "gss-group14-sha1-": "diffie-hellman-group14-sha1",
        "gss-gex-sha1-": "diffie-hellman-group-exchange-sha1", "gss-group14-sha256-": "diffie-hellman-group14-sha256",
        "gss-group16-sha512-": "diffie-hellman-group16-sha512", "gss-nistp256-sha256-": "ecdh-sha2-nistp256",
        "gss-curve25519-sha256-": "curve25519-sha256",
    ]

    /// DH group exchange in force but no moduli file in the tree: sshd falls back to the fixed groups 14/16/18
    /// (dh.c `dh_new_group_fallback`), so the exchange is not the one the operator may think.
    private mutating func missingModuli(_ winners: [String: OpenSSHVisitedLine]) {
        guard let tree,
            let kex = configuration.effectiveLists(for: view).first(where: { $0.setting == "KexAlgorithms" }),
            let gex = kex.algorithms.first(where: { $0.hasPrefix("diffie-hellman-group-exchange-") })
        else { return }
        var file = "/etc/ssh/moduli"
        for visited in configuration.visit(connection: view) where visited.active && visited.line.key == "modulifile" {
            file = visited.line.arguments.first ?? file
            break
        }
        guard tree.files(matching: Self.inTree(file, config: configuration.path)).isEmpty else { return }
        let entry = catalog.entry(named: gex)
        output.findings.append(
            Finding(
                path: kex.path ?? configuration.path, line: kex.line, source: .openssh, setting: "moduli",
                usage: .keyExchange, algorithm: gex, canonical: entry?.canonical, keyBits: 2048,
                quantumStatus: entry?.status(keyBits: 2048) ?? .vulnerable, context: kex.context, effective: true,
                origin: kex.origin,
                note: "\(gex) is offered but \(file) is not in the scanned tree: sshd falls back to the fixed "
                    + "groups 14, 16 or 18 (2048 to 8192 bits, dh.c dh_new_group_fallback)"
                    + (kex.origin == .default ? "; " + configuration.profile.defaultNote : "")))
    }

    // MARK: - HostKey, RequiredRSASize, Protocol

    /// A file sshd names (`/etc/ssh/ssh_host_ed25519_key`; a relative name is taken from `/`), as the tree names it:
    /// under the config's root label when several roots are scanned at once (`1-web/etc/ssh/...`).
    static func inTree(_ file: String, config: ScanPath) -> String {
        let label = ConfigText.rootLabel(of: config)
        return ConfigText.rootPattern(file, prefix: label, label: label)
    }

    /// A HostKey line: the key file's type and size, linked to its asset when the file is in the tree.
    private mutating func addHostKey(_ file: String, at visited: OpenSSHVisitedLine?, origin: Origin) {
        let path = visited?.path ?? configuration.path
        let relative = Self.inTree(file, config: configuration.path)
        let candidates = [ScanPath(relative), ScanPath(relative + ".pub")]
        var problem: String?
        for candidate in candidates {
            guard let tree, !tree.files(matching: candidate.display).isEmpty else { continue }
            switch tree.read(candidate) {
            case .failure(let diagnostic):
                problem = diagnostic.detail
                continue
            case .success(let bytes):
                let key = SSHKeyScanner(catalog: catalog).scan(ScanInput(path: candidate, bytes: bytes))
                guard let keyFinding = key.findings.first else { continue }
                output.findings.append(
                    Finding(
                        path: path, line: visited?.lineNumber, source: .openssh, setting: "HostKey",
                        usage: .publicKey, algorithm: keyFinding.algorithm, canonical: keyFinding.canonical,
                        oid: keyFinding.oid, keyBits: keyFinding.keyBits, curve: keyFinding.curve,
                        quantumStatus: keyFinding.quantumStatus, context: visited?.block?.text,
                        effective: visited?.active ?? true, origin: origin,
                        asset: keyFinding.asset ?? key.assets.first?.id,
                        note: origin == .default ? "sshd default host key \(file)" : "host key \(file)"))
                // The asset travels with the finding: a key outside the scan root is recorded by no walk, and one
                // inside may be recorded only in a later batch, after this finding names it (the store refuses a
                // name it has not seen; `ScanOutput.linkedAssets`).
                if tree.isOutsideRoot(candidate) {
                    output.assets += key.assets
                } else {
                    output.linkedAssets += key.assets
                }
                return
            }
        }
        guard let visited else { return }
        diagnose(
            visited,
            "HostKey \(file): " + (problem ?? "the key file (and its .pub) is not in the scanned tree; type unknown"))
    }

    private mutating func addRequiredRSASize(_ visited: OpenSSHVisitedLine, effective: Bool, note: String? = nil) {
        guard let text = visited.line.arguments.first, let bits = Int(text), bits > 0, bits < 1 << 20 else {
            diagnose(visited, "RequiredRSASize needs a number of bits; \(refusal)")
            return
        }
        addRSASizeFinding(
            bits: bits, path: visited.path, line: visited.lineNumber, context: visited.block?.text,
            effective: effective, origin: .file,
            note: ["smallest RSA key accepted", note].compactMap { $0 }.joined(separator: "; "))
    }

    private mutating func addRSASizeFinding(
        bits: Int, path: ScanPath, line: Int?, context: String?, effective: Bool, origin: Origin, note: String
    ) {
        let rsa = catalog.entry(named: "RSA")
        output.findings.append(
            Finding(
                path: path, line: line, source: .openssh, setting: "RequiredRSASize", usage: .publicKey,
                algorithm: "RSA", canonical: rsa?.canonical ?? "RSA", keyBits: bits,
                quantumStatus: rsa?.status(keyBits: bits) ?? .vulnerable, context: context, effective: effective,
                origin: origin, note: note))
    }

    /// `Protocol 1`: SSH-1 was removed in OpenSSH 7.6 and sshd ignores the keyword (servconf.c `sIgnore`); the
    /// line still says someone wanted SSH-1.
    private mutating func addProtocol(_ visited: OpenSSHVisitedLine) {
        let versions = visited.line.arguments.joined(separator: ",").split(separator: ",").map {
            $0.trimmingWhitespace()
        }
        guard versions.contains("1") else { return }
        output.findings.append(
            Finding(
                path: visited.path, line: visited.lineNumber, source: .openssh, setting: "Protocol",
                usage: .protocolVersion, algorithm: "SSH-1", canonical: catalog.entry(named: "SSH-1")?.canonical,
                quantumStatus: .broken, context: visited.block?.text, effective: false, origin: .file,
                note: "SSH protocol 1 is broken and was removed in OpenSSH 7.6; \(version) ignores this line"))
    }

    private mutating func unknownKeyword(_ visited: OpenSSHVisitedLine) {
        diagnose(visited, "\(visited.line.keyword) not supported by \(version) (dead config; \(refusal))")
    }

    private mutating func diagnose(_ visited: OpenSSHVisitedLine, _ detail: String) {
        output.diagnostics.append(
            Diagnostic(path: visited.path, reason: .unsupported, detail: "line \(visited.lineNumber): \(detail)"))
    }
}
