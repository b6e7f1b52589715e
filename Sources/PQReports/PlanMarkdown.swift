import PQModel

/// `plan --format md`: the plan as a document for the people who change the systems. Every value that came from
/// a scanned file goes through `MarkdownText` (code spans, escaped prose), so a hostile file name cannot inject markup.
public enum PlanMarkdown {
    /// The whole plan as one Markdown document: progress, then each phase with its actions and diffs.
    public static func render(_ plan: Plan) -> String {
        var out = "# Post-quantum migration plan\n\n"
        out +=
            "Scan \(plan.scanID), profile \(MarkdownText.text(plan.profileTitle)) "
            + "(\(MarkdownText.code(plan.profile))), as of \(plan.asOf). "
        out += "\(plan.actions.count) action(s) in \(plan.phases.count) phase(s); "
        out += "\(plan.actions.filter { $0.patch != nil }.count) with a patch.\n\n"
        for note in plan.notes { out += "> \(MarkdownText.text(note))\n>\n" }
        if !plan.notes.isEmpty { out += "\n" }
        if let progress = plan.progress {
            out += "## Progress since scan \(progress.sinceScanID)\n\n"
            out += "\(progress.count(.done)) done, \(progress.count(.partlyDone)) partly done, "
            out += "\(progress.count(.open)) open.\n\n| state | action | remaining |\n|---|---|---|\n"
            for entry in progress.actions {
                out +=
                    "| \(entry.state.rawValue) | \(MarkdownText.code(entry.id, inTable: true)) | "
                    + "\(entry.remaining) of \(entry.retiredBefore) |\n"
            }
            out += "\n"
        }
        for (number, phase) in plan.phases.enumerated() {
            out += "## Phase \(number + 1): \(MarkdownText.text(phase.title))\n\n"
            out += "Deadline: \(phase.deadline.map(\.description) ?? "none set by the profile"). "
            out += "\(MarkdownText.text(phase.rationale)) Source: \(MarkdownText.text(phase.source)).\n\n"
            for id in phase.actions {
                guard let action = plan.action(id) else { continue }
                out += renderAction(action)
            }
        }
        return out
    }

    static func renderAction(_ action: PlanAction) -> String {
        var out =
            "### \(MarkdownText.text(action.title))"
            + (action.assetList?.file.map { " (list: \(MarkdownText.code($0)))" } ?? "") + "\n\n"
        out += "- id: \(MarkdownText.code(action.id))\n"
        out += "- system: \(MarkdownText.code(action.system)); software: \(action.software)\n"
        if let list = action.assetList {
            out += assetLines(list)
        }
        if !action.locations.isEmpty {
            // A merged action's places are in its list; a few here show what they look like.
            let shown =
                action.assetList == nil ? action.locations : Array(action.locations.prefix(PlanAssetList.shownPlaces))
            out += "- touches: " + shown.map { MarkdownText.code($0.label) }.joined(separator: ", ")
            out += shown.count < action.placeCount ? ", … (\(action.placeCount) in all)\n" : "\n"
        }
        out +=
            "- deadline: \(action.deadline.map(\.description) ?? "none") "
            + "(\(MarkdownText.text(action.deadlineReason)))\n"
        if let rule = action.rule {
            out +=
                "- rule: \(MarkdownText.code(rule))" + (action.ruleSource.map { " — \(MarkdownText.text($0))" } ?? "")
                + "\n"
        }
        out += "- change: \(MarkdownText.code(action.change))\n"
        if !action.retires.isEmpty {
            out +=
                "- retires \(action.retireCount) finding(s): "
                + action.retires.prefix(PlanAssetList.shownFindings).map { MarkdownText.code($0.label) }.joined(
                    separator: ", ")
                + (action.retireCount > PlanAssetList.shownFindings ? ", …" : "") + "\n"
        }
        if !action.keeps.isEmpty {
            out +=
                "- keeps as classical fallback: "
                + action.keeps.map { MarkdownText.code($0.label) }.joined(separator: ", ") + "\n"
        }
        for prerequisite in action.prerequisites { out += "- prerequisite: \(MarkdownText.text(prerequisite.label))\n" }
        for issue in action.compatibility {
            out += "- compatibility: \(MarkdownText.code(issue.peer)) \(MarkdownText.text(issue.detail))\n"
        }
        if !action.dependsOn.isEmpty {
            out += "- after: " + action.dependsOn.map { MarkdownText.code($0) }.joined(separator: ", ") + "\n"
        }
        if !action.dependents.isEmpty {
            out += "- unblocks: " + action.dependents.map { MarkdownText.code($0) }.joined(separator: ", ") + "\n"
        }
        out +=
            "- effort: \(action.effort.size.rawValue), about \(hours(action.effort.hours)) h — "
            + "\(MarkdownText.text(action.effort.reasoning))\n"
        out += "- verify: " + action.verify.map { MarkdownText.code($0) }.joined(separator: "; ") + "\n"
        out += "- rollback: " + action.rollback.map { MarkdownText.text($0) }.joined(separator: "; ") + "\n"
        if let withheld = action.patchWithheld { out += "- no patch: \(MarkdownText.text(withheld))\n" }
        if let blocked = action.blockedOn { out += "- blocked on the peer: \(MarkdownText.text(blocked))\n" }
        out += "\n"
        if let patch = action.patch {
            out += MarkdownText.codeBlock(visible(patch.diff), info: "diff") + "\n"
        }
        if let optIn = action.optInPatch {
            out += "Opt-in patch, not in all.patch (apply only after the peer has moved):\n\n"
            out += MarkdownText.codeBlock(visible(optIn.diff), info: "diff") + "\n"
        }
        return out
    }

    /// The assets of a merged action: the count and the CSV that lists them, or each one on its own line.
    static func assetLines(_ list: PlanAssetList) -> String {
        var out = "- assets: \(list.count), retiring \(list.findings) finding(s)"
        if let file = list.file { return out + "; every one is listed in \(MarkdownText.code(file))\n" }
        out += ":\n"
        for asset in list.assets ?? [] {
            out += "  - \(MarkdownText.code(asset.name)): \(MarkdownText.code(asset.current))"
            out += asset.expires.map { ", expires \($0)" } ?? ""
            out += asset.deadline.map { ", due \($0)" } ?? ""
            out += " — " + asset.locations.map { MarkdownText.code($0.label) }.joined(separator: ", ")
            out += " (\(MarkdownText.code(asset.action)))\n"
        }
        return out
    }

    static func hours(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }

    /// A diff as the terminal may show it: lines kept, every other control character (ESC, BEL, a lone CR)
    /// replaced by U+FFFD so a scanned file cannot drive the terminal that prints the plan.
    static func visible(_ value: String) -> String {
        var out = ""
        let scalars = Array(value.unicodeScalars)
        for (index, scalar) in scalars.enumerated() {
            if scalar == "\n" || scalar == "\t"
                || (scalar == "\r" && index + 1 < scalars.count && scalars[index + 1] == "\n")
            {
                // A CRLF file's line end stays as it is.
                out.unicodeScalars.append(scalar)
            } else if scalar.isControl {
                out += "\u{FFFD}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

extension Unicode.Scalar {
    /// C0, DEL and C1 controls.
    var isControl: Bool { value < 0x20 || (0x7F...0x9F).contains(value) }
}
