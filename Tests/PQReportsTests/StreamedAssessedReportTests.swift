import Foundation
import PQModel
import Testing

@testable import PQReports
@testable import PQScoutKit

/// Reports of an assessed scan written from store cursors (`ReportJudgedFindings.storeOrdered`) are the bytes of
/// the same report made from the assessment and the findings in memory.
@Suite("Streamed assessed reports: the same bytes as from the assessment in memory")
struct StreamedAssessedReportTests {
    /// The default renderers, and renderers whose limits the sample's findings exceed (kept results, rows per
    /// group, places per group), so the streamed selection is compared where it cuts.
    static let renderers: [any ReportRenderer] = [
        SARIFRenderer(), SARIFRenderer(maxResults: 3), HTMLRenderer(), HTMLRenderer(rowsPerGroup: 2, maxRows: 5),
        MarkdownRenderer(), MarkdownRenderer(locationsPerGroup: 1), CycloneDXRenderer(spec: .v1_7),
    ]

    @Test("every renderer of an assessed scan, streamed, equals the in-memory rendering", arguments: renderers.indices)
    func sameBytes(_ number: Int) throws {
        let renderer = Self.renderers[number]
        let (_, store, scanID) = try Fixtures.assessedResult.get()
        let whole = try ReportUseCase.input(storePath: store, scanID: scanID)
        let assessment = try #require(whole.assessment)
        #expect(whole.findingSource == nil && whole.judgedSource == nil && assessment.findings.count > 50)
        #expect(assessment.findings.contains { $0.verdict.state != .allowed })
        let streamed = try ReportUseCase.input(storePath: store, scanID: scanID, streamingFor: renderer)
        #expect(streamed.findings.isEmpty && streamed.findingSource != nil && streamed.judgedSource != nil)
        #expect(streamed.assessment?.findings.isEmpty == true)
        // The systems too are read from the store as the renderer walks them.
        #expect(streamed.assessment?.systems.isEmpty == true && assessment.systems.count > 5)
        #expect(streamed.systemSource?.count == assessment.systems.count)
        let expected = try renderer.render(whole, context: Fixtures.context)
        let actual = try ReportOutput.collect { try renderer.write(streamed, context: Fixtures.context, to: $0) }
        #expect(actual == expected, "\(renderer.format.rawValue): the streamed report differs")
    }

    @Test("pairs made a run at a time are the pairs made from every finding, duplicates and unjudged included")
    func pairsByRun() throws {
        // Two findings alike at one place (another asset, so another identity), judged in the opposite order.
        var findings: [Finding] = []
        for (path, line) in [("b.conf", 2), ("a.conf", 1), ("a.conf", 1), ("a.conf", 4), ("c.conf", 1)]
            as [(String, Int)]
        {
            findings.append(
                Finding(
                    path: ScanPath(path), line: line, source: .nginx, setting: "ssl_ciphers", usage: .cipherSuite,
                    algorithm: "ECDHE-RSA", quantumStatus: .vulnerable, asset: "asset-\(findings.count)"))
        }
        // The store's order: path bytes, then line, then recording order.
        let store = findings.enumerated().sorted {
            ($0.element.path.display, $0.element.line ?? 0, $0.offset) < (
                $1.element.path.display, $1.element.line ?? 0, $1.offset
            )
        }.map(\.element)
        let template = try #require(try Fixtures.assessed().assessment?.findings.first)
        var assessment = try #require(try Fixtures.assessed().assessment)
        // Risk order: store index 1, 0, 4, 2 (index 3 is not judged).
        assessment.findings = [1, 0, 4, 2].map { index in
            var judged = template
            judged.finding = FindingRef(index: index, finding: store[index])
            judged.risk.score = 100 - index
            return judged
        }
        var input = ReportInput(scan: try Fixtures.assessed().scan, findings: findings, assessment: assessment)
        var fromMemory: [String] = []
        try input.judgedFindings.walkPairs { fromMemory.append("\($0.asset ?? "") \($1.position)") }
        let judged = assessment.findings
        input.judgedSource = .storeOrdered(
            { body in
                for (index, finding) in store.enumerated() {
                    try body(
                        finding,
                        judged.enumerated().filter { $0.element.finding.index == index }.map {
                            RankedAssessment(position: $0.offset, assessment: $0.element)
                        })
                }
            }, judged: { body in for item in judged { try body(item) } })
        var streamed: [String] = []
        try input.judgedFindings.walkPairs { streamed.append("\($0.asset ?? "") \($1.position)") }
        #expect(streamed == fromMemory)
        #expect(streamed.count == 4)
    }
}
