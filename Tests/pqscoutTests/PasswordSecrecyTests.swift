import Foundation
import Testing

/// `--password-file` and `PQSCOUT_PASSWORDS` open protected files without the password ever showing in `ps`,
/// the store, the JSON or any report.
@Suite("Passwords stay secret")
struct PasswordSecrecyTests {
    static let openssl = "/usr/bin/openssl"
    static var hasOpenSSL: Bool { FileManager.default.isExecutableFile(atPath: openssl) }
    /// A needle no tool output would hold by chance.
    static let password = "Pqs-needle-7f3c91e2"

    static func tool(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: openssl)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "openssl \(arguments.joined(separator: " "))")
    }

    /// A tree with an encrypted PKCS#8 RSA-3072 key and a legacy (RC2-40) PFX, both under the needle.
    static func protectedTree(_ work: URL) throws -> URL {
        let tree = work.appendingPathComponent("tree")
        try FileManager.default.createDirectory(at: tree, withIntermediateDirectories: true)
        let key = work.appendingPathComponent("plain.pem").path
        let certificate = work.appendingPathComponent("c.pem").path
        let pass = "pass:\(password)"
        try tool(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:3072", "-out", key])
        try tool([
            "pkey", "-in", key, "-aes-256-cbc", "-passout", pass, "-out", tree.appendingPathComponent("app.key").path,
        ])
        try tool(["req", "-x509", "-new", "-key", key, "-subj", "/CN=secret.example", "-out", certificate])
        try tool([
            "pkcs12", "-export", "-legacy", "-in", certificate, "-inkey", key, "-passout", pass, "-out",
            tree.appendingPathComponent("app.pfx").path,
        ])
        try FileManager.default.removeItem(atPath: key)
        return tree
    }

    /// Runs pqscout, reading its command line from `ps` and /proc while it runs.
    static func runWatched(_ arguments: [String], environment: [String: String]? = nil) throws -> (
        status: Int32, stdout: String, commandLines: [String]
    ) {
        let process = Process()
        process.executableURL = PQScoutBinary.url
        process.arguments = arguments
        if let environment { process.environment = environment }
        // Output to a file, so no reader thread is needed while ps is polled.
        let outURL = FileManager.default.temporaryDirectory.appendingPathComponent("pqs-out-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: outURL) }
        let outHandle = try FileHandle(forWritingTo: outURL)
        process.standardOutput = outHandle
        process.standardError = FileHandle.nullDevice
        try process.run()
        var lines: [String] = []
        while process.isRunning {
            let pid = process.processIdentifier
            if let cmdline = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") {
                lines.append(String(decoding: cmdline.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self))
            }
            let ps = Process()
            ps.executableURL = URL(fileURLWithPath: "/bin/ps")
            ps.arguments = ["-ww", "-o", "args=", "-p", String(pid)]
            let psOut = Pipe()
            ps.standardOutput = psOut
            ps.standardError = FileHandle.nullDevice
            if (try? ps.run()) != nil {
                let data = psOut.fileHandleForReading.readDataToEndOfFile()
                ps.waitUntilExit()
                lines.append(String(decoding: data, as: UTF8.self))
            }
        }
        process.waitUntilExit()
        try outHandle.close()
        let stdout = try Data(contentsOf: outURL)
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), lines)
    }

    @Test(
        "--password-file and PQSCOUT_PASSWORDS open the files; the password is in no ps line, store, JSON or report",
        .enabled(if: hasOpenSSL))
    func neverShown() throws {
        let work = try scratch()
        defer { try? FileManager.default.removeItem(at: work) }
        let tree = try Self.protectedTree(work)
        let passwordFile = work.appendingPathComponent("passwords").path
        try Data("first-wrong-one\n\(Self.password)\n".utf8).write(to: URL(fileURLWithPath: passwordFile))
        let needle = Data(Self.password.utf8)

        var environment = ProcessInfo.processInfo.environment
        environment["PQSCOUT_PASSWORDS"] = nil
        let viaFile = work.appendingPathComponent("file.db").path
        let byFile = try Self.runWatched(
            ["scan", tree.path, "--db", viaFile, "--password-file", passwordFile, "--format", "json"],
            environment: environment)
        environment["PQSCOUT_PASSWORDS"] = "other\n" + Self.password
        let viaEnvironment = work.appendingPathComponent("env.db").path
        let byEnvironment = try Self.runWatched(
            ["scan", tree.path, "--db", viaEnvironment, "--format", "json"], environment: environment)

        for (name, run) in [("file", byFile), ("environment", byEnvironment)] {
            #expect(run.status == 0, "\(name)")
            #expect(run.commandLines.contains { $0.contains("scan") }, "\(name): the running scan was seen in ps")
            #expect(!run.commandLines.contains { $0.contains(Self.password) }, "\(name): password in ps")
            #expect(!run.stdout.contains(Self.password), "\(name): password in the JSON")
            // The files were opened: the key's real size and the PFX's certificate are in the inventory.
            #expect(run.stdout.contains("\"keyBits\" : 3072") || run.stdout.contains("\"keyBits\":3072"), "\(name)")
            #expect(run.stdout.contains("\"source\" : \"pkcs12\""), "\(name): the legacy PFX was opened")
            #expect(!run.stdout.contains("\"reason\" : \"encrypted\""), "\(name)")
        }
        for db in [viaFile, viaEnvironment] {
            for suffix in ["", "-wal", "-shm", "-journal"] {
                if let bytes = FileManager.default.contents(atPath: db + suffix) {
                    #expect(bytes.range(of: needle) == nil, "password in the store \(db + suffix)")
                }
            }
            for format in ["cbom", "sarif", "html", "md", "csv", "json"] {
                let report = try PQScoutBinary.run(["report", "--db", db, "--format", format])
                #expect(report.status == 0, "report \(format): \(report.stderr)")
                #expect(!report.stdout.isEmpty)
                #expect(report.stdout.range(of: needle) == nil, "password in the \(format) report")
            }
            for format in ["json", "csv", "table"] {
                let inventory = try PQScoutBinary.run(["inventory", "--db", db, "--format", format])
                #expect(inventory.stdout.range(of: needle) == nil, "password in inventory \(format)")
            }
        }
    }

    @Test(
        "--pkcs12-password stays an alias of --password; an unreadable --password-file is a one-line error, exit 2",
        .enabled(if: hasOpenSSL))
    func aliasAndErrors() throws {
        let work = try scratch()
        defer { try? FileManager.default.removeItem(at: work) }
        let tree = try Self.protectedTree(work)
        let alias = try PQScoutBinary.run([
            "scan", tree.path, "--db", work.appendingPathComponent("a.db").path, "--pkcs12-password", Self.password,
            "--format", "json",
        ])
        #expect(alias.status == 0)
        #expect(String(decoding: alias.stdout, as: UTF8.self).contains("\"source\" : \"pkcs12\""))
        let missing = try PQScoutBinary.run([
            "scan", tree.path, "--db", work.appendingPathComponent("b.db").path, "--password-file",
            work.appendingPathComponent("absent").path,
        ])
        #expect(missing.status == 2)
        #expect(missing.stderr.split(separator: "\n").count == 1)
        #expect(missing.stderr.contains("password file"))
    }
}
