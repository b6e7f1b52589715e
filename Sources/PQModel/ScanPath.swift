/// A path relative to the scan root, kept as the raw bytes the file system gave us.
///
/// Linux file names are bytes, not text. `display` is the lossless text form used in JSON, tables
/// and the store's text column: bytes that are not valid UTF-8 become `\xHH`, and a literal backslash
/// becomes `\\`, so every byte string has exactly one text form and can be recovered from it
/// (Docs/json-output.md).
public struct ScanPath: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) { self.bytes = bytes }
    public init(_ string: String) { self.bytes = Array(string.utf8) }

    /// The escaped text form (see the type's documentation).
    public var display: String { Self.escape(bytes) }
    public var description: String { display }

    /// The last path component, as bytes.
    public var lastComponent: [UInt8] {
        guard let slash = bytes.lastIndex(of: UInt8(ascii: "/")) else { return bytes }
        return Array(bytes[(slash + 1)...])
    }

    /// The file name extension in lower case ASCII ("pem" for "a/B.PEM"), or "" when there is none.
    public var lowercasedExtension: String {
        let name = lastComponent
        guard let dot = name.lastIndex(of: UInt8(ascii: ".")), dot != name.startIndex else { return "" }
        let ext = name[(dot + 1)...]
        guard ext.allSatisfy({ $0 < 0x80 }) else { return "" }
        return String(decoding: ext, as: UTF8.self).lowercased()
    }

    /// Appends one component with a separating slash.
    public func appending(_ component: [UInt8]) -> ScanPath {
        if bytes.isEmpty { return ScanPath(bytes: component) }
        return ScanPath(bytes: bytes + [UInt8(ascii: "/")] + component)
    }

    public static func < (lhs: ScanPath, rhs: ScanPath) -> Bool { lhs.bytes.lexicographicallyPrecedes(rhs.bytes) }

    /// Escapes raw path bytes into their one lossless text form.
    public static func escape(_ bytes: [UInt8]) -> String {
        var out = ""
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\\") {
                out += "\\\\"
                index += 1
                continue
            }
            let length = validUTF8SequenceLength(bytes, at: index)
            if length == 0 {
                out += "\\x" + hexByte(byte)
                index += 1
            } else {
                out += String(decoding: bytes[index..<(index + length)], as: UTF8.self)
                index += length
            }
        }
        return out
    }

    /// Reverses `escape`. Returns nil for text that `escape` cannot have produced.
    public static func unescape(_ text: String) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count)
        var index = 0
        while index < utf8.count {
            let byte = utf8[index]
            guard byte == UInt8(ascii: "\\") else {
                out.append(byte)
                index += 1
                continue
            }
            guard index + 1 < utf8.count else { return nil }
            if utf8[index + 1] == UInt8(ascii: "\\") {
                out.append(byte)
                index += 2
            } else if utf8[index + 1] == UInt8(ascii: "x"), index + 3 < utf8.count,
                let value = UInt8(String(decoding: utf8[(index + 2)...(index + 3)], as: UTF8.self), radix: 16)
            {
                out.append(value)
                index += 4
            } else {
                return nil
            }
        }
        return out
    }

    private static func hexByte(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }

    /// Length of the well-formed UTF-8 sequence starting at `index` (RFC 3629 table), or 0.
    private static func validUTF8SequenceLength(_ bytes: [UInt8], at index: Int) -> Int {
        let first = bytes[index]
        let count = bytes.count
        func cont(_ offset: Int, _ range: ClosedRange<UInt8> = 0x80...0xBF) -> Bool {
            index + offset < count && range.contains(bytes[index + offset])
        }
        switch first {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: return cont(1) ? 2 : 0
        case 0xE0: return cont(1, 0xA0...0xBF) && cont(2) ? 3 : 0
        case 0xE1...0xEC, 0xEE...0xEF: return cont(1) && cont(2) ? 3 : 0
        case 0xED: return cont(1, 0x80...0x9F) && cont(2) ? 3 : 0
        case 0xF0: return cont(1, 0x90...0xBF) && cont(2) && cont(3) ? 4 : 0
        case 0xF1...0xF3: return cont(1) && cont(2) && cont(3) ? 4 : 0
        case 0xF4: return cont(1, 0x80...0x8F) && cont(2) && cont(3) ? 4 : 0
        default: return 0
        }
    }
}

extension ScanPath: Codable {
    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let bytes = ScanPath.unescape(text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "not an escaped scan path: \(text)"))
        }
        self.bytes = bytes
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(display)
    }
}
