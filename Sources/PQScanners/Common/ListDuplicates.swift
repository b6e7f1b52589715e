import PQModel

/// One finding per algorithm per list: a setting that repeats a name (`X25519 X25519 …`, 800,000 times on one
/// 15 MB line in the issue 21 campaign) is one use of that algorithm at that place, not 800,000.
///
/// Applied to every scanner's output by `ScannerRegistry.scan`, so no list parser has to remember it. Findings are
/// collapsed only when every field is equal (path, line, setting, context, asset, note, ...): the same use at the
/// same place, whether a setting's line or a value taken as the default (a Java property's list).
enum ListDuplicates {
    /// Repeats on one line above this many are reported as a diagnostic; a few (one cipher in two strongSwan
    /// proposals on one line) are collapsed silently.
    static let reportedAbove = 16

    /// Drops each finding identical to an earlier one on the same line, keeping the first; says how many went.
    static func collapse(_ output: inout ScanOutput) {
        guard output.findings.count > 1 else { return }
        // Equal findings share their line, setting and algorithm: those three pick the few earlier findings a
        // finding is compared with whole. Hashing every field of every finding in a `Set<Finding>` was 8% of a
        // scan of the benchmark tree (176 suites per nginx file).
        var candidates: [Int: [Int]] = [:]
        candidates.reserveCapacity(output.findings.count)
        var dropped: [Place: Int] = [:]
        var kept: [Finding] = []
        kept.reserveCapacity(output.findings.count)
        for finding in output.findings {
            var hasher = Hasher()
            hasher.combine(finding.line)
            hasher.combine(finding.setting)
            hasher.combine(finding.algorithm)
            let key = hasher.finalize()
            if candidates[key]?.contains(where: { kept[$0] == finding }) == true {
                dropped[Place(path: finding.path, line: finding.line, setting: finding.setting), default: 0] += 1
            } else {
                candidates[key, default: []].append(kept.count)
                kept.append(finding)
            }
        }
        guard !dropped.isEmpty else { return }
        output.findings = kept
        let reported = dropped.filter { $0.value > reportedAbove }
        let order = reported.sorted {
            ($0.key.path, $0.key.line ?? 0, $0.key.setting) < ($1.key.path, $1.key.line ?? 0, $1.key.setting)
        }
        for (place, count) in order {
            let at = place.line.map { "line \($0)" } ?? place.setting
            output.diagnostics.append(
                Diagnostic(
                    path: place.path, reason: .malformed,
                    detail: "\(at): \(count) repeated list entries ignored; each algorithm is recorded once"))
        }
    }

    private struct Place: Hashable {
        let path: ScanPath
        let line: Int?
        let setting: String
    }
}
