import PQModel

/// The HTML report of `vendor check --format html`: one self-contained page (inline style, no scripts, no external
/// resources), every text escaped, so a vendor's file cannot inject markup into a tender report.
public enum VendorHTML {
    public static func render(_ comparison: VendorComparison) -> String {
        var out = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <title>\(escape(title(comparison)))</title>
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
            <style>\(HTMLRenderer.style)
            body{padding:8px 28px}.meets{background:#e3f4e3}.gap{background:#fbe3e3}.unverifiable{background:#f4f0dc}
            .verified{background:#cfeccf;font-weight:bold}.contradicted{background:#f6c4c4;font-weight:bold}
            .claimed-only{background:#f4f0dc}.not-claimed{background:#f3f3f3;color:#666}
            </style></head><body>

            """
        if comparison.vendors.count > 1 {
            out += "<h1>Vendor comparison</h1>\n"
            out +=
                "<p>Each cell: <strong>verified</strong> (the evidence shows it), <strong>contradicted</strong> (the "
                + "evidence disproves it), claimed only (no evidence either way) or not claimed; then the verdict.</p>\n"
            out += "<table><tr><th>requirement</th>"
            for vendor in comparison.vendors { out += "<th>\(escape(vendor.claims.title))</th>" }
            out += "</tr>\n"
            for row in comparison.rows {
                out += "<tr><td>\(escape(row))</td>"
                for index in comparison.vendors.indices {
                    let state = comparison.state(row: row, vendor: index)
                    let text = VendorMarkdown.cellText(comparison, row: row, vendor: index)
                    out += "<td class=\"\(state.rawValue)\">\(escape(text))</td>"
                }
                out += "</tr>\n"
            }
            for (label, values) in VendorMarkdown.summary(comparison) {
                out += "<tr><th>\(escape(label))</th>" + values.map { "<th>\(escape($0))</th>" }.joined() + "</tr>\n"
            }
            out += "</table>\n"
        }
        let heading = comparison.vendors.count > 1 ? 2 : 1
        for vendor in comparison.vendors { out += section(vendor, heading: heading) }
        return out + "</body></html>\n"
    }

    static func title(_ comparison: VendorComparison) -> String {
        comparison.vendors.count == 1
            ? "Vendor check: " + (comparison.vendors.first?.claims.title ?? "") : "Vendor comparison"
    }

    static func section(_ vendor: VendorAssessment, heading: Int) -> String {
        let h = "h\(heading)"
        let sub = "h\(heading + 1)"
        let claims = vendor.claims
        var out = "<\(h)>Vendor check: \(escape(claims.title))</\(h)>\n<ul>\n"
        out += "<li>Claims: <code>\(escape(claims.file))</code> (\(escape(claims.origin.rawValue)))</li>\n"
        out +=
            "<li>Profile: <code>\(escape(vendor.profile))</code>"
            + (vendor.category.map { ", category <code>\(escape($0))</code>" } ?? "") + ", as of \(vendor.asOf)</li>\n"
        out +=
            "<li>Evidence: \(escape(vendor.evidence ?? "none (pass --evidence PATH or --scan ID to compare)"))</li>\n"
        out +=
            "<li>Validations: "
            + escape(claims.validations.isEmpty ? "none stated" : claims.validations.joined(separator: "; "))
            + "</li>\n"
        out +=
            "<li>Verdicts: \(vendor.count(.meets)) meets, \(vendor.count(.gap)) gap, "
            + "\(vendor.count(.unverifiable)) unverifiable</li>\n"
        out +=
            "<li>States: \(vendor.count(ClaimState.verified)) verified, \(vendor.count(ClaimState.contradicted)) "
            + "contradicted, \(vendor.count(ClaimState.claimedOnly)) claimed only, "
            + "\(vendor.count(ClaimState.notClaimed)) not claimed</li>\n</ul>\n"
        out +=
            "<\(sub)>Checklist</\(sub)>\n<table><tr><th>requirement</th><th>protocol</th><th>state</th>"
            + "<th>verdict</th><th>must be met by</th><th>vendor promises</th><th>why</th></tr>\n"
        for check in vendor.checks {
            let state = check.state ?? .claimedOnly
            out += "<tr class=\"\(check.verdict.rawValue)\"><td>\(escape(check.requirement))</td>"
            out += "<td>\(escape(check.protocol?.rawValue ?? "product"))</td>"
            out += "<td class=\"\(state.rawValue)\">\(state.words)</td><td>\(check.verdict.rawValue)</td>"
            out += "<td>\(check.mustMeetBy?.description ?? "")</td><td>\(check.vendorPromise?.description ?? "")</td>"
            out += "<td>\(escape(check.explanation))"
            if !check.evidence.isEmpty { out += "<br>evidence: \(escape(check.evidence.joined(separator: "; ")))" }
            out += "</td></tr>\n"
        }
        out += "</table>\n<\(sub)>Contradictions</\(sub)>\n"
        if vendor.evidence == nil {
            out += "<p>No evidence was examined.</p>\n"
        } else if vendor.contradictions.isEmpty {
            out += "<p>None: the evidence bears out every claim it speaks to.</p>\n"
        } else {
            out += "<ul>\n"
            for item in vendor.contradictions {
                out +=
                    "<li><strong>\(item.kind.rawValue)</strong> (\(item.protocol.rawValue)): "
                    + "\(codeSpans(escape(item.sentence)))</li>\n"
            }
            out += "</ul>\n"
        }
        out += "<\(sub)>Sources</\(sub)>\n<ul>\n"
        for (name, text) in VendorMarkdown.sources(vendor) {
            out += "<li>\(codeSpans(escape(name))): \(escape(text))</li>\n"
        }
        return out + "</ul>\n"
    }

    /// Turns already-escaped `` `x` `` spans into `<code>x</code>`.
    static func codeSpans(_ escaped: String) -> String {
        let parts = escaped.split(separator: "`", omittingEmptySubsequences: false)
        guard parts.count > 2 else { return escaped }
        var out = ""
        for (index, part) in parts.enumerated() {
            if index == 0 {
                out += part
            } else if index % 2 == 1 {
                out += index == parts.count - 1 ? "`" + part : "<code>" + part
            } else {
                out += "</code>" + part
            }
        }
        return out
    }

    /// Escapes the five characters that matter in HTML text and attributes.
    /// The one HTML escaper of the reports (`HTMLText`), which also neutralises control characters.
    public static func escape(_ text: String) -> String { HTMLText.escape(text) }
}
