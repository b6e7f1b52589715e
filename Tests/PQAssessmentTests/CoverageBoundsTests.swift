import Foundation
import PQModel
import Testing

@testable import PQAssessment

/// A hostile tree leaves a diagnostic per broken file; the coverage counts them all but lists only the first
/// `CoverageAnalyzer.listedFileGaps` file gaps, so the assessment, its table and the reports stay bounded.
@Suite("Coverage: every file counted, the first file gaps listed, the rest counted")
struct CoverageBoundsTests {
    static let scan = ScanRecord(
        id: 1, roots: ["."], host: "h", toolVersion: "t", startedAt: .init(timeIntervalSince1970: 0),
        finishedAt: nil, status: .complete, counts: ScanCounts())

    /// `count` files in a scrambled order; every seventh also skipped, every eleventh with a second diagnostic.
    static func diagnostics(_ count: Int) -> [Diagnostic] {
        var out: [Diagnostic] = []
        for number in 0..<count {
            let file = (number * 7_919) % count
            let path = ScanPath("etc/d\(file % 13)/f\(file).pem")
            out.append(Diagnostic(path: path, reason: .malformed, detail: "bad \(file)"))
            if file % 7 == 0 { out.append(Diagnostic(path: path, reason: .tooLarge, detail: "big \(file)")) }
            if file % 11 == 0 { out.append(Diagnostic(path: path, reason: .encrypted, detail: "locked \(file)")) }
        }
        return out
    }

    /// What the coverage listed before it was bounded: a gap per diagnostic, sorted, and files counted in sets.
    static func unbounded(_ diagnostics: [Diagnostic]) -> (gaps: [AssessmentCoverage.Gap], skipped: Int, unparsed: Int)
    {
        var skipped = Set<ScanPath>()
        var unparsed = Set<ScanPath>()
        var gaps: [AssessmentCoverage.Gap] = []
        for diagnostic in diagnostics {
            let isSkip = CoverageAnalyzer.skippedReasons.contains(diagnostic.reason)
            if isSkip { skipped.insert(diagnostic.path) } else { unparsed.insert(diagnostic.path) }
            gaps.append(
                .init(
                    kind: "file", subject: diagnostic.path.display,
                    reason: "\(isSkip ? "skipped" : "not parsed") (\(diagnostic.reason.rawValue)): \(diagnostic.detail)"
                ))
        }
        // Stable: a file's gaps keep the order their diagnostics came in.
        let sorted = gaps.enumerated().sorted { ($0.element, $0.offset) < ($1.element, $1.offset) }.map(\.element)
        return (sorted, skipped.count, unparsed.count)
    }

    @Test("2,500 files in any order: counts exact, the first 1,000 file gaps listed as a full sort lists them")
    func firstFileGapsListed() {
        let diagnostics = Self.diagnostics(2_500)
        let coverage = CoverageAnalyzer.analyze(
            scan: Self.scan, findings: [], diagnostics: diagnostics, software: [], scannedSources: nil)
        let expected = Self.unbounded(diagnostics)
        #expect(coverage.filesSkipped == expected.skipped)
        #expect(coverage.filesUnparsable == expected.unparsed)
        #expect(coverage.filesUnparsable == 2_500)
        let files = coverage.gaps.filter { $0.kind == "file" }
        #expect(files == Array(expected.gaps.prefix(CoverageAnalyzer.listedFileGaps)))
        #expect(coverage.gapsLeftOut == expected.gaps.count - CoverageAnalyzer.listedFileGaps)
        // The other gaps are all there: formats, software.
        #expect(coverage.gaps.contains { $0.kind == "software" })
        #expect(coverage.gaps.filter { $0.kind == "format" }.count == CoverageAnalyzer.configurationFormats.count)
    }

    @Test("a bound of 5 over many trims keeps the first 5 of the stable sort")
    func smallBoundAcrossTrims() {
        let diagnostics = Self.diagnostics(97).sorted { $0.path < $1.path }
        var gaps = CoverageAnalyzer.FileGaps(listed: 5)
        for diagnostic in diagnostics { gaps.add(diagnostic) }
        gaps.finish()
        let expected = Self.unbounded(diagnostics)
        #expect(gaps.kept == Array(expected.gaps.prefix(5)))
        #expect(gaps.leftOut == expected.gaps.count - 5)
        #expect(gaps.skipped == expected.skipped && gaps.unparsable == expected.unparsed)

        // Paths in byte order need not be in the order of their display (escaped bytes, `\` sorts above `/`):
        // what is listed is still the first of the gaps' own order.
        var scrambled = CoverageAnalyzer.FileGaps(listed: 5)
        for diagnostic in Self.diagnostics(97) { scrambled.add(diagnostic) }
        scrambled.finish()
        #expect(scrambled.kept == Array(expected.gaps.prefix(5)))
        #expect(scrambled.leftOut == expected.gaps.count - 5)
    }

    @Test("an assessment stored before the bound decodes with nothing left out")
    func olderDocumentDecodes() throws {
        let json = """
            {"scanComplete":true,"filesExamined":3,"filesWithFindings":1,"filesSkipped":0,"filesUnparsable":1,
            "sources":{"nginx":2},"gaps":[{"kind":"file","subject":"a","reason":"not parsed (empty): x"}]}
            """
        let coverage = try JSONDecoder().decode(AssessmentCoverage.self, from: Data(json.utf8))
        #expect(coverage.gapsLeftOut == 0 && coverage.gaps.count == 1)
        let again = try JSONDecoder().decode(AssessmentCoverage.self, from: try JSONEncoder().encode(coverage))
        #expect(again == coverage)
    }
}
