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
                throw StoreError(
                    code: StoreError.corrupt, reason: "rpm database: " + String(cString: sqlite3_errmsg(db)))
            }
            let length = Int(sqlite3_column_bytes(statement, 0))
            if let pointer = sqlite3_column_blob(statement, 0), length > 0 {
                blobs.append(Array(UnsafeRawBufferPointer(start: pointer, count: length)))
            }
        }
        return blobs
    }
}
