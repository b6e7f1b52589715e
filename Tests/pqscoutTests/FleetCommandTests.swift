import Foundation
import PQTestSupport
import Testing

/// Issue 20, a fleet: scans written at once into one PostgreSQL database, scans pushed from a host's own file, and
/// `--host` picking a host's latest scan, all through the built binary.
@Suite("pqscout with a fleet's store: concurrent scans, push and --host")
struct FleetCommandTests {
    static var postgres: Bool { PostgresTestServer.shared != nil }

    /// The scan's JSON summary lines that do not depend on when or as what it ran.
    private func inventory(_ db: String, _ extra: [String]) throws -> (scan: [String: Any], findings: [Any]) {
        let outcome = try PQScoutBinary.run(["inventory", "--db", db, "--format", "json"] + extra)
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        let document = try JSONSerialization.jsonObject(with: outcome.stdout) as? [String: Any] ?? [:]
        return (document["scan"] as? [String: Any] ?? [:], document["findings"] as? [Any] ?? [])
    }

    @Test(
        "a rescan into PostgreSQL reuses the unchanged files and records what the first scan did",
        .enabled(if: postgres))
    func rescan() throws {
        let server = try #require(PostgresTestServer.shared, "\(PostgresTestServer.unavailableReason)")
        let url = try server.freshDatabaseURL()
        let first = try PQScoutBinary.run(["scan", sample, "--db", url])
        #expect(first.status == 0, "stderr: \(first.stderr)")
        let second = try PQScoutBinary.run(["scan", sample, "--db", url])
        #expect(second.status == 0, "stderr: \(second.stderr)")
        let summary = String(decoding: second.stdout, as: UTF8.self)
        #expect(summary.contains("reused:") && summary.contains("unchanged since scan 1"), "\(summary)")
        let full = try inventory(url, ["--scan", "1"])
        let reused = try inventory(url, ["--scan", "2"])
        #expect(reused.scan["status"] as? String == "complete")
        #expect(reused.scan["counts"] as? NSDictionary == full.scan["counts"] as? NSDictionary)
        let same = try JSONSerialization.data(withJSONObject: reused.findings, options: .sortedKeys)
        let want = try JSONSerialization.data(withJSONObject: full.findings, options: .sortedKeys)
        #expect(same == want, "the rescan holds other findings than the first scan")
    }

    @Test(
        "4 pqscout scan processes into one PostgreSQL database each leave a complete, distinct, whole scan",
        .enabled(if: postgres))
    func concurrentScans() throws {
        let server = try #require(PostgresTestServer.shared, "\(PostgresTestServer.unavailableReason)")
        let url = try server.freshDatabaseURL()
        let work = try scratch()
        defer { try? FileManager.default.removeItem(at: work) }
        // The reference: the same tree scanned into SQLite.
        let reference = work.appendingPathComponent("reference.db").path
        #expect(try PQScoutBinary.run(["scan", sample, "--db", reference]).status == 0)
        let expected = try inventory(reference, [])

        let processes = try (0..<4).map { _ in
            let process = Process()
            process.executableURL = PQScoutBinary.url
            process.arguments = ["scan", sample, "--db", url]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            return process
        }
        for process in processes {
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
        }
        let listing = try PQScoutBinary.run(["scans", "--db", url])
        #expect(listing.status == 0, "stderr: \(listing.stderr)")
        let lines = String(decoding: listing.stdout, as: UTF8.self).split(separator: "\n").dropFirst()
        let ids = lines.compactMap { Int64($0.split(separator: " ").first ?? "") }
        #expect(Set(ids).count == 4)
        for id in ids {
            let stored = try inventory(url, ["--scan", String(id)])
            #expect(stored.scan["status"] as? String == "complete")
            #expect(stored.scan["counts"] as? NSDictionary == expected.scan["counts"] as? NSDictionary)
            #expect(stored.findings.count == expected.findings.count)
            let same = try JSONSerialization.data(withJSONObject: stored.findings, options: .sortedKeys)
            let want = try JSONSerialization.data(withJSONObject: expected.findings, options: .sortedKeys)
            #expect(same == want, "scan \(id) holds other findings than the SQLite scan of the same tree")
        }
    }

    @Test("push copies a host's scans into another store once, and --host reads that host's latest scan")
    func pushSQLiteToSQLite() throws {
        let work = try scratch()
        defer { try? FileManager.default.removeItem(at: work) }
        try pushAndRead(target: work.appendingPathComponent("fleet.db").path, work: work)
    }

    @Test("push into PostgreSQL keeps every row, and a second push copies nothing", .enabled(if: postgres))
    func pushSQLiteToPostgres() throws {
        let server = try #require(PostgresTestServer.shared)
        let work = try scratch()
        defer { try? FileManager.default.removeItem(at: work) }
        try pushAndRead(target: try server.freshDatabaseURL(), work: work)
    }

    private func pushAndRead(target: String, work: URL) throws {
        let host = work.appendingPathComponent("host1.db").path
        #expect(try PQScoutBinary.run(["scan", sample, "--db", host]).status == 0)
        #expect(try PQScoutBinary.run(["assess", "--db", host]).status == 0)
        let original = try inventory(host, [])

        let first = try PQScoutBinary.run(["push", host, "--db", target])
        #expect(first.status == 0, "stderr: \(first.stderr)")
        #expect(String(decoding: first.stdout, as: UTF8.self).contains("pushed scan 1 of "))
        let again = try PQScoutBinary.run(["push", host, "--db", target])
        #expect(again.status == 0)
        #expect(String(decoding: again.stdout, as: UTF8.self).contains("already scan"))

        let hostName = try #require(original.scan["host"] as? String)
        let pushed = try inventory(target, ["--host", hostName])
        let same = try JSONSerialization.data(withJSONObject: pushed.findings, options: .sortedKeys)
        let want = try JSONSerialization.data(withJSONObject: original.findings, options: .sortedKeys)
        #expect(same == want)
        #expect(pushed.scan["counts"] as? NSDictionary == original.scan["counts"] as? NSDictionary)
        #expect(pushed.scan["startedAt"] as? String == original.scan["startedAt"] as? String)
        // The assessment came along: `report` finds it without assessing again.
        let report = try PQScoutBinary.run(["report", "--db", target, "--host", hostName, "--format", "json"])
        #expect(report.status == 0, "stderr: \(report.stderr)")

        let unknown = try PQScoutBinary.run(["inventory", "--db", target, "--host", "no-such-host"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("no complete scan of host no-such-host"))
        let both = try PQScoutBinary.run(["inventory", "--db", target, "--host", hostName, "--scan", "1"])
        #expect(both.status == 64)
    }

    @Test("report --fleet and assess --fleet on an SQLite store: a row per host, the fleet's line, usage checked")
    func fleetViewsSQLite() throws {
        let work = try scratch()
        defer { try? FileManager.default.removeItem(at: work) }
        try fleetViews(work.appendingPathComponent("fleet.db").path)
    }

    @Test("report --fleet and assess --fleet on PostgreSQL", .enabled(if: postgres))
    func fleetViewsPostgres() throws {
        let server = try #require(PostgresTestServer.shared)
        try fleetViews(try server.freshDatabaseURL())
    }

    private func fleetViews(_ db: String) throws {
        #expect(try PQScoutBinary.run(["scan", sample, "--db", db]).status == 0)
        let hostName = try #require(try inventory(db, []).scan["host"] as? String)
        let options = ["--as-of", "2031-01-01", "--fail-on", "deprecated"]
        let one = try PQScoutBinary.run(["assess", "--db", db, "--host", hostName, "--format", "json"] + options)
        #expect(one.status == 0 || one.status == 1, "stderr: \(one.stderr)")
        let fleet = try PQScoutBinary.run(["assess", "--db", db, "--fleet"] + options)
        #expect(fleet.status == one.status, "stderr: \(fleet.stderr)")
        let table = String(decoding: fleet.stdout, as: UTF8.self)
        #expect(table.hasPrefix("HOST") && table.contains(hostName) && table.contains("all 1 hosts"), "\(table)")
        #expect(fleet.stderr.contains("assessed scan 1 of \(hostName)"))

        let report = try PQScoutBinary.run(["report", "--db", db, "--fleet", "--format", "json"])
        #expect(report.status == 0, "stderr: \(report.stderr)")
        let document = try JSONSerialization.jsonObject(with: report.stdout) as? [String: Any] ?? [:]
        let hosts = document["hosts"] as? [[String: Any]] ?? []
        #expect(hosts.map { $0["host"] as? String } == [hostName])
        let judged = try JSONSerialization.jsonObject(with: one.stdout) as? [String: Any] ?? [:]
        let assessment = hosts.first?["assessment"] as? [String: Any] ?? [:]
        #expect(
            assessment["byVerdict"] as? NSDictionary == (judged["summary"] as? [String: Any])?["byState"]
                as? NSDictionary)
        #expect(assessment["gateMet"] as? Bool == (one.status == 1))
        let html = try PQScoutBinary.run(["report", "--db", db, "--fleet"])
        #expect(html.status == 0 && String(decoding: html.stdout, as: UTF8.self).contains("<section id=\"fleet\">"))

        #expect(try PQScoutBinary.run(["report", "--db", db, "--fleet", "--format", "csv"]).status == 64)
        #expect(try PQScoutBinary.run(["report", "--db", db, "--fleet", "--host", hostName]).status == 64)
        #expect(try PQScoutBinary.run(["assess", "--db", db, "--fleet", "--scan", "1"]).status == 64)
    }

    @Test("a bad URL is bad usage and an unreachable server an unreadable store, each in one line")
    func badURLs() throws {
        let bad = try PQScoutBinary.run(["scans", "--db", "postgresql://db.example/fleet"])
        #expect(bad.status == 64)
        #expect(bad.stderr.hasPrefix("pqscout: bad PostgreSQL URL"))
        #expect(bad.stderr.split(separator: "\n").count == 1)
        let down = try PQScoutBinary.run(["scans", "--db", "postgresql://scan:hunter2@127.0.0.1:1/fleet"])
        #expect(down.status == 2)
        #expect(down.stderr.hasPrefix("pqscout: cannot open store postgresql://scan@127.0.0.1:1/fleet"))
        #expect(!down.stderr.contains("hunter2"))
        #expect(down.stderr.split(separator: "\n").count == 1)
    }
}
