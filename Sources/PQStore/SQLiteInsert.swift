import Foundation
import GRDB
import GRDBSQLite

/// One prepared INSERT, bound and stepped through the SQLite C API for the hot path (findings).
///
/// Why: GRDB's `StatementArguments` boxes every value in an existential and an array per row; binding directly
/// keeps the per-row cost to the SQLite calls themselves, which is what lets a scan store its findings at the
/// 200,000 rows/s it needs (ARCHITECTURE.md performance note). GRDB documents `Statement.sqliteStatement` and
/// `Database.sqliteConnection` for exactly this use. The GRDB `Statement` is kept so GRDB finalises it.
///
/// Use: `bind` every parameter in order (1-based, advancing by itself), then `step()`, which resets for the next row.
///
/// A row's text is copied into one buffer that the statement keeps, and SQLite reads it in place (`SQLITE_STATIC`)
/// while `step()` runs: bound as `SQLITE_TRANSIENT`, each string cost SQLite an allocation, a copy and a free
/// under its memory mutex, ten times per finding, on the thread every scan waits for. A NUL in that buffer is
/// stored as U+FFFD (`StoredText`); one `memchr` per row finds it.
struct SQLiteInsert {
    private let statement: Statement
    private let handle: OpaquePointer
    private let connection: OpaquePointer?
    private var next: Int32 = 1
    /// The current row's text, end to end, and where each parameter's text lies in it.
    private var text: [UInt8] = []
    private var textParameters: [(index: Int32, offset: Int, count: Int)] = []

    /// SQLite copies the bytes before the call returns (`SQLITE_TRANSIENT`, https://sqlite.org/c3ref/bind_blob.html).
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
    /// SQLite reads the bytes where they are until the parameter is bound again or cleared (`SQLITE_STATIC`).
    private static let inPlace = unsafeBitCast(OpaquePointer(bitPattern: 0), to: sqlite3_destructor_type.self)

    init(_ db: Database, sql: String) throws {
        statement = try db.makeStatement(sql: sql)
        handle = statement.sqliteStatement
        connection = db.sqliteConnection
        text.reserveCapacity(1024)
    }

    mutating func bind(_ value: Int64) {
        sqlite3_bind_int64(handle, advance(), value)
    }

    mutating func bind(_ value: Int?) {
        let index = advance()
        if let value { sqlite3_bind_int64(handle, index, Int64(value)) } else { sqlite3_bind_null(handle, index) }
    }

    mutating func bind(_ value: Bool) {
        sqlite3_bind_int64(handle, advance(), value ? 1 : 0)
    }

    mutating func bind(_ value: String?) {
        let index = advance()
        guard let value else {
            sqlite3_bind_null(handle, index)
            return
        }
        // Bound with its length, so the whole string is stored (a NUL inside included).
        let offset = text.count
        text.append(contentsOf: value.utf8)
        textParameters.append((index, offset, text.count - offset))
    }

    /// Runs the bound row, then resets and clears the bindings for the next one.
    /// - Throws: `DatabaseError` with SQLite's code and message (a constraint names its table and column).
    mutating func step() throws {
        next = 1
        let holdsNUL = text.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.map { memchr($0, 0, buffer.count) != nil } ?? false
        }
        if holdsNUL { replaceNULs() }
        let code = text.withUnsafeBufferPointer { buffer in
            for parameter in textParameters {
                if parameter.count > 0, let base = buffer.baseAddress {
                    _ = (base + parameter.offset).withMemoryRebound(to: CChar.self, capacity: parameter.count) {
                        sqlite3_bind_text(handle, parameter.index, $0, Int32(parameter.count), Self.inPlace)
                    }
                } else {
                    // An empty string stays '' (a nil pointer would bind NULL).
                    sqlite3_bind_text(handle, parameter.index, "", 0, Self.transient)
                }
            }
            let code = sqlite3_step(handle)
            sqlite3_reset(handle)
            // Cleared while the buffer is still pinned: no parameter outlives the bytes it points at.
            sqlite3_clear_bindings(handle)
            return code
        }
        text.removeAll(keepingCapacity: true)
        textParameters.removeAll(keepingCapacity: true)
        guard code == SQLITE_DONE else {
            let message = connection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
            throw DatabaseError(
                resultCode: ResultCode(rawValue: sqlite3_extended_errcode(connection)), message: message,
                sql: statement.sql)
        }
    }

    /// The row's text with each NUL as U+FFFD (`StoredText`: the store keeps no NUL), the parameters moved to match.
    private mutating func replaceNULs() {
        var cleaned: [UInt8] = []
        cleaned.reserveCapacity(text.count + 16)
        for index in textParameters.indices {
            let parameter = textParameters[index]
            let offset = cleaned.count
            for byte in text[parameter.offset..<parameter.offset + parameter.count] {
                if byte == 0 { cleaned += StoredText.replacement } else { cleaned.append(byte) }
            }
            textParameters[index] = (parameter.index, offset, cleaned.count - offset)
        }
        text = cleaned
    }

    private mutating func advance() -> Int32 {
        defer { next += 1 }
        return next
    }
}
