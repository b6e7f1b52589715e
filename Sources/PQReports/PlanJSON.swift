import Foundation
import PQModel

/// The JSON document of `plan --format json`: one `Plan` (Docs/plan.md). Absent optional fields are left out.
public enum PlanJSON {
    /// Pretty, key-sorted JSON ending in a newline: the same plan gives the same bytes.
    public static func render(_ plan: Plan) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(plan), as: UTF8.self) + "\n"
    }

    /// Reads a document back.
    public static func parse(_ data: Data) throws -> Plan {
        try JSONDecoder().decode(Plan.self, from: data)
    }
}
