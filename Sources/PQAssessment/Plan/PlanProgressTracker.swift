import PQModel

/// `--since SCAN`: marks each action planned for the earlier scan done, partly done or open by the later scan's
/// findings. Actions match by their stable id; findings by path, block, setting and algorithm (never by row).
public enum PlanProgressTracker {
    /// A retired finding that was in force counts as remaining while the later scan has it in force; one that was
    /// not in force (a line the daemon refuses) while the later scan still has it at all.
    public static func compare(earlier: Plan, earlierFindings: [Finding] = [], later: Plan, laterFindings: [Finding])
        -> PlanProgressReport
    {
        var seen = LaterFindings(earlier: earlier)
        for finding in laterFindings { seen.add(finding) }
        return compare(
            earlier: earlier,
            wasInForce: { ref in ref.index < earlierFindings.count ? earlierFindings[ref.index].effective : true },
            later: later, laterFindings: seen)
    }

    /// What `compare` reads of the later scan's findings, gathered one finding at a time: of the places the earlier
    /// plan's actions retire, which the later scan still writes and which it still has in force. It holds those
    /// places only, never the later scan's findings.
    public struct LaterFindings: Sendable {
        let wanted: Set<String>
        var inForce: Set<String> = []
        var written: Set<String> = []

        public init(earlier: Plan) {
            var wanted: Set<String> = []
            for action in earlier.actions {
                for ref in action.retires {
                    wanted.insert(
                        key(path: ref.path, context: ref.context, setting: ref.setting, algorithm: ref.algorithm))
                }
            }
            self.wanted = wanted
        }

        public mutating func add(_ finding: Finding) {
            let place = key(
                path: finding.path.display, context: finding.context, setting: finding.setting,
                algorithm: finding.algorithm)
            guard wanted.contains(place) else { return }
            written.insert(place)
            if finding.effective { inForce.insert(place) }
        }
    }

    /// `compare(earlier:earlierFindings:later:laterFindings:)` with the earlier findings asked one retired reference
    /// at a time (`wasInForce`: was it in force in the earlier scan) and the later scan's findings gathered.
    public static func compare(
        earlier: Plan, wasInForce: (FindingRef) -> Bool, later: Plan, laterFindings: LaterFindings
    ) -> PlanProgressReport {
        let inForce = laterFindings.inForce
        let written = laterFindings.written
        let laterIDs = Set(later.actions.map(\.id))
        let entries = earlier.actions.map { action -> PlanActionProgress in
            let before = action.retires.count
            // An upgrade is done when the version in force reaches its goal, never because a line that needed it
            // was deleted.
            if let goal = action.requiredVersion {
                let now = later.installedVersions?[goal.family].flatMap(SoftwareVersion.init)
                let met = now.map { version in SoftwareVersion(goal.minimum).map { version >= $0 } ?? false } ?? false
                return PlanActionProgress(
                    id: action.id, title: action.title, state: met ? .done : .open, retiredBefore: before,
                    remaining: before)
            }
            guard before > 0 else {
                let state: PlanProgressState = laterIDs.contains(action.id) ? .open : .done
                return PlanActionProgress(
                    id: action.id, title: action.title, state: state, retiredBefore: 0, remaining: 0)
            }
            let remaining = action.retires.filter { ref in
                let key = key(path: ref.path, context: ref.context, setting: ref.setting, algorithm: ref.algorithm)
                return wasInForce(ref) ? inForce.contains(key) : written.contains(key)
            }.count
            var state: PlanProgressState = remaining == 0 ? .done : remaining < before ? .partlyDone : .open
            // The goal still missing in the later plan (the same action planned again) is never done.
            if state == .done, laterIDs.contains(action.id) { state = .partlyDone }
            // A tracking action waits for a release: findings vanishing from under it (another action edited the
            // line) move nothing.
            if isTracking(action), state == .partlyDone { state = .open }
            return PlanActionProgress(
                id: action.id, title: action.title, state: state, retiredBefore: before, remaining: remaining)
        }
        return PlanProgressReport(sinceScanID: earlier.scanID, actions: entries)
    }

    /// An action with nothing to do until software ships (OpenSSH post-quantum signatures).
    static func isTracking(_ action: PlanAction) -> Bool {
        action.kind == .replaceAlgorithm && action.patch == nil && action.optInPatch == nil
            && action.id.hasSuffix(":signatures")
    }

    static func key(path: String, context: String?, setting: String, algorithm: String) -> String {
        [path, context ?? "", setting, algorithm].joined(separator: "\u{1F}")
    }
}
