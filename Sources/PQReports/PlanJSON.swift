import Foundation
import PQModel

/// The JSON document of `plan --format json`: one `Plan` (Docs/plan.md). Absent optional fields are left out.
public enum PlanJSON {
    /// Pretty, key-sorted JSON ending in a newline: the same plan gives the same bytes.
    public static func render(_ plan: Plan) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(compact(plan)), as: UTF8.self) + "\n"
    }

    /// The plan as its JSON document carries it: an action whose assets are listed in a CSV file keeps its first
    /// `PlanAssetList.inlineLimit` places and findings as examples, and `assetList` gives the totals and the file.
    /// 20,000 certificates are then one short action, not 40,000 finding references.
    static func compact(_ plan: Plan) -> Plan {
        var out = plan
        for index in out.actions.indices where out.actions[index].assetList?.file != nil {
            out.actions[index].locations = Array(out.actions[index].locations.prefix(PlanAssetList.inlineLimit))
            out.actions[index].retires = Array(out.actions[index].retires.prefix(PlanAssetList.inlineLimit))
            out.actions[index].keeps = Array(out.actions[index].keeps.prefix(PlanAssetList.inlineLimit))
            out.actions[index].assetList?.assets = nil
        }
        return out
    }

    /// Reads a document back.
    public static func parse(_ data: Data) throws -> Plan {
        try JSONDecoder().decode(Plan.self, from: data)
    }
}
