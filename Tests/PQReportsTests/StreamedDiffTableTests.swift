import Foundation
import PQModel
import PQReports
import PQScoutKit
import Testing

/// `diff` made a path at a time and `inventory --format table` written from a cursor are what the whole forms
/// make.
@Suite("Streamed diff and inventory table: the same as from every finding in memory")
struct StreamedDiffTableTests {
    /// Findings over a few paths: kept, moved, changed in status, replaced in place, added, removed, alike twice.
    static let before = [
        DiffTests.finding("b", "s", "RSA", line: 3, bits: 2048), DiffTests.finding("a", "s", "RSA"),
        DiffTests.finding("a", "s", "RSA"), DiffTests.finding("c", "k", "ECDSA", asset: "old"),
        DiffTests.finding("gone", "s", "DSA"), DiffTests.finding("a", "t", "MD5", line: 9),
    ]
    static let after = [
        DiffTests.finding("a", "s", "RSA"), DiffTests.finding("b", "s", "RSA", line: 5, status: .broken, bits: 1024),
        DiffTests.finding("c", "k", "ECDSA", asset: "new"), DiffTests.finding("new", "s", "ML-DSA-65"),
        DiffTests.finding("a", "s", "RSA", line: 2), DiffTests.finding("a", "t", "MD5", line: 9),
    ]

    @Test("a diff made path by path is the diff of the whole")
    func diffByPath() throws {
        let whole = InventoryDiff.compute(from: 1, Self.before, to: 2, Self.after)
        let paths = Set((Self.before + Self.after).map(\.path)).sorted()
        let byPath = try InventoryDiff.compute(from: 1, to: 2) { body in
            for path in paths {
                try body(Self.before.filter { $0.path == path }, Self.after.filter { $0.path == path })
            }
        }
        #expect(byPath == whole)
        #expect(!whole.added.isEmpty && !whole.removed.isEmpty && !whole.changed.isEmpty && whole.unchanged > 0)
    }

    @Test("diff of two scans in a store equals the diff of their findings in memory")
    func diffOfStore() throws {
        let (_, original, first) = try Fixtures.sampleResult.get()
        let store = Fixtures.temporaryPath("diff.db")
        try FileManager.default.copyItem(atPath: original, toPath: store)
        let root = Fixtures.temporaryPath("diff-tree")
        try FileManager.default.copyItem(
            atPath: Fixtures.repositoryRoot.appendingPathComponent("sample-inventories/webfarm").path, toPath: root)
        let second = try ScanUseCase().run(ScanRequest(roots: [root], storePath: store)).id
        let outcome = try DiffUseCase.run(DiffRequest(storePath: store, fromScan: first, toScan: second))
        let before = try InventoryUseCase.document(InventoryRequest(storePath: store, scanID: first)).findings
        let after = try InventoryUseCase.document(InventoryRequest(storePath: store, scanID: second)).findings
        #expect(before.count > 50)
        #expect(outcome.diff == InventoryDiff.compute(from: first, before, to: second, after))
    }

    @Test("inventory table, streamed, equals the table of the whole document", arguments: [40, 80, 200])
    func inventoryTable(width: Int) throws {
        let request = InventoryRequest(storePath: try Fixtures.sampleResult.get().store)
        var streamed = ""
        try InventoryUseCase.streamTable(request, width: width) { streamed += $0 }
        let document = try InventoryUseCase.document(request)
        #expect(document.findings.count > 50)
        #expect(streamed == Presentation.table(document.findings, width: width))
    }
}
