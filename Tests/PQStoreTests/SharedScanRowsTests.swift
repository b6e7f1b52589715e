import Foundation
import PQModel
import Testing

@testable import PQStore

/// Issue 20, point 3: a rescan in which nothing changed shares the rows of the scan it repeats (migration
/// `v8-shared-scan-rows`) instead of copying them; every reader sees the same record under either id, and deleting
/// the scan that holds the rows never takes them from a scan that shares them.
@Suite("Scans that share an earlier scan's rows")
struct SharedScanRowsTests {
    /// A finished scan holding `ReusedRowsTests.output`'s rows.
    static func recordedScan(_ store: InventoryStore, bFinding: String = "b") throws -> Int64 {
        let (files, output) = ReusedRowsTests.output(bFinding: bFinding)
        let id = try Sample.begin(store)
        try store.record(scanID: id, batch: ScanBatch(files: files, output: output))
        try store.finishScan(
            scanID: id, finishedAt: Sample.finished, counts: store.counts(scanID: id), complete: true)
        return id
    }

    /// A finished scan recorded with the rows of `source`.
    static func sharingScan(_ store: InventoryStore, of source: Int64) throws -> Int64 {
        let id = try Sample.begin(store)
        try store.shareScanRows(from: source, to: id)
        try store.finishScan(
            scanID: id, finishedAt: Sample.finished, counts: store.counts(scanID: id), complete: true)
        return id
    }

    static func rowCount(_ store: InventoryStore, _ table: String) throws -> Int {
        try Sample.int(store, "SELECT count(*) FROM \(table)") ?? -1
    }

    @Test(
        "a sharing scan reads as the scan it repeats, through every reader, with no row copied",
        arguments: StoreKind.available)
    func readers(kind: StoreKind) throws {
        let store = try kind.make()
        let earlier = try Self.recordedScan(store)
        let counted = try ["findings", "files", "diagnostics", "software", "scan_assets"].map {
            try Self.rowCount(store, $0)
        }
        let rescan = try Self.sharingScan(store, of: earlier)

        #expect(try ReusedRowsTests.contents(store, rescan) == ReusedRowsTests.contents(store, earlier))
        #expect(try store.counts(scanID: rescan) == store.counts(scanID: earlier))
        #expect(try store.counts(scanID: rescan).findings == 4, "the record is the earlier scan's, not empty")
        #expect(try store.aliases(scanID: rescan) == store.aliases(scanID: earlier))
        #expect(try store.assetCounts(scanID: rescan) == store.assetCounts(scanID: earlier))
        var certificates: [String] = []
        try store.forEachCertificate(scanID: rescan) { certificates.append($0.id) }
        #expect(certificates == [Sample.certificate.id])
        #expect(
            try ["findings", "files", "diagnostics", "software", "scan_assets"].map { try Self.rowCount(store, $0) }
                == counted, "rows were copied")

        // A diff of the two reads every finding once for each scan: nothing changed.
        var paths = 0
        try store.forEachPathOfScans(earlier, rescan) { first, second in
            paths += 1
            #expect(first == second)
            #expect(!first.isEmpty)
        }
        #expect(paths == 3)
        // The same scan asked for twice is read once.
        var findings = 0
        try store.forEachPathOfScans(rescan, rescan) { first, second in
            #expect(first == second)
            findings += first.count
        }
        #expect(findings == 4)
    }

    @Test(
        "a scan sharing a sharing scan's rows names the scan that holds them; deleting it hands them to the oldest sharer",
        arguments: StoreKind.available)
    func deletion(kind: StoreKind) throws {
        let store = try kind.make()
        let earlier = try Self.recordedScan(store)
        let expected = try ReusedRowsTests.contents(store, earlier)
        let second = try Self.sharingScan(store, of: earlier)
        let third = try Self.sharingScan(store, of: second)
        #expect(try Sample.int(store, "SELECT rows_of FROM scans WHERE id = ?", [third]) == Int(earlier))

        // Deleting a sharer takes nothing from the others.
        let fourth = try Self.sharingScan(store, of: earlier)
        #expect(try store.deleteScan(id: fourth))
        #expect(try ReusedRowsTests.contents(store, earlier) == expected)

        #expect(try store.deleteScan(id: earlier))
        #expect(try ReusedRowsTests.contents(store, second) == expected)
        #expect(try ReusedRowsTests.contents(store, third) == expected)
        #expect(try store.counts(scanID: third).findings == 4)
        #expect(try Sample.int(store, "SELECT rows_of FROM scans WHERE id = ?", [second]) == nil)
        #expect(try Sample.int(store, "SELECT rows_of FROM scans WHERE id = ?", [third]) == Int(second))
        #expect(try Self.rowCount(store, "findings") == 4, "the rows moved once, to the oldest sharer")

        #expect(try store.deleteScan(id: second))
        #expect(try ReusedRowsTests.contents(store, third) == expected)
        #expect(try Self.rowCount(store, "findings") == 4)
        #expect(try store.deleteScan(id: third))
        #expect(try Self.rowCount(store, "findings") == 0)
        #expect(try Self.rowCount(store, "assets") == 0, "assets no scan saw any more go with the last scan")
    }

    @Test(
        "a batch reusing files of a sharing scan copies their rows from the scan that holds them",
        arguments: StoreKind.available)
    func reuseFromSharingScan(kind: StoreKind) throws {
        let store = try kind.make()
        let (files, output) = ReusedRowsTests.output(bFinding: "b-new")
        let earlier = try Self.recordedScan(store, bFinding: "b-old")
        let sharing = try Self.sharingScan(store, of: earlier)
        let written = try Sample.begin(store)
        try store.record(scanID: written, batch: ScanBatch(files: files, output: output))

        let rescan = try Sample.begin(store)
        var reused = ReusedRows(scanID: sharing)
        reused.files = [files[0].path, files[2].path]
        reused.assets = [Sample.certificate.id]
        reused.findings = [ReusedRows.Span(at: 0, first: 0, count: 2), ReusedRows.Span(at: 1, first: 3, count: 1)]
        reused.software = [ReusedRows.Span(at: 0, first: 0, count: 1)]
        var batch = ScanBatch(
            files: [files[1]],
            output: ScanOutput(findings: [output.findings[2]], diagnostics: output.diagnostics, software: []))
        batch.reused = reused
        try store.record(scanID: rescan, batch: batch)
        #expect(try ReusedRowsTests.contents(store, rescan) == ReusedRowsTests.contents(store, written))
    }

    @Test(
        "only a running scan without rows of its own shares, and only a scan that exists",
        arguments: StoreKind.available)
    func refusals(kind: StoreKind) throws {
        let store = try kind.make()
        let earlier = try Self.recordedScan(store)
        let own = try Sample.begin(store)
        let (files, output) = ReusedRowsTests.output(bFinding: "b")
        try store.record(scanID: own, batch: ScanBatch(files: [files[0]], output: ScanOutput(assets: output.assets)))
        #expect(throws: StoreError.self) { try store.shareScanRows(from: earlier, to: own) }
        #expect(try store.counts(scanID: own).filesExamined == 1, "its own rows stay its own")
        let running = try Sample.begin(store)
        #expect(throws: StoreError.self) { try store.shareScanRows(from: 999, to: running) }
        #expect(throws: StoreError.self) { try store.shareScanRows(from: running, to: earlier) }
        #expect(try store.counts(scanID: running).findings == 0)
    }
}
