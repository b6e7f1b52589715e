/// The unencrypted envelope of an OpenSSH-format private key (`-----BEGIN OPENSSH PRIVATE KEY-----`).
///
/// Layout from OpenSSH PROTOCOL.key: `"openssh-key-v1\0", string ciphername, string kdfname, string kdfoptions,
/// uint32 N, string publickey1..N, string private section`. Only the envelope and the public keys are read.
/// The private section is never decoded: its base64 is measured, not decoded, so no private byte (encrypted or
/// not) is ever held in memory beyond the base64 group that carries its length field.
public struct OpenSSHPrivateKey: Sendable, Hashable {
    /// `none` for an unprotected key, else the cipher (`aes256-ctr`, `chacha20-poly1305@openssh.com`).
    public let cipherName: String
    /// `none` or `bcrypt`.
    public let kdfName: String
    /// bcrypt rounds from the KDF options, when the KDF is bcrypt.
    public let kdfRounds: UInt32?
    /// One entry per public key in the envelope; a malformed key blob is kept as its error.
    public let publicKeys: [Result<SSHPublicKey, SSHWireError>]
    /// 1-based line of the BEGIN marker.
    public let line: Int

    /// True when the private section is encrypted (PROTOCOL.key: cipher "none" means not encrypted).
    public var isEncrypted: Bool { cipherName != "none" }

    public static let beginMarker = "-----BEGIN OPENSSH PRIVATE KEY-----"
    public static let endMarker = "-----END OPENSSH PRIVATE KEY-----"
    static let magic = Array("openssh-key-v1".utf8) + [0]

    /// Every OPENSSH PRIVATE KEY block in the text, each parsed or with the reason it is malformed.
    public static func blocks(in bytes: [UInt8]) -> [(line: Int, result: Result<OpenSSHPrivateKey, SSHWireError>)] {
        var out: [(line: Int, result: Result<OpenSSHPrivateKey, SSHWireError>)] = []
        var open: (line: Int, body: [UInt8])?
        for (number, line) in SSHText.lines(bytes) {
            let trimmed = SSHText.trimmed(line)
            if var block = open {
                if trimmed.elementsEqual(endMarker.utf8) {
                    out.append((block.line, parse(base64: block.body, line: block.line)))
                    open = nil
                } else {
                    block.body.append(contentsOf: trimmed.filter { $0 != 0x20 && $0 != 0x09 })
                    open = block
                }
            } else if trimmed.elementsEqual(beginMarker.utf8) {
                open = (number, [])
            }
        }
        if let block = open {
            out.append((block.line, .failure(SSHWireError("truncated", "no END OPENSSH PRIVATE KEY marker"))))
        }
        return out
    }

    /// Parses the envelope from the base64 body (white space already removed).
    static func parse(base64: [UInt8], line: Int) -> Result<OpenSSHPrivateKey, SSHWireError> {
        guard let source = LazyBase64(base64) else {
            return .failure(SSHWireError("bad-value", "the body is not valid base64"))
        }
        var reader = LazyBase64Reader(source: source)
        do throws(SSHWireError) {
            guard try reader.bytes(magic.count, "magic") == magic else {
                throw SSHWireError("bad-value", "no openssh-key-v1 magic")
            }
            let cipherName = try reader.text("cipher name")
            let kdfName = try reader.text("KDF name")
            let kdfOptions = try reader.string("KDF options")
            var rounds: UInt32?
            if kdfName == "bcrypt" {
                var options = SSHWireReader(kdfOptions)
                _ = try options.string("bcrypt salt")
                rounds = try options.uint32("bcrypt rounds")
                try options.expectEnd("bcrypt KDF options")
            } else if kdfName == "none" {
                guard cipherName == "none" else {
                    throw SSHWireError("bad-value", "cipher \(cipherName) with KDF none")
                }
            }
            let count = try reader.uint32("number of keys")
            guard count > 0 else { throw SSHWireError("bad-value", "the key holds no public keys") }
            var keys: [Result<SSHPublicKey, SSHWireError>] = []
            for index in 0..<count {
                // Each key takes at least its 4-byte length, so the loop is bounded by the input size.
                keys.append(SSHPublicKey.parse(blob: try reader.string("public key \(index + 1)")))
            }
            let privateLength = try reader.uint32("private section length")
            guard UInt64(privateLength) <= UInt64(reader.remaining) else {
                throw SSHWireError(
                    "bad-length", "private section length \(privateLength) exceeds the \(reader.remaining) bytes left")
            }
            guard privateLength >= 8 else {
                throw SSHWireError("bad-length", "private section is \(privateLength) bytes, too short for its checks")
            }
            return .success(
                OpenSSHPrivateKey(
                    cipherName: cipherName, kdfName: kdfName, kdfRounds: rounds, publicKeys: keys, line: line))
        } catch {
            return .failure(error)
        }
    }
}

/// Base64 (RFC 4648 section 4) that is validated whole but decoded only where asked.
struct LazyBase64 {
    private let chars: [UInt8]
    /// Decoded length of the whole text.
    let count: Int

    init?(_ chars: [UInt8]) {
        guard !chars.isEmpty, chars.count % 4 == 0 else { return nil }
        let padding = chars.reversed().prefix(while: { $0 == UInt8(ascii: "=") }).count
        guard padding <= 2 else { return nil }
        for char in chars.dropLast(padding) where LazyBase64.value(char) == nil { return nil }
        self.chars = chars
        self.count = chars.count / 4 * 3 - padding
    }

    /// Decodes bytes `start..<start+length`, which must lie inside `count`.
    func decode(_ start: Int, _ length: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(length)
        var group = start / 3
        while out.count < length {
            var word: UInt32 = 0
            for index in 0..<4 { word = word << 6 | UInt32(LazyBase64.value(chars[group * 4 + index]) ?? 0) }
            let decoded = [
                UInt8(truncatingIfNeeded: word >> 16), UInt8(truncatingIfNeeded: word >> 8),
                UInt8(truncatingIfNeeded: word),
            ]
            let first = out.isEmpty ? start % 3 : 0
            for byte in decoded[first...] where out.count < length { out.append(byte) }
            group += 1
        }
        return out
    }

    static func value(_ char: UInt8) -> UInt8? {
        switch char {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): char - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): char - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): char - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): 62
        case UInt8(ascii: "/"): 63
        default: nil
        }
    }
}

/// Reads SSH wire types from a `LazyBase64`, decoding exactly the bytes each read needs.
struct LazyBase64Reader {
    let source: LazyBase64
    private(set) var offset = 0

    init(source: LazyBase64) { self.source = source }

    var remaining: Int { source.count - offset }

    mutating func bytes(_ count: Int, _ what: String) throws(SSHWireError) -> [UInt8] {
        guard remaining >= count else { throw .truncated(what, need: count, left: remaining) }
        defer { offset += count }
        return source.decode(offset, count)
    }

    mutating func uint32(_ what: String) throws(SSHWireError) -> UInt32 {
        try bytes(4, what).reduce(0) { $0 << 8 | UInt32($1) }
    }

    mutating func string(_ what: String) throws(SSHWireError) -> [UInt8] {
        let length = try uint32("\(what) length")
        guard UInt64(length) <= UInt64(remaining) else {
            throw SSHWireError("bad-length", "\(what): length \(length) exceeds the \(remaining) bytes left")
        }
        return try bytes(Int(length), what)
    }

    mutating func text(_ what: String) throws(SSHWireError) -> String {
        var wrapped = SSHWireWriter()
        wrapped.string(try string(what))
        var reader = SSHWireReader(wrapped.bytes)
        return try reader.text(what)
    }
}
