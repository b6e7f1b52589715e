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
        try ReportOutput.collect { try write(input, context: context, to: $0) }
    }

    /// The summary and findings sections come from one walk over `orderedFindings` (`Digest`), the assessment's
    /// findings from one walk over their pairs (`PolicyDigest`).
    public func streams(assessed: Bool) -> Bool { true }

    /// The certificate table lists every certificate of `input.certificates`, written as each comes.
    public var streamsCertificates: Bool { true }

    /// What the summary and findings sections show of the findings, gathered in one walk: counts per status, and
    /// per status and algorithm the number of uses and places and the first `locationsPerGroup` places. Bounded
    /// by groups, not findings or places: a place (file and line) is one run of the walk, so it is counted when
    /// its run ends.
    struct Digest {
        struct Group {
            var count = 0
            var places = 0
            /// The first places in `String` order, with their uses.
            var first: [(place: String, count: Int)] = []
        }

        var count = 0
        var byStatus: [QuantumStatus: Int] = [:]
        var groups: [QuantumStatus: [String: Group]] = [:]

        init(_ findings: ReportFindings, locationsPerGroup: Int) throws {
            let limit = max(0, locationsPerGroup)
            struct GroupKey: Hashable {
                var status: QuantumStatus
                var name: String
            }
            // The uses of each place in the current run (one path and line), by group.
            var run: [GroupKey: [String: Int]] = [:]
            var runKey: (path: ScanPath, line: Int)?
            func finishRun() {
                for (key, places) in run {
                    for (place, uses) in places {
                        groups[key.status, default: [:]][key.name, default: Group()].add(place, uses, limit: limit)
                    }
                }
                run.removeAll(keepingCapacity: true)
            }
            try findings.walk { finding in
                if let key = runKey, key.path != finding.path || key.line != (finding.line ?? 0) { finishRun() }
                runKey = (finding.path, finding.line ?? 0)
                count += 1
                byStatus[finding.quantumStatus, default: 0] += 1
                let name = finding.canonical ?? finding.algorithm
                let place = finding.path.display + (finding.line.map { ":\($0)" } ?? "")
                run[GroupKey(status: finding.quantumStatus, name: name), default: [:]][place, default: 0] += 1
                groups[finding.quantumStatus, default: [:]][name, default: Group()].count += 1
            }
            finishRun()
        }
    }

    public func markdown(_ input: ReportInput, context: RenderContext) throws -> String {
        String(decoding: try render(input, context: context), as: UTF8.self)
    }

    /// The sections in order; the certificate table a row at a time, as `input.certificates` walks them.
    public func write(_ input: ReportInput, context: RenderContext, to output: ReportOutput) throws {
        let digest = try Digest(input.orderedFindings, locationsPerGroup: locationsPerGroup)
        let certificates = input.certificates
        let m = MarkdownText.text
        let scan = input.scan
        var out = "# Post-quantum cryptography inventory\n\n"
        out += "Scan \(scan.id) of \(scan.roots.map { MarkdownText.code($0) }.joined(separator: ", ")) on "
        out += "\(m(scan.host)), started \(ReportDate.iso(scan.startedAt)), \(scan.status.rawValue). "
        out +=
            "Report by \(m(context.toolName)) \(m(context.toolVersion)) at \(ReportDate.iso(context.generatedAt)).\n\n"
        out += "## Summary\n\n| Measure | Value |\n|---|---:|\n"
        let byStatus = digest.byStatus
        out += "| Files examined | \(scan.counts.filesExamined) |\n"
        out += "| Files with cryptography | \(scan.counts.filesWithFindings) |\n"
        let diagnostics = input.orderedDiagnostics
        out += "| Files skipped or not parsed | \(diagnostics.count) |\n"
        out += "| Findings | \(digest.count) |\n"
        for status in QuantumStatus.allCases.sorted(by: >) {
            out += "| — \(status.rawValue) | \(byStatus[status] ?? 0) |\n"
        }
        out += "| Certificates | \(certificates.count) |\n"
        out += "| Assets (certificates, keys) | \(certificates.assetCount) |\n\n"
        out +=
            input.isIncomplete
            ? "The inventory is **incomplete**: see Diagnostics.\n\n" : "Every examined file was read and parsed.\n\n"
        try output.write(out)
        try assessment(input, to: output)
        out = ""
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
                        "| \(m(action.title)) | \(MarkdownText.code(action.system, inTable: true)) | "
                        + "\(MarkdownText.code(action.rule ?? "-", inTable: true)) |\n"
                }
            }
            out += "\n"
        }
        out += history(input)
        try output.write(out)
        try writeCertificates(certificates, to: output)
        out = findings(digest)
        if !diagnostics.isEmpty {
            out += "## Diagnostics\n\n| File | Reason | Detail |\n|---|---|---|\n"
            try diagnostics.walk { diagnostic in
                out +=
                    "| \(MarkdownText.code(diagnostic.path.display, inTable: true)) | \(diagnostic.reason.rawValue) | "
                    + "\(m(diagnostic.detail)) |\n"
                if out.utf8.count >= 1 << 16 {
                    try output.write(out)
                    out = ""
                }
            }
            out += "\n"
        }
        try output.write(out)
    }

    /// The assessment's section, each system's row written as it comes (40,080 systems on the 200k benchmark tree).
    private func assessment(_ input: ReportInput, to output: ReportOutput) throws {
        let m = MarkdownText.text
        guard let assessment = input.assessment else {
            try output.write(
                "## Assessment\n\nNo assessment was recorded for this scan; `pqscout assess` adds one.\n\n")
            return
        }
        var out =
            "## Assessment\n\nJudged against **\(m(assessment.profileTitle))** "
            + "(\(MarkdownText.code(assessment.profile)))"
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
        try output.write(out)
        try input.systems.walkByScore { system in
            let reasons = system.adjustments.filter { $0.points != 0 || !$0.evaluated }.map { adjustment in
                let points =
                    adjustment.evaluated
                    ? (adjustment.points > 0 ? "+\(adjustment.points)" : "\(adjustment.points)") : "n/e"
                return "\(points) \(m(adjustment.reason))"
            }
            var out = "| \(MarkdownText.code(system.system.id, inTable: true)) | \(system.score) | \(m(system.grade)) "
            out += "| \(system.findingCount) | \(reasons.joined(separator: "<br>")) |\n"
            try output.write(out)
        }
        out = "\n### Findings by policy state and deadline\n\n"
        let groups = try PolicyDigest(input.judgedFindings, locationsPerGroup: locationsPerGroup).groups
        guard !groups.isEmpty else {
            try output.write(out + "The policy restricts no finding.\n\n")
            return
        }
        out += "| State | Date | Algorithm | Uses | Where | Rule |\n|---|---|---|---:|---|---|\n"
        for key in groups.keys.sorted() {
            let group = groups[key] ?? Digest.Group()
            out += "| \(key.state.rawValue) | \(m(key.date)) | \(m(key.name)) | \(group.count) "
            out += "| \(places(group)) | \(MarkdownText.code(key.rule, inTable: true)) |\n"
        }
        try output.write(out + "\n")
    }

    /// The findings the policy restricts, grouped by state, date, algorithm and rule, from one walk over the
    /// judged findings' pairs in report order: per group the uses and places as `Digest` counts them (a place is
    /// one run of one path and line, counted when its run ends). Bounded by groups, not findings.
    struct PolicyDigest {
        struct Key: Hashable, Comparable {
            var state: PolicyState
            var date: String
            var name: String
            var rule: String
            static func < (a: Key, b: Key) -> Bool {
                (b.state.severity, a.date, a.name, a.rule) < (a.state.severity, b.date, b.name, b.rule)
            }
        }

        var groups: [Key: Digest.Group] = [:]

        init(_ judged: ReportJudgedFindings, locationsPerGroup: Int) throws {
            let limit = max(0, locationsPerGroup)
            var run: [Key: [String: Int]] = [:]
            var runKey: (path: ScanPath, line: Int)?
            func finishRun() {
                for (key, places) in run {
                    for (place, uses) in places { groups[key, default: Digest.Group()].add(place, uses, limit: limit) }
                }
                run.removeAll(keepingCapacity: true)
            }
            try judged.walkPairs { finding, ranked in
                let verdict = ranked.assessment.verdict
                guard verdict.state != .allowed else { return }
                if let key = runKey, key.path != finding.path || key.line != (finding.line ?? 0) { finishRun() }
                runKey = (finding.path, finding.line ?? 0)
                let date =
                    verdict.deadline.map { "\($0) → \(verdict.nextState?.rawValue ?? "?")" }
                    ?? verdict.since.map { "since \($0)" } ?? ""
                let key = Key(
                    state: verdict.state, date: date, name: finding.canonical ?? finding.algorithm,
                    rule: verdict.rule ?? "-")
                let place = finding.path.display + (finding.line.map { ":\($0)" } ?? "")
                run[key, default: [:]][place, default: 0] += 1
                groups[key, default: Digest.Group()].count += 1
            }
            finishRun()
        }
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

    private func writeCertificates(_ certificates: ReportCertificates, to output: ReportOutput) throws {
        let m = MarkdownText.text
        guard certificates.count > 0 else {
            try output.write("## Certificates\n\nNo certificates were found.\n\n")
            return
        }
        try output.write("## Certificates\n\n| Subject | Key | Signature | Not after |\n|---|---|---|---|\n")
        try certificates.walk { asset in
            var key = asset.canonical ?? asset.algorithm
            if let bits = asset.keyBits { key += " \(bits)" }
            if let curve = asset.curve { key += " \(curve)" }
            let details = asset.certificate
            var out = "| \(m(details?.subject ?? "?")) | \(m(key)) "
            out += "| \(m(details?.signatureAlgorithm ?? details?.signatureOID ?? "?")) "
            out += "| \(details.map { ReportDate.day($0.notAfter) } ?? "?") |\n"
            try output.write(out)
        }
        try output.write("\n")
    }

    private func findings(_ digest: Digest) -> String {
        let m = MarkdownText.text
        var out = "## Findings\n\n"
        for status in QuantumStatus.allCases.sorted(by: >) {
            guard let byAlgorithm = digest.groups[status], !byAlgorithm.isEmpty else { continue }
            out +=
                "### \(status.rawValue) (\(digest.byStatus[status] ?? 0))\n\n| Algorithm | Uses | Where |\n|---|---:|---|\n"
            for name in byAlgorithm.keys.sorted() {
                let group = byAlgorithm[name] ?? Digest.Group()
                out += "| \(m(name)) | \(group.count) | \(places(group)) |\n"
            }
            out += "\n"
        }
        return digest.count == 0 ? out + "No cryptography was found.\n\n" : out
    }

    /// Distinct places of a group's findings, sorted, with a count where one place holds several; at most
    /// `locationsPerGroup`, then how many more.
    private func places(_ group: Digest.Group) -> String {
        var out = group.first.map { place, count in
            MarkdownText.code(place, inTable: true) + (count > 1 ? " ×\(count)" : "")
        }
        if group.places > locationsPerGroup { out.append("and \(group.places - locationsPerGroup) more places") }
        return out.joined(separator: "<br>")
    }
}

extension MarkdownRenderer.Digest.Group {
    /// Counts a place's uses; keeps it if it is among the first `limit` places in `String` order. A place met
    /// again (two byte strings Swift counts as one text: NFC and NFD) adds to its uses when it is kept.
    mutating func add(_ place: String, _ uses: Int, limit: Int) {
        if let index = first.firstIndex(where: { $0.place == place }) {
            first[index].count += uses
            return
        }
        places += 1
        guard first.count < limit || (first.last.map { place < $0.place } ?? false) else { return }
        let position = first.firstIndex { place < $0.place } ?? first.count
        first.insert((place, uses), at: position)
        if first.count > limit { first.removeLast() }
    }
}
