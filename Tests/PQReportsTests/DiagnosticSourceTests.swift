import Foundation
import PQModel
import Testing

@testable import PQReports

/// Every report reads the diagnostics from `ReportInput.orderedDiagnostics` (a store cursor by path bytes, then
/// recording order, with the counts by reason) instead of a list of them all: the same bytes as from the list in
/// memory, the HTML asking for the rows it lists only, the others walking them once.
@Suite("Diagnostics from a cursor: the same reports, only the rows listed read")
struct DiagnosticSourceTests {
    /// The sample with `extra` diagnostics recorded out of path order, several on one path whose order the JSON
    /// (detail) and CBOM (reason, detail) reports change and the others keep.
    static func input(extra: Int) throws -> ReportInput {
        var input = try Fixtures.sample()
        input.diagnosticSource = nil
        let reasons: [Diagnostic.Reason] = [.malformed, .tooLarge, .empty, .unreadable]
        input.diagnostics = (0..<extra).map { number in
            Diagnostic(
                path: ScanPath("etc/bad/\((number * 7) % 5).pem"), reason: reasons[(number * 3) % reasons.count],
                detail: "problem \((number * 11) % 4)")
        }
        return input
    }

    final class Reads: @unchecked Sendable {
        var limits: [Int?] = []
        var rows = 0
    }

    /// `input` with its diagnostics replaced by a cursor over them in report order that records each limit it is
    /// asked for.
    static func streamed(_ input: ReportInput, reads: Reads) -> ReportInput {
        let sorted = input.diagnostics.enumerated().sorted {
            ($0.element.path, $0.offset) < ($1.element.path, $1.offset)
        }
        .map(\.element)
        var streamed = input
        streamed.diagnostics = []
        streamed.diagnosticSource = .stored(
            countsByReason: Dictionary(grouping: sorted, by: \.reason).mapValues(\.count)
        ) { limit, body in
            reads.limits.append(limit)
            for diagnostic in sorted.prefix(limit ?? sorted.count) {
                reads.rows += 1
                try body(diagnostic)
            }
        }
        return streamed
    }

    @Test(
        "every report from the cursor is the bytes made from the diagnostics in memory",
        arguments: [
            HTMLRenderer(maxRows: 3), HTMLRenderer(), MarkdownRenderer(), SARIFRenderer(), CycloneDXRenderer(),
            CycloneDXRenderer(spec: .v1_7), JSONReportRenderer(), CSVReportRenderer(),
        ] as [any ReportRenderer])
    func sameBytes(renderer: any ReportRenderer) throws {
        for extra in [0, 1, 12] {
            let input = try Self.input(extra: extra)
            let reads = Reads()
            let streamed = Self.streamed(input, reads: reads)
            let expected = try renderer.render(input, context: Fixtures.context)
            let actual = try ReportOutput.collect { try renderer.write(streamed, context: Fixtures.context, to: $0) }
            #expect(actual == expected, "\(renderer.format.rawValue), \(extra): the report from the cursor differs")
            // One walk at most: the HTML's of the rows it lists, the others' of every diagnostic (the CSV's none).
            let html = renderer as? HTMLRenderer
            let rows = renderer.format == .csv ? 0 : min(html?.maxRows ?? extra, extra)
            #expect(reads.rows == rows, "\(renderer.format.rawValue), \(extra)")
            #expect(reads.limits.count <= 1 && reads.limits.allSatisfy { $0 == html?.maxRows })
        }
    }

    @Test("the diagnostics from the cursor make the inventory incomplete, and their counts are the list's")
    func incompleteAndCounts() throws {
        let input = try Self.input(extra: 12)
        let streamed = Self.streamed(input, reads: Reads())
        #expect(streamed.diagnostics.isEmpty && streamed.isIncomplete)
        #expect(streamed.orderedDiagnostics.count == 12)
        #expect(streamed.orderedDiagnostics.countsByReason == input.orderedDiagnostics.countsByReason)
        var walked: [Diagnostic] = []
        try input.orderedDiagnostics.walk { walked.append($0) }
        #expect(walked.map(\.path) == input.diagnostics.map(\.path).sorted())
    }
}

extension DiagnosticSourceTests {
    @Test(
        "one path's diagnostics keep each report's order: JSON by detail, CBOM by reason and detail, SARIF as recorded")
    func orderWithinPath() throws {
        let input = Self.streamed(try Self.input(extra: 12), reads: Reads())
        let recorded = try Self.input(extra: 12).diagnostics
        func byPath(_ then: (Diagnostic, Diagnostic) -> Bool) -> [Diagnostic] {
            recorded.enumerated().sorted { a, b in
                if a.element.path != b.element.path { return a.element.path < b.element.path }
                if then(a.element, b.element) { return true }
                if then(b.element, a.element) { return false }
                return a.offset < b.offset
            }.map(\.element)
        }

        let json = try InventoryJSON.parse(JSONReportRenderer().render(input, context: Fixtures.context))
        #expect(json.diagnostics == byPath { $0.detail < $1.detail })

        let cbom = try CycloneDXRenderer().document(input, context: Fixtures.context)
        let properties = (cbom["metadata"]?["properties"]?.arrayValue ?? [])
            .filter { $0["name"]?.stringValue == "pqscout:diagnostic" }.compactMap { $0["value"]?.stringValue }
        let expected = byPath { ($0.reason.rawValue, $0.detail) < ($1.reason.rawValue, $1.detail) }
        #expect(properties.count == 12)
        for (value, diagnostic) in zip(properties, expected) {
            #expect(value.contains(diagnostic.reason.rawValue) && value.contains(diagnostic.detail))
        }

        let sarif = try SARIFRenderer().document(input, context: Fixtures.context)
        let notifications =
            (sarif["runs"]?.arrayValue.first?["invocations"]?.arrayValue.first?[
                "toolExecutionNotifications"]?.arrayValue ?? []).compactMap { $0["message"]?["text"]?.stringValue }
        #expect(notifications == byPath { _, _ in false }.map { "\($0.reason.rawValue): \($0.detail)" })
    }
}
