import Foundation

/// The one encoder every JSON document PQScout prints goes through, so all of them share their form: two-space
/// pretty printing, keys sorted, slashes unescaped (paths stay readable), dates as ISO 8601 (Docs/json-output.md).
public enum ReportJSONEncoder {
    public static func make() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }
}
