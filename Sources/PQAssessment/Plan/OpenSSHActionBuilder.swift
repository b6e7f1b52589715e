import Foundation
import PQModel

/// OpenSSH actions (sshd_config and ssh_config; `sshd_config(5)`, `ssh_config(5)`):
///
/// - key exchange: `KexAlgorithms` with the hybrid post-quantum methods the installed version accepts first
///   (`mlkem768x25519-sha256` needs OpenSSH 9.9, `sntrup761x25519-sha512@openssh.com` 8.5; release notes of
///   OpenSSH 8.5 and 9.9) and one classical fallback kept (`curve25519-sha256`, RFC 8731) unless the profile
///   already disallows it. A name the installed version does not know is never written: sshd refuses to start on
///   it ("Bad SSH2 KexAlgorithms").
/// - classically broken: `ssh-rsa` (RSA/SHA-1, OpenSSH 8.8 release notes), SHA-1 and other broken names removed
///   from `HostKeyAlgorithms`, `PubkeyAcceptedAlgorithms`, `CASignatureAlgorithms`, `Ciphers`, `MACs`.
///
/// OpenSSH uses the first value it reads for a setting, so an unset `KexAlgorithms` gets a line at the top of
/// sshd_config (before any `Include` or `Match`) or in ssh_config's `Host *` block.
public struct OpenSSHActionBuilder: PlanActionBuilder {
    public var family: String { "openssh" }

    public init() {}

    /// Hybrid methods, best first, with the first OpenSSH release that accepts each.
    static let hybrids: [(name: String, since: SoftwareVersion)] = [
        ("mlkem768x25519-sha256", SoftwareVersion([9, 9])),
        ("sntrup761x25519-sha512@openssh.com", SoftwareVersion([8, 5])),
    ]
    static let preferredFallback = "curve25519-sha256"
    static let listSettings: Set<String> = [
        "hostkeyalgorithms", "pubkeyacceptedalgorithms", "pubkeyacceptedkeytypes", "casignaturealgorithms",
        "hostbasedacceptedalgorithms", "hostbasedkeytypes", "ciphers", "macs",
    ]

    public func actions(_ context: PlanContext) -> [PlanAction] {
        let indexes = context.findings.indices.filter { context.findings[$0].source == .openssh }
        guard !indexes.isEmpty else { return [] }
        var actions: [PlanAction] = []
        var upgradeNeeded: [String: PlanAction] = [:]
        // Key exchange, per configuration (the main file with its includes) and block.
        let kex = indexes.filter { context.findings[$0].setting.lowercased() == "kexalgorithms" }
        var units: [String: [Int]] = [:]
        var unitOrder: [String] = []
        for index in kex {
            let key = Self.unitKey(context.findings[index])
            if units[key] == nil { unitOrder.append(key) }
            units[key, default: []].append(index)
        }
        for key in unitOrder {
            guard let members = units[key],
                let action = keyExchangeAction(members, context: context, upgrade: &upgradeNeeded)
            else { continue }
            actions.append(action)
        }
        // Broken names in the other algorithm lists, per line.
        var lines: [String: [Int]] = [:]
        var lineOrder: [String] = []
        for index in indexes {
            let finding = context.findings[index]
            guard Self.listSettings.contains(finding.setting.lowercased()), finding.line != nil,
                finding.origin == .file, finding.effective, finding.quantumStatus == .broken,
                context.needsAction(index)
            else { continue }
            let key = "\(finding.path.display):\(finding.line ?? 0)"
            if lines[key] == nil { lineOrder.append(key) }
            lines[key, default: []].append(index)
        }
        for key in lineOrder {
            guard let members = lines[key], let action = removeBrokenAction(members, context: context) else { continue }
            actions.append(action)
        }
        // Signatures: OpenSSH has no post-quantum signature algorithm yet; one tracking action per configuration.
        var signatureUnits: [String: [Int]] = [:]
        for index in indexes where handles(context.findings[index]) && !kex.contains(index) {
            let finding = context.findings[index]
            guard context.needsAction(index), finding.quantumStatus != .broken else { continue }
            signatureUnits[Self.mainFile(finding.path), default: []].append(index)
        }
        for main in signatureUnits.keys.sorted() {
            guard let members = signatureUnits[main] else { continue }
            actions.append(signatureAction(main: main, members: members, context: context))
        }
        // An OpenSSH older than the best hybrid's release stays a prerequisite while any configuration uses it.
        let best = Self.hybrids[0]
        for server in [true, false]
        where indexes.contains(where: { Self.isServer(context.findings[$0].path) == server }) {
            let id = "upgrade:openssh:\(server ? "server" : "client")"
            let packages = server ? ["openssh-server", "openssh"] : ["openssh-client", "openssh-clients", "openssh"]
            guard upgradeNeeded[id] == nil,
                let installed = context.installedVersion(family: "openssh", packages: packages),
                installed.version < best.since
            else { continue }
            upgradeNeeded[id] = upgradeAction(
                id: id, name: best.name, since: best.since, installed: installed.text, server: server,
                context: context)
        }
        return upgradeNeeded.keys.sorted().compactMap { upgradeNeeded[$0] } + actions
    }

    /// Every OpenSSH key-exchange and algorithm-list finding, and host keys: the generic builder leaves them alone.
    public func handles(_ finding: Finding) -> Bool {
        guard finding.source == .openssh else { return false }
        let setting = finding.setting.lowercased()
        return setting == "kexalgorithms" || setting == "hostkey" || Self.listSettings.contains(setting)
    }

    func signatureAction(main: String, members: [Int], context: PlanContext) -> PlanAction {
        let server = Self.isServer(ScanPath(main))
        let deadline = context.earliestDeadline(members)
        var locations: [PlanLocation] = []
        for index in members {
            let finding = context.findings[index]
            let location = PlanLocation(path: finding.path.display, line: finding.line, context: finding.context)
            if !locations.contains(location) { locations.append(location) }
        }
        let settings = Array(Set(members.map { context.findings[$0].setting })).sorted()
        return PlanAction(
            id: "replace-algorithm:openssh:\(main):signatures", kind: .replaceAlgorithm, phase: .signatures,
            title: "Post-quantum \(server ? "host and user" : "client") signatures for \(main): track OpenSSH",
            system: "openssh:\(main)", software: "openssh", locations: locations, retires: members.map(context.ref),
            rule: deadline.rule, ruleSource: deadline.source, deadline: deadline.day, deadlineReason: deadline.reason,
            change: "\(settings.joined(separator: ", ")): keep ssh-ed25519 first; move to a post-quantum or composite "
                + "signature (ML-DSA, draft-sfluhrer-ssh-mldsa) once the installed OpenSSH offers one",
            patchWithheld: "OpenSSH offers no post-quantum signature algorithm yet: nothing to write today",
            verify: [server ? "sshd -T | grep -iE '^(hostkeyalgorithms|pubkeyacceptedalgorithms)'" : "ssh -Q sig"],
            rollback: ["nothing changes until the new algorithm ships"],
            effort: PlanEffort(
                size: .medium, hours: 8,
                reasoning: "new host keys and user keys, known_hosts and authorized_keys updates on every peer; "
                    + "scheduled when OpenSSH ships a post-quantum signature"))
    }

    // MARK: - Key exchange

    func keyExchangeAction(_ members: [Int], context: PlanContext, upgrade: inout [String: PlanAction])
        -> PlanAction?
    {
        guard let firstIndex = members.first else { return nil }
        let first = context.findings[firstIndex]
        let server = Self.isServer(first.path)
        let mainFile = Self.mainFile(first.path)
        let effective = members.filter { context.findings[$0].effective }
        let packages = server ? ["openssh-server", "openssh"] : ["openssh-client", "openssh-clients", "openssh"]
        let installed = context.installedVersion(family: "openssh", packages: packages)
        // Names the installed OpenSSH refuses: the daemon will not start on them, so they go whatever else holds.
        let refused = members.filter { index in
            let finding = context.findings[index]
            guard finding.origin == .file else { return false }
            if let installed, let since = Self.hybrids.first(where: { $0.name == finding.algorithm })?.since {
                return installed.version < since
            }
            return installed == nil && (finding.note ?? "").hasPrefix("not supported by OpenSSH")
        }
        guard effective.contains(where: { context.needsAction($0) }) || !refused.isEmpty else { return nil }
        // The line to edit: the first written line of the block (in scan order), else a new line.
        let written = members.filter { context.findings[$0].origin == .file && context.findings[$0].line != nil }
        let targetIndex = written.first { context.findings[$0].effective } ?? refused.first ?? written.first
        let target = targetIndex.map { context.findings[$0] }
        let currentNames =
            target.map { t in
                members.filter { context.findings[$0].path == t.path && context.findings[$0].line == t.line }
                    .map { context.findings[$0].algorithm }
            } ?? []

        var hybrids: [String] = []
        var withheld: [String] = []
        for hybrid in Self.hybrids {
            let refusedHere = refused.contains { context.findings[$0].algorithm == hybrid.name }
            if let installed {
                if installed.version >= hybrid.since {
                    hybrids.append(hybrid.name)
                } else {
                    withheld.append(hybrid.name)
                }
            } else if hybrid.since <= SoftwareVersion([8, 5]) || (currentNames.contains(hybrid.name) && !refusedHere) {
                // Version unknown: add only what every supported OpenSSH accepts, keep what the author wrote.
                hybrids.append(hybrid.name)
            } else {
                withheld.append(hybrid.name)
            }
        }
        let fallback = fallbackAlgorithm(effective, context: context)
        let newList = hybrids + (fallback.map { [$0] } ?? [])
        let retires =
            effective.filter { context.needsAction($0) && !newList.contains(context.findings[$0].algorithm) }
            + refused.filter { !effective.contains($0) }
        let keeps = effective.filter { newList.contains(context.findings[$0].algorithm) }
            .filter { context.findings[$0].quantumStatus == .vulnerable }
        guard !retires.isEmpty else { return nil }

        let daemon = server ? "sshd" : "ssh"
        let upgradeID = "upgrade:openssh:\(server ? "server" : "client")"
        var prerequisites: [PlanPrerequisite] = []
        for name in withheld {
            guard let since = Self.hybrids.first(where: { $0.name == name })?.since else { continue }
            prerequisites.append(
                PlanPrerequisite(
                    requirement: "OpenSSH >= \(since) for \(name)", installed: installed?.text,
                    satisfied: installed.map { $0.version >= since },
                    note: installed == nil
                        ? "not added: the tree names no OpenSSH version (pqscout plan --openssh-version X.Y)"
                        : "not added: the installed \(daemon) would refuse the name; re-plan after \(upgradeID)"))
            if upgrade[upgradeID] == nil {
                upgrade[upgradeID] = upgradeAction(
                    id: upgradeID, name: name, since: since, installed: installed?.text, server: server,
                    context: context)
            }
        }
        var deadline = context.earliestDeadline(retires)
        if !refused.isEmpty {
            deadline.day = context.asOf
            deadline.reason =
                "the installed \(daemon) refuses \(Set(refused.map { context.findings[$0].algorithm }).sorted().joined(separator: ", ")): the line is dead config, and sshd -t fails on it"
        }
        let contextLabel = first.context
        let locations: [PlanLocation]
        var patch: PlanPatch?
        var patchWithheld: String?
        let value = newList.joined(separator: ",")
        if hybrids.isEmpty {
            patchWithheld =
                "the installed OpenSSH (\(installed?.text ?? "unknown")) accepts no hybrid key exchange; upgrade first"
        }
        if let target, let line = target.line {
            locations = [PlanLocation(path: target.path.display, line: line, context: target.context)]
            if patchWithheld == nil {
                (patch, patchWithheld) = PlanPatcher.replaceValue(
                    path: target.path, line: line, keyword: "KexAlgorithms", value: value, files: context.input.files)
            }
        } else {
            locations = [PlanLocation(path: mainFile, line: nil, context: contextLabel)]
            if patchWithheld == nil {
                (patch, patchWithheld) = PlanPatcher.insertOpenSSH(
                    path: ScanPath(mainFile), server: server, directive: "KexAlgorithms \(value)",
                    files: context.input.files)
            }
        }
        var compatibility = Self.kexCompatibility(
            newList: newList, server: server, self: members, context: context)
        if let target, let line = target.line,
            let written = PlanPatcher.lineText(path: target.path, line: line, files: context.input.files),
            let parsed = ConfigDirectiveLine(written), parsed.value.hasPrefix("+")
        {
            compatibility.append(
                PlanCompatibilityIssue(
                    peer: target.path.display + (target.context.map { " (\($0))" } ?? ""), setting: "KexAlgorithms",
                    peerAlgorithms: parsed.value.dropFirst().split(separator: ",").map(String.init),
                    detail: "the line appends \(parsed.value.dropFirst()) for a peer that may know nothing newer: "
                        + "confirm the peer offers \(newList.joined(separator: " or ")) before applying"))
        }
        let where_ = locations.first?.label ?? mainFile
        return PlanAction(
            id: "key-exchange:openssh:\(mainFile)\(contextLabel.map { "#\($0)" } ?? ""):KexAlgorithms",
            kind: .keyExchange, phase: .keyExchange,
            title: refused.isEmpty || !effective.isEmpty
                ? "Hybrid post-quantum key exchange for \(daemon) (\(where_))"
                : "Make \(where_) acceptable to the installed \(daemon): hybrid key exchange it knows",
            system: AssessedSystems.system(of: target ?? first).id, software: "openssh", locations: locations,
            retires: retires.map(context.ref), keeps: keeps.map(context.ref), rule: deadline.rule,
            ruleSource: deadline.source, deadline: deadline.day, deadlineReason: deadline.reason,
            prerequisites: prerequisites,
            change: "KexAlgorithms \(value)"
                + (fallback == nil ? " (no classical fallback: the profile disallows it)" : ""),
            patch: patch, patchWithheld: patchWithheld,
            verify: server
                ? [
                    "sshd -t -f /\(mainFile)", "sshd -T | grep -i '^kexalgorithms'",
                    "ssh -Q kex | grep -E 'mlkem|sntrup'",
                    "ssh -vv -o KexAlgorithms=\(hybrids.first ?? "sntrup761x25519-sha512@openssh.com") HOST true "
                        + "2>&1 | grep 'kex: algorithm'",
                ]
                : [
                    "ssh -G -F /\(mainFile) \(Self.sampleHost(contextLabel)) | grep -i '^kexalgorithms'",
                    "ssh -vv \(Self.sampleHost(contextLabel)) true 2>&1 | grep 'kex: algorithm'",
                ],
            rollback: [
                "patch -R -p1 < this action's patch (from the scan root)",
                server ? "sshd -t && systemctl reload ssh (existing sessions stay up)" : "no restart needed",
            ],
            effort: PlanEffort(
                size: .small, hours: server ? 1 : 0.5,
                reasoning: "one directive in one file; \(server ? "a reload keeps sessions; " : "")"
                    + "\(compatibility.isEmpty ? "no peer in the inventory loses its last method" : "\(compatibility.count) peer(s) to confirm first")"
            ),
            dependsOn: hybrids.isEmpty ? [upgradeID] : [], compatibility: compatibility)
    }

    /// The classical method kept beside the hybrids: curve25519-sha256 when the block offers it, else the first
    /// classical method in force; nil when the profile already disallows it.
    func fallbackAlgorithm(_ effective: [Int], context: PlanContext) -> String? {
        let classical = effective.filter {
            let status = context.findings[$0].quantumStatus
            return status == .vulnerable
        }
        let chosen =
            classical.first { context.findings[$0].algorithm == Self.preferredFallback }
            ?? classical.first { context.findings[$0].algorithm.hasPrefix("curve25519") }
            ?? classical.first
        guard let chosen else { return Self.preferredFallback }
        if context.assessments[chosen]?.verdict.state == .disallowed { return nil }
        let name = context.findings[chosen].algorithm
        return name == "curve25519-sha256@libssh.org" ? Self.preferredFallback : name
    }

    func upgradeAction(
        id: String, name: String, since: SoftwareVersion, installed: String?, server: Bool, context: PlanContext
    ) -> PlanAction {
        let package = server ? "openssh-server" : "openssh-client"
        return PlanAction(
            id: id, kind: .upgrade, phase: .prerequisites,
            title: installed == nil
                ? "Confirm \(package) is OpenSSH \(since) or later (for \(name)), else upgrade: the version is unknown"
                : "Upgrade \(package) to OpenSSH \(since) or later (for \(name))",
            system: "software:\(package)",
            software: "openssh", locations: [], retires: [],
            deadlineReason: "enables the key-exchange actions' "
                + "ML-KEM method; the sntrup761 hybrid works before it",
            prerequisites: [
                PlanPrerequisite(
                    requirement: "OpenSSH >= \(since)", installed: installed,
                    satisfied: installed.flatMap(SoftwareVersion.init).map { $0 >= since })
            ],
            change: "install OpenSSH \(since) or later (Debian 13 ships 10.0; Ubuntu 25.04 ships 9.9)",
            patchWithheld: "a package upgrade, not a configuration edit",
            verify: [server ? "sshd -V 2>&1 | head -1" : "ssh -V", "ssh -Q kex | grep mlkem768x25519-sha256"],
            rollback: ["reinstall the previous package version from the distribution's archive"],
            effort: PlanEffort(
                size: .medium, hours: 4,
                reasoning: "a distribution upgrade or backport, tested on one host before the fleet; sshd restarts"))
    }

    // MARK: - Broken names

    func removeBrokenAction(_ members: [Int], context: PlanContext) -> PlanAction? {
        guard let firstIndex = members.first, let line = context.findings[firstIndex].line else { return nil }
        let first = context.findings[firstIndex]
        let setting = first.setting
        let broken = Set(members.map { context.findings[$0].algorithm })
        guard let text = PlanPatcher.lineText(path: first.path, line: line, files: context.input.files),
            let parsed = ConfigDirectiveLine(text, keyword: setting)
        else {
            return removeBrokenAction(
                members, first: first, newValue: nil, patch: nil,
                withheld: "the scanned file could not be read back", context: context)
        }
        var value = parsed.value
        var prefix = ""
        if let mark = value.first, "+-^".contains(mark) {
            prefix = String(mark)
            value.removeFirst()
        }
        if prefix == "-" { return nil }
        let remaining = value.split(separator: ",").map(String.init).filter { !broken.contains($0) }
        if remaining.isEmpty, prefix.isEmpty {
            return removeBrokenAction(
                members, first: first, newValue: nil, patch: nil,
                withheld: "every name on the line is broken: choose replacements by hand", context: context)
        }
        let newValue = remaining.isEmpty ? nil : prefix + remaining.joined(separator: ",")
        let (patch, withheld) =
            newValue.map {
                PlanPatcher.replaceValue(
                    path: first.path, line: line, keyword: setting, value: $0, files: context.input.files)
            } ?? PlanPatcher.deleteLine(path: first.path, line: line, files: context.input.files)
        return removeBrokenAction(
            members, first: first, newValue: newValue, patch: patch, withheld: withheld, context: context)
    }

    func removeBrokenAction(
        _ members: [Int], first: Finding, newValue: String?, patch: PlanPatch?, withheld: String?,
        context: PlanContext
    ) -> PlanAction {
        let deadline = context.earliestDeadline(members)
        let names = Array(Set(members.map { context.findings[$0].algorithm })).sorted()
        let server = Self.isServer(first.path)
        let mainFile = Self.mainFile(first.path)
        let compatibility = Self.keyTypeCompatibility(
            removed: Set(names), setting: first.setting, server: server, context: context)
        return PlanAction(
            id: "remove-broken:openssh:\(first.path.display)\(first.context.map { "#\($0)" } ?? ""):\(first.setting)",
            kind: .removeBroken, phase: .classicallyBroken,
            title: "Remove \(names.joined(separator: ", ")) from \(first.setting) (\(first.path.display))",
            system: AssessedSystems.system(of: first).id, software: "openssh",
            locations: [PlanLocation(path: first.path.display, line: first.line, context: first.context)],
            retires: members.map(context.ref), rule: deadline.rule, ruleSource: deadline.source,
            deadline: deadline.day, deadlineReason: deadline.reason,
            change: newValue.map { "\(first.setting) \($0)" } ?? "delete the \(first.setting) line",
            patch: patch, patchWithheld: withheld,
            verify: server
                ? ["sshd -t -f /\(mainFile)", "sshd -T | grep -i '^\(first.setting.lowercased())'"]
                : [
                    "ssh -G -F /\(mainFile) \(Self.sampleHost(first.context)) | grep -i '^\(first.setting.lowercased())'"
                ],
            rollback: ["patch -R -p1 < this action's patch", server ? "sshd -t && systemctl reload ssh" : "none"],
            effort: PlanEffort(
                size: compatibility.isEmpty ? .small : .medium, hours: compatibility.isEmpty ? 0.5 : 3,
                reasoning: compatibility.isEmpty
                    ? "one line; RSA keys keep working through rsa-sha2-256/512 (RFC 8332)"
                    : "one line, but the peers listed must move off SHA-1 signatures first"),
            compatibility: compatibility)
    }

    // MARK: - Compatibility

    /// Peers of the other role (clients for a server change, servers for a client change) whose effective
    /// `KexAlgorithms` share nothing with the new list.
    static func kexCompatibility(newList: [String], server: Bool, self members: [Int], context: PlanContext)
        -> [PlanCompatibilityIssue]
    {
        let offered = Set(newList.map(normalizedKex))
        var peers: [String: (label: String, names: [String])] = [:]
        for (index, finding) in context.findings.enumerated()
        where finding.source == .openssh && finding.setting.lowercased() == "kexalgorithms" && finding.effective
            && isServer(finding.path) != server && !members.contains(index)
        {
            let key = "\(mainFile(finding.path))#\(finding.context ?? "")"
            let label = finding.path.display + (finding.context.map { " (\($0))" } ?? "")
            peers[key, default: (label, [])].names.append(finding.algorithm)
        }
        return peers.keys.sorted().compactMap { key in
            guard let peer = peers[key], Set(peer.names.map(normalizedKex)).isDisjoint(with: offered) else {
                return nil
            }
            return PlanCompatibilityIssue(
                peer: peer.label, setting: "KexAlgorithms", peerAlgorithms: peer.names,
                detail: "shares no key exchange with the new list: it would lose its last common method")
        }
    }

    /// Keys the change would leave without a signature algorithm: known_hosts entries for a client's
    /// `HostKeyAlgorithms`, authorized_keys entries for a server's `PubkeyAcceptedAlgorithms`.
    static func keyTypeCompatibility(removed: Set<String>, setting: String, server: Bool, context: PlanContext)
        -> [PlanCompatibilityIssue]
    {
        let wanted = setting.lowercased()
        let keySetting: String
        switch (wanted, server) {
        case ("hostkeyalgorithms", false): keySetting = "knownHost"
        case ("pubkeyacceptedalgorithms", true), ("pubkeyacceptedkeytypes", true): keySetting = "authorizedKey"
        default: return []
        }
        return context.findings.compactMap { finding in
            guard finding.source == .sshKey, finding.setting == keySetting else { return nil }
            let usable = signatureNames(forKeyType: finding.algorithm)
            guard !usable.isEmpty, usable.isSubset(of: removed) else { return nil }
            return PlanCompatibilityIssue(
                peer: "\(finding.path.display):\(finding.line ?? 0)" + (finding.context.map { " (\($0))" } ?? ""),
                setting: setting, peerAlgorithms: [finding.algorithm],
                detail: "a \(finding.algorithm) key that only \(usable.sorted().joined(separator: ", ")) can use")
        }
    }

    /// Signature algorithms that can use a key of this type; RSA keys sign with rsa-sha2-* too (RFC 8332), so
    /// removing `ssh-rsa` alone never strands them.
    static func signatureNames(forKeyType type: String) -> Set<String> {
        type == "ssh-rsa" ? ["ssh-rsa", "rsa-sha2-256", "rsa-sha2-512"] : [type]
    }

    static func normalizedKex(_ name: String) -> String {
        switch name {
        case "curve25519-sha256@libssh.org": "curve25519-sha256"
        case "sntrup761x25519-sha512": "sntrup761x25519-sha512@openssh.com"
        default: name
        }
    }

    // MARK: - Files

    static func isServer(_ path: ScanPath) -> Bool { path.display.contains("sshd_config") }

    /// The configuration a file belongs to: `etc/ssh/sshd_config.d/10-x.conf` → `etc/ssh/sshd_config`.
    static func mainFile(_ path: ScanPath) -> String {
        let display = path.display
        if let range = display.range(of: "_config.d/") {
            return String(display[..<range.lowerBound]) + "_config"
        }
        return display
    }

    static func unitKey(_ finding: Finding) -> String {
        "\(mainFile(finding.path))#\(finding.context ?? "")"
    }

    static func sampleHost(_ context: String?) -> String {
        guard let context, context.lowercased().hasPrefix("host ") else { return "HOST" }
        let pattern = context.dropFirst(5).split(separator: " ").first.map(String.init) ?? "HOST"
        return pattern.replacingOccurrences(of: "*", with: "example")
    }
}
