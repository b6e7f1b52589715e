import Foundation
import PQModel
import Testing

@testable import PQScanners

/// A system_default line OpenSSL rejects is skipped where `SSL_CTX_new` applies the file, not fatal: the layer
/// below stands (a cipher string that matches nothing leaves only the TLS 1.3 suites). Held to the real thing:
/// `openssl ciphers -stdname -v` and a live `openssl s_server` on 127.0.0.1, each under `OPENSSL_CONF` naming the
/// same file.
@Suite("OpenSSL config: rejected system_default lines, against openssl ciphers and s_server", .serialized)
struct SystemDefaultOracleTests {
    static let head = OpenSSLConfScanner.exampleChain

    /// The linked library's version as a package record, so the model reads names as the CLI beside it does.
    static var linkedOpenSSL: [Software] {
        let version = OpenSSLVersion(parsing: CipherStringExpander.libraryVersion) ?? OpenSSLVersion(3, 0)
        return TLS.openssl("\(version.major).\(version.minor).\(version.patch)-1")
    }

    /// Runs the CLI with its output in a file, not a pipe: a server another test starts meanwhile would inherit
    /// the pipe's write end and hold the read open until it exits.
    static func run(_ arguments: [String], conf: URL?, directory: URL? = nil) throws -> (status: Int32, out: String) {
        let outFile = FileManager.default.temporaryDirectory.appendingPathComponent("pqscout-out-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: outFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: outFile) }
        let out = try FileHandle(forWritingTo: outFile)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["OPENSSL_CONF"] = conf?.path ?? "/dev/null"
        // Put in front of relative `.include` paths: the tests name their own folders.
        environment["OPENSSL_CONF_INCLUDE"] = nil
        process.environment = environment
        if let directory { process.currentDirectoryURL = directory }
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try out.close()
        return (process.terminationStatus, try String(contentsOf: outFile, encoding: .utf8))
    }

    /// Starts `openssl s_server` with `arguments` under `OPENSSL_CONF` (`conf`, else none) and waits until it
    /// listens on `port`.
    static func startServer(_ arguments: [String], conf: URL?, port: Int) throws -> Process {
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        server.arguments = ["openssl", "s_server"] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["OPENSSL_CONF"] = conf?.path ?? "/dev/null"
        server.environment = environment
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        server.standardInput = FileHandle.nullDevice
        try server.run()
        let deadline = Date().addingTimeInterval(10)
        while !TLSLiveOracleTests.listening(port), Date() < deadline { usleep(50_000) }
        guard TLSLiveOracleTests.listening(port) else {
            stop(server)
            throw CocoaError(.featureUnsupported, userInfo: [NSLocalizedDescriptionKey: "s_server did not start"])
        }
        return server
    }

    /// SIGKILL: started from the test process, s_server was seen to outlive SIGTERM.
    static func stop(_ server: Process) {
        kill(server.processIdentifier, SIGKILL)
        server.waitUntilExit()
    }

    static func scan(_ text: String) -> ScanOutput {
        OpenSSLConfScanner().scan(
            ScanInput(
                path: ScanPath("etc/ssl/openssl.cnf"), bytes: Array(text.utf8),
                context: ScanContext(software: linkedOpenSSL)))
    }

    static let suiteCases: [(String, String)] = [
        ("a cipher string that matches nothing", "CipherString = NOT-A-CIPHER\n"),
        ("a cipher string with a syntax error", "CipherString = AES128-SHA:@NOT-A-RULE\n"),
        ("a TLS 1.3 list of unknown names", "Ciphersuites = TLS_NOT_A_SUITE\n"),
        ("a TLS 1.3 list with one unknown name", "Ciphersuites = TLS_NOT_A_SUITE:TLS_AES_128_GCM_SHA256\n"),
        ("both rejected", "CipherString = NOT-A-CIPHER\nCiphersuites = TLS_NOT_A_SUITE\n"),
        ("both accepted", "CipherString = AES128-SHA\nCiphersuites = TLS_AES_128_GCM_SHA256\n"),
    ]

    @Test("the suites named are those openssl ciphers lists under the same file", arguments: suiteCases.indices)
    func suitesMatchOpenSSL(index: Int) throws {
        let (name, section) = Self.suiteCases[index]
        let text = Self.head + section
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pqscout-cnf-\(UUID().uuidString)")
        try Data(text.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let cli = try Self.run(["ciphers", "-stdname", "-v"], conf: file)
        #expect(cli.status == 0, "\(name)")
        let expected = cli.out.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }
        let output = Self.scan(text)
        let suites = output.findings.filter { $0.usage == .cipherSuite && $0.note?.contains("OpenSSL name ") == true }
        #expect(Set(suites.map(\.algorithm)) == Set(expected), "\(name)")
        // The rejected line is reported where it is written, never in force, with a diagnostic; nothing refuses.
        let rejected = output.findings.filter { $0.note?.contains("rejects this system_default") == true }
        #expect(rejected.allSatisfy { !$0.effective && $0.line != nil }, "\(name)")
        #expect(rejected.count == output.diagnostics.count, "\(name): \(output.diagnostics.map(\.detail))")
        #expect(!output.findings.contains { $0.note?.contains("refuses to start") == true }, "\(name)")
    }

    /// (name, the section's lines, the groups whose handshakes succeed).
    static let groupCases: [(String, String)] = [
        ("a group list naming a group the library lacks", "Groups = X25519MLKEM768:X25519\n"),
        ("a group list of unknown names", "Groups = not-a-group\n"),
        ("a valid group list", "Groups = X25519:secp384r1\n"),
    ]

    static let probedGroups = ["x25519", "secp256r1", "secp384r1", "secp521r1", "x448", "ffdhe2048", "ffdhe3072"]

    @Test("the groups in force are those a live s_server under the same file accepts", arguments: groupCases.indices)
    func groupsMatchServer(index: Int) throws {
        let (name, section) = Self.groupCases[index]
        let text = Self.head + section
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("pqscout-sd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let conf = work.appendingPathComponent("openssl.cnf")
        try Data(text.utf8).write(to: conf)
        let key = work.appendingPathComponent("key.pem").path
        let certificate = work.appendingPathComponent("cert.pem").path
        let made = try Self.run(
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key,
                "-out", certificate, "-subj", "/CN=localhost", "-days", "1",
            ], conf: nil)
        #expect(made.status == 0)

        let port = TLSLiveOracleTests.freePort()
        let server = try Self.startServer(
            [
                "-accept", "127.0.0.1:\(port)", "-cert", certificate, "-key", key, "-www", "-naccept",
                "\(Self.probedGroups.count + 20)",
            ], conf: conf, port: port)
        defer { Self.stop(server) }

        var accepted: Set<String> = []
        for group in Self.probedGroups {
            let client = try Self.run(
                ["s_client", "-connect", "127.0.0.1:\(port)", "-groups", group, "-tls1_3", "-brief"], conf: nil)
            if client.status == 0 { accepted.insert(group) }
        }
        let output = Self.scan(text)
        let inForce = Set(
            output.findings.filter { $0.usage == .group && $0.effective }.map { $0.algorithm.lowercased() })
        #expect(inForce.intersection(Self.probedGroups) == accepted, "\(name)")
        #expect(!accepted.isEmpty, "\(name)")
    }

    /// (name, the section's lines): system_default cipher strings whose suites a client offers.
    static let offeredCases: [(String, String)] = [
        (
            "suites of every key type, TLS 1.2 at most",
            "CipherString = ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:DHE-RSA-AES128-GCM-SHA256:"
                + "AES128-SHA\nMaxProtocol = TLSv1.2\n"
        ),
        ("security level 3 keeps the forward-secret ones", "CipherString = DEFAULT:@SECLEVEL=3\n"),
        ("ECDSA suites only", "CipherString = ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305\n"),
    ]

    /// TLS 1.2 suites of each key type and key exchange: each is held by a server that takes only it.
    static let offeredProbes: [(suite: String, key: String)] = [
        ("ECDHE-ECDSA-AES128-GCM-SHA256", "ec"), ("ECDHE-ECDSA-CHACHA20-POLY1305", "ec"),
        ("ECDHE-RSA-AES256-GCM-SHA384", "rsa:2048"), ("DHE-RSA-AES128-GCM-SHA256", "rsa:2048"),
        ("AES128-SHA", "rsa:2048"),
    ]

    /// system_default is judged as offered: its applications connect out as much as they serve, and a client
    /// offers every suite of its list whatever key a server holds. Held to a live `s_client` under the file: it
    /// completes a TLS 1.2 handshake with a server that takes only one suite exactly when PQScout has that suite
    /// in force.
    @Test(
        "each suite system_default names is in force exactly when a client under the file negotiates it",
        .enabled(if: TestCertificates.opensslPath != nil, "needs openssl"))
    func suitesOfferedMatchClient() throws {
        let work = try TestCertificates.temporaryDirectory("system-default-offered")
        defer { try? FileManager.default.removeItem(at: work) }
        var confs: [URL] = []
        var inForce: [Set<String>] = []
        for (index, (_, section)) in Self.offeredCases.enumerated() {
            let conf = work.appendingPathComponent("openssl-\(index).cnf")
            try Data((Self.head + section).utf8).write(to: conf)
            confs.append(conf)
            let suites = Self.scan(Self.head + section).findings.filter { $0.usage == .cipherSuite && $0.effective }
            inForce.append(
                Set(
                    suites.compactMap { finding in
                        finding.note?.components(separatedBy: "OpenSSL name ").dropFirst().first?
                            .split(separator: ",").first.map(String.init)
                    }))
        }
        // A 3072-bit group for the DHE server: a client at security level 3 refuses smaller ones ("dh key too
        // small"), which is the server's doing, not the client's offer.
        let parameters = work.appendingPathComponent("dh.pem").path
        let made = try Self.run(
            ["genpkey", "-genparam", "-algorithm", "DH", "-pkeyopt", "group:ffdhe3072", "-out", parameters], conf: nil)
        try #require(made.status == 0)
        var negotiated: [Set<String>] = Array(repeating: [], count: Self.offeredCases.count)
        for probe in Self.offeredProbes {
            try #require(TestCertificates.make(probe.key, in: work, name: probe.suite) != nil)
            let port = TLSLiveOracleTests.freePort()
            let server = try Self.startServer(
                [
                    "-accept", "127.0.0.1:\(port)", "-cert", work.appendingPathComponent("\(probe.suite).crt").path,
                    "-key", work.appendingPathComponent("\(probe.suite).key").path, "-cipher", probe.suite,
                    "-no_tls1_3", "-www", "-naccept", "\(Self.offeredCases.count + 20)", "-dhparam", parameters,
                ], conf: nil, port: port)
            defer { Self.stop(server) }
            for (index, conf) in confs.enumerated() {
                let client = try Self.run(
                    ["s_client", "-connect", "127.0.0.1:\(port)", "-tls1_2", "-brief"], conf: conf)
                if client.status == 0 { negotiated[index].insert(probe.suite) }
            }
        }
        let probed = Set(Self.offeredProbes.map(\.suite))
        for (index, (name, _)) in Self.offeredCases.enumerated() {
            #expect(inForce[index].intersection(probed) == negotiated[index], "\(name)")
        }
        // Each case negotiates something, and some suite of an ECDSA key and of an RSA one is negotiated.
        #expect(negotiated.allSatisfy { !$0.isEmpty })
        #expect(negotiated[0].contains("ECDHE-ECDSA-AES128-GCM-SHA256") && negotiated[0].contains("AES128-SHA"))
    }
}
