import Foundation
import GRDB
import PQModel

/// The SQLite backend of `InventoryStore`: every scan PQScout ran, with its files, findings, assets, diagnostics and
/// software, in one file.
///
/// Design (Docs/store.md; GRDB's "trust SQLite more than yourself"): the schema carries the rules — NOT NULL,
/// CHECK on every closed enum, foreign keys with ON DELETE CASCADE, STRICT column types — so a bug in a caller
/// becomes a refused write, never a quietly wrong inventory. The file is in WAL mode. A scan is written as batches,
/// one transaction each, and marked complete last (`finishScan`), so a scan killed half-way leaves every earlier
/// scan intact and itself listed as incomplete with the batches it committed.
///
/// Opening a store migrates an older schema forward (named, append-only migrations) and refuses one written by a
/// newer PQScout. The store never holds private key material: the model has none to give it.
///
/// One `SQLiteStore` owns one SQLite connection and serialises its calls; it is safe to share between tasks.
final class SQLiteStore: StoreBackend {
    let writer: DatabaseQueue
    /// How errors name this store: its path, or `:memory:`.
    let label: String
    let lockWaits: LockWaits

    init(writer: DatabaseQueue, label: String, lockWaits: LockWaits = LockWaits()) {
        self.writer = writer
        self.label = label
        self.lockWaits = lockWaits
    }

    /// Seconds this connection has spent waiting for another process's lock on the store (concurrent scans).
    var lockWaitSeconds: Double { lockWaits.seconds }

    /// GRDB closes the connection when the queue is released.
    func close() {}

    // MARK: - Opening

    /// Opens the store at `path`, creating it if missing and migrating it to the current schema.
    ///
    /// - Parameter path: File system path of the SQLite file (`pqscout.db`). Its directory must exist.
    /// - Throws: `StoreError` with code `store.cannot-open` (no such directory, no permission),
    ///   `store.not-a-store` (not SQLite, or another program's database), `store.newer-schema` (written by a newer
    ///   PQScout: unknown migrations applied or a higher `user_version`). A refused store is left untouched.
    convenience init(path: String) throws(StoreError) {
        let context = "cannot open store \(path)"
        var configuration = Configuration()
        // Several scans may write one store at once (4-6 CI jobs): SQLite has one writer at a time, and a fixed 5 s
        // timeout failed them with "database is locked". Back off and retry instead, for up to
        // `LockWaits.maximumSeconds`, and keep the time waited so the scan can say so.
        let lockWaits = LockWaits()
        configuration.busyMode = .callback { tries in lockWaits.shouldRetry(tries: tries) }
        configuration.prepareDatabase { db in
            // In WAL mode NORMAL keeps the file consistent after a crash; only the last commits can be lost to a
            // power failure (https://sqlite.org/pragma.html#pragma_synchronous).
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // 16 KiB pages for a store made now (an existing one keeps its own: SQLite sets the size only when it
            // creates the file, https://sqlite.org/pragma.html#pragma_page_size). A scan appends long rows (a
            // finding's note runs to 400 bytes), and with the default 4 KiB the 50k benchmark tree's scan took
            // 19.8 to 21.0 s against 17.4 to 17.7 s, with more system time (Docs/performance.md, 16 KiB pages).
            try db.execute(sql: "PRAGMA page_size = 16384")
        }
        let queue = try storeOperation(context) { try DatabaseQueue(path: path, configuration: configuration) }
        try Self.refuseForeignOrNewer(queue, context: context, path: path)
        try storeOperation(context) {
            try queue.writeWithoutTransaction { db in
                let mode = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
                guard mode?.lowercased() == "wal" else {
                    throw StoreError(
                        code: StoreError.io, reason: "\(context): cannot switch to WAL mode (\(mode ?? "?"))")
                }
            }
            try StoreSchema.migrator().migrate(queue)
        }
        self.init(writer: queue, label: path, lockWaits: lockWaits)
    }

    /// A store that lives in memory and vanishes with the object; for tests and dry runs.
    static func inMemory() throws(StoreError) -> SQLiteStore {
        let context = "cannot open in-memory store"
        let queue = try storeOperation(context) { try DatabaseQueue() }
        try storeOperation(context) { try StoreSchema.migrator().migrate(queue) }
        return SQLiteStore(writer: queue, label: ":memory:")
    }

    /// Refuses, before anything is written, a database that another program or a newer PQScout made.
    private static func refuseForeignOrNewer(_ queue: DatabaseQueue, context: String, path: String) throws(StoreError) {
        let known = Set(StoreSchema.migrations.map(\.identifier))
        try storeOperation(context) {
            try queue.read { db in
                let applicationID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
                if applicationID != 0 && applicationID != StoreSchema.applicationID {
                    throw StoreError(
                        code: StoreError.notAStore,
                        reason: "\(path) is not a PQScout store (SQLite application_id \(applicationID))")
                }
                if try db.tableExists("grdb_migrations") {
                    let applied = try String.fetchSet(db, sql: "SELECT identifier FROM grdb_migrations")
                    let unknown = applied.subtracting(known).sorted()
                    if !unknown.isEmpty {
                        throw StoreError(
                            code: StoreError.newerSchema,
                            reason: "store \(path) was written by a newer PQScout (unknown migrations: "
                                + "\(unknown.joined(separator: ", "))); upgrade PQScout or use another store")
                    }
                } else {
                    let tables = try Int.fetchOne(
                        db, sql: "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
                    if (tables ?? 0) > 0 {
                        throw StoreError(
                            code: StoreError.notAStore,
                            reason: "\(path) is an SQLite database that PQScout did not create")
                    }
                }
                let userVersion = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
                if userVersion > StoreSchema.version {
                    throw StoreError(
                        code: StoreError.newerSchema,
                        reason: "store \(path) has schema \(userVersion), newer than this PQScout's "
                            + "\(StoreSchema.version); upgrade PQScout or use another store")
                }
            }
        }
    }

    // MARK: - Scans

    /// Starts a scan: records its roots, host and tool version, status `incomplete`.
    ///
    /// - Returns: The new scan's id. Ids are never reused, even after `deleteScan`.
    func beginScan(
        roots: [String], host: String, toolVersion: String, startedAt: Date, kind: ScanRecord.Kind
    ) throws(StoreError) -> Int64 {
        try storeOperation("cannot begin a scan in \(label)") {
            try writer.write { db in
                var row = ScanRow(
                    id: nil, roots: ScanRow.json(roots), host: host, toolVersion: toolVersion, startedAt: startedAt,
                    finishedAt: nil, status: ScanRecord.Status.incomplete.rawValue, filesExamined: 0,
                    filesWithFindings: 0, findings: 0, assets: 0, diagnostics: 0, byStatus: "{}", kind: kind.rawValue)
                try row.insert(db)
                guard let id = row.id else {
                    throw StoreError(code: StoreError.sqlite, reason: "SQLite returned no id for the new scan")
                }
                return id
            }
        }
    }

    /// Writes one batch of a running scan in one transaction: files, assets (upserted by id), the scan-asset links,
    /// findings, diagnostics and software. If any row is refused, nothing of the batch is kept.
    ///
    /// Findings keep their order: each gets the next scan-wide ordinal. An asset already in the store keeps its
    /// first-seen description; a later sighting only fills in fields that were unknown (nil).
    /// - Throws: `StoreError`: `store.no-such-scan`, `store.scan-finished` (a finished scan is final),
    ///   `store.unknown-file` (a finding's path has no `FileRecord` in this scan), `store.unknown-asset` (a finding
    ///   names an asset no batch recorded), `store.constraint` (a row broke a schema rule; the reason names it).
    func record(scanID: Int64, batch: ScanBatch) throws(StoreError) {
        try storeOperation("cannot record scan \(scanID) in \(label)") {
            try writer.write { db in
                try Self.requireRunning(db, scanID: scanID)
                // A finding's text is cleaned as it is bound (`SQLiteInsert`), where it is copied anyway.
                try BatchWriter(db: db, scanID: scanID).write(batch.replacingNULs(findings: false))
            }
        }
    }

    /// Marks a scan finished, with the figures its summary shows. Call it last: until then the scan reads as
    /// incomplete. `complete: false` records a scan that stopped early (interrupted) as finished but incomplete.
    /// - Throws: `StoreError` `store.no-such-scan` or `store.scan-finished`.
    func finishScan(scanID: Int64, finishedAt: Date, counts: ScanCounts, complete: Bool) throws(StoreError) {
        try storeOperation("cannot finish scan \(scanID) in \(label)") {
            try writer.write { db in
                try Self.requireRunning(db, scanID: scanID)
                let status: ScanRecord.Status = complete ? .complete : .incomplete
                try db.execute(
                    sql: """
                        UPDATE scans SET finished_at = ?, status = ?, files_examined = ?, files_with_findings = ?,
                            findings = ?, assets = ?, diagnostics = ?, by_status = ?
                        WHERE id = ?
                        """,
                    arguments: [
                        finishedAt, status.rawValue, counts.filesExamined, counts.filesWithFindings, counts.findings,
                        counts.assets, counts.diagnostics, ScanRow.json(counts.byStatus), scanID,
                    ])
            }
        }
    }

    /// Deletes a scan and everything recorded for it (files, findings, diagnostics, software, asset links), then
    /// the assets no remaining scan saw.
    /// - Returns: false when there was no such scan.
    func deleteScan(id: Int64) throws(StoreError) -> Bool {
        try storeOperation("cannot delete scan \(id) from \(label)") {
            try writer.write { db in
                guard try Bool.fetchOne(db, sql: "SELECT 1 FROM scans WHERE id = ?", arguments: [id]) != nil else {
                    return false
                }
                try Self.handOverSharedRows(db, of: id)
                // Children before parents: each foreign key check on a parent row then finds an empty range of
                // this scan's findings instead of walking them once per file or asset.
                for table in ["findings", "diagnostics", "software", "files", "scan_assets", "path_aliases"] {
                    try db.execute(sql: "DELETE FROM \(table) WHERE scan_id = ?", arguments: [id])
                }
                try db.execute(sql: "DELETE FROM scans WHERE id = ?", arguments: [id])
                try db.execute(
                    sql: "DELETE FROM assets WHERE NOT EXISTS (SELECT 1 FROM scan_assets WHERE asset_id = assets.id)")
                return true
            }
        }
    }

    /// Throws unless `scanID` names a scan that has not been finished.
    static func requireRunning(_ db: Database, scanID: Int64) throws {
        guard
            let running = try Bool.fetchOne(
                db, sql: "SELECT finished_at IS NULL FROM scans WHERE id = ?",
                arguments: [scanID])
        else {
            throw StoreError(code: StoreError.noSuchScan, reason: "there is no scan \(scanID)")
        }
        guard running else {
            throw StoreError(code: StoreError.scanFinished, reason: "scan \(scanID) is already finished")
        }
    }
}

/// The busy handler's state: exponential backoff with jitter, and the total time waited.
final class LockWaits: @unchecked Sendable {
    // `lock` guards `waited`; SQLite may call the handler from whichever thread runs the statement.
    private let lock = NSLock()
    private var waited = 0.0
    private var started: Date?
    /// How long one operation may wait for the lock before SQLite's "database is locked" is returned.
    static let maximumSeconds = 300.0

    var seconds: Double { lock.withLock { waited } }

    /// Called by SQLite with the number of earlier tries for this lock; sleeps and answers true to retry.
    func shouldRetry(tries: Int) -> Bool {
        let now = Date()
        let since: Date = lock.withLock {
            if tries == 0 { started = now }
            return started ?? now
        }
        guard now.timeIntervalSince(since) < Self.maximumSeconds else { return false }
        // 1 ms doubling to 256 ms, with up to 50 % jitter so waiting writers do not retry in step.
        let base = 0.001 * Double(1 << min(tries, 8))
        let delay = base * (1 + Double.random(in: 0..<0.5))
        Thread.sleep(forTimeInterval: delay)
        lock.withLock { waited += delay }
        return true
    }
}
