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

    public func claim(path: ScanPath, head: ArraySlice<UInt8>) -> Claim {
        Self.role(of: path) == nil ? .none : .name
    }

    public func scan(_ input: ScanInput) -> ScanOutput {
        guard let role = Self.role(of: input.path) else { return ScanOutput() }
        let profile = OpenSSHProfile.resolve(
            for: role.program, software: input.context.software, override: input.options.opensshVersion)
        let configuration = OpenSSHConfiguration(
            program: role.program, path: input.path, bytes: input.bytes, tree: input.context.tree, profile: profile,
            home: role.home)
        var builder = OpenSSHFindingBuilder(configuration: configuration, catalog: catalog, tree: input.context.tree)
        builder.build(includeDefaults: role.home == nil)
        return builder.output
    }
}

/// Turns one evaluated configuration into findings and diagnostics.
struct OpenSSHFindingBuilder {
    let configuration: OpenSSHConfiguration
    let catalog: Catalog
    let tree: (any TreeReader)?
    private(set) var output = ScanOutput()

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
        // Where each keyword was first set: globally (nil key) or per block (the block's position).
        var firstGlobal: [String: OpenSSHVisitedLine] = [:]
        var firstInBlock: Set<String> = []
        var hostKeyLines = 0
        for visited in configuration.visit(connection: nil) {
            let key = visited.line.key
            let blockKey = visited.block.map { "\($0.path.display):\($0.line)" }
            let scopeKey = visited.active ? nil : blockKey
            if let keyword = OpenSSHAlgorithmKeyword.named(key) {
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
                } else if let earlier = firstGlobal[keyword.name] {
                    effective = false
                    note =
                        "ignored: \(keyword.name) was already set at \(earlier.path.display) line "
                        + "\(earlier.lineNumber) (the first value obtained wins)"
                } else {
                    firstGlobal[keyword.name] = visited
                    effective = true
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
                let effective: Bool
                if let scopeKey {
                    effective = firstInBlock.insert(scopeKey + "|RequiredRSASize").inserted
                } else {
                    effective = firstGlobal["RequiredRSASize"] == nil
                    if effective { firstGlobal["RequiredRSASize"] = visited }
                }
                addRequiredRSASize(visited, effective: effective)
            } else if key == "protocol" {
                addProtocol(visited)
            }
        }
        guard includeDefaults else { return }
        for keyword in OpenSSHAlgorithmKeyword.all where firstGlobal[keyword.name] == nil {
            if keyword.list == .gssapiKex, !configuration.profile.gssapiKex { continue }
            for name in configuration.profile.defaults(keyword, for: program) {
                add(
                    name, keyword: keyword, path: configuration.path, line: nil, context: nil, effective: true,
                    origin: .default, note: configuration.profile.defaultNote)
            }
        }
        if firstGlobal["RequiredRSASize"] == nil, configuration.profile.knowsKeyword("requiredrsasize") {
            addRSASizeFinding(
                bits: 1024, path: configuration.path, line: nil, context: nil, effective: true, origin: .default,
                note: configuration.profile.defaultNote + "; RSA keys of 1024 bits and more are accepted")
        }
        if program == .server, hostKeyLines == 0 {
            // servconf.c fill_default_server_options: the RSA, ECDSA and Ed25519 keys under /etc/ssh.
            for type in ["rsa", "ecdsa", "ed25519"] {
                let file = "/etc/ssh/ssh_host_\(type)_key"
                guard let tree, !tree.files(matching: String(file.dropFirst())).isEmpty else { continue }
                addHostKey(file, at: nil, origin: .default)
            }
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
        return (entry.canonical, entry.status(keyBits: nil), entry.oids.first, nil, nil)
    }

    // MARK: - HostKey, RequiredRSASize, Protocol

    /// A HostKey line: the key file's type and size, linked to its asset when the file is in the tree.
    private mutating func addHostKey(_ file: String, at visited: OpenSSHVisitedLine?, origin: Origin) {
        let path = visited?.path ?? configuration.path
        let relative = file.hasPrefix("/") ? String(file.drop { $0 == "/" }) : file
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
                // A key outside the scan root is recorded by no walk: its asset travels with the finding.
                if tree.isOutsideRoot(candidate) { output.assets += key.assets }
                return
            }
        }
        guard let visited else { return }
        diagnose(
            visited,
            "HostKey \(file): " + (problem ?? "the key file (and its .pub) is not in the scanned tree; type unknown"))
    }

    private mutating func addRequiredRSASize(_ visited: OpenSSHVisitedLine, effective: Bool) {
        guard let text = visited.line.arguments.first, let bits = Int(text), bits > 0, bits < 1 << 20 else {
            diagnose(visited, "RequiredRSASize needs a number of bits; \(refusal)")
            return
        }
        addRSASizeFinding(
            bits: bits, path: visited.path, line: visited.lineNumber, context: visited.block?.text,
            effective: effective, origin: .file, note: "smallest RSA key accepted")
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
            $0.trimmingCharacters(in: .whitespaces)
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
