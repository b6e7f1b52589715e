import PQModel

/// The Markdown report of `vendor check` (the default format): for one vendor its checklist, contradictions and
/// sources; for several, a side-by-side table for a tender first.
///
/// Every text that comes from a claims file or the evidence (vendor, product, validations, file names, proofs) is
/// untrusted: it goes through `MarkdownText`, which escapes HTML and Markdown syntax, so a rendered report runs no
/// script, loads no image and opens no link a vendor wrote.
public enum VendorMarkdown {
    /// Renders the comparison (one vendor renders without the side-by-side table).
    public static func render(_ comparison: VendorComparison) -> String {
        var out = ""
        if comparison.vendors.count > 1 {
            out += "# Vendor comparison\n\n"
            if let first = comparison.vendors.first {
                out += "Profile `\(first.profile)`, as of \(first.asOf).\n\n"
            }
            out +=
                "Each cell: **verified** (the evidence shows it), **contradicted** (the evidence disproves it), "
                + "claimed only (no evidence either way) or not claimed; then the verdict.\n\n"
            out +=
                "| requirement | "
                + comparison.vendors.map { MarkdownText.text($0.claims.title) }.joined(separator: " | ")
                + " |\n"
            out += "|---|" + String(repeating: "---|", count: comparison.vendors.count) + "\n"
            for row in comparison.rows {
                let cells = comparison.vendors.indices.map { index in
                    comparisonCell(comparison, row: row, vendor: index)
                }
                out += "| \(MarkdownText.text(row)) | " + cells.joined(separator: " | ") + " |\n"
            }
            for (label, values) in summary(comparison) {
                out += "| **\(label)** | " + values.joined(separator: " | ") + " |\n"
            }
            out += "\n"
        }
        let level = comparison.vendors.count > 1 ? "##" : "#"
        for vendor in comparison.vendors { out += section(vendor, level: level) }
        return out
    }

    /// "meets", "gap: by 2027-01-01, promised 2026-12-15", "unverifiable".
    static func short(_ check: RequirementCheck, asOf: CalendarDay) -> String {
        switch check.verdict {
        case .meets, .unverifiable: return check.verdict.rawValue
        case .gap:
            guard check.mustMeetBy != nil || check.vendorPromise != nil else { return "gap" }
            let by = check.mustMeetBy.map { $0 <= asOf ? "due since \($0)" : "by \($0)" } ?? "undated"
            let promise = check.vendorPromise.map { "promised \($0)" } ?? "no date promised"
            return "gap: \(by), \(promise)"
        }
    }

    /// One cell of the side-by-side table in words: its state, then its verdict ("verified: meets", "contradicted:
    /// gap", "not claimed"). A contradicted check's verdict is never meets (`VendorChecker` makes it a gap).
    public static func cellText(_ comparison: VendorComparison, row: String, vendor: Int) -> String {
        let state = comparison.state(row: row, vendor: vendor)
        guard let check = comparison.cell(row: row, vendor: vendor) else { return state.words }
        let verdict = short(check, asOf: comparison.vendors[vendor].asOf)
        let count = comparison.vendors[vendor].contradictions.filter {
            $0.requirement == check.requirement && (check.protocol == nil || $0.protocol == check.protocol)
        }.count
        return state == .contradicted
            ? "contradicted (\(count)): \(verdict == "meets" ? "gap" : verdict)" : "\(state.words): \(verdict)"
    }

    static func comparisonCell(_ comparison: VendorComparison, row: String, vendor: Int) -> String {
        let text = MarkdownText.text(cellText(comparison, row: row, vendor: vendor))
        switch comparison.state(row: row, vendor: vendor) {
        case .verified, .contradicted: return "**\(text)**"
        case .claimedOnly, .notClaimed: return text
        }
    }

    /// The summary rows under the table: counts of each state, contradictions, and the rank they give.
    static func summary(_ comparison: VendorComparison) -> [(String, [String])] {
        let standings = comparison.standings
        return [
            ("verified", standings.map { "\($0.verified)" }),
            ("contradicted", standings.map { "\($0.contradicted)" }),
            ("claimed only", standings.map { "\($0.claimedOnly)" }),
            ("not claimed", standings.map { "\($0.notClaimed)" }),
            (
                "contradictions",
                comparison.vendors.map { $0.evidence == nil ? "no evidence" : "\($0.contradictions.count)" }
            ),
            ("rank (fewest contradicted, then most verified)", standings.map { "\($0.rank)" }),
        ]
    }

    static func section(_ vendor: VendorAssessment, level: String) -> String {
        let claims = vendor.claims
        var out = "\(level) Vendor check: \(MarkdownText.text(claims.title))\n\n"
        out += "- Claims: \(MarkdownText.code(claims.file)) (\(claims.origin.rawValue))\n"
        out +=
            "- Profile: \(MarkdownText.code(vendor.profile))"
            + (vendor.category.map { ", category \(MarkdownText.code($0))" } ?? "")
            + ", as of \(vendor.asOf)\n"
        out +=
            "- Evidence: " + MarkdownText.text(vendor.evidence ?? "none (pass --evidence PATH or --scan ID to compare)")
            + "\n"
        out +=
            "- Validations: "
            + (claims.validations.isEmpty
                ? "none stated" : claims.validations.map { MarkdownText.text($0) }.joined(separator: "; "))
            + "\n"
        out +=
            "- Verdicts: \(vendor.count(.meets)) meets, \(vendor.count(.gap)) gap, "
            + "\(vendor.count(.unverifiable)) unverifiable\n"
        out +=
            "- States: \(vendor.count(ClaimState.verified)) verified, \(vendor.count(ClaimState.contradicted)) "
            + "contradicted, \(vendor.count(ClaimState.claimedOnly)) claimed only, "
            + "\(vendor.count(ClaimState.notClaimed)) not claimed\n\n"
        out += "\(level)# Checklist\n\n"
        out += "| requirement | protocol | state | verdict | must be met by | vendor promises | why |\n"
        out += "|---|---|---|---|---|---|---|\n"
        for check in vendor.checks {
            let fields = [
                check.requirement, check.protocol?.rawValue ?? "product", (check.state ?? .claimedOnly).words,
                check.verdict.rawValue, check.mustMeetBy?.description ?? "", check.vendorPromise?.description ?? "",
                check.explanation
                    + (check.evidence.isEmpty ? "" : " (evidence: \(check.evidence.joined(separator: "; ")))"),
            ]
            out += "| " + fields.map { MarkdownText.text($0) }.joined(separator: " | ") + " |\n"
        }
        out += "\n\(level)# Contradictions\n\n"
        if vendor.evidence == nil {
            out += "No evidence was examined.\n\n"
        } else if vendor.contradictions.isEmpty {
            out += "None: the evidence bears out every claim it speaks to.\n\n"
        } else {
            for item in vendor.contradictions {
                out += "- **\(item.kind.rawValue)** (\(item.protocol.rawValue)): \(prose(item.sentence))\n"
            }
            out += "\n"
        }
        out += "\(level)# Sources\n\n"
        for (name, source) in sources(vendor) { out += "- \(name): \(MarkdownText.text(source))\n" }
        return out + "\n"
    }

    /// Each requirement's source once, then each distinct deadline source, as (label, text).
    static func sources(_ vendor: VendorAssessment) -> [(String, String)] {
        var out: [(String, String)] = []
        var seen = Set<String>()
        for check in vendor.checks where seen.insert(check.requirement).inserted {
            out.append(("`\(check.requirement)`", check.source))
        }
        var deadlines = Set<String>()
        for check in vendor.checks {
            guard let source = check.deadlineSource, let day = check.mustMeetBy, deadlines.insert(source).inserted
            else { continue }
            out.append(("deadline \(day)", source))
        }
        return out
    }

    /// A proof sentence whose `` `x` `` spans were written by PQScout around evidence values: each span's value is
    /// made a safe code span, the prose between is escaped text.
    static func prose(_ sentence: String) -> String {
        let parts = sentence.split(separator: "`", omittingEmptySubsequences: false)
        guard parts.count > 2, parts.count % 2 == 1 else { return MarkdownText.text(sentence) }
        return parts.enumerated().map { index, part in
            index % 2 == 1 ? MarkdownText.code(String(part)) : MarkdownText.text(String(part))
        }.joined()
    }
}
