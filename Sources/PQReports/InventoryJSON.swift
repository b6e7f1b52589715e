import Foundation
import PQModel

/// The JSON document of `scan --format json` and `inventory --format json` (Docs/json-output.md).
public enum InventoryJSON {
    /// Pretty, key-sorted JSON with ISO 8601 dates, ending in a newline: the same inventory gives the same bytes.
    public static func render(_ document: InventoryDocument) throws -> String {
        let encoder = ReportJSONEncoder.make()
        let data = try encoder.encode(document)
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// The same bytes as `render`, written piece by piece: the findings come from `findings`, which calls its
    /// argument once per finding in order, so a scan of 178,000 findings is never one document in memory (it was
    /// 677 MB). Pretty-printed JSON puts every nested value on its own lines, so an element encoded alone and
    /// indented to its depth is byte-for-byte what the whole-document encoder writes.
    /// The diagnostics come the same way: a tree of broken files leaves hundreds of thousands.
    /// - Parameters:
    ///   - diagnostics: calls its argument with each diagnostic, in the document's order.
    ///   - write: receives the output in order.
    ///   - findings: calls its argument with each finding.
    public static func stream(
        scan: ScanRecord, diagnostics: ((Diagnostic) throws -> Void) throws -> Void, aliases: [PathAlias] = [],
        write: @escaping (String) throws -> Void,
        findings: ((Finding) throws -> Void) throws -> Void
    ) throws {
        let encoder = ReportJSONEncoder.make()
        func encoded<T: Encodable>(_ value: T, indent: Int) throws -> String {
            try ReportJSONEncoder.nested(value, indent: indent, encoder: encoder)
        }
        // Keys in sorted order, as the whole-document form writes them.
        try write("{\n  \"aliases\" : " + (try encoded(aliases, indent: 2)))
        // A top-level array whose elements come one at a time, each indented to its depth.
        func array<T: Encodable>(_ key: String, _ each: ((T) throws -> Void) throws -> Void) throws {
            try write(",\n  \"\(key)\" : ")
            var count = 0
            try each { element in
                try write((count == 0 ? "[\n    " : ",\n    ") + (try encoded(element, indent: 4)))
                count += 1
            }
            try write(count == 0 ? (try encoded([T](), indent: 2)) : "\n  ]")
        }
        try array("diagnostics", diagnostics)
        try array("findings", findings)
        try write(",\n  \"scan\" : " + (try encoded(scan, indent: 2)))
        try write(",\n  \"schemaVersion\" : \(InventoryDocument.currentSchemaVersion)\n}\n")
    }

    /// Reads a document back (tests, `diff`, and other tools written in Swift).
    public static func parse(_ data: Data) throws -> InventoryDocument {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(InventoryDocument.self, from: data)
    }
}
