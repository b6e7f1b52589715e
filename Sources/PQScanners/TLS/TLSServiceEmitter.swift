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
    /// Why: every finding of a service carries its asset id, a SHA-256 over the service's identity; one per
    /// service is enough.
    private let assetIDs = InputMemo<ServiceIdentity, String>(capacity: 256)
    /// Why: every vhost of a file with `PROFILE=SYSTEM` would read the crypto-policies file (and os-release) again.
    private let systemProfiles = InputMemo<SystemProfileKey, SystemCipherProfile.Resolution?>(capacity: 64)

    private struct SystemProfileKey: Hashable, Sendable {
        var value: String
        var label: String
    }

    private struct ServiceIdentity: Hashable, Sendable {
        var source: FindingSource
        var path: ScanPath
        var name: String
    }

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
            system: input.context.systemTLS(label: ConfigText.rootLabel(of: input.path)),
            tree: input.context.tree, catalog: catalog)
    }

    /// Findings, the service asset and any diagnostics (a certificate the config names but the tree lacks, a
    /// setting the daemon refuses to start with).
    ///
    /// A finding is `effective: true` only when the OpenSSL in force would really use it with this configuration
    /// (`TLSServerProbe`: security level, version range, PSK/SRP/anonymous/NULL rules; `TLSSuiteUsability`: the
    /// certificate's key type, DH parameters, a usable group). A setting the daemon refuses to start with (a
    /// rejected cipher string or group list, a certificate the security level refuses or the tree lacks) is a
    /// diagnostic, and then nothing of the service is in force.
    public func emit(_ service: TLSService) -> ScanOutput {
        emitService(service).output
    }

    /// Every service of one daemon's configuration (nginx, httpd, HAProxy). These set up every server when they
    /// start and stop at the first they cannot (a certificate missing or refused, a list OpenSSL rejects: nginx
    /// `[emerg]`, httpd's "SSLCertificateFile: file ... does not exist", HAProxy's `[ALERT]`), so one server that
    /// refuses puts none of the others in force either: their findings are kept, not in force, with the refusing
    /// server's reason first. A template (settings no server uses yet) refuses nothing: nothing applies it.
    public func emit(_ services: [TLSService], daemon: String) -> ScanOutput {
        var output = ScanOutput()
        var standing: [Range<Int>] = []
        var refusals: [String] = []
        var notRead: [String] = []
        var unknown: [Range<Int>] = []
        var said = Set<Diagnostic>()
        for service in services {
            var (one, refused, unread) = emitService(service)
            // A setting the daemon's servers share (a global `SSLOpenSSLConfCmd`) is judged once per server: say
            // what is wrong with it once.
            one.diagnostics.removeAll { !said.insert($0).inserted }
            let start = output.findings.count
            output.append(one)
            if service.isTemplate {
                standing.append(start..<output.findings.count)
            } else if !refused.isEmpty {
                refusals.append("\(service.name): \(refused[0])")
            } else if !unread.isEmpty {
                notRead.append("\(service.name): \(unread[0])")
                unknown.append(start..<output.findings.count)
            } else {
                standing.append(start..<output.findings.count)
            }
        }
        // A server that refuses stops the daemon whatever the others hold, those PQScout could not look into too;
        // one of those may stop it.
        if !refusals.isEmpty { standing += unknown }
        if let note = ScanOutput.startNote(
            program: daemon, refuses: "\(daemon) refuses to start", refusals: refusals,
            notRead: refusals.isEmpty ? notRead : [])
        {
            for range in standing { output.markNotInForce(note, in: range) }
        }
        return output
    }

    /// One service's output, the reasons its daemon refuses to start with it (or, for Postfix, runs it without
    /// TLS: `TLSService.failure`), and what PQScout could not look into that decides whether it does (`notRead`).
    func emitService(_ service: TLSService) -> (output: ScanOutput, refusals: [String], notRead: [String]) {
        var service = service
        if let setting = service.cipherString, setting.value.utf8.starts(with: SystemCipherProfile.keyword.utf8),
            let profile = systemProfiles.value(
                for: SystemProfileKey(value: setting.value, label: ConfigText.rootLabel(of: setting.path)),
                { SystemCipherProfile.resolve(setting, openssl: openssl, tree: tree) })
        {
            service.cipherString?.value = profile.cipherString
            service.cipherString?.readAs = profile.note
        }
        var output = ScanOutput()
        output.assets.append(Asset(id: assetID(service), kind: .service, algorithm: "TLS"))
        var state = State()
        state.notRead = service.notRead
        let listed = listedProtocols(service)
        let enabled = listed.filter(\.on).map(\.version).filter { $0 != "SSLv2" && $0 != "SSLv3" }
        let legacyEnabled = enabled.contains { $0 != "TLSv1.3" }
        let tls13Enabled = enabled.contains("TLSv1.3")
        let skipped = skippedSystemLines(service)
        for line in skipped.lines { reportSkipped(line, service, &output) }
        let librarySuites = librarySetting(service, "Ciphersuites", TLSDefaults.ciphersuites)
        let libraryCiphers = librarySetting(service, "CipherString", TLSDefaults.cipherString)
        let cipherSetting =
            service.cipherString ?? (skipped.skips(.cipherString) ? nil : system.cipherString) ?? libraryCiphers
        let suitesSetting =
            service.ciphersuites ?? (skipped.skips(.ciphersuites) ? nil : system.ciphersuites) ?? librarySuites
        // The system CipherString is applied at SSL_CTX_new, where a string OpenSSL rejects is skipped but can
        // still leave its mark (only TLS 1.3 suites after "no cipher match"); a service's own string replaces
        // the list but keeps its @SECLEVEL (SSL_CTX_set_cipher_list moves the level only when the string says
        // @SECLEVEL).
        // A level the daemon sets itself comes after the system string's @SECLEVEL, and one it sets per
        // connection after the service's too: OpenSSL is asked with those @SECLEVELs taken out.
        let daemonLevel = service.securityLevel
        let base = system.cipherString.flatMap {
            daemonLevel == nil ? $0.value : TLSSuiteUsability.removingSecurityLevel($0.value)
        }
        let ownCipherString = (service.cipherString?.value ?? (system.cipherString == nil ? cipherSetting.value : nil))
            .map { daemonLevel?.perConnection == true ? TLSSuiteUsability.removingSecurityLevel($0) ?? "" : $0 }
        state.defaultLevel = daemonLevel?.level ?? TLSSuiteUsability.defaultLevel(for: openssl)
        let groupResolution = resolveGroups(service, skipped)
        checkCertificates(service, base: base, cipherString: ownCipherString, &state, &output)
        let probe = TLSServerProbe.suites(
            base: base, cipherString: ownCipherString, ciphersuites: suitesSetting.value,
            securityLevel: state.defaultLevel, minimum: enabled.first, maximum: enabled.last)
        var context: TLSServerProbe.Context?
        switch probe {
        case .success(let answer):
            context = answer
            state.level = answer.securityLevel
            state.versions = enabled.filter { answer.usableVersions.contains($0) }
        case .failure:
            reportRejectedLists(service, cipherSetting, suitesSetting, base: base, &state, &output)
        }
        state.assets = assets(service, groups: groupResolution, level: state.level ?? state.defaultLevel, state)
        if let context {
            let probed = ProbeInputs(
                base: base, cipherString: ownCipherString, ciphersuites: suitesSetting.value,
                defaultLevel: state.defaultLevel, minimum: enabled.first, maximum: enabled.last)
            if legacyEnabled {
                emitSuites(context, probed, tls13: false, service, cipherSetting, &state, &output)
            }
            if tls13Enabled {
                emitSuites(context, probed, tls13: true, service, suitesSetting, &state, &output)
            }
        }
        emitProtocols(service, listed, context: context, &state, &output)
        groups(service, groupResolution, skipped, &state, &output)
        signatureAlgorithms(service, &output)
        linkFiles(service, state, &output)
        if !state.refusals.isEmpty || !state.deadHandshakes.isEmpty {
            let reason =
                state.refusals.isEmpty
                ? "the server starts but no handshake succeeds: " + state.deadHandshakes.joined(separator: "; ")
                : service.failureNote(state.refusals)
            output.markNotInForce(reason)
        } else if let note = Self.notKnownNote(state.notRead) {
            output.markNotInForce(note)
        }
        if service.isTemplate {
            output.markNotInForce("inherited by any TLS server added here; none uses it yet")
        }
        return (output, state.refusals, state.notRead)
    }

    /// The note of a service of which nothing is known to be in force, for what PQScout did not read; nil when it
    /// read everything.
    static func notKnownNote(_ notRead: [String]) -> String? {
        ScanOutput.startNote(program: "the server", refuses: "", refusals: [], notRead: notRead)
    }

    /// What one emission has learned so far.
    private struct State {
        /// Why the daemon would refuse to start with this configuration (each also a diagnostic).
        var refusals: [String] = []
        /// Why the daemon starts but no handshake can succeed (each also a diagnostic).
        var deadHandshakes: [String] = []
        /// What decides whether the daemon starts that PQScout could not look into (a certificate's name that is
        /// not UTF-8): with no refusal, nothing of the service is known to be in force.
        var notRead: [String] = []
        /// Why no TLS <= 1.2 suite can be negotiated although the daemon starts (HAProxy's certificate order).
        var legacyCertificateFailure: String?
        /// The security level in force (nil until OpenSSL answered).
        var level: Int?
        var defaultLevel = 1
        /// Key types of the served certificates (OpenSSL names); `keysAssumed` when none could be read.
        var keyTypes: Set<String> = []
        var keysAssumed = false
        var assets = TLSSuiteUsability.Assets(keyTypes: [], assumed: true, dhParameters: false, ecdheGroup: false)
        /// Suites in force, and those not known to be only because no certificate of the server was read: a
        /// version, group or DH parameter only these can use is "not known to be in force", not "not in force".
        var effectiveSuites: [TLSCipherSuite] = []
        /// The suites known to be in force: the service's versions, groups and DH parameters are in force when one
        /// of these uses them.
        var suitesInForce: [TLSCipherSuite] = []
        /// Versions enabled by the configuration and allowed by the security level.
        var versions: [String] = []
    }

    /// Records a reason the daemon refuses to start, with its diagnostic at the setting.
    private func refuse(_ reason: String, at setting: TLSSetting, _ state: inout State, _ output: inout ScanOutput) {
        state.refusals.append(reason)
        let place = setting.line.map { "line \($0): " } ?? ""
        let diagnostic = Diagnostic(
            path: setting.path, reason: .malformed, detail: "\(place)\(setting.directive) \(setting.value): \(reason)")
        if !output.diagnostics.contains(diagnostic) { output.diagnostics.append(diagnostic) }
    }

    // MARK: - Layers

    /// The system_default lines a service would inherit but OpenSSL rejects. `SSL_CTX_new` applies each line and
    /// goes on past one that fails (observed with `openssl ciphers` under such a file), so the line is dead
    /// configuration and the layer below stands, but for what a rejected cipher string leaves behind (OpenSSL
    /// has already replaced the list when it finds no suite: only the TLS 1.3 ones remain).
    private struct SkippedSystemLines {
        enum Kind { case cipherString, ciphersuites, groups }

        struct Line {
            var kind: Kind
            var setting: TLSSetting
            var why: String
            /// A rejected group line's groups, reported as not in force.
            var groups: [GroupList.Resolved] = []
        }

        var lines: [Line] = []

        func skips(_ kind: Kind) -> Bool { lines.contains { $0.kind == kind } }
    }

    private func skippedSystemLines(_ service: TLSService) -> SkippedSystemLines {
        var skipped = SkippedSystemLines()
        let skips = "SSL_CTX_new skips the line"
        if service.cipherString == nil, let setting = system.cipherString,
            case .failure(let failure) = CipherStringExpander.expand(cipherString: setting.value)
        {
            let left =
                failure.detail.contains("no cipher match")
                ? "the list it leaves holds only the TLS 1.3 suites, so no TLS 1.2 or older suite is offered"
                : "the library default \(TLSDefaults.cipherString) stands"
            skipped.lines.append(
                .init(
                    kind: .cipherString, setting: setting,
                    why: "OpenSSL rejects this system_default cipher string (\(failure.detail)); \(skips): \(left)"))
        }
        if service.ciphersuites == nil, let setting = system.ciphersuites,
            case .failure(let failure) = CipherStringExpander.expand(cipherString: nil, ciphersuites: setting.value)
        {
            skipped.lines.append(
                .init(
                    kind: .ciphersuites, setting: setting,
                    why: "OpenSSL rejects this system_default TLS 1.3 suite list (\(failure.detail)); \(skips): the "
                        + "library default TLS 1.3 suites stand"))
        }
        if service.groups == nil, let setting = system.groups {
            // The daemon does not see this line: OpenSSL reads it whole, unknown names included.
            let resolution = GroupList(setting.value).resolve(
                for: openssl.version, catalog: catalog, skippingUnknown: false)
            let rejection =
                resolution.rejection
                ?? (!resolution.groups.isEmpty && !resolution.groups.contains(where: \.offered)
                    ? "no group of this list is known to \(openssl.phrase)" : nil)
            if let rejection {
                skipped.lines.append(
                    .init(
                        kind: .groups, setting: setting,
                        why: "OpenSSL rejects this system_default group list (\(rejection)); \(skips): the "
                            + "library's default groups stand",
                        groups: resolution.groups))
            }
        }
        return skipped
    }

    /// A skipped system_default line's findings, none in force; on the OpenSSL config's own service, a diagnostic.
    private func reportSkipped(
        _ line: SkippedSystemLines.Line, _ service: TLSService, _ output: inout ScanOutput
    ) {
        switch line.kind {
        case .cipherString, .ciphersuites:
            output.findings.append(
                finding(
                    service, line.setting, usage: .cipherSuite, algorithm: line.setting.value, entry: nil,
                    effective: false, notes: [line.why]))
        case .groups:
            for group in line.groups {
                output.findings.append(
                    finding(
                        service, line.setting, usage: .group, algorithm: group.name, entry: group.entry,
                        effective: false, notes: [group.note, line.why]))
            }
        }
        guard service.source == .opensslConf else { return }
        let place = line.setting.line.map { "line \($0): " } ?? ""
        let diagnostic = Diagnostic(
            path: line.setting.path, reason: .malformed,
            detail: "\(place)\(line.setting.directive) \(line.setting.value): \(line.why)")
        if !output.diagnostics.contains(diagnostic) { output.diagnostics.append(diagnostic) }
    }

    private func libraryNote() -> String { "library default of \(openssl.phrase)" }

    private func layerNote(_ setting: TLSSetting) -> String? {
        let layer: String? =
            switch setting.layer {
            case .file: nil
            case .application: "the server's built-in default for \(setting.directive)"
            case .system: "from the system OpenSSL config (system_default)"
            case .library: libraryNote()
            }
        guard let readAs = setting.readAs else { return layer }
        return [layer, readAs].compactMap { $0 }.joined(separator: "; ")
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
            origin: origin ?? setting.origin, asset: asset ?? assetID(service),
            note: words.isEmpty ? nil : words.joined(separator: "; "))
    }

    private func assetID(_ service: TLSService) -> String {
        assetIDs.value(for: ServiceIdentity(source: service.source, path: service.path, name: service.name)) {
            service.assetID
        }
    }

    private func librarySetting(_ service: TLSService, _ directive: String, _ value: String) -> TLSSetting {
        TLSSetting(directive: directive, value: value, path: service.path, line: service.line, layer: .library)
    }

    // MARK: - Protocol versions

    /// A version the configuration names, whether its own settings leave it on, and why not.
    private struct ListedVersion {
        var version: String
        var setting: TLSSetting
        var on: Bool
        var notes: [String?]
    }

    private func listedProtocols(_ service: TLSService) -> [ListedVersion] {
        let systemMin = system.minProtocol.flatMap { TLSProtocolChoice.normalise($0.value) }
        let systemMax = system.maxProtocol.flatMap { TLSProtocolChoice.normalise($0.value) }
        let systemRange = TLSProtocolChoice.range(min: systemMin, max: systemMax)
        var listed: [ListedVersion] = []
        if let choice = service.protocols {
            for version in choice.versions {
                var on = true
                var note: String?
                if !choice.overridesSystem, systemMin != nil || systemMax != nil, !systemRange.contains(version) {
                    on = false
                    note = "switched off by MinProtocol/MaxProtocol in the system OpenSSL config"
                }
                listed.append(ListedVersion(version: version, setting: choice.setting, on: on, notes: [note]))
            }
        } else if let setting = system.minProtocol ?? system.maxProtocol {
            for version in TLSDefaults.protocols where systemRange.contains(version) {
                listed.append(ListedVersion(version: version, setting: setting, on: true, notes: []))
            }
        } else {
            let setting = librarySetting(service, "protocols", TLSDefaults.protocols.joined(separator: " "))
            for version in TLSDefaults.protocols {
                listed.append(ListedVersion(version: version, setting: setting, on: true, notes: []))
            }
        }
        let ownMin = service.minProtocol.flatMap { TLSProtocolChoice.normalise($0.value) }
        let ownMax = service.maxProtocol.flatMap { TLSProtocolChoice.normalise($0.value) }
        let ownRange = TLSProtocolChoice.range(min: ownMin, max: ownMax)
        let bound = [service.minProtocol, service.maxProtocol].compactMap { $0 }.map {
            "\($0.directive) \($0.value)" + ($0.line.map { " (line \($0))" } ?? "")
        }
        for index in listed.indices {
            let version = listed[index].version
            if !bound.isEmpty, !ownRange.contains(version) {
                listed[index].on = false
                listed[index].notes.append("switched off by " + bound.joined(separator: " and "))
            }
            if version == "SSLv2" || version == "SSLv3" {
                listed[index].on = false
                listed[index].notes.append(
                    "not built into OpenSSL since 1.1.0 (SSLv2) / by default (SSLv3): not offered")
            }
        }
        return listed
    }

    private func versionUse(_ version: String, _ state: State) -> Use {
        let level = signatureLevel(state.level ?? state.defaultLevel)
        return Self.use(state) { TLSSuiteUsability.serves($0, version: version, level: level) }
    }

    private func emitProtocols(
        _ service: TLSService, _ listed: [ListedVersion], context: TLSServerProbe.Context?, _ state: inout State,
        _ output: inout ScanOutput
    ) {
        let level = state.level ?? state.defaultLevel
        for one in listed {
            var effective = one.on
            var notes = one.notes
            if effective, let context {
                if !context.usableVersions.contains(one.version) {
                    effective = false
                    notes.append(
                        ["TLSv1", "TLSv1.1"].contains(one.version) && signatureLevel(level) >= 1
                            ? legacyRefusal(level)
                            : "no suite of this service's lists can be used with \(one.version)")
                } else if case let use = versionUse(one.version, state), use != .inForce {
                    effective = false
                    if use == .notKnown {
                        notes.insert(Self.onlyUnknownSuites, at: 0)
                    } else {
                        notes.append(
                            ["TLSv1", "TLSv1.1"].contains(one.version) && signatureLevel(level) >= 1
                                ? legacyRefusal(level, noCertificate: true)
                                : "no suite in force for \(one.version) (see this service's cipher-suite findings)")
                    }
                }
            }
            output.findings.append(
                finding(
                    service, one.setting, usage: .protocolVersion, algorithm: one.version,
                    entry: catalog.entry(named: one.version), effective: effective, notes: notes))
        }
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

    /// One list OpenSSL rejected: a finding with the list as written and a refusal, per list that fails alone.
    private func reportRejectedLists(
        _ service: TLSService, _ cipherSetting: TLSSetting, _ suitesSetting: TLSSetting, base: String?,
        _ state: inout State, _ output: inout ScanOutput
    ) {
        let checks: [(TLSSetting, Result<TLSServerProbe.Context, TLSServerProbe.Failure>, String)] = [
            (
                cipherSetting,
                TLSServerProbe.suites(
                    base: base, cipherString: cipherSetting.value, ciphersuites: nil, securityLevel: nil, minimum: nil,
                    maximum: nil), "cipher string"
            ),
            (
                suitesSetting,
                TLSServerProbe.suites(
                    base: nil, cipherString: nil, ciphersuites: suitesSetting.value, securityLevel: nil, minimum: nil,
                    maximum: nil), "TLS 1.3 suite list"
            ),
        ]
        for (setting, result, what) in checks {
            guard case .failure(let failure) = result else { continue }
            output.findings.append(
                finding(
                    service, setting, usage: .cipherSuite, algorithm: setting.value, entry: nil, effective: false,
                    notes: ["OpenSSL rejects this \(what) (\(failure.detail))", expansionNote()]))
            refuse("OpenSSL rejects the \(what) (\(failure.detail))", at: setting, &state, &output)
        }
    }

    /// What the OpenSSL probe of a service was asked: its answer, `TLSServerProbe.Context`, depends on nothing else.
    private struct ProbeInputs: Hashable, Sendable {
        var base, cipherString, ciphersuites: String?
        var defaultLevel: Int
        var minimum, maximum: String?
    }

    /// Everything a service's suite findings depend on but the service's own place and names.
    private struct SuiteRowsKey: Hashable, Sendable {
        var catalog: Catalog.Identity
        var openssl: OpenSSLInForce
        var probe: ProbeInputs
        var tls13: Bool
        var server: Bool
        var level: Int
        var assets: TLSSuiteUsability.Assets
        var legacyCertificateFailure: String?
        var versions: [String]
    }

    /// One suite or suite-part finding without its service: what `finding(...)` would make of it but the place,
    /// the names and the layer note.
    private struct SuiteRow: Sendable {
        var usage: Usage
        var algorithm: String
        var canonical: String?
        var status: QuantumStatus
        var effective: Bool
        var note: String
    }

    private struct SuiteRows: Sendable {
        var rows: [SuiteRow]
        var inForce: [TLSCipherSuite]
        /// The suites in force, and those not known to be only for want of the server's certificate.
        var inForceOrUnknown: [TLSCipherSuite]
    }

    /// Why: every vhost, `master.cf` service and HAProxy bind of a tree with the same cipher lists, certificate
    /// key types and protocol range gets the same suite verdicts and words; only the place and names differ.
    /// Putting them into words was a fifth of a scan of nginx-heavy trees. A tree of many hosts holds hundreds of
    /// kinds (354 in 30 copies of `/etc`, where 64 places missed two calls in three); bounded because each holds
    /// every suite's words.
    private static let suiteRows = InputMemo<SuiteRowsKey, SuiteRows>(capacity: 512)

    private enum Use { case inForce, notKnown, notInForce }

    /// Whether a version, group or DH parameter the suites `uses` picks out is in force. On a server none of
    /// whose certificates was read, it is when some suite of each key family serves it, whatever key the server
    /// holds: RSA or EC/EdDSA, the ground TLS 1.3 suites are held in force on too (a DSA certificate serves no
    /// TLS 1.3 handshake, RFC 8446 §4.2.3); when only suites of one family do, it is not known.
    private static func use(_ state: State, by uses: (TLSCipherSuite) -> Bool) -> Use {
        if state.suitesInForce.contains(where: uses) { return .inForce }
        let candidates = state.effectiveSuites.filter(uses)
        guard !candidates.isEmpty else { return .notInForce }
        let whateverKey = ["RSA", "EC"].allSatisfy { type in
            var assets = state.assets
            assets.keyTypes = [type]
            return candidates.contains { TLSSuiteUsability.serverReason($0, assets: assets) == nil }
        }
        return whateverKey ? .inForce : .notKnown
    }

    /// A version, group or DH parameter only suites of one key family could use, on a server none of whose
    /// certificates was read: whether it is in force is not known, and is not claimed either way.
    private static let onlyUnknownSuites =
        "not known to be in force: only suites that need a key of one type use it, and no certificate of this server "
        + "was read"

    private func emitSuites(
        _ context: TLSServerProbe.Context, _ probe: ProbeInputs, tls13: Bool, _ service: TLSService,
        _ setting: TLSSetting, _ state: inout State, _ output: inout ScanOutput
    ) {
        let level = state.level ?? state.defaultLevel
        let key = SuiteRowsKey(
            catalog: catalog.identity, openssl: openssl, probe: probe, tls13: tls13, server: service.role == .server,
            level: level, assets: state.assets, legacyCertificateFailure: state.legacyCertificateFailure,
            versions: state.versions)
        let known = Self.suiteRows.value(for: key) {
            suiteRows(
                context.suites.filter { $0.suite.isTLS13 == tls13 }, server: key.server, level: level,
                maximum: probe.maximum, state)
        }
        state.effectiveSuites.append(contentsOf: known.inForceOrUnknown)
        state.suitesInForce.append(contentsOf: known.inForce)
        let layer = layerNote(setting)
        let asset = assetID(service)
        output.findings.reserveCapacity(output.findings.count + known.rows.count)
        for row in known.rows {
            output.findings.append(
                Finding(
                    path: setting.path, line: setting.line, source: service.source, setting: setting.directive,
                    usage: row.usage, algorithm: row.algorithm, canonical: row.canonical, quantumStatus: row.status,
                    context: service.name, effective: row.effective, origin: setting.origin, asset: asset,
                    note: layer.map { row.note + "; " + $0 } ?? row.note))
        }
    }

    /// Why TLS 1.0 or 1.1 is refused at this level, in the words of the OpenSSL in force; `noCertificate` when the
    /// versions are usable but no certificate can sign for them.
    private func legacyRefusal(_ level: Int, noCertificate: Bool = false) -> String {
        guard openssl.version >= OpenSSLVersion(3, 0) else {
            return "refused at security level \(level): Ubuntu's OpenSSL refuses TLS 1.0 and 1.1 from level 2 (a patch "
                + "of its own)"
        }
        return noCertificate
            ? "refused at security level \(level): TLS 1.0/1.1 sign with MD5+SHA-1 or SHA-1, which the level forbids, "
                + "so no certificate can be used"
            : "refused at security level \(level): OpenSSL 3.0 and later allow TLS 1.0 and 1.1 only at level 0 "
                + "(SSL_CTX_set_security_level(3))"
    }

    private func signatureLevel(_ level: Int) -> Int {
        TLSSuiteUsability.legacySignatureLevel(level: level, openssl: openssl)
    }

    /// A suite finding per suite the list names, then one per part (kx, auth, cipher, MAC) in first-seen order.
    private func suiteRows(
        _ suites: [TLSServerProbe.Suite], server: Bool, level: Int, maximum: String?, _ state: State
    ) -> SuiteRows {
        let note = expansionNote()
        var rows: [SuiteRow] = []
        var inForce: [TLSCipherSuite] = []
        // In force, or not known to be only for want of the server's certificate.
        var possible: [TLSCipherSuite] = []
        var componentCounts: [String: (TLSSuiteDecomposer.Component, Int, Int)] = [:]
        var componentOrder: [String] = []
        for one in suites {
            let suite = one.suite
            var why: String?
            var unknown: String?
            if !one.usable {
                why = TLSSuiteUsability.dropReason(suite, level: level, maximum: maximum)
            } else if server, state.assets.assumed, TLSSuiteUsability.needsKeyOfOneType(suite) {
                // No certificate of this server was read (a crt-list, a `$variable` path, one PQScout cannot parse):
                // the key it holds may be of any type, so a suite that needs one type is neither in force nor not.
                var anyKey = state.assets
                anyKey.keyTypes = TLSSuiteUsability.everyKeyType
                why = TLSSuiteUsability.serverReason(suite, assets: anyKey)
                unknown =
                    "no certificate of this server was read, so whether it holds the \(TLSSuiteUsability.keyNeeded(suite)) "
                    + "key this suite needs is not known"
            } else if server {
                why = TLSSuiteUsability.serverReason(suite, assets: state.assets)
            }
            if why == nil, !suite.isTLS13, let failure = state.legacyCertificateFailure { why = failure }
            if why == nil,
                !state.versions.contains(where: {
                    TLSSuiteUsability.serves(suite, version: $0, level: signatureLevel(level))
                })
            {
                why =
                    "no enabled version can carry it: TLS 1.0/1.1 sign with MD5+SHA-1 or SHA-1, below security level "
                    + "\(level)"
            }
            if why != nil { unknown = nil }
            let known = why == nil && unknown == nil
            let verdict = decomposer.judged(suite)
            let words = [
                why.map { "not negotiated: \($0)" } ?? unknown.map { "not known to be in force: \($0)" },
                "OpenSSL name \(suite.name), \(suite.keyExchange) \(suite.authentication) \(suite.encryption) "
                    + "\(suite.mac); status is its weakest part", note,
            ]
            rows.append(
                SuiteRow(
                    usage: .cipherSuite, algorithm: suite.standardName,
                    canonical: verdict.entry?.canonical ?? verdict.canonical, status: verdict.status,
                    effective: known, note: words.compactMap { $0 }.joined(separator: "; ")))
            if known { inForce.append(suite) }
            if why == nil { possible.append(suite) }
            // Every named suite's parts are reported; a part is in force when a suite in force uses it.
            for component in decomposer.components(of: suite) {
                let key = component.usage.rawValue + "\u{0}" + component.token
                let used = known ? 1 : 0
                let maybe = unknown != nil ? 1 : 0
                if let (seen, count, unsure) = componentCounts[key] {
                    componentCounts[key] = (seen, count + used, unsure + maybe)
                } else {
                    componentCounts[key] = (component, used, maybe)
                    componentOrder.append(key)
                }
            }
        }
        for key in componentOrder {
            guard let (component, count, unsure) = componentCounts[key] else { continue }
            let entry = component.canonical.flatMap { catalog.entry(named: $0) }
            let words = [
                component.note,
                count > 0
                    ? "part of \(count) of \(inForce.count) suites in force"
                    : unsure > 0
                        ? "not known to be in force: part of \(unsure) suites that need a key of one type, and no "
                            + "certificate of this server was read"
                        : "part of no suite in force (\(suites.count) named)",
            ]
            rows.append(
                SuiteRow(
                    usage: component.usage, algorithm: component.token, canonical: entry?.canonical,
                    status: component.status, effective: count > 0,
                    note: words.compactMap { $0 }.joined(separator: "; ")))
        }
        return SuiteRows(rows: rows, inForce: inForce, inForceOrUnknown: possible)
    }

    // MARK: - Certificates and what they allow

    /// Loads each certificate the service names into a context with its security level: a certificate OpenSSL
    /// refuses ("ee key too small") or the tree lacks stops the daemon. Records the key types served.
    private func checkCertificates(
        _ service: TLSService, base: String?, cipherString: String?, _ state: inout State, _ output: inout ScanOutput
    ) {
        guard service.role == .server else { return }
        if service.requiresCertificate, service.certificates.isEmpty, !service.isTemplate {
            state.refusals.append("no certificate is configured for it")
            let place = service.line.map { "line \($0): " } ?? ""
            output.diagnostics.append(
                Diagnostic(
                    path: service.path, reason: .malformed,
                    detail: "\(place)\(service.name): TLS without a certificate; the server refuses to start"))
        }
        // OpenVPN's `ca`/`extra-certs` are CA certificates the server sends or trusts, not the one it serves.
        for setting in service.certificates where !["ca", "extra-certs"].contains(setting.directive) {
            guard let tree, !setting.value.contains("$"), !setting.value.hasPrefix("data:"),
                !setting.value.hasPrefix("engine:")
            else { continue }
            let target = ScanPath(
                ConfigText.rootPattern(
                    setting.value, prefix: service.filePrefix, label: ConfigText.rootLabel(of: setting.path)))
            var files = [target]
            if case .failure = tree.read(target) {
                files = Array(tree.files(matching: target.display + "/*").prefix(16))
            }
            if files.isEmpty, ConfigText.lostBytes(setting.value) {
                state.notRead.append("certificate file \(setting.value) (\(ConfigText.lostBytesReason))")
                continue
            }
            if files.isEmpty {
                if ConfigCopy.isCopy(setting.path) {
                    state.notRead.append("certificate file \(setting.value) (\(ConfigCopy.reason))")
                } else {
                    state.refusals.append("certificate file \(setting.value) is not in the scanned tree")
                }
                continue
            }
            for file in files {
                guard case .success(let bytes) = tree.read(file), let der = Self.firstCertificate(bytes) else {
                    continue
                }
                switch TLSServerProbe.checkCertificate(
                    der: der, base: base, cipherString: cipherString, securityLevel: state.defaultLevel)
                {
                case .success(let check):
                    if !check.keyType.isEmpty { state.keyTypes.insert(check.keyType) }
                    if !check.accepted, service.loadsCertificateFirst {
                        // Loaded before the level rose: the daemon starts; TLS 1.2 handshakes check the chain
                        // against the level (tls1_check_chain) and fail, TLS 1.3 ones do not (measured live).
                        let why =
                            "the certificate \(file.display) fails the security level the cipher string sets "
                            + "(\(check.keyType) \(check.keyBits) bits: " + (check.refusal ?? "refused")
                            + "); loaded before it, so only TLS 1.2 handshakes fail"
                        state.legacyCertificateFailure = why
                        let place = setting.line.map { "line \($0): " } ?? ""
                        output.diagnostics.append(
                            Diagnostic(
                                path: setting.path, reason: .malformed,
                                detail: "\(place)\(setting.directive) \(setting.value): \(why)"))
                    } else if !check.accepted {
                        refuse(
                            "OpenSSL refuses the certificate \(file.display) (\(check.keyType) \(check.keyBits) bits): "
                                + (check.refusal ?? "refused"), at: setting, &state, &output)
                    }
                case .failure:
                    continue
                }
            }
        }
        if state.keyTypes.isEmpty {
            state.keyTypes = ["RSA"]
            state.keysAssumed = true
        }
    }

    /// The DER of the first certificate of a PEM or DER file; nil when there is none.
    ///
    /// The markers are found in bytes (a CA bundle can be 200 KiB); only the body between them is decoded, with the
    /// white space OpenSSL skips (`PEM.decodeBase64`).
    static func firstCertificate(_ bytes: [UInt8]) -> [UInt8]? {
        if bytes.first == 0x30 { return bytes }
        let begin = Array("-----BEGIN CERTIFICATE-----".utf8)
        let end = Array("-----END CERTIFICATE-----".utf8)
        guard let start = ByteSearch.firstIndex(of: begin, in: bytes),
            let length = ByteSearch.firstIndex(of: end, in: bytes[(start + begin.count)...])
        else { return nil }
        return PEM.decodeBase64(Array(bytes[(start + begin.count)..<(start + begin.count + length)]))
    }

    /// What the server has that decides which of OpenSSL's usable suites it can negotiate.
    private func assets(
        _ service: TLSService, groups: GroupList.Resolution, level: Int, _ state: State
    ) -> TLSSuiteUsability.Assets {
        let ecdhe =
            groups.rejection == nil
            && groups.groups.contains { group in
                group.offered && Self.isEllipticCurve(group.name)
                    && (Self.groupSecurityBits[group.name.lowercased()] ?? 128)
                        >= TLSSuiteUsability.minimumBits(
                            level: level)
            }
        return TLSSuiteUsability.Assets(
            keyTypes: state.keyTypes, assumed: state.keysAssumed,
            dhParameters: service.dhParameters != nil || service.automaticDHParameters, ecdheGroup: ecdhe)
    }

    // MARK: - Groups

    private func groupSetting(_ service: TLSService, _ skipped: SkippedSystemLines) -> TLSSetting {
        service.groups ?? (skipped.skips(.groups) ? nil : system.groups)
            ?? librarySetting(service, "Groups", TLSDefaults.groupList(for: openssl.version))
    }

    private func resolveGroups(_ service: TLSService, _ skipped: SkippedSystemLines) -> GroupList.Resolution {
        GroupList(groupSetting(service, skipped).value).resolve(
            for: openssl.version, catalog: catalog, skippingUnknown: service.skipsUnknownGroups)
    }

    /// Security strength OpenSSL gives each group (providers/common/capabilities.c `TLS_GROUP_ENTRY`
    /// secbits; FFDHE per RFC 7919 §A); the level's minimum filters groups as it filters suites.
    static let groupSecurityBits: [String: Int] = [
        "secp256r1": 128, "prime256v1": 128, "p-256": 128, "secp384r1": 192, "p-384": 192, "secp521r1": 256,
        "p-521": 256, "x25519": 128, "x448": 224, "brainpoolp256r1": 128, "brainpoolp384r1": 192,
        "brainpoolp512r1": 256, "ffdhe2048": 112, "ffdhe3072": 128, "ffdhe4096": 128, "ffdhe6144": 128,
        "ffdhe8192": 192, "secp224r1": 112, "p-224": 112, "secp192r1": 80, "prime192v1": 80, "secp256k1": 128,
    ]

    static func isEllipticCurve(_ name: String) -> Bool {
        let lowered = name.lowercased()
        return !lowered.hasPrefix("ffdhe") && !lowered.contains("mlkem") && !lowered.contains("kyber")
    }

    private func groups(
        _ service: TLSService, _ resolution: GroupList.Resolution, _ skipped: SkippedSystemLines,
        _ state: inout State, _ output: inout ScanOutput
    ) {
        let setting = groupSetting(service, skipped)
        let level = state.level ?? state.defaultLevel
        let tls13InForce = state.suitesInForce.contains(where: \.isTLS13)
        let isECDHE = { (suite: TLSCipherSuite) in !suite.isTLS13 && suite.keyExchange.uppercased() == "KX=ECDH" }
        let ecdheUse = Self.use(state, by: isECDHE)
        let ecdheInForce = ecdheUse == .inForce
        let ecdheUnknown = ecdheUse == .notKnown
        let legacyInForce = state.effectiveSuites.contains { !$0.isTLS13 }
        var offersPQ = false
        for group in resolution.groups {
            var effective = group.offered
            var notes: [String?] = [group.note]
            let isKEM = group.entry?.primitive == .kem || group.name.lowercased().contains("mlkem")
            if effective, let bits = Self.groupSecurityBits[group.name.lowercased()],
                bits < TLSSuiteUsability.minimumBits(level: level)
            {
                effective = false
                notes.append("\(bits)-bit group: below security level \(level)")
            }
            if effective, !tls13InForce {
                if isKEM {
                    effective = false
                    notes.append(
                        legacyInForce
                            ? "needs TLS 1.3; this service is limited to TLS 1.2 or lower, so it is not in force"
                            : "needs TLS 1.3, which this service does not enable")
                } else if !Self.isEllipticCurve(group.name) {
                    effective = false
                    notes.append("FFDHE groups are negotiated only in TLS 1.3; TLS 1.2 DHE uses the DH parameters")
                } else if ecdheUnknown {
                    effective = false
                    notes.insert(Self.onlyUnknownSuites, at: 0)
                } else if !ecdheInForce {
                    effective = false
                    notes.append("no ECDHE suite and no TLS 1.3 in force: the group is never used")
                }
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
        // A bad system_default line is skipped by SSL_CTX_new (ssl/ssl_mcnf.c; the error is not fatal), so only a
        // list the daemon itself hands to OpenSSL stops it.
        if setting.layer == .system || setting.layer == .library {
            // not the daemon's own list
        } else if let rejection = resolution.rejection {
            refuse("OpenSSL rejects the group list (\(rejection))", at: setting, &state, &output)
        } else if !resolution.groups.isEmpty, !resolution.groups.contains(where: \.offered) {
            refuse("no group of this list is known to \(openssl.phrase)", at: setting, &state, &output)
        }
        if setting.layer != .library, !offersPQ, openssl.version >= TLSDefaults.hybridDefaultSince, tls13InForce {
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
        if let setting = service.signatureAlgorithms ?? system.signatureAlgorithms {
            signatureList(setting, service, note: nil, &output)
        }
        if let setting = service.clientSignatureAlgorithms ?? system.clientSignatureAlgorithms {
            signatureList(
                setting, service, note: "accepted in client certificates (ClientSignatureAlgorithms)", &output)
        }
    }

    private func signatureList(_ setting: TLSSetting, _ service: TLSService, note: String?, _ output: inout ScanOutput)
    {
        let names = setting.value.split(whereSeparator: { $0 == ":" || $0 == "," || $0 == " " }).map(String.init)
        // ML-DSA signature schemes arrive in OpenSSL 3.5 (standards.md §4.3); an older library rejects the list.
        let unknown = names.first { $0.lowercased().hasPrefix("mldsa") && openssl.version < OpenSSLVersion(3, 5) }
        for name in names {
            var notes: [String?] = [note]
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

    private func linkFiles(_ service: TLSService, _ state: State, _ output: inout ScanOutput) {
        for setting in service.certificates {
            link(setting, service, &output, wanted: ["subjectPublicKey", "signatureAlgorithm"]) { input in
                CertificateScanner(catalog: catalog).scan(input)
            }
        }
        for setting in service.keys {
            link(setting, service, &output, wanted: ["privateKey"]) { KeyScanner(catalog: catalog).scan($0) }
        }
        if let setting = service.dhParameters {
            let before = output.findings.count
            link(setting, service, &output, wanted: nil) { DHParametersScanner(catalog: catalog).scan($0) }
            // DH parameters serve only TLS <= 1.2 DHE suites; TLS 1.3 takes FFDHE from the group list (RFC 8446
            // §4.2.7), so a service with no DHE suite in force never uses them.
            let isDHE = { (suite: TLSCipherSuite) in !suite.isTLS13 && suite.keyExchange.uppercased() == "KX=DH" }
            let dheUse = Self.use(state, by: isDHE)
            if dheUse == .notKnown {
                output.markNotInForce(Self.onlyUnknownSuites, from: before)
            } else if dheUse == .notInForce {
                let why =
                    state.effectiveSuites.allSatisfy(\.isTLS13)
                    ? "not used: TLS 1.3 never uses DH parameters and this service offers only TLS 1.3"
                    : "not used: no DHE suite is in force"
                output.markNotInForce(why, from: before)
            }
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
        if case .success(let bytes) = tree.read(target) {
            restate(
                scan(ScanInput(path: target, bytes: bytes)), from: target, setting, service, &output, wanted: wanted)
            return
        }
        // HAProxy `crt` may name a directory of PEM files.
        let targets = tree.files(matching: target.display + "/*").prefix(16)
        guard !targets.isEmpty else {
            output.diagnostics.append(
                Diagnostic(
                    path: setting.path, reason: .unreadable,
                    detail: "\(where_)\(setting.directive) \(setting.value): "
                        + (ConfigText.lostBytes(setting.value)
                            ? ConfigText.lostBytesReason
                            : "not a file in the scanned tree")))
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
        // The assets travel with the findings that name them, as a finding may only name a recorded asset: a file
        // outside the scan root (read for linking only) is recorded by no walk; one inside it is recorded in
        // whichever batch holds it, which may come after this one (a tree of many hosts, issue 20).
        let named = Set(output.findings.compactMap(\.asset))
        let carried = scanned.assets.filter { named.contains($0.id) }
        if tree?.isOutsideRoot(target) == true {
            output.assets += carried.filter { !output.assets.contains($0) }
        } else {
            output.linkedAssets += carried.filter { !output.linkedAssets.contains($0) }
        }
        if scanned.findings.isEmpty {
            output.diagnostics.append(
                Diagnostic(
                    path: setting.path, reason: .malformed,
                    detail: "\(where_)\(setting.directive) \(setting.value): nothing readable in \(target.display)"))
        }
    }
}
