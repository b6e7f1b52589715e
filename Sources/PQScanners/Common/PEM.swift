import Foundation

/// One `-----BEGIN LABEL----- ... -----END LABEL-----` block (RFC 7468), found among any other text.
public struct PEMBlock: Sendable, Hashable {
    public let label: String
    /// Headers before the base64 body (legacy `Proc-Type: 4,ENCRYPTED`, `DEK-Info: ...`).
    public let headers: [String: String]
    /// The decoded body; nil when the base64 is not valid.
    public let der: [UInt8]?
    /// 1-based line of the BEGIN marker.
    public let line: Int
}

/// Finds PEM blocks in text. Tolerates text between blocks, CRLF and blank lines; bounded work per byte.
public enum PEM {
    /// Largest base64 body of one block (Docs/limits.md): a certificate or key is a few KiB, a PKCS#7 bundle of a
    /// whole CA store under 1 MiB.
    public static let maxBodyBytes = 4 << 20
    private static let begin = Array("-----BEGIN ".utf8)
    private static let dashes = Array("-----".utf8)

    /// True when the bytes contain a PEM BEGIN marker (cheap sniff for content recognition).
    public static func containsMarker(_ bytes: ArraySlice<UInt8>) -> Bool {
        ByteSearch.contains(bytes, begin)
    }

    /// Every block in the bytes, in order. An unterminated block is returned with `der == nil`.
    public static func blocks(in bytes: [UInt8]) -> [PEMBlock] {
        var blocks: [PEMBlock] = []
        var lineNumber = 0
        var current: (label: String, line: Int, headers: [String: String], body: [UInt8], inHeaders: Bool)?
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != UInt8(ascii: "\n") { end += 1 }
            lineNumber += 1
            var line = bytes[start..<end]
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            start = end + 1
            if var block = current {
                // Released first so `block.body` is uniquely referenced: appending to a shared copy copied the
                // whole body on every line, quadratic in the size of one block.
                current = nil
                if let label = marker(line, prefix: "-----END ") {
                    let der =
                        label == block.label && block.body.count <= maxBodyBytes ? decodeBase64(block.body) : nil
                    blocks.append(PEMBlock(label: block.label, headers: block.headers, der: der, line: block.line))
                    current = nil
                    continue
                }
                if block.inHeaders, let colon = line.firstIndex(of: UInt8(ascii: ":")) {
                    let key = String(decoding: line[line.startIndex..<colon], as: UTF8.self)
                    let value = String(decoding: line[(colon + 1)...], as: UTF8.self)
                    block.headers[key.trimmingWhitespace()] = value.trimmingCharacters(
                        in: .whitespaces)
                } else {
                    block.inHeaders = false
                    // Past the budget the body is not kept (its block decodes to nil, a diagnostic for the caller).
                    if block.body.count <= maxBodyBytes { block.body.append(contentsOf: line) }
                }
                current = block
            } else if let label = marker(line, prefix: "-----BEGIN ") {
                current = (label, lineNumber, [:], [], true)
            }
        }
        if let block = current {
            blocks.append(PEMBlock(label: block.label, headers: block.headers, der: nil, line: block.line))
        }
        return blocks
    }

    private static func marker(_ line: ArraySlice<UInt8>, prefix: String) -> String? {
        let trimmed = line.drop(while: { $0 == 0x20 || $0 == 0x09 })
        let prefixBytes = Array(prefix.utf8)
        guard trimmed.count > prefixBytes.count + dashes.count, trimmed.starts(with: prefixBytes) else { return nil }
        var rest = trimmed.dropFirst(prefixBytes.count)
        while let last = rest.last, last == 0x20 || last == 0x09 { rest = rest.dropLast() }
        guard rest.count > dashes.count, rest.suffix(dashes.count).elementsEqual(dashes) else { return nil }
        return String(decoding: rest.dropLast(dashes.count), as: UTF8.self)
    }

    /// Strict base64 over the body with the white space OpenSSL's decoder skips removed (space, tab, CR, LF:
    /// `EVP_DecodeUpdate`); nil on any other character.
    static func decodeBase64(_ body: [UInt8]) -> [UInt8]? {
        let compact = body.filter { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D && $0 != 0x0A }
        guard !compact.isEmpty, let data = Data(base64Encoded: Data(compact)) else { return nil }
        return [UInt8](data)
    }
}
