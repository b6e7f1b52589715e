import Foundation
import PQModel

/// The JSON document of `assess --format json`: one `AssessmentResult` (Docs/policies.md, Docs/scoring.md).
public enum AssessmentJSON {
    /// Pretty, key-sorted JSON ending in a newline: the same assessment gives the same bytes.
    public static func render(_ result: AssessmentResult) throws -> String {
        let encoder = ReportJSONEncoder.make()
        return String(decoding: try encoder.encode(result), as: UTF8.self) + "\n"
    }

    /// Writes the bytes `render(_:)` returns in pieces, each judged finding and each system encoded alone, so the
    /// whole document (2.2 GB for 1.78 million findings) is never one string in memory.
    public static func write(_ result: AssessmentResult, to write: (String) -> Void) throws {
        let encoder = ReportJSONEncoder.make()
        // Each piece indented as it stands in the whole document: every line but the first and the empty ones
        // (an empty array's) shifted right. On bytes: splitting and joining Strings doubled the CPU time.
        func encoded<T: Encodable>(_ value: T, indent: Int) throws -> String {
            let data = try encoder.encode(value)
            var out: [UInt8] = []
            out.reserveCapacity(data.count + data.count / 4)
            data.withUnsafeBytes { raw in
                let bytes = raw.bindMemory(to: UInt8.self)
                for (offset, byte) in bytes.enumerated() {
                    out.append(byte)
                    guard byte == UInt8(ascii: "\n"), offset + 1 < bytes.count, bytes[offset + 1] != byte else {
                        continue
                    }
                    out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent))
                }
            }
            return String(decoding: out, as: UTF8.self)
        }
        // The document without its two long arrays; each is written where its empty form stands. Keys at the top
        // level are the only ones indented by two spaces, so each marker occurs once.
        var header = result
        header.findings = []
        header.systems = []
        var rest = Substring(try encoded(header, indent: 0))
        func array<T: Encodable>(_ key: String, _ items: [T]) throws {
            let marker = "\n  \"\(key)\" : " + (try encoded([T](), indent: 2))
            guard let range = rest.range(of: marker) else {
                throw EncodingError.invalidValue(
                    items, .init(codingPath: [], debugDescription: "no \(key) in the assessment's document"))
            }
            write(String(rest[..<range.lowerBound]) + "\n  \"\(key)\" : ")
            if items.isEmpty {
                write(try encoded([T](), indent: 2))
            } else {
                for (offset, item) in items.enumerated() {
                    write((offset == 0 ? "[\n    " : ",\n    ") + (try encoded(item, indent: 4)))
                }
                write("\n  ]")
            }
            rest = rest[range.upperBound...]
        }
        try array("findings", result.findings)
        try array("systems", result.systems)
        write(String(rest) + "\n")
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
