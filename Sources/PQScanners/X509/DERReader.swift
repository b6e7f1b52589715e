/// Why a DER structure could not be read. Stable `code`s; `detail` says where parsing stopped.
public struct DERError: Error, Sendable, Hashable, CustomStringConvertible {
    public let code: String
    public let detail: String

    public init(_ code: String, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { detail }

    static func truncated(_ what: String) -> DERError { DERError("der.truncated", "\(what): truncated") }
    static func unexpected(_ what: String, tag: UInt8) -> DERError {
        DERError("der.unexpected-tag", "\(what): unexpected tag 0x\(Hex.byte(tag))")
    }
}

/// One TLV read by `DERReader`: its tag and where its header and content sit in the buffer.
struct DERElement {
    /// The identifier octet (class, constructed bit, low tag number); high tag numbers keep 0x1F here.
    let tag: UInt8
    /// Offset of the identifier octet.
    let start: Int
    /// Offsets of the content octets.
    let contentStart: Int
    let end: Int

    var contentCount: Int { end - contentStart }
    var isConstructed: Bool { tag & 0x20 != 0 }
}

/// A small, strict, bounds-checked reader of DER (ITU-T X.690 §10) over borrowed bytes.
///
/// Definite lengths only (§8.1.3.6 indefinite form is BER, refused), length fields of at most four octets,
/// every length checked against the enclosing element before use, and a nesting-depth cap, so hostile input
/// (truncation, lengths past the buffer, 10 000 nested SEQUENCEs) ends in a `DERError`, never a trap.
/// It allocates nothing; callers keep offsets and build values only for the fields they return.
struct DERReader {
    static let maxDepth = 64

    let bytes: UnsafeBufferPointer<UInt8>
    private(set) var position: Int
    let end: Int
    let depth: Int

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        self.position = 0
        self.end = bytes.count
        self.depth = 0
    }

    private init(bytes: UnsafeBufferPointer<UInt8>, start: Int, end: Int, depth: Int) {
        self.bytes = bytes
        self.position = start
        self.end = end
        self.depth = depth
    }

    var isAtEnd: Bool { position >= end }

    /// The next identifier octet without consuming it.
    var peekTag: UInt8? { position < end ? bytes[position] : nil }

    /// Reads the next TLV and moves past it.
    mutating func read(_ what: @autoclosure () -> String = "element") throws(DERError) -> DERElement {
        let start = position
        var index = position
        guard index < end else { throw .truncated(what()) }
        let tag = bytes[index]
        index += 1
        if tag & 0x1F == 0x1F {
            // High tag number form (§8.1.2.4): base-128 digits; keep at most four of them.
            var digits = 0
            while true {
                guard index < end else { throw .truncated(what()) }
                let byte = bytes[index]
                index += 1
                digits += 1
                guard digits <= 4 else { throw DERError("der.tag", "\(what()): tag number too large") }
                if byte & 0x80 == 0 { break }
            }
        }
        guard index < end else { throw .truncated(what()) }
        let first = bytes[index]
        index += 1
        var length = 0
        if first < 0x80 {
            length = Int(first)
        } else {
            let count = Int(first & 0x7F)
            guard count != 0 else { throw DERError("der.indefinite", "\(what()): indefinite length (BER) refused") }
            guard count <= 4 else { throw DERError("der.length", "\(what()): length field of \(count) octets") }
            guard end - index >= count else { throw .truncated(what()) }
            for _ in 0..<count {
                length = length << 8 | Int(bytes[index])
                index += 1
            }
        }
        guard length <= end - index else {
            throw DERError("der.length", "\(what()): length \(length) exceeds the \(end - index) bytes left")
        }
        position = index + length
        return DERElement(tag: tag, start: start, contentStart: index, end: index + length)
    }

    /// Reads the next TLV and checks its identifier octet.
    mutating func read(tag: UInt8, _ what: @autoclosure () -> String) throws(DERError) -> DERElement {
        let element = try read(what())
        guard element.tag == tag else { throw .unexpected(what(), tag: element.tag) }
        return element
    }

    /// Reads the next TLV only when its identifier octet is `tag`.
    mutating func readIfPresent(tag: UInt8) throws(DERError) -> DERElement? {
        guard peekTag == tag else { return nil }
        return try read()
    }

    /// A reader over a constructed element's content, one level deeper.
    func reader(into element: DERElement) throws(DERError) -> DERReader {
        guard depth < Self.maxDepth else { throw DERError("der.depth", "nesting deeper than \(Self.maxDepth)") }
        return DERReader(bytes: bytes, start: element.contentStart, end: element.end, depth: depth + 1)
    }

    // MARK: - Values

    /// Dotted text of an OBJECT IDENTIFIER's content (X.690 §8.19); nil when malformed.
    func oid(_ element: DERElement) -> String? {
        DERReader.oidText(bytes, from: element.contentStart, to: element.end)
    }

    static func oidText(_ bytes: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> String? {
        guard from < to, to - from <= 128, bytes[to - 1] & 0x80 == 0 else { return nil }
        var text: [UInt8] = []
        text.reserveCapacity((to - from) * 3)
        var value: UInt64 = 0
        var first = true
        var index = from
        while index < to {
            let byte = bytes[index]
            if value == 0 && byte == 0x80 { return nil }  // non-minimal arc encoding
            guard value < (1 << 56) else { return nil }
            value = value << 7 | UInt64(byte & 0x7F)
            index += 1
            if byte & 0x80 != 0 { continue }
            if first {
                let top: UInt64 = value < 40 ? 0 : (value < 80 ? 1 : 2)
                appendDecimal(top, to: &text)
                text.append(UInt8(ascii: "."))
                appendDecimal(value - top * 40, to: &text)
                first = false
            } else {
                text.append(UInt8(ascii: "."))
                appendDecimal(value, to: &text)
            }
            value = 0
        }
        return String(decoding: text, as: UTF8.self)
    }

    private static func appendDecimal(_ value: UInt64, to text: inout [UInt8]) {
        if value < 10 {
            text.append(UInt8(ascii: "0") &+ UInt8(value))
            return
        }
        var digits:
            (
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8
            ) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var rest = value
        withUnsafeMutableBytes(of: &digits) { buffer in
            while rest > 0 && count < 20 {
                buffer[count] = UInt8(ascii: "0") &+ UInt8(rest % 10)
                rest /= 10
                count += 1
            }
            while count > 0 {
                count -= 1
                text.append(buffer[count])
            }
        }
    }

    /// True when the OID content equals the given encoded arcs (cheap comparison without building text).
    func oidEquals(_ element: DERElement, _ encoded: [UInt8]) -> Bool {
        guard element.contentCount == encoded.count else { return false }
        for offset in 0..<encoded.count where bytes[element.contentStart + offset] != encoded[offset] {
            return false
        }
        return true
    }

    /// Bit length of a non-negative INTEGER's content, ignoring leading zero octets; 0 for zero.
    func unsignedBitLength(_ element: DERElement) -> Int {
        var index = element.contentStart
        while index < element.end && bytes[index] == 0 { index += 1 }
        guard index < element.end else { return 0 }
        let leading = bytes[index].leadingZeroBitCount
        return (element.end - index) * 8 - leading
    }

    /// A small INTEGER's value; nil when empty or wider than 8 octets.
    func smallInteger(_ element: DERElement) -> Int64? {
        guard element.contentCount >= 1, element.contentCount <= 8 else { return nil }
        var value = Int64(Int8(bitPattern: bytes[element.contentStart]))
        var index = element.contentStart + 1
        while index < element.end {
            value = value << 8 | Int64(bytes[index])
            index += 1
        }
        return value
    }

    /// Copies the bytes of a range.
    func copy(_ from: Int, _ to: Int) -> [UInt8] {
        guard from < to else { return [] }
        return Array(UnsafeBufferPointer(rebasing: bytes[from..<to]))
    }
}

/// ASN.1 universal tags and context tags used here (X.690 §8).
enum DERTag {
    static let boolean: UInt8 = 0x01
    static let integer: UInt8 = 0x02
    static let bitString: UInt8 = 0x03
    static let octetString: UInt8 = 0x04
    static let null: UInt8 = 0x05
    static let oid: UInt8 = 0x06
    static let utf8String: UInt8 = 0x0C
    static let printableString: UInt8 = 0x13
    static let teletexString: UInt8 = 0x14
    static let ia5String: UInt8 = 0x16
    static let utcTime: UInt8 = 0x17
    static let generalizedTime: UInt8 = 0x18
    static let visibleString: UInt8 = 0x1A
    static let universalString: UInt8 = 0x1C
    static let bmpString: UInt8 = 0x1E
    static let sequence: UInt8 = 0x30
    static let set: UInt8 = 0x31
    static func contextConstructed(_ number: UInt8) -> UInt8 { 0xA0 | number }
    static func contextPrimitive(_ number: UInt8) -> UInt8 { 0x80 | number }
}
