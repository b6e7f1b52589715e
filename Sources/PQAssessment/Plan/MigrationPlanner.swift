import PQCatalog
import PQModel

/// Builds the migration plan from one assessed scan (Docs/plan.md). Pure: the same input gives the same plan.
public enum MigrationPlanner {
    /// The family builders, one per software; more join as scanners land.
    public static let standardBuilders: [any PlanActionBuilder] = [
        OpenSSHActionBuilder(), TLSGroupActionBuilder(), PostfixActionBuilder(), StrongSwanActionBuilder(),
        CertificateActionBuilder(),
    ]

    /// The plan for one assessed scan: every builder's actions, then the long tail, linked (dependents), ordered
    /// (phase, deadline, dependencies) and grouped into dated phases. Pure: no disk, no clock.
    public static func plan(
        _ input: PlanInput, builders: [any PlanActionBuilder] = standardBuilders, catalog: Catalog = .shared
    ) -> Plan {
        let context = PlanContext(input: input, catalog: catalog)
        var actions: [PlanAction] = []
        var seen: Set<String> = []
        for builder in builders {
            for action in builder.actions(context) where seen.insert(action.id).inserted {
                actions.append(action)
            }
        }
        let handled = Set(actions.flatMap { $0.retires.map(\.index) + $0.keeps.map(\.index) })
        let rest = context.findings.indices.filter { index in
            context.needsAction(index) && !handled.contains(index)
                && !builders.contains { $0.handles(context.findings[index]) }
        }
        for action in GenericActionBuilder().actions(rest, context: context) where seen.insert(action.id).inserted {
            actions.append(action)
        }
        actions = ordered(link(actions))
        if let positions = input.findingIndexes { actions = renumbered(actions, positions: positions) }
        var notes: [String] = []
        if context.installedVersion(family: "openssh", packages: ["openssh-server", "openssh-client", "openssh"])
            == nil, context.findings.contains(where: { $0.source == .openssh })
        {
            notes.append(
                "The tree names no OpenSSH version: patches add only methods every OpenSSH since 8.5 accepts. "
                    + "`pqscout plan --openssh-version X.Y` (or `scan --openssh-version`) plans for the version you run."
            )
        }
        if input.profile.id == "cnsa-2.0", context.findings.contains(where: { $0.source == .openssh }) {
            notes.append(
                "OpenSSH has no CNSA 2.0-compliant key exchange: CNSA 2.0 names ML-KEM-1024 only, and no OpenSSH "
                    + "release offers an ML-KEM-1024 method (mlkem768x25519-sha256 and sntrup761x25519 are flagged "
                    + "by kem-not-cnsa), so the plan adds none; SSH stays on its current methods until one ships.")
        }
        notes += refusalNotes(context)
        let waived = input.judgements.waivedCount
        if waived > 0 {
            notes.append("\(waived) waived finding(s) are left out of the plan until their waiver expires.")
        }
        var plan = Plan(
            scanID: input.judgements.scanID, profile: input.profile.id, profileTitle: input.profile.title,
            asOf: input.judgements.asOf, phases: phases(actions), actions: actions, notes: notes)
        plan.installedVersions = installedVersions(context)
        return plan
    }

    /// One note per program that refuses the configuration it was given: none of its findings is in force, so no
    /// action here covers them, and what they hold comes into force once it starts. The plan must not read as
    /// complete for it (the findings say why: `ScanOutput.startNote`).
    static func refusalNotes(_ context: PlanContext) -> [String] {
        struct Refusal {
            var program: String
            var system: String
            var file: String
            var reason: String
            var count = 0
            var vulnerable = 0
        }
        let marker = " with this configuration: "
        var order: [String] = []
        var groups: [String: Refusal] = [:]
        for finding in context.findings where !finding.effective {
            guard let note = finding.note, note.hasPrefix("not in force: "), let at = note.range(of: marker) else {
                continue
            }
            let program = note[note.index(note.startIndex, offsetBy: 14)..<at.lowerBound]
            guard program.hasSuffix(" refuses to start") || program.hasSuffix(" refuses to run") else { continue }
            let name = String(program.split(separator: " ").first ?? "")
            let system = AssessedSystems.system(of: finding).id
            let key = name + "\u{0}" + system
            if groups[key] == nil {
                let rest = note[at.upperBound...]
                let reason = String(rest[..<(rest.range(of: "; ")?.lowerBound ?? rest.endIndex)])
                order.append(key)
                groups[key] = Refusal(program: name, system: system, file: finding.path.display, reason: reason)
            }
            groups[key]?.count += 1
            if finding.quantumStatus == .vulnerable || finding.quantumStatus == .broken { groups[key]?.vulnerable += 1 }
        }
        func check(_ program: String, _ file: String) -> String {
            switch program {
            case "sshd": "sshd -t"
            case "ssh": "ssh -G HOST"
            case "nginx": "nginx -t"
            case "httpd": "apachectl configtest"
            case "haproxy": "haproxy -c -f " + ShellQuote.quote("/" + file)
            default: "the program's own configuration check"
            }
        }
        // A tree of many hosts may hold thousands of refusing systems; the plan stays readable (issue 20).
        let shown = 20
        let refusals = order.compactMap { groups[$0] }
        var notes = refusals.prefix(shown).map { group in
            "\(group.program) refuses to \(group.program == "ssh" ? "run" : "start") with the configuration of "
                + "\(group.system) (\(group.reason)): its \(group.count) finding(s), \(group.vulnerable) of them "
                + "quantum-vulnerable or broken, are not in force, so no action here covers them; they come into "
                + "force when it starts. Once \(check(group.program, group.file)) passes, scan and plan again."
        }
        if refusals.count > shown {
            let rest = refusals.dropFirst(shown)
            notes.append(
                "\(rest.count) more program(s) refuse their configuration, with \(rest.map(\.count).reduce(0, +)) "
                    + "finding(s) not in force: \(rest.prefix(5).map { "\($0.program) (\($0.system))" }.joined(separator: ", "))"
                    + (rest.count > 5 ? ", ..." : "") + "; each as above.")
        }
        return notes
    }

    /// The actions with each finding reference's index turned from its place in the planner's findings into its
    /// place in the scan's (`PlanInput.findingIndexes`).
    static func renumbered(_ actions: [PlanAction], positions: [Int]) -> [PlanAction] {
        func scanIndex(_ ref: FindingRef) -> FindingRef {
            var copy = ref
            if positions.indices.contains(ref.index) { copy.index = positions[ref.index] }
            return copy
        }
        return actions.map { action in
            var copy = action
            copy.retires = action.retires.map(scanIndex)
            copy.keeps = action.keeps.map(scanIndex)
            return copy
        }
    }

    /// The versions in force by family, as the builders read them (flag first, then the package database).
    static func installedVersions(_ context: PlanContext) -> [String: String] {
        var versions: [String: String] = [:]
        let families: [(String, [String])] = [
            ("openssh", ["openssh-server", "openssh-client", "openssh"]),
            ("openssl", TLSGroupActionBuilder.opensslPackages), ("strongswan", StrongSwanActionBuilder.packages),
        ]
        for (family, packages) in families {
            if let found = context.installedVersion(family: family, packages: packages) {
                versions[family] = found.version.description
            }
        }
        return versions
    }

    /// Drops dependencies on actions the plan does not hold and fills `dependents` from `dependsOn`.
    static func link(_ actions: [PlanAction]) -> [PlanAction] {
        var result = actions
        let ids = Set(result.map(\.id))
        for index in result.indices {
            result[index].dependsOn = result[index].dependsOn.filter { ids.contains($0) }
        }
        for index in result.indices {
            let id = result[index].id
            result[index].dependents = result.filter { $0.dependsOn.contains(id) }.map(\.id)
        }
        // Dates consistent along every chain: a prerequisite is due no later than the earliest action waiting
        // for it (an upgrade, TLS 1.3 enablement, an issuer's re-issue).
        let byID = Dictionary(result.enumerated().map { ($1.id, $0) }) { first, _ in first }
        for _ in 0..<4 {
            for index in result.indices {
                let waiting = result[index].dependents.compactMap { byID[$0].flatMap { result[$0].deadline } }.min()
                guard let waiting, result[index].deadline.map({ waiting < $0 }) ?? true else { continue }
                result[index].deadline = waiting
                if !result[index].deadlineReason.contains("an action waiting for it") {
                    result[index].deadlineReason += "; due \(waiting): an action waiting for it is due then"
                }
            }
        }
        return result
    }

    /// Phase order, then (within a phase) dependencies first, then the earliest deadline, then the id.
    static func ordered(_ actions: [PlanAction]) -> [PlanAction] {
        let sorted = actions.sorted { left, right in
            if left.phase != right.phase { return left.phase < right.phase }
            switch (left.deadline, right.deadline) {
            case (let l?, let r?) where l != r: return l < r
            case (.some, nil): return true
            case (nil, .some): return false
            default: return left.id < right.id
            }
        }
        // Stable topological pass: an action never precedes one it depends on.
        var out: [PlanAction] = []
        var placed: Set<String> = []
        var pending = sorted
        while !pending.isEmpty {
            let ready = pending.firstIndex { action in action.dependsOn.allSatisfy { placed.contains($0) } } ?? 0
            let action = pending.remove(at: ready)
            out.append(action)
            placed.insert(action.id)
        }
        return out
    }

    static func phases(_ actions: [PlanAction]) -> [PlanPhase] {
        PlanPhaseKind.allCases.compactMap { kind in
            let members = actions.filter { $0.phase == kind }
            guard !members.isEmpty else { return nil }
            var deadline = members.compactMap(\.deadline).min()
            if kind == .prerequisites {
                let ids = Set(members.map(\.id))
                deadline = actions.filter {
                    !Set($0.dependsOn).isDisjoint(with: ids)
                        || $0.prerequisites.contains {
                            $0.satisfied == false
                        }
                }.compactMap(\.deadline).min()
            }
            let info = PlanPhases.describe(kind)
            return PlanPhase(
                kind: kind, title: info.title, rationale: info.rationale, source: info.source, deadline: deadline,
                actions: members.map(\.id))
        }
    }
}

/// Why each phase sits where it does, and the source behind it (Docs/plan.md repeats and extends these).
public enum PlanPhases {
    /// The title, the reason for the phase's place in the order, and the source behind it.
    public static func describe(_ kind: PlanPhaseKind) -> (title: String, rationale: String, source: String) {
        switch kind {
        case .prerequisites:
            (
                "Prerequisites: software that can speak post-quantum",
                "A configuration can only name what the installed library or daemon accepts; upgrades come first "
                    + "and are dated by the earliest action waiting for them.",
                "OpenSSH 9.9 release notes (mlkem768x25519-sha256); OpenSSL 3.5 release notes (ML-KEM, ML-DSA)"
            )
        case .keyExchange:
            (
                "Key exchange: hybrid post-quantum first",
                "Traffic recorded today can be decrypted once a quantum computer exists (harvest now, decrypt "
                    + "later), so key exchange moves before signatures, which an attacker must forge live.",
                "NIST IR 8547 ipd §4.1; NSA CNSA 2.0 FAQ; NCSC 'Timelines for migration to PQC' (2025)"
            )
        case .classicallyBroken:
            (
                "Classically broken cryptography: now",
                "SHA-1 signatures, RSA below 2048 bits, MD5 and their kin are broken without a quantum computer; "
                    + "their deadline has passed.",
                "NIST SP 800-131A Rev. 2; RFC 8332 and OpenSSH 8.8 release notes (ssh-rsa)"
            )
        case .signatures:
            (
                "Signatures and PKI: roots and long-lived keys before leaves",
                "A root or code-signing key outlives the certificates under it and must be trusted by relying "
                    + "parties before anything it signs can move; leaves follow their issuers.",
                "NIST IR 8547 ipd §4.2; FIPS 204 (ML-DSA); CNSA 2.0 (software and firmware signing first)"
            )
        case .longTail:
            (
                "The long tail",
                "Everything else the policy names, without a generated patch: edited by hand and verified by a "
                    + "re-scan.",
                "the profile's rules (Docs/policies.md)"
            )
        }
    }
}
