/// Untrusted text written into Markdown (the report, the plan, the fleet table, the vendor check), so that a
/// GitHub-flavoured Markdown viewer shows it as it is and makes nothing of it: no raw HTML, no link, no image, no
/// emphasis, no heading, no new table cell, no new line. The one place that knows Markdown's active characters;
/// `MarkdownTextOracleTests` holds both functions to GitHub's own renderer (`cmark-gfm`).
///
/// What stays: an e-mail address is still made a `mailto:` link by GFM's autolink extension, whose text is the
/// address itself. No escape stops it in `cmark-gfm` 0.29 (it joins escaped characters back into one text node
/// before it looks for addresses), and changing the address would change what the report says.
enum MarkdownText {
    /// Text on one line (line breaks become spaces, other control characters U+FFFD; scalars are tested, as
    /// `"\r\n"` is one `Character`). `& < >` become entities (no tag, no `<script>`, no `<img onerror>`), and every
    /// ASCII punctuation mark Markdown gives meaning to gets a backslash (CommonMark 0.31, "Backslash escapes": any
    /// ASCII punctuation may be escaped), so `![x](http://...)` is no image, `[x](...)` no link, `` ` `` no code
    /// span, `|` no column, `#` no heading, and `*`, `_`, `~` no emphasis. `://` is escaped whatever the scheme's
    /// case (GFM links `HTTP://` too).
    ///
    /// Where the text may begin a line (a quote, a list item), it must not begin a block: the spaces at its start
    /// become one (four would make a code block; a viewer shows one either way), and the `-`, `+`, `=`, `.` or `)`
    /// that would begin a list, a rule or a heading underline gets a backslash (`blockMarker`).
    static func text(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        let scalars = value.unicodeScalars.drop { flattened($0) == " " }
        if scalars.startIndex != value.unicodeScalars.startIndex { out += " " }
        let marker = blockMarker(scalars)
        for index in scalars.indices {
            let scalar = scalars[index]
            if index == marker {
                out += "\\" + String(scalar)
                continue
            }
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\\", "`", "*", "_", "[", "]", "!", "|", "~", "#":
                out += "\\" + String(scalar)
            default: out += flattened(scalar)
            }
        }
        // GFM turns a bare `http://...` or `www....` into a link; an escaped slash or dot keeps it text.
        return out.replacingOccurrences(of: "://", with: ":\\/\\/").replacingOccurrences(of: "www.", with: "www\\.")
    }

    /// A code span, for names, paths and settings an operator may copy: its characters are kept (a backtick too:
    /// the fence is one backtick longer than the longest run inside), on one line. In a table cell (`inTable`) a
    /// `|` is written `\|`, which GFM reads as a pipe inside the cell, not as the cell's end.
    static func code(_ value: String, inTable: Bool = false) -> String {
        // CommonMark keeps `<` literal inside a code span, but not every viewer follows it: such a value is written
        // as escaped text instead, which every viewer shows as it is.
        if value.unicodeScalars.contains(where: { $0 == "<" || $0 == ">" || $0 == "&" }) { return text(value) }
        var body = ""
        body.reserveCapacity(value.utf8.count)
        for scalar in value.unicodeScalars {
            body += inTable && scalar == "|" ? "\\|" : flattened(scalar)
        }
        // Markdown has no empty code span (two backticks are shown as they are): nothing shows nothing.
        guard !body.isEmpty else { return "" }
        let fence = String(repeating: "`", count: longestBacktickRun(value) + 1)
        // A span strips one space at each end when both are there, and a backtick at an end would join the fence:
        // pad both ends then, so the stripped spaces are the padding.
        let ends = [body.unicodeScalars.first, body.unicodeScalars.last]
        let pad =
            !body.unicodeScalars.allSatisfy({ $0 == " " }) && ends.contains { $0 == "`" || $0 == " " }
        return pad ? "\(fence) \(body) \(fence)" : "\(fence)\(body)\(fence)"
    }

    /// A fenced code block of text kept as it is (a diff): the fence is at least three backticks and longer than any
    /// run of backticks inside, so no line of the text can close it.
    static func codeBlock(_ text: String, info: String) -> String {
        let fence = String(repeating: "`", count: max(3, longestBacktickRun(text) + 1))
        return "\(fence)\(info)\n\(text)\(text.hasSuffix("\n") ? "" : "\n")\(fence)\n"
    }

    /// The longest run of backticks, counted in scalars as CommonMark counts them (a backtick with a combining mark
    /// after it is one `Character` but still a backtick).
    private static func longestBacktickRun(_ value: String) -> Int {
        var best = 0
        var run = 0
        for scalar in value.unicodeScalars {
            run = scalar == "`" ? run + 1 : 0
            best = max(best, run)
        }
        return best
    }

    /// Where a line that began with these scalars would start a block: a bullet (`-` or `+` then a space or the
    /// end), a rule or heading underline (`-` or `=` twice), or an ordered item (one to nine digits, then `.` or `)`
    /// and a space or the end). CommonMark 0.31, "List items", "Thematic breaks", "Setext headings". Anything else
    /// stays as it is, so "-ECDHE" or "3.0.19" read as written.
    private static func blockMarker(_ scalars: Substring.UnicodeScalarView) -> Substring.UnicodeScalarView.Index? {
        func endsMarker(_ index: Substring.UnicodeScalarView.Index) -> Bool {
            index == scalars.endIndex || flattened(scalars[index]) == " "
        }
        guard let first = scalars.first else { return nil }
        let second = scalars.index(after: scalars.startIndex)
        switch first {
        case "-": return endsMarker(second) || scalars[second] == "-" ? scalars.startIndex : nil
        case "+": return endsMarker(second) ? scalars.startIndex : nil
        case "=": return endsMarker(second) || scalars[second] == "=" ? scalars.startIndex : nil
        default:
            let digits = scalars.prefix { ("0"..."9").contains($0) }.count
            guard (1...9).contains(digits) else { return nil }
            let after = scalars.index(scalars.startIndex, offsetBy: digits)
            guard after < scalars.endIndex, scalars[after] == "." || scalars[after] == ")" else { return nil }
            return endsMarker(scalars.index(after: after)) ? after : nil
        }
    }

    /// A line or paragraph break becomes a space, so the text stays on its line (in its cell); any other control
    /// character (ESC, BEL, NUL) becomes U+FFFD, so the reader sees that something was there.
    private static func flattened(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case "\n", "\r", "\t", "\u{2028}", "\u{2029}": return " "
        default: return scalar.isControl ? "\u{FFFD}" : String(scalar)
        }
    }
}
