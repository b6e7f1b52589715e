import Foundation
import GRDB
import PQModel
import Testing

@testable import PQStore

@Suite("A scan killed half-way leaves earlier scans intact and itself incomplete")
struct InterruptedScanTests {
    /// Scan 1 finished complete; scan 2 has one committed batch.
    private func twoScans(_ store: InventoryStore) throws -> (complete: Int64, running: Int64) {
        let first = try Sample.begin(store)
        try store.record(
            scanID: first,
            batch: ScanBatch(
                files: [Sample.file("a"), Sample.file("b")],
                output: ScanOutput(
                    findings: [Sample.finding("a"), Sample.finding("b", status: .broken)], assets: [Sample.key])))
        let firstCounts = try store.counts(scanID: first)
        try store.finishScan(scanID: first, finishedAt: Sample.finished, counts: firstCounts, complete: true)
        let second = try Sample.begin(store)
        try store.record(
            scanID: second,
            batch: ScanBatch(files: [Sample.file("c")], output: ScanOutput(findings: [Sample.finding("c")])))
        return (first, second)
    }

    private func expectSurvivors(_ store: InventoryStore, complete: Int64, running: Int64) throws {
        let scans = try store.scans()
        #expect(scans.map(\.id) == [complete, running])
        #expect(scans.map(\.status) == [.complete, .incomplete])
        #expect(scans.last?.finishedAt == nil)
        #expect(try store.findings(FindingQuery(scanID: complete)).map(\.path.display) == ["a", "b"])
        #expect(try store.assets(scanID: complete) == [Sample.key])
        #expect(try store.findings(FindingQuery(scanID: running)).map(\.path.display) == ["c"])
        #expect(
            scans.last?.counts
                == ScanCounts(
                    filesExamined: 1, filesWithFindings: 1, findings: 1, assets: 0, diagnostics: 0,
                    byStatus: ["vulnerable": 1]))
        #expect(try store.latestCompleteScanID() == complete)
    }

    @Test("a store dropped before its scan finished reopens with that scan incomplete")
    func droppedStore() throws {
        try Sample.withTemporaryStorePath { path in
            var ids: (complete: Int64, running: Int64)
            do {
                let store = try InventoryStore(path: path)
                ids = try twoScans(store)
            }
            let reopened = try InventoryStore(path: path)
            try expectSurvivors(reopened, complete: ids.complete, running: ids.running)
        }
    }

    /// Copies the database and its WAL while a batch's transaction is open and has spilled pages into the WAL:
    /// exactly the files a SIGKILL or power cut at that moment leaves behind.
    @Test("the files left by a crash in the middle of a batch hold every committed batch and nothing else")
    func crashMidBatch() throws {
        try Sample.withTemporaryStorePath { path in
            let store = try InventoryStore(path: path)
            let ids = try twoScans(store)
            let crashPath = path + ".crash"
            var batch = ScanBatch(files: (0..<200).map { Sample.file("late/\($0)") })
            batch.output.findings = (0..<20_000).map { Sample.finding("late/\($0 % 200)", line: $0 + 1) }
            try store.sqliteWriter!.writeWithoutTransaction { db in
                // A tiny page cache makes SQLite spill the uncommitted batch into the WAL before the crash.
                try db.execute(sql: "PRAGMA cache_size = -64")
                try db.inTransaction {
                    try BatchWriter(db: db, scanID: ids.running).write(batch)
                    let manager = FileManager.default
                    for suffix in ["", "-wal"] where manager.fileExists(atPath: path + suffix) {
                        try manager.copyItem(atPath: path + suffix, toPath: crashPath + suffix)
                    }
                    return .rollback
                }
            }
            let walSize = try FileManager.default.attributesOfItem(atPath: crashPath + "-wal")[.size] as? Int
            #expect((walSize ?? 0) > 100_000, "the uncommitted batch should have reached the WAL")
            let recovered = try InventoryStore(path: crashPath)
            try expectSurvivors(recovered, complete: ids.complete, running: ids.running)
            let integrity = try recovered.sqliteWriter!.read { db in
                try String.fetchOne(db, sql: "PRAGMA integrity_check")
            }
            #expect(integrity == "ok")
            let violations = try recovered.sqliteWriter!.read { db in
                try Row.fetchAll(db, sql: "PRAGMA foreign_key_check")
            }
            #expect(violations.isEmpty)
        }
    }
}
