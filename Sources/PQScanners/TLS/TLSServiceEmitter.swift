import Foundation
import PQCatalog
import PQModel

/// Turns one `TLSService` into findings: what a live handshake would see, worked out offline.
///
/// Each setting is taken from the first layer that sets it (application directive, application default, system
/// `openssl.cnf`, library default of the OpenSSL in force), and every finding says which layer it came from.
/// Cipher strings are expanded through the linked OpenSSL (`CipherStringExpander`) and each suite is split into
/// kx/auth/cipher/MAC findings (`TLSSuiteDecomposer`); group lists are resolved for the target's OpenSSL release
/// (`GroupList`), so a PQ group on a library that lacks it shows as dead configuration, and an explicit list that
/// switches off OpenSSL 3.5's hybrid default says so. Shared by the nginx, Apache, HAProxy and OpenSSL-config
/// scanners, and meant for every other OpenSSL consumer (Postfix, Dovecot, OpenVPN).
public struct TLSServiceEmitter: Sendable {
    public let openssl: OpenSSLInForce
    public let system: SystemTLSConfig
    private let tree: (any TreeReader)?
    private let catalog: Catalog
    private let decomposer: TLSSuiteDecomposer

    public init(openssl: OpenSSLInForce, system: SystemTLSConfig, tree: (any TreeReader)?, catalog: Catalog = .shared) {
        self.openssl = openssl
        self.system = system
        self.tree = tree
        self.catalog = catalog
        self.decomposer = TLSSuiteDecomposer(catalog: catalog)
    }

    /// The emitter for a scan input: OpenSSL version from the tree's packages, system config from the tree.
    public init(input: ScanInput, catalog: Catalog = .shared) {
        self.init(
            openssl: OpenSSLInForce.resolve(software: input.context.software, option: input.options.opensslVersion),
            system: SystemTLSConfig.load(from: input.context.tree, label: ConfigText.rootLabel(of: input.path)),
            tree: input.context.tree, catalog: catalog)
    }

    /// Findings, the service asset and any diagnostics (a certificate the config names but the tree lacks).
    public func emit(_ service: TLSService) -> ScanOutput {
        var output = ScanOutput()
        output.assets.append(Asset(id: service.assetID, kind: .service, algorithm: "TLS"))
        let versions = protocols(service, &output)
        let legacyEnabled = versions.contains { $0 != "TLSv1.3" }
        let tls13Enabled = versions.contains("TLSv1.3")
        if legacyEnabled { legacySuites(service, &output) }
        if tls13Enabled { tls13Suites(service, &output) }
        groups(service, tls13Enabled: tls13Enabled, &output)
        signatureAlgorithms(service, &output)
        linkFiles(service, &output)
        if service.isTemplate {
            for index in output.findings.indices {
                output.findings[index].effective = false
                let note = "inherited by any TLS server added here; none uses it yet"
                output.findings[index].note = [note, output.findings[index].note].compactMap { $0 }.joined(
                    separator: "; ")
            }
        }
        return output
    }

    // MARK: - Layers

    private func libraryNote() -> String { "library default of \(openssl.phrase)" }

    private func layerNote(_ setting: TLSSetting) -> String? {
        switch setting.layer {
        case .file: nil
        case .application: "the server's built-in default for \(setting.directive)"
        case .system: "from the system OpenSSL config (system_default)"
        case .library: libraryNote()
        }
    }

    private func finding(
        _ service: TLSService, _ setting: TLSSetting, usage: Usage, algorithm: String, entry: AlgorithmEntry?,
        canonical: String? = nil, status: QuantumStatus? = nil, effective: Bool = true, notes: [String?] = [],
        asset: String? = nil, keyBits: Int? = nil, curve: String? = nil, origin: Origin? = nil
    ) -> Finding {
        var words = notes.compactMap { $0 }
        if entry == nil, status == nil {
            words.append("not in the catalog; assumed quantum-vulnerable until classified")
        }
        if let layer = layerNote(setting) { words.append(layer) }
        return Finding(
            path: setting.path, line: setting.line, source: service.source, setting: setting.directive, usage: usage,
            algorithm: algorithm, canonical: entry?.canonical ?? canonical, keyBits: keyBits, curve: curve,
            quantumStatus: status ?? entry?.quantumStatus ?? .vulnerable, context: service.name, effective: effective,
            origin: origin ?? setting.origin, asset: asset ?? service.assetID,
            note: words.isEmpty ? nil : words.joined(separator: "; "))
    }

    private func librarySetting(_ service: TLSService, _ directive: String, _ value: String) -> TLSSetting {
        TLSSetting(directive: directive, value: value, path: service.path, line: service.line, layer: .library)
    }

    // MARK: - Protocol versions

    private func protocols(_ service: TLSService, _ output: inout ScanOutput) -> [String] {
        let systemMin = system.minProtocol.flatMap { TLSProtocolChoice.normalise($0.value) }
        let systemMax = system.maxProtocol.flatMap { TLSProtocolChoice.normalise($0.value) }
        let systemRange = TLSProtocolChoice.range(min: systemMin, max: systemMax)
        var listed: [(String, TLSSetting, Bool, String?)] = []
        if let choice = service.protocols {
            for version in choice.versions {
                var on = true
                var note: String?
                if !choice.overridesSystem, systemMin != nil || systemMax != nil, !systemRange.contains(version) {
                    on = false
                    note = "switched off by MinProtocol/MaxProtocol in the system OpenSSL config"
                }
                listed.append((version, choice.setting, on, note))
            }
        } else if let setting = system.minProtocol ?? system.maxProtocol {
            for version in TLSDefaults.protocols where systemRange.contains(version) {
                listed.append((version, setting, true, nil))
            }
        } else {
            let setting = librarySetting(service, "protocols", TLSDefaults.protocols.joined(separator: " "))
            for version in TLSDefaults.protocols { listed.append((version, setting, true, nil)) }
        }
        let ownMin = service.minProtocol.flatMap { TLSProtocolChoice.normalise($0.value) }
        let ownMax = service.maxProtocol.flatMap { TLSProtocolChoice.normalise($0.value) }
        let ownRange = TLSProtocolChoice.range(min: ownMin, max: ownMax)
        let bound = [service.minProtocol, service.maxProtocol].compactMap { $0 }.map {
            "\($0.directive) \($0.value)" + ($0.line.map { " (line \($0))" } ?? "")
        }
        var enabled: [String] = []
        for (version, setting, on, note) in listed {
            var effective = on
            var notes = [note]
            if !bound.isEmpty, !ownRange.contains(version) {
                effective = false
                notes.append("switched off by " + bound.joined(separator: " and "))
            }
            if version == "SSLv2" || version == "SSLv3" {
                effective = false
                notes.append("not built into OpenSSL since 1.1.0 (SSLv2) / by default (SSLv3): not offered")
            }
            if effective { enabled.append(version) }
            output.findings.append(
                finding(
                    service, setting, usage: .protocolVersion, algorithm: version, entry: catalog.entry(named: version),
                    effective: effective, notes: notes))
        }
        return enabled
    }

    // MARK: - Cipher suites

    private func expansionNote() -> String {
        let linked = CipherStringExpander.libraryVersion
        var note = "expanded by \(linked) (linked by PQScout)"
        if let linkedVersion = OpenSSLVersion(parsing: linked),
            linkedVersion.major != openssl.version.major || linkedVersion.minor != openssl.version.minor
        {
            note += "; the target runs \(openssl.phrase), whose expansion may differ"
        }
        return note
    }

    private func legacySuites(_ service: TLSService, _ output: inout ScanOutput) {
        let setting =
            service.cipherString ?? system.cipherString
            ?? librarySetting(service, "CipherString", TLSDefaults.cipherString)
        switch CipherStringExpander.expand(cipherString: setting.value, ciphersuites: "") {
        case .failure(let failure):
            output.findings.append(
                finding(
                    service, setting, usage: .cipherSuite, algorithm: setting.value, entry: nil, effective: false,
                    notes: [
                        "OpenSSL rejects this cipher string (\(failure.detail)); the server fails to start with it",
                        expansionNote(),
                    ]))
        case .success(let expansion):
            emitSuites(expansion.tls12, service, setting, &output)
        }
    }

    private func tls13Suites(_ service: TLSService, _ output: inout ScanOutput) {
        let setting =
            service.ciphersuites ?? system.ciphersuites
            ?? librarySetting(service, "Ciphersuites", TLSDefaults.ciphersuites)
        switch CipherStringExpander.expand(cipherString: nil, ciphersuites: setting.value) {
        case .failure(let failure):
            output.findings.append(
                finding(
                    service, setting, usage: .cipherSuite, algorithm: setting.value, entry: nil, effective: false,
                    notes: ["OpenSSL rejects this TLS 1.3 suite list (\(failure.detail))", expansionNote()]))
        case .success(let expansion):
            emitSuites(expansion.tls13, service, setting, &output)
        }
    }

    private func emitSuites(
        _ suites: [TLSCipherSuite], _ service: TLSService, _ setting: TLSSetting, _ output: inout ScanOutput
    ) {
        let note = expansionNote()
        var componentCounts: [String: (TLSSuiteDecomposer.Component, Int)] = [:]
        var componentOrder: [String] = []
        for suite in suites {
            let verdict = decomposer.status(of: suite)
            let entry = verdict.canonical.flatMap { catalog.entry(named: $0) }
            output.findings.append(
                finding(
                    service, setting, usage: .cipherSuite, algorithm: suite.standardName, entry: entry,
                    canonical: verdict.canonical, status: verdict.status,
                    notes: [
                        "OpenSSL name \(suite.name), \(suite.keyExchange) \(suite.authentication) \(suite.encryption) "
                            + "\(suite.mac); status is its weakest part", note,
                    ]))
            for component in decomposer.components(of: suite) {
                let key = component.usage.rawValue + "\u{0}" + component.token
                if let (seen, count) = componentCounts[key] {
                    componentCounts[key] = (seen, count + 1)
                } else {
                    componentCounts[key] = (component, 1)
                    componentOrder.append(key)
                }
            }
        }
        for key in componentOrder {
            guard let (component, count) = componentCounts[key] else { continue }
            output.findings.append(
                finding(
                    service, setting, usage: component.usage, algorithm: component.token,
                    entry: component.canonical.flatMap { catalog.entry(named: $0) }, status: component.status,
                    notes: [component.note, "part of \(count) of \(suites.count) suites"]))
        }
    }

    // MARK: - Groups

    private func groups(_ service: TLSService, tls13Enabled: Bool, _ output: inout ScanOutput) {
        let setting =
            service.groups ?? system.groups
            ?? librarySetting(service, "Groups", TLSDefaults.groupList(for: openssl.version))
        let resolution = GroupList(setting.value).resolve(for: openssl.version, catalog: catalog)
        var offersPQ = false
        for group in resolution.groups {
            var effective = group.offered
            var notes: [String?] = [group.note]
            let isKEM = group.entry?.primitive == .kem
            if isKEM, effective, !tls13Enabled {
                effective = false
                notes.append("needs TLS 1.3, which this service does not enable")
            }
            if group.keyShare { notes.append("key share sent in the first flight ('*')") }
            if let rejection = resolution.rejection {
                notes.append(
                    group.note == nil
                        ? "not offered: \(rejection); the server refuses to start with this list"
                        : "OpenSSL rejects the whole list; the server refuses to start with it")
            }
            if effective, isKEM { offersPQ = true }
            if setting.layer != .library { notes.append("for \(openssl.phrase)") }
            output.findings.append(
                finding(
                    service, setting, usage: .group, algorithm: group.name, entry: group.entry, effective: effective,
                    notes: notes))
        }
        if setting.layer != .library, !offersPQ, openssl.version >= TLSDefaults.hybridDefaultSince, tls13Enabled {
            output.findings.append(
                finding(
                    service, setting, usage: .group, algorithm: "X25519MLKEM768",
                    entry: catalog.entry(named: "X25519MLKEM768"), effective: false,
                    notes: [
                        "\(openssl.phrase) offers X25519MLKEM768 by default; this explicit group list switches it off"
                    ], origin: .default))
        }
    }

    // MARK: - Signature algorithms

    private func signatureAlgorithms(_ service: TLSService, _ output: inout ScanOutput) {
        guard let setting = service.signatureAlgorithms ?? system.signatureAlgorithms else { return }
        let names = setting.value.split(whereSeparator: { $0 == ":" || $0 == "," || $0 == " " }).map(String.init)
        // ML-DSA signature schemes arrive in OpenSSL 3.5 (standards.md §4.3); an older library rejects the list.
        let unknown = names.first { $0.lowercased().hasPrefix("mldsa") && openssl.version < OpenSSLVersion(3, 5) }
        for name in names {
            var notes: [String?] = []
            if let unknown {
                notes.append(
                    "\(openssl.phrase) does not know \(unknown) (added in 3.5): OpenSSL rejects the whole list; "
                        + "dead configuration")
            }
            output.findings.append(
                finding(
                    service, setting, usage: .signature, algorithm: name, entry: Self.signatureEntry(name, catalog),
                    effective: unknown == nil, notes: notes))
        }
    }

    /// `rsa_pss_rsae_sha256`, `mldsa65`, `ed25519` by name; `RSA+SHA256` / `ECDSA+SHA384` / `RSA-PSS+SHA256`
    /// (SSL_CONF_cmd(3) "algorithm+hash" form) through their X.509 spellings.
    static func signatureEntry(_ name: String, _ catalog: Catalog) -> AlgorithmEntry? {
        if let entry = catalog.entry(named: name) { return entry }
        let parts = name.split(separator: "+").map { $0.uppercased() }
        guard parts.count == 2 else { return nil }
        let hash = parts[1].replacingOccurrences(of: "-", with: "")
        let bits = hash.replacingOccurrences(of: "SHA", with: "")
        switch parts[0] {
        case "RSA": return catalog.entry(named: "\(hash.lowercased())WithRSAEncryption")
        case "RSA-PSS", "PSS": return catalog.entry(named: "rsa_pss_rsae_sha\(bits)")
        case "ECDSA": return catalog.entry(named: "ecdsa-with-\(hash)")
        case "DSA": return catalog.entry(named: "dsa_with_\(hash)")
        default: return nil
        }
    }

    // MARK: - Certificate, key and DH parameters

    private func linkFiles(_ service: TLSService, _ output: inout ScanOutput) {
        for setting in service.certificates {
            link(setting, service, &output, wanted: ["subjectPublicKey", "signatureAlgorithm"]) { input in
                CertificateScanner(catalog: catalog).scan(input)
            }
        }
        for setting in service.keys {
            link(setting, service, &output, wanted: ["privateKey"]) { KeyScanner(catalog: catalog).scan($0) }
        }
        if let setting = service.dhParameters {
            link(setting, service, &output, wanted: nil) { DHParametersScanner(catalog: catalog).scan($0) }
        }
    }

    /// Reads a file the config names, runs the matching scanner on it and re-states its first findings at the
    /// directive, with the scanner's asset id, so the service links to the certificate/key asset.
    private func link(
        _ setting: TLSSetting, _ service: TLSService, _ output: inout ScanOutput, wanted: Set<String>?,
        scan: (ScanInput) -> ScanOutput
    ) {
        let where_ = setting.line.map { "line \($0): " } ?? ""
        guard !setting.value.contains("$"), !setting.value.hasPrefix("data:"), !setting.value.hasPrefix("engine:")
        else { return }
        guard let tree else { return }
        let target = ScanPath(
            ConfigText.rootPattern(
                setting.value, prefix: service.filePrefix, label: ConfigText.rootLabel(of: setting.path)))
        var targets = [target]
        if case .failure = tree.read(target) {
            // HAProxy `crt` may name a directory of PEM files.
            targets = Array(tree.files(matching: target.display + "/*").prefix(16))
        }
        guard !targets.isEmpty else {
            output.diagnostics.append(
                Diagnostic(
                    path: setting.path, reason: .unreadable,
                    detail: "\(where_)\(setting.directive) \(setting.value): not a file in the scanned tree"))
            return
        }
        for file in targets {
            guard case .success(let bytes) = tree.read(file) else { continue }
            restate(scan(ScanInput(path: file, bytes: bytes)), from: file, setting, service, &output, wanted: wanted)
        }
    }

    /// Copies the wanted findings of a linked file to the directive, keeping their asset ids.
    private func restate(
        _ scanned: ScanOutput, from target: ScanPath, _ setting: TLSSetting, _ service: TLSService,
        _ output: inout ScanOutput, wanted: Set<String>?
    ) {
        let where_ = setting.line.map { "line \($0): " } ?? ""
        var taken = Set<String>()
        for found in scanned.findings {
            if let wanted {
                guard wanted.contains(found.setting), taken.insert(found.setting).inserted else { continue }
            } else {
                guard taken.insert(found.setting).inserted else { continue }
            }
            var copy = found
            copy.path = setting.path
            copy.line = setting.line
            copy.source = service.source
            copy.setting = setting.directive
            copy.context = service.name
            copy.origin = .file
            let fileNote =
                tree?.isOutsideRoot(target) == true
                ? "\(found.setting) of \(tree?.reportedName(target).display ?? target.display), outside the scan root "
                    + "(read for linking, not inventoried)"
                : "\(found.setting) of \(target.display)"
            copy.note = [fileNote, found.note].compactMap { $0 }.joined(separator: "; ")
            output.findings.append(copy)
        }
        // A file outside the scan root (read for linking only) is recorded by no walk: its assets travel with
        // the findings that name them, as a finding may only name a recorded asset.
        if tree?.isOutsideRoot(target) == true {
            let named = Set(output.findings.compactMap(\.asset))
            output.assets += scanned.assets.filter { named.contains($0.id) && !output.assets.contains($0) }
        }
        if scanned.findings.isEmpty {
            output.diagnostics.append(
                Diagnostic(
                    path: setting.path, reason: .malformed,
                    detail: "\(where_)\(setting.directive) \(setting.value): nothing readable in \(target.display)"))
        }
    }
}
