import Foundation
import PostgresNIO

/// Where a PostgreSQL store lives: `postgresql://user[:password]@host[:port]/dbname` (or `postgres://`), as libpq
/// spells it. A `host` query parameter naming a directory (`?host=/var/run/postgresql`) connects through the
/// server's Unix socket there instead of TCP. The password may come from `PGPASSWORD` instead of the URL.
struct PostgresURL: Sendable, Hashable {
    var user: String
    var password: String?
    var host: String
    var port: Int
    var database: String
    /// The socket directory when connecting through a Unix socket.
    var socketDirectory: String?

    /// True when `location` is a PostgreSQL URL rather than a file path.
    static func isPostgres(_ location: String) -> Bool {
        location.hasPrefix("postgresql://") || location.hasPrefix("postgres://")
    }

    /// Parses `text`; the password falls back to `environment["PGPASSWORD"]`.
    /// - Throws: `StoreError` `store.bad-url`, naming what is wrong (never echoing the password).
    init(_ text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(StoreError) {
        func bad(_ why: String) -> StoreError {
            StoreError(
                code: StoreError.badURL,
                reason:
                    "bad PostgreSQL URL \(Self.redacted(text)): \(why); expected postgresql://user@host[:port]/dbname")
        }
        guard Self.isPostgres(text), let components = URLComponents(string: text) else {
            throw bad("not a postgresql:// URL")
        }
        guard let user = components.user, !user.isEmpty else { throw bad("no user name") }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        guard !path.isEmpty, !path.contains("/") else { throw bad("no database name") }
        let socket = components.queryItems?.first { $0.name == "host" }?.value
        if let socket, !socket.hasPrefix("/") { throw bad("the host parameter must be a socket directory") }
        let host = components.host ?? ""
        guard !host.isEmpty || socket != nil else { throw bad("no host") }
        if let unknown = components.queryItems?.first(where: { $0.name != "host" }) {
            throw bad("unsupported parameter \(unknown.name) (TLS and other options are not supported)")
        }
        self.user = user
        self.password = components.password ?? environment["PGPASSWORD"]
        self.host = host
        self.port = components.port ?? 5432
        self.database = path
        self.socketDirectory = socket
    }

    /// The URL with its password replaced, for error messages and labels.
    static func redacted(_ text: String) -> String {
        guard var components = URLComponents(string: text) else {
            // Unparsable, so no part can be trusted to be the host: keep only what follows the last "@", which
            // cannot be the password (`postgresql://u:s3cret@bad host/db` → `postgresql://***@bad host/db`).
            guard let at = text.lastIndex(of: "@") else { return text }
            let scheme = text.range(of: "://").map { String(text[..<$0.upperBound]) } ?? ""
            return scheme + "***" + String(text[at...])
        }
        guard components.password != nil else { return text }
        components.password = "***"
        return components.string ?? "postgresql://***"
    }

    /// The URL as errors name it: no password.
    var label: String {
        let place = socketDirectory.map { "?host=\($0)" } ?? ""
        return "postgresql://\(user)@\(host):\(port)/\(database)\(place)"
    }

    var configuration: PostgresConnection.Configuration {
        if let socketDirectory {
            return PostgresConnection.Configuration(
                unixSocketPath: "\(socketDirectory)/.s.PGSQL.\(port)", username: user, password: password,
                database: database)
        }
        return PostgresConnection.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: .disable)
    }
}

/// A value bound to a statement parameter. The store's own small set: what its columns hold.
enum PostgresValue: Sendable {
    case null
    case int(Int64)
    case text(String)
    case bytes([UInt8])
    case textArray([String])
    /// A whole column of rows, for `unnest` (`PostgresArrayColumn`).
    case column(PostgresArrayColumn)

    init(_ value: Int?) { self = value.map { .int(Int64($0)) } ?? .null }
    init(_ value: Int64) { self = .int(value) }
    init(_ value: Bool) { self = .int(value ? 1 : 0) }
    init(_ value: String?) { self = value.map { .text($0) } ?? .null }

    /// Bytes as the hex text `decode($n, 'hex')` turns back into them: how a path (any bytes, NUL too) is named in
    /// a query.
    static func hexText(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    func append(to bindings: inout PostgresBindings) {
        switch self {
        case .null: bindings.appendNull()
        case .int(let value): bindings.append(value)
        case .text(let value): bindings.append(value)
        case .bytes(let value): bindings.append(ByteBuffer(bytes: value))
        case .textArray(let value): bindings.append(value)
        case .column(let value): bindings.append(value)
        }
    }
}

/// One PostgreSQL connection used synchronously, as `InventoryStore`'s API is.
///
/// Why this shape: PostgresNIO is asynchronous, and the store's callers are not. Each call sends its query on the
/// session's own event loop and blocks the calling thread on `EventLoopFuture.wait()`. The loop is private to the
/// session, so the caller is never that loop's thread (where `wait()` would deadlock) and no Swift concurrency
/// thread is needed to make progress: the 2-thread cooperative pool of a small CI machine cannot starve it. The
/// session's calls are serialised by a recursive lock, since one connection runs one transaction at a time.
final class PostgresSession: @unchecked Sendable {
    // `lock` guards every use of `connection`; `group` and `logger` are immutable.
    private let group: MultiThreadedEventLoopGroup
    private let connection: PostgresConnection
    private let lock = NSRecursiveLock()
    private let logger: Logger
    private var closed = false
    let label: String

    init(url: PostgresURL) throws(StoreError) {
        label = url.label
        var logger = Logger(label: "pqscout.store.postgres")
        // The default log handler writes to stdout, which carries a command's result: only what cannot happen.
        logger.logLevel = .critical
        self.logger = logger
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        do {
            connection = try PostgresConnection.connect(
                on: group.next(), configuration: url.configuration, id: 1, logger: logger
            ).wait()
        } catch {
            try? group.syncShutdownGracefully()
            throw Self.storeError(error, context: "cannot open store \(url.label)", opening: true)
        }
        self.group = group
    }

    /// Closes the connection and stops the event loop; later calls fail with `store.cannot-open`.
    func close() {
        lock.withLock {
            guard !closed else { return }
            closed = true
            try? connection.close().wait()
            try? group.syncShutdownGracefully()
        }
    }

    /// Runs one statement with `values` bound to `$1`, `$2`, ... and returns every row it yields.
    @discardableResult
    func query(_ sql: String, _ values: [PostgresValue] = []) throws -> [PostgresRow] {
        var bindings = PostgresBindings(capacity: values.count)
        for value in values { value.append(to: &bindings) }
        return try lock.withLock {
            guard !closed else {
                throw StoreError(code: StoreError.cannotOpen, reason: "the connection to \(label) is closed")
            }
            return Array(try connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger).wait())
        }
    }

    /// Runs a script of statements, each ended by `;` at the end of a line (a migration): the extended protocol
    /// that `query` speaks takes one statement at a time.
    func executeScript(_ script: String) throws {
        for statement in (script + "\n").components(separatedBy: ";\n") {
            let lines = statement.split(separator: "\n").filter {
                !$0.trimmingCharacters(in: .whitespaces).hasPrefix("--")
            }
            let text = lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
            if !text.isEmpty { try query(text) }
        }
    }

    /// Runs `body` in one transaction, committed when it returns and rolled back when it throws. A transaction
    /// that PostgreSQL aborts as a deadlock or serialisation failure (concurrent scans upserting the same assets)
    /// is run again, up to `attempts` times.
    func transaction<T>(readOnly: Bool = false, attempts: Int = 5, _ body: () throws -> T) throws -> T {
        try lock.withLock {
            var attempt = 1
            while true {
                try query(readOnly ? "BEGIN READ ONLY" : "BEGIN")
                do {
                    let value = try body()
                    try query("COMMIT")
                    return value
                } catch {
                    _ = try? query("ROLLBACK")
                    guard attempt < attempts, Self.isRetryable(error) else { throw error }
                    attempt += 1
                    Thread.sleep(forTimeInterval: 0.01 * Double(attempt) * Double.random(in: 1..<2))
                }
            }
        }
    }

    private static func isRetryable(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError, let state = error.serverInfo?[.sqlState] else { return false }
        return state == "40P01" || state == "40001"
    }

    /// Maps a PostgresNIO error to a `StoreError` whose reason starts with `context`. The server's own message is
    /// kept (it names the constraint, table and column); PostgresNIO's description is deliberately vague, so a
    /// failure to connect is named by its underlying cause.
    static func storeError(_ error: any Error, context: String, opening: Bool = false) -> StoreError {
        if let error = error as? StoreError { return error }
        guard let error = error as? PSQLError else {
            return StoreError(
                code: opening ? StoreError.cannotOpen : StoreError.postgres, reason: "\(context): \(error)")
        }
        if let info = error.serverInfo {
            let state = info[.sqlState] ?? ""
            var message = info[.message] ?? "server error \(state)"
            if let detail = info[.detail] { message += " (\(detail))" }
            let code: String
            switch state.prefix(2) {
            case "23": code = StoreError.constraint
            case "28", "3D": code = StoreError.cannotOpen
            case "40", "55": code = StoreError.busy
            case "53", "58": code = StoreError.io
            case "42" where opening: code = StoreError.cannotOpen
            default: code = opening ? StoreError.cannotOpen : StoreError.postgres
            }
            return StoreError(code: code, reason: "\(context): \(message)")
        }
        let cause: String
        if let underlying = error.underlying {
            cause = "\(underlying)"
        } else if error.code == .authMechanismRequiresPassword {
            cause = "the server wants a password (put it in the URL or PGPASSWORD)"
        } else {
            cause = "\(error.code)"
        }
        return StoreError(code: opening ? StoreError.cannotOpen : StoreError.postgres, reason: "\(context): \(cause)")
    }
}

extension PostgresRandomAccessRow {
    /// The column's value; a type the column cannot hold is `store.corrupt` (through `storeError`).
    func value<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        do {
            return try self[column].decode(T.self)
        } catch {
            throw StoreError(code: StoreError.corrupt, reason: "unreadable column \(column): \(error)")
        }
    }

    func bytes(_ column: String) throws -> [UInt8] {
        Array(try value(column, as: ByteBuffer.self).readableBytesView)
    }

    func date(_ column: String) throws -> Date {
        let text = try value(column, as: String.self)
        guard let date = StoreDate.parse(text) else {
            throw StoreError(code: StoreError.corrupt, reason: "unreadable date \(text) in column \(column)")
        }
        return date
    }

    func optionalDate(_ column: String) throws -> Date? {
        guard let text = try value(column, as: String?.self) else { return nil }
        guard let date = StoreDate.parse(text) else {
            throw StoreError(code: StoreError.corrupt, reason: "unreadable date \(text) in column \(column)")
        }
        return date
    }
}

/// Dates as the SQLite store holds them (GRDB's form, `YYYY-MM-DD HH:MM:SS.SSS` in UTC), so both backends keep
/// the same text and a scan pushed from one to the other keeps its times to the millisecond.
enum StoreDate {
    static func format(_ date: Date) -> String {
        let milliseconds = (date.timeIntervalSince1970 * 1000).rounded(.down)
        let seconds = Int64((milliseconds / 1000).rounded(.down))
        let millis = Int(milliseconds - Double(seconds) * 1000)
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        return String(
            format: "%04d-%02d-%02d %02d:%02d:%02d.%03d", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
            Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), millis)
    }

    static func parse(_ text: String) -> Date? {
        // `YYYY-MM-DD HH:MM:SS` with optional `.SSS`; GRDB also accepts a `T` separator.
        let utf8 = Array(text.utf8)
        guard utf8.count >= 19 else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in utf8[range] {
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19)
        else { return nil }
        var millis = 0.0
        if utf8.count > 20, utf8[19] == UInt8(ascii: ".") {
            guard let fraction = number(20..<utf8.count) else { return nil }
            millis = Double(fraction) / pow(10, Double(utf8.count - 20)) * 1000
        }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        let seconds = timegm(&parts)
        return Date(timeIntervalSince1970: Double(seconds) + millis / 1000)
    }
}
