import Foundation
import PQAssessment
import PQModel
import Testing

@testable import PQReports

/// The console's coverage lines stay bounded on a hostile tree (a file gap per broken file).
@Suite("Assessment table: coverage gaps bounded")
struct CoverageTextBoundsTests {
    /// `count` broken files, each with one diagnostic.
    static func diagnostics(_ count: Int) -> [Diagnostic] {
        (0..<count).map { Diagnostic(path: ScanPath("etc/f\($0).pem"), reason: .malformed, detail: "bad \($0)") }
    }

    @Test("the console lists the other gaps first, then the first 50 files, and counts the rest")
    func consoleBounded() {
        let diagnostics = Self.diagnostics(2_500)
        var scan = ScanRecord(
            id: 1, roots: ["."], host: "h", toolVersion: "t", startedAt: .init(timeIntervalSince1970: 0),
            finishedAt: nil, status: .complete, counts: ScanCounts())
        scan.status = .incomplete
        let coverage = CoverageAnalyzer.analyze(
            scan: scan, findings: [], diagnostics: diagnostics, software: [], scannedSources: nil)
        let text = AssessmentText.coverage(coverage)
        let lines = text.split(separator: "\n").map(String.init)
        let gapLines = lines.filter { $0.hasPrefix("  not evaluated — ") }
        let others = coverage.gaps.filter { $0.kind != "file" }.count
        #expect(gapLines.count == others + AssessmentText.defaultLimit)
        #expect(gapLines.prefix(others).contains { $0.contains("scan scan 1: the scan is incomplete") })
        #expect(gapLines.prefix(others).allSatisfy { !$0.hasPrefix("  not evaluated — file ") })
        let more = coverage.gaps.count - others - AssessmentText.defaultLimit + coverage.gapsLeftOut
        #expect(more == 2_450)
        #expect(
            lines.last
                == "  ... and \(more) more files not evaluated (pqscout inventory --format json lists every diagnostic)"
        )
    }
}
