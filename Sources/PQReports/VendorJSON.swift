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
    }

    struct Row: Codable {
        var requirement: String
        var verdicts: [RequirementVerdict?]
    }

    /// Pretty, key-sorted JSON ending in a newline.
    public static func render(_ comparison: VendorComparison) throws -> String {
        let rows = comparison.rows.map { key in
            Row(
                requirement: key,
                verdicts: comparison.vendors.indices.map { comparison.cell(row: key, vendor: $0)?.verdict })
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let document = Document(schemaVersion: schemaVersion, vendors: comparison.vendors, comparison: rows)
        return String(decoding: try encoder.encode(document), as: UTF8.self) + "\n"
    }
}
