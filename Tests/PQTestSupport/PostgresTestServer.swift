import Foundation

/// A PostgreSQL server for the tests: `PQSCOUT_TEST_POSTGRES_URL` when set, else a throwaway cluster this process
/// starts from the system's PostgreSQL binaries (`/usr/lib/postgresql/*/bin`), else none (the tests that need one
/// are left out, and `unavailableReason` says why).
///
/// The throwaway cluster lives in a temporary directory, listens on 127.0.0.1 at a free port with `trust`
/// authentication, runs with `fsync=off` (a test's data is thrown away), and is stopped and deleted when the test
/// process exits. PostgreSQL refuses to run as root, so under root it runs as the `postgres` user (`runuser`).
/// Each test gets a database of its own (`freshDatabaseURL`), so tests run in parallel without meeting.
public final class PostgresTestServer: @unchecked Sendable {
    /// The one server of this test process, started on first use; nil when there is none.
    public static let shared: PostgresTestServer? = start()

    /// Why `shared` is nil, in words for the test log.
    public nonisolated(unsafe) static var unavailableReason = ""

    /// `postgresql://user@host:port/` without a database name.
    private let baseURL: String
    private let psql: String
    private let lock = NSLock()
    private var counter = 0

    private init(baseURL: String, psql: String) {
        self.baseURL = baseURL
        self.psql = psql
    }

    /// Creates an empty database and returns its URL.
    public func freshDatabaseURL() throws -> String {
        let name = lock.withLock {
            counter += 1
            return
                "pqscout_test_\(ProcessInfo.processInfo.processIdentifier)_\(counter)_\(UInt32.random(in: 0...UInt32.max))"
        }
        try run(psql, [baseURL + "postgres", "-v", "ON_ERROR_STOP=1", "-q", "-c", "CREATE DATABASE \(name)"])
        return baseURL + name
    }

    /// Runs SQL in the database at `url` through `psql` (tests only: to plant what the API never writes).
    public func execute(_ sql: String, in url: String) throws {
        try run(psql, [url, "-v", "ON_ERROR_STOP=1", "-q", "-c", sql])
    }

    // MARK: - Starting

    private static func start() -> PostgresTestServer? {
        if let url = ProcessInfo.processInfo.environment["PQSCOUT_TEST_POSTGRES_URL"], !url.isEmpty {
            guard let psql = findBinary("psql") else {
                unavailableReason = "PQSCOUT_TEST_POSTGRES_URL is set but psql is not installed"
                return nil
            }
            // The URL's database is the maintenance database the test databases are created from.
            guard let slash = url.range(of: "/", options: .backwards), url[..<slash.lowerBound].contains("@") else {
                unavailableReason = "PQSCOUT_TEST_POSTGRES_URL is not postgresql://user@host:port/dbname"
                return nil
            }
            return PostgresTestServer(baseURL: String(url[...slash.lowerBound]), psql: psql)
        }
        guard let initdb = findBinary("initdb"), let pgCtl = findBinary("pg_ctl"), let psql = findBinary("psql"),
            let postgres = findBinary("postgres"), let isReady = findBinary("pg_isready")
        else {
            unavailableReason =
                "no PostgreSQL server binaries (/usr/lib/postgresql/*/bin/initdb, pg_ctl) and no PQSCOUT_TEST_POSTGRES_URL; "
                + "install Debian's postgresql package to run the PostgreSQL store tests"
            return nil
        }
        do {
            // Under /tmp itself: the postgres user must reach it, and $TMPDIR may be a directory only root enters.
            let directory = URL(fileURLWithPath: "/tmp", isDirectory: true)
                .appendingPathComponent("pqscout-pg-\(UUID().uuidString)", isDirectory: true)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let data = directory.appendingPathComponent("data").path
            let asUser: [String] = getuid() == 0 ? ["runuser", "-u", "postgres", "--"] : []
            if getuid() == 0 {
                try run("/bin/chown", ["-R", "postgres", directory.path])
            }
            let port = try freePort()
            try run(
                asUser.first ?? initdb,
                Array(asUser.dropFirst()) + (asUser.isEmpty ? [] : [initdb])
                    + ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync"])
            // The server runs as this process's child, not through `pg_ctl start`: a daemon started that way
            // inherits Foundation's child-watching descriptor, and `Process.waitUntilExit` then never returns.
            let server = Process()
            server.executableURL = URL(fileURLWithPath: asUser.isEmpty ? postgres : "/usr/sbin/runuser")
            server.arguments =
                Array(asUser.dropFirst()) + (asUser.isEmpty ? [] : [postgres])
                + [
                    "-D", data, "-p", String(port), "-k", directory.path, "-c", "listen_addresses=127.0.0.1",
                    "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
                    "-c", "max_connections=200",
                ]
            let log = directory.appendingPathComponent("log").path
            _ = FileManager.default.createFile(atPath: log, contents: nil)
            server.standardOutput = FileHandle(forWritingAtPath: log)
            server.standardError = FileHandle(forWritingAtPath: log)
            server.standardInput = FileHandle.nullDevice
            try server.run()
            serverProcess = server
            var ready = false
            for _ in 0..<300 where !ready {
                ready = (try? run(isReady, ["-q", "-h", "127.0.0.1", "-p", String(port)])) != nil
                if !ready { usleep(100_000) }
            }
            guard ready else {
                let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                throw TestServerError("the server did not start within 30 s: \(text)")
            }
            stopCommand = asUser + [pgCtl, "-D", data, "-m", "immediate", "stop"]
            removeDirectory = directory.path
            atexit {
                // The cluster dies with the tests; an immediate stop is enough for data that is thrown away.
                if let command = PostgresTestServer.stopCommand {
                    _ = try? PostgresTestServer.run(command[0], Array(command.dropFirst()))
                }
                if let directory = PostgresTestServer.removeDirectory {
                    try? FileManager.default.removeItem(atPath: directory)
                }
            }
            return PostgresTestServer(baseURL: "postgresql://postgres@127.0.0.1:\(port)/", psql: psql)
        } catch {
            unavailableReason = "could not start a throwaway PostgreSQL cluster: \(error)"
            return nil
        }
    }

    private nonisolated(unsafe) static var stopCommand: [String]?
    private nonisolated(unsafe) static var serverProcess: Process?
    private nonisolated(unsafe) static var removeDirectory: String?

    private static func findBinary(_ name: String) -> String? {
        let root = "/usr/lib/postgresql"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        for version in versions.sorted(by: { (Int($0) ?? 0) > (Int($1) ?? 0) }) {
            let path = "\(root)/\(version)/bin/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return name == "psql" && FileManager.default.isExecutableFile(atPath: "/usr/bin/psql") ? "/usr/bin/psql" : nil
    }

    /// A TCP port on 127.0.0.1 that nothing listens on now (the kernel's choice for port 0).
    private static func freePort() throws -> Int {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketFD >= 0 else { throw TestServerError("socket() failed") }
        defer { close(socketFD) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(socketFD, pointer, length) == 0 && getsockname(socketFD, pointer, &length) == 0
            }
        }
        guard bound else { throw TestServerError("bind() failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Runs a command to its end. Its output goes to a file, not a pipe: `pg_ctl start` leaves the server running,
    /// and a server that inherited a pipe's write end would keep a pipe reader waiting for ever.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable.hasPrefix("/") ? executable : "/usr/sbin/\(executable)")
        if !executable.hasPrefix("/"), !FileManager.default.isExecutableFile(atPath: "/usr/sbin/\(executable)") {
            process.executableURL = URL(fileURLWithPath: "/sbin/\(executable)")
        }
        process.arguments = arguments
        let outputPath = "/tmp/pqscout-pg-run-\(UUID().uuidString).txt"
        guard FileManager.default.createFile(atPath: outputPath, contents: nil),
            let output = FileHandle(forWritingAtPath: outputPath)
        else { throw TestServerError("cannot create \(outputPath)") }
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try? output.close()
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        guard process.terminationStatus == 0 else {
            throw TestServerError("\(executable) \(arguments.joined(separator: " ")) failed: \(text)")
        }
        return text
    }

    private func run(_ executable: String, _ arguments: [String]) throws {
        try Self.run(executable, arguments)
    }
}

struct TestServerError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
