/// One `Keyword value` line of a configuration file, split so the value can be replaced while the indentation,
/// the keyword's spelling, the separator (spaces or `=`) and any trailing text stay as the author wrote them.
public struct ConfigDirectiveLine: Sendable, Hashable {
    public var indent: String
    public var keyword: String
    public var separator: String
    public var value: String
    /// Whatever follows the value: a `;` (nginx), trailing blanks, a `\r`.
    public var trailer: String

    /// Parses `line`; nil for a blank line, a comment, or a line whose keyword is not `keyword` (case-insensitive).
    /// `terminator` is a character that ends the value (`;` for nginx), kept in the trailer.
    public init?(_ line: String, keyword wanted: String? = nil, terminator: Character? = nil) {
        let chars = Array(line)
        var index = 0
        while index < chars.count, chars[index] == " " || chars[index] == "\t" { index += 1 }
        indent = String(chars[0..<index])
        let keywordStart = index
        while index < chars.count, !" \t=\r".contains(chars[index]), chars[index] != terminator { index += 1 }
        keyword = String(chars[keywordStart..<index])
        guard !keyword.isEmpty, !keyword.hasPrefix("#") else { return nil }
        if let wanted, keyword.lowercased() != wanted.lowercased() { return nil }
        let separatorStart = index
        while index < chars.count, " \t=".contains(chars[index]) { index += 1 }
        separator = String(chars[separatorStart..<index])
        let valueStart = index
        var valueEnd = chars.count
        if let terminator, let stop = chars[valueStart...].firstIndex(of: terminator) { valueEnd = stop }
        while valueEnd > valueStart, " \t\r".contains(chars[valueEnd - 1]) { valueEnd -= 1 }
        value = String(chars[valueStart..<valueEnd])
        trailer = String(chars[valueEnd...])
        if separator.isEmpty { separator = " " }
    }

    public var text: String { indent + keyword + separator + value + trailer }

    /// The same line with another value.
    public func with(value newValue: String) -> String { indent + keyword + separator + newValue + trailer }
}
