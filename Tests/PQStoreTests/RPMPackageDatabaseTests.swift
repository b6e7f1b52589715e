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

    /// Issue 21 item 3: a 4 KB database whose `Packages` loops forever (a recursive view), or grows without end
    /// (`randomblob`), or hides work in a trigger or generated column: each refused with a reason within 10 s.
    static let hostileSchemas: [String] = [
        """
        CREATE VIEW Packages AS WITH RECURSIVE r(hnum, blob) AS (SELECT 1, x'00' UNION ALL SELECT hnum + 1, blob
        FROM r) SELECT hnum, blob FROM r
        """,
        """
        CREATE VIEW Packages AS WITH RECURSIVE r(hnum, blob) AS (SELECT 1, randomblob(1000000) UNION ALL
        SELECT hnum + 1, randomblob(1000000) FROM r) SELECT hnum, blob FROM r
        """,
        """
        CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, blob BLOB NOT NULL);
        CREATE TABLE log (x); CREATE TRIGGER t AFTER INSERT ON Packages BEGIN INSERT INTO log VALUES (1); END
        """,
        """
        CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, seed BLOB, blob BLOB AS (zeroblob(1000000000)) VIRTUAL);
        INSERT INTO Packages (seed) VALUES (1)
        """,
    ]

    @Test("a database whose schema loops, grows or runs code is refused within 10 s", arguments: hostileSchemas)
    func hostileSchema(_ sql: String) throws {
        let bytes = try image { db in try db.execute(sql: sql) }
        #expect(bytes.count <= 16 << 10)
        let clock = ContinuousClock()
        let started = clock.now
        do {
            _ = try RPMPackageDatabase.headerBlobs(sqliteImage: bytes)
            Issue.record("accepted: \(sql)")
        } catch {
            #expect(error.reason.contains("not read") || error.reason.contains("not an rpm"), "\(error.reason)")
        }
        #expect(clock.now - started < .seconds(10))
    }
}
