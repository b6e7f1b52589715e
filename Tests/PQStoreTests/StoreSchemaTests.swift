import Foundation
import GRDB
import PQModel
import Testing

@testable import PQStore

@Suite("The store's schema: migrations, refusals and constraints")
struct StoreSchemaTests {
    @Test("a new store file is in WAL mode with the current schema number and PQScout's application id")
    func newStore() throws {
        try Sample.withTemporaryStorePath { path in
            let store = try InventoryStore(path: path)
            let (mode, userVersion, applicationID) = try store.sqliteWriter!.read { db in
                (
                    try String.fetchOne(db, sql: "PRAGMA journal_mode"),
                    try Int.fetchOne(db, sql: "PRAGMA user_version"),
                    try Int32.fetchOne(db, sql: "PRAGMA application_id")
                )
            }
            #expect(mode == "wal")
            #expect(userVersion == InventoryStore.schemaVersion)
            #expect(applicationID == StoreSchema.applicationID)
            #expect(try Sample.int(store, "PRAGMA foreign_keys") == 1)
        }
    }

    @Test("a new store has 16 KiB pages; a store made with 4 KiB keeps them, and takes a scan as before")
    func pageSize() throws {
        try Sample.withTemporaryStorePath { path in
            let store = try InventoryStore(path: path)
            #expect(try Sample.int(store, "PRAGMA page_size") == 16384)
        }
        try Sample.withTemporaryStorePath { path in
            do {
                // What an earlier PQScout made: SQLite's default page size, every migration applied.
                let queue = try DatabaseQueue(path: path)
                try StoreSchema.migrator().migrate(queue)
                #expect(try queue.read { db in try Int.fetchOne(db, sql: "PRAGMA page_size") } == 4096)
            }
            let store = try InventoryStore(path: path)
            let id = try Sample.begin(store)
            try store.record(
                scanID: id,
                batch: ScanBatch(
                    files: [Sample.file("etc/ssh/sshd_config")],
                    output: ScanOutput(findings: [Sample.finding("etc/ssh/sshd_config", line: 3)])))
            try store.finishScan(scanID: id, finishedAt: Sample.started, counts: ScanCounts(), complete: true)
            #expect(try Sample.int(store, "PRAGMA page_size") == 4096)
            #expect(try Sample.int(store, "SELECT count(*) FROM findings WHERE scan_id = ?", [id]) == 1)
        }
    }

    @Test(
        "opening a store left at an older migration applies the rest and keeps its rows",
        arguments: 0...StoreSchema.migrations.count)
    func migratesOlderStores(appliedBefore: Int) throws {
        try Sample.withTemporaryStorePath { path in
            do {
                let queue = try DatabaseQueue(path: path)
                try StoreSchema.migrator(upTo: appliedBefore).migrate(queue)
                if appliedBefore > 0 {
                    // v1 rows, written by hand as the oldest PQScout would have.
                    try queue.write { db in
                        try db.execute(
                            sql: """
                                INSERT INTO scans (id, roots, host, tool_version, started_at, status)
                                VALUES (7, '["/etc"]', 'old-host', '0.0.1', '2025-01-01 00:00:00.000', 'incomplete')
                                """)
                    }
                }
            }
            let store = try InventoryStore(path: path)
            let applied = try store.sqliteWriter!.read { db in try StoreSchema.migrator().appliedMigrations(db) }
            #expect(applied == StoreSchema.migrations.map(\.identifier))
            #expect(try Sample.int(store, "PRAGMA user_version") == StoreSchema.version)
            if appliedBefore > 0 {
                #expect(try store.scan(id: 7)?.host == "old-host")
                #expect(try store.scan(id: 7)?.status == .incomplete)
            } else {
                #expect(try store.scans() == [])
            }
        }
    }

    @Test("a store that has applied a migration this build does not know is refused and left untouched")
    func unknownMigrationRefused() throws {
        try Sample.withTemporaryStorePath { path in
            do {
                let store = try InventoryStore(path: path)
                try Sample.execute(
                    store, "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')")
            }
            let before = try Data(contentsOf: URL(fileURLWithPath: path))
            let error = #expect(throws: StoreError.self) { try InventoryStore(path: path) }
            #expect(error?.code == StoreError.newerSchema)
            #expect(error?.reason.contains("v99-from-the-future") == true)
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        }
    }

    @Test("a store whose schema number is higher than ours is refused")
    func higherUserVersionRefused() throws {
        try Sample.withTemporaryStorePath { path in
            do {
                let store = try InventoryStore(path: path)
                try Sample.execute(store, "PRAGMA user_version = \(StoreSchema.version + 1)")
            }
            let error = #expect(throws: StoreError.self) { try InventoryStore(path: path) }
            #expect(error?.code == StoreError.newerSchema)
            #expect(error?.reason.contains("schema \(StoreSchema.version + 1)") == true)
        }
    }

    @Test("another program's SQLite database and a file that is not SQLite are refused")
    func foreignFilesRefused() throws {
        try Sample.withTemporaryStorePath { path in
            do {
                let queue = try DatabaseQueue(path: path)
                try queue.write { db in try db.execute(sql: "CREATE TABLE contacts (name TEXT)") }
            }
            let before = try Data(contentsOf: URL(fileURLWithPath: path))
            let error = #expect(throws: StoreError.self) { try InventoryStore(path: path) }
            #expect(error?.code == StoreError.notAStore)
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        }
        try Sample.withTemporaryStorePath { path in
            try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: path))
            let error = #expect(throws: StoreError.self) { try InventoryStore(path: path) }
            #expect(error?.code == StoreError.notAStore)
            #expect(error?.reason.hasPrefix("cannot open store \(path): ") == true)
        }
    }

    @Test("a store in a missing directory cannot be opened, with a one-line reason")
    func missingDirectory() throws {
        let path = "/nonexistent-\(UUID().uuidString)/pqscout.db"
        let error = #expect(throws: StoreError.self) { try InventoryStore(path: path) }
        #expect(error?.code == StoreError.cannotOpen)
        #expect(error?.reason.hasPrefix("cannot open store \(path): ") == true)
        #expect(error?.reason.contains("\n") == false)
    }

    @Test("foreign keys are enforced, and deleting a scan cascades")
    func foreignKeys() throws {
        let store = try InventoryStore.inMemory()
        let error = #expect(throws: (any Error).self) {
            try Sample.execute(
                store,
                """
                INSERT INTO files (scan_id, path, path_display, size, modified_at, sha256)
                VALUES (999, x'61', 'a', 1, '2025-01-01 00:00:00.000', '\(Sample.sha)')
                """)
        }
        #expect(StoreError.wrapping(try #require(error), context: "t").code == StoreError.constraint)
        let scanID = try Sample.begin(store)
        try store.record(
            scanID: scanID,
            batch: ScanBatch(files: [Sample.file("a")], output: ScanOutput(findings: [Sample.finding("a")])))
        let other = try Sample.begin(store)
        // A finding may not point at a file of another scan (composite foreign key).
        #expect(throws: (any Error).self) {
            try Sample.execute(
                store,
                """
                INSERT INTO findings (scan_id, file_id, ordinal, source, setting, usage, algorithm, quantum_status,
                    effective, origin)
                SELECT ?, id, 0, 'openssh', 's', 'cipher', 'a', 'broken', 1, 'file' FROM files WHERE scan_id = ?
                """, [other, scanID])
        }
        try Sample.execute(store, "DELETE FROM files WHERE scan_id = ?", [scanID])
        #expect(try Sample.int(store, "SELECT count(*) FROM findings") == 0)
    }

    @Test(
        "CHECK constraints reject values outside the closed sets",
        arguments: [
            "UPDATE scans SET status = 'done'",
            "UPDATE scans SET status = 'complete', finished_at = NULL",
            "UPDATE scans SET roots = 'not json'",
            "UPDATE files SET sha256 = 'xyz'",
            "UPDATE files SET size = -1",
            "UPDATE files SET size = 'big'",
            "UPDATE findings SET usage = 'magic'",
            "UPDATE findings SET quantum_status = 'unknown'",
            "UPDATE findings SET origin = 'guess'",
            "UPDATE findings SET effective = 2",
            "UPDATE findings SET line = 0",
            "UPDATE diagnostics SET reason = 'bad vibes'",
            "UPDATE assets SET kind = 'crystal'",
            "UPDATE keys SET is_private = 5",
        ])
    func checkConstraints(sql: String) throws {
        let store = try InventoryStore.inMemory()
        let scanID = try Sample.begin(store)
        try store.record(
            scanID: scanID,
            batch: ScanBatch(
                files: [Sample.file("a")],
                output: ScanOutput(
                    findings: [Sample.finding("a")], assets: [Sample.key],
                    diagnostics: [Diagnostic(path: ScanPath("b"), reason: .empty, detail: "")])))
        let error = #expect(throws: (any Error).self) { try Sample.execute(store, sql) }
        #expect(StoreError.wrapping(try #require(error), context: "t").code == StoreError.constraint)
    }

    /// The CHECK lists are frozen in the migration; a new model case needs a new migration. This fails until then.
    @Test("every case of every model enum the schema constrains is accepted")
    func modelEnumsFitSchema() throws {
        let store = try InventoryStore.inMemory()
        let scanID = try Sample.begin(store)
        var findings: [Finding] = []
        for usage in Usage.allCases {
            for status in QuantumStatus.allCases {
                for origin in Origin.allCases {
                    var finding = Sample.finding("a", usage: usage, status: status)
                    finding.origin = origin
                    findings.append(finding)
                }
            }
        }
        let assets = Asset.Kind.allCases.map { Asset(id: "id-\($0.rawValue)", kind: $0, algorithm: "RSA") }
        let diagnostics = Diagnostic.Reason.allCases.map { Diagnostic(path: ScanPath("d"), reason: $0, detail: "") }
        try store.record(
            scanID: scanID,
            batch: ScanBatch(
                files: [Sample.file("a")],
                output: ScanOutput(findings: findings, assets: assets, diagnostics: diagnostics)))
        #expect(try store.findings(FindingQuery(scanID: scanID)).count == findings.count)
        #expect(try store.assets(scanID: scanID).map(\.kind) == assets.map(\.kind).sorted { $0.rawValue < $1.rawValue })
        #expect(try store.diagnostics(scanID: scanID).map(\.reason) == Diagnostic.Reason.allCases)
        for status in ScanRecord.Status.allCases {
            let id = try Sample.begin(store)
            try store.finishScan(
                scanID: id, finishedAt: Sample.finished, counts: ScanCounts(), complete: status == .complete)
            #expect(try store.scan(id: id)?.status == status)
        }
    }

    @Test("Docs/store.md shows the schema the migrations build (PQSCOUT_RECORD_SNAPSHOTS=1 rewrites it)")
    func documentedSchemaIsCurrent() throws {
        let store = try InventoryStore.inMemory()
        let statements = try store.sqliteWriter!.read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT sql FROM sqlite_master
                    WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'grdb_%' ORDER BY rowid
                    """)
        }
        let generated = "```sql\n" + statements.map { $0 + ";\n" }.joined(separator: "\n") + "```\n"
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Docs/store.md")
        let page = try String(contentsOf: docs, encoding: .utf8)
        let begin = "<!-- schema:begin (generated by StoreSchemaTests; do not edit) -->\n"
        let end = "<!-- schema:end -->"
        let start = try #require(page.range(of: begin))
        let stop = try #require(page.range(of: end, range: start.upperBound..<page.endIndex))
        let documented = String(page[start.upperBound..<stop.lowerBound])
        if ProcessInfo.processInfo.environment["PQSCOUT_RECORD_SNAPSHOTS"] == "1" {
            let rewritten = String(page[..<start.upperBound]) + generated + String(page[stop.lowerBound...])
            try rewritten.write(to: docs, atomically: true, encoding: .utf8)
            Issue.record("rewrote the schema in Docs/store.md; run again without PQSCOUT_RECORD_SNAPSHOTS")
        } else {
            #expect(documented == generated, "Docs/store.md is stale: rerun with PQSCOUT_RECORD_SNAPSHOTS=1")
        }
    }
}
