import Foundation
import Testing

/// Runs the `pqscout` binary that `swift test` built beside the test bundle.
struct PQScoutBinary {
    static let url: URL = {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("pqscout")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return repositoryRoot.appendingPathComponent(".build/debug/pqscout")
    }()

    struct Outcome {
        var status: Int32
        var stdout: Data
        var stderr: String
    }

    static func run(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]) throws
        -> Outcome
    {
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        var inherited = ProcessInfo.processInfo.environment
        inherited["COLUMNS"] = nil
        process.environment = inherited.merging(environment) { $1 }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(
            status: process.terminationStatus, stdout: stdout, stderr: String(decoding: stderr, as: UTF8.self))
    }
}

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
let sample = repositoryRoot.appendingPathComponent("sample-inventories/webfarm").path

func scratch() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("pqscout-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// A scratch folder with the sample inventory scanned into `s.db`.
func scannedSample() throws -> (work: URL, db: String) {
    let work = try scratch()
    let db = work.appendingPathComponent("s.db").path
    let outcome = try PQScoutBinary.run(["scan", sample, "--db", db])
    #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
    return (work, db)
}

@Suite("pqscout's command-line contract: JSON fields, exit status, one-line errors")
struct CommandLineContractTests {
    static let findingFields: Set<String> = [
        "path", "line", "source", "setting", "usage", "algorithm", "canonical", "oid", "keyBits", "curve",
        "quantumStatus", "context", "effective", "origin",
    ]

    @Test("scan --format json prints one document with schemaVersion, scan, findings and diagnostics")
    func jsonDocument() throws {
        let work = try scratch()
        defer { try? FileManager.default.removeItem(at: work) }
        let outcome = try PQScoutBinary.run([
            "scan", sample, "--db", work.appendingPathComponent("s.db").path, "--format", "json",
        ])
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: outcome.stdout) as? [String: Any])
        #expect(document["schemaVersion"] as? Int == 1)
        let scan = try #require(document["scan"] as? [String: Any])
        #expect(scan["status"] as? String == "complete")
        let findings = try #require(document["findings"] as? [[String: Any]])
        #expect(!findings.isEmpty)
        for finding in findings {
            #expect(Self.findingFields.isSubset(of: Set(finding.keys)), "missing fields in \(finding)")
            let status = finding["quantumStatus"] as? String ?? ""
            #expect(["vulnerable", "weakened", "resistant", "hybrid", "broken"].contains(status))
        }
        let diagnostics = try #require(document["diagnostics"] as? [[String: Any]])
        for diagnostic in diagnostics {
            #expect(Set(diagnostic.keys) == ["path", "reason", "detail"])
        }
    }

    @Test("inventory --format json gives the same findings as scan --format json")
    func inventoryMatchesScan() throws {
        let work = try scratch()
        defer { try? FileManager.default.removeItem(at: work) }
        let db = work.appendingPathComponent("s.db").path
        let scanned = try PQScoutBinary.run(["scan", sample, "--db", db, "--format", "json"])
        let listed = try PQScoutBinary.run(["inventory", "--db", db, "--format", "json"])
        #expect(listed.status == 0)
        #expect(scanned.stdout == listed.stdout)
    }

    @Test("a path that is not UTF-8 is written escaped, and the JSON stays valid")
    func nonUTF8Path() throws {
        let work = try scratch()
        defer { try? FileManager.default.removeItem(at: work) }
        let tree = work.appendingPathComponent("tree")
        try FileManager.default.createDirectory(at: tree, withIntermediateDirectories: true)
        let pem = try Data(contentsOf: URL(fileURLWithPath: sample + "/etc/ssl/certs/www.example.org.pem"))
        let name = Array(tree.path.utf8) + Array("/odd\n".utf8) + [0xFF] + Array(".pem".utf8)
        let written = name.withUnsafeBufferPointer { buffer -> Bool in
            let cString = buffer.map { CChar(bitPattern: $0) } + [0]
            let handle = creat(cString, 0o644)
            guard handle >= 0 else { return false }
            defer { close(handle) }
            return pem.withUnsafeBytes { write(handle, $0.baseAddress, pem.count) } == pem.count
        }
        #expect(written)
        let outcome = try PQScoutBinary.run([
            "scan", tree.path, "--db", work.appendingPathComponent("s.db").path, "--format", "json",
        ])
        #expect(outcome.status == 0)
        let document = try #require(try JSONSerialization.jsonObject(with: outcome.stdout) as? [String: Any])
        let paths = (document["findings"] as? [[String: Any]] ?? []).compactMap { $0["path"] as? String }
        #expect(paths.contains("odd\n\\xFF.pem"))
    }

    @Test("exit status: 64 bad usage, 2 unreadable store or input, 1 --fail-on met; errors are one line")
    func exitStatus() throws {
        let work = try scratch()
        defer { try? FileManager.default.removeItem(at: work) }
        let db = work.appendingPathComponent("s.db").path
        let usage = try PQScoutBinary.run(["inventory", "--bogus"])
        #expect(usage.status == 64)
        let missingStore = try PQScoutBinary.run(["inventory", "--db", work.appendingPathComponent("none.db").path])
        #expect(missingStore.status == 2)
        #expect(missingStore.stderr.hasPrefix("pqscout: ") && missingStore.stderr.filter { $0 == "\n" }.count == 1)
        let missingInput = try PQScoutBinary.run(["scan", "/nonexistent/\(UUID().uuidString)", "--db", db])
        #expect(missingInput.status == 2)
        #expect(missingInput.stderr.contains("/nonexistent/"))
        let gate = try PQScoutBinary.run(["scan", sample, "--db", db, "--fail-on", "broken"])
        #expect(gate.status == 1)
        #expect(String(decoding: gate.stdout, as: UTF8.self).contains("files examined"))
        #expect(gate.stderr.contains("at or above broken (--fail-on)"))
        let passing = try PQScoutBinary.run([
            "scan", sample + "/etc/ssl/certs/pq-root-mldsa87.pem", "--db", db, "--fail-on", "weakened",
        ])
        #expect(passing.status == 0, "stderr: \(passing.stderr)")
        let notStore = work.appendingPathComponent("junk.db")
        try Data("not sqlite at all".utf8).write(to: notStore)
        let junk = try PQScoutBinary.run(["scans", "--db", notStore.path])
        #expect(junk.status == 2)
        #expect(junk.stderr.contains("junk.db"))
    }

    @Test("scan with no flags creates ./pqscout.db and prints a summary; tables fit $COLUMNS, piped ones are whole")
    func firstRun() throws {
        let work = try scratch()
        defer { try? FileManager.default.removeItem(at: work) }
        let outcome = try PQScoutBinary.run(["scan", sample], in: work)
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        #expect(FileManager.default.fileExists(atPath: work.appendingPathComponent("pqscout.db").path))
        let summary = String(decoding: outcome.stdout, as: UTF8.self)
        #expect(summary.contains("complete"))
        let table = try PQScoutBinary.run(["inventory"], in: work, environment: ["COLUMNS": "80"])
        let lines = String(decoding: table.stdout, as: UTF8.self).split(separator: "\n")
        #expect(lines.count > 10)
        #expect(lines.allSatisfy { $0.count <= 80 })
        // A cut path keeps its file name: the folder goes in the middle, never the name at the end.
        #expect(lines.contains { $0.contains("…/sshd_config") || $0.contains("…/nginx.conf") })
        let piped = try PQScoutBinary.run(["inventory"], in: work)
        let whole = String(decoding: piped.stdout, as: UTF8.self).split(separator: "\n")
        #expect(whole.contains { $0.count > 80 }, "piped output is not cut to a terminal width")
        #expect(!whole.contains { $0.contains("…") })
        let scans = try PQScoutBinary.run(["scans"], in: work)
        #expect(String(decoding: scans.stdout, as: UTF8.self).contains("complete"))
    }

    @Test("inventory --format csv has the contract's columns as its header")
    func csv() throws {
        let work = try scratch()
        defer { try? FileManager.default.removeItem(at: work) }
        let db = work.appendingPathComponent("s.db").path
        _ = try PQScoutBinary.run(["scan", sample, "--db", db])
        let outcome = try PQScoutBinary.run(["inventory", "--db", db, "--format", "csv", "--status", "broken"])
        let lines = String(decoding: outcome.stdout, as: UTF8.self).components(separatedBy: "\r\n").filter {
            !$0.isEmpty
        }
        #expect(
            lines.first?.hasPrefix("path,line,source,setting,usage,algorithm,canonical,oid,keyBits,curve,quantumStatus")
                == true)
        #expect(lines.dropFirst().allSatisfy { $0.contains(",broken,") })
    }

    @Test("catalog finds an algorithm by name and by OID, and says so when it does not know one")
    func catalog() throws {
        let byName = try PQScoutBinary.run(["catalog", "X25519MLKEM768"])
        #expect(byName.status == 0)
        #expect(String(decoding: byName.stdout, as: UTF8.self).contains("hybrid"))
        let byOID = try PQScoutBinary.run(["catalog", "2.16.840.1.101.3.4.3.18"])
        #expect(String(decoding: byOID.stdout, as: UTF8.self).contains("ML-DSA-65"))
        let unknown = try PQScoutBinary.run(["catalog", "no-such-algorithm"])
        #expect(unknown.status == 2)
        let neither = try PQScoutBinary.run(["catalog"])
        #expect(neither.status == 64)
    }
}
