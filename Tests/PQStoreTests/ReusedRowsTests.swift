import Foundation
import PQModel
import Testing

@testable import PQStore

/// Issue 20, point 3: a rescan's batch copies the rows of the files it reuses from the earlier scan, in SQL, and the
/// scan it records equals one whose batches wrote every row themselves.
@Suite("Reused rows are copied where a full scan writes them")
struct ReusedRowsTests {
    @Test("own rows and copied spans are numbered in the batch's order; spans that continue each other merge")
    func ordinalPlan() {
        var plan = OrdinalPlan(
            first: 10,
            spans: [
                ReusedRows.Span(at: 0, first: 100, count: 2),
                ReusedRows.Span(at: 0, first: 102, count: 3),  // continues the first: one copy
                ReusedRows.Span(at: 1, first: 0, count: 0),  // nothing to copy
                ReusedRows.Span(at: 1, first: 200, count: 1),
                ReusedRows.Span(at: 2, first: 7, count: 4),  // after the last own row
            ])
        #expect(plan.ordinal(at: 0) == 15)
        #expect(plan.ordinal(at: 1) == 17)
        #expect(
            plan.copies() == [
                OrdinalPlan.Copy(first: 100, count: 5, target: 10), OrdinalPlan.Copy(first: 200, count: 1, target: 16),
                OrdinalPlan.Copy(first: 7, count: 4, target: 18),
            ])
    }

    /// Three files' rows: `a` (two findings naming the certificate), `b` (one finding, one diagnostic), `c` (one
    /// finding, one software record), in that order.
    static func output(bFinding: String) -> (files: [FileRecord], output: ScanOutput) {
        let files = [Sample.file("etc/a.pem"), Sample.file("etc/b.conf"), Sample.file("etc/c.conf")]
        var output = ScanOutput(
            findings: [
                Sample.finding("etc/a.pem", line: 1, algorithm: "a1", asset: Sample.certificate.id),
                Sample.finding("etc/a.pem", line: 1, algorithm: "a2", asset: Sample.certificate.id),
                Sample.finding("etc/b.conf", line: 1, algorithm: bFinding),
                Sample.finding("etc/c.conf", line: 1, algorithm: "c1"),
            ],
            diagnostics: [Diagnostic(path: ScanPath("etc/b.conf"), reason: .malformed, detail: "line 9")],
            software: [Software(name: "openssh", version: "9.6", sourcePath: ScanPath("etc/c.conf"))])
        output.assets = [Sample.certificate]
        return (files, output)
    }

    static func contents(_ store: InventoryStore, _ scanID: Int64) throws -> String {
        "\(try store.findings(FindingQuery(scanID: scanID)))\n\(try store.diagnostics(scanID: scanID))\n"
            + "\(try store.software(scanID: scanID))\n\(try store.files(scanID: scanID))\n"
            + "\(try store.assets(scanID: scanID))"
    }

    @Test(
        "a batch that scans b again and reuses a and c records what a batch writing all three records",
        arguments: StoreKind.available)
    func copiedEqualsWritten(kind: StoreKind) throws {
        let store = try kind.make()
        let (files, output) = Self.output(bFinding: "b-new")
        let earlier = try Sample.begin(store)
        try store.record(scanID: earlier, batch: ScanBatch(files: files, output: Self.output(bFinding: "b-old").output))
        let written = try Sample.begin(store)
        try store.record(scanID: written, batch: ScanBatch(files: files, output: output))

        let rescan = try Sample.begin(store)
        var reused = ReusedRows(scanID: earlier)
        reused.files = [files[0].path, files[2].path]
        reused.assets = [Sample.certificate.id]
        // a's two findings before b's own, c's after it; b's diagnostic is its own, c's software copied.
        reused.findings = [
            ReusedRows.Span(at: 0, first: 0, count: 2), ReusedRows.Span(at: 1, first: 3, count: 1),
        ]
        reused.software = [ReusedRows.Span(at: 0, first: 0, count: 1)]
        var batch = ScanBatch(
            files: [files[1]],
            output: ScanOutput(
                findings: [output.findings[2]], diagnostics: output.diagnostics, software: []))
        batch.reused = reused
        try store.record(scanID: rescan, batch: batch)

        #expect(try Self.contents(store, rescan) == Self.contents(store, written))
        #expect(try store.counts(scanID: rescan) == store.counts(scanID: written))
        #expect(try Self.contents(store, rescan) != Self.contents(store, earlier))
    }

    @Test(
        "a copy that finds fewer rows than the state promised is refused, not recorded short",
        arguments: StoreKind.available)
    func shortCopy(kind: StoreKind) throws {
        let store = try kind.make()
        let (files, output) = Self.output(bFinding: "b")
        let earlier = try Sample.begin(store)
        try store.record(scanID: earlier, batch: ScanBatch(files: files, output: output))
        let rescan = try Sample.begin(store)
        var reused = ReusedRows(scanID: earlier)
        reused.files = files.map(\.path)
        reused.assets = [Sample.certificate.id]
        reused.findings = [ReusedRows.Span(at: 0, first: 2, count: 5)]
        var batch = ScanBatch()
        batch.reused = reused
        #expect(throws: StoreError.self) { try store.record(scanID: rescan, batch: batch) }
        #expect(try store.findings(FindingQuery(scanID: rescan)).isEmpty)
    }
}
