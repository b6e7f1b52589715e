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
        do {
            return try InventoryStore(path: path)
        } catch {
            throw PQScoutError(code: "store.open", kind: .input, reason: "cannot open store \(path): \(error)")
        }
    }

    static func perform<T>(_ path: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as PQScoutError {
            throw error
        } catch {
            throw PQScoutError(code: "store.io", kind: .input, reason: "cannot use store \(path): \(error)")
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
