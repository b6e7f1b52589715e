import PQCatalog
import PQModel

/// Reads Postfix's `main.cf` and `master.cf` (postconf(5), master(5)).
///
/// For the SMTP server (`smtpd_tls_*`) and client (`smtp_tls_*`) it reports the TLS protocol versions and the
/// cipher string in force: the opportunistic settings at security level `may`, the mandatory ones at `encrypt`
/// and above, each grade resolved through `tls_<grade>_cipherlist` with the `*_exclude_ciphers` appended as
/// `!name`, as Postfix does; plus `tls_eecdh_auto_curves`, `tls_ffdhe_auto_groups`, the DH parameter file and
/// the certificates the cert and chain files hold. Unset parameters take the built-in values of the Postfix
/// release the tree's packages name, else of the newest (`PostfixDefaults`; origin `default`). With TLS off (empty
/// or `none` security level) the settings are reported as not in force.
/// In `master.cf`, a service whose `-o` overrides change any of this gets the changed findings with the
/// service (`submission inet`) as context; `main.cf` next to it supplies the other parameters.
public struct PostfixScanner: FileScanner {
    public let id = "postfix"
    public let sources: [FindingSource] = [.postfix]
    /// A configuration may set nothing cryptographic; its own parse failures are reported by the scan.
    public let nothingFoundIsMalformed = false
    let catalog: Catalog

    /// - Parameter catalog: where names and statuses come from; tests pass a small one.
    public init(catalog: Catalog = .shared) {
        self.catalog = catalog
    }

    public func claim(path: ScanPath, head: ArraySlice<UInt8>) -> Claim {
        guard ByteSearch.isText(head) else { return .none }
        let name = String(decoding: path.lastComponent, as: UTF8.self)
        return name == "main.cf" || name == "master.cf" ? .name : .none
    }

    public func scan(_ input: ScanInput) -> ScanOutput {
        var out = ConfigFindings(path: input.path, source: .postfix, catalog: catalog)
        guard input.looksLikeText else {
            out.problem("binary content in a Postfix configuration", line: nil)
            return out.finish()
        }
        out.service(input.path.display, protocol: "TLS")
        let name = String(decoding: input.path.lastComponent, as: UTF8.self)
        if name == "master.cf" {
            scanMaster(input, &out)
        } else {
            var parameters = Self.parameters(input)
            parameters.readMain(input.bytes, path: input.path, &out)
            emitAll(parameters, context: nil, input: input, &out)
            if let note = noServiceTakesMainSettings(input) {
                out.output.markNotInForce(note) { $0.context == "smtpd" }
            }
        }
        if out.output.findings.isEmpty, out.output.diagnostics.isEmpty, name == "master.cf" {
            // A master.cf without TLS overrides is fine: nothing to report, and no reason for a diagnostic.
            return out.finish()
        }
        return out.finish()
    }

    /// Why main.cf's SMTP server settings are in force for no service: the `master.cf` beside it runs no `smtpd`
    /// (a send-only host), or gives each its own TLS settings with `-o`, so each is reported by master.cf. nil when a
    /// service takes them, or when master.cf is not in the tree: what runs is then not known from it.
    func noServiceTakesMainSettings(_ input: ScanInput) -> String? {
        guard let tree = input.context.tree else { return nil }
        let directory = ConfigText.directory(of: input.path)
        let path = ScanPath(directory.isEmpty ? "master.cf" : directory + "/master.cf")
        guard let bytes = ConfigLines.read(path, tree: tree) else { return nil }
        var ignored = ConfigFindings(path: path, source: .postfix, catalog: catalog)
        let servers = services(bytes, &ignored).filter { $0.command == "smtpd" }
        // The same test as scanMaster's: a service without TLS overrides is main.cf's endpoint.
        guard !servers.contains(where: { !$0.overrides.contains { $0.name.contains("tls") } }) else { return nil }
        return servers.isEmpty
            ? "not in force: \(path.display) runs no smtpd service"
            : "not in force: every smtpd service of \(path.display) sets TLS settings of its own (-o), reported there"
    }

    /// No parameter set yet, with the built-in values of the Postfix the tree's packages name (else
    /// `PostfixDefaults.assumed`), built with the OpenSSL in force.
    static func parameters(_ input: ScanInput) -> PostfixParameters {
        PostfixParameters(
            release: PostfixDefaults.installed(input.context.software) ?? PostfixDefaults.assumed,
            openssl: OpenSSLInForce.resolve(software: input.context.software, option: input.options.opensslVersion)
                .version)
    }

    // MARK: - Findings for one parameter set

    func emitAll(
        _ parameters: PostfixParameters, context: String?, input: ScanInput, _ out: inout ConfigFindings
    ) {
        let shared = SharedTLS(input: input, catalog: catalog)
        let tls = TLSSettingsEmitter(catalog: catalog, tree: input.context.tree)
        for role in ["smtpd", "smtp"] {
            guard !refusesToStart(role, parameters, context: context, &out) else { continue }
            emitRole(role, parameters, context: context, shared: shared, tls: tls, &out)
        }
    }

    /// The parameters a daemon evaluates for its TLS settings when it starts (postconf(5)); `emitRole` reads no
    /// other.
    static func parametersRead(by role: String) -> [String] {
        var names = ["security_level", "enforce_tls", "use_tls"].map { "\(role)_\($0)" }
        names += ["protocols", "mandatory_protocols", "ciphers", "mandatory_ciphers", "exclude_ciphers"]
            .map { "\(role)_tls_\($0)" }
        names += ["mandatory_exclude_ciphers", "cert_file", "eccert_file", "dcert_file", "chain_files", "key_file"]
            .map { "\(role)_tls_\($0)" }
        names += ["eckey_file", "dkey_file"].map { "\(role)_tls_\($0)" }
        names += ["high", "medium", "low", "export", "null"].map { "tls_\($0)_cipherlist" }
        names += ["tls_eecdh_auto_curves", "tls_ffdhe_auto_groups"]
        if role == "smtpd" { names += ["smtpd_tls_dh1024_param_file", "smtpd_tls_req_ccert", "smtpd_tls_ask_ccert"] }
        return names
    }

    /// True, with a problem reported, when a parameter the daemon evaluates loops or cannot be evaluated: Postfix
    /// then stops at start ("fatal: macro processing error"), so none of that endpoint's settings is in force and
    /// nothing is reported for it.
    func refusesToStart(
        _ role: String, _ parameters: PostfixParameters, context: String?, _ out: inout ConfigFindings
    ) -> Bool {
        for name in Self.parametersRead(by: role) {
            do throws(PostfixParameters.ExpansionFailure) {
                _ = try parameters.evaluate(name)
            } catch {
                let endpoint = role == "smtpd" ? "the SMTP server (smtpd)" : "the SMTP client (smtp)"
                let value = parameters.values[name]
                out.problem(
                    "\(context.map { "service \($0): " } ?? "")\(name): \(error.reason); \(endpoint) does not start, "
                        + "so none of its TLS settings is reported", line: value?.line, file: value?.path)
                return true
            }
        }
        return false
    }

    /// The security level in force for a role, from `*_tls_security_level` or the legacy `*_use_tls`/`*_enforce_tls`.
    func level(_ role: String, _ parameters: PostfixParameters) -> String {
        let level = parameters.expanded("\(role)_tls_security_level").lowercased()
        if !level.isEmpty { return level }
        if parameters.expanded("\(role)_enforce_tls").lowercased() == "yes" { return "encrypt" }
        if parameters.expanded("\(role)_use_tls").lowercased() == "yes" { return "may" }
        return "none"
    }

    /// One TLS endpoint (the SMTP server or client) through the shared TLS code.
    func emitRole(
        _ role: String, _ parameters: PostfixParameters, context: String?, shared: SharedTLS,
        tls: TLSSettingsEmitter, _ out: inout ConfigFindings
    ) {
        let level = level(role, parameters)
        let on = level != "none"
        let mandatory = ["encrypt", "verify", "secure", "fingerprint", "dane-only"].contains(level)
        let offNote = "TLS is off for \(role) (\(role)_tls_security_level is empty or none)"
        var service = TLSService(
            source: .postfix, name: context ?? role, path: out.path, line: nil,
            role: role == "smtpd" ? .server : .client)
        service.filePrefix = ConfigText.directory(of: out.path)
        // Postfix drops group names OpenSSL does not know (tls_dh.c `setup_auto_groups`; postconf(5)
        // tls_eecdh_auto_curves) and always has DH parameters (its built-in group, or OpenSSL's automatic ones).
        service.skipsUnknownGroups = true
        service.automaticDHParameters = true
        service.failure = "TLS is off for \(role): Postfix disables TLS support when it cannot set it up"
        let requiresClientCertificate =
            role == "smtpd" && level == "encrypt" && parameters.expanded("smtpd_tls_req_ccert").lowercased() == "yes"
        let verifiesServer = role == "smtp" && ["fingerprint", "dane-only", "verify", "secure"].contains(level)
        if parameters.release >= PostfixDefaults.securityLevelZeroSince {
            // Level 0 for opportunistic TLS, 1 on a connection that authenticates its peer (PostfixDefaults).
            let authenticates = requiresClientCertificate || verifiesServer
            service.securityLevel = DaemonSecurityLevel(level: authenticates ? 1 : 0, perConnection: authenticates)
        }
        func setting(_ directive: String, _ value: String, from name: String) -> TLSSetting {
            SharedTLS.setting(
                directive, value, at: parameters.place(name, context: nil, effective: on), mainPath: out.path)
        }

        let protocolName = mandatory ? "\(role)_tls_mandatory_protocols" : "\(role)_tls_protocols"
        let protocolValue = parameters.expanded(protocolName)
        service.protocols = TLSProtocolChoice(
            versions: protocols(protocolValue, tls: tls),
            setting: setting(protocolName, protocolValue, from: protocolName),
            overridesSystem: true)

        // The grade picks tls_<grade>_cipherlist; *_exclude_ciphers are appended as !name (postconf(5)).
        let gradeName = mandatory ? "\(role)_tls_mandatory_ciphers" : "\(role)_tls_ciphers"
        var grade = parameters.expanded(gradeName).lowercased()
        // Since 3.8 `low` and `export` mean `medium`, and their lists are ignored (postconf(5)).
        let release = parameters.release
        if release >= PostfixDefaults.excludingCipherListsSince, grade == "low" || grade == "export" {
            grade = "medium"
        }
        let gradeList = parameters.expanded("tls_\(grade)_cipherlist")
        var cipherString = gradeList
        var excludes = parameters.expanded("\(role)_tls_exclude_ciphers")
        if mandatory { excludes += " " + parameters.expanded("\(role)_tls_mandatory_exclude_ciphers") }
        // What Postfix excludes itself: anonymous suites where a certificate is asked for or verified, NULL
        // encryption for the client at `encrypt` (smtpd.c `ask_client_cert`, smtp_tls_policy.c `also_exclude`).
        if role == "smtpd",
            parameters.expanded("smtpd_tls_ask_ccert").lowercased() == "yes" || requiresClientCertificate
        {
            excludes += " aNULL"
        } else if role == "smtp", level == "encrypt" {
            excludes += " eNULL"
        } else if verifiesServer {
            excludes += " aNULL"
        }
        for name in excludes.split(whereSeparator: { ", :\t".contains($0) }) where !name.isEmpty {
            cipherString += ":!" + name
        }
        if gradeList.isEmpty {
            out.problem(
                "\(gradeName) = \(grade.prefix(40)) is not a known grade",
                line: parameters.place(gradeName, context: nil, effective: true).line)
        } else {
            let decidedBy =
                parameters.isSet(gradeName) || !parameters.isSet("tls_\(grade)_cipherlist")
                ? gradeName : "tls_\(grade)_cipherlist"
            service.cipherString = setting(gradeName, cipherString, from: decidedBy)
        }

        // Postfix hands tls_eecdh_auto_curves and then tls_ffdhe_auto_groups to OpenSSL as one group list; before
        // 3.8 there is no tls_ffdhe_auto_groups (postconf: "unknown parameter"), and a setting of it does nothing.
        let knowsFFDHE = release >= PostfixDefaults.ffdheGroupsSince
        let curvesSet =
            parameters.isSet("tls_eecdh_auto_curves") || (knowsFFDHE && parameters.isSet("tls_ffdhe_auto_groups"))
        let curves = parameters.expanded("tls_eecdh_auto_curves")
        let ffdhe = knowsFFDHE ? parameters.expanded("tls_ffdhe_auto_groups") : ""
        let groups = (curves + " " + ffdhe).split(whereSeparator: { " ,:\t".contains($0) }).joined(separator: ":")
        if !groups.isEmpty {
            let decidedBy =
                parameters.isSet("tls_eecdh_auto_curves") || !curvesSet
                ? "tls_eecdh_auto_curves" : "tls_ffdhe_auto_groups"
            service.groups = setting("tls_eecdh_auto_curves", groups, from: decidedBy)
        }

        for suffix in ["cert_file", "eccert_file", "dcert_file", "chain_files"] {
            let name = "\(role)_tls_\(suffix)"
            guard parameters.isSet(name) else { continue }
            for file in parameters.expanded(name).split(whereSeparator: { ", \t".contains($0) }) where !file.isEmpty {
                // *_chain_files list keys and certificates, in any mix, one file or several (postconf(5)).
                let kind =
                    suffix == "chain_files"
                    ? Self.pemKind(String(file), prefix: service.filePrefix, config: out.path, tree: tls.tree)
                    : .certificate
                if kind != .key { service.certificates.append(setting(name, String(file), from: name)) }
                if kind != .certificate { service.keys.append(setting(name, String(file), from: name)) }
            }
        }
        for suffix in ["key_file", "eckey_file", "dkey_file"] {
            let name = "\(role)_tls_\(suffix)"
            guard parameters.isSet(name) else { continue }
            let file = parameters.expanded(name)
            if !file.isEmpty { service.keys.append(setting(name, file, from: name)) }
        }
        let ownFindings = out.output.findings.count
        if role == "smtpd" {
            let file = parameters.expanded("smtpd_tls_dh1024_param_file")
            if file.isEmpty {
                tls.dhParameters(
                    bits: 2048, setting: "smtpd_tls_dh1024_param_file",
                    place: parameters.place("smtpd_tls_dh1024_param_file", context: context ?? role, effective: on),
                    note: [on ? nil : offNote, "Postfix's built-in 2048-bit group (used by DHE suites)"].compactMap {
                        $0
                    }
                    .joined(separator: "; "), &out)
            } else {
                service.dhParameters = setting("smtpd_tls_dh1024_param_file", file, from: "smtpd_tls_dh1024_param_file")
            }
        }
        let dhFindings = ownFindings..<out.output.findings.count
        // The built-in group goes with the rest when Postfix cannot set TLS up, or when that is not known.
        if let failure = shared.emit(service, inForce: on, offNote: offNote, into: &out), on {
            out.output.markNotInForce(failure, in: dhFindings)
        }
    }

    enum PEMKind { case certificate, key, both }

    /// What a chain file holds, read through the tree at the path the TLS emitter then links (under the root's
    /// label in a scan of several roots, `1-host/etc/...`); a file the tree lacks counts as a certificate (the
    /// shared code then says it is missing).
    static func pemKind(_ written: String, prefix: String, config: ScanPath, tree: (any TreeReader)?) -> PEMKind {
        guard let tree else { return .certificate }
        let target = ScanPath(
            ConfigText.rootPattern(written, prefix: prefix, label: ConfigText.rootLabel(of: config)))
        guard case .success(let bytes) = tree.read(target) else { return .certificate }
        let hasCertificate = ByteSearch.contains(bytes, Array("-----BEGIN CERTIFICATE".utf8))
        let hasKey = ByteSearch.contains(bytes, Array("PRIVATE KEY-----".utf8))
        switch (hasCertificate, hasKey) {
        case (true, true): return .both
        case (false, true): return .key
        default: return .certificate
        }
    }

    /// Enabled versions for a Postfix protocol list: `>=TLSv1.2`, `<=TLSv1.2`, `!SSLv2, !SSLv3`, `TLSv1.2 TLSv1.3`.
    func protocols(_ text: String, tls: TLSSettingsEmitter) -> [String] {
        var included: [String] = []
        var excluded: Set<String> = []
        var low: String?
        var high: String?
        for token in text.split(whereSeparator: { ", :\t".contains($0) }) {
            if token.hasPrefix(">=") {
                low = tls.version(String(token.dropFirst(2)))
            } else if token.hasPrefix("<=") {
                high = tls.version(String(token.dropFirst(2)))
            } else if token.hasPrefix("!") {
                if let version = tls.version(String(token.dropFirst())) { excluded.insert(version) }
            } else if let version = tls.version(String(token)) {
                included.append(version)
            }
        }
        // SSLv2 is gone from every OpenSSL Postfix builds with; SSLv3 is absent from OpenSSL 1.1+ defaults.
        // SSLv2 and SSLv3 are compiled out of the OpenSSL builds Postfix runs on (1.1.0+); they count only when
        // a list names them.
        let enabled = included.isEmpty ? tls.range(min: low ?? "TLSv1", max: high) : included
        return enabled.filter { !excluded.contains($0) }
    }

    // MARK: - master.cf

    struct Service {
        var name: String
        var line: Int
        var command: String
        var overrides: [(name: String, value: String, line: Int)]
    }

    func scanMaster(_ input: ScanInput, _ out: inout ConfigFindings) {
        var main = Self.parameters(input)
        if let tree = input.context.tree {
            let sibling = ConfigText.directory(of: input.path)
            let path = ScanPath(sibling.isEmpty ? "main.cf" : sibling + "/main.cf")
            if let bytes = ConfigLines.read(path, tree: tree) {
                var ignored = ConfigFindings(path: path, source: .postfix, catalog: catalog)
                main.readMain(bytes, path: path, &ignored)
            }
        }
        let shared = SharedTLS(input: input, catalog: catalog)
        let tls = TLSSettingsEmitter(catalog: catalog, tree: input.context.tree)
        for service in services(input.bytes, &out) {
            let role: String
            switch service.command {
            case "smtpd": role = "smtpd"
            case "smtp", "lmtp": role = "smtp"
            default: continue
            }
            // A service without TLS overrides is the main.cf endpoint that main.cf's own scan reports.
            guard service.overrides.contains(where: { $0.name.contains("tls") }) else { continue }
            var parameters = main
            for override in service.overrides {
                parameters.set(override.name, override.value, path: input.path, line: override.line)
            }
            guard !refusesToStart(role, parameters, context: service.name, &out) else { continue }
            var scoped = ConfigFindings(path: input.path, source: .postfix, catalog: catalog)
            emitRole(role, parameters, context: service.name, shared: shared, tls: tls, &scoped)
            for var finding in scoped.output.findings {
                // A value main.cf supplies is reported at the service that uses it: each file reports its own.
                if finding.path != input.path {
                    let origin = finding.line.map { "value from \(finding.path.display) line \($0)" }
                    finding.note = [origin, finding.note].compactMap { $0 }.joined(separator: "; ")
                    finding.path = input.path
                    finding.line = service.line
                }
                out.output.findings.append(finding)
            }
            out.output.assets += scoped.output.assets.filter { asset in
                !out.output.assets.contains { $0.id == asset.id }
            }
            out.output.linkedAssets += scoped.output.linkedAssets.filter { !out.output.linkedAssets.contains($0) }
            for diagnostic in scoped.output.diagnostics where !out.output.diagnostics.contains(diagnostic) {
                out.output.diagnostics.append(diagnostic)
            }
        }
    }

    /// master.cf services: `service type private unpriv chroot wakeup maxproc command [args]`, with `-o name=value`
    /// (or `-o { name = value }`, Postfix 3.0+) overrides.
    func services(_ bytes: [UInt8], _ out: inout ConfigFindings) -> [Service] {
        var result: [Service] = []
        for (line, text, parts) in PostfixParameters.logicalLinesWithParts(bytes) {
            let words = Self.words(text)
            guard words.count >= 8 else {
                out.problem("a service needs 8 fields", line: line)
                continue
            }
            var overrides: [(String, String, Int)] = []
            var index = 8
            while index < words.count {
                if words[index] == "-o", index + 1 < words.count {
                    var assignment = words[index + 1]
                    if assignment.hasPrefix("{"), assignment.hasSuffix("}") {
                        assignment = String(assignment.dropFirst().dropLast())
                    }
                    if let equals = assignment.firstIndex(of: "=") {
                        let name = assignment[assignment.startIndex..<equals].trimmingWhitespace()
                        let value = assignment[assignment.index(after: equals)...].trimmingWhitespace()
                        let physical = parts.last { $0.text.contains(name) }?.line ?? line
                        overrides.append((name, value, physical))
                    } else {
                        out.problem("-o without name=value", line: line)
                    }
                    index += 2
                } else {
                    index += 1
                }
            }
            let command = words[7].split(separator: "/").last.map(String.init) ?? words[7]
            result.append(Service(name: words[0] + " " + words[1], line: line, command: command, overrides: overrides))
        }
        return result
    }

    /// Splits on white space, keeping `{ ... }` groups (master(5), Postfix 3.0) as one word.
    static func words(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        var depth = 0
        for character in text {
            if character == "{" { depth += 1 }
            if character == "}" { depth = max(0, depth - 1) }
            if depth == 0, character == " " || character == "\t" {
                if !current.isEmpty { words.append(current) }
                current = ""
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    public var examples: [ScannerExample] {
        [
            ScannerExample(
                name: "main.cf with a continuation line and $name expansion", path: "etc/postfix/main.cf",
                contents: Array(
                    """
                    smtpd_tls_security_level = may
                    my_curves = X25519MLKEM768
                        X25519
                    tls_eecdh_auto_curves = $my_curves prime256v1
                    smtpd_tls_protocols = >=TLSv1.2

                    """.utf8),
                expectedAlgorithms: ["X25519MLKEM768", "X25519", "prime256v1", "TLSv1.2", "TLSv1.3"]),
            ScannerExample(
                name: "a line without =", path: "etc/postfix/main.cf",
                contents: Array("smtpd_tls_security_level may\n".utf8), expectedAlgorithms: ["TLSv1"],
                expectsDiagnostic: true),
        ]
    }
}
