import Foundation
import PQModel

/// The JSON document of `scan --format json` and `inventory --format json` (Docs/json-output.md).
public enum InventoryJSON {
    /// Pretty, key-sorted JSON with ISO 8601 dates, ending in a newline: the same inventory gives the same bytes.
    public static func render(_ document: InventoryDocument) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let data = try encoder.encode(document)
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// Reads a document back (tests, `diff`, and other tools written in Swift).
    public static func parse(_ data: Data) throws -> InventoryDocument {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(InventoryDocument.self, from: data)
    }
}
