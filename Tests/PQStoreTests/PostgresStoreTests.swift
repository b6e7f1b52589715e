import Foundation
import PQModel
import PQTestSupport
import Testing

@testable import PQStore

/// What only the PostgreSQL backend has to prove: its schema keeps SQLite's migrations, it refuses what SQLite
/// refuses, and many scans write one database at once. The backend-neutral contract is in `InventoryStoreTests`
/// and `AssessmentStoreTests`, which run on both backends.
@Suite("The PostgreSQL store")
struct PostgresStoreTests {
    static var enabled: Bool { StoreKind.available.contains(.postgres) }

    @Test("the PostgreSQL migrations are SQLite's, identifier for identifier")
    func migrationsMirrored() {
        #expect(PostgresSchema.migrations.map(\.identifier) == StoreSchema.migrations.map(\.identifier))
    }

    @Test("a URL is read as libpq reads it, and a bad one is one clear line that keeps the password out")
    func urls() throws {
        let url = try PostgresURL("postgresql://scan:s3cret@db.example:6543/fleet", environment: [:])
        #expect(url.user == "scan" && url.password == "s3cret" && url.host == "db.example" && url.port == 6543)
        #expect(url.database == "fleet" && url.label == "postgresql://scan@db.example:6543/fleet")
        let fromEnvironment = try PostgresURL("postgres://scan@db/fleet", environment: ["PGPASSWORD": "p"])
        #expect(fromEnvironment.password == "p" && fromEnvironment.port == 5432)
        let socket = try PostgresURL("postgresql://scan@/fleet?host=/run/postgresql", environment: [:])
        #expect(socket.socketDirectory == "/run/postgresql")
        for bad in [
            "postgresql://db.example/fleet", "postgresql://scan:pw@db.example/",
            "postgresql://scan@db/fleet?sslmode=require",
            // Not parsable as a URL at all (a space): the part that may hold the password is still left out.
            "postgresql://scan:pw@db example/fleet",
        ] {
            let error = #expect(throws: StoreError.self) { try PostgresURL(bad, environment: [:]) }
            #expect(error?.code == StoreError.badURL)
            #expect(error?.reason.contains("pw") == false)
            #expect(error?.reason.contains("\n") == false)
        }
    }

    @Test("a server that does not answer is store.cannot-open, in one line", .enabled(if: enabled))
    func unreachable() throws {
        let error = #expect(throws: StoreError.self) {
            try InventoryStore(postgresURL: "postgresql://nobody@127.0.0.1:1/none")
        }
        #expect(error?.code == StoreError.cannotOpen)
        #expect(error?.reason.hasPrefix("cannot open store postgresql://nobody@127.0.0.1:1/none") == true)
        #expect(error?.reason.contains("\n") == false)
    }

    @Test("a database with a migration this build does not know is refused and left alone", .enabled(if: enabled))
    func newerSchemaRefused() throws {
        let url = try StoreKind.freshURL()
        _ = try InventoryStore(postgresURL: url)
        try PostgresTestServer.shared?.execute(
            "INSERT INTO pqscout_migrations (identifier) VALUES ('v99-from-the-future')", in: url)
        let error = #expect(throws: StoreError.self) { try InventoryStore(postgresURL: url) }
        #expect(error?.code == StoreError.newerSchema)
        #expect(error?.reason.contains("v99-from-the-future") == true)
    }

    @Test("a database another program filled is refused", .enabled(if: enabled))
    func foreignDatabaseRefused() throws {
        let url = try StoreKind.freshURL()
        try PostgresTestServer.shared?.execute("CREATE TABLE invoices (id integer)", in: url)
        let error = #expect(throws: StoreError.self) { try InventoryStore(postgresURL: url) }
        #expect(error?.code == StoreError.notAStore)
    }

    @Test(
        "a database left at an older migration is brought up to date and keeps its scans and findings",
        .enabled(if: enabled), arguments: 1..<PostgresSchema.migrations.count)
    func migratesOlderDatabases(appliedBefore: Int) throws {
        let url = try StoreKind.freshURL()
        let server = try #require(PostgresTestServer.shared)
        // The database as an older PQScout left it: its migrations, and v1 rows written by hand.
        var script = """
            CREATE TABLE \(PostgresSchema.migrationsTable) (
                identifier TEXT NOT NULL PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now());

            """
        for migration in PostgresSchema.migrations.prefix(appliedBefore) {
            script += migration.sql + "\n"
            script += "INSERT INTO \(PostgresSchema.migrationsTable) (identifier) VALUES ('\(migration.identifier)');\n"
        }
        script += """
            INSERT INTO scans (id, roots, host, tool_version, started_at, finished_at, status, files_examined,
                files_with_findings, findings)
            VALUES (7, '["/etc"]', 'old-host', '0.0.1', '2025-01-01 00:00:00.000', '2025-01-01 00:01:00.000',
                'complete', 1, 1, 1);
            INSERT INTO files (id, scan_id, path, path_display, size, modified_at, sha256)
            VALUES (70, 7, convert_to('/etc/ssh/sshd_config', 'UTF8'), '/etc/ssh/sshd_config', 10,
                '2025-01-01 00:00:00.000', '\(String(repeating: "ab", count: 32))');
            INSERT INTO findings (scan_id, ordinal, file_id, line, source, setting, usage, algorithm, quantum_status,
                effective, origin)
            VALUES (7, 0, 70, 3, 'openssh', 'KexAlgorithms', 'key-exchange', 'curve25519-sha256', 'vulnerable', 1,
                'file');
            """
        try server.execute(script, in: url)

        let store = try InventoryStore(postgresURL: url)
        // Identifiers are unique and the opener refuses unknown ones: the count says every migration is applied.
        #expect(try Sample.int(store, "SELECT count(*) FROM pqscout_migrations") == PostgresSchema.migrations.count)
        let scan = try #require(try store.scan(id: 7))
        #expect(scan.host == "old-host" && scan.status == .complete && scan.kind == .scan)
        let findings = try store.findings(FindingQuery(scanID: 7))
        #expect(findings.map(\.algorithm) == ["curve25519-sha256"])
        #expect(findings.first?.path == ScanPath("/etc/ssh/sshd_config"))
        #expect(try store.counts(scanID: 7).findings == 1)
        // The migrated database takes new scans beside the old one.
        let next = try Sample.begin(store)
        #expect(next != 7)
        #expect(Set(try store.scans().map(\.id)) == [7, next])
    }

    @Test("reopening a current database applies nothing and keeps its scans", .enabled(if: enabled))
    func reopen() throws {
        let url = try StoreKind.freshURL()
        let id = try Sample.begin(try InventoryStore(postgresURL: url))
        let again = try InventoryStore(postgresURL: url)
        #expect(try again.scans().map(\.id) == [id])
        #expect(try Sample.int(again, "SELECT count(*) FROM pqscout_migrations") == StoreSchema.migrations.count)
    }

    @Test(
        "4 scans written at once into one new database are each complete, distinct and whole",
        .enabled(if: enabled))
    func concurrentScans() throws {
        let url = try StoreKind.freshURL()
        let scans = 4
        let perScan = 10_000
        // Every scan shares one asset, so their batches contend for the same `assets` row.
        let shared = Sample.key
        let ids = LockedArray<Int64>()
        let failures = LockedArray<String>()
        DispatchQueue.concurrentPerform(iterations: scans) { index in
            do {
                // Each opens the new database itself: the schema is created once under the advisory lock.
                let store = try InventoryStore(postgresURL: url)
                let id = try store.beginScan(
                    roots: ["/"], host: "host\(index)", toolVersion: "test", startedAt: Sample.started)
                var batches = InventoryStore.benchmarkBatches(count: perScan, batchSize: 2_500)
                batches[0].output.assets.append(shared)
                batches[0].output.findings[0].asset = shared.id
                for batch in batches { try store.record(scanID: id, batch: batch) }
                try store.finishScan(
                    scanID: id, finishedAt: Sample.finished, counts: try store.counts(scanID: id), complete: true)
                ids.append(id)
            } catch {
                failures.append("scan \(index): \(error)")
            }
        }
        #expect(failures.values.isEmpty, "\(failures.values)")
        let store = try InventoryStore(postgresURL: url)
        let stored = try store.scans()
        #expect(Set(stored.map(\.id)) == Set(ids.values))
        #expect(Set(stored.map(\.host)) == ["host0", "host1", "host2", "host3"])
        for scan in stored {
            #expect(scan.status == .complete)
            #expect(scan.counts.findings == perScan)
            #expect(scan.counts.filesExamined == perScan / 20)
            #expect(scan.counts.assets == 1)
            let findings = try store.findings(FindingQuery(scanID: scan.id))
            #expect(findings.count == perScan)
            #expect(try store.counts(scanID: scan.id) == scan.counts)
        }
        #expect(try Sample.int(store, "SELECT count(*) FROM assets") == 1)
        #expect(try Sample.int(store, "SELECT count(DISTINCT scan_id) FROM findings") == scans)
        #expect(try store.latestCompleteScanPerHost().map(\.host) == ["host0", "host1", "host2", "host3"])
    }
}

/// An array appended to from several threads.
final class LockedArray<Element: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Element] = []

    func append(_ element: Element) { lock.withLock { storage.append(element) } }
    var values: [Element] { lock.withLock { storage } }
}
