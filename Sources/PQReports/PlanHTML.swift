import PQAssessment
import PQModel

/// `plan --format html`: one self-contained page (inline CSS, no script, no external reference). Every value is
/// HTML-escaped, so nothing from a scanned file can add markup.
public enum PlanHTML {
    /// The whole plan as one HTML page.
    public static func render(_ plan: Plan) -> String {
        var out = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
            <title>Post-quantum migration plan, scan \(plan.scanID)</title>
            <style>\(HTMLRenderer.style)
            body{padding:8px 28px}.action{border:1px solid #ddd;border-radius:6px;padding:.5rem 1rem;margin:1rem 0;
            background:#fff}pre{background:#f6f6f6;padding:.5rem;overflow-x:auto}.add{color:#064}.del{color:#900}
            dt{font-weight:600}.note{background:#fff7d6;padding:.5rem}
            </style></head><body>

            """
        out += "<h1>Post-quantum migration plan</h1>\n"
        out += "<p>Scan \(plan.scanID), profile \(e(plan.profileTitle)) (<code>\(e(plan.profile))</code>), as of "
        out += "\(e(plan.asOf.description)). \(plan.actions.count) action(s) in \(plan.phases.count) phase(s).</p>\n"
        for note in plan.notes { out += "<p class=\"note\">\(e(note))</p>\n" }
        if let progress = plan.progress {
            out += "<h2>Progress since scan \(progress.sinceScanID)</h2>\n<table><tr><th>state</th><th>action</th>"
            out += "<th>remaining</th></tr>\n"
            for entry in progress.actions {
                out += "<tr><td>\(e(entry.state.rawValue))</td><td><code>\(e(entry.id))</code></td>"
                out += "<td>\(entry.remaining) of \(entry.retiredBefore)</td></tr>\n"
            }
            out += "</table>\n"
        }
        for (number, phase) in plan.phases.enumerated() {
            out += "<h2>Phase \(number + 1): \(e(phase.title))</h2>\n"
            out += "<p><strong>Deadline:</strong> \(e(phase.deadline.map(\.description) ?? "none set by the profile"))."
            out += " \(e(phase.rationale)) <em>Source: \(e(phase.source))</em></p>\n"
            for id in phase.actions {
                guard let action = plan.action(id) else { continue }
                out += renderAction(action)
            }
        }
        out += "</body></html>\n"
        return out
    }

    static func renderAction(_ action: PlanAction) -> String {
        let listed = action.assetList?.file.map { " (list: <code>\(e($0))</code>)" } ?? ""
        var out = "<div class=\"action\"><h3>\(e(action.title))\(listed)</h3>\n<dl>\n"
        func row(_ term: String, _ value: String) { out += "<dt>\(term)</dt><dd>\(value)</dd>\n" }
        row("id", "<code>\(e(action.id))</code>")
        row("system", "<code>\(e(action.system))</code> (\(e(action.software)))")
        if let list = action.assetList {
            row("assets", assetCell(list))
        }
        if !action.locations.isEmpty {
            // A merged action's places are in its list; a few here show what they look like.
            let shown =
                action.assetList == nil ? action.locations : Array(action.locations.prefix(PlanAssetList.shownPlaces))
            row(
                "touches",
                shown.map { "<code>\(e($0.label))</code>" }.joined(separator: ", ")
                    + (shown.count < action.placeCount ? ", … (\(action.placeCount) in all)" : ""))
        }
        row("deadline", e(action.deadline.map(\.description) ?? "none") + " — " + e(action.deadlineReason))
        if let rule = action.rule { row("rule", "<code>\(e(rule))</code> \(e(action.ruleSource ?? ""))") }
        row("change", "<code>\(e(action.change))</code>")
        if !action.retires.isEmpty {
            let shown =
                action.assetList == nil ? action.retires : Array(action.retires.prefix(PlanAssetList.shownFindings))
            row(
                "retires",
                "\(action.retireCount) finding(s): "
                    + shown.map { "<code>\(e($0.label))</code>" }.joined(separator: ", ")
                    + (shown.count < action.retireCount ? ", …" : ""))
        }
        if !action.keeps.isEmpty {
            row(
                "keeps (classical fallback)", action.keeps.map { "<code>\(e($0.label))</code>" }.joined(separator: ", ")
            )
        }
        for prerequisite in action.prerequisites { row("prerequisite", e(prerequisite.label)) }
        for issue in action.compatibility { row("compatibility", "<code>\(e(issue.peer))</code> \(e(issue.detail))") }
        if !action.dependsOn.isEmpty {
            row("after", action.dependsOn.map { "<code>\(e($0))</code>" }.joined(separator: ", "))
        }
        if !action.dependents.isEmpty {
            row("unblocks", action.dependents.map { "<code>\(e($0))</code>" }.joined(separator: ", "))
        }
        row(
            "effort",
            "\(e(action.effort.size.rawValue)), about \(action.effort.hours) h — \(e(action.effort.reasoning))")
        row("verify", action.verify.map { "<code>\(e($0))</code>" }.joined(separator: "<br>"))
        row("rollback", action.rollback.map(e).joined(separator: "<br>"))
        if let withheld = action.patchWithheld { row("no patch", e(withheld)) }
        if let blocked = action.blockedOn { row("blocked on the peer", e(blocked)) }
        out += "</dl>\n"
        if let patch = action.patch {
            out += "<pre>"
            for value in TextFileLines.splitLines(patch.diff) {
                let css =
                    value.hasPrefix("+") && !value.hasPrefix("+++")
                    ? "add"
                    : value.hasPrefix("-") && !value.hasPrefix("---") ? "del" : nil
                out += css.map { "<span class=\"\($0)\">\(e(value))</span>\n" } ?? "\(e(value))\n"
            }
            out += "</pre>\n"
        }
        if let optIn = action.optInPatch {
            out += "<p>Opt-in patch, not in all.patch (apply only after the peer has moved):</p>\n<pre>"
            for value in TextFileLines.splitLines(optIn.diff) { out += "\(e(value))\n" }
            out += "</pre>\n"
        }
        out += "</div>\n"
        return out
    }

    /// The assets of a merged action: the count and the CSV that lists them, or a table of them.
    static func assetCell(_ list: PlanAssetList) -> String {
        var out = "\(list.count), retiring \(list.findings) finding(s)"
        if let file = list.file { return out + "; every one is listed in <code>\(e(file))</code>" }
        out += "<table><tr><th>asset</th><th>now</th><th>expires</th><th>due</th><th>places</th><th>action</th></tr>"
        for asset in list.assets ?? [] {
            out += "<tr><td><code>\(e(asset.name))</code></td><td>\(e(asset.current))</td>"
            out += "<td>\(e(asset.expires?.description ?? "-"))</td><td>\(e(asset.deadline?.description ?? "-"))</td>"
            out += "<td>" + asset.locations.map { "<code>\(e($0.label))</code>" }.joined(separator: "<br>") + "</td>"
            out += "<td><code>\(e(asset.action))</code></td></tr>"
        }
        return out + "</table>"
    }

    /// Escapes the five characters HTML gives meaning to.
    /// The reports' one HTML escaper (`HTMLText`): markup escaped, control characters replaced.
    static func e(_ value: String) -> String { HTMLText.escape(value) }
}
