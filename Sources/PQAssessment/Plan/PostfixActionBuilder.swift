import PQModel

/// Postfix `tls_eecdh_auto_curves` (postconf(5)): the hybrid `X25519MLKEM768` first, the classical curves kept.
/// Postfix hands each name to OpenSSL separately and skips the ones it does not know ("ignoring unknown ECDHE
/// curve", tls_dh.c), so unlike nginx the hybrid can be written before OpenSSL 3.5 arrives: it is ignored until
/// then, and the prerequisite says so. An unset list needs no edit on OpenSSL 3.5, whose Postfix default starts
/// with `?X25519MLKEM768` (Docs/mail-vpn-java.md).
public struct PostfixActionBuilder: PlanActionBuilder {
    public var family: String { "postfix" }

    public init() {}

    /// The SMTP client's protocol and cipher floors: raising them is only safe where TLS is mandatory.
    static let clientFloors: Set<String> = ["smtp_tls_protocols", "smtp_tls_ciphers"]

    public func reads(_ finding: Finding) -> Bool { finding.source == .postfix }

    public func handles(_ finding: Finding) -> Bool {
        finding.source == .postfix && (finding.usage == .group || Self.clientFloors.contains(finding.setting))
    }

    /// With `smtp_tls_security_level = may` (or unset: `none`) TLS is opportunistic: a peer that fails the handshake
    /// gets the mail in plaintext (postconf(5), smtp_tls_security_level; Postfix TLS_README "Client-side TLS
    /// security levels"), so raising the floor lowers protection. The floor is kept and the plan says why; where
    /// TLS is mandatory the floor is a long-tail action like any other.
    func floorActions(_ context: PlanContext) -> [PlanAction] {
        var groups: [String: [Int]] = [:]
        var order: [String] = []
        for (index, finding) in context.findings.enumerated()
        where finding.source == .postfix && Self.clientFloors.contains(finding.setting) && context.needsAction(index) {
            let key = "\(finding.path.display)|\(finding.setting)"
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(index)
        }
        return order.compactMap { key -> PlanAction? in
            guard let members = groups[key], let firstIndex = members.first else { return nil }
            let first = context.findings[firstIndex]
            let level = Self.securityLevel(first.path, context: context)
            guard level == "may" || level == "none" || level == "" else {
                return GenericActionBuilder().action(members, context: context)
            }
            let deadline = context.earliestDeadline(members)
            let main = first.path.display.split(separator: "/").dropLast().joined(separator: "/")
            return PlanAction(
                id: "replace-algorithm:postfix:\(first.path.display)#\(first.context ?? ""):\(first.setting)",
                kind: .replaceAlgorithm, phase: .longTail,
                title: "Keep the opportunistic \(first.setting) floor (\(first.path.display))",
                system: AssessedSystems.system(of: first).id, software: "postfix",
                locations: [PlanLocation(path: first.path.display, line: first.line, context: first.context)],
                retires: [], keeps: members.map(context.ref), rule: deadline.rule, ruleSource: deadline.source,
                deadline: deadline.day, deadlineReason: deadline.reason,
                change:
                    "keep \(first.setting) as it is: with smtp_tls_security_level = \(level.isEmpty ? "none" : level) "
                    + "a peer that fails the raised floor gets the mail in plaintext, so the floor protects nothing; "
                    + "raise smtp_tls_mandatory_protocols and per-destination entries in smtp_tls_policy_maps instead",
                patchWithheld: "raising an opportunistic floor sends mail in plaintext to the peers it refuses",
                verify: ["postconf -c \(ShellQuote.quote("/" + main)) -h smtp_tls_security_level \(first.setting)"],
                rollback: ["none: no configuration changes"],
                effort: PlanEffort(size: .small, hours: 0.5, reasoning: "a decision, recorded; no edit"))
        }
    }

    /// `smtp_tls_security_level` as the file sets it (the last line wins in main.cf); "" when unset.
    static func securityLevel(_ path: ScanPath, context: PlanContext) -> String {
        guard let bytes = context.input.files.bytes(of: path), let file = TextFileLines(bytes: bytes) else {
            return ""
        }
        var level = ""
        for line in file.lines {
            guard let parsed = ConfigDirectiveLine(line, keyword: "smtp_tls_security_level") else { continue }
            level = parsed.value.trimmingCharacters().lowercased()
        }
        return level
    }

    public func actions(_ context: PlanContext) -> [PlanAction] {
        var lines: [String: [Int]] = [:]
        var order: [String] = []
        for (index, finding) in context.findings.enumerated()
        where handles(finding) && finding.origin == .file && finding.line != nil
            && finding.setting == "tls_eecdh_auto_curves"
        {
            let key = "\(finding.path.display)|\(finding.line ?? 0)"
            if lines[key] == nil { order.append(key) }
            lines[key, default: []].append(index)
        }
        let openssl = context.installedVersion(family: "openssl", packages: TLSGroupActionBuilder.opensslPackages)
        return order.compactMap { key in lines[key].flatMap { lineAction($0, openssl: openssl, context: context) } }
            + floorActions(context)
    }

    func lineAction(_ members: [Int], openssl: (version: SoftwareVersion, text: String)?, context: PlanContext)
        -> PlanAction?
    {
        let first = context.findings[members[0]]
        guard let line = first.line,
            !members.contains(where: { context.findings[$0].algorithm.uppercased().contains("MLKEM") }),
            members.contains(where: context.needsAction),
            let text = PlanPatcher.lineText(path: first.path, line: line, files: context.input.files),
            let equals = text.firstIndex(of: "=")
        else { return nil }
        let value = String(text[text.index(after: equals)...]).trimmingCharacters()
        let separator = value.contains(",") ? ", " : " "
        // CNSA 2.0 names ML-KEM-1024 only (its kem-not-cnsa rule flags X25519MLKEM768).
        let hybrid = context.input.profile.id == "cnsa-2.0" ? "SecP384r1MLKEM1024" : "X25519MLKEM768"
        let newValue = hybrid + separator + value
        let leading = text[text.index(after: equals)...].prefix { $0 == " " || $0 == "\t" }
        let edited = String(text[...equals]) + leading + newValue
        var patch: PlanPatch?
        if let bytes = context.input.files.bytes(of: first.path), let file = TextFileLines(bytes: bytes),
            let diff = file.unifiedDiff(
                path: first.path.display, edits: [LineEdit(start: line - 1, removeCount: 1, insert: [edited])])
        {
            patch = PlanPatch(path: first.path.display, diff: diff)
        }
        let ready = openssl.map { $0.version >= TLSGroupActionBuilder.mlkemSince }
        let deadline = context.earliestDeadline(members)
        let config = first.path.display.split(separator: "/").dropLast().joined(separator: "/")
        return PlanAction(
            id: "key-exchange:postfix:\(first.path.display):tls_eecdh_auto_curves", kind: .keyExchange,
            phase: .keyExchange, title: "Hybrid post-quantum group first for Postfix (\(first.path.display):\(line))",
            system: AssessedSystems.system(of: first).id, software: "postfix",
            locations: [PlanLocation(path: first.path.display, line: line, context: first.context)],
            retires: [], keeps: members.filter(context.needsAction).map(context.ref), rule: deadline.rule,
            ruleSource: deadline.source, deadline: deadline.day, deadlineReason: deadline.reason,
            prerequisites: [
                PlanPrerequisite(
                    requirement: "OpenSSL >= 3.5 for X25519MLKEM768", installed: openssl?.text, satisfied: ready,
                    note: ready == true
                        ? nil
                        : "Postfix skips a group OpenSSL does not know, so the line is safe now "
                            + "and takes effect with the upgrade")
            ],
            change: "tls_eecdh_auto_curves = \(newValue)", patch: patch,
            patchWithheld: patch == nil ? "\(first.path.display) could not be read back" : nil,
            verify: [
                "postconf -c /\(config) -n tls_eecdh_auto_curves", "postfix check",
                "openssl s_client -starttls smtp -connect MX:25 -groups X25519MLKEM768 </dev/null | grep -i group",
            ],
            rollback: ["patch -R -p1 < this action's patch", "postfix reload"],
            effort: PlanEffort(
                size: .small, hours: 0.5,
                reasoning: "one parameter; `postfix reload` keeps queued mail; peers without ML-KEM use X25519"))
    }
}
