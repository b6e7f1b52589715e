import Foundation
import PQModel

/// The JSON document of `vendor check --format json` (Docs/procurement.md): versioned, key-sorted, stable bytes.
public enum VendorJSON {
    /// The document's schema version; raise it when a field changes meaning or goes away.
    public static let schemaVersion = 1

    struct Document: Codable {
        var schemaVersion: Int
        var vendors: [VendorAssessment]
        /// Row keys, then one verdict per vendor in `vendors` order (null where a vendor has no such row).
        var comparison: [Row]
        /// Per vendor, in `vendors` order: counts of each state and the rank they give.
        var summary: [VendorComparison.Standing]
    }

    struct Row: Codable {
        var requirement: String
        var verdicts: [RequirementVerdict?]
        /// One state per vendor (`not-claimed` where a vendor has no such row).
        var states: [ClaimState]
    }

    /// Pretty, key-sorted JSON ending in a newline.
    public static func render(_ comparison: VendorComparison) throws -> String {
        let rows = comparison.rows.map { key in
            Row(
                requirement: key,
                verdicts: comparison.vendors.indices.map { comparison.cell(row: key, vendor: $0)?.verdict },
                states: comparison.vendors.indices.map { comparison.state(row: key, vendor: $0) })
        }
        let encoder = ReportJSONEncoder.make()
        let document = Document(
            schemaVersion: schemaVersion, vendors: comparison.vendors, comparison: rows,
            summary: comparison.standings)
        return escapeMarkup(String(decoding: try encoder.encode(document), as: UTF8.self)) + "\n"
    }

    /// Writes `<`, `>` and `&` as `\u003c`, `\u003e`, `\u0026`: the same JSON strings, but a document pasted into
    /// an HTML page or a `<script>` block cannot close it or open a tag (RFC 8259 §7 allows any character escaped).
    /// The three never occur in JSON outside strings, so a textual replacement is exact.
    static func escapeMarkup(_ json: String) -> String {
        var out = ""
        out.reserveCapacity(json.utf8.count)
        for scalar in json.unicodeScalars {
            switch scalar {
            case "<": out += "\\u003c"
            case ">": out += "\\u003e"
            case "&": out += "\\u0026"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
