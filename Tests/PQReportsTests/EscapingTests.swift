import Foundation
import PQModel
import Testing

@testable import PQReports

/// Text from scanned files cannot become markup, formulas or broken rows in any format.
@Suite("Escaping: scanned text stays text in every format")
struct EscapingTests {
    @Test("a certificate subject of <script> renders as text in HTML")
    func html() throws {
        let html = try HTMLRenderer().html(Fixtures.hostile(), context: Fixtures.context)
        #expect(!html.contains("<script"))
        #expect(!html.contains("<img"))
        #expect(!html.contains("<b>x</b>"))
        #expect(html.contains("CN=&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("&lt;script&gt;alert(3)&lt;/script&gt;"))
        #expect(html.contains("default-src 'none'"))
    }

    @Test("the sample HTML loads nothing from outside: only known tags, no src, href, import or url()")
    func selfContained() throws {
        let html = try HTMLRenderer().html(try Fixtures.sample(), context: Fixtures.context)
        let allowed: Set<String> = [
            "html", "head", "meta", "title", "style", "body", "header", "main", "section", "footer", "h1", "h2", "h3",
            "p", "div", "span", "table", "thead", "tbody", "tr", "th", "td", "code", "details", "summary", "b", "br",
            "small", "svg", "rect", "text", "line", "circle",
        ]
        let tag = try Regex("<([a-zA-Z][a-zA-Z0-9]*)([^>]*)>")
        var seen = 0
        for match in html.matches(of: tag) {
            seen += 1
            let name = String(match.output[1].substring ?? "").lowercased()
            let attributes = String(match.output[2].substring ?? "").lowercased()
            #expect(allowed.contains(name), "unexpected tag <\(name)>")
            for needle in ["src=", "href=", "url(", "@import"] {
                #expect(!attributes.contains(needle), "<\(name)\(attributes)>")
            }
            #expect(!attributes.contains(" on"), "event handler in <\(name)\(attributes)>")
        }
        #expect(seen > 100)
        let style = html.components(separatedBy: "<style>").dropFirst().first?.components(separatedBy: "</style>").first
        #expect(style.map { !$0.contains("url(") && !$0.contains("@import") } == true)
    }

    @Test(
        "the hostile HTML report renders in headless chromium without console messages",
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium"), "chromium is not installed"))
    func browser() throws {
        let file = Fixtures.temporaryPath("hostile.html")
        let shot = Fixtures.temporaryPath("hostile.png")
        try HTMLRenderer().render(Fixtures.hostile(), context: Fixtures.context).write(to: URL(fileURLWithPath: file))
        let process = Process()
        process.executableURL = Fixtures.repositoryRoot.appendingPathComponent("scripts/check-html")
        process.arguments = [file, shot]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(output)")
        #expect(FileManager.default.fileExists(atPath: shot))
    }

    @Test("Markdown cells cannot open markup, raw HTML or a new row")
    func markdown() throws {
        let text = try MarkdownRenderer().markdown(Fixtures.hostile(), context: Fixtures.context)
        #expect(!text.contains("<script"))
        #expect(text.contains("CN=&lt;script&gt;alert(1)&lt;/script&gt;"))
        for line in text.split(separator: "\n") where line.hasPrefix("| ") {
            // Every row of a table has as many unescaped pipes as its header.
            let cells = line.replacingOccurrences(of: "\\|", with: "").filter { $0 == "|" }.count
            #expect(cells >= 3, "\(line)")
        }
        #expect(MarkdownText.text("a|b\nc*d<e>") == "a\\|b c\\*d&lt;e&gt;")
        #expect(MarkdownText.code("x`|y", inTable: true) == "``x`\\|y``")
    }

    @Test(
        "CSV defuses formulas and quotes commas, quotes and line breaks", arguments: ["=1+1", "+1", "-1", "@SUM(A1)"])
    func csvFormula(_ cell: String) throws {
        let finding = Finding(
            path: ScanPath(cell), source: "nginx", setting: cell, usage: .cipher, algorithm: cell,
            quantumStatus: .weakened)
        let csv = String(
            decoding: try CSVReportRenderer().render(
                ReportInput(scan: Fixtures.fixedScan(ScanCounts()), findings: [finding]), context: Fixtures.context),
            as: UTF8.self)
        let row = try #require(csv.split(separator: "\r\n").dropFirst().first)
        #expect(row.hasPrefix("'" + cell))
        #expect(!row.split(separator: ",").contains { $0.first.map { "=+-@".contains($0) } ?? false })
    }

    @Test("CSV keeps every contract field, quoted where needed, one record per finding")
    func csvQuoting() throws {
        let input = Fixtures.hostile()
        let csv = String(decoding: try CSVReportRenderer().render(input, context: Fixtures.context), as: UTF8.self)
        let header = try #require(csv.split(separator: "\r\n").first)
        #expect(
            header.split(separator: ",").map(String.init)
                == Finding.CodingKeys.allCases.map(\.stringValue) + ["aliases"])
        // The path holds a comma, a quote and a newline: the field is quoted with doubled quotes.
        #expect(csv.contains("\"etc/<b>x</b>|=cmd,\"\"q\"\"\n\\xFF #?.pem\""))
        #expect(csv.contains("'=HYPERLINK"))
        #expect(csv.contains("'@SUM(1+1)"))
        #expect(csv.contains("'-ECDHE+<evil>"))
        // Parse it back: three records of the sixteen contract fields and the aliases column.
        #expect(Self.parseCSV(csv).count == 1 + input.findings.count)
        #expect(Self.parseCSV(csv).allSatisfy { $0.count == 17 })
    }

    @Test("a CR LF in a file name stays inside its quoted field: no injected row, no bare formula (issue 21)")
    func csvCRLF() throws {
        let name = "a.pem\r\n=HYPERLINK(\"http://x\"),evil\r\n@SUM(1)"
        let finding = Finding(
            path: ScanPath(name), source: "x509", setting: "\r\n-x", usage: .publicKey, algorithm: "RSA",
            quantumStatus: .vulnerable)
        let csv = String(
            decoding: try CSVReportRenderer().render(
                ReportInput(scan: Fixtures.fixedScan(ScanCounts()), findings: [finding]), context: Fixtures.context),
            as: UTF8.self)
        let records = Self.parseCSV(csv)
        #expect(records.count == 2)
        #expect(records.allSatisfy { $0.count == 17 }, "the contract's 16 fields and aliases")
        #expect(records.last?.first == name)
        #expect(InventoryCSV.escape("\r\n=1") == "\"'\r\n=1\"")
        #expect(InventoryCSV.escape("\t=1") == "'\t=1")
    }

    @Test("JSON outputs keep hostile strings intact and parseable")
    func json() throws {
        let input = Fixtures.hostile()
        for renderer in [CycloneDXRenderer(spec: .v1_7) as any ReportRenderer, SARIFRenderer()] {
            let data = try renderer.render(input, context: Fixtures.context)
            #expect((try? JSONSerialization.jsonObject(with: data)) != nil)
            #expect(
                String(decoding: data, as: UTF8.self).contains("CN=<script>alert(1)</script>")
                    || renderer is SARIFRenderer)
        }
    }

    @Test("SARIF locations are percent-encoded relative URIs made from the raw path bytes")
    func sarifURI() {
        let path = ScanPath(bytes: Array("a b/#?%".utf8) + [0xFF, 0x0A])
        #expect(SARIFRenderer.uri(path) == "a%20b/%23%3F%25%FF%0A")
        #expect(SARIFRenderer.uri(ScanPath("etc/ssl/x.pem")) == "etc/ssl/x.pem")
    }

    /// RFC 4180 reader for the test.
    static func parseCSV(_ text: String) -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false
        var iterator = Array(text.unicodeScalars).makeIterator()
        var pending: Unicode.Scalar? = nil
        while let scalar = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if scalar == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" {
                            field.unicodeScalars.append("\"")
                        } else {
                            quoted = false
                            pending = next
                        }
                    } else {
                        quoted = false
                    }
                } else {
                    field.unicodeScalars.append(scalar)
                }
            } else if scalar == "\"" {
                quoted = true
            } else if scalar == "," {
                record.append(field)
                field = ""
            } else if scalar == "\r" {
                continue
            } else if scalar == "\n" {
                record.append(field)
                records.append(record)
                record = []
                field = ""
            } else {
                field.unicodeScalars.append(scalar)
            }
        }
        return records
    }
}
