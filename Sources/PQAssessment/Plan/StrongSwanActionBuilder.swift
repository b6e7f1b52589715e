import Foundation
import PQModel

/// strongSwan IKE and ESP proposals (`ike=`/`esp=` in ipsec.conf(5), `proposals`/`esp_proposals` in
/// swanctl.conf(5)). Each proposal keeps its classical key exchange as the first exchange and gains an additional
/// ML-KEM exchange, `ke1_mlkem768` (RFC 9370 multiple key exchanges, FIPS 203; strongSwan 6.0 release notes),
/// which is the hybrid with the classical fallback built in. A key exchange already broken (`modp1024`, DH below
/// 2048 bits) is replaced by `x25519` (RFC 8031). strongSwan before 6.0 does not know `ke1_` or `mlkem768`:
/// charon rejects the whole proposal, so the planner only writes them for 6.0 or later.
public struct StrongSwanActionBuilder: PlanActionBuilder {
    public var family: String { "strongswan" }

    public init() {}

    static let mlkemSince = ReleaseFloor.first("strongswan", bringing: "mlkem768", as: .keyExchange)
    static let packages = [
        "strongswan", "strongswan-charon", "strongswan-libcharon", "libstrongswan", "strongswan-starter",
    ]
    static let settings: Set<String> = ["ike", "esp", "proposals", "esp_proposals"]

    public func reads(_ finding: Finding) -> Bool { finding.source == .strongswan }

    public func handles(_ finding: Finding) -> Bool {
        finding.source == .strongswan && finding.usage == .keyExchange
            && Self.settings.contains(finding.setting.lowercased())
    }

    public func actions(_ context: PlanContext) -> [PlanAction] {
        let indexes = context.findings.indices.filter { handles(context.findings[$0]) }
        guard !indexes.isEmpty else { return [] }
        let installed = context.installedVersion(family: "strongswan", packages: Self.packages)
        let hybridOK = installed.map { $0.version >= Self.mlkemSince } ?? false
        var lines: [String: [Int]] = [:]
        var order: [String] = []
        for index in indexes {
            let finding = context.findings[index]
            guard finding.origin == .file, finding.line != nil else { continue }
            let key = "\(finding.path.display)|\(finding.line ?? 0)|\(finding.setting)"
            if lines[key] == nil { order.append(key) }
            lines[key, default: []].append(index)
        }
        var actions: [PlanAction] = []
        var waits = false
        for key in order {
            guard let members = lines[key],
                var action = lineAction(members, hybridOK: hybridOK, installed: installed?.text, context: context)
            else { continue }
            if !hybridOK {
                if action.patch == nil { action.dependsOn.append("upgrade:strongswan") }
                waits = true
            }
            actions.append(action)
        }
        if waits { actions.insert(upgradeAction(installed: installed?.text), at: 0) }
        return actions
    }

    func lineAction(_ members: [Int], hybridOK: Bool, installed: String?, context: PlanContext) -> PlanAction? {
        let first = context.findings[members[0]]
        guard let line = first.line else { return nil }
        let needs = members.filter(context.needsAction)
        let hasMLKEM = members.contains { context.findings[$0].algorithm.lowercased().contains("mlkem") }
        let broken = needs.filter { context.findings[$0].quantumStatus == .broken }
        guard !needs.isEmpty, !hasMLKEM || !broken.isEmpty else { return nil }
        let brokenNames = Set(broken.map { context.findings[$0].algorithm.lowercased() })
        var patch: PlanPatch?
        var withheld: String?
        var newValue: String?
        var optIn: PlanPatch?
        if let text = PlanPatcher.lineText(path: first.path, line: line, files: context.input.files),
            let value = Self.value(in: text, setting: first.setting)
        {
            let upgraded = Self.rewrite(
                value.text, replacing: brokenNames, addMLKEM: hybridOK, cnsa: context.input.profile.id == "cnsa-2.0")
            if upgraded != value.text {
                // The conn's peer negotiates from this list: the new proposals go first and the peer's current
                // ones stay after them, so a peer that knows nothing newer still finds its proposal. Dropping
                // them is the opt-in patch, once the peer has moved.
                let rewritten = Self.merge(upgraded, keeping: value.text)
                newValue = rewritten
                let edited =
                    String(text[..<value.range.lowerBound]) + rewritten + String(text[value.range.upperBound...])
                if let bytes = context.input.files.bytes(of: first.path), let file = TextFileLines(bytes: bytes),
                    let diff = file.unifiedDiff(
                        path: first.path.display, edits: [LineEdit(start: line - 1, removeCount: 1, insert: [edited])])
                {
                    patch = PlanPatch(path: first.path.display, diff: diff)
                    if !broken.isEmpty {
                        let alone =
                            String(text[..<value.range.lowerBound]) + upgraded + String(text[value.range.upperBound...])
                        let after = file.applying([LineEdit(start: line - 1, removeCount: 1, insert: [edited])])
                        optIn = after.unifiedDiff(
                            path: first.path.display,
                            edits: [LineEdit(start: line - 1, removeCount: 1, insert: [alone])]
                        ).map { PlanPatch(path: first.path.display, diff: $0) }
                    }
                }
            }
        } else {
            withheld = "\(first.path.display):\(line) could not be read back: re-scan"
        }
        if patch == nil, withheld == nil {
            withheld =
                "strongSwan \(installed ?? "(version unknown)") cannot accept ke1_mlkem768 (RFC 9370 additional key "
                + "exchanges arrived in 6.0): charon would reject the proposal, so the change waits for "
                + "upgrade:strongswan"
        }
        let retires = broken
        let keeps = needs.filter { !broken.contains($0) }
        let peer = first.context ?? first.path.display
        let blockedOn =
            broken.isEmpty
            ? nil
            : "upgrade or retire the peer of \(peer) first: the default patch puts the new proposal first and keeps "
                + "\(brokenNames.sorted().joined(separator: ", ")) after it for that peer; the opt-in patch drops it"

        var deadline = context.earliestDeadline(needs)
        if !broken.isEmpty { deadline = context.earliestDeadline(broken) }
        return PlanAction(
            id: "key-exchange:strongswan:\(first.path.display)#\(first.context ?? ""):\(first.setting)",
            kind: .keyExchange, phase: broken.isEmpty ? .keyExchange : .classicallyBroken,
            title:
                "Hybrid ML-KEM key exchange for the strongSwan \(first.setting) proposals (\(first.path.display):\(line))",
            system: AssessedSystems.system(of: first).id, software: "strongswan",
            locations: [PlanLocation(path: first.path.display, line: line, context: first.context)],
            retires: retires.map(context.ref), keeps: keeps.map(context.ref), rule: deadline.rule,
            ruleSource: deadline.source, deadline: deadline.day, deadlineReason: deadline.reason,
            prerequisites: [
                PlanPrerequisite(
                    requirement: "strongSwan >= 6.0 with the ml plugin (or openssl >= 3.5) for ke1_mlkem768",
                    installed: installed, satisfied: installed == nil ? nil : hybridOK)
            ],
            change: "\(first.setting)=\(newValue ?? "<each proposal>-ke1_mlkem768")", patch: patch,
            patchWithheld: withheld,
            verify: [
                "swanctl --load-all (or ipsec reload)", "swanctl --list-sas | grep -i mlkem",
                "journalctl -u strongswan | grep -i 'selected proposal'",
            ],
            rollback: ["patch -R -p1 < this action's patch", "swanctl --load-all (or ipsec reload); peers rekey"],
            effort: PlanEffort(
                size: .medium, hours: 4,
                reasoning: "both ends of each tunnel must offer the same proposal: coordinate with the peer, then "
                    + "rekey; the classical exchange stays as the first round"),
            blockedOn: blockedOn, optInPatch: optIn)
    }

    func upgradeAction(installed: String?) -> PlanAction {
        PlanAction(
            id: "upgrade:strongswan", kind: .upgrade, phase: .prerequisites,
            title: "Upgrade strongSwan to 6.0 or later (ML-KEM, RFC 9370)", system: "software:strongswan",
            software: "strongswan", locations: [], retires: [],
            deadlineReason: "dated by the IPsec key-exchange actions waiting for it",
            prerequisites: [
                PlanPrerequisite(
                    requirement: "strongSwan >= 6.0", installed: installed, satisfied: installed == nil ? nil : false)
            ],
            change: "install strongSwan 6.0 or later with the ml plugin (Debian 13 ships 6.0)",
            patchWithheld: "a package upgrade, not a configuration edit",
            verify: ["swanctl --version", "swanctl --list-algs | grep -i mlkem"],
            rollback: ["reinstall the previous package; swanctl --load-all"],
            effort: PlanEffort(
                size: .medium, hours: 8, reasoning: "a daemon upgrade on both ends of every tunnel, one peer at a time"),
            requiredVersion: PlanVersionRequirement(family: "strongswan", minimum: Self.mlkemSince.description))
    }

    /// The proposal list after `setting=` or `setting =` on a line, and where it sits.
    static func value(in line: String, setting: String) -> (text: String, range: Range<String.Index>)? {
        guard let keyRange = line.range(of: setting, options: [.caseInsensitive]) else { return nil }
        var index = keyRange.upperBound
        while index < line.endIndex, line[index] == " " || line[index] == "\t" || line[index] == "=" {
            index = line.index(after: index)
        }
        var end = index
        while end < line.endIndex, !" \t\r#\"".contains(line[end]) { end = line.index(after: end) }
        guard end > index else { return nil }
        return (String(line[index..<end]), index..<end)
    }

    /// The upgraded proposals first, then each original proposal that differs from them (the peer's), with the
    /// strict `!` kept once at the end.
    static func merge(_ upgraded: String, keeping original: String) -> String {
        let strict = upgraded.hasSuffix("!") || original.hasSuffix("!")
        func parts(_ list: String) -> [String] {
            (list.hasSuffix("!") ? String(list.dropLast()) : list).split(separator: ",").map(String.init)
        }
        var out = parts(upgraded)
        for proposal in parts(original) where !out.contains(proposal) { out.append(proposal) }
        return out.joined(separator: ",") + (strict ? "!" : "")
    }

    /// Each proposal with broken key exchanges replaced by x25519 and, when allowed, `ke1_mlkem768` added after
    /// its key exchange; a proposal without a key exchange (ESP without PFS) is left alone.
    /// Under CNSA 2.0 the additional exchange is `ke1_mlkem1024` and a broken exchange becomes `ecp384`: the
    /// profile's own `kem-not-cnsa` rule flags ML-KEM-768 (CNSA 2.0 names ML-KEM-1024 only).
    static func rewrite(_ list: String, replacing broken: Set<String>, addMLKEM: Bool, cnsa: Bool = false) -> String {
        let replacement = cnsa ? "ecp384" : "x25519"
        let additional = cnsa ? "ke1_mlkem1024" : "ke1_mlkem768"
        let strict = list.hasSuffix("!")
        let body = strict ? String(list.dropLast()) : list
        let proposals = body.split(separator: ",", omittingEmptySubsequences: false).map { proposal -> String in
            var transforms = proposal.split(separator: "-").map(String.init)
            var sawKE = false
            for (index, transform) in transforms.enumerated() where isKeyExchange(transform) {
                sawKE = true
                if broken.contains(transform.lowercased()) { transforms[index] = replacement }
            }
            var seen: Set<String> = []
            transforms = transforms.filter { seen.insert($0.lowercased()).inserted }
            if addMLKEM, sawKE, !transforms.contains(where: { $0.lowercased().contains("mlkem") }) {
                transforms.append(additional)
            }
            return transforms.joined(separator: "-")
        }
        return proposals.joined(separator: ",") + (strict ? "!" : "")
    }

    static func isKeyExchange(_ transform: String) -> Bool {
        let t = transform.lowercased()
        return t.hasPrefix("modp") || t.hasPrefix("ecp") || t.hasPrefix("curve") || t == "x25519" || t == "x448"
            || t.hasPrefix("brainpool")
    }
}
