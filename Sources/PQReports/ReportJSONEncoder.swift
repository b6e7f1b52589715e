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

    /// `value` as `make()`'s encoder writes it nested `indent` spaces deep (every line after the first indented):
    /// pretty-printed JSON puts each nested value on its own lines, so a document written element by element this
    /// way has the bytes of the whole document encoded at once.
    static func nested<T: Encodable>(_ value: T, indent: Int, encoder: JSONEncoder) throws -> String {
        let data = try encoder.encode(value)
        // On the bytes: splitting the text into lines and joining them again took half of a large diff's time.
        let newline = UInt8(ascii: "\n")
        var out: [UInt8] = []
        out.reserveCapacity(data.count + data.count / 4)
        data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            for index in bytes.indices {
                let byte = bytes[index]
                out.append(byte)
                // Every line after the first is indented, but an empty one.
                if byte == newline, index + 1 < bytes.count, bytes[index + 1] != newline {
                    out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent))
                }
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
