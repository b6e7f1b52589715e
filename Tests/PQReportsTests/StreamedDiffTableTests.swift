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
        // What `pqscout diff` prints, written as the store hands the paths over.
        for (format, whole) in [
            (InventoryDiff.Format.json, try Presentation.diffJSON(outcome)),
            (.text, try Presentation.diffText(outcome)),
        ] {
            var printed = ""
            try DiffUseCase.write(
                DiffRequest(storePath: store, fromScan: first, toScan: second), format: format, write: { printed += $0 }
            )
            #expect(printed == whole)
        }
    }

    /// The JSON contract of `diff --format json` (Docs/json-output.md): what `ReportJSONEncoder` makes of the whole
    /// document at once.
    static func wholeJSON(_ diff: InventoryDiff) throws -> String {
        struct Change: Encodable {
            var before: Finding
            var after: Finding
            var fields: [String]
        }
        struct Body: Encodable {
            var from: Int64
            var to: Int64
            var added: [Finding]
            var removed: [Finding]
            var changed: [Change]
            var unchanged: Int
        }
        let body = Body(
            from: diff.fromScan, to: diff.toScan, added: diff.added, removed: diff.removed,
            changed: diff.changed.map { Change(before: $0.before, after: $0.after, fields: $0.fields) },
            unchanged: diff.unchanged)
        return String(decoding: try ReportJSONEncoder.make().encode(body), as: UTF8.self) + "\n"
    }

    /// The diff written as its paths come, through an output that flushes every few bytes.
    static func written(_ format: InventoryDiff.Format, before: [Finding], after: [Finding]) throws -> String {
        let paths = Set((before + after).map(\.path)).sorted()
        var bytes: [UInt8] = []
        let output = ReportOutput(bufferSize: 7) { bytes += $0 }
        let totals = try InventoryDiff.write(
            from: 1, to: 2, format: format,
            paths: { body in
                for path in paths { try body(before.filter { $0.path == path }, after.filter { $0.path == path }) }
            }, to: output)
        try output.flush()
        let whole = InventoryDiff.compute(from: 1, before, to: 2, after)
        #expect(
            totals
                == InventoryDiff.Totals(
                    added: whole.added.count, removed: whole.removed.count, changed: whole.changed.count,
                    unchanged: whole.unchanged))
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test("a diff written path by path has the bytes of the whole diff's JSON document, empty lists included")
    func writtenJSON() throws {
        for (before, after) in [
            (Self.before, Self.after), (Self.before, Self.before), ([], Self.after), (Self.before, []),
        ] {
            let whole = InventoryDiff.compute(from: 1, before, to: 2, after)
            let reference = try Self.wholeJSON(whole)
            #expect(try Self.written(.json, before: before, after: after) == reference)
            #expect(try whole.json() == reference)
            _ = try JSONSerialization.jsonObject(with: Data(reference.utf8))
        }
    }

    @Test("a diff written path by path has the whole diff's text: the counts, then +, - and ~ lines")
    func writtenText() throws {
        let whole = InventoryDiff.compute(from: 1, Self.before, to: 2, Self.after)
        let text = try Self.written(.text, before: Self.before, after: Self.after)
        #expect(try whole.text() == text)
        let lines = text.split(separator: "\n")
        let header =
            "Scan 1 → scan 2: \(whole.added.count) added, \(whole.removed.count) removed, "
            + "\(whole.changed.count) changed, \(whole.unchanged) unchanged"
        #expect(lines.first.map(String.init) == header)
        let marks = lines.dropFirst().map { $0.prefix(2) }
        #expect(
            marks
                == Array(repeating: "+ ", count: whole.added.count) + Array(repeating: "- ", count: whole.removed.count)
                + Array(repeating: "~ ", count: whole.changed.count))
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
