import PQModel

/// The Markdown report of `vendor check` (the default format): for one vendor its checklist, contradictions and
/// sources; for several, a side-by-side table for a tender first.
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
                "| requirement | " + comparison.vendors.map { cell($0.claims.title) }.joined(separator: " | ")
                + " |\n"
            out += "|---|" + String(repeating: "---|", count: comparison.vendors.count) + "\n"
            for row in comparison.rows {
                let cells = comparison.vendors.indices.map { index in
                    comparison.cell(row: row, vendor: index).map { short($0, asOf: comparison.vendors[index].asOf) }
                        ?? "—"
                }
                out += "| \(cell(row)) | " + cells.map(cell).joined(separator: " | ") + " |\n"
            }
            let counts = comparison.vendors.map { vendor in
                vendor.evidence == nil ? "no evidence" : "\(vendor.contradictions.count)"
            }
            out += "| contradictions | " + counts.joined(separator: " | ") + " |\n\n"
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
            let by = check.mustMeetBy.map { $0 <= asOf ? "due since \($0)" : "by \($0)" } ?? "undated"
            let promise = check.vendorPromise.map { "promised \($0)" } ?? "no date promised"
            return "gap: \(by), \(promise)"
        }
    }

    static func section(_ vendor: VendorAssessment, level: String) -> String {
        let claims = vendor.claims
        var out = "\(level) Vendor check: \(claims.title)\n\n"
        out += "- Claims: `\(claims.file)` (\(claims.origin.rawValue))\n"
        out +=
            "- Profile: `\(vendor.profile)`" + (vendor.category.map { ", category `\($0)`" } ?? "")
            + ", as of \(vendor.asOf)\n"
        out += "- Evidence: " + (vendor.evidence ?? "none (pass --evidence PATH or --scan ID to compare)") + "\n"
        out +=
            "- Validations: "
            + (claims.validations.isEmpty ? "none stated" : claims.validations.map(inline).joined(separator: "; "))
            + "\n"
        out +=
            "- Verdicts: \(vendor.count(.meets)) meets, \(vendor.count(.gap)) gap, "
            + "\(vendor.count(.unverifiable)) unverifiable\n\n"
        out += "\(level)# Checklist\n\n"
        out += "| requirement | protocol | verdict | must be met by | vendor promises | why |\n"
        out += "|---|---|---|---|---|---|\n"
        for check in vendor.checks {
            let fields = [
                check.requirement, check.protocol?.rawValue ?? "product", check.verdict.rawValue,
                check.mustMeetBy?.description ?? "", check.vendorPromise?.description ?? "",
                check.explanation
                    + (check.evidence.isEmpty ? "" : " (evidence: \(check.evidence.joined(separator: "; ")))"),
            ]
            out += "| " + fields.map(cell).joined(separator: " | ") + " |\n"
        }
        out += "\n\(level)# Contradictions\n\n"
        if vendor.evidence == nil {
            out += "No evidence was examined.\n\n"
        } else if vendor.contradictions.isEmpty {
            out += "None: the evidence bears out every claim it speaks to.\n\n"
        } else {
            for item in vendor.contradictions {
                out += "- **\(item.kind.rawValue)** (\(item.protocol.rawValue)): \(inline(item.sentence))\n"
            }
            out += "\n"
        }
        out += "\(level)# Sources\n\n"
        for (name, text) in sources(vendor) { out += "- \(name): \(inline(text))\n" }
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

    /// A table cell: pipes escaped, line breaks flattened.
    static func cell(_ text: String) -> String {
        inline(text).replacingOccurrences(of: "|", with: "\\|")
    }

    /// Text on one line.
    static func inline(_ text: String) -> String {
        text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
    }
}
