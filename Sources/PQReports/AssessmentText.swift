import PQModel

/// The console form of an assessment: findings by risk, certificate overruns, waivers, agility scores, coverage,
/// and the gate; and the `--explain SYSTEM` breakdown of a score. Pure: the same result gives the same text.
public enum AssessmentText {
    /// Findings the table lists at most (highest risk first); the rest are counted.
    public static let defaultLimit = 50

    /// The whole assessment as tables and lines.
    /// - Parameter limit: findings listed at most (highest risk first); the rest are counted.
    public static func render(_ result: AssessmentResult, width: Int = 80, limit: Int = defaultLimit) -> String {
        render(result, highlights: AssessmentHighlights(result.findings, limit: limit), width: width)
    }

    /// The whole assessment as tables and lines, its findings shown from `highlights` (gathered as they were
    /// judged): `result.findings` is not read, so it may be empty when the findings went to the store.
    public static func render(_ result: AssessmentResult, highlights: AssessmentHighlights, width: Int = 80) -> String {
        let limit = highlights.limit
        var out = header(result, highlights: highlights)
        out += "\n"
        let rows = highlights.top.map { item -> [String] in
            var policy = state(item)
            if let waiver = item.waiver { policy += waiver.honoured ? " [waived]" : " [waiver expired]" }
            return [String(item.risk.score), tierLabel(item.risk.tier), policy, item.finding.label]
        }
        if rows.isEmpty {
            out += "No findings in this scan: nothing was judged (see coverage below; this is not a clean bill).\n"
        } else {
            out += TextTable(headers: ["RISK", "TIER", "POLICY", "FINDING"], rows: rows, flexible: [3], keepEnd: [3])
                .render(width: width)
            out +=
                "TIER: HNDL = harvest-now-decrypt-later exposure, broken = classically broken, auth = authentication\n"
            if highlights.count > limit {
                out += "... and \(highlights.count - limit) more (--format json lists all)\n"
            }
        }
        out += "\n" + summaryLine(result, count: highlights.count) + "\n"
        if !highlights.overruns.isEmpty {
            out += "\nCertificates that outlive their algorithm's deadline:\n"
            for item in highlights.overruns {
                if let overrun = item.overrun { out += "  \(item.finding.label): \(overrun.message)\n" }
            }
            out += more(highlights.overrunCount - highlights.overruns.count, "certificate findings past their deadline")
        }
        if !highlights.expired.isEmpty {
            out += "\nCertificates expired before \(result.asOf) (invalid now: replace first):\n"
            // One line per place that holds or names the certificate (a certificate file, or the directive of a
            // daemon configured with it), not one per finding of it.
            var seen = Set<String>()
            for item in highlights.expired {
                let place = item.finding.line.map { "\(item.finding.path):\($0)" } ?? item.finding.path
                guard seen.insert(place).inserted, let day = item.expired else { continue }
                out += "  \(place) (\(item.finding.setting)): expired on \(day)\n"
            }
            out += more(highlights.expiredCount - highlights.expired.count, "findings of expired certificates")
        }
        if !highlights.waived.isEmpty || !result.unusedWaivers.isEmpty {
            out += "\nWaivers:\n"
            for item in highlights.waived {
                guard let waiver = item.waiver else { continue }
                let state = waiver.honoured ? "honoured until \(waiver.expires)" : "EXPIRED on \(waiver.expires)"
                out += "  \(waiver.id) \(state), owner \(waiver.owner): \(item.finding.label) — \(waiver.reason)\n"
            }
            out += more(highlights.waivedCount - highlights.waived.count, "waived findings")
            for id in result.unusedWaivers { out += "  \(id): matched no finding\n" }
        }
        out += "\n" + agility(result, highlights: highlights, width: width)
        out += "\n" + coverage(result.coverage)
        if let gate = result.gate {
            out += "\nGate --fail-on \(gate.threshold.rawValue): "
            out += gate.met ? "MET by \(gate.count) finding(s) (exit 1)\n" : "not met\n"
        }
        return out
    }

    static func header(_ result: AssessmentResult, highlights: AssessmentHighlights) -> String {
        var text = "Assessment of scan \(result.scanID) under \(result.profile) (\(result.profileTitle)), "
        text += "as of \(result.asOf)"
        if let category = result.category { text += ", category \(category)" }
        if let mosca = result.mosca {
            text += "; Mosca x = \(mosca.dataLifetimeYears) (data lifetime), y = \(mosca.migrationYears) (migration), "
            text += "CRQC \(mosca.crqcYear)\n"
        } else {
            text += "; data lifetime \(result.dataLifetimeYears) years\n"
        }
        if highlights.binding == [false] {
            text += "The profile's rules are guidance, not mandates.\n"
        } else if highlights.binding.contains(true), let scope = highlights.bindingScope {
            text += "Rules marked binding bind \(scope).\n"
        }
        return text
    }

    /// Short tier names for the table; Docs/scoring.md spells them out.
    static func tierLabel(_ tier: RiskTier) -> String {
        switch tier {
        case .harvestNowDecryptLater: "HNDL"
        case .classicallyBroken: "broken"
        case .authentication: "auth"
        case .low: "low"
        }
    }

    static func state(_ item: FindingAssessment) -> String {
        let verdict = item.verdict
        switch verdict.state {
        case .allowed: return "allowed"
        case .due:
            let word = verdict.nextState?.rawValue ?? "due"
            return "due: \(word) \(verdict.deadline?.description ?? "") (\(verdict.daysLeft ?? 0)d)"
        case .deprecated: return "deprecated since \(verdict.since?.description ?? "?")"
        case .disallowed: return "disallowed since \(verdict.since?.description ?? "?")"
        }
    }

    static func summaryLine(_ result: AssessmentResult, count: Int) -> String {
        let states = PolicyState.allCases.reversed().map {
            "\(result.summary.byState[$0.rawValue] ?? 0) \($0.rawValue)"
        }
        var line = "\(count) findings: " + states.joined(separator: ", ")
        line += "; \(result.summary.waived) waived"
        if result.summary.expiredWaivers > 0 { line += ", \(result.summary.expiredWaivers) waiver(s) expired" }
        if result.summary.certificateOverruns > 0 {
            line += "; \(result.summary.certificateOverruns) certificate finding(s) outlive their deadline"
        }
        if let expired = result.summary.expiredCertificates, expired > 0 {
            line += "; \(expired) certificate(s) EXPIRED"
        }
        return line
    }

    /// The systems from `highlights` (gathered as they were scored) when the result does not hold them; at most
    /// `highlights.limit` of them, the lowest-scoring when there are more.
    static func agility(_ result: AssessmentResult, highlights: AssessmentHighlights, width: Int) -> String {
        var out = "Crypto-agility: whole scan \(result.overall.score) (\(result.overall.grade))\n"
        let (lines, leftOut) =
            result.systems.isEmpty
            ? (highlights.systems, highlights.systemsLeftOut)
            : AssessmentHighlights.shown(
                result.systems.map(AssessmentHighlights.SystemLine.init), limit: highlights.limit)
        if leftOut > 0 {
            out += "The \(lines.count) lowest-scoring of \(lines.count + leftOut) systems, lowest first "
            out += "(`pqscout report` and --format json list all):\n"
        }
        let rows = lines.map { line -> [String] in
            [
                line.id, String(line.score), line.grade, String(line.findingCount),
                line.notEvaluated.joined(separator: ", "),
            ]
        }
        if !rows.isEmpty {
            out += TextTable(
                headers: ["SYSTEM", "SCORE", "GRADE", "FINDINGS", "NOT EVALUATED"], rows: rows, flexible: [0, 4],
                keepEnd: [0]
            ).render(width: width)
            out += "`pqscout assess --explain SYSTEM` lists every point of a score.\n"
        }
        return out
    }

    /// The line after a list of the first few: how many `what` it leaves out; empty when none.
    static func more(_ count: Int, _ what: String) -> String {
        count > 0 ? "  ... and \(count) more \(what) (--format json lists all)\n" : ""
    }

    /// What was scanned, skipped and unparsable, and everything not evaluated: every format, algorithm, scan and
    /// software gap, then the first `limit` files (the rest counted).
    public static func coverage(_ coverage: AssessmentCoverage, limit: Int = defaultLimit) -> String {
        var out = "Coverage: \(coverage.filesExamined) files examined, \(coverage.filesWithFindings) with findings, "
        out += "\(coverage.filesSkipped) skipped, \(coverage.filesUnparsable) unparsable"
        out += coverage.scanComplete ? "" : "; SCAN INCOMPLETE"
        out += "\n"
        let sources = coverage.sources.sorted { $0.key < $1.key }.map { "\($0.key) (\($0.value))" }
        out += "  sources with findings: " + (sources.isEmpty ? "none" : sources.joined(separator: ", ")) + "\n"
        // A hostile tree leaves a file gap per diagnostic: the few others are listed first, where they are seen.
        let files = coverage.gaps.filter { $0.kind == "file" }
        for gap in coverage.gaps.filter({ $0.kind != "file" }) + files.prefix(limit) {
            out += "  not evaluated — \(gap.kind) \(gap.subject): \(gap.reason)\n"
        }
        let more = files.count - min(limit, files.count) + coverage.gapsLeftOut
        if more > 0 {
            out += "  ... and \(more) more files not evaluated "
            out += "(pqscout inventory --format json lists every diagnostic)\n"
        }
        return out
    }

    /// Every point of one system's score, with its reason and findings.
    public static func explain(_ score: AgilityScore) -> String {
        var out = "System \(score.system.id) (\(score.system.kind.rawValue)): \(score.score) (\(score.grade)), "
        out += "from a baseline of \(score.baseline), over \(score.findingCount) findings\n"
        for adjustment in score.adjustments {
            let points = adjustment.evaluated ? String(format: "%+4d", adjustment.points) : " n/a"
            out += "  \(points) \(adjustment.dimension): \(adjustment.reason)"
            out += adjustment.evaluated ? "\n" : " (not evaluated)\n"
            for ref in adjustment.findings.prefix(10) { out += "         \(ref.label)\n" }
            if adjustment.findings.count > 10 { out += "         ... and \(adjustment.findings.count - 10) more\n" }
        }
        out += "  = \(score.score)\n"
        if let category = score.category { out += "  policy category set for this system: \(category)\n" }
        if let mosca = score.mosca {
            out += "  Mosca's inequality (harvest-now-decrypt-later risk of its key exchanges): \(mosca.statement)\n"
            out +=
                "    x = data lifetime \(mosca.dataLifetimeYears) years, y = migration \(mosca.migrationYears) years, "
            out += "z = years until a CRQC in \(mosca.crqcYear) counted from \(mosca.asOfYear)\n"
        }
        return out
    }
}
