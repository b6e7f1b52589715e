import Foundation
import Testing

/// Issue 21, the scan-side minimal cases run through the real binary: each exits within its bound with a result or
/// a diagnostic, never a trap, a hang or "database is locked".
@Suite("Hostile input to pqscout scan")
struct HostileScanTests {
    /// Reads one value from the store with Python's sqlite3 (the test target does not link SQLite).
    func query(_ db: String, _ sql: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", "-c",
            "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone())", db, sql,
        ]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test(
        "SIGINT and SIGTERM mark the scan interrupted, with a finish time, before the process exits",
        arguments: [SIGINT, SIGTERM])
    func interrupted(_ signalNumber: Int32) throws {
        let work = try scratch()
        defer { try? FileManager.default.removeItem(at: work) }
        let db = work.appendingPathComponent("inventory.db").path
        let tree = try certificateTree(in: work, folders: 40)
        let process = Process()
        process.executableURL = PQScoutBinary.url
        process.arguments = ["scan", tree.path, "--db", db]
        process.standardOutput = FileHandle.nullDevice
        let err = Pipe()
        process.standardError = err
        try process.run()
        // Wait until the scan row exists (the handlers are installed right after it is written).
        let deadline = Date().addingTimeInterval(60)
        func recordedFiles() -> Int {
            (try? query(db, "SELECT count(*) FROM files")).flatMap {
                Int($0.trimmingCharacters(in: .punctuationCharacters))
            }
                ?? 0
        }
        while process.isRunning, Date() < deadline, recordedFiles() == 0 {
            usleep(20_000)
        }
        #expect(process.isRunning, "the scan finished before the signal; make the tree larger")
        let sent = Date()
        kill(process.processIdentifier, signalNumber)
        process.waitUntilExit()
        #expect(Date().timeIntervalSince(sent) < 10)
        #expect(process.terminationStatus == 128 + signalNumber)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(stderr.contains("interrupted"), "\(stderr)")
        let row = try query(db, "SELECT status, finished_at IS NOT NULL FROM scans WHERE id = 1")
        #expect(row == "('incomplete', 1)")
        let listing = try PQScoutBinary.run(["scans", "--db", db])
        let text = String(decoding: listing.stdout, as: UTF8.self)
        #expect(text.split(separator: "\n").contains { $0.hasPrefix("1 ") && $0.contains("interrupted") }, "\(text)")
    }

    @Test("five scans writing one store at once all succeed: locks are waited for, not failed")
    func concurrentWriters() throws {
        let work = try scratch()
        defer { try? FileManager.default.removeItem(at: work) }
        let db = work.appendingPathComponent("shared.db").path
        let tree = try certificateTree(in: work, folders: 4)
        // Create the store first so the five race on writes, not on creating the schema.
        #expect(try PQScoutBinary.run(["scan", sample, "--db", db]).status == 0)
        let outcomes = ResultBox(count: 5)
        DispatchQueue.concurrentPerform(iterations: 5) { index in
            let outcome = try? PQScoutBinary.run(["scan", index % 2 == 0 ? tree.path : sample, "--db", db])
            outcomes.set(index, outcome.map { ($0.status, $0.stderr) })
        }
        for (index, outcome) in outcomes.values.enumerated() {
            #expect(outcome?.0 == 0, "writer \(index): \(outcome?.1 ?? "did not run")")
            #expect(outcome?.1.contains("locked") == false)
        }
        #expect(try query(db, "SELECT count(*) FROM scans WHERE status = 'complete'") == "(6,)")
    }

    @Test("--max-file-size 9223372036854775807 scans instead of trapping")
    func hugeMaxFileSize() throws {
        let work = try scratch()
        defer { try? FileManager.default.removeItem(at: work) }
        let db = work.appendingPathComponent("s.db").path
        let outcome = try PQScoutBinary.run([
            "scan", sample + "/etc/ssl", "--db", db, "--max-file-size", "9223372036854775807",
        ])
        #expect(outcome.status == 0, "\(outcome.stderr)")
    }

    @Test("files that hold secrets are stored without a content digest; other files keep their SHA-256")
    func noDigestOfSecrets() throws {
        let work = try scratch()
        defer { try? FileManager.default.removeItem(at: work) }
        let tree = work.appendingPathComponent("tree")
        for directory in ["etc/wireguard", "etc/swanctl", "etc/nginx"] {
            try FileManager.default.createDirectory(
                at: tree.appendingPathComponent(directory), withIntermediateDirectories: true)
        }
        let files = [
            "etc/wireguard/wg0.conf": "[Interface]\nPrivateKey = yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=\n"
                + "[Peer]\nPublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=\n"
                + "PresharedKey = summer2024summer2024summer2024summer2024sum=\nAllowedIPs = 10.0.0.2/32\n",
            "etc/swanctl/swanctl.conf": "connections {\n  office {\n    proposals = aes256-sha256-modp2048\n  }\n}\n"
                + "secrets {\n  ike-office {\n    secret = summer2024\n  }\n}\n",
            "etc/nginx/nginx.conf": "http {\n  server {\n    listen 443 ssl;\n    ssl_protocols TLSv1.2;\n"
                + "    ssl_ciphers ECDHE-RSA-AES128-GCM-SHA256;\n  }\n}\n",
        ]
        for (path, text) in files { try Data(text.utf8).write(to: tree.appendingPathComponent(path)) }
        let db = work.appendingPathComponent("s.db").path
        let outcome = try PQScoutBinary.run(["scan", tree.path, "--db", db])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let zeros = String(repeating: "0", count: 64)
        for path in ["etc/wireguard/wg0.conf", "etc/swanctl/swanctl.conf"] {
            #expect(try query(db, "SELECT sha256 FROM files WHERE path_display = '\(path)'") == "('\(zeros)',)")
        }
        let nginx = try query(db, "SELECT sha256 FROM files WHERE path_display = 'etc/nginx/nginx.conf'")
        #expect(nginx.count == 69 && nginx != "('\(zeros)',)", "\(nginx)")
    }

    @Test("a recursive-view rpmdb.sqlite in the tree is one diagnostic; the scan goes on and ends within 10 s")
    func hostileRPMDatabase() throws {
        let work = try scratch()
        defer { try? FileManager.default.removeItem(at: work) }
        let tree = work.appendingPathComponent("tree")
        let rpm = tree.appendingPathComponent("var/lib/rpm")
        try FileManager.default.createDirectory(at: rpm, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            at: tree.appendingPathComponent("etc/ssh"), withIntermediateDirectories: true)
        try Data("KexAlgorithms curve25519-sha256\n".utf8).write(to: tree.appendingPathComponent("etc/ssh/sshd_config"))
        let make = Process()
        make.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        make.arguments = [
            "python3", "-c",
            """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            db.execute("CREATE VIEW Packages AS WITH RECURSIVE r(hnum, blob) AS (SELECT 1, randomblob(100000) "
                       "UNION ALL SELECT hnum + 1, randomblob(100000) FROM r) SELECT hnum, blob FROM r")
            db.commit()
            """,
            rpm.appendingPathComponent("rpmdb.sqlite").path,
        ]
        try make.run()
        make.waitUntilExit()
        let db = work.appendingPathComponent("s.db").path
        let started = Date()
        let outcome = try PQScoutBinary.run(["scan", tree.path, "--db", db, "--format", "json"])
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let document = try JSONSerialization.jsonObject(with: outcome.stdout) as? [String: Any]
        let diagnostics = document?["diagnostics"] as? [[String: Any]] ?? []
        #expect(diagnostics.contains { ($0["path"] as? String) == "var/lib/rpm/rpmdb.sqlite" })
        let findings = document?["findings"] as? [[String: Any]] ?? []
        #expect(findings.contains { ($0["setting"] as? String) == "KexAlgorithms" })
    }
}

/// Slots for concurrent results, one index per worker.
final class ResultBox: @unchecked Sendable {
    // Each index is written by exactly one worker, and read only after concurrentPerform returns.
    private var storage: [(Int32, String)?]
    init(count: Int) { storage = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ value: (Int32, String)?) { storage.withUnsafeMutableBufferPointer { $0[index] = value } }
    var values: [(Int32, String)?] { storage }
}
