import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where a streamed JSON document's bytes come from. Reads go by offset, not by cursor, so a reader can come back
/// to a value it skipped: a CBOM component's occurrences come before the name and properties they are read with.
public protocol JSONByteSource: Sendable {
    /// Up to `count` bytes from `offset`; fewer only at the end of the document.
    func read(at offset: Int, count: Int) throws -> [UInt8]
}

/// A document already in memory.
public struct JSONDataSource: JSONByteSource {
    let data: Data

    public init(_ data: Data) { self.data = data }

    public func read(at offset: Int, count: Int) throws -> [UInt8] {
        let start = data.startIndex + min(offset, data.count)
        return Array(data[start..<min(data.endIndex, start + count)])
    }
}

/// A document read from a file piece by piece with `pread` (no shared cursor, so readers at different offsets do
/// not disturb each other).
public final class JSONFileSource: JSONByteSource, @unchecked Sendable {
    private let descriptor: Int32

    public init(path: String) throws {
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    }

    deinit { close(descriptor) }

    public func read(at offset: Int, count: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var filled = 0
        try out.withUnsafeMutableBytes { raw in
            while filled < count {
                guard let base = raw.baseAddress else { return }
                let got = pread(descriptor, base + filled, count - filled, off_t(offset + filled))
                if got < 0 {
                    if errno == EINTR { continue }
                    throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
                }
                if got == 0 { break }
                filled += got
            }
        }
        out.removeLast(count - filled)
        return out
    }
}

/// JSON that does not parse: the streaming reader's counterpart of a `DecodingError`, which the importer words as
/// "not JSON" (the detail is for tests and debugging).
struct JSONSyntaxError: Error, Sendable, Hashable {
    let offset: Int
    let detail: String
}

/// A pull tokenizer over a `JSONByteSource`, holding one chunk of the document at a time: a reader asks for the
/// next token, or for the whole value a token opens, or skips it.
///
/// It accepts exactly what `JSONValue.parse` (Foundation's `JSONDecoder`) accepts, and builds the same values, so
/// a document streamed imports as it did parsed whole: RFC 8259 grammar, strings of valid UTF-8 without raw
/// control characters, `\u` escapes with surrogates paired, numbers without leading zeros or bare dots, integers
/// as `.int` when an `Int` holds them, and of an object's duplicate keys the first one (the others' values only
/// scanned, as `JSONDecoder` scans them).
struct JSONTokenizer {
    enum Token: Equatable {
        case beginObject, endObject, beginArray, endArray, null, end
        case key(String)
        case string(String)
        case number(JSONValue)
        case bool(Bool)
    }

    private enum State {
        /// Before the first (or only, for a fragment) value.
        case start
        /// After `{`: a key or `}`.
        case objectOpen
        /// After `[`: a value or `]`.
        case arrayOpen
        /// After a key and its colon.
        case memberValue
        /// After a value inside a container (or the top value).
        case afterValue
        case done
    }

    private let source: any JSONByteSource
    private var buffer: [UInt8] = []
    /// The document offset of `buffer[0]`.
    private var bufferStart: Int
    private var index = 0
    private var exhausted = false
    /// Grows from small to `maximumChunk`: a reader that comes back for one small member reads a few KB, not 64.
    private var chunk = 4096
    private static let maximumChunk = 64 * 1024
    /// A fragment ends after its one value (what follows belongs to the enclosing document); a document must end.
    private let fragment: Bool
    /// One entry per open container: true for an object.
    private var stack: [Bool] = []
    private var state = State.start
    private var scratch: [UInt8] = []
    /// While `skip` runs: string values are checked, not built.
    private var discarding = false
    /// While `skipUnread` runs: only the shape `JSONDecoder`'s scanner checks of a value it never decodes.
    private var lax = false
    /// The document offset where the last token returned by `next()` began: where a skipped value can be read again.
    private(set) var tokenStart = 0

    /// A tokenizer for the value at `offset` (a whole document when `fragment` is false and `offset` is 0).
    init(source: any JSONByteSource, offset: Int = 0, fragment: Bool = false) {
        self.source = source
        self.bufferStart = offset
        self.fragment = fragment
    }

    private var offset: Int { bufferStart + index }

    private func fail(_ detail: String) -> JSONSyntaxError { JSONSyntaxError(offset: offset, detail: detail) }

    /// Makes at least one unread byte available; false at the end of the document.
    private mutating func fill() throws -> Bool {
        if index < buffer.count { return true }
        guard !exhausted else { return false }
        bufferStart += buffer.count
        index = 0
        buffer = try source.read(at: bufferStart, count: chunk)
        chunk = min(Self.maximumChunk, chunk * 2)
        // Only an empty read ends the document: a source may hand over less than asked at any point.
        if buffer.isEmpty { exhausted = true }
        return !buffer.isEmpty
    }

    private mutating func peek() throws -> UInt8? {
        guard try fill() else { return nil }
        return buffer[index]
    }

    private mutating func take() throws -> UInt8? {
        guard try fill() else { return nil }
        defer { index += 1 }
        return buffer[index]
    }

    /// Skips RFC 8259 whitespace and returns the next byte, unread.
    private mutating func skipWhitespace() throws -> UInt8? {
        while try fill() {
            switch buffer[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return buffer[index]
            }
        }
        return nil
    }

    /// The next token; `.end` once the value (a fragment's) or the document (checked to hold nothing more) is done.
    mutating func next() throws -> Token {
        switch state {
        case .done:
            return .end
        case .start, .memberValue:
            return try valueToken()
        case .objectOpen:
            guard let byte = try skipWhitespace() else { throw fail("unterminated object") }
            tokenStart = offset
            if byte == UInt8(ascii: "}") {
                index += 1
                return close()
            }
            return try key()
        case .arrayOpen:
            guard let byte = try skipWhitespace() else { throw fail("unterminated array") }
            if byte == UInt8(ascii: "]") {
                tokenStart = offset
                index += 1
                return close()
            }
            return try valueToken()
        case .afterValue:
            guard let isObject = stack.last else {
                state = .done
                if !fragment, try skipWhitespace() != nil { throw fail("data after the document") }
                return .end
            }
            guard let byte = try skipWhitespace() else { throw fail("unterminated container") }
            tokenStart = offset
            index += 1
            switch byte {
            case UInt8(ascii: ","):
                // `JSONDecoder` accepts one trailing comma before the end of an array or object.
                guard let next = try skipWhitespace() else { throw fail("unterminated container") }
                if next == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                    tokenStart = offset
                    index += 1
                    return close()
                }
                if isObject {
                    tokenStart = offset
                    return try key()
                }
                return try valueToken()
            case UInt8(ascii: "}") where isObject, UInt8(ascii: "]") where !isObject:
                return close()
            default:
                throw fail("expected , or the container's end")
            }
        }
    }

    private mutating func close() -> Token {
        let isObject = stack.removeLast()
        state = .afterValue
        return isObject ? .endObject : .endArray
    }

    private mutating func key() throws -> Token {
        guard try take() == UInt8(ascii: "\"") else { throw fail("expected a key") }
        let name = try string(keep: !lax) ?? ""
        guard try skipWhitespace() == UInt8(ascii: ":") else { throw fail("expected :") }
        index += 1
        state = .memberValue
        return .key(name)
    }

    private mutating func valueToken() throws -> Token {
        guard let byte = try skipWhitespace() else { throw fail("expected a value") }
        tokenStart = offset
        index += 1
        state = .afterValue
        switch byte {
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            // The preflight refuses deeper documents first, with its own words; this keeps `value` bounded anyway.
            guard stack.count < JSONValue.maximumDepth else {
                throw JSONValueError(reason: "too deeply nested (more than \(JSONValue.maximumDepth) levels)")
            }
            stack.append(byte == UInt8(ascii: "{"))
            state = byte == UInt8(ascii: "{") ? .objectOpen : .arrayOpen
            return byte == UInt8(ascii: "{") ? .beginObject : .beginArray
        case UInt8(ascii: "\""):
            return .string(try string(keep: !discarding) ?? "")
        case UInt8(ascii: "t"):
            try literal("rue")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("alse")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("ull")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .number(try number(first: byte))
        default:
            throw fail("unexpected byte \(byte)")
        }
    }

    private mutating func literal(_ rest: StaticString) throws {
        for expected in UnsafeBufferPointer(start: rest.utf8Start, count: rest.utf8CodeUnitCount) {
            guard try take() == expected else { throw fail("bad literal") }
        }
    }

    private static func isDigit(_ byte: UInt8?) -> Bool {
        guard let byte else { return false }
        return byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, as `.int` when it is an integer an `Int` holds.
    private mutating func number(first: UInt8) throws -> JSONValue {
        if lax {
            // The scanner takes any run of digits, signs, dots and exponents; only decoding would check it.
            while let byte = try peek(),
                Self.isDigit(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "+")
                    || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
            {
                index += 1
            }
            return .null
        }
        scratch.removeAll(keepingCapacity: true)
        scratch.append(first)
        var integer = true
        var leading = first
        if first == UInt8(ascii: "-") {
            guard let digit = try take(), Self.isDigit(digit) else { throw fail("bad number") }
            scratch.append(digit)
            leading = digit
        }
        if leading != UInt8(ascii: "0") {
            while Self.isDigit(try peek()) {
                scratch.append(buffer[index])
                index += 1
            }
        } else if Self.isDigit(try peek()) {
            throw fail("leading zero")
        }
        if try peek() == UInt8(ascii: ".") {
            integer = false
            scratch.append(UInt8(ascii: "."))
            index += 1
            guard Self.isDigit(try peek()) else { throw fail("bad fraction") }
            while Self.isDigit(try peek()) {
                scratch.append(buffer[index])
                index += 1
            }
        }
        if let byte = try peek(), byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
            integer = false
            scratch.append(byte)
            index += 1
            if let sign = try peek(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                scratch.append(sign)
                index += 1
            }
            guard Self.isDigit(try peek()) else { throw fail("bad exponent") }
            while Self.isDigit(try peek()) {
                scratch.append(buffer[index])
                index += 1
            }
        }
        let text = String(decoding: scratch, as: UTF8.self)
        if integer, let value = Int(text) { return .int(value) }
        return try Self.nonInteger(text) ?? { throw fail("number out of range") }()
    }

    /// A number that is not an integer literal `Int` holds, as `JSONDecoder` decodes it into `JSONValue`: an
    /// `Int` when the value is whole (as a `Double`) and an `Int` holds it (`1.0`, `1e2`), exact beyond 2^53 (from
    /// the decimal text, truncated as `Decimal` does); a `Double` otherwise.
    static func nonInteger(_ text: String) -> JSONValue? {
        guard let double = Double(text), double.isFinite else { return nil }
        guard Int(exactly: double) != nil else { return .double(double) }
        if double.magnitude < 9_007_199_254_740_992, let whole = Int(exactly: double) { return .int(whole) }
        return exactInteger(text).map(JSONValue.int) ?? .double(double)
    }

    /// The decimal number `text` truncated toward zero, when an `Int` holds it.
    static func exactInteger(_ text: String) -> Int? {
        var mantissa = text
        var exponent = 0
        if let e = mantissa.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            guard let value = Int(mantissa[mantissa.index(after: e)...].drop { $0 == "+" }) else { return nil }
            exponent = value
            mantissa = String(mantissa[..<e])
        }
        let negative = mantissa.hasPrefix("-")
        if negative { mantissa.removeFirst() }
        var digits = mantissa
        if let dot = mantissa.firstIndex(of: ".") {
            let fraction = mantissa[mantissa.index(after: dot)...]
            digits = String(mantissa[..<dot]) + fraction
            exponent -= fraction.count
        }
        if exponent >= 0 {
            guard exponent < 40 else { return nil }
            digits += String(repeating: "0", count: exponent)
        } else {
            digits = String(digits.dropLast(min(digits.count, -exponent)))
        }
        let trimmed = digits.drop { $0 == "0" }
        guard trimmed.count <= 19 else { return nil }
        return Int((negative ? "-" : "") + (trimmed.isEmpty ? "0" : trimmed))
    }

    /// The string whose opening quote was just read; nil (after checking it) unless `keep`.
    private mutating func string(keep: Bool) throws -> String? {
        if lax {
            try skipUnreadString()
            return nil
        }
        scratch.removeAll(keepingCapacity: true)
        var ascii = true
        while true {
            guard try fill() else { throw fail("unterminated string") }
            // The common run of plain bytes, copied at once.
            var end = index
            let count = buffer.count
            while end < count {
                let byte = buffer[end]
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 { break }
                if byte >= 0x80 { ascii = false }
                end += 1
            }
            scratch.append(contentsOf: buffer[index..<end])
            index = end
            guard index < count else { continue }
            let byte = buffer[index]
            index += 1
            if byte == UInt8(ascii: "\"") { break }
            if byte < 0x20 { throw fail("control character in a string") }
            guard let escape = try take() else { throw fail("unterminated escape") }
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(escape)
            case UInt8(ascii: "b"): scratch.append(0x08)
            case UInt8(ascii: "f"): scratch.append(0x0C)
            case UInt8(ascii: "n"): scratch.append(0x0A)
            case UInt8(ascii: "r"): scratch.append(0x0D)
            case UInt8(ascii: "t"): scratch.append(0x09)
            case UInt8(ascii: "u"):
                ascii = false
                try unicodeEscape()
            default: throw fail("bad escape")
            }
        }
        if ascii { return keep ? String(decoding: scratch, as: UTF8.self) : nil }
        guard let text = String(validating: scratch, as: UTF8.self) else { throw fail("invalid UTF-8 in a string") }
        return keep ? text : nil
    }

    /// A string `JSONDecoder` never decodes: it only finds its closing quote, and that a `\\u` has four bytes.
    private mutating func skipUnreadString() throws {
        while let byte = try take() {
            switch byte {
            case UInt8(ascii: "\""): return
            case UInt8(ascii: "\\"):
                guard let escape = try take() else { throw fail("unterminated string") }
                if escape == UInt8(ascii: "u") {
                    for _ in 0..<4 {
                        guard let digit = try take(), digit != UInt8(ascii: "\"") else { throw fail("bad \\u escape") }
                    }
                }
            default: continue
            }
        }
        throw fail("unterminated string")
    }

    private mutating func hex4() throws -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = try take() else { throw fail("unterminated escape") }
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw fail("bad \\u escape")
            }
            value = value << 4 | digit
        }
        return value
    }

    private mutating func unicodeEscape() throws {
        let unit = try hex4()
        var scalar: Unicode.Scalar?
        switch unit {
        case 0xD800...0xDBFF:
            guard try take() == UInt8(ascii: "\\"), try take() == UInt8(ascii: "u") else {
                throw fail("unpaired surrogate")
            }
            let low = try hex4()
            guard (0xDC00...0xDFFF).contains(low) else { throw fail("unpaired surrogate") }
            scalar = Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
        case 0xDC00...0xDFFF:
            throw fail("unpaired surrogate")
        default:
            scalar = Unicode.Scalar(unit)
        }
        guard let scalar else { throw fail("bad \\u escape") }
        scratch.append(contentsOf: String(Character(scalar)).utf8)
    }

    /// The whole value `token` begins (a scalar token is its own value).
    mutating func value(after token: Token) throws -> JSONValue {
        switch token {
        case .null: return .null
        case .bool(let value): return .bool(value)
        case .number(let value): return value
        case .string(let value): return .string(value)
        case .beginArray:
            var values: [JSONValue] = []
            while true {
                let next = try next()
                if next == .endArray { return .array(values) }
                values.append(try value(after: next))
            }
        case .beginObject:
            var members: [String: JSONValue] = [:]
            try forEachMember { tokenizer, name, token in
                members[name] = try tokenizer.value(after: token)
                return true
            }
            return .object(members)
        case .endObject, .endArray, .key, .end:
            throw fail("no value here")
        }
    }

    /// Reads past the value `token` begins, checking it as `value(after:)` would, keeping nothing.
    mutating func skip(after token: Token) throws {
        let wasDiscarding = discarding
        discarding = true
        defer { discarding = wasDiscarding }
        switch token {
        case .beginArray:
            while true {
                let next = try next()
                if next == .endArray { return }
                try skip(after: next)
            }
        case .beginObject:
            try forEachMember { tokenizer, _, token in
                try tokenizer.skip(after: token)
                return true
            }
        case .key, .end, .endArray, .endObject:
            throw fail("no value here")
        default:
            return
        }
    }

    /// The members of the object whose `.beginObject` was just read, through its `.endObject`, each key once: of
    /// duplicate keys the first counts, as for `JSONDecoder`, which scans the others' values (`skipUnread`) but never
    /// decodes them. `body` gets the tokenizer, a first key and its value's first token, and reads past that value
    /// (`value(after:)`, `skip(after:)`); it returns false to stop there, inside the object.
    mutating func forEachMember(_ body: (inout JSONTokenizer, String, Token) throws -> Bool) throws {
        var seen = Set<String>()
        while true {
            let next = try next()
            if next == .endObject { return }
            guard case .key(let name) = next else { throw fail("expected a key") }
            guard seen.insert(name).inserted else {
                try skipUnread()
                continue
            }
            let value = try self.next()
            guard try body(&self, name, value) else { return }
        }
    }

    /// Reads past the next value as `JSONDecoder` does one it scans but never decodes (a duplicate key's): its
    /// structure must hold; its strings' contents and its numbers' digits are not looked at.
    mutating func skipUnread() throws {
        lax = true
        defer { lax = false }
        let depth = stack.count
        let token = try next()
        guard token == .beginObject || token == .beginArray else { return }
        while stack.count > depth {
            guard try next() != .end else { throw fail("unterminated container") }
        }
    }

    /// The next value, whole.
    mutating func nextValue() throws -> JSONValue { try value(after: try next()) }
}

extension JSONValue {
    /// `parse` done by the streaming tokenizer the CBOM importer reads with, from a source handing over at most
    /// `pieceBytes` at a time: the same values and the same documents refused (tests and the fuzz harness hold
    /// the two side by side).
    public static func parseStreamed(_ data: Data, pieceBytes: Int = 64 * 1024) throws -> JSONValue {
        if let problem = preflight(data) { throw problem }
        let head = Array(data.prefix(4))
        if head.contains(0) || head.first == 0xFE || head.first == 0xFF { return try parse(data) }
        var tokenizer = JSONTokenizer(
            source: PiecewiseSource(data: data, pieceBytes: max(1, pieceBytes)),
            offset: head.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0)
        let value = try tokenizer.nextValue()
        guard try tokenizer.next() == .end else { throw JSONSyntaxError(offset: 0, detail: "trailing data") }
        return value
    }
}

/// A document handed over a few bytes at a time, so every token can straddle a piece boundary.
struct PiecewiseSource: JSONByteSource {
    let data: Data
    let pieceBytes: Int

    func read(at offset: Int, count: Int) throws -> [UInt8] {
        try JSONDataSource(data).read(at: offset, count: min(count, pieceBytes))
    }
}
