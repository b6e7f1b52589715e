import PQModel

/// `--since SCAN`: marks each action planned for the earlier scan done, partly done or open by the later scan's
/// findings. Actions match by their stable id; findings by path, block, setting and algorithm (never by row).
public enum PlanProgressTracker {
    public static func compare(earlier: Plan, later: Plan, laterFindings: [Finding]) -> PlanProgressReport {
        let present = Set(
            laterFindings.filter(\.effective).map { key(path: $0.path.display, context: $0.context, setting: $0.setting, algorithm: $0.algorithm) })
        let laterIDs = Set(later.actions.map(\.id))
        let entries = earlier.actions.map { action -> PlanActionProgress in
            let before = action.retires.count
            guard before > 0 else {
                let state: PlanProgressState = laterIDs.contains(action.id) ? .open : .done
                return PlanActionProgress(
                    id: action.id, title: action.title, state: state, retiredBefore: 0, remaining: 0)
            }
            let remaining = action.retires.filter {
                present.contains(key(path: $0.path, context: $0.context, setting: $0.setting, algorithm: $0.algorithm))
            }.count
            let state: PlanProgressState = remaining == 0 ? .done : remaining < before ? .partlyDone : .open
            return PlanActionProgress(
                id: action.id, title: action.title, state: state, retiredBefore: before, remaining: remaining)
        }
        return PlanProgressReport(sinceScanID: earlier.scanID, actions: entries)
    }

    static func key(path: String, context: String?, setting: String, algorithm: String) -> String {
        [path, context ?? "", setting, algorithm].joined(separator: "\u{1F}")
    }
}
