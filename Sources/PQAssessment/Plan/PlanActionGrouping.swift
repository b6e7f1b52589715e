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
            reasoning: "\(totals.assetCount) × about \(PlanActionGrouping.hours(first.effort.hours)) h, one by one: "
                + first.effort.reasoning + "; a scripted run over the list (ACME, the CA's or the fleet tool's "
                + "bulk interface) costs far less than the sum")
        return PlanAction(
            id: id, kind: first.kind, phase: first.phase, title: wording.title,
            system: wording.system
                ?? (totals.distinctSystems == 1 ? first.system : "\(totals.distinctSystems) systems (see the list)"),
            software: first.software, locations: totals.locations, retires: totals.retires, keeps: totals.keeps,
            rule: first.rule, ruleSource: first.ruleSource, deadline: totals.deadline,
            deadlineReason: first.deadlineReason, prerequisites: first.prerequisites, change: wording.change,
            patchWithheld: first.patchWithheld, verify: wording.verify, rollback: first.rollback, effort: effort,
            dependsOn: totals.dependsOn,
            assetList: PlanAssetList(
                count: totals.assetCount, findings: totals.isBounded ? totals.retireCount : totals.retires.count,
                assets: totals.assets, allPlaces: totals.isBounded ? totals.placeCount : nil,
                allRetires: totals.isBounded ? totals.retireCount : nil))
    }

    static func hours(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}

/// What a merged action's members add up to, gathered one member at a time: a builder can add members without
/// writing an action for each.
///
/// Made with a row sink (`init(rows:list:)`), the totals are bounded: each member's asset row goes to the sink at
/// once, and only what the plan document shows of a filed list is kept (the places, findings and rows of the
/// first `PlanAssetList.inlineLimit` members, which the JSON document keeps as examples, and at least the first
/// `shownPlaces` places and `shownFindings` findings); the rest is counted. Distinct places and systems are then
/// told apart by a 128-bit keyed digest rather than by holding their text.
struct GroupTotals {
    /// Every member's places, each once, in the order they came (bounded: the first of them).
    private(set) var locations: [PlanLocation] = []
    private var seenLocations: Set<PlanLocation> = []
    private(set) var retires: [FindingRef] = []
    private(set) var keeps: [FindingRef] = []
    private(set) var dependsOn: [String] = []
    private var systems: Set<String> = []
    /// The members' efforts summed in member order.
    private(set) var hours: Double = 0
    /// The earliest member deadline.
    private(set) var deadline: CalendarDay?
    /// One row per member, in member order (bounded: the first `inlineLimit`).
    private(set) var assets: [PlanAsset] = []
    private(set) var assetCount = 0
    private(set) var placeCount = 0
    private(set) var retireCount = 0
    private var systemCount = 0
    private let rows: (sink: any PlanAssetRowSink, list: String)?
    private var seenDigests: Set<Digest> = []

    init() { rows = nil }

    /// Bounded totals for the list of the merged action `list` whose rows go to `sink`.
    init(rows sink: any PlanAssetRowSink, list: String) { rows = (sink, list) }

    /// True when the rows went to a sink and the totals hold only the first of them.
    var isBounded: Bool { rows != nil }

    /// How many distinct systems the members are in.
    var distinctSystems: Int { rows == nil ? systems.count : systemCount }

    mutating func add(
        locations: [PlanLocation], retires: [FindingRef], keeps: [FindingRef], dependsOn: [String], system: String,
        hours: Double, deadline: CalendarDay?, asset: PlanAsset
    ) {
        for dependency in dependsOn where !self.dependsOn.contains(dependency) { self.dependsOn.append(dependency) }
        self.keeps += keeps
        self.hours += hours
        if let deadline { self.deadline = self.deadline.map { min($0, deadline) } ?? deadline }
        defer { assetCount += 1 }
        guard let rows else {
            for location in locations where seenLocations.insert(location).inserted { self.locations.append(location) }
            self.retires += retires
            systems.insert(system)
            assets.append(asset)
            return
        }
        // An example member's whole share is kept; after them, only up to what the document names.
        let example = assetCount < PlanAssetList.inlineLimit
        for location in locations where seenDigests.insert(Digest(place: location)).inserted {
            placeCount += 1
            if example || self.locations.count < PlanAssetList.shownPlaces { self.locations.append(location) }
        }
        for ref in retires where example || self.retires.count < PlanAssetList.shownFindings {
            self.retires.append(ref)
        }
        retireCount += retires.count
        if seenDigests.insert(Digest(system: system)).inserted { systemCount += 1 }
        if example { assets.append(asset) }
        rows.sink.add(asset, list: rows.list)
    }

    /// Two keyed SipHash values of a place or a system (the process's random seed, two domains each): distinct
    /// values collide with a chance of about 2^-128 per pair, and the set holds 16 bytes a value, not its text.
    struct Digest: Hashable {
        var first: Int
        var second: Int

        init(place: PlanLocation) { self.init(domain: 0, place) }

        init(system: String) { self.init(domain: 2, system) }

        private init(domain: UInt8, _ value: some Hashable) {
            var one = Hasher()
            one.combine(domain)
            one.combine(value)
            var two = Hasher()
            two.combine(domain + 1)
            two.combine(value)
            first = one.finalize()
            second = two.finalize()
        }
    }
}
