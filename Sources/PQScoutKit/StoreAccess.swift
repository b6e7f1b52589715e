import Foundation
import PQStore

/// Opening the store and turning its errors into one-line `PQScoutError`s that name the file.
enum StoreAccess {
    static func open(_ path: String, create: Bool) throws -> InventoryStore {
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
        } catch let error as StoreError {
            // The store's reason already names the file ("cannot open store X: ...").
            throw PQScoutError(code: "store.open", kind: .input, reason: error.reason)
        } catch {
            let reason = PQScoutError.describe(error)
            throw PQScoutError(code: "store.open", kind: .input, reason: "cannot open store \(path): \(reason)")
        }
    }

    static func perform<T>(_ path: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as PQScoutError {
            throw error
        } catch {
            let reason = PQScoutError.describe(error)
            throw PQScoutError(code: "store.io", kind: .input, reason: "cannot use store \(path): \(reason)")
        }
    }
}

/// Keeps the promise that a scan never writes inside the tree it scans.
enum StoreLocation {
    static func ensureOutside(roots: [String], storePath: String) throws {
        let storeURL = URL(fileURLWithPath: storePath).standardizedFileURL
        let storeDirectory = storeURL.deletingLastPathComponent().resolvingSymlinksInPath().path
        let storeFull = storeDirectory + "/" + storeURL.lastPathComponent
        for root in roots {
            let rootPath = URL(fileURLWithPath: root).standardizedFileURL.resolvingSymlinksInPath().path
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: rootPath, isDirectory: &isDirectory), isDirectory.boolValue
            else { continue }
            let prefix = rootPath == "/" ? "/" : rootPath + "/"
            if storeFull.hasPrefix(prefix) {
                throw PQScoutError(
                    code: "scan.store-inside-root", kind: .usage,
                    reason:
                        "the store \(storePath) lies inside the scanned tree \(root), and a scan never writes there; pass --db with a path outside it"
                )
            }
        }
    }
}
