import Foundation
import PQModel

/// The JSON document of `plan --format json`: one `Plan` (Docs/plan.md). Absent optional fields are left out.
public enum PlanJSON {
    /// Pretty, key-sorted JSON ending in a newline: the same plan gives the same bytes.
    public static func render(_ plan: Plan) throws -> String {
        let encoder = ReportJSONEncoder.make()
        return String(decoding: try encoder.encode(compact(plan)), as: UTF8.self) + "\n"
    }

    /// The plan as its JSON document carries it: an action whose assets are listed in a CSV file keeps the places
    /// and findings of its first `PlanAssetList.inlineLimit` assets as examples, and `assetList` gives the totals
    /// and the file. 20,000 certificates are then one short action, not 40,000 finding references.
    static func compact(_ plan: Plan) -> Plan {
        var out = plan
        for index in out.actions.indices {
            guard let list = out.actions[index].assetList, list.file != nil else { continue }
            let examples = (list.assets ?? []).prefix(PlanAssetList.inlineLimit)
            let places = Set(examples.flatMap(\.locations))
            out.actions[index].locations = out.actions[index].locations.filter { places.contains($0) }
            out.actions[index].retires = Array(out.actions[index].retires.prefix(examples.map(\.findings).reduce(0, +)))
            let paths = Set(places.map(\.path))
            out.actions[index].keeps = out.actions[index].keeps.filter { paths.contains($0.path) }
            out.actions[index].assetList?.assets = nil
        }
        return out
    }

    /// Reads a document back.
    public static func parse(_ data: Data) throws -> Plan {
        try JSONDecoder().decode(Plan.self, from: data)
    }
}
