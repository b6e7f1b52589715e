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
        let first = group[0].action
        var locations: [PlanLocation] = []
        var seenLocations: Set<PlanLocation> = []
        var retires: [FindingRef] = []
        var keeps: [FindingRef] = []
        var dependsOn: [String] = []
        for member in group {
            for location in member.action.locations where seenLocations.insert(location).inserted {
                locations.append(location)
            }
            retires += member.action.retires
            keeps += member.action.keeps
            for dependency in member.action.dependsOn where !dependsOn.contains(dependency) {
                dependsOn.append(dependency)
            }
        }
        let systems = Set(group.map(\.action.system))
        let hours = group.map(\.action.effort.hours).reduce(0, +)
        // The sum is what doing them one by one costs; the reasoning says what a bulk run saves, so nobody
        // budgets 40,000 hours for 20,000 leaves that one ACME rollout re-issues.
        let effort = PlanEffort(
            size: hours <= 2 ? .small : hours <= 16 ? .medium : .large, hours: hours,
            reasoning: "\(group.count) × about \(PlanActionGrouping.hours(first.effort.hours)) h, one by one: "
                + first.effort.reasoning + "; a scripted run over the list (ACME, the CA's or the fleet tool's "
                + "bulk interface) costs far less than the sum")
        return PlanAction(
            id: id, kind: first.kind, phase: first.phase, title: wording.title,
            system: wording.system ?? (systems.count == 1 ? first.system : "\(systems.count) systems (see the list)"),
            software: first.software, locations: locations, retires: retires, keeps: keeps, rule: first.rule,
            ruleSource: first.ruleSource, deadline: group.compactMap(\.action.deadline).min(),
            deadlineReason: first.deadlineReason, prerequisites: first.prerequisites, change: wording.change,
            patchWithheld: first.patchWithheld, verify: wording.verify, rollback: first.rollback, effort: effort,
            dependsOn: dependsOn,
            assetList: PlanAssetList(
                count: group.count, findings: retires.count, assets: group.map(\.asset)))
    }

    static func hours(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
