import Foundation
import PQTestSupport
import Testing

@testable import PQReports

/// `MarkdownText` against GitHub's own renderer, `cmark-gfm` with GitHub's extensions (table, autolink,
/// strikethrough, tagfilter; Debian's `cmark-gfm` package, which `.ci/run` installs). Each hostile or random value is
/// written the way the reports write it (as text and as a code span, in a table cell, a list item and a quote) and
/// rendered: the table keeps its three cells, nothing becomes a tag, link, image, emphasis or heading, and what a
/// reader sees is the value itself, on one line.
@Suite("Markdown escaping, checked with cmark-gfm")
struct MarkdownTextOracleTests {
    static let renderer = ["/usr/bin/cmark-gfm", "/usr/local/bin/cmark-gfm"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    static let hostile = [
        "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "![x](http://evil.example/a.png)",
        "[click](https://evil.example)", "[x]: http://evil.example", "<http://evil.example>", "http://evil.example/x",
        "see https://a.example.", "HTTP://UPPER.example", "www.evil.example", "ftp://files.example/x",
        "javascript:alert(1)",
        "*em* _em_ **strong** __strong__ ~~del~~ ~del~", "`code` ``x`` ```", "x`", "`x", "``", "` `", "a|b|c", "|",
        "\\|", "a\\", "# heading", "## h2", "> quote", "- item", "1. ordered", "2) x", "3.", "+ y", "-", "---", "- - -",
        "===", "=", "  1. x", "line1\nline2",
        "cr\r\nlf\rcr", "tab\there", "\u{1B}[31mred\u{1B}[0m", "bell\u{07}", "nul\u{0}byte", "sep\u{2028}par\u{2029}",
        "&amp; &lt; &#x3C;", "a & b < c > d", " spaced ", "   ", "", "ümlaut ÄÖ 证书 🔐", "CN=*.example.com",
        "O=Acme [test] (ca)", "$(rm -rf /) `id`", "<!-- c -->", "a\u{301}`b",
    ]

    /// Characters Markdown gives meaning to, mixed with letters and spaces.
    static func random(count: Int) -> [String] {
        var generator = SeededGenerator(seed: 0x6D61_726B_646F_776E)
        let alphabet = Array("ab1 .:/@\\`*_[]()!|~#<>&-+=\"'\n\r\tw")
        return (0..<count).map { _ in
            let length = Int.random(in: 1...16, using: &generator)
            return String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
        }
    }

    @Test(
        "text and code spans stay inert and show the value, in a cell, a list and a quote",
        .enabled(if: renderer != nil, "needs cmark-gfm (apt-get install cmark-gfm)"))
    func rendered() throws {
        let renderer = try #require(Self.renderer)
        let plain = Self.structure(try Self.render(Self.document("x"), with: renderer))
        // Written by hand: a blank value leaves the quote without a paragraph.
        let blank = Self.structure(
            try Self.render("| a | b | c |\n|---|---|---|\n|  |  | end |\n\n-  and\n\n> \n", with: renderer))
        var checked = 0
        for value in Self.hostile + Self.random(count: 150) {
            let document = Self.document(value)
            let html = try Self.render(document, with: renderer)
            let shown = Self.shown(value)
            let about = Comment(rawValue: "value \(value.debugDescription) wrote \(document.debugDescription)\n\(html)")

            let row = try #require(Self.bodyRow(html), about)
            #expect(row.count == 3, about)
            #expect(row.last == "end", about)
            // A table cell drops the spaces at its ends.
            #expect(Self.visible(row[0]) == Self.trimmed(shown), about)
            #expect(Self.visible(row[1]) == Self.trimmed(shown) || Self.visible(row[1]) == shown, about)

            // The same blocks as for a plain value (one table, one list item, one quote with its paragraph), and
            // nothing else made of markup: no tag, link, image, emphasis, heading, rule or code block. An e-mail
            // address alone may become a mailto: link.
            #expect(Self.structure(html) == (Self.trimmed(shown).isEmpty ? blank : plain), about)
            #expect(Self.onlyMailto(html), about)
            checked += 1
        }
        #expect(checked == Self.hostile.count + 150)
    }

    @Test(
        "a code block holds a diff as it is, whatever backticks are in it",
        .enabled(if: renderer != nil, "needs cmark-gfm (apt-get install cmark-gfm)"))
    func codeBlock() throws {
        let renderer = try #require(Self.renderer)
        for text in ["+a\n-b\n", "```\n+x\n```", "+````` `\u{301}``` \n", "no newline at the end", "<script>&amp;"] {
            let html = try Self.render(MarkdownText.codeBlock(text, info: "diff") + "\nafter\n", with: renderer)
            let about = Comment(rawValue: "\(text.debugDescription)\n\(html)")
            #expect(Self.structure(html) == ["pre": 1, "p": 1], about)
            let body = try #require(
                html.firstMatch(of: /<pre><code class="language-diff">(.*?)<\/code><\/pre>/.dotMatchesNewlines()), about
            )
            let expected = text.hasSuffix("\n") ? text : text + "\n"
            #expect(Self.visible(String(body.output.1)) == expected, about)
        }
    }

    @Test("a code span keeps the value's characters; text keeps its words and begins no block")
    func codeKeepsCharacters() {
        #expect(MarkdownText.code("KexAlgorithms a,b") == "`KexAlgorithms a,b`")
        #expect(MarkdownText.code("a``b") == "```a``b```")
        #expect(MarkdownText.code("`x") == "`` `x ``")
        #expect(MarkdownText.code("a|b") == "`a|b`")
        #expect(MarkdownText.code("a|b", inTable: true) == "`a\\|b`")
        #expect(MarkdownText.code("a<b") == "a&lt;b")
        #expect(MarkdownText.text("x\u{1B}y\r\nz") == "x\u{FFFD}y  z")
        #expect(MarkdownText.text("http://a www.b") == "http:\\/\\/a www\\.b")
        // Mid-line text keeps its space after a code span; at a line's start no list, rule or code block begins.
        #expect(MarkdownText.text(" is RSA-2048") == " is RSA-2048")
        #expect(MarkdownText.text("    - x") == " \\- x")
        #expect(MarkdownText.text("12. x") == "12\\. x")
        #expect(MarkdownText.text("1999-01-01") == "1999-01-01")
        #expect(MarkdownText.text("3.0.19") == "3.0.19")
        #expect(MarkdownText.text("-ECDHE") == "-ECDHE")
        #expect(MarkdownText.text("---") == "\\---")
        #expect(MarkdownText.text("1)") == "1\\)")
    }

    // MARK: - Helpers

    /// The value as the reports write it: text and a code span in a table row, a list item, a quote.
    static func document(_ value: String) -> String {
        let text = MarkdownText.text(value)
        return "| a | b | c |\n|---|---|---|\n| \(text) | \(MarkdownText.code(value, inTable: true)) | end |\n\n"
            + "- \(text) and \(MarkdownText.code(value))\n\n> \(text)\n"
    }

    /// How many of each tag, but for code spans (a value with `<`, `>` or `&` is written as text) and links.
    static func structure(_ html: String) -> [String: Int] {
        var counts: [String: Int] = [:]
        for match in html.matches(of: /<([a-zA-Z][a-zA-Z0-9]*)/) {
            let tag = String(match.output.1).lowercased()
            if tag != "code" && tag != "a" { counts[tag, default: 0] += 1 }
        }
        return counts
    }

    static func render(_ document: String, with renderer: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: renderer)
        process.arguments = [
            "--extension", "table", "--extension", "autolink", "--extension", "strikethrough", "--extension",
            "tagfilter",
        ]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(document.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// What a reader should see: the value on one line (line breaks as spaces, other controls as U+FFFD, NUL
    /// included, as cmark-gfm shows it).
    static func shown(_ value: String) -> String {
        var out = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\n", "\r", "\t", "\u{2028}", "\u{2029}": out += " "
            default: out.unicodeScalars.append(scalar.isControl ? "\u{FFFD}" : scalar)
            }
        }
        return out
    }

    static func trimmed(_ value: String) -> String {
        String(
            String.UnicodeScalarView(value.unicodeScalars.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed()))
    }

    /// The cells of the table's one body row, as HTML.
    static func bodyRow(_ html: String) -> [String]? {
        guard let body = html.range(of: "<tbody>"),
            let end = html.range(of: "</tbody>", range: body.upperBound..<html.endIndex)
        else { return nil }
        let rows = html[body.upperBound..<end.lowerBound]
        guard let cells = try? Regex("<td>(.*?)</td>").dotMatchesNewlines() else { return nil }
        return rows.matches(of: cells).map { String($0.output[1].substring ?? "") }
    }

    /// The text a reader sees in a piece of cmark's HTML: tags dropped, its five entities decoded.
    static func visible(_ html: String) -> String {
        let noTags = html.replacing(/<[^>]*>/, with: "")
        return noTags.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }

    static func onlyMailto(_ html: String) -> Bool {
        html.matches(of: /<a href="([^"]*)"/).allSatisfy { $0.output.1.hasPrefix("mailto:") }
    }
}
