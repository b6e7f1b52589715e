import Foundation
import Testing

/// Issue 20 through the built binary: five identical leaves become one action whose list lands beside `--output`.
@Suite("pqscout plan: merged actions and their asset lists, through the built binary")
struct PlanAssetListCommandTests {
    /// A CA and five RSA-2048 leaves it signed, made with the openssl command line; one leaf's file name holds a
    /// comma, a quote and a leading `=`, so the CSV must quote and defuse it.
    static func scannedLeaves() throws -> (work: URL, db: String, leaves: [String]) {
        let work = try scratch()
        let tree = work.appendingPathComponent("tree/etc/ssl")
        try FileManager.default.createDirectory(at: tree, withIntermediateDirectories: true)
        let leaves = (1...4).map { "leaf\($0).pem" } + ["=cmd,\"x\".pem"]
        var script = """
            set -e
            cd "$1"
            openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem \
              -days 3650 -subj '/CN=Test Issuing CA' -addext basicConstraints=critical,CA:TRUE 2>/dev/null
            openssl genrsa -out leaf.key 2048 2>/dev/null

            """
        for (number, name) in leaves.enumerated() {
            script += """
                openssl req -new -key leaf.key -subj '/CN=host\(number).example.org' -out leaf.csr
                openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -set_serial \(number + 2) -days 700 \
                  -out 'tmp.pem' 2>/dev/null
                mv tmp.pem "$(printf '%s' '\(name.replacingOccurrences(of: "'", with: "'\\''"))')"

                """
        }
        script += "rm -f ca.key leaf.key leaf.csr\n"
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        shell.arguments = ["-c", script, "sh", tree.path]
        try shell.run()
        shell.waitUntilExit()
        #expect(shell.terminationStatus == 0)
        let db = work.appendingPathComponent("s.db").path
        let scan = try PQScoutBinary.run(["scan", work.appendingPathComponent("tree").path, "--db", db])
        #expect(scan.status == 0, "stderr: \(scan.stderr)")
        return (work, db, leaves.map { "etc/ssl/" + $0 })
    }

    @Test("--output: one action for the five leaves, its CSV in plan-assets/ beside the plan, each leaf once")
    func outputBesidePlan() throws {
        let (work, db, leaves) = try Self.scannedLeaves()
        defer { try? FileManager.default.removeItem(at: work) }
        let out = work.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let plan = try PQScoutBinary.run([
            "plan", "--db", db, "--as-of", "2026-11-27", "--output", out.appendingPathComponent("plan.md").path,
        ])
        #expect(plan.status == 0, "stderr: \(plan.stderr)")
        #expect(plan.stdout.isEmpty)
        let markdown = try String(contentsOf: out.appendingPathComponent("plan.md"), encoding: .utf8)
        let heading = "### Re-issue 5 end-entity certificates (RSA-2048) with ML-DSA-65 (list: `plan-assets/"
        #expect(markdown.contains(heading))
        let folder = out.appendingPathComponent("plan-assets")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(files.count == 1)
        let name = try #require(files.first)
        #expect(!name.contains("/") && name.hasSuffix(".csv"))
        #expect(markdown.contains("plan-assets/\(name)"))
        let csv = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
        let rows = csv.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(rows.count == 6, "\(csv)")
        for leaf in leaves.dropLast() {
            #expect(rows.filter { $0.contains(",\(leaf),") }.count == 1, "\(leaf)")
        }
        // The hostile name is quoted (comma, quote) and its quotes doubled.
        #expect(rows.filter { $0.contains("\"etc/ssl/=cmd,\"\"x\"\".pem\"") }.count == 1, "\(csv)")
    }

    @Test("stdout without --assets-dir: no file is written, every leaf is listed in the plan itself")
    func stdoutInline() throws {
        let (work, db, leaves) = try Self.scannedLeaves()
        defer { try? FileManager.default.removeItem(at: work) }
        let plan = try PQScoutBinary.run(["plan", "--db", db, "--as-of", "2026-11-27"], in: work)
        #expect(plan.status == 0, "stderr: \(plan.stderr)")
        let markdown = String(decoding: plan.stdout, as: UTF8.self)
        for leaf in leaves { #expect(markdown.contains(leaf), "\(leaf)") }
        #expect(plan.stderr.contains("--assets-dir"))
        #expect(!FileManager.default.fileExists(atPath: work.appendingPathComponent("plan-assets").path))
    }

    @Test("--format json --assets-dir DIR: the action names the CSV under DIR and counts its assets")
    func jsonAssetsDir() throws {
        let (work, db, _) = try Self.scannedLeaves()
        defer { try? FileManager.default.removeItem(at: work) }
        let folder = work.appendingPathComponent("lists").path
        let plan = try PQScoutBinary.run([
            "plan", "--db", db, "--as-of", "2026-11-27", "--format", "json", "--assets-dir", folder,
        ])
        #expect(plan.status == 0, "stderr: \(plan.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: plan.stdout) as? [String: Any])
        let actions = try #require(document["actions"] as? [[String: Any]])
        let merged = try #require(actions.first { $0["assetList"] != nil })
        let list = try #require(merged["assetList"] as? [String: Any])
        #expect(list["count"] as? Int == 5)
        let file = try #require(list["file"] as? String)
        #expect(file.hasPrefix(folder + "/"))
        #expect(FileManager.default.fileExists(atPath: file))
        #expect((merged["retires"] as? [Any])?.count ?? 0 <= 3 * 2)
    }

    @Test("--output into a folder that does not exist: exit 2 with one line")
    func missingFolder() throws {
        let (work, db, _) = try Self.scannedLeaves()
        defer { try? FileManager.default.removeItem(at: work) }
        let plan = try PQScoutBinary.run([
            "plan", "--db", db, "--output", work.appendingPathComponent("nowhere/plan.md").path,
        ])
        #expect(plan.status == 2)
        #expect(plan.stderr.contains("cannot write"))
    }
}
