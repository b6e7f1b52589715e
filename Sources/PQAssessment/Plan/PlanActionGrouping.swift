import PQModel

/// One asset's action before identical ones are merged, with what makes it identical to another.
struct GroupableAction {
    var action: PlanAction
    /// Two actions with equal keys make the same change: the same kind, the same current algorithm and
    /// parameters, the same target, the same deadline and rule (Docs/plan.md, "Identical actions become one").
    var key: [String]
    /// The readable part of the merged action's id; the rest of the key only splits groups.
    var idParts: [String]
    var asset: PlanAsset
}

/// How a builder words the merged action: it alone knows its vocabulary (certificates, settings, keys).
struct GroupWording {
    var title: String
    var change: String
    var verify: [String]
    var system: String?
}

/// Merges identical per-asset actions into one action with a count and the list of its assets, so a plan over
/// 20,000 certificates of one kind says "re-issue 20,000 certificates" once instead of 20,000 times.
///
/// An action that edits a file (a patch, an opt-in patch), waits for a peer or names compatibility issues is never
/// merged: each of those is read and applied on its own.
enum PlanActionGrouping {
    /// - Returns: the actions in the order their first member came, single members unchanged, and every member id
    ///   mapped to the id of the action that now stands for it.
    static func merge(_ members: [GroupableAction], wording: (GroupableAction, Int) -> GroupWording) -> (
        actions: [PlanAction], idMap: [String: String]
    ) {
        var groups: [[String]: [Int]] = [:]
        var order: [[String]] = []
        for (index, member) in members.enumerated() {
            var key = member.key
            if !mergeable(member.action) { key += ["alone", member.action.id] }
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(index)
        }
        var actions: [PlanAction] = []
        var idMap: [String: String] = [:]
        var usedIDs = Set(members.map(\.action.id))
        for key in order {
            guard let indexes = groups[key], let first = indexes.first else { continue }
            guard indexes.count > 1 else {
                actions.append(members[first].action)
                continue
            }
            let group = indexes.map { members[$0] }
            var id = members[first].idParts.joined(separator: ":")
            var suffix = 2
            while usedIDs.contains(id) {
                id = members[first].idParts.joined(separator: ":") + "#\(suffix)"
                suffix += 1
            }
            usedIDs.insert(id)
            for member in group { idMap[member.action.id] = id }
            actions.append(merged(group, id: id, wording: wording(members[first], group.count)))
        }
        for index in actions.indices {
            var seen: Set<String> = []
            actions[index].dependsOn = actions[index].dependsOn.map { idMap[$0] ?? $0 }.filter {
                $0 != actions[index].id && seen.insert($0).inserted
            }
        }
        return (actions, idMap)
    }

    static func mergeable(_ action: PlanAction) -> Bool {
        action.patch == nil && action.optInPatch == nil && action.blockedOn == nil && action.compatibility.isEmpty
            && action.requiredVersion == nil
    }

    static func merged(_ group: [GroupableAction], id: String, wording: GroupWording) -> PlanAction {
        var totals = GroupTotals()
        for member in group {
            totals.add(
                locations: member.action.locations, retires: member.action.retires, keeps: member.action.keeps,
                dependsOn: member.action.dependsOn, system: member.action.system, hours: member.action.effort.hours,
                deadline: member.action.deadline, asset: member.asset)
        }
        return merged(first: group[0].action, id: id, wording: wording, totals: totals)
    }

    /// The merged action: what every member shares from the first, the rest from the group's totals.
    static func merged(first: PlanAction, id: String, wording: GroupWording, totals: GroupTotals) -> PlanAction {
        let hours = totals.hours
        // The sum is what doing them one by one costs; the reasoning says what a bulk run saves, so nobody
        // budgets 40,000 hours for 20,000 leaves that one ACME rollout re-issues.
        let effort = PlanEffort(
            size: hours <= 2 ? .small : hours <= 16 ? .medium : .large, hours: hours,
            reasoning: "\(totals.assets.count) × about \(PlanActionGrouping.hours(first.effort.hours)) h, one by one: "
                + first.effort.reasoning + "; a scripted run over the list (ACME, the CA's or the fleet tool's "
                + "bulk interface) costs far less than the sum")
        return PlanAction(
            id: id, kind: first.kind, phase: first.phase, title: wording.title,
            system: wording.system
                ?? (totals.systems.count == 1 ? first.system : "\(totals.systems.count) systems (see the list)"),
            software: first.software, locations: totals.locations, retires: totals.retires, keeps: totals.keeps,
            rule: first.rule, ruleSource: first.ruleSource, deadline: totals.deadline,
            deadlineReason: first.deadlineReason, prerequisites: first.prerequisites, change: wording.change,
            patchWithheld: first.patchWithheld, verify: wording.verify, rollback: first.rollback, effort: effort,
            dependsOn: totals.dependsOn,
            assetList: PlanAssetList(
                count: totals.assets.count, findings: totals.retires.count, assets: totals.assets))
    }

    static func hours(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}

/// What a merged action's members add up to, gathered one member at a time: a builder can add members without
/// writing an action for each.
struct GroupTotals {
    /// Every member's places, each once, in the order they came.
    private(set) var locations: [PlanLocation] = []
    private var seenLocations: Set<PlanLocation> = []
    private(set) var retires: [FindingRef] = []
    private(set) var keeps: [FindingRef] = []
    private(set) var dependsOn: [String] = []
    private(set) var systems: Set<String> = []
    /// The members' efforts summed in member order.
    private(set) var hours: Double = 0
    /// The earliest member deadline.
    private(set) var deadline: CalendarDay?
    /// One row per member, in member order.
    private(set) var assets: [PlanAsset] = []

    mutating func add(
        locations: [PlanLocation], retires: [FindingRef], keeps: [FindingRef], dependsOn: [String], system: String,
        hours: Double, deadline: CalendarDay?, asset: PlanAsset
    ) {
        for location in locations where seenLocations.insert(location).inserted { self.locations.append(location) }
        self.retires += retires
        self.keeps += keeps
        for dependency in dependsOn where !self.dependsOn.contains(dependency) { self.dependsOn.append(dependency) }
        systems.insert(system)
        self.hours += hours
        if let deadline { self.deadline = self.deadline.map { min($0, deadline) } ?? deadline }
        assets.append(asset)
    }
}
