import PQModel

/// TLS key-exchange groups of servers built on OpenSSL: nginx `ssl_ecdh_curve` / `ssl_conf_command Groups`,
/// Apache `SSLOpenSSLConfCmd Groups`, HAProxy `curves` / `ssl-default-bind-curves`, and `openssl.cnf`
/// `Groups` (Docs/tls.md). The hybrid `X25519MLKEM768` (draft-ietf-tls-ecdhe-mlkem) comes first and one or two
/// classical groups stay as fallback (X25519, P-256) unless the profile already disallows them.
///
/// OpenSSL learned ML-KEM groups in 3.5 (OpenSSL 3.5 release notes). On an older OpenSSL an unknown group makes
/// the whole list fail and nginx, Apache and HAProxy refuse to start, so the planner never writes a name the
/// installed OpenSSL does not know: it says so, and the action waits for the OpenSSL upgrade.
public struct TLSGroupActionBuilder: PlanActionBuilder {
    public var family: String { "tls" }

    public init() {}

    static let sources: Set<FindingSource> = [.nginx, .apache, .haproxy, .opensslConf]
    static let mlkemSince = ReleaseFloor.first("openssl", bringing: "X25519MLKEM768", as: .tlsGroup)
    /// What the planner assumes when the tree names no OpenSSL: 3.0, as the TLS scanners do (Docs/tls.md).
    static let assumedOpenSSL = SoftwareVersion([3, 0])
    static let opensslPackages = ["libssl3t64", "libssl3", "openssl-libs", "libopenssl3", "libssl1.1", "openssl"]

    /// A written group list whole (a line the installed OpenSSL refuses is out of force and still edited), the
    /// protocol settings of each server (TLS 1.3 enablement) and the client group lists a server change is checked
    /// against. A library-default group list acts only through findings that need action, which are kept anyway.
    public func reads(_ finding: Finding) -> Bool {
        switch finding.usage {
        case .group:
            (Self.sources.contains(finding.source) && finding.origin == .file)
                || (finding.effective && (finding.source == .opensslConf || finding.source == .javaSecurity))
        case .protocolVersion: Self.sources.contains(finding.source)
        default: false
        }
    }

    public func handles(_ finding: Finding) -> Bool {
        Self.sources.contains(finding.source) && finding.usage == .group
    }

    public func actions(_ context: PlanContext) -> [PlanAction] {
        let indexes = context.findings.indices.filter { handles(context.findings[$0]) }
        guard !indexes.isEmpty else { return [] }
        let installed = context.installedVersion(family: "openssl", packages: Self.opensslPackages)
        let version = installed?.version ?? Self.assumedOpenSSL
        let installedText = installed?.text ?? "3.0 (assumed: no OpenSSL package in the tree; --openssl-version)"
        let hybridOK = version >= Self.mlkemSince
        var actions: [PlanAction] = []
        // Written lines, one action each; library defaults, one action per service.
        var lines: [String: [Int]] = [:]
        var order: [String] = []
        for index in indexes {
            let finding = context.findings[index]
            let key =
                finding.origin == .file && finding.line != nil
                ? "\(finding.source.rawValue)|\(finding.path.display)|\(finding.line ?? 0)|\(finding.setting)"
                : "\(finding.source.rawValue)|default|\(finding.context ?? "")|\(finding.setting)"
            if lines[key] == nil { order.append(key) }
            lines[key, default: []].append(index)
        }
        var waitsForUpgrade = false
        for key in order {
            guard let members = lines[key] else { continue }
            let first = context.findings[members[0]]
            let action: PlanAction?
            if first.origin == .file, first.line != nil {
                action = lineAction(members, hybridOK: hybridOK, installed: installedText, context: context)
            } else {
                action = defaultAction(members, hybridOK: hybridOK, installed: installedText, context: context)
            }
            guard var action else { continue }
            // X25519MLKEM768 and SecP384r1MLKEM1024 are TLS 1.3 groups (draft-ietf-tls-ecdhe-mlkem §3): on a service
            // limited to TLS 1.2 the hybrid is never negotiated, so TLS 1.3 is enabled first.
            if action.phase == .keyExchange, first.origin == .file, first.line != nil,
                let enable = tls13Action(for: first, context: context)
            {
                if !actions.contains(where: { $0.id == enable.id }) { actions.append(enable) }
                action.dependsOn.append(enable.id)
                action.prerequisites.append(
                    PlanPrerequisite(
                        requirement: "TLS 1.3 enabled on this service (the hybrid groups exist only in TLS 1.3)",
                        installed: "TLS 1.3 not enabled", satisfied: false, note: "done by \(enable.id)"))
            }
            if !hybridOK {
                // The hybrid always waits for the upgrade; only an action with nothing to do before it depends on it.
                if action.patch == nil { action.dependsOn.append("upgrade:openssl") }
                waitsForUpgrade = true
            }
            actions.append(action)
        }
        if waitsForUpgrade {
            actions.insert(upgradeAction(installed: installedText, context: context), at: 0)
        }
        return actions
    }

    // MARK: - Lines

    func lineAction(_ members: [Int], hybridOK: Bool, installed: String, context: PlanContext) -> PlanAction? {
        let first = context.findings[members[0]]
        guard let line = first.line else { return nil }
        // The scanner's note names the group OpenSSL does not know; the rest of a dead list is only collateral.
        // The scanner judged the list by the OpenSSL it assumed; the plan judges by the version in force (the
        // flag or the package database), so a hybrid the scan called unknown is fine on 3.5.
        let refused =
            hybridOK
            ? []
            : members.filter {
                let finding = context.findings[$0]
                let note = finding.note ?? ""
                return !finding.effective
                    && (note.contains("does not know \(finding.algorithm) ")
                        || note.hasSuffix("does not know \(finding.algorithm)"))
            }
        let dead = !refused.isEmpty
        // On a version that accepts the whole list, every written group is in force whatever the scan assumed.
        let effective = members.filter { context.findings[$0].effective || (hybridOK && first.origin == .file) }
        let needs = effective.filter(context.needsAction)
        let names = members.map { context.findings[$0].algorithm }
        let strict = context.input.profile.id == "cnsa-2.0"
        let hybrid = strict ? "SecP384r1MLKEM1024" : "X25519MLKEM768"
        let hasHybrid = effective.contains {
            context.findings[$0].quantumStatus == .hybrid
                && (!strict || context.assessments[$0]?.verdict.state != .disallowed)
                && (!strict || context.findings[$0].algorithm.lowercased() == hybrid.lowercased())
        }
        let disallowed = effective.filter {
            context.assessments[$0]?.verdict.state == .disallowed && context.findings[$0].quantumStatus != .hybrid
        }
        guard dead || (!needs.isEmpty && !hasHybrid) || !disallowed.isEmpty else { return nil }
        // Every classical group the profile still allows stays, in the author's order: a server never stops
        // offering a group a client may depend on (only the profile's end date removes one). Under CNSA 2.0 only
        // P-384 is kept, the one classical curve that profile names.
        let fallback =
            strict
            ? Self.fallback(members, strict: true, context: context)
            : effective.filter {
                context.findings[$0].quantumStatus != .hybrid && !disallowed.contains($0)
            }.map { context.findings[$0].algorithm }.reduce(into: [String]()) {
                if !Self.contains($0, $1) { $0.append($1) }
            }
        let syntax = Self.syntax(first)
        var newList: [String]
        var withheld: String?
        var prerequisites: [PlanPrerequisite] = [
            PlanPrerequisite(
                requirement: "OpenSSL >= 3.5 for \(hybrid)", installed: installed, satisfied: hybridOK,
                note: hybridOK
                    ? nil : "the installed OpenSSL cannot accept \(hybrid): \(syntax.daemon) would refuse to start")
        ]
        if hybridOK {
            newList = [hybrid] + fallback
        } else if dead {
            // Make the service start again with what it knows; the hybrid returns after the upgrade.
            newList = names.enumerated().filter { entry in
                !refused.contains(members[entry.offset]) && names.firstIndex(of: entry.element) == entry.offset
            }.map(\.element)
            prerequisites[0].note =
                "\(hybrid) left out: the installed OpenSSL rejects the whole list with it; "
                + "re-plan after upgrade:openssl"
        } else {
            newList = []
            withheld =
                "the installed OpenSSL (\(installed)) cannot accept \(hybrid) (added in 3.5): a patch would stop "
                + "\(syntax.daemon) from starting, so the change waits for upgrade:openssl"
        }
        var patch: PlanPatch?
        if withheld == nil {
            if newList.isEmpty {
                withheld = "no group the installed OpenSSL knows would remain: upgrade first"
            } else {
                (patch, withheld) = Self.replaceList(
                    path: first.path, line: line, keyword: syntax.keyword, value: newList.joined(separator: ":"),
                    files: context.input.files)
            }
        }
        let wanted = hybridOK ? [hybrid] + fallback : newList
        let retires =
            (hybridOK || dead
                ? effective.filter { context.needsAction($0) && !Self.contains(wanted, context.findings[$0].algorithm) }
                : needs.filter {
                    !Self.contains([hybrid] + fallback, context.findings[$0].algorithm)
                }) + refused
        let keeps = effective.filter { Self.contains(wanted, context.findings[$0].algorithm) }
        var deadline = context.earliestDeadline(retires.isEmpty ? members : retires)
        if dead {
            deadline.day = context.asOf
            deadline.reason = "OpenSSL (\(installed)) rejects the list: \(syntax.daemon) does not start with it"
        }
        let compatibility = Self.compatibility(
            offered: hybridOK ? [hybrid] + fallback : newList, server: first, context: context)
        let contextText = first.context.map { " (\($0))" } ?? ""
        return PlanAction(
            id: "key-exchange:\(first.source.rawValue):\(first.path.display)#\(first.context ?? ""):\(first.setting)",
            kind: .keyExchange, phase: .keyExchange,
            title: dead && !hybridOK
                ? "Make \(first.setting) at \(first.path.display):\(line) acceptable to OpenSSL \(Self.short(installed))"
                : "Hybrid post-quantum TLS groups for \(syntax.daemon)\(contextText)",
            system: AssessedSystems.system(of: first).id, software: first.source.rawValue,
            locations: [PlanLocation(path: first.path.display, line: line, context: first.context)],
            retires: retires.map(context.ref), keeps: keeps.map(context.ref), rule: deadline.rule,
            ruleSource: deadline.source, deadline: deadline.day, deadlineReason: deadline.reason,
            prerequisites: prerequisites,
            change: newList.isEmpty
                ? "\(syntax.keyword) \(([hybrid] + fallback).joined(separator: ":")) (after upgrade:openssl)"
                : "\(syntax.keyword) \(newList.joined(separator: ":"))",
            patch: patch, patchWithheld: withheld, verify: syntax.verify(first),
            rollback: ["patch -R -p1 < this action's patch (from the scan root)", syntax.reload],
            effort: PlanEffort(
                size: compatibility.isEmpty ? .small : .medium, hours: compatibility.isEmpty ? 1 : 3,
                reasoning: "one directive; \(syntax.daemon) checks and reloads without dropping connections; "
                    + (compatibility.isEmpty
                        ? "clients without ML-KEM keep the classical fallback"
                        : "\(compatibility.count) client configuration(s) in the inventory to align first")),
            compatibility: compatibility)
    }

    /// Client-side group lists in the same inventory (the system `openssl.cnf`, Java `jdk.tls.namedGroups`) that
    /// share no group with what the server will offer: those clients would lose their last common group.
    static func compatibility(offered: [String], server: Finding, context: PlanContext) -> [PlanCompatibilityIssue] {
        guard !offered.isEmpty else { return [] }
        func canonical(_ name: String) -> String {
            context.catalog.entry(named: name)?.canonical ?? name.lowercased()
        }
        let wanted = Set(offered.map(canonical))
        var peers: [String: (label: String, names: [String])] = [:]
        for finding in context.findings
        where finding.usage == .group && finding.effective
            && (finding.source == .opensslConf || finding.source == .javaSecurity) && finding.path != server.path
        {
            let key = "\(finding.source.rawValue)|\(finding.path.display)|\(finding.context ?? "")"
            let label = finding.path.display + (finding.context.map { " (\($0))" } ?? "")
            peers[key, default: (label, [])].names.append(finding.algorithm)
        }
        return peers.keys.sorted().compactMap { key in
            guard let peer = peers[key], Set(peer.names.map(canonical)).isDisjoint(with: wanted) else { return nil }
            return PlanCompatibilityIssue(
                peer: peer.label, setting: "groups", peerAlgorithms: peer.names,
                detail: "a client configuration that shares no group with the new list: it would lose its last "
                    + "common group")
        }
    }

    /// An action that enables TLS 1.3 where the block's protocol settings leave it out (nginx `ssl_protocols`,
    /// Apache `SSLProtocol`, HAProxy `ssl-max-ver`); nil when TLS 1.3 is on or the block names no protocols.
    /// Adding TLS 1.3 removes nothing: clients without it keep negotiating what they did.
    func tls13Action(for server: Finding, context: PlanContext) -> PlanAction? {
        let protocols = context.findings.indices.filter {
            let finding = context.findings[$0]
            // The server's own protocols: a proxy's client-side setting (SSLProxyProtocol, proxy_ssl_protocols)
            // does not decide what this server negotiates.
            return finding.usage == .protocolVersion && finding.source == server.source && finding.path == server.path
                && finding.context == server.context && !finding.setting.lowercased().contains("proxy")
        }
        guard !protocols.isEmpty,
            !protocols.contains(where: {
                context.findings[$0].effective && context.findings[$0].algorithm.uppercased() == "TLSV1.3"
            })
        else { return nil }
        let first = context.findings[protocols[0]]
        var patch: PlanPatch?
        var withheld: String? =
            "the planner has no \(first.source.rawValue) syntax for this protocol setting: add TLS 1.3 by hand"
        var change = "enable TLSv1.3 beside the protocols already allowed"
        if first.origin == .file, let line = first.line,
            let text = PlanPatcher.lineText(path: first.path, line: line, files: context.input.files)
        {
            var edited: String?
            if let range = text.range(of: "ssl-max-ver ") {
                let rest = text[range.upperBound...]
                let word = rest.prefix { $0 != " " && $0 != "\t" && $0 != "\r" }
                edited = String(text[..<range.upperBound]) + "TLSv1.3" + String(rest.dropFirst(word.count))
            } else if first.source == .nginx, let parsed = ConfigDirectiveLine(text, terminator: ";") {
                edited = parsed.with(value: parsed.value + " TLSv1.3")
            } else if first.source == .apache, let parsed = ConfigDirectiveLine(text) {
                edited = parsed.with(value: parsed.value + " +TLSv1.3")
            }
            if let edited, let bytes = context.input.files.bytes(of: first.path),
                let file = TextFileLines(bytes: bytes),
                let diff = file.unifiedDiff(
                    path: first.path.display, edits: [LineEdit(start: line - 1, removeCount: 1, insert: [edited])])
            {
                patch = PlanPatch(path: first.path.display, diff: diff)
                withheld = nil
                change = edited.trimmingCharacters()
            }
        }
        let syntax = Self.syntax(server)
        return PlanAction(
            id: "enable-tls13:\(first.source.rawValue):\(first.path.display)#\(first.context ?? ""):\(first.setting)",
            kind: .upgrade, phase: .prerequisites,
            title: "Enable TLS 1.3 for \(syntax.daemon)\(first.context.map { " (\($0))" } ?? "")",
            system: AssessedSystems.system(of: first).id, software: first.source.rawValue,
            locations: [PlanLocation(path: first.path.display, line: first.line, context: first.context)],
            retires: [],
            deadlineReason: "dated by the hybrid group action waiting for it",
            change: change, patch: patch, patchWithheld: withheld, verify: syntax.verify(first),
            rollback: ["patch -R -p1 < this action's patch (from the scan root)", syntax.reload],
            effort: PlanEffort(
                size: .small, hours: 1,
                reasoning: "one directive; clients without TLS 1.3 keep the versions they use today"))
    }

    func defaultAction(_ members: [Int], hybridOK: Bool, installed: String, context: PlanContext) -> PlanAction? {
        guard !hybridOK else { return nil }
        let needs = members.filter(context.needsAction)
        guard let firstIndex = needs.first else { return nil }
        let first = context.findings[firstIndex]
        let syntax = Self.syntax(first)
        let deadline = context.earliestDeadline(needs)
        return PlanAction(
            id: "key-exchange:\(first.source.rawValue):default#\(first.context ?? ""):groups",
            kind: .keyExchange, phase: .keyExchange,
            title: "Hybrid TLS groups for \(first.context ?? first.path.display): OpenSSL 3.5's default list",
            system: AssessedSystems.system(of: first).id, software: first.source.rawValue,
            locations: [PlanLocation(path: first.path.display, line: first.line, context: first.context)],
            retires: [], keeps: needs.map(context.ref), rule: deadline.rule, ruleSource: deadline.source,
            deadline: deadline.day, deadlineReason: deadline.reason,
            prerequisites: [
                PlanPrerequisite(
                    requirement: "OpenSSL >= 3.5 for X25519MLKEM768", installed: installed, satisfied: false)
            ],
            change:
                "no edit: the groups are the library default, and OpenSSL 3.5's default offers X25519MLKEM768 first "
                + "(with X25519 and P-256 as fallback)",
            patchWithheld: "nothing to edit: the service uses the library default; the upgrade brings the hybrid",
            verify: syntax.verify(first), rollback: ["none: no configuration changes"],
            effort: PlanEffort(size: .small, hours: 0.5, reasoning: "verification only, after the OpenSSL upgrade"))
    }

    func upgradeAction(installed: String, context: PlanContext) -> PlanAction {
        PlanAction(
            id: "upgrade:openssl", kind: .upgrade, phase: .prerequisites,
            title: "Upgrade OpenSSL to 3.5 or later (ML-KEM TLS groups, ML-DSA)", system: "software:openssl",
            software: "openssl", locations: [], retires: [],
            deadlineReason: "dated by the earliest TLS key-exchange action waiting for it",
            prerequisites: [
                PlanPrerequisite(requirement: "OpenSSL >= 3.5", installed: installed, satisfied: false)
            ],
            change: "install OpenSSL 3.5 or later (Debian 13 ships 3.5; RHEL 10 ships 3.5), then restart the "
                + "TLS services so they load it",
            patchWithheld: "a package upgrade, not a configuration edit",
            verify: ["openssl version", "openssl list -kem-algorithms | grep -i mlkem"],
            rollback: ["reinstall the previous OpenSSL package; restart the services"],
            effort: PlanEffort(
                size: .large, hours: 16,
                reasoning: "a library every TLS service links: an OS release upgrade or a vendor build, tested per "
                    + "service before the fleet"),
            requiredVersion: PlanVersionRequirement(family: "openssl", minimum: Self.mlkemSince.description))
    }

    // MARK: - Syntax per software

    struct Syntax {
        var daemon: String
        var keyword: String
        var verify: (Finding) -> [String]
        var reload: String
    }

    static func syntax(_ finding: Finding) -> Syntax {
        let setting = finding.setting
        let host = ShellQuote.quote(hostOf(finding.context))
        let probe =
            "openssl s_client -connect \(host) -groups X25519MLKEM768 </dev/null 2>&1 | grep -i 'group'"
        switch finding.source {
        case .nginx:
            return Syntax(
                daemon: "nginx", keyword: setting, verify: { _ in ["nginx -t", probe] },
                reload: "nginx -t && systemctl reload nginx")
        case .apache:
            return Syntax(
                daemon: "Apache httpd", keyword: setting, verify: { _ in ["apache2ctl -t (apachectl -t)", probe] },
                reload: "apache2ctl -t && systemctl reload apache2")
        case .haproxy:
            return Syntax(
                daemon: "HAProxy", keyword: setting,
                verify: { _ in ["haproxy -c -f /etc/haproxy/haproxy.cfg", probe] },
                reload: "haproxy -c -f /etc/haproxy/haproxy.cfg && systemctl reload haproxy")
        default:
            return Syntax(
                daemon: "OpenSSL applications", keyword: setting,
                verify: { f in
                    [
                        "OPENSSL_CONF=\(ShellQuote.quote("/" + f.path.display)) openssl s_client -connect HOST:443 </dev/null"
                    ]
                },
                reload: "restart the applications that read the system OpenSSL config")
        }
    }

    static func hostOf(_ context: String?) -> String {
        guard let context else { return "HOST:443" }
        let words = context.split(separator: " ")
        if words.count >= 2, words[0] == "server" || words[0] == "VirtualHost" { return String(words[1]) }
        return "HOST:443"
    }

    static func short(_ installed: String) -> String {
        String(installed.prefix { $0 != " " })
    }

    // MARK: - Lists

    static let x25519 = ["x25519"]
    static let p256 = ["p-256", "prime256v1", "secp256r1"]
    static let p384 = ["p-384", "secp384r1"]

    /// The classical groups kept, as written: X25519 and P-256 (P-384 under CNSA 2.0), else the first written.
    static func fallback(_ members: [Int], strict: Bool, context: PlanContext) -> [String] {
        let written = members.map { context.findings[$0] }.filter { $0.quantumStatus == .vulnerable }
        let preferred = strict ? [p384] : [x25519, p256]
        var kept: [String] = []
        for family in preferred {
            if let found = written.first(where: { family.contains($0.algorithm.lowercased()) }),
                context.assessments[context.findings.firstIndex(of: found) ?? -1]?.verdict.state != .disallowed
            {
                kept.append(found.algorithm)
            }
        }
        // Under CNSA 2.0 the classical fallback is P-384 (the one curve the profile names), never X25519.
        if kept.isEmpty, strict { kept.append("secp384r1") }
        if kept.isEmpty, let first = written.first { kept.append(first.algorithm) }
        return kept
    }

    static func dropped(_ names: [String], _ context: PlanContext) -> [String] {
        names.filter { name in !(x25519 + p256 + p384).contains(name.lowercased()) && !name.contains("MLKEM") }
    }

    static func contains(_ list: [String], _ name: String) -> Bool {
        list.contains { $0.lowercased() == name.lowercased() }
    }

    /// Replaces the group list that follows `keyword`'s last word on a line (`ssl_ecdh_curve a:b;`,
    /// `SSLOpenSSLConfCmd Groups a:b`, `bind :443 ssl crt x curves a:b`, `Groups = a:b`), keeping quotes and `;`.
    static func replaceList(path: ScanPath, line: Int, keyword: String, value: String, files: any PlanFileSource)
        -> (PlanPatch?, String?)
    {
        guard let bytes = files.bytes(of: path) else { return (nil, "\(path.display) could not be read back") }
        guard let text = TextFileLines(bytes: bytes) else { return (nil, "\(path.display) is not UTF-8 text") }
        guard line >= 1, line <= text.lines.count,
            let replaced = replacingList(in: text.lines[line - 1], after: keyword, with: value)
        else { return (nil, "\(path.display):\(line) no longer holds \(keyword): re-scan") }
        let edit = LineEdit(start: line - 1, removeCount: 1, insert: [replaced])
        guard let diff = text.unifiedDiff(path: path.display, edits: [edit]) else {
            return (nil, "the line already reads so")
        }
        return (PlanPatch(path: path.display, diff: diff), nil)
    }

    /// The line with the value after `keyword`'s last word replaced; nil when the word or its value is missing.
    static func replacingList(in line: String, after keyword: String, with value: String) -> String? {
        let wanted = (keyword.split(separator: " ").last.map(String.init) ?? keyword).lowercased()
        let chars = Array(line)
        var index = 0
        var valueStart: Int?
        while index < chars.count {
            while index < chars.count, chars[index] == " " || chars[index] == "\t" { index += 1 }
            let start = index
            while index < chars.count, !" \t=".contains(chars[index]) { index += 1 }
            let word = String(chars[start..<index]).lowercased()
            if word.hasPrefix("#") { return nil }
            if word == wanted {
                while index < chars.count, " \t=".contains(chars[index]) { index += 1 }
                valueStart = index
                break
            }
            while index < chars.count, chars[index] == "=" { index += 1 }
        }
        guard var start = valueStart, start < chars.count else { return nil }
        if chars[start] == "\"" || chars[start] == "'" { start += 1 }
        var end = start
        while end < chars.count, !" \t;\"'\r".contains(chars[end]) { end += 1 }
        guard end > start else { return nil }
        return String(chars[..<start]) + value + String(chars[end...])
    }
}
