/// One trimming rule for every config parser: ASCII blanks only, as the C parsers of sshd, nginx and OpenSSL do.
extension StringProtocol {
    /// The text without leading or trailing spaces, tabs, CR, LF or form feeds.
    ///
    /// On the UTF-8 bytes: every blank is one ASCII byte, so the cut never splits a character, and no Foundation
    /// bridge is crossed (this runs for every line of every config).
    func trimmingWhitespace() -> String {
        let bytes = utf8
        func isBlank(_ byte: UInt8) -> Bool {
            byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A || byte == 0x0C
        }
        guard let first = bytes.firstIndex(where: { !isBlank($0) }) else { return "" }
        var last = first
        var index = first
        while index < bytes.endIndex {
            if !isBlank(bytes[index]) { last = index }
            index = bytes.index(after: index)
        }
        return String(decoding: bytes[first...last], as: UTF8.self)
    }
}
