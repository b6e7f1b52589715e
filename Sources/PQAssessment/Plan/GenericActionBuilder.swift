import PQCatalog
import PQModel

/// The long tail: findings no family builder handled, one action per system and setting, with the catalog's
/// replacement and no patch (the planner knows no syntax for them yet).
public struct GenericActionBuilder: Sendable {
    public init() {}

    /// One action per system and setting (per system for keys) over the given finding indexes.
    public func actions(_ indexes: [Int], context: PlanContext) -> [PlanAction] {
        var groups: [String: [Int]] = [:]
        var order: [String] = []
        for index in indexes {
            let finding = context.findings[index]
            let material = AssessedSystems.isMaterial(finding.source)
            let key = "\(AssessedSystems.system(of: finding).id)|\(material ? "keys" : finding.setting)"
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(index)
        }
        let single = order.compactMap { key in groups[key].map { action($0, context: context) } }
        return Self.grouped(single, context: context)
    }

    /// The same setting with the same change in many systems (10,000 nginx servers with one `ssl_ciphers` line)
    /// becomes one action over the list: same kind, phase, software, setting, change (which names the algorithms
    /// and their successors), prerequisites, deadline and rule.
    static func grouped(_ actions: [PlanAction], context: PlanContext) -> [PlanAction] {
        let members = actions.map { action -> GroupableAction in
            let setting = action.kind == .keyRotation ? "keys" : action.retires.first?.setting ?? "-"
            let current = action.retires.reduce(into: [String]()) { names, ref in
                let name = ref.canonical ?? ref.algorithm
                if !names.contains(name) { names.append(name) }
            }
            let key =
                [
                    action.kind.rawValue, action.phase.rawValue, action.software, setting, action.change,
                    action.deadline?.description ?? "-", action.rule ?? "-",
                ] + action.prerequisites.map(\.label)
            return GroupableAction(
                action: action, key: key, idParts: [action.kind.rawValue, action.software, setting],
                asset: PlanAsset(
                    action: action.id, name: action.system, current: current.joined(separator: ", "),
                    locations: action.locations, deadline: action.deadline, findings: action.retires.count))
        }
        return PlanActionGrouping.merge(members) { first, count in
            let keys = first.action.kind == .keyRotation
            return GroupWording(
                title: keys
                    ? "Replace the keys in \(count) systems"
                    : "Replace \(first.idParts[2]) in \(count) \(first.action.software) systems",
                change: first.action.change, verify: first.action.verify)
        }.actions
    }

    /// Settings whose honest change is not "algorithm → successor": DH parameter files (no post-quantum form),
    /// `RequiredRSASize` (a size), WireGuard (a pre-shared key or Rosenpass), SSH keys (no released OpenSSH signs
    /// post-quantum) and Java's ML-DSA settings on a JDK older than 24 (JEP 497).
    static func specialChange(_ first: Finding, names: [String], members: [Int], context: PlanContext) -> (
        change: String, prerequisites: [PlanPrerequisite]
    )? {
        let setting = first.setting.lowercased()
        let dhSettings: Set<String> = [
            "ssl_dhparam", "smtpd_tls_dh1024_param_file", "smtpd_tls_dh512_param_file", "ssl_dh", "dh",
            "sslopensslconfcmd dhparameters",
        ]
        if dhSettings.contains(setting) || (names == ["DH"]) {
            return (
                "finite-field DH parameters have no post-quantum form and serve only TLS 1.2 DHE suites: keep them "
                    + "at 3072 bits or more (RFC 7919 ffdhe3072) or drop DHE; the post-quantum change is the hybrid "
                    + "TLS 1.3 group (X25519MLKEM768)", []
            )
        }
        if first.usage == .protocolVersion, names.allSatisfy({ $0.uppercased().hasPrefix("TLSV1.2") }) {
            return (
                "enable TLS 1.3 beside TLS 1.2 (the hybrid groups exist only in TLS 1.3); turn TLS 1.2 off only once "
                    + "no client needs it, by the profile's date", []
            )
        }
        if setting == "requiredrsasize" {
            return (
                "RequiredRSASize 3072 (RSA below 3072 bits gives less than 128-bit strength, NIST SP 800-57 Pt 1 "
                    + "Table 2); once every key it admits is that size. Post-quantum SSH signatures wait for OpenSSH",
                []
            )
        }
        if first.source == .wireguard {
            return (
                "WireGuard's Noise handshake has no post-quantum exchange: add a PresharedKey per peer (mixed into "
                    + "the handshake for post-quantum resistance, WireGuard paper §5.2) or run Rosenpass beside it to "
                    + "rotate that key with a post-quantum exchange; the X25519 keys stay", []
            )
        }
        if first.source == .sshKey || (first.source == .openssh && setting == "hostkey") {
            return (
                "no released OpenSSH has a post-quantum signature: keep the keys (ssh-ed25519 preferred; RSA at 3072 "
                    + "bits or more) and replace them when OpenSSH ships one", []
            )
        }
        if first.source == .javaSecurity, setting.contains("certpath") || setting.contains("jar"),
            let jdk = Self.jdkVersion(first.path.display), jdk < Self.mlDSAJDK
        {
            return (
                "ML-DSA in certificate paths and signed JARs needs JDK \(Self.mlDSAJDK) or later (JEP 497); JDK \(jdk) validates "
                    + "none, so the classical algorithms stay until the JDK upgrade",
                [
                    PlanPrerequisite(
                        requirement: "JDK >= \(Self.mlDSAJDK) for ML-DSA (JEP 497)",
                        installed: "JDK \(jdk) (from the path)",
                        satisfied: false)
                ]
            )
        }
        return nil
    }

    /// The first JDK feature release that verifies ML-DSA signatures, from the catalog's release table.
    static let mlDSAJDK = ReleaseFloor.first("jdk", bringing: "ML-DSA-65", as: .signature).parts.first ?? 0

    /// The JDK feature version a path names (`etc/java-21-openjdk/...`, `jdk-17/...`), if any.
    static func jdkVersion(_ path: String) -> Int? {
        for component in path.split(separator: "/") {
            let lower = component.lowercased()
            guard lower.hasPrefix("java-") || lower.hasPrefix("jdk-") || lower.hasPrefix("jdk") else { continue }
            let digits = lower.drop { !$0.isNumber }.prefix { $0.isNumber }
            if let value = Int(digits) { return value }
        }
        return nil
    }

    func action(_ members: [Int], context: PlanContext) -> PlanAction {
        let first = context.findings[members[0]]
        let system = AssessedSystems.system(of: first)
        let broken = members.contains { context.findings[$0].quantumStatus == .broken }
        let keyMaterial = AssessedSystems.isMaterial(first.source)
        let phase: PlanPhaseKind =
            broken
            ? .classicallyBroken
            : first.usage == .keyExchange || first.usage == .group
                ? .keyExchange
                : first.usage == .signature || first.usage == .publicKey ? .signatures : .longTail
        let names = members.map { context.findings[$0].canonical ?? context.findings[$0].algorithm }
            .reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        let special = Self.specialChange(first, names: names, members: members, context: context)
        var unnamed: [String] = []
        var replacements: [String] = []
        for name in names {
            if let replacement = context.catalog.entry(named: name)?.replacement {
                replacements.append("\(name) → \(replacement)")
            } else {
                unnamed.append(name)
            }
        }
        if !unnamed.isEmpty {
            // Suites and containers the catalog names no successor for: one sentence, not one arrow each.
            let suites = members.filter { context.findings[$0].usage == .cipherSuite }.count
            replacements.append(
                suites > 0
                    ? "\(unnamed.count) TLS 1.2 cipher suite(s) (\(unnamed.prefix(3).joined(separator: ", "))"
                        + "\(unnamed.count > 3 ? ", …" : "")): their quantum exposure is the key exchange, which the "
                        + "hybrid TLS 1.3 group fixes; trim the list by the profile's dates"
                    : "\(unnamed.joined(separator: ", ")): no successor in the catalog; review by hand")
        }
        var locations: [PlanLocation] = []
        for index in members {
            let finding = context.findings[index]
            let location = PlanLocation(path: finding.path.display, line: finding.line, context: finding.context)
            if !locations.contains(location) { locations.append(location) }
        }
        let deadline = context.earliestDeadline(members)
        let kind: PlanActionKind = keyMaterial ? .keyRotation : .replaceAlgorithm
        return PlanAction(
            id: "\(kind.rawValue):\(system.id)" + (keyMaterial ? "" : ":\(first.setting)"), kind: kind, phase: phase,
            title: (keyMaterial ? "Replace the keys in " : "Replace \(first.setting) in ") + system.id,
            system: system.id, software: first.source.rawValue, locations: locations,
            retires: members.map(context.ref), rule: deadline.rule, ruleSource: deadline.source,
            deadline: deadline.day, deadlineReason: deadline.reason, prerequisites: special?.prerequisites ?? [],
            change: special?.change ?? replacements.joined(separator: "; "),
            patchWithheld: keyMaterial
                ? "keys are generated and distributed, not patched"
                : "the planner has no \(first.source.rawValue) syntax for this setting yet: edit by hand",
            verify: ["pqscout scan ROOT && pqscout plan --since \(context.input.judgements.scanID)"],
            rollback: keyMaterial
                ? ["keep the old key until every peer trusts the new one; then remove it"]
                : ["restore the file from the scan's copy or version control"],
            effort: PlanEffort(
                size: members.count > 5 ? .medium : .small, hours: members.count > 5 ? 4 : 1,
                reasoning: "\(locations.count) place(s) edited by hand; no generated patch"))
    }
}
