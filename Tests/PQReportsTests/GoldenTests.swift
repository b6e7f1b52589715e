import Foundation
import PQModel
import PQReports
import Testing

/// Each format's bytes for the sample inventory, pinned. `PQSCOUT_RECORD_SNAPSHOTS=1` rewrites the golden
/// files and still fails, so a re-recording is always a deliberate second run.
@Suite("Golden files: every format of the sample inventory repeats byte for byte")
struct GoldenTests {
    static let cases: [(String, any ReportRenderer)] = [
        ("webfarm.cdx.json", CycloneDXRenderer(spec: .v1_6)),
        ("webfarm-1.7.cdx.json", CycloneDXRenderer(spec: .v1_7)),
        ("webfarm.sarif", SARIFRenderer()),
        ("webfarm.html", HTMLRenderer()),
        ("webfarm.md", MarkdownRenderer()),
        ("webfarm.csv", CSVReportRenderer()),
        ("webfarm.json", JSONReportRenderer()),
        ("tls-1.7.cdx.json", CycloneDXRenderer(spec: .v1_7)),
        ("hostile.html", HTMLRenderer()),
        ("hostile.md", MarkdownRenderer()),
        ("webfarm-assessed.sarif", SARIFRenderer()),
        ("webfarm-assessed.html", HTMLRenderer()),
        ("webfarm-assessed.md", MarkdownRenderer()),
    ]

    @Test("the rendered file equals its golden file", arguments: cases.indices)
    func golden(_ index: Int) throws {
        let (name, renderer) = Self.cases[index]
        let input: ReportInput =
            name.hasPrefix("tls")
            ? Fixtures.tls()
            : name.hasPrefix("hostile")
                ? Fixtures.hostile() : name.contains("assessed") ? try Fixtures.assessed() : try Fixtures.sample()
        let first = Self.withoutLinkedOpenSSLVersion(try renderer.render(input, context: Fixtures.context))
        var shuffled = input
        shuffled.findings.reverse()
        shuffled.assets.reverse()
        shuffled.diagnostics.reverse()
        let second = Self.withoutLinkedOpenSSLVersion(try renderer.render(shuffled, context: Fixtures.context))
        #expect(first == second, "\(name): the output depends on the order of the input")
        let url = Fixtures.goldenFolder.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["PQSCOUT_RECORD_SNAPSHOTS"] == "1" {
            try FileManager.default.createDirectory(at: Fixtures.goldenFolder, withIntermediateDirectories: true)
            try first.write(to: url)
            Issue.record("recorded \(name); run the tests again without PQSCOUT_RECORD_SNAPSHOTS to check it")
            return
        }
        let expected = Self.withoutLinkedOpenSSLVersion(
            try #require(try? Data(contentsOf: url), "no golden file \(name); record with PQSCOUT_RECORD_SNAPSHOTS=1"))
        if first != expected {
            let got = String(decoding: first, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            let want = String(decoding: expected, as: UTF8.self).split(
                separator: "\n", omittingEmptySubsequences: false)
            let line =
                zip(got, want).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(got.count, want.count)
            Issue.record(
                "\(name) differs from its golden file at line \(line + 1):\n got: \(line < got.count ? got[line] : "<end>")\nwant: \(line < want.count ? want[line] : "<end>")"
            )
        }
    }

    /// Cipher-suite notes name the OpenSSL that expanded them ("expanded by OpenSSL 3.0.19 27 Jan 2026 (linked by
    /// PQScout)"); a security update of libssl must not break the goldens, so that one version string is masked.
    static func withoutLinkedOpenSSLVersion(_ data: Data) -> Data {
        let text = String(decoding: data, as: UTF8.self)
        let masked = text.replacingOccurrences(
            of: #"OpenSSL [0-9]+\.[0-9]+\.[0-9]+[a-z]? [0-9]{1,2} [A-Z][a-z]{2} [0-9]{4} \(linked by PQScout\)"#,
            with: "OpenSSL (linked version) (linked by PQScout)", options: .regularExpression)
        return Data(masked.utf8)
    }
}
