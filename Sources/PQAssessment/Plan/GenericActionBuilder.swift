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
            let material = AssessedSystems.materialSources.contains(finding.source.rawValue)
            let key = "\(AssessedSystems.system(of: finding).id)|\(material ? "keys" : finding.setting)"
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(index)
        }
        return order.compactMap { key in groups[key].map { action($0, context: context) } }
    }

    func action(_ members: [Int], context: PlanContext) -> PlanAction {
        let first = context.findings[members[0]]
        let system = AssessedSystems.system(of: first)
        let broken = members.contains { context.findings[$0].quantumStatus == .broken }
        let keyMaterial = AssessedSystems.materialSources.contains(first.source.rawValue)
        let phase: PlanPhaseKind =
            broken
            ? .classicallyBroken
            : first.usage == .keyExchange || first.usage == .group
                ? .keyExchange
                : first.usage == .signature || first.usage == .publicKey ? .signatures : .longTail
        let names = members.map { context.findings[$0].canonical ?? context.findings[$0].algorithm }
            .reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        let replacements = names.map { name -> String in
            let replacement = context.catalog.entry(named: name)?.replacement
            return "\(name) → \(replacement ?? "a quantum-resistant algorithm from the catalog")"
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
            deadline: deadline.day, deadlineReason: deadline.reason, change: replacements.joined(separator: "; "),
            patchWithheld: keyMaterial
                ? "keys are generated and distributed, not patched"
                : "the planner has no \(first.source.rawValue) syntax for this setting yet: edit by hand",
            verify: ["pqscout scan ROOT && pqscout plan --since \(context.input.assessment.scanID)"],
            rollback: keyMaterial
                ? ["keep the old key until every peer trusts the new one; then remove it"]
                : ["restore the file from the scan's copy or version control"],
            effort: PlanEffort(
                size: members.count > 5 ? .medium : .small, hours: members.count > 5 ? 4 : 1,
                reasoning: "\(locations.count) place(s) edited by hand; no generated patch"))
    }
}
