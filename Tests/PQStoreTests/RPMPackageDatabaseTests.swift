import Foundation
import GRDB
import PQStore
import Testing

@Suite("RPMPackageDatabase: header blobs from an rpmdb.sqlite image, read in memory")
struct RPMPackageDatabaseTests {
    func image(_ setup: (Database) throws -> Void) throws -> [UInt8] {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rpmdb-\(UUID().uuidString).sqlite")
            .path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let queue = try DatabaseQueue(path: path)
        try queue.write(setup)
        try queue.close()
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    @Test("every row's blob of the Packages table comes back, in order")
    func blobs() throws {
        let rows: [[UInt8]] = [[0, 0, 0, 1, 9, 9], [1, 2, 3]]
        let bytes = try image { db in
            try db.execute(sql: "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)")
            for row in rows { try db.execute(sql: "INSERT INTO Packages (blob) VALUES (?)", arguments: [Data(row)]) }
        }
        #expect(try RPMPackageDatabase.headerBlobs(sqliteImage: bytes) == rows)
    }

    @Test("bytes that are not SQLite, or SQLite without a Packages table, are refused with a reason")
    func refused() throws {
        #expect(throws: StoreError.self) { try RPMPackageDatabase.headerBlobs(sqliteImage: Array("not sqlite".utf8)) }
        #expect(throws: StoreError.self) { try RPMPackageDatabase.headerBlobs(sqliteImage: []) }
        let other = try image { db in try db.execute(sql: "CREATE TABLE t (x)") }
        #expect(throws: StoreError.self) { try RPMPackageDatabase.headerBlobs(sqliteImage: other) }
    }
}
