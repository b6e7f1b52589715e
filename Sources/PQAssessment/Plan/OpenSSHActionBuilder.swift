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
        "mlkem768x25519-sha256", "sntrup761x25519-sha512@openssh.com",
    ].map { ($0, ReleaseFloor.first("openssh", bringing: $0, as: .keyExchange)) }
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
        where context.input.profile.id != "cnsa-2.0"
            && indexes.contains(where: { Self.isServer(context.findings[$0].path) == server })
        {
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
    /// Every OpenSSH setting (a unit's whole list, the peers' lists) and the keys in known_hosts and
    /// authorized_keys (the key types a change could strand).
    public func reads(_ finding: Finding) -> Bool {
        finding.source == .openssh || finding.source == .sshKey
    }

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
        let refusedNames = Set(refused.map { context.findings[$0].algorithm })
        // The line to edit: the first written line of the block (in scan order), else a new line.
        let written = members.filter { context.findings[$0].origin == .file && context.findings[$0].line != nil }
        let targetIndex = written.first { context.findings[$0].effective } ?? refused.first ?? written.first
        let target = targetIndex.map { context.findings[$0] }
        let parsed = target.flatMap { t in
            t.line.flatMap { PlanPatcher.lineText(path: t.path, line: $0, files: context.input.files) }
                .flatMap { ConfigDirectiveLine($0, keyword: "KexAlgorithms") }
        }
        var mark = ""
        var writtenNames: [String] = []
        if let parsed {
            var value = parsed.value
            if let first = value.first, "+-^".contains(first) {
                mark = String(first)
                value.removeFirst()
            }
            writtenNames = value.split(separator: ",").map { String($0).trimmingCharacters() }.filter { !$0.isEmpty }
        }

        // CNSA 2.0 accepts ML-KEM-1024 only, and no released OpenSSH has an ML-KEM-1024 method: under that
        // profile the plan adds no SSH key exchange (the planner's note says so) and only repairs refused lines.
        let cnsa = context.input.profile.id == "cnsa-2.0"
        if cnsa, refused.isEmpty { return nil }
        var hybrids: [String] = []
        var withheld: [String] = []
        for hybrid in Self.hybrids where !cnsa {
            if let installed {
                if installed.version >= hybrid.since {
                    hybrids.append(hybrid.name)
                } else {
                    withheld.append(hybrid.name)
                }
            } else if hybrid.since <= SoftwareVersion([8, 5])
                || (writtenNames.contains(hybrid.name) && !refusedNames.contains(hybrid.name))
            {
                // Version unknown: add only what every supported OpenSSH accepts, keep what the author wrote.
                hybrids.append(hybrid.name)
            } else {
                withheld.append(hybrid.name)
            }
        }
        let hybridNames = Set(Self.hybrids.map(\.name))
        let hasHybrid = effective.contains { hybridNames.contains(Self.normalizedKex(context.findings[$0].algorithm)) }
        // What the profile already forbids: only that may leave a list; the classical fallbacks stay until then
        // (a change that only removes fallbacks adds no protection and can cut off FIPS-mode or older servers).
        let disallowed = Set(
            effective.filter {
                context.assessments[$0]?.verdict.state == .disallowed
                    && context.findings[$0].quantumStatus != .hybrid
            }.map { context.findings[$0].algorithm })
        let peer = Self.peerScope(first.context)
        // A peer block's own algorithms are a compatibility requirement. Which ones the peer needs is read from
        // the findings alone (an earlier scan re-planned by `--since` has no file text): on the block's written
        // line, what is classically weak (broken, SHA-1 based) or already disallowed by the profile.
        let peerNeeds: [Int]
        if peer != nil, let target {
            peerNeeds = effective.filter {
                let finding = context.findings[$0]
                return finding.path == target.path && finding.line == target.line && finding.origin == .file
                    && finding.quantumStatus != .hybrid && finding.quantumStatus != .resistant
                    && context.needsAction($0)
                    && (finding.quantumStatus == .broken || disallowed.contains(finding.algorithm)
                        || finding.algorithm.lowercased().contains("sha1"))
            }
        } else {
            peerNeeds = []
        }

        // The default change: never more than dropping refused and disallowed names and putting hybrids first.
        var newList: [String]?
        var retires: [Int] = []
        // Without the file's text (an earlier scan re-planned by `--since`) the line's names come from its findings.
        let lineNames =
            !writtenNames.isEmpty
            ? writtenNames
            : members.filter {
                context.findings[$0].path == target?.path && context.findings[$0].line == target?.line
            }.map { context.findings[$0].algorithm }
        if !refused.isEmpty, !lineNames.isEmpty {
            var names = lineNames.filter { !refusedNames.contains($0) }
            if !names.contains(where: { hybridNames.contains(Self.normalizedKex($0)) }) { names = hybrids + names }
            newList = names.isEmpty ? nil : names
            retires = refused.filter { !effective.contains($0) } + refused.filter { effective.contains($0) }
        } else if peer != nil {
            if !hasHybrid, !hybrids.isEmpty, !writtenNames.isEmpty, mark.isEmpty, peerNeeds.isEmpty {
                newList = hybrids + writtenNames.filter { !hybrids.contains($0) }
            }
        } else if (!hasHybrid && !hybrids.isEmpty) || !disallowed.isEmpty {
            let current = effective.map { context.findings[$0].algorithm }.reduce(into: [String]()) {
                if !$0.contains($1) { $0.append($1) }
            }
            let kept = current.filter { !disallowed.contains($0) && !hybridNames.contains(Self.normalizedKex($0)) }
                .filter { $0 != "curve25519-sha256@libssh.org" || !current.contains(Self.preferredFallback) }
            let present = current.filter { hybridNames.contains(Self.normalizedKex($0)) }
            newList = (present.isEmpty ? hybrids : present) + kept
            if kept.isEmpty, !disallowed.contains(Self.preferredFallback), let list = newList,
                !list.contains(Self.preferredFallback), !hasHybrid
            {
                newList = list + [Self.preferredFallback]
            }
            retires = effective.filter { disallowed.contains(context.findings[$0].algorithm) }
        }
        if newList?.isEmpty == true { newList = nil }
        guard newList != nil || !peerNeeds.isEmpty || (!hasHybrid && hybrids.isEmpty && peer == nil) else {
            return nil
        }

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
        let contextLabel = first.context
        var blockedOn: String?
        var optInPatch: PlanPatch?
        var optInChange: String?
        if let peer, !peerNeeds.isEmpty, let target, let line = target.line {
            let needNames = Array(Set(peerNeeds.map { context.findings[$0].algorithm })).sorted()
            blockedOn =
                "upgrade or retire \(peer) first: \(contextLabel ?? peer) keeps \(needNames.joined(separator: ", ")) "
                + "because that peer may know nothing newer; the default plan leaves the line as it is"
            retires = peerNeeds
            let rest = writtenNames.filter { !needNames.contains($0) && !refusedNames.contains($0) }
            if newList == nil {
                if rest.isEmpty {
                    // Nothing but the peer's legacy names: once it has moved, the block uses the defaults.
                    (optInPatch, _) = PlanPatcher.deleteLine(path: target.path, line: line, files: context.input.files)
                    optInChange = "delete the KexAlgorithms line of \(contextLabel ?? peer)"
                } else if !rest.isEmpty {
                    let value =
                        mark == "+"
                        ? "+" + rest.joined(separator: ",")
                        : (hybrids.filter { !rest.contains($0) } + rest)
                            .joined(separator: ",")
                    (optInPatch, _) = PlanPatcher.replaceValue(
                        path: target.path, line: line, keyword: "KexAlgorithms", value: value,
                        files: context.input.files)
                    optInChange = "KexAlgorithms \(value) in \(contextLabel ?? peer)"
                }
            }
        }
        var deadline = context.earliestDeadline(retires.isEmpty ? effective : retires)
        if !refused.isEmpty {
            deadline.day = context.asOf
            deadline.reason =
                "the installed \(daemon) refuses \(refusedNames.sorted().joined(separator: ", ")): the line is dead config, and sshd -t fails on it"
        }
        let keeps = effective.filter { index in
            context.findings[index].quantumStatus == .vulnerable && !retires.contains(index)
                && (newList?.contains(context.findings[index].algorithm) ?? false)
        }
        if blockedOn != nil, newList == nil { prerequisites = [] }
        let locations: [PlanLocation]
        var patch: PlanPatch?
        var patchWithheld: String?
        let value = (newList ?? []).joined(separator: ",")
        if newList == nil {
            patchWithheld =
                blockedOn != nil
                ? "the default plan keeps what a known peer needs; the scoped change is the opt-in patch"
                : "the installed OpenSSH (\(installed?.text ?? "unknown")) accepts no hybrid key exchange; upgrade first"
        }
        if let target, let line = target.line {
            locations = [PlanLocation(path: target.path.display, line: line, context: target.context)]
            if let list = newList {
                (patch, patchWithheld) = PlanPatcher.replaceValue(
                    path: target.path, line: line, keyword: "KexAlgorithms",
                    value: (refused.isEmpty || mark != "+" ? "" : "+") + list.joined(separator: ","),
                    files: context.input.files)
            }
        } else {
            locations = [PlanLocation(path: mainFile, line: nil, context: contextLabel)]
            if newList != nil {
                (patch, patchWithheld) = PlanPatcher.insertOpenSSH(
                    path: ScanPath(mainFile), server: server, directive: "KexAlgorithms \(value)",
                    files: context.input.files)
            }
        }
        var compatibility = Self.kexCompatibility(
            newList: newList ?? [], server: server, self: members, context: context)
        if newList == nil { compatibility = [] }
        if peer == nil, mark == "+", let target, newList != nil {
            compatibility.append(
                PlanCompatibilityIssue(
                    peer: target.path.display + (target.context.map { " (\($0))" } ?? ""), setting: "KexAlgorithms",
                    peerAlgorithms: writtenNames,
                    detail: "the line appends \(writtenNames.joined(separator: ",")) for a peer that may know nothing "
                        + "newer: confirm the peer offers \(value.replacingOccurrences(of: ",", with: " or ")) "
                        + "before applying"))
        }
        let where_ = locations.first?.label ?? mainFile
        let host = Self.sampleHost(contextLabel)
        let title: String
        if let blockedOn, blockedOn.isEmpty == false, let peer {
            title =
                "Retire \(Set(retires.map { context.findings[$0].algorithm }).sorted().joined(separator: ", ")) for "
                + "\(peer) (\(where_)): blocked on the peer"
        } else if !refused.isEmpty, effective.isEmpty {
            title = "Make \(where_) acceptable to the installed \(daemon): hybrid key exchange it knows"
        } else {
            title = "Hybrid post-quantum key exchange for \(daemon) (\(where_))"
        }
        return PlanAction(
            id: "key-exchange:openssh:\(mainFile)\(contextLabel.map { "#\($0)" } ?? ""):KexAlgorithms",
            kind: .keyExchange,
            phase: peerNeeds.contains { context.findings[$0].quantumStatus == .broken }
                ? .classicallyBroken
                : .keyExchange,
            title: title,
            system: AssessedSystems.system(of: target ?? first).id, software: "openssh", locations: locations,
            retires: retires.map(context.ref), keeps: keeps.map(context.ref), rule: deadline.rule,
            ruleSource: deadline.source, deadline: deadline.day, deadlineReason: deadline.reason,
            prerequisites: prerequisites,
            change: newList.map { _ in "KexAlgorithms \(value)" }
                ?? optInChange.map { "keep the line for now; once the peer has moved: \($0)" }
                ?? "KexAlgorithms \((hybrids.isEmpty ? withheld : hybrids).joined(separator: ",")),... (after \(upgradeID))",
            patch: patch, patchWithheld: patchWithheld,
            verify: server
                ? [
                    "sshd -t -f \(ShellQuote.quote("/" + mainFile))", "sshd -T | grep -i '^kexalgorithms'",
                    "ssh -Q kex | grep -E 'mlkem|sntrup'",
                    "ssh -vv -o KexAlgorithms=\(hybrids.first ?? "sntrup761x25519-sha512@openssh.com") HOST true "
                        + "2>&1 | grep 'kex: algorithm'",
                ]
                : [
                    "ssh -G -F \(ShellQuote.quote("/" + mainFile)) \(ShellQuote.quote(host)) | grep -i '^kexalgorithms'",
                    "ssh -vv \(ShellQuote.quote(host)) true 2>&1 | grep 'kex: algorithm'",
                ],
            rollback: [
                "patch -R -p1 < this action's patch (from the scan root)",
                server ? "sshd -t && systemctl reload ssh (existing sessions stay up)" : "no restart needed",
            ],
            effort: PlanEffort(
                size: blockedOn == nil ? .small : .medium, hours: blockedOn == nil ? (server ? 1 : 0.5) : 3,
                reasoning: blockedOn != nil
                    ? "the peer must be upgraded or retired first; then one line"
                    : "one directive in one file; \(server ? "a reload keeps sessions; " : "")"
                        + "\(compatibility.isEmpty ? "no peer in the inventory loses its last method" : "\(compatibility.count) peer(s) to confirm first")"
            ),
            dependsOn: newList == nil && blockedOn == nil ? [upgradeID] : [], compatibility: compatibility,
            blockedOn: blockedOn, optInPatch: optInPatch)
    }

    /// The peers a block names: `Host legacy-switch.mgmt` → `legacy-switch.mgmt`, `Match User backup` →
    /// `User backup`; nil for settings that hold everywhere (no block, `Host *`, `Match all`).
    static func peerScope(_ context: String?) -> String? {
        guard let context else { return nil }
        let words = context.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard let keyword = words.first?.lowercased(), keyword == "host" || keyword == "match" else { return nil }
        let rest = words.dropFirst()
        if keyword == "host", rest.allSatisfy({ $0 == "*" }) { return nil }
        if keyword == "match", rest.map({ $0.lowercased() }) == ["all"] { return nil }
        return rest.isEmpty ? nil : rest.joined(separator: " ")
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
                reasoning: "a distribution upgrade or backport, tested on one host before the fleet; sshd restarts"),
            requiredVersion: PlanVersionRequirement(family: "openssh", minimum: since.description))
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
        if remaining.isEmpty, prefix.isEmpty, Self.peerScope(first.context) != nil {
            // A peer block that lists only broken names: once the peer has moved, it uses the defaults.
            let (patch, withheld) = PlanPatcher.deleteLine(path: first.path, line: line, files: context.input.files)
            return removeBrokenAction(
                members, first: first, newValue: nil, patch: patch, withheld: withheld, context: context)
        }
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
        // A Host/Match block that names the algorithm keeps it for that peer: removing it is the peer's upgrade,
        // offered as an opt-in patch, never part of the default plan.
        let peer = Self.peerScope(first.context)
        let blockedOn = peer.map {
            "upgrade or retire \($0) first: \(first.context ?? $0) keeps \(names.joined(separator: ", ")) for that "
                + "peer, which may implement nothing newer; the default plan leaves the line as it is"
        }
        let host = Self.sampleHost(first.context)
        let rsa = names.contains("ssh-rsa")
        return PlanAction(
            id: "remove-broken:openssh:\(first.path.display)\(first.context.map { "#\($0)" } ?? ""):\(first.setting)",
            kind: .removeBroken, phase: .classicallyBroken,
            title: "Remove \(names.joined(separator: ", ")) from \(first.setting) (\(first.path.display))"
                + (peer.map { " for \($0): blocked on the peer" } ?? ""),
            system: AssessedSystems.system(of: first).id, software: "openssh",
            locations: [PlanLocation(path: first.path.display, line: first.line, context: first.context)],
            retires: members.map(context.ref), rule: deadline.rule, ruleSource: deadline.source,
            deadline: deadline.day, deadlineReason: deadline.reason,
            change: (peer == nil ? "" : "keep the line for now; once the peer has moved: ")
                + (newValue.map { "\(first.setting) \($0)" } ?? "delete the \(first.setting) line"),
            patch: peer == nil ? patch : nil,
            patchWithheld: peer == nil
                ? withheld : "the default plan keeps what a known peer needs; the scoped change is the opt-in patch",
            verify: server
                ? [
                    "sshd -t -f \(ShellQuote.quote("/" + mainFile))",
                    "sshd -T | grep -i '^\(first.setting.lowercased())'",
                ]
                : [
                    "ssh -G -F \(ShellQuote.quote("/" + mainFile)) \(ShellQuote.quote(host)) | grep -i "
                        + "'^\(first.setting.lowercased())'"
                ],
            rollback: ["patch -R -p1 < this action's patch", server ? "sshd -t && systemctl reload ssh" : "none"],
            effort: PlanEffort(
                size: compatibility.isEmpty && peer == nil ? .small : .medium,
                hours: compatibility.isEmpty && peer == nil ? 0.5 : 3,
                reasoning: peer != nil
                    ? "the peer must be upgraded (or retired) first; then one line"
                    : compatibility.isEmpty
                        ? (rsa
                            ? "one line; peers that implement rsa-sha2-256/512 (RFC 8332) keep using RSA keys, but a "
                                + "peer that implements only ssh-rsa needs its own Host or Match block first"
                            : "one line")
                        : "one line, but the peers listed must move off SHA-1 signatures first"),
            compatibility: compatibility, blockedOn: blockedOn, optInPatch: peer == nil ? nil : patch)
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
