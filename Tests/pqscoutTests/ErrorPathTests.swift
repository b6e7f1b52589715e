import Foundation
import Testing

/// Every error path a user meets in the first hour prints one line, `pqscout: ...`, with the documented exit status
/// (README, "Exit status"), and a read-only command never writes into the file it was pointed at.
@Suite("Error paths: one line each, the documented exit status")
struct ErrorPathTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        /// `STORE` stands for a store holding one scan of the sample, `EMPTY` for a 0-byte file, `WORK` for a folder.
        var arguments: [String]
        var status: Int32
        /// Words the one line must contain.
        var says: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "report into a missing folder", arguments: ["report", "--db", "STORE", "--output", "WORK/no/dir/x"],
            status: 2, says: "cannot write WORK/no/dir/x: No such file or directory"),
        Case(
            name: "import of a missing file", arguments: ["import", "--db", "STORE", "WORK/missing.cdx.json"],
            status: 2, says: "cannot read WORK/missing.cdx.json: No such file or directory"),
        Case(
            name: "import of a device, which may never end", arguments: ["import", "--db", "STORE", "/dev/zero"],
            status: 2, says: "/dev/zero is not a regular file"),
        Case(
            name: "import of a folder", arguments: ["import", "--db", "STORE", "WORK"],
            status: 2, says: "WORK is not a regular file"),
        Case(
            name: "import of a file that is not JSON", arguments: ["import", "--db", "STORE", "WORK/notes.txt"],
            status: 2, says: "WORK/notes.txt"),
        Case(
            name: "a read-only command on an empty file", arguments: ["scans", "--db", "EMPTY"], status: 2,
            says: "is an empty file, not an inventory"),
        Case(
            name: "inventory of a missing store", arguments: ["inventory", "--db", "WORK/none.db"], status: 2,
            says: "no inventory at WORK/none.db"),
        Case(
            name: "a store that is not SQLite", arguments: ["inventory", "--db", "WORK/notes.txt"], status: 2,
            says: "WORK/notes.txt"),
        Case(
            name: "plan --patch onto a file", arguments: ["plan", "--db", "STORE", "--patch", "WORK/notes.txt"],
            status: 2, says: "cannot write patches to WORK/notes.txt: it is a file, not a folder"),
        Case(
            name: "plan --patch into a folder that is not empty",
            arguments: ["plan", "--db", "STORE", "--patch", "WORK"],
            status: 2, says: "is not empty; name a new folder, or add --force"),
        Case(
            name: "a scan id that does not exist", arguments: ["inventory", "--db", "STORE", "--scan", "99"],
            status: 64, says: "99"),
    ]

    @Test("one line, pqscout: prefix, documented status", arguments: cases)
    func errorPath(_ example: Case) throws {
        let work = try scratch()
        defer { try? FileManager.default.removeItem(at: work) }
        let store = work.appendingPathComponent("s.db").path
        _ = try PQScoutBinary.run(["scan", sample, "--db", store])
        let empty = work.appendingPathComponent("empty.db").path
        _ = FileManager.default.createFile(atPath: empty, contents: Data())
        try Data("plain words\n".utf8).write(to: work.appendingPathComponent("notes.txt"))
        let arguments = example.arguments.map {
            $0.replacingOccurrences(of: "STORE", with: store).replacingOccurrences(of: "EMPTY", with: empty)
                .replacingOccurrences(of: "WORK", with: work.path)
        }
        let outcome = try PQScoutBinary.run(arguments)
        let says = example.says.replacingOccurrences(of: "WORK", with: work.path)
        #expect(outcome.status == example.status, "\(arguments): \(outcome.stderr)")
        #expect(outcome.stderr.hasPrefix("pqscout: "), "\(outcome.stderr)")
        #expect(outcome.stderr.filter { $0 == "\n" }.count == 1, "more than one line: \(outcome.stderr)")
        #expect(outcome.stderr.contains(says), "\(outcome.stderr)")
        #expect(!outcome.stderr.contains("NSCocoaErrorDomain") && !outcome.stderr.contains("DecodingError"))
        let emptySize = try FileManager.default.attributesOfItem(atPath: empty)[.size] as? Int
        #expect(emptySize == 0, "a read-only command wrote into an empty file")
    }

    @Test("plan --patch --force replaces an older plan's patches and leaves nothing stale")
    func planForce() throws {
        let work = try scratch()
        defer { try? FileManager.default.removeItem(at: work) }
        let store = work.appendingPathComponent("s.db").path
        _ = try PQScoutBinary.run(["scan", sample, "--db", store])
        let patches = work.appendingPathComponent("patches")
        try FileManager.default.createDirectory(at: patches, withIntermediateDirectories: true)
        try Data("stale\n".utf8).write(to: patches.appendingPathComponent("99-old-action.patch"))
        try Data("keep\n".utf8).write(to: patches.appendingPathComponent("notes.txt"))
        let refused = try PQScoutBinary.run(["plan", "--db", store, "--patch", patches.path])
        #expect(refused.status == 2)
        let forced = try PQScoutBinary.run(["plan", "--db", store, "--patch", patches.path, "--force"])
        #expect(forced.status == 0, "\(forced.stderr)")
        let names = try FileManager.default.contentsOfDirectory(atPath: patches.path)
        #expect(!names.contains("99-old-action.patch"), "a stale patch of the older plan is left")
        #expect(names.contains("all.patch") && names.contains("README") && names.contains("notes.txt"))
    }

    @Test("scanning one sshd_config says where its Include resolves instead of ignoring it silently")
    func singleFile() throws {
        let work = try scratch()
        defer { try? FileManager.default.removeItem(at: work) }
        let config = work.appendingPathComponent("sshd_config")
        try Data("Include sshd_config.d/*.conf\nCiphers aes256-ctr\n".utf8).write(to: config)
        let outcome = try PQScoutBinary.run(["scan", config.path, "--db", work.appendingPathComponent("s.db").path])
        #expect(outcome.status == 0)
        #expect(outcome.stderr.contains("is one file: the paths it names (Include, certificates) resolve against"))
    }

    @Test("diff after the first scan says there is nothing to compare and exits 0")
    func diffFirstScan() throws {
        let work = try scratch()
        defer { try? FileManager.default.removeItem(at: work) }
        let store = work.appendingPathComponent("s.db").path
        _ = try PQScoutBinary.run(["scan", sample, "--db", store])
        let outcome = try PQScoutBinary.run(["diff", "--db", store])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(String(decoding: outcome.stdout, as: UTF8.self).hasPrefix("Nothing to compare: scan 1 is the first"))
    }

    @Test("options the chosen report format would ignore are refused (exit 64)")
    func ignoredOptions() throws {
        let work = try scratch()
        defer { try? FileManager.default.removeItem(at: work) }
        let store = work.appendingPathComponent("s.db").path
        _ = try PQScoutBinary.run(["scan", sample, "--db", store])
        let spec = try PQScoutBinary.run(["report", "--db", store, "--format", "sarif", "--spec", "1.7"])
        #expect(spec.status == 64)
        #expect(spec.stderr.contains("--spec applies to --format cbom only"))
        let plan = try PQScoutBinary.run(["report", "--db", store, "--format", "csv", "--plan"])
        #expect(plan.status == 64)
        #expect(plan.stderr.contains("--plan applies to --format html and md only"))
    }
}

/// Reports cite public documents only: no internal file name, no verification mark (issue: reports an auditor
/// can print and trust).
@Suite("Reports cite public sources only")
struct PublicSourceTests {
    @Test("assess, every report format, the plan and vendor check hold no internal reference or mark")
    func noInternalReferences() throws {
        let work = try scratch()
        defer { try? FileManager.default.removeItem(at: work) }
        let store = work.appendingPathComponent("s.db").path
        _ = try PQScoutBinary.run(["scan", sample, "--db", store])
        _ = try PQScoutBinary.run(["assess", "--db", store])
        var outputs: [(String, Data)] = []
        outputs.append(("assess json", try PQScoutBinary.run(["assess", "--db", store, "--format", "json"]).stdout))
        for format in ["cbom", "sarif", "html", "md", "csv", "json"] {
            outputs.append((format, try PQScoutBinary.run(["report", "--db", store, "--format", format]).stdout))
        }
        for format in ["md", "html", "json"] {
            outputs.append(
                ("plan " + format, try PQScoutBinary.run(["plan", "--db", store, "--format", format]).stdout))
        }
        let vendors = repositoryRoot.appendingPathComponent("sample-inventories/vendors").path
        let claims = [vendors + "/northwind-edgegate.claims.yaml", vendors + "/boxwall-securebox.claims.yaml"]
        for format in ["md", "html", "json"] {
            outputs.append(
                (
                    "vendor " + format,
                    try PQScoutBinary.run(["vendor", "check"] + claims + ["--format", format]).stdout
                ))
        }
        outputs.append(("catalog", try PQScoutBinary.run(["catalog", "X25519MLKEM768"]).stdout))
        for (name, data) in outputs {
            let text = String(decoding: data, as: UTF8.self)
            #expect(!text.isEmpty, "\(name) printed nothing")
            for needle in ["standards.md", "✅", "◐", "❓", "from memory", "not re-read"] {
                #expect(!text.contains(needle), "\(name) shows \(needle)")
            }
        }
    }
}
