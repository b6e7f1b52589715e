import Foundation
import PQStore

/// Opening the store and turning its errors into one-line `PQScoutError`s that name the file.
enum StoreAccess {
    /// Opens the store `--db` names: an SQLite file, or a PostgreSQL database (`postgresql://user@host/dbname`).
    static func open(_ path: String, create: Bool) throws(PQScoutError) -> InventoryStore {
        if isPostgres(path) {
            do {
                return try InventoryStore(postgresURL: path)
            } catch {
                // A malformed URL is the user's typing (64); a server that cannot be reached is an input (2).
                throw PQScoutError(
                    code: "store.open", kind: error.code == StoreError.badURL ? .usage : .input, reason: error.reason)
            }
        }
        if !create, !FileManager.default.fileExists(atPath: path) {
            throw PQScoutError(
                code: "store.missing", kind: .input,
                reason: "no inventory at \(path); run `pqscout scan PATH` first, or pass --db FILE")
        }
        // A read-only command must not turn an empty file into a store: SQLite would write a schema into it.
        if !create, let size = try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int, size == 0 {
            throw PQScoutError(
                code: "store.empty", kind: .input,
                reason: "\(path) is an empty file, not an inventory; run `pqscout scan PATH --db \(path)` first")
        }
        do {
            return try InventoryStore(path: path)
        } catch {
            // The store's reason already names the file ("cannot open store X: ...").
            throw PQScoutError(code: "store.open", kind: .input, reason: error.reason)
        }
    }

    /// True when `--db` names a PostgreSQL database rather than a file.
    static func isPostgres(_ location: String) -> Bool {
        location.hasPrefix("postgresql://") || location.hasPrefix("postgres://")
    }

    /// The store as messages name it: a URL loses its password.
    static func label(_ location: String) -> String {
        guard isPostgres(location), var components = URLComponents(string: location), components.password != nil
        else { return location }
        components.password = "***"
        return components.string ?? location
    }

    static func perform<T>(_ path: String, _ body: () throws -> T) throws(PQScoutError) -> T {
        do {
            return try body()
        } catch let error as PQScoutError {
            throw error
        } catch {
            let reason = PQScoutError.describe(error)
            throw PQScoutError(
                code: "store.io", kind: .input, reason: "cannot use store \(label(path)): \(reason)")
        }
    }
}

/// Keeps the promise that a scan never writes inside the tree it scans, except a scan of the whole running
/// system (`pqscout scan /`), where no outside exists: the store's files are then left out of the walk.
enum StoreLocation {
    /// Checks the store against the (absolute, real) roots.
    /// - Returns: the store's files (the database, its journal and WAL) to leave out of the walk; empty when the
    ///   store lies outside every root.
    /// - Throws: `scan.store-inside-root` when the store would be written inside a scanned tree other than `/`.
    static func ensureOutside(roots: [String], storePath: String) throws(PQScoutError) -> [String] {
        // A database on a server is written nowhere in the tree.
        if StoreAccess.isPostgres(storePath) { return [] }
        let storeFull = resolvedStorePath(storePath)
        var skipped: [String] = []
        for root in roots {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue
            else { continue }
            let prefix = root == "/" ? "/" : root + "/"
            guard storeFull.hasPrefix(prefix) else { continue }
            guard root == "/" else {
                throw PQScoutError(
                    code: "scan.store-inside-root", kind: .usage,
                    reason:
                        "the store \(storePath) lies inside the scanned tree \(root), and a scan never writes there; pass --db with a path outside it"
                )
            }
            skipped = ["", "-journal", "-wal", "-shm"].map { storeFull + $0 }
        }
        return skipped
    }

    /// Where the store will really be written: its directory resolved, and the file itself followed when it is a
    /// link (a `--db` link into the tree must not put the store there; issue 21), up to 40 links.
    static func resolvedStorePath(_ storePath: String) -> String {
        var url = URL(fileURLWithPath: storePath).standardizedFileURL
        for _ in 0..<40 {
            let directory = url.deletingLastPathComponent().resolvingSymlinksInPath().path
            let full = (directory == "/" ? "" : directory) + "/" + url.lastPathComponent
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: full) else { return full }
            url =
                URL(fileURLWithPath: target, relativeTo: URL(fileURLWithPath: directory, isDirectory: true))
                .standardizedFileURL
        }
        return url.path
    }
}
