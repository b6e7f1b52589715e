/// Why an SSH wire-format structure could not be read. The text goes into a diagnostic's detail.
public struct SSHWireError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable, short code: `truncated`, `bad-length`, `bad-value`, `type-mismatch`, `trailing-bytes`.
    public let code: String
    public let reason: String
    public var description: String { reason }

    init(_ code: String, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    static func truncated(_ what: String, need: Int, left: Int) -> SSHWireError {
        SSHWireError("truncated", "\(what): needs \(need) bytes, \(left) left")
    }
}

/// Reads the RFC 4251 section 5 data types (`uint32`, `uint64`, `string`, `mpint`, `name-list`) from bytes,
/// checking every length against what is left before it reads.
///
/// A length field over the remaining size is malformed input, never a crash: every read throws
/// `SSHWireError` instead.
struct SSHWireReader {
    private let bytes: [UInt8]
    private(set) var offset: Int

    init<Bytes: Collection>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        self.bytes = [UInt8](bytes)
        self.offset = 0
    }

    var remaining: Int { bytes.count - offset }
    var isAtEnd: Bool { offset >= bytes.count }

    mutating func uint8(_ what: String) throws(SSHWireError) -> UInt8 {
        guard remaining >= 1 else { throw .truncated(what, need: 1, left: remaining) }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func uint32(_ what: String) throws(SSHWireError) -> UInt32 {
        guard remaining >= 4 else { throw .truncated(what, need: 4, left: remaining) }
        var value: UInt32 = 0
        for index in offset..<(offset + 4) { value = value << 8 | UInt32(bytes[index]) }
        offset += 4
        return value
    }

    mutating func uint64(_ what: String) throws(SSHWireError) -> UInt64 {
        guard remaining >= 8 else { throw .truncated(what, need: 8, left: remaining) }
        var value: UInt64 = 0
        for index in offset..<(offset + 8) { value = value << 8 | UInt64(bytes[index]) }
        offset += 8
        return value
    }

    /// Exactly `count` raw bytes (for fixed-size fields such as the private key magic).
    mutating func raw(_ count: Int, _ what: String) throws(SSHWireError) -> ArraySlice<UInt8> {
        guard count >= 0, remaining >= count else { throw .truncated(what, need: count, left: remaining) }
        defer { offset += count }
        return bytes[offset..<(offset + count)]
    }

    /// A `string`: uint32 length, then that many bytes. The length is checked before anything is read.
    mutating func string(_ what: String) throws(SSHWireError) -> ArraySlice<UInt8> {
        let length = try uint32("\(what) length")
        guard UInt64(length) <= UInt64(remaining) else {
            throw SSHWireError("bad-length", "\(what): length \(length) exceeds the \(remaining) bytes left")
        }
        return try raw(Int(length), what)
    }

    /// A `string` that must be printable text (names, key ids, principals): UTF-8 without control characters.
    mutating func text(_ what: String) throws(SSHWireError) -> String {
        let body = try string(what)
        guard let text = String(validating: body, as: UTF8.self),
            !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
        else {
            throw SSHWireError("bad-value", "\(what) is not printable text")
        }
        return text
    }

    /// A positive `mpint` (two's complement, big-endian); returns its bit length.
    ///
    /// RFC 4251: a positive number whose top bit is set carries one leading zero byte, which is not counted.
    /// Negative numbers, zero and non-minimal encodings are malformed for public key parameters
    /// (OpenSSH `sshbuf_get_bignum2` refuses them too).
    mutating func positiveMPIntBits(_ what: String) throws(SSHWireError) -> Int {
        let body = try string(what)
        guard let first = body.first else { throw SSHWireError("bad-value", "\(what) is zero") }
        if first & 0x80 != 0 { throw SSHWireError("bad-value", "\(what) is negative") }
        var digits = body
        if first == 0 {
            digits = body.dropFirst()
            guard let next = digits.first else { throw SSHWireError("bad-value", "\(what) is zero") }
            guard next & 0x80 != 0 else {
                throw SSHWireError("bad-value", "\(what) has a superfluous leading zero byte")
            }
        }
        guard let lead = digits.first else { throw SSHWireError("bad-value", "\(what) is zero") }
        return (digits.count - 1) * 8 + (8 - lead.leadingZeroBitCount)
    }

    /// Fails unless every byte was consumed: trailing garbage makes a blob malformed.
    func expectEnd(_ what: String) throws(SSHWireError) {
        guard isAtEnd else { throw SSHWireError("trailing-bytes", "\(what): \(remaining) unexpected trailing bytes") }
    }
}

/// Writes SSH wire types; used to build examples (and by tests to build blobs OpenSSH cannot make here).
struct SSHWireWriter {
    private(set) var bytes: [UInt8] = []

    mutating func uint32(_ value: UInt32) {
        for shift in stride(from: 24, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift)))
        }
    }

    mutating func uint64(_ value: UInt64) {
        for shift in stride(from: 56, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
        }
    }

    mutating func string<Bytes: Collection>(_ body: Bytes) where Bytes.Element == UInt8 {
        uint32(UInt32(truncatingIfNeeded: body.count))
        bytes.append(contentsOf: body)
    }

    mutating func string(_ text: String) { string(Array(text.utf8)) }

    mutating func raw<Bytes: Collection>(_ body: Bytes) where Bytes.Element == UInt8 { bytes.append(contentsOf: body) }
}
