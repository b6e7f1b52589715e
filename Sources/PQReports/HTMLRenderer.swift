import Foundation
import PQModel

/// The auditor's report: one self-contained HTML file.
///
/// No script, no external style, font or image: a Content-Security-Policy of `default-src 'none'` says so to
/// the browser too. Every string from a scanned file goes through `HTMLText.escape`, so a certificate subject
/// of `<script>` is shown as text. Charts are inline SVG. Findings are grouped by status, then algorithm, in
/// collapsed `<details>`, and each group shows at most `rowsPerGroup` rows (the CSV and JSON hold every one),
/// so 100,000 findings give a page a browser opens quickly.
public struct HTMLRenderer: ReportRenderer {
    public var format: ReportFormat { .html }
    /// Rows listed per algorithm group before the rest are counted instead.
    public var rowsPerGroup: Int
    /// Rows listed in the whole findings section before the rest are counted instead.
    public var maxRows: Int

    public init(rowsPerGroup: Int = 500, maxRows: Int = 20_000) {
        self.rowsPerGroup = rowsPerGroup
        self.maxRows = maxRows
    }

    /// Findings named beside a score adjustment; the rest are counted (`ScoreAdjustment.findingTotal` when the
    /// store trimmed the list to these).
    public static let findingsPerAdjustment = 5

    static let colors: [QuantumStatus: String] = [
        .broken: "#b00020", .vulnerable: "#d9730d", .weakened: "#b8941f", .hybrid: "#2f7bbf", .resistant: "#2e8b57",
    ]

    public func render(_ input: ReportInput, context: RenderContext) throws -> Data {
        try ReportOutput.collect { try write(input, context: context, to: $0) }
    }

    /// Every section is made from one walk over `orderedFindings` (`Digest`), and with an assessment one walk
    /// over its judged findings in risk order and one over their pairs (`PolicyDigest`).
    public func streams(assessed: Bool) -> Bool { true }

    /// The certificate table lists the first `maxRows` of `input.certificates`; the summary takes its counts.
    public var streamsCertificates: Bool { true }

    /// What the summary, certificate and findings sections show of the findings, gathered in one walk: counts,
    /// the files that name each listed certificate, and per status and algorithm the first rows a group can list.
    /// Bounded by the listed certificates and groups, not findings or assets; the rows by `maxRows + slack`
    /// (`trim`), not `rowsPerGroup` per group (166 groups of 500 rows, 55 MB, on the 10k benchmark tree).
    struct Digest {
        struct Group {
            var count = 0
            var rows: [String] = []
            /// Rows this group may still list: `rowsPerGroup`, lowered by `trim` to what the page's budget leaves it.
            var cap: Int
        }

        var count = 0
        var byStatus: [QuantumStatus: Int] = [:]
        /// The files that name each asset of `placesOf`, in order, without repeats in a row.
        var places: [String: [String]] = [:]
        var groups: [QuantumStatus: [String: Group]] = [:]
        /// Rows held across the groups.
        private(set) var heldRows = 0
        /// Rows taken past `maxRows` before `trim` drops what the page cannot list: each trim sorts the groups.
        static let slack = 1_024

        init(_ findings: ReportFindings, rowsPerGroup: Int, maxRows: Int, placesOf listed: Set<String>) throws {
            try findings.walk { finding in
                count += 1
                byStatus[finding.quantumStatus, default: 0] += 1
                if let asset = finding.asset, listed.contains(asset) {
                    let place = finding.path.display
                    if places[asset]?.last != place { places[asset, default: []].append(place) }
                }
                let name = finding.canonical ?? finding.algorithm
                var group = groups[finding.quantumStatus]?[name] ?? Group(cap: rowsPerGroup)
                group.count += 1
                let listsRow = group.rows.count < group.cap
                if listsRow { group.rows.append(Self.row(finding)) }
                groups[finding.quantumStatus, default: [:]][name] = group
                if listsRow {
                    heldRows += 1
                    if heldRows > maxRows + Self.slack { trim(rowsPerGroup: rowsPerGroup, maxRows: maxRows) }
                }
            }
        }

        /// The groups in the page's order: status, worst first, then name.
        var ordered: [(status: QuantumStatus, name: String)] {
            QuantumStatus.allCases.sorted(by: >).flatMap { status in
                (groups[status]?.keys.sorted() ?? []).map { (status, $0) }
            }
        }

        /// Drops the rows the page cannot list. `findings` gives each group, in page order, the rows its count
        /// asks for up to `rowsPerGroup` while `maxRows` lasts; groups and counts only grow, so the budget a group
        /// is left only shrinks, and a row past it now is never listed. `cap` stops the group taking rows again
        /// (a later row would not be among its first).
        mutating func trim(rowsPerGroup: Int, maxRows: Int) {
            var budget = maxRows
            heldRows = 0
            for (status, name) in ordered {
                guard var group = groups[status]?[name] else { continue }
                group.cap = min(group.cap, max(0, min(rowsPerGroup, budget)))
                budget -= max(0, min(rowsPerGroup, budget, group.count))
                if group.rows.count > group.cap { group.rows.removeLast(group.rows.count - group.cap) }
                heldRows += group.rows.count
                groups[status]?[name] = group
            }
        }

        static func row(_ finding: Finding) -> String {
            let e = HTMLText.escape
            let place = finding.path.display + (finding.line.map { ":\($0)" } ?? "")
            var size = finding.keyBits.map { "\($0)" } ?? ""
            if let curve = finding.curve { size += size.isEmpty ? curve : " \(curve)" }
            var note = finding.note ?? ""
            if let context = finding.context { note = "in " + context + (note.isEmpty ? "" : "; " + note) }
            if !finding.effective { note += note.isEmpty ? "not in effect" : "; not in effect" }
            if finding.origin == .default { note += note.isEmpty ? "default" : "; default" }
            var out = "<tr><td><code>\(e(place))</code></td><td>\(e(finding.setting))</td>"
            out += "<td>\(finding.usage.rawValue)</td><td>\(e(finding.algorithm))</td><td>\(e(size))</td>"
            out += "<td>\(e(finding.source.rawValue))</td><td>\(e(note))</td></tr>\n"
            return out
        }
    }

    /// The page as one string (tests); `write` streams it.
    public func html(_ input: ReportInput, context: RenderContext) throws -> String {
        String(decoding: try render(input, context: context), as: UTF8.self)
    }

    /// Writes the page section by section, each row or system as it is made, so the page is never one string in
    /// memory (46 MB at 200k files): what is held is the digests, bounded by the rows the page lists.
    public func write(_ input: ReportInput, context: RenderContext, to output: ReportOutput) throws {
        let e = HTMLText.escape
        // The ids of the certificates the table lists, before the walk that finds the files naming them; the table
        // walks the certificates again rather than hold up to `maxRows` assets through the walk of the findings.
        let certificates = input.certificates
        var listed: Set<String> = []
        try certificates.walk(limit: max(0, maxRows)) { listed.insert($0.id) }
        let digest = try Digest(
            input.orderedFindings, rowsPerGroup: max(0, min(rowsPerGroup, maxRows)), maxRows: max(0, maxRows),
            placesOf: listed)
        let roots = input.scan.roots.joined(separator: ", ")
        try output.write(Self.documentStart(title: "PQScout report: \(e(roots))"))
        try output.write(
            """
            <header><h1>Post-quantum cryptography inventory</h1>
            <p class="meta">Scan \(input.scan.id) of <code>\(e(roots))</code> on \(e(input.scan.host)),
             started \(ReportDate.iso(input.scan.startedAt)); the scan run is \(input.scan.status.rawValue).
             Report by \(e(context.toolName)) \(e(context.toolVersion)) at \(ReportDate.iso(context.generatedAt)).</p>
            </header>
            <main>

            """)
        try output.write(summary(input, digest, certificates))
        try assessmentSection(input, to: output)
        try planSection(input, to: output)
        try output.write(trend(input))
        try output.write(fleetSection(input))
        try certificateSection(input, digest, of: certificates, generatedAt: context.generatedAt, to: output)
        try findings(digest, to: output)
        try diagnostics(input, to: output)
        try software(input, to: output)
        var out = "</main>\n<footer>Generated by \(e(context.toolName)) \(e(context.toolVersion)). "
        out += "Quantum status: broken = already broken classically; vulnerable = broken by Shor's algorithm; "
        out += "weakened = Grover leaves under 128 bits; hybrid = classical + post-quantum; resistant = post-quantum "
        out += "or 256-bit symmetric.</footer>\n</body>\n</html>\n"
        try output.write(out)
    }

    // MARK: - Sections

    private func summary(_ input: ReportInput, _ digest: Digest, _ certificates: ReportCertificates) -> String {
        let counts = input.scan.counts
        let byStatus = digest.byStatus
        let diagnostics = input.orderedDiagnostics
        let unparsed = [Diagnostic.Reason.malformed, .encrypted, .unsupported, .empty].reduce(0) {
            $0 + (diagnostics.countsByReason[$1] ?? 0)
        }
        let skipped = diagnostics.count - unparsed
        var out = "<section id=\"summary\"><h2>Summary</h2>\n<div class=\"cards\">"
        let cards: [(String, Int, String)] = [
            ("findings", digest.count, ""),
            ("broken", byStatus[.broken] ?? 0, "broken"),
            ("quantum-vulnerable", byStatus[.vulnerable] ?? 0, "vulnerable"),
            ("certificates", certificates.count, ""),
            ("files examined", counts.filesExamined, ""),
            ("files skipped or unparsed", diagnostics.count, diagnostics.isEmpty ? "" : "weakened"),
        ]
        for (label, value, status) in cards {
            out += "<div class=\"card \(status)\"><span class=\"num\">\(value)</span><span>\(label)</span></div>"
        }
        out += "</div>\n<h3>Coverage</h3>\n<table class=\"kv\">"
        let rows: [(String, String)] = [
            ("Files examined", "\(counts.filesExamined)"),
            ("Files with cryptography", "\(counts.filesWithFindings)"),
            ("Files skipped (size, special, links, unreadable)", "\(skipped)"),
            ("Files not parsed (malformed, encrypted, unsupported, empty)", "\(unparsed)"),
            ("Assets (certificates, keys)", "\(certificates.assetCount)"),
            (
                "Files read",
                input.isIncomplete
                    ? "not all: \(diagnostics.count) examined files were skipped or not parsed (see Diagnostics)"
                    : "all: every examined file was read"
            ),
        ]
        for (label, value) in rows { out += "<tr><th>\(label)</th><td>\(HTMLText.escape(value))</td></tr>" }
        out += "</table>\n<h3>Findings by quantum status</h3>\n"
        let bars = QuantumStatus.allCases.sorted(by: >).map {
            SVGChart.Bar(label: $0.rawValue, value: byStatus[$0] ?? 0, color: Self.colors[$0] ?? "#888")
        }
        out += SVGChart.bars(bars, title: "Findings by quantum status") + "\n</section>\n"
        return out
    }

    static let stateColors: [PolicyState: String] = [
        .disallowed: "#b00020", .deprecated: "#d9730d", .due: "#b8941f", .allowed: "#2e8b57",
    ]

    private func assessmentSection(_ input: ReportInput, to output: ReportOutput) throws {
        let e = HTMLText.escape
        guard let assessment = input.assessment else {
            try output.write(
                "<section id=\"assessment\"><h2>Assessment</h2><p>No assessment was recorded for this scan; "
                    + "<code>pqscout assess</code> judges it against a policy profile and adds scores, deadlines and "
                    + "their explanations here.</p></section>\n")
            return
        }
        var out = "<section id=\"assessment\"><h2>Assessment</h2>\n<p>Judged against <b>"
        out += "\(e(assessment.profileTitle))</b> (<code>\(e(assessment.profile))</code>) as of \(assessment.asOf)"
        if let category = assessment.category { out += ", system category \(e(category))" }
        out += "; data must stay confidential for \(assessment.dataLifetimeYears) years.</p>\n<div class=\"cards\">"
        let overall = assessment.overall
        out += "<div class=\"card\"><span class=\"num\">\(overall.score) \(Self.gradeBadge(overall.grade))</span>"
        out += "<span>crypto-agility score (whole scan)</span></div>"
        let byState = assessment.summary.byState
        for state in PolicyState.allCases.sorted(by: >) {
            let css =
                state == .disallowed ? "broken" : state == .deprecated ? "vulnerable" : state == .due ? "weakened" : ""
            out += "<div class=\"card \(css)\"><span class=\"num\">\(byState[state.rawValue] ?? 0)</span>"
            out += "<span>\(state.rawValue)</span></div>"
        }
        out += "<div class=\"card\"><span class=\"num\">\(assessment.summary.waived)</span><span>waived</span></div>"
        out += "</div>\n"
        out += "<details><summary>How the overall score is made (baseline \(overall.baseline))</summary>"
        out += adjustments(overall.adjustments) + "</details>\n"
        // Deadlines on a timeline: how many findings change state on each date ahead.
        var byDeadline: [CalendarDay: (count: Int, state: PolicyState)] = [:]
        try input.judgedFindings.walkJudged { judged in
            guard let deadline = judged.verdict.deadline, let next = judged.verdict.nextState else { return }
            let current = byDeadline[deadline]
            byDeadline[deadline] = ((current?.count ?? 0) + 1, max(current?.state ?? next, next))
        }
        if !byDeadline.isEmpty {
            out += "<h3>Deadlines ahead</h3>\n"
            let marks = byDeadline.keys.sorted().prefix(12).map { day in
                SVGChart.Mark(
                    date: day.date, label: byDeadline[day]?.state.rawValue ?? "", count: byDeadline[day]?.count ?? 0,
                    color: Self.stateColors[byDeadline[day]?.state ?? .due] ?? "#888")
            }
            out += SVGChart.timeline(Array(marks), start: assessment.asOf.date, title: "Policy deadlines ahead") + "\n"
        }
        let systems = input.systems
        out += "<h3>Score per system (\(systems.count))</h3>\n"
        out += "<p>Open a system to see every point of its score and the findings behind it.</p>\n"
        try output.write(out)
        try systems.walkByScore(limit: maxRows) { system in
            var out = "<details class=\"system\"><summary><b>\(system.score)</b> \(Self.gradeBadge(system.grade)) "
            out +=
                "<code>\(e(system.system.id))</code> — \(system.system.kind.rawValue), \(system.findingCount) finding"
            out += system.findingCount == 1 ? "</summary>" : "s</summary>"
            try output.write(out + adjustments(system.adjustments) + "</details>\n")
        }
        out = ""
        let gaps = assessment.coverage.gaps
        if !gaps.isEmpty {
            let total = gaps.count + assessment.coverage.gapsLeftOut
            out += "<h3>Not evaluated (\(total))</h3><details><summary>What the assessment could not look at"
            out += "</summary><table><thead><tr><th>Kind</th><th>Subject</th><th>Why</th></tr></thead><tbody>\n"
            let shown = gaps.sorted().prefix(maxRows)
            for gap in shown {
                out +=
                    "<tr><td>\(e(gap.kind))</td><td><code>\(e(gap.subject))</code></td><td>\(e(gap.reason))</td></tr>\n"
                try output.write(out)
                out = ""
            }
            out += "</tbody></table>"
            if total > shown.count {
                out += "<p class=\"more\">\(total - shown.count) more, counted, not listed: "
                out += "<code>pqscout inventory --format json</code> lists every diagnostic.</p>"
            }
            out += "</details>\n"
        }
        if !assessment.unusedWaivers.isEmpty {
            out +=
                "<p>Waivers that matched no finding: \(assessment.unusedWaivers.map { "<code>\(e($0))</code>" }.joined(separator: ", ")).</p>\n"
        }
        try output.write(out + "</section>\n")
        try policyFindings(input, to: output)
    }

    /// The migration plan's phases and actions, when the report was asked to include one.
    private func planSection(_ input: ReportInput, to output: ReportOutput) throws {
        guard let plan = input.plan else { return }
        let e = HTMLText.escape
        var out = "<section id=\"plan\"><h2>Migration plan (\(plan.actions.count) actions)</h2>\n"
        out += "<p>Under \(e(plan.profileTitle)) as of \(plan.asOf); <code>pqscout plan</code> writes the full plan "
        out += "with its patches.</p>\n"
        for note in plan.notes { out += "<p class=\"more\">\(e(note))</p>\n" }
        for (number, phase) in plan.phases.enumerated() {
            out += "<details class=\"status\"><summary><b>Phase \(number + 1): \(e(phase.title))</b> — deadline "
            out += "\(e(phase.deadline.map(\.description) ?? "none")), \(phase.actions.count) action"
            out += phase.actions.count == 1 ? "</summary>\n" : "s</summary>\n"
            out += "<p>\(e(phase.rationale)) <small>\(e(phase.source))</small></p>\n"
            out += "<table><thead><tr><th>Action</th><th>System</th><th>Deadline</th><th>Rule</th><th>Touches</th>"
            out += "</tr></thead><tbody>\n"
            for id in phase.actions.prefix(maxRows) {
                guard let action = plan.action(id) else { continue }
                let touches = action.locations.prefix(5).map { "<code>\(e($0.label))</code>" }.joined(separator: "<br>")
                out += "<tr><td>\(e(action.title))</td><td><code>\(e(action.system))</code></td>"
                out +=
                    "<td>\(e(action.deadline.map(\.description) ?? "-"))</td><td><code>\(e(action.rule ?? "-"))</code>"
                out +=
                    "</td><td>\(touches)\(action.locations.count > 5 ? " and \(action.locations.count - 5) more" : "")"
                out += "</td></tr>\n"
                try output.write(out)
                out = ""
            }
            out += "</tbody></table></details>\n"
        }
        try output.write(out + "</section>\n")
    }

    private func adjustments(_ list: [ScoreAdjustment]) -> String {
        let e = HTMLText.escape
        let withFindings = list.contains { !$0.findings.isEmpty }
        var out = "<table><thead><tr><th>Points</th><th>Dimension</th><th>Why</th>"
        out += withFindings ? "<th>Findings</th></tr></thead><tbody>" : "</tr></thead><tbody>"
        for adjustment in list {
            let points =
                adjustment.evaluated
                ? (adjustment.points > 0 ? "+\(adjustment.points)" : "\(adjustment.points)") : "n/e"
            let shown = Self.findingsPerAdjustment
            let refs = adjustment.findings.prefix(shown).map { "<code>\(e($0.label))</code>" }
                .joined(separator: "<br>")
            let total = adjustment.findingTotal ?? adjustment.findings.count
            let more = total > shown ? "<br>and \(total - shown) more" : ""
            out +=
                "<tr><td class=\"n\">\(points)</td><td>\(e(adjustment.dimension))</td><td>\(e(adjustment.reason))</td>"
            out += withFindings ? "<td>\(refs)\(more)</td></tr>" : "</tr>"
        }
        return out + "</tbody></table>"
    }

    /// What the policy-findings section shows, gathered in one walk over the judged findings: per state and date
    /// the count and the `rows` highest risks (lowest positions). Bounded by groups, not findings.
    struct PolicyDigest {
        struct Group {
            var count = 0
            /// The highest risks met so far, by position.
            var top: [(finding: Finding, judged: RankedAssessment)] = []

            mutating func add(_ finding: Finding, _ ranked: RankedAssessment, rows: Int) {
                count += 1
                guard top.count < rows || (top.last.map { ranked.position < $0.judged.position } ?? false) else {
                    return
                }
                let at = top.firstIndex { ranked.position < $0.judged.position } ?? top.count
                top.insert((finding, ranked), at: at)
                if top.count > rows { top.removeLast() }
            }
        }

        var count = 0
        var byState: [PolicyState: Int] = [:]
        var groups: [PolicyState: [String: Group]] = [:]

        init(_ judged: ReportJudgedFindings, rows: Int) throws {
            try judged.walkPairs { finding, ranked in
                let verdict = ranked.assessment.verdict
                guard verdict.state != .allowed else { return }
                count += 1
                byState[verdict.state, default: 0] += 1
                let date: String
                if let deadline = verdict.deadline {
                    date = "\(deadline) → \(verdict.nextState?.rawValue ?? "?")"
                } else if let since = verdict.since {
                    date = "since \(since)"
                } else {
                    date = "no date"
                }
                groups[verdict.state, default: [:]][date, default: Group()].add(finding, ranked, rows: rows)
            }
        }
    }

    /// Findings the policy restricts, by state, then by the date that matters (deadline ahead, or since when).
    private func policyFindings(_ input: ReportInput, to output: ReportOutput) throws {
        let e = HTMLText.escape
        let digest = try PolicyDigest(input.judgedFindings, rows: max(0, min(rowsPerGroup, maxRows)))
        var out = "<section id=\"deadlines\"><h2>Findings by policy state and deadline (\(digest.count))</h2>\n"
        guard digest.count > 0 else {
            try output.write(out + "<p>The policy restricts no finding.</p></section>\n")
            return
        }
        var budget = maxRows
        for state in [PolicyState.disallowed, .deprecated, .due] {
            let count = digest.byState[state] ?? 0
            guard count > 0, let byDate = digest.groups[state] else { continue }
            out += "<details class=\"status\"\(state == .disallowed ? " open" : "")><summary><span class=\"badge "
            out += "\(state == .disallowed ? "broken" : state == .deprecated ? "vulnerable" : "weakened")\">"
            out += "\(state.rawValue)</span> \(count) finding\(count == 1 ? "" : "s")</summary>\n"
            for date in byDate.keys.sorted() {
                let group = byDate[date] ?? PolicyDigest.Group()
                out += "<details class=\"algorithm\"><summary><b>\(e(date))</b> — \(group.count)</summary>\n"
                let take = max(0, min(rowsPerGroup, budget, group.count))
                budget -= take
                if take > 0 {
                    out += "<table><thead><tr><th>Where</th><th>Algorithm</th><th>Rule</th><th>Risk</th>"
                    out += "<th>Why</th><th>Waiver</th></tr></thead><tbody>\n"
                    for (finding, ranked) in group.top.prefix(take) {
                        let assessment = ranked.assessment
                        let place = finding.path.display + (finding.line.map { ":\($0)" } ?? "")
                        let verdict = assessment.verdict
                        var why = verdict.explanation
                        if let overrun = assessment.overrun { why += " " + overrun.message }
                        let waiver =
                            assessment.waiver.map {
                                "\($0.id) (\($0.owner)), until \($0.expires)\($0.honoured ? "" : ", expired")"
                            } ?? ""
                        out +=
                            "<tr><td><code>\(e(place))</code></td><td>\(e(finding.canonical ?? finding.algorithm))</td>"
                        out += "<td><code>\(e(verdict.rule ?? "-"))</code></td>"
                        out += "<td>\(assessment.risk.score) \(assessment.risk.tier.rawValue)</td>"
                        out += "<td>\(e(why))<br><small>\(e(verdict.source))</small></td><td>\(e(waiver))</td></tr>\n"
                        try output.write(out)
                        out = ""
                    }
                    out += "</tbody></table>\n"
                }
                if group.count > take {
                    out += "<p class=\"more\">\(group.count - take) more are not listed here; "
                    out += "<code>pqscout assess --format json</code> has every verdict.</p>\n"
                }
                out += "</details>\n"
            }
            out += "</details>\n"
        }
        try output.write(out + "</section>\n")
    }

    private func trend(_ input: ReportInput) -> String {
        let scans = input.trend
        let points = scans.map { scan in
            SVGChart.Point(
                label: "#\(scan.id) \(ReportDate.day(scan.startedAt))",
                value: (scan.counts.byStatus[QuantumStatus.vulnerable.rawValue] ?? 0)
                    + (scan.counts.byStatus[QuantumStatus.broken.rawValue] ?? 0))
        }
        var out = "<section id=\"history\"><h2>History</h2>\n"
        out += "<p>Vulnerable and broken findings in each scan of the same root (\(scans.count) scan"
        out += scans.count == 1 ? ").</p>\n" : "s).</p>\n"
        out += SVGChart.columns(points, title: "Vulnerable and broken findings across scans", color: "#d9730d")
        out += "\n<table><thead><tr><th>Scan</th><th>Started</th><th>Status</th><th>Findings</th>"
        for status in QuantumStatus.allCases.sorted(by: >) { out += "<th>\(status.rawValue)</th>" }
        out += "</tr></thead><tbody>"
        for scan in scans.reversed().prefix(50) {
            out += "<tr><td>\(scan.id)</td><td>\(ReportDate.iso(scan.startedAt))</td><td>\(scan.status.rawValue)</td>"
            out += "<td class=\"n\">\(scan.counts.findings)</td>"
            for status in QuantumStatus.allCases.sorted(by: >) {
                out += "<td class=\"n\">\(scan.counts.byStatus[status.rawValue] ?? 0)</td>"
            }
            out += "</tr>"
        }
        return out + "</tbody></table>\n</section>\n"
    }

    /// The fleet's table (`FleetReport.htmlSection`), only when the store holds more than one host.
    private func fleetSection(_ input: ReportInput) -> String {
        guard input.fleet.count > 1 else { return "" }
        return FleetReport.htmlSection(input.fleet, heading: "Fleet", current: input.scan.id)
    }

    /// The certificate table: the first `maxRows` of `certificates`, a row at a time.
    private func certificateSection(
        _ input: ReportInput, _ digest: Digest, of certificates: ReportCertificates, generatedAt: Date,
        to output: ReportOutput
    ) throws {
        let e = HTMLText.escape
        let places = digest.places
        var out = "<section id=\"certificates\"><h2>Certificates (\(certificates.count))</h2>\n"
        guard certificates.count > 0 else {
            try output.write(out + "<p>No certificates were found.</p></section>\n")
            return
        }
        // Expiry is judged on the assessment's day when there is one, else on the day the report is made.
        let now = input.assessment?.asOf.date ?? generatedAt
        out += "<details open><summary>Certificate inventory, soonest expiry first</summary>\n<table><thead><tr>"
        out += "<th>Subject</th><th>Issuer</th><th>Key</th><th>Signature</th><th>Not after</th><th>Found in</th>"
        out += "</tr></thead><tbody>\n"
        try output.write(out)
        var shown = 0
        try certificates.walk(limit: max(0, maxRows)) { asset in
            shown += 1
            let details = asset.certificate
            var key = asset.canonical ?? asset.algorithm
            if let bits = asset.keyBits { key += " \(bits)" }
            if let curve = asset.curve { key += " \(curve)" }
            let files = Array(Set(places[asset.id] ?? [])).sorted()
            var out = "<tr><td>\(e(details?.subject ?? "?"))</td><td>\(e(details?.issuer ?? "?"))</td>"
            out += "<td>\(e(key))</td><td>\(e(details?.signatureAlgorithm ?? details?.signatureOID ?? "?"))</td>"
            out += "<td>\(details.map { ReportDate.day($0.notAfter) + Self.expiry($0.notAfter, now: now) } ?? "?")</td>"
            out += "<td class=\"files\">\(files.prefix(5).map { "<code>\(e($0))</code>" }.joined(separator: "<br>"))"
            out += files.count > 5 ? " and \(files.count - 5) more</td></tr>\n" : "</td></tr>\n"
            try output.write(out)
        }
        out = "</tbody></table>"
        if certificates.count > shown {
            out += "<p class=\"more\">\(certificates.count - shown) more certificates are in the CSV and JSON.</p>"
        }
        try output.write(out + "</details>\n</section>\n")
    }

    private func findings(_ digest: Digest, to output: ReportOutput) throws {
        let e = HTMLText.escape
        var out = "<section id=\"findings\"><h2>Findings (\(digest.count))</h2>\n"
        out += "<p>Grouped by quantum status, then algorithm; open a group to see where each use was found.</p>\n"
        var budget = maxRows
        for status in QuantumStatus.allCases.sorted(by: >) {
            guard let byAlgorithm = digest.groups[status], !byAlgorithm.isEmpty else { continue }
            let total = digest.byStatus[status] ?? 0
            let open = status == .broken ? " open" : ""
            out += "<details class=\"status\"\(open)><summary><span class=\"badge \(status.rawValue)\">"
            out += "\(status.rawValue)</span> \(total) finding\(total == 1 ? "" : "s")</summary>\n"
            for name in byAlgorithm.keys.sorted() {
                let group = byAlgorithm[name] ?? Digest.Group(cap: 0)
                out += "<details class=\"algorithm\"><summary><b>\(e(name))</b> — \(group.count)</summary>\n"
                let take = max(0, min(rowsPerGroup, budget, group.count))
                budget -= take
                if take > 0 {
                    out += "<table><thead><tr><th>Where</th><th>Setting</th><th>Usage</th><th>As written</th>"
                    out += "<th>Size</th><th>Source</th><th>Note</th></tr></thead><tbody>\n"
                    try output.write(out)
                    out = ""
                    for row in group.rows.prefix(take) { try output.write(row) }
                    out += "</tbody></table>\n"
                }
                if group.count > take {
                    out += "<p class=\"more\">\(group.count - take) more in this group are not listed here; "
                    out += "<code>pqscout report --format csv</code> has every finding.</p>\n"
                }
                out += "</details>\n"
            }
            out += "</details>\n"
        }
        try output.write(out + "</section>\n")
    }

    private func diagnostics(_ input: ReportInput, to output: ReportOutput) throws {
        let e = HTMLText.escape
        let diagnostics = input.orderedDiagnostics
        var out = "<section id=\"diagnostics\"><h2>Diagnostics (\(diagnostics.count))</h2>\n"
        guard !diagnostics.isEmpty else {
            try output.write(out + "<p>Every examined file was read and parsed.</p></section>\n")
            return
        }
        out += "<details><summary>Files skipped or not parsed</summary><table><thead><tr><th>File</th><th>Reason</th>"
        out += "<th>Detail</th></tr></thead><tbody>\n"
        try diagnostics.walk(limit: maxRows) { diagnostic in
            out += "<tr><td><code>\(e(diagnostic.path.display))</code></td><td>\(diagnostic.reason.rawValue)</td>"
            out += "<td>\(e(diagnostic.detail))</td></tr>\n"
            try output.write(out)
            out = ""
        }
        out += "</tbody></table>"
        if diagnostics.count > maxRows {
            out += "<p class=\"more\">\(diagnostics.count - maxRows) more in the JSON.</p>"
        }
        try output.write(out + "</details>\n</section>\n")
    }

    private func software(_ input: ReportInput, to output: ReportOutput) throws {
        guard !input.software.isEmpty else { return }
        let e = HTMLText.escape
        var out = "<section id=\"software\"><h2>Installed software (\(input.software.count))</h2><details>"
        out += "<summary>Packages read from the tree's package databases</summary><table><thead><tr><th>Name</th>"
        out += "<th>Version</th><th>Database</th></tr></thead><tbody>\n"
        for item in input.software.sorted(by: { ($0.name, $0.version) < ($1.name, $1.version) }).prefix(maxRows) {
            out += "<tr><td>\(e(item.name))</td><td>\(e(item.version))</td>"
            out += "<td><code>\(e(item.sourcePath.display))</code></td></tr>\n"
            try output.write(out)
            out = ""
        }
        try output.write(out + "</tbody></table></details></section>\n")
    }

    /// The page up to its body: the Content-Security-Policy that allows no script and nothing fetched, and the
    /// style. `title` is HTML already (escaped by the caller).
    static func documentStart(title: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(title)</title>
        <style>\(style)</style>
        </head>
        <body>

        """
    }

    static let style = """
        body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d1d1f;background:#fafafa}\
        header{background:#1f2a44;color:#fff;padding:16px 28px}header h1{margin:0 0 6px;font-size:1.5em}\
        .meta{margin:0;opacity:.9}main{padding:8px 28px;max-width:1200px}section{margin:18px 0}\
        h2{border-bottom:2px solid #1f2a44;padding-bottom:4px}table{border-collapse:collapse;margin:8px 0;\
        font-size:.9em;background:#fff}th,td{border:1px solid #ddd;padding:4px 8px;text-align:left;\
        vertical-align:top}th{background:#eef1f6}td.n{text-align:right}table.kv th{width:420px}\
        code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.95em;overflow-wrap:anywhere}\
        td.files{min-width:280px}\
        .cards{display:flex;flex-wrap:wrap;gap:12px}.card{background:#fff;border:1px solid #ddd;border-radius:6px;\
        padding:10px 16px;min-width:130px;display:flex;flex-direction:column}.card .num{font-size:1.8em;\
        font-weight:600}.card.broken{border-left:6px solid #b00020}.card.vulnerable{border-left:6px solid #d9730d}\
        .card.weakened{border-left:6px solid #b8941f}details{margin:6px 0}details.algorithm{margin-left:22px}\
        summary{cursor:pointer;padding:3px 0}.badge{display:inline-block;padding:1px 8px;border-radius:10px;\
        color:#fff;font-weight:600}.badge.broken{background:#b00020}.badge.vulnerable{background:#d9730d}\
        .badge.weakened{background:#b8941f}.badge.hybrid{background:#2f7bbf}.badge.resistant{background:#2e8b57}\
        .chart{font-size:12px;background:#fff;border:1px solid #ddd;margin:6px 0}.chart text{fill:#1d1d1f}\
        .chart .small{font-size:10px}.more{font-style:italic;color:#555}\
        footer{padding:16px 28px;color:#555;font-size:.85em;border-top:1px solid #ddd}\
        .grade{display:inline-block;min-width:1.4em;text-align:center;padding:1px 8px;border-radius:10px;color:#fff;\
        font-weight:700;font-size:.8em;vertical-align:middle;background:#666}.grade.A{background:#2e8b57}\
        .grade.B{background:#5a9a3a}.grade.C{background:#b8941f}.grade.D{background:#d9730d}\
        .grade.E,.grade.F{background:#b00020}.expiry{font-weight:600;margin-left:4px}.expiry.expired{color:#b00020}\
        .expiry.soon{color:#d9730d}\
        @media print{body{background:#fff}header{background:#fff;color:#000;border-bottom:2px solid #1f2a44}\
        main{max-width:none;padding:0 8px}details::details-content{content-visibility:visible;display:block;\
        height:auto}details>summary{list-style:none;font-weight:600}\
        details>summary::-webkit-details-marker{display:none}section{break-before:page}\
        section#summary{break-before:auto}tr,.card,svg{break-inside:avoid}h2,h3,summary{break-after:avoid}\
        *{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
        """

    /// A grade as a coloured badge, so a printed or skimmed page shows the weak systems at a glance.
    static func gradeBadge(_ grade: String) -> String {
        let css = grade.unicodeScalars.allSatisfy { ("A"..."F").contains($0) } ? " \(grade)" : ""
        return "<span class=\"grade\(css)\">\(HTMLText.escape(grade))</span>"
    }

    /// "expired" or "expires in N days" (within 90 days) beside a certificate's last day.
    static func expiry(_ notAfter: Date, now: Date) -> String {
        let days = Int(notAfter.timeIntervalSince(now) / 86_400)
        if notAfter < now { return " <span class=\"expiry expired\">expired</span>" }
        if days <= 90 { return " <span class=\"expiry soon\">expires in \(days) day\(days == 1 ? "" : "s")</span>" }
        return ""
    }
}
