import Foundation
import PQModel

/// The inventory as Markdown (CommonMark with GitHub tables) for pasting into audit documents.
///
/// Text from scanned files is escaped for table cells: `|`, backslash, backticks, `<`, `>`, `*`, `_`, `[`,
/// `]` and line breaks cannot start markup or break a row. Findings are summarised per status and algorithm
/// with up to `locationsPerGroup` places each.
public struct MarkdownRenderer: ReportRenderer {
    public var format: ReportFormat { .md }
    public var locationsPerGroup: Int

    public init(locationsPerGroup: Int = 20) {
        self.locationsPerGroup = locationsPerGroup
    }

    public func render(_ input: ReportInput, context: RenderContext) throws -> Data {
        Data(markdown(input, context: context).utf8)
    }

    public func markdown(_ input: ReportInput, context: RenderContext) -> String {
        let m = Self.escape
        let scan = input.scan
        var out = "# Post-quantum cryptography inventory\n\n"
        out += "Scan \(scan.id) of \(scan.roots.map { "`" + Self.code($0) + "`" }.joined(separator: ", ")) on "
        out += "\(m(scan.host)), started \(ReportDate.iso(scan.startedAt)), \(scan.status.rawValue). "
        out +=
            "Report by \(m(context.toolName)) \(m(context.toolVersion)) at \(ReportDate.iso(context.generatedAt)).\n\n"
        out += "## Summary\n\n| Measure | Value |\n|---|---:|\n"
        let byStatus = Dictionary(grouping: input.findings, by: \.quantumStatus).mapValues(\.count)
        out += "| Files examined | \(scan.counts.filesExamined) |\n"
        out += "| Files with cryptography | \(scan.counts.filesWithFindings) |\n"
        out += "| Files skipped or not parsed | \(input.diagnostics.count) |\n"
        out += "| Findings | \(input.findings.count) |\n"
        for status in QuantumStatus.allCases.sorted(by: >) {
            out += "| — \(status.rawValue) | \(byStatus[status] ?? 0) |\n"
        }
        out += "| Certificates | \(input.assets.filter { $0.kind == .certificate }.count) |\n"
        out += "| Assets (certificates, keys) | \(input.assets.count) |\n\n"
        out +=
            input.isIncomplete
            ? "The inventory is **incomplete**: see Diagnostics.\n\n" : "Every examined file was read and parsed.\n\n"
        out += assessment(input)
        if let plan = input.plan {
            out +=
                "## Migration plan\n\n\(plan.actions.count) actions under \(m(plan.profileTitle)) as of \(plan.asOf); "
            out += "`pqscout plan` writes the full plan with its patches.\n\n"
            out += "| Phase | Deadline | Action | System | Rule |\n|---|---|---|---|---|\n"
            for (number, phase) in plan.phases.enumerated() {
                for id in phase.actions {
                    guard let action = plan.action(id) else { continue }
                    out += "| \(number + 1). \(m(phase.title)) | \(action.deadline.map(\.description) ?? "-") "
                    out +=
                        "| \(m(action.title)) | `\(Self.code(action.system))` | `\(Self.code(action.rule ?? "-"))` |\n"
                }
            }
            out += "\n"
        }
        out += history(input)
        out += certificates(input)
        out += findings(input)
        if !input.diagnostics.isEmpty {
            out += "## Diagnostics\n\n| File | Reason | Detail |\n|---|---|---|\n"
            for diagnostic in input.diagnostics.sorted(by: { $0.path < $1.path }) {
                out +=
                    "| `\(Self.code(diagnostic.path.display))` | \(diagnostic.reason.rawValue) | \(m(diagnostic.detail)) |\n"
            }
            out += "\n"
        }
        return out
    }

    private func assessment(_ input: ReportInput) -> String {
        let m = Self.escape
        guard let assessment = input.assessment else {
            return "## Assessment\n\nNo assessment was recorded for this scan; `pqscout assess` adds one.\n\n"
        }
        var out =
            "## Assessment\n\nJudged against **\(m(assessment.profileTitle))** (`\(Self.code(assessment.profile))`)"
        out += " as of \(assessment.asOf)"
        if let category = assessment.category { out += ", system category \(m(category))" }
        out += "; data lifetime \(assessment.dataLifetimeYears) years.\n\n"
        out += "Overall crypto-agility score: **\(assessment.overall.score) (\(m(assessment.overall.grade)))**.\n\n"
        out += "| Policy state | Findings |\n|---|---:|\n"
        for state in PolicyState.allCases.sorted(by: >) {
            out += "| \(state.rawValue) | \(assessment.summary.byState[state.rawValue] ?? 0) |\n"
        }
        out += "| waived | \(assessment.summary.waived) |\n\n"
        out += "### Score per system\n\n| System | Score | Grade | Findings | Explanation |\n|---|---:|---|---:|---|\n"
        for system in assessment.systems.sorted(by: { ($0.score, $0.system.id) < ($1.score, $1.system.id) }) {
            let reasons = system.adjustments.filter { $0.points != 0 || !$0.evaluated }.map { adjustment in
                let points =
                    adjustment.evaluated
                    ? (adjustment.points > 0 ? "+\(adjustment.points)" : "\(adjustment.points)") : "n/e"
                return "\(points) \(m(adjustment.reason))"
            }
            out += "| `\(Self.code(system.system.id))` | \(system.score) | \(m(system.grade)) | \(system.findingCount) "
            out += "| \(reasons.joined(separator: "<br>")) |\n"
        }
        out += "\n### Findings by policy state and deadline\n\n"
        let judged = input.assessedFindings.filter { $0.assessment.verdict.state != .allowed }
        guard !judged.isEmpty else { return out + "The policy restricts no finding.\n\n" }
        out += "| State | Date | Algorithm | Uses | Where | Rule |\n|---|---|---|---:|---|---|\n"
        struct Key: Hashable, Comparable {
            var state: PolicyState
            var date: String
            var name: String
            var rule: String
            static func < (a: Key, b: Key) -> Bool {
                (b.state.severity, a.date, a.name, a.rule) < (a.state.severity, b.date, b.name, b.rule)
            }
        }
        let groups = Dictionary(grouping: judged) { item -> Key in
            let verdict = item.assessment.verdict
            let date =
                verdict.deadline.map { "\($0) → \(verdict.nextState?.rawValue ?? "?")" }
                ?? verdict.since.map { "since \($0)" } ?? ""
            return Key(
                state: verdict.state, date: date, name: item.finding.canonical ?? item.finding.algorithm,
                rule: verdict.rule ?? "-")
        }
        for key in groups.keys.sorted() {
            let group = groups[key] ?? []
            let whereFound = places(group.map(\.finding))
            out += "| \(key.state.rawValue) | \(m(key.date)) | \(m(key.name)) | \(group.count) "
            out += "| \(whereFound) | `\(Self.code(key.rule))` |\n"
        }
        return out + "\n"
    }

    private func history(_ input: ReportInput) -> String {
        let scans = input.trend
        var out = "## History\n\nVulnerable and broken findings in each scan of the same root.\n\n"
        out +=
            "| Scan | Started | Status | Findings | Broken | Vulnerable | Trend |\n|---:|---|---|---:|---:|---:|---|\n"
        let worst = max(1, scans.map { Self.atRisk($0) }.max() ?? 1)
        for scan in scans {
            let risk = Self.atRisk(scan)
            let bar = String(repeating: "█", count: risk == 0 ? 0 : max(1, 20 * risk / worst))
            out +=
                "| \(scan.id) | \(ReportDate.iso(scan.startedAt)) | \(scan.status.rawValue) | \(scan.counts.findings) "
            out += "| \(scan.counts.byStatus["broken"] ?? 0) | \(scan.counts.byStatus["vulnerable"] ?? 0) | \(bar) |\n"
        }
        return out + "\n"
    }

    static func atRisk(_ scan: ScanRecord) -> Int {
        (scan.counts.byStatus["broken"] ?? 0) + (scan.counts.byStatus["vulnerable"] ?? 0)
    }

    private func certificates(_ input: ReportInput) -> String {
        let m = Self.escape
        let certificates = input.assets.filter { $0.kind == .certificate }
            .sorted {
                ($0.certificate?.notAfter ?? .distantFuture, $0.id) < (
                    $1.certificate?.notAfter ?? .distantFuture, $1.id
                )
            }
        guard !certificates.isEmpty else { return "## Certificates\n\nNo certificates were found.\n\n" }
        var out = "## Certificates\n\n| Subject | Key | Signature | Not after |\n|---|---|---|---|\n"
        for asset in certificates {
            var key = asset.canonical ?? asset.algorithm
            if let bits = asset.keyBits { key += " \(bits)" }
            if let curve = asset.curve { key += " \(curve)" }
            let details = asset.certificate
            out += "| \(m(details?.subject ?? "?")) | \(m(key)) "
            out += "| \(m(details?.signatureAlgorithm ?? details?.signatureOID ?? "?")) "
            out += "| \(details.map { ReportDate.day($0.notAfter) } ?? "?") |\n"
        }
        return out + "\n"
    }

    private func findings(_ input: ReportInput) -> String {
        let m = Self.escape
        var out = "## Findings\n\n"
        let sorted = input.sortedFindings
        let byStatus = Dictionary(grouping: sorted, by: \.quantumStatus)
        for status in QuantumStatus.allCases.sorted(by: >) {
            guard let list = byStatus[status], !list.isEmpty else { continue }
            out += "### \(status.rawValue) (\(list.count))\n\n| Algorithm | Uses | Where |\n|---|---:|---|\n"
            let byAlgorithm = Dictionary(grouping: list) { $0.canonical ?? $0.algorithm }
            for name in byAlgorithm.keys.sorted() {
                let group = byAlgorithm[name] ?? []
                let whereFound = places(group)
                out += "| \(m(name)) | \(group.count) | \(whereFound) |\n"
            }
            out += "\n"
        }
        return sorted.isEmpty ? out + "No cryptography was found.\n\n" : out
    }

    /// Distinct places of some findings, sorted, with a count where one place holds several; at most
    /// `locationsPerGroup`, then how many more.
    private func places(_ findings: [Finding]) -> String {
        var counts: [String: Int] = [:]
        for finding in findings {
            counts[finding.path.display + (finding.line.map { ":\($0)" } ?? ""), default: 0] += 1
        }
        let sorted = counts.keys.sorted()
        var out = sorted.prefix(locationsPerGroup).map { place in
            "`" + Self.code(place) + "`" + ((counts[place] ?? 1) > 1 ? " ×\(counts[place] ?? 1)" : "")
        }
        if sorted.count > locationsPerGroup { out.append("and \(sorted.count - locationsPerGroup) more places") }
        return out.joined(separator: "<br>")
    }

    /// Escapes text for a Markdown table cell: no markup, no raw HTML, one line.
    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "\\", "`", "*", "_", "[", "]", "|", "#", "!", "~": out += "\\" + String(character)
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\n", "\r", "\r\n": out += " "
            default:
                if character.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) {
                    out.append(character)
                } else {
                    out += "\u{FFFD}"
                }
            }
        }
        return out
    }

    /// Text for inside a code span in a table cell: backticks and pipes cannot end the span or the cell.
    static func code(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "`": out += "'"
            case "|": out += "\\|"
            case "\n", "\r", "\r\n": out += " "
            default:
                out +=
                    character.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F })
                    ? String(character) : "\u{FFFD}"
            }
        }
        return out
    }
}
