import Foundation

/// A JSON value with a writer whose bytes depend only on the value: object keys sorted by their UTF-8 bytes,
/// two-space indentation, no escaped slashes. The interchange renderers (CycloneDX, SARIF) build one of these so
/// the same inventory always gives the same file, and the CBOM importer reads one back.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The value as pretty JSON text ending in a newline.
    public func rendered() -> String {
        var out = ""
        write(into: &out, indent: 0)
        out += "\n"
        return out
    }

    /// The value as `rendered()` writes it where it stands `indent` spaces deep (its first line not indented, no
    /// final newline): a streaming renderer writes a large array's elements one at a time with it.
    func rendered(indent: Int) -> String {
        var out = ""
        write(into: &out, indent: indent)
        return out
    }

    /// `rendered()` cut around one value: the text before and after the member `marker` stands for (a string
    /// value nothing else in the document holds), so a streaming renderer writes the head, the member, the tail.
    func rendered(indent: Int, around marker: String) -> (head: String, tail: String) {
        Self.cut(rendered(indent: indent), around: marker)
    }

    /// Rendered `text` cut around the string value `marker` (one nothing else in it holds): before, and after.
    static func cut(_ text: String, around marker: String) -> (head: String, tail: String) {
        var quoted = ""
        Self.quote(marker, into: &quoted)
        guard let range = text.range(of: quoted) else { preconditionFailure("the marker is not in the value") }
        return (String(text[..<range.lowerBound]), String(text[range.upperBound...]))
    }

    /// Writes, where an array element `marker` stood in rendered text (after `head`, cut there by
    /// `cut(_:around:)`), the elements `elements` hands over one at a time, at the marker's depth and separated
    /// as `rendered` separates them: a long array is written without being one value. `elements` must hand over
    /// at least one, since the marker's place holds one.
    static func writeElements(
        after head: String, to output: ReportOutput, _ elements: ((JSONValue) throws -> Void) throws -> Void
    ) throws {
        let indent = head.reversed().prefix { $0 == " " }.count
        let separator = ",\n" + String(repeating: " ", count: indent)
        var first = true
        try elements { value in
            try output.write((first ? "" : separator) + value.rendered(indent: indent))
            first = false
        }
    }

    private func write(into out: inout String, indent: Int) {
        switch self {
        case .null: out += "null"
        case .bool(let value): out += value ? "true" : "false"
        case .int(let value): out += String(value)
        case .double(let value):
            // Int(exactly:) rather than Int(_:): a whole double beyond Int's range (1e20) must not trap.
            out += value.isFinite ? (Int(exactly: value).map { String($0) } ?? String(value)) : "null"
        case .string(let value): Self.quote(value, into: &out)
        case .array(let values):
            guard !values.isEmpty else {
                out += "[]"
                return
            }
            out += "[\n"
            for (index, value) in values.enumerated() {
                out += String(repeating: " ", count: indent + 2)
                value.write(into: &out, indent: indent + 2)
                out += index == values.count - 1 ? "\n" : ",\n"
            }
            out += String(repeating: " ", count: indent) + "]"
        case .object(let members):
            guard !members.isEmpty else {
                out += "{}"
                return
            }
            out += "{\n"
            let keys = members.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
            for (index, key) in keys.enumerated() {
                out += String(repeating: " ", count: indent + 2)
                Self.quote(key, into: &out)
                out += ": "
                members[key, default: .null].write(into: &out, indent: indent + 2)
                out += index == keys.count - 1 ? "\n" : ",\n"
            }
            out += String(repeating: " ", count: indent) + "}"
        }
    }

    /// RFC 8259 §7 string escaping; control characters as `\u00XX`.
    static func quote(_ text: String, into out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029:
                out += "\\u" + String(format: "%04X", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }

    // MARK: - Reading

    /// Deepest nesting of arrays and objects accepted. CycloneDX nests components a few levels; the decoder below
    /// recurses once per level.
    public static let maximumDepth = 128

    /// Parses JSON text.
    /// - Throws: `JSONValueError` for nesting deeper than `maximumDepth` or a number no Double holds (`1e999`),
    ///   both found before decoding starts; `DecodingError` for other malformed input.
    public static func parse(_ data: Data) throws -> JSONValue {
        if let problem = preflight(data) { throw problem }
        return try JSONDecoder().decode(JSONValue.self, from: data)
    }

    /// One pass over the bytes outside strings: the nesting depth, and every number token's range.
    static func preflight(_ data: Data) -> JSONValueError? {
        var preflight = JSONPreflight()
        return preflight.feed(data) ?? preflight.finish()
    }

    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var intValue: Int? {
        switch self {
        case .int(let value): return value
        case .double(let value) where value.isFinite && value == value.rounded() && abs(value) < 1e15:
            return Int(value)
        default: return nil
        }
    }

    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    public var arrayValue: [JSONValue] {
        if case .array(let values) = self { return values }
        return []
    }

    /// An object from optional members: nil values are left out, so the output has no `null`s.
    static func object(_ members: [(String, JSONValue?)]) -> JSONValue {
        var dictionary: [String: JSONValue] = [:]
        for (key, value) in members { if let value { dictionary[key] = value } }
        return .object(dictionary)
    }
}

extension JSONValue: Decodable {
    public init(from decoder: Decoder) throws {
        if var array = try? decoder.unkeyedContainer() {
            var values: [JSONValue] = []
            while !array.isAtEnd { values.append(try array.decode(JSONValue.self)) }
            self = .array(values)
            return
        }
        if let object = try? decoder.container(keyedBy: AnyKey.self) {
            var members: [String: JSONValue] = [:]
            for key in object.allKeys { members[key.stringValue] = try object.decode(JSONValue.self, forKey: key) }
            self = .object(members)
            return
        }
        let single = try decoder.singleValueContainer()
        if single.decodeNil() {
            self = .null
        } else if let value = try? single.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? single.decode(Int.self) {
            self = .int(value)
        } else if let value = try? single.decode(Double.self) {
            self = .double(value)
        } else {
            self = .string(try single.decode(String.self))
        }
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

/// JSON that is well-formed enough to read but exceeds what PQScout accepts: said in words, not "not JSON".
public struct JSONValueError: Error, Sendable, Hashable, CustomStringConvertible {
    public let reason: String
    public var description: String { reason }
}

/// `JSONValue.preflight` fed a piece at a time, so a document streamed from a file gets the same checks, in the same
/// order, before any of it is read as JSON.
struct JSONPreflight {
    private var depth = 0
    private var inString = false
    private var escaped = false
    private var number: [UInt8] = []

    private mutating func numberProblem() -> JSONValueError? {
        defer { number.removeAll(keepingCapacity: true) }
        guard !number.isEmpty, let value = Double(String(decoding: number, as: UTF8.self)) else { return nil }
        if value.isFinite { return nil }
        return JSONValueError(reason: "number out of range: \(String(decoding: number.prefix(40), as: UTF8.self))")
    }

    /// Checks the next piece of the document; the first problem found, if any (later pieces need not be fed).
    mutating func feed<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> JSONValueError? {
        for byte in bytes {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."),
                UInt8(ascii: "e"), UInt8(ascii: "E"):
                if number.count < 4096 { number.append(byte) }
                continue
            default:
                if let problem = numberProblem() { return problem }
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > JSONValue.maximumDepth {
                    return JSONValueError(reason: "too deeply nested (more than \(JSONValue.maximumDepth) levels)")
                }
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth = max(0, depth - 1)
            default:
                break
            }
        }
        return nil
    }

    /// The problem a number at the very end of the document makes, once every piece was fed.
    mutating func finish() -> JSONValueError? { numberProblem() }
}
