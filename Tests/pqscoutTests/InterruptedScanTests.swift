import Foundation
import Testing

/// `work/tree`: 500 hard links to one certificate in each of `folders` folders; thousands of files, made in
/// milliseconds (the stopped scan and report here, the interrupted scans of `HostileScanTests`).
func certificateTree(in work: URL, folders: Int) throws -> URL {
    let tree = work.appendingPathComponent("tree")
    let original = work.appendingPathComponent("original.pem").path
    try FileManager.default.copyItem(atPath: sample + "/etc/ssl/certs/www.example.org.pem", toPath: original)
    for folder in 0..<folders {
        let directory = tree.appendingPathComponent("d\(folder)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for index in 0..<500 {
            #expect(link(original, directory.appendingPathComponent("c\(index).pem").path) == 0)
        }
    }
    return tree
}

@Suite("A scan killed half-way")
struct InterruptedScanTests {
    @Test("SIGKILL during a scan leaves earlier scans complete and the killed one incomplete")
    func killed() throws {
        let work = try scratch()
        defer { try? FileManager.default.removeItem(at: work) }
        let db = work.appendingPathComponent("inventory.db").path
        let tree = try certificateTree(in: work, folders: 40)
        let first = try PQScoutBinary.run(["scan", sample, "--db", db])
        #expect(first.status == 0)

        let process = Process()
        process.executableURL = PQScoutBinary.url
        process.arguments = ["scan", tree.path, "--db", db]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait until the second scan has written at least one batch, then kill it without warning.
        var sawRows = false
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning, Date() < deadline {
            let listing = try PQScoutBinary.run(["scans", "--db", db])
            let text = String(decoding: listing.stdout, as: UTF8.self)
            // Columns: ID STARTED KIND STATUS FINDINGS DIAGS ROOTS.
            let columns = text.split(separator: "\n").first(where: { $0.hasPrefix("2 ") })?.split(separator: " ")
            if let columns, columns.count >= 5, columns[3] == "incomplete", let findings = Int(columns[4]), findings > 0
            {
                sawRows = true
                break
            }
            usleep(20_000)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(sawRows, "the scan finished before it could be killed; make the tree larger")

        let listing = try PQScoutBinary.run(["scans", "--db", db])
        #expect(listing.status == 0, "stderr: \(listing.stderr)")
        let lines = String(decoding: listing.stdout, as: UTF8.self).split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("1 ") && $0.contains("complete") && !$0.contains("incomplete") })
        #expect(lines.contains { $0.hasPrefix("2 ") && $0.contains("incomplete") })
        // The store still opens and serves the complete scan.
        let inventory = try PQScoutBinary.run(["inventory", "--db", db, "--format", "json"])
        #expect(inventory.status == 0)
        let document = try JSONSerialization.jsonObject(with: inventory.stdout) as? [String: Any]
        #expect((document?["scan"] as? [String: Any])?["id"] as? Int == 1)
        // A new scan after the crash works and becomes the latest complete one.
        let third = try PQScoutBinary.run(["scan", sample, "--db", db])
        #expect(third.status == 0)
    }
}

@Suite("A report stopped half-way")
struct InterruptedReportTests {
    @Test(
        "SIGTERM or SIGINT while a report is written: exit 128 + the signal, no target, no temporary file left",
        arguments: [SIGTERM, SIGINT])
    func stopped(signalNumber: Int32) throws {
        let work = try scratch()
        defer { try? FileManager.default.removeItem(at: work) }
        let db = work.appendingPathComponent("inventory.db").path
        // A store large enough that its CBOM takes a while.
        let tree = try certificateTree(in: work, folders: 20)
        #expect(try PQScoutBinary.run(["scan", tree.path, "--db", db]).status == 0)

        let reports = work.appendingPathComponent("reports")
        try FileManager.default.createDirectory(at: reports, withIntermediateDirectories: true)
        let target = reports.appendingPathComponent("inventory.cdx.json")
        func temporaries() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: reports.path).filter {
                $0.hasPrefix(".inventory.cdx.json.pqscout-")
            }
        }
        let process = Process()
        process.executableURL = PQScoutBinary.url
        process.arguments = ["report", "--db", db, "--format", "cbom", "-o", target.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        var sawTemporary = false
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning, Date() < deadline {
            if try !temporaries().isEmpty {
                sawTemporary = true
                break
            }
            usleep(2_000)
        }
        kill(process.processIdentifier, signalNumber)
        process.waitUntilExit()
        #expect(sawTemporary, "the report finished before it could be stopped; make the store larger")
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 128 + signalNumber)
        #expect(try temporaries().isEmpty)
        #expect(!FileManager.default.fileExists(atPath: target.path))
    }
}
