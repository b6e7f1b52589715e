import Foundation
import PQModel

/// The JSON document of `assess --format json`: one `AssessmentResult` (Docs/policies.md, Docs/scoring.md).
public enum AssessmentJSON {
    /// Pretty, key-sorted JSON ending in a newline: the same assessment gives the same bytes.
    public static func render(_ result: AssessmentResult) throws -> String {
        let encoder = ReportJSONEncoder.make()
        return String(decoding: try encoder.encode(result), as: UTF8.self) + "\n"
    }

    /// The `--explain SYSTEM --format json` form: the explained scores, each with every adjustment.
    public static func render(_ scores: [AgilityScore]) throws -> String {
        let encoder = ReportJSONEncoder.make()
        return String(decoding: try encoder.encode(scores), as: UTF8.self) + "\n"
    }

    /// Reads a document back.
    public static func parse(_ data: Data) throws -> AssessmentResult {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(AssessmentResult.self, from: data)
    }
}
