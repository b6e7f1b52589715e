/// One trimming rule for every config parser: ASCII blanks only, as the C parsers of sshd, nginx and OpenSSL do.
extension String {
    /// The text without leading or trailing spaces, tabs, CR or form feeds.
    func trimmingWhitespace() -> String {
        let blank: Set<Character> = [" ", "\t", "\r", "\n", "\u{0C}"]
        var text = Substring(self)
        while let first = text.first, blank.contains(first) { text = text.dropFirst() }
        while let last = text.last, blank.contains(last) { text = text.dropLast() }
        return String(text)
    }
}
