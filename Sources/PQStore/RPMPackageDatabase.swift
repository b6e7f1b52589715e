import Foundation
import GRDBSQLite

/// Reads the package headers out of an rpm database (`var/lib/rpm/rpmdb.sqlite`, rpm >= 4.16) for the
/// installed-software reader, which may not run SQL itself (ARCHITECTURE.md: SQL lives only in PQStore).
///
/// The database is read from an in-memory copy (`sqlite3_deserialize`, read-only), never by opening the file in
/// the scanned tree: opening it would let SQLite create `-shm`/`-wal` files there, and a scan never writes inside
/// the tree it scans. Rows still only in an `-wal` file are therefore not seen.
public enum RPMPackageDatabase {
    /// The `blob` column of every row of the `Packages` table: each an rpm header (index count, data length,
    /// index entries, data), as rpm's sqlite backend stores it.
    /// - Throws: `StoreError` (`store.not-a-store`) when the bytes are not an SQLite database with that table.
    public static func headerBlobs(sqliteImage bytes: [UInt8]) throws(StoreError) -> [[UInt8]] {
        var handle: OpaquePointer?
        guard sqlite3_open_v2(":memory:", &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_MEMORY, nil) == SQLITE_OK,
            let db = handle
        else {
            sqlite3_close(handle)
            throw StoreError(code: StoreError.sqlite, reason: "cannot open an in-memory database for the rpm database")
        }
        defer { sqlite3_close(db) }
        guard !bytes.isEmpty, let image = sqlite3_malloc64(sqlite3_uint64(bytes.count)) else {
            throw StoreError(code: StoreError.notAStore, reason: "the rpm database is empty")
        }
        bytes.withUnsafeBytes { source in
            if let base = source.baseAddress { image.copyMemory(from: base, byteCount: bytes.count) }
        }
        let flags = UInt32(SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_READONLY)
        guard
            sqlite3_deserialize(
                db, "main", image.assumingMemoryBound(to: UInt8.self), sqlite3_int64(bytes.count),
                sqlite3_int64(bytes.count), flags) == SQLITE_OK
        else {
            throw StoreError(code: StoreError.notAStore, reason: "not an SQLite rpm database")
        }
        try RPMReadLimits.apply(to: db)
        try refuseExecutableSchema(db)
        var budget = RPMReadLimits.Budget()
        let blobs = try withUnsafeMutablePointer(to: &budget) { pointer throws(StoreError) -> [[UInt8]] in
            // Every `progressInterval` virtual-machine steps SQLite calls back; a non-zero answer interrupts the
            // statement. The schema check above refuses the known loops; this bounds whatever is left.
            sqlite3_progress_handler(
                db, RPMReadLimits.progressInterval,
                { context in
                    guard let budget = context?.assumingMemoryBound(to: RPMReadLimits.Budget.self) else { return 1 }
                    budget.pointee.steps += 1
                    return budget.pointee.exhausted ? 1 : 0
                }, pointer)
            defer { sqlite3_progress_handler(db, 0, nil, nil) }
            return try packageBlobs(db, budget: pointer)
        }
        return blobs
    }

    /// Refuses a database whose schema could run code or loop when `Packages` is read: a view (a recursive view
    /// never ends), a trigger, a virtual table, or generated columns in `Packages`. rpm itself creates none.
    static func refuseExecutableSchema(_ db: OpaquePointer) throws(StoreError) {
        var statement: OpaquePointer?
        let query = """
            SELECT type, name FROM sqlite_schema
            WHERE type IN ('view', 'trigger') OR (type = 'table' AND sql LIKE 'CREATE VIRTUAL%')
            UNION ALL SELECT 'generated column', name FROM pragma_table_xinfo('Packages') WHERE hidden <> 0
            """
        guard sqlite3_prepare_v2(db, query, -1, &statement, nil) == SQLITE_OK else {
            sqlite3_finalize(statement)
            throw StoreError(
                code: StoreError.notAStore, reason: "not an rpm database: " + String(cString: sqlite3_errmsg(db)))
        }
        defer { sqlite3_finalize(statement) }
        switch sqlite3_step(statement) {
        case SQLITE_DONE:
            return
        case SQLITE_ROW:
            let kind = sqlite3_column_text(statement, 0).map { String(cString: $0) } ?? "object"
            let name = sqlite3_column_text(statement, 1).map { String(cString: $0) } ?? "?"
            throw StoreError(
                code: StoreError.notAStore,
                reason: "not read: the rpm database holds a \(kind) (\(name)), which rpm never creates and which could "
                    + "run without end")
        default:
            throw StoreError(
                code: StoreError.notAStore, reason: "not an rpm database: " + String(cString: sqlite3_errmsg(db)))
        }
    }

    static func packageBlobs(
        _ db: OpaquePointer, budget: UnsafeMutablePointer<RPMReadLimits.Budget>
    ) throws(StoreError) -> [[UInt8]] {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db, "SELECT blob FROM Packages", -1, &statement, nil) == SQLITE_OK else {
            sqlite3_finalize(statement)
            throw StoreError(
                code: StoreError.notAStore,
                reason: "not an rpm database: " + String(cString: sqlite3_errmsg(db)))
        }
        defer { sqlite3_finalize(statement) }
        var blobs: [[UInt8]] = []
        while true {
            let step = sqlite3_step(statement)
            if step == SQLITE_DONE { break }
            guard step == SQLITE_ROW else {
                if budget.pointee.exhausted {
                    throw StoreError(
                        code: StoreError.corrupt,
                        reason: "rpm database: stopped after \(RPMReadLimits.maximumSeconds) s of work "
                            + "(budget exceeded)")
                }
                throw StoreError(
                    code: StoreError.corrupt, reason: "rpm database: " + String(cString: sqlite3_errmsg(db)))
            }
            let length = Int(sqlite3_column_bytes(statement, 0))
            budget.pointee.rows += 1
            budget.pointee.bytes += length
            guard budget.pointee.rows <= RPMReadLimits.maximumRows, budget.pointee.bytes <= RPMReadLimits.maximumBytes
            else {
                throw StoreError(
                    code: StoreError.corrupt,
                    reason: "rpm database: more than \(RPMReadLimits.maximumRows) packages or "
                        + "\(RPMReadLimits.maximumBytes >> 20) MiB of headers (budget exceeded)")
            }
            if let pointer = sqlite3_column_blob(statement, 0), length > 0 {
                blobs.append(Array(UnsafeRawBufferPointer(start: pointer, count: length)))
            }
        }
        return blobs
    }
}

/// The budgets an rpm database from the scanned tree is read under (Docs/limits.md). The file is untrusted: its
/// schema is SQL that SQLite runs.
enum RPMReadLimits {
    /// A distribution has a few thousand packages; Fedora's full install is under 10,000.
    static let maximumRows = 200_000
    /// Header blobs together; a large installed system's rpmdb.sqlite is near 100 MiB.
    static let maximumBytes = 512 << 20
    /// Largest single string or blob SQLite may build while reading (`SQLITE_LIMIT_LENGTH`).
    static let maximumValueBytes: Int32 = 64 << 20
    /// Wall-clock time the query may take.
    static let maximumSeconds = 10.0
    /// Virtual-machine steps between two progress callbacks.
    static let progressInterval: Int32 = 10_000

    struct Budget {
        let deadline = Date().addingTimeInterval(RPMReadLimits.maximumSeconds)
        var steps = 0
        var rows = 0
        var bytes = 0
        var exhausted: Bool { bytes > RPMReadLimits.maximumBytes || Date() > deadline }
    }

    /// `trusted_schema=OFF` keeps functions with side effects out of anything the schema defines; the length and
    /// depth limits cap what one expression can build.
    static func apply(to db: OpaquePointer) throws(StoreError) {
        sqlite3_limit(db, SQLITE_LIMIT_LENGTH, maximumValueBytes)
        sqlite3_limit(db, SQLITE_LIMIT_EXPR_DEPTH, 100)
        sqlite3_limit(db, SQLITE_LIMIT_COMPOUND_SELECT, 50)
        sqlite3_limit(db, SQLITE_LIMIT_SQL_LENGTH, 1 << 20)
        guard sqlite3_exec(db, "PRAGMA trusted_schema = OFF", nil, nil, nil) == SQLITE_OK else {
            throw StoreError(code: StoreError.sqlite, reason: "cannot set trusted_schema=OFF for the rpm database")
        }
    }
}
