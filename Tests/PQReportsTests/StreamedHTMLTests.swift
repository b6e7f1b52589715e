import Foundation
import PQModel
import Testing

@testable import PQReports

/// The HTML report is written to its output a section, a system and a row at a time (issue 20: the page of the
/// 200k benchmark tree is 46 MB and was one string, then one `Data`), and what it holds while it walks the findings
/// is bounded by the rows it lists, not by the groups times `rowsPerGroup`.
@Suite("Streamed HTML report")
struct StreamedHTMLTests {
    /// An assessed sample with `systems` more systems and the findings of `LargeReportTests.large(findings)` added.
    static func many(systems: Int, findings: Int) throws -> ReportInput {
        var input = try Fixtures.assessed()
        var assessment = try #require(input.assessment)
        let template = try #require(assessment.systems.first)
        for number in 0..<systems {
            var system = template
            system.system.id = "nginx:srv/app\(number)/nginx.conf#server <app\(number)>"
            system.score = number % 100
            assessment.systems.append(system)
        }
        input.assessment = assessment
        input.findings += LargeReportTests.large(findings).findings
        return input
    }

    /// Every chunk a `ReportOutput` of a one-byte buffer hands its sink: one per `write`.
    static func chunks(_ renderer: HTMLRenderer, _ input: ReportInput) throws -> [[UInt8]] {
        final class Box { var chunks: [[UInt8]] = [] }
        let box = Box()
        let output = ReportOutput(bufferSize: 1) { box.chunks.append($0) }
        try renderer.write(input, context: Fixtures.context, to: output)
        try output.flush()
        return box.chunks
    }

    @Test("a page of 3,000 systems and 20,000 findings reaches the output in small writes, the same bytes")
    func smallWrites() throws {
        let input = try Self.many(systems: 3_000, findings: 20_000)
        let renderer = HTMLRenderer()
        let chunks = try Self.chunks(renderer, input)
        let page = Data(chunks.joined())
        #expect(page.count > 2_000_000, "the page is \(page.count) bytes")
        #expect(page == (try renderer.render(input, context: Fixtures.context)))
        let largest = chunks.map(\.count).max() ?? 0
        #expect(largest < 64 << 10, "one write of \(largest) bytes: the page is not written as it is made")
        #expect(chunks.count > 3_000)
        let html = String(decoding: page, as: UTF8.self)
        let systems = try #require(input.assessment?.systems.count)
        #expect(html.components(separatedBy: "<details class=\"system\">").count - 1 == systems)
        #expect(html.contains("&lt;app2999&gt;") && !html.contains("<app2999>"))
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.hasSuffix("</html>\n"))
    }

    @Test("the goldens' pages written through a one-byte buffer are the goldens")
    func goldens() throws {
        for (name, input) in [
            ("webfarm-assessed.html", try Fixtures.assessed()), ("hostile.html", Fixtures.hostile()),
        ] {
            let golden = try Data(contentsOf: Fixtures.goldenFolder.appendingPathComponent(name))
            let chunks = try Self.chunks(HTMLRenderer(), input)
            #expect(
                GoldenTests.withoutLinkedOpenSSLVersion(Data(chunks.joined()))
                    == GoldenTests.withoutLinkedOpenSSLVersion(golden), "\(name)")
            #expect(chunks.count > 10, "\(name): \(chunks.count) writes")
        }
    }

    /// Findings in groups met in an order other than the page's (each path names another algorithm, the names
    /// falling as the paths rise, a broken group last), so rows are dropped before every group is known.
    static func interleaved() -> [Finding] {
        var findings: [Finding] = []
        let statuses: [QuantumStatus] = [.resistant, .vulnerable, .weakened, .vulnerable]
        for index in 0..<6_000 {
            let group = index % 60
            let status: QuantumStatus = index >= 5_900 ? .broken : statuses[group % statuses.count]
            let name = String(format: "ALG-%02d", 59 - group)
            findings.append(
                Finding(
                    path: ScanPath(String(format: "etc/f%05d.conf", index)), line: 1, source: "nginx",
                    setting: "ssl_ciphers", usage: .cipherSuite, algorithm: name, canonical: name,
                    quantumStatus: status))
        }
        return findings
    }

    /// The findings section's rows as the page must list them, made without the digest: every group in page
    /// order (status worst first, then name), its first rows in report order, while `maxRows` lasts.
    static func expectedRows(_ findings: [Finding], rowsPerGroup: Int, maxRows: Int) -> [String] {
        let sorted = findings.sorted(by: ReportOrder.finding)
        var budget = maxRows
        var rows: [String] = []
        for status in QuantumStatus.allCases.sorted(by: >) {
            let ofStatus = sorted.filter { $0.quantumStatus == status }
            for name in Set(ofStatus.map { $0.canonical ?? $0.algorithm }).sorted() {
                let group = ofStatus.filter { ($0.canonical ?? $0.algorithm) == name }
                let take = max(0, min(rowsPerGroup, budget, group.count))
                budget -= take
                rows += group.prefix(take).map(HTMLRenderer.Digest.row)
            }
        }
        return rows
    }

    @Test(
        "the digest holds the rows the page lists and its slack, and lists the rows it would list holding them all",
        arguments: [(50, 30), (500, 700), (7, 0), (3, 1_000), (100, 100)])
    func boundedDigest(_ rowsPerGroup: Int, _ maxRows: Int) throws {
        let findings = Self.interleaved()
        let digest = try HTMLRenderer.Digest(
            .array(findings), rowsPerGroup: min(rowsPerGroup, maxRows), maxRows: maxRows, placesOf: [])
        let held = digest.groups.values.flatMap(\.values).reduce(0) { $0 + $1.rows.count }
        #expect(held <= maxRows + HTMLRenderer.Digest.slack, "\(held) rows held")
        #expect(held == digest.heldRows)
        let input = ReportInput(
            scan: Fixtures.fixedScan(ScanCounts(filesExamined: 6_000, filesWithFindings: 6_000, findings: 6_000)),
            findings: findings)
        let html = try HTMLRenderer(rowsPerGroup: rowsPerGroup, maxRows: maxRows).html(
            input, context: Fixtures.context)
        let section = try #require(html.components(separatedBy: "<section id=\"findings\">").last)
        let listed = section.components(separatedBy: "\n").filter { $0.hasPrefix("<tr><td><code>") }.map { $0 + "\n" }
        let expected = Self.expectedRows(findings, rowsPerGroup: rowsPerGroup, maxRows: maxRows)
        #expect(listed == expected)
        #expect(maxRows == 0 || !listed.isEmpty)
    }
}

/// The Markdown report's table of systems is written a row at a time too (10,020 rows, 8.4 MB as one string, on n50).
@Suite("Streamed Markdown systems")
struct StreamedMarkdownSystemsTests {
    @Test("the Markdown of 3,000 more systems reaches the output in small writes, the same bytes")
    func smallWrites() throws {
        let input = try StreamedHTMLTests.many(systems: 3_000, findings: 0)
        let renderer = MarkdownRenderer()
        final class Box { var chunks: [[UInt8]] = [] }
        let box = Box()
        let output = ReportOutput(bufferSize: 1) { box.chunks.append($0) }
        try renderer.write(input, context: Fixtures.context, to: output)
        try output.flush()
        let page = Data(box.chunks.joined())
        #expect(page == (try renderer.render(input, context: Fixtures.context)))
        let largest = box.chunks.map(\.count).max() ?? 0
        #expect(page.count > 500_000, "the report is \(page.count) bytes")
        #expect(largest < 64 << 10, "one write of \(largest) bytes: the systems are not written as they come")
        #expect(String(decoding: page, as: UTF8.self).contains("app2999"))
    }
}
