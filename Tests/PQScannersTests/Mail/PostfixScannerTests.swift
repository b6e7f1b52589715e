import Foundation
import PQModel
import Testing

@testable import PQScanners

@Suite("Postfix scanner: main.cf, master.cf overrides, grades and defaults")
struct PostfixScannerTests {
    let scanner = PostfixScanner()

    func tree() throws -> MemoryTree {
        try MailVPNFixtures.tree([
            "etc/postfix/main.cf": "mail/postfix/main.cf", "etc/postfix/master.cf": "mail/postfix/master.cf",
            "etc/postfix/certs/rsa.pem": "x509/rsa2048-selfsigned.pem",
            "etc/postfix/dh2048.pem": "x509/dhparam2048.pem",
        ])
    }

    @Test("the last of two settings wins, the grade resolves through its cipherlist and excludes are appended")
    func gradeAndExcludes() throws {
        let out = try MailVPNFixtures.scan(scanner, "etc/postfix/main.cf", in: tree())
        // ECDHE+AESGCM:DHE+AESGCM:!aNULL:!MD5:!RC4, expanded by the shared OpenSSL expander.
        let ciphers = out.findings("smtpd_tls_ciphers").filter { $0.context == "smtpd" }
        let suites = ciphers.filter { $0.usage == .cipherSuite }
        #expect(!suites.isEmpty && ciphers.allSatisfy { $0.line == 6 && $0.origin == .file })
        #expect(suites.allSatisfy { $0.algorithm.hasPrefix("TLS_ECDHE_") || $0.algorithm.hasPrefix("TLS_DHE_") })
        #expect(suites.allSatisfy { $0.algorithm.contains("GCM") && !$0.algorithm.contains("anon") })
        #expect(suites.first?.note?.contains("expanded by") == true)
        #expect(ciphers.contains { $0.usage == .keyExchange }, "each suite is split into its parts")
    }

    @Test("protocol exclusions leave TLS 1.2 and 1.3; the client's mandatory list at level encrypt keeps TLSv1")
    func protocols() throws {
        let out = try MailVPNFixtures.scan(scanner, "etc/postfix/main.cf", in: tree())
        #expect(out.algorithms("smtpd_tls_protocols") == ["TLSv1.2", "TLSv1.3"])
        #expect(out.algorithms("smtp_tls_mandatory_protocols") == ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"])
        #expect(out.findings("smtp_tls_mandatory_protocols").first?.quantumStatus == .broken)
        #expect(out.findings("smtp_tls_protocols").isEmpty, "opportunistic list is not in force at level encrypt")
        let mandatory = out.findings("smtp_tls_mandatory_ciphers")
        #expect(!mandatory.isEmpty && mandatory.allSatisfy { $0.line == 21 && $0.origin == .file })
        #expect(
            mandatory.contains { $0.algorithm.contains("anon") }, "medium starts with aNULL:-aNULL: anon suites stay")
    }

    @Test("groups with ? prefix, a default FFDHE list, the DH file's size and the chain file's certificate")
    func groupsDHAndCertificates() throws {
        let out = try MailVPNFixtures.scan(scanner, "etc/postfix/main.cf", in: tree())
        // tls_eecdh_auto_curves and tls_ffdhe_auto_groups reach OpenSSL as one list (resolved by the shared code).
        let curves = out.findings("tls_eecdh_auto_curves").filter { $0.context == "smtpd" }
        #expect(Array(curves.map(\.canonical).prefix(3)) == ["ML-KEM-768+X25519", "X25519", "P-256"])
        #expect(curves.first?.quantumStatus == .hybrid)
        #expect(curves.allSatisfy { $0.line == 16 })
        let dh = try #require(out.findings("smtpd_tls_dh1024_param_file").first)
        #expect(dh.keyBits == 2048)
        let chain = out.findings("smtpd_tls_chain_files").filter { $0.usage == .publicKey }
        #expect(chain.first?.canonical == "RSA" && chain.first?.keyBits == 2048 && chain.first?.asset != nil)
        #expect(out.diagnostics.contains { $0.reason == .unreadable && $0.detail.contains("missing.pem") })
    }

    /// `pqscout scan host-a host-b` labels each root (`1-mx/etc/...`); a chain file's absolute path is looked up
    /// under the config's own label, as the emitter links it. The key file was read as a certificate before:
    /// "nothing readable in 1-mx/etc/ssl/private/ed.key", and its key was not reported.
    @Test("in a scan of several roots, a chain file holding a key is linked as a key")
    func chainFilesUnderRootLabel() throws {
        var contents = try MailVPNFixtures.tree([
            "1-mx/etc/ssl/private/ed.key": "x509/ed25519-pkcs8-testkey.pem",
            "1-mx/etc/ssl/certs/rsa.pem": "x509/rsa2048-selfsigned.pem",
        ]).contents
        contents[ScanPath("1-mx/etc/postfix/main.cf")] = Array(
            "smtpd_tls_security_level = may\nsmtpd_tls_chain_files = /etc/ssl/private/ed.key, /etc/ssl/certs/rsa.pem\n"
                .utf8)
        let tree = MemoryTree(contents: contents)
        let out = try MailVPNFixtures.scan(scanner, "1-mx/etc/postfix/main.cf", in: tree)
        let chain = out.findings("smtpd_tls_chain_files").filter { $0.usage == .publicKey }
        #expect(chain.contains { $0.note?.contains("privateKey of 1-mx/etc/ssl/private/ed.key") == true })
        #expect(chain.contains { $0.note?.contains("subjectPublicKey of 1-mx/etc/ssl/certs/rsa.pem") == true })
        #expect(!out.diagnostics.contains { $0.detail.contains("nothing readable") }, "\(out.diagnostics)")
    }

    @Test("$name, ${name}, ${name?x} and ${name:x} expand; $$ is a dollar")
    func expansion() {
        var parameters = PostfixParameters()
        parameters.set("a", "A", path: ScanPath("main.cf"), line: 1)
        parameters.set("b", "$a-${a}-$(a)", path: ScanPath("main.cf"), line: 2)
        parameters.set("loop", "$loop", path: ScanPath("main.cf"), line: 3)
        parameters.set("c", "${a?yes}${missing?no}${missing:fallback}$$", path: ScanPath("main.cf"), line: 4)
        #expect(parameters.expanded("b") == "A-A-A")
        #expect(parameters.expanded("c") == "yesfallback$")
        #expect(parameters.expanded("loop").isEmpty)
        #expect(throws: PostfixParameters.ExpansionFailure.loop(["loop", "loop"])) { try parameters.evaluate("loop") }
        #expect(parameters.expanded("tls_high_cipherlist").hasPrefix("aNULL:-aNULL:HIGH:"))
    }

    /// Main.cf texts and what Postfix's own `postconf -x` makes of one parameter: its value, or failure.
    /// `postconf -x` prints only parameters Postfix knows (or ones a known parameter uses), so each case sets
    /// `smtpd_banner`.
    static let expansionCases: [(name: String, text: String)] = [
        ("a chain of 30 references (deeper than PQScout's old limit of 16)", "smtpd_banner = $p0\n" + chain(30)),
        ("a two-name loop", "smtpd_banner = $b\nb = $c\nc = x $b\n"),
        ("${name?text} tests the value as written: no loop", "smtpd_banner = ${smtpd_banner?yes}\n"),
        ("presence tests and defaults", "a = A\nsmtpd_banner = ${a?[$a]}${z:none}$$\n"),
        ("a reference to a built-in default", "smtpd_banner = $tls_high_cipherlist:!RC4\n"),
        ("a test of a value that expands to nothing", "e = $f\nsmtpd_banner = ${e?set}${f:unset}\n"),
    ]

    static func chain(_ length: Int) -> String {
        (0..<length).map { "p\($0) = v\($0) $p\($0 + 1)\n" }.joined() + "p\(length) = end\n"
    }

    /// The real thing: each case through `postconf -c DIR -x NAME`, and PQScout must agree on the value, or on
    /// the failure (postconf exits 1 with "fatal: macro processing error").
    @Test("$name expansion agrees with postconf -x: values, deep chains, loops", arguments: 0..<6)
    func expansionAgreesWithPostconf(_ index: Int) throws {
        let postconf = "/usr/sbin/postconf"
        guard FileManager.default.isExecutableFile(atPath: postconf) else {
            print("skipped: \(postconf) is not installed (.ci/run installs postfix)")
            return
        }
        let item = Self.expansionCases[index]
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pqs-postconf-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try item.text.write(to: directory.appendingPathComponent("main.cf"), atomically: true, encoding: .utf8)
        try "".write(to: directory.appendingPathComponent("master.cf"), atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: postconf)
        process.arguments = ["-c", directory.path, "-x", "-h", "smtpd_banner"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = Pipe()
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()

        // The built-in values of the Postfix that answers.
        let release = try #require(try PostfixDefaultsTests.installed())
        var parameters = PostfixParameters(release: release)
        var ignored = ConfigFindings(path: ScanPath("main.cf"), source: .postfix, catalog: .shared)
        _ = parameters.readMain(Array(item.text.utf8), path: ScanPath("main.cf"), &ignored)
        let ours = Result { () throws(PostfixParameters.ExpansionFailure) in try parameters.evaluate("smtpd_banner") }
        switch ours {
        case .success(let value):
            #expect(process.terminationStatus == 0, "\(item.name): postconf failed where PQScout did not")
            #expect(value == String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines), "\(item.name)")
        case .failure(let failure):
            #expect(process.terminationStatus != 0, "\(item.name): PQScout refused (\(failure)), postconf did not")
        }
    }

    @Test("a loop in a parameter the SMTP server reads: one diagnostic, and nothing reported as in force for it")
    func loopStopsTheDaemon() {
        let text = "smtpd_tls_security_level = may\nmy_curves = X25519 $my_curves\ntls_eecdh_auto_curves = $my_curves\n"
        let out = MailVPNFixtures.scan(scanner, text: text, path: "etc/postfix/main.cf")
        #expect(out.findings.isEmpty, "both daemons read tls_eecdh_auto_curves: neither starts")
        #expect(out.diagnostics.count == 1)
        let detail = out.diagnostics.first?.detail ?? ""
        #expect(detail.contains("line 3") && detail.contains("$my_curves → $my_curves"))
        #expect(detail.contains("fatal: macro processing error") && detail.contains("does not start"))
    }

    /// The input the postfix fuzzer stopped on (a timeout): references that double at each level. It must finish
    /// at once with a diagnostic instead of expanding 2^depth copies.
    @Test("references that double at each level stop at the expansion budget")
    func doublingReferences() {
        let text =
            (0..<40).map { "d\($0) = $d\($0 + 1) $d\($0 + 1)\n" }.joined()
            + "d40 = X25519\nsmtpd_tls_security_level = may\ntls_eecdh_auto_curves = $d0\n"
        let out = MailVPNFixtures.scan(scanner, text: text, path: "etc/postfix/main.cf")
        #expect(out.findings.isEmpty)
        #expect(out.diagnostics.first?.detail.contains("does not evaluate it") == true)
    }

    @Test("master.cf: -o overrides per service, with main.cf for the rest; the -o line is the finding's line")
    func masterOverrides() throws {
        let out = try MailVPNFixtures.scan(scanner, "etc/postfix/master.cf", in: tree())
        let submission = out.findings.filter { $0.context == "submission inet" }
        #expect(submission.filter { $0.usage == .protocolVersion }.map(\.algorithm) == ["TLSv1.3"])
        #expect(submission.first { $0.usage == .protocolVersion }?.line == 6)
        let smtps = out.findings.filter { $0.context == "smtps inet" && $0.usage == .protocolVersion }
        #expect(smtps.map(\.algorithm) == ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"])
        #expect(smtps.allSatisfy { $0.origin == .default })
        #expect(!out.findings.contains { $0.context == "smtp inet" || $0.context == "pickup unix" })
        let malformed = out.diagnostics.filter { $0.reason == .malformed }
        #expect(malformed.count == 1)
        #expect(malformed.first?.detail.contains("line 14") == true)
        #expect(out.findings.allSatisfy { $0.path == ScanPath("etc/postfix/master.cf") }, "each file reports its own")
    }

    @Test("with no TLS security level, the defaults are reported as not in force")
    func tlsOff() {
        let out = MailVPNFixtures.scan(scanner, text: "myhostname = mx.example.org\n", path: "etc/postfix/main.cf")
        let protocols = out.findings("smtpd_tls_protocols")
        #expect(protocols.map(\.algorithm) == ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"])
        #expect(protocols.allSatisfy { !$0.effective && $0.origin == .default })
        let ciphers = out.findings("smtpd_tls_ciphers")
        #expect(!ciphers.isEmpty && ciphers.allSatisfy { !$0.effective && $0.origin == .default })
        #expect(out.diagnostics.isEmpty)
    }

    /// Postfix does not refuse to start when it cannot load its certificate: smtpd runs on without TLS
    /// (tls_server.c, `set_cert_stuff`: "cannot get RSA certificate from file ...: disabling TLS support").
    @Test("a missing certificate turns TLS off for smtpd, built-in DH group included, and says so, not 'refuses'")
    func missingCertificateTurnsTLSOff() {
        let main = """
            smtpd_tls_cert_file = /etc/ssl/missing.pem
            smtpd_tls_key_file = /etc/ssl/missing.key
            smtpd_tls_security_level = may

            """
        let tree = MemoryTree(contents: [ScanPath("etc/postfix/main.cf"): Array(main.utf8)])
        let out = scanner.scan(
            ScanInput(
                path: ScanPath("etc/postfix/main.cf"), bytes: Array(main.utf8), context: ScanContext(tree: tree)))
        let smtpd = out.findings.filter { $0.context == "smtpd" }
        #expect(!smtpd.isEmpty)
        #expect(out.findings("smtpd_tls_dh1024_param_file").count == 1)
        for finding in smtpd {
            #expect(!finding.effective, "\(finding.setting) \(finding.algorithm)")
            #expect(
                finding.note?.hasPrefix(
                    "TLS is off for smtpd: Postfix disables TLS support when it cannot set it up: certificate file "
                        + "/etc/ssl/missing.pem is not in the scanned tree") == true, "\(finding.note ?? "")")
        }
        #expect(!out.findings.contains { $0.note?.contains("refuses to start") == true })
    }

    @Test("legacy smtpd_use_tls turns TLS on; an unknown grade is one diagnostic naming the line")
    func legacyAndBadGrade() {
        let out = MailVPNFixtures.scan(
            scanner, text: "smtpd_use_tls = yes\nsmtpd_tls_ciphers = bogus\n", path: "etc/postfix/main.cf")
        // TLS is on, with every version Postfix's default `>=TLSv1` names: 1.0 and 1.1 need security level 0 on
        // OpenSSL 3.0, and Postfix sets level 0 for opportunistic TLS (PostfixLiveOracleTests shows them negotiate).
        let protocols = out.findings("smtpd_tls_protocols")
        #expect(protocols.filter(\.effective).map(\.algorithm) == ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"])
        #expect(out.diagnostics.count == 1)
        #expect(out.diagnostics.first?.detail.contains("line 2") == true)
    }

    /// main.cf's smtpd settings are in force only for an smtpd service of master.cf that takes them: one without
    /// TLS overrides of its own. `PostfixLiveOracleTests` holds the send-only case to a running Postfix.
    @Test(
        "main.cf's smtpd endpoint is in force only when master.cf runs an smtpd without TLS overrides",
        arguments: [
            ("smtp inet n - y - - smtpd\n", true),
            ("smtp inet n - y - 1 postscreen\nsmtpd pass - - y - - smtpd\n", true),
            ("#smtp inet n - y - - smtpd\npickup unix n - y 60 1 pickup\n", false),
            ("submission inet n - y - - smtpd -o smtpd_tls_security_level=encrypt\n", false),
            (nil, true),
        ])
    func masterDecidesMainEndpoint(master: String?, inForce: Bool) {
        let main = "smtpd_tls_security_level = may\nsmtp_tls_security_level = may\n"
        var contents = [ScanPath("etc/postfix/main.cf"): Array(main.utf8)]
        if let master { contents[ScanPath("etc/postfix/master.cf")] = Array(master.utf8) }
        let out = scanner.scan(
            ScanInput(
                path: ScanPath("etc/postfix/main.cf"), bytes: Array(main.utf8),
                context: ScanContext(tree: MemoryTree(contents: contents))))
        let server = out.findings.filter { $0.context == "smtpd" }
        #expect(!server.isEmpty)
        #expect(server.contains { $0.effective } == inForce, "\(master ?? "no master.cf")")
        if !inForce {
            #expect(
                server.allSatisfy {
                    $0.note?.hasPrefix("not in force: ") == true && $0.note?.contains(" etc/postfix/master.cf ") == true
                })
        }
        // The client is not master.cf's smtpd: its settings stay in force.
        #expect(out.findings.contains { $0.context == "smtp" && $0.effective })
    }

    /// Postfix adds exclusions of its own to the grade's list (smtpd.c `ask_client_cert`, smtp_tls_policy.c
    /// `also_exclude`): anonymous suites go where a certificate is asked for or verified, NULL encryption for the
    /// client at `encrypt` (so `encrypt` with the `null` grade leaves no suite: TLS is off).
    @Test(
        "Postfix's own exclusions: aNULL when a certificate is asked for or verified, eNULL for the client at encrypt",
        arguments: [
            ("smtpd_tls_security_level = may\nsmtpd_tls_ask_ccert = yes\n", "smtpd", "_anon_", false),
            ("smtpd_tls_security_level = encrypt\nsmtpd_tls_req_ccert = yes\n", "smtpd", "_anon_", false),
            ("smtpd_tls_security_level = may\n", "smtpd", "_anon_", true),
            ("smtp_tls_security_level = verify\n", "smtp", "_anon_", false),
            ("smtp_tls_security_level = may\n", "smtp", "_anon_", true),
            ("smtp_tls_security_level = encrypt\nsmtp_tls_mandatory_ciphers = null\n", "smtp", "_NULL_", false),
            // Level 1 on a verified connection drops NULL suites too; level 0 at `may` keeps them.
            ("smtp_tls_security_level = fingerprint\nsmtp_tls_mandatory_ciphers = null\n", "smtp", "_NULL_", false),
            ("smtp_tls_security_level = may\nsmtp_tls_ciphers = null\n", "smtp", "_NULL_", true),
        ])
    func ownExclusions(main: String, context: String, marker: String, inForce: Bool) {
        let out = MailVPNFixtures.scan(scanner, text: main, path: "etc/postfix/main.cf")
        let suites = out.findings.filter {
            $0.context == context && $0.usage == .cipherSuite && $0.algorithm.contains(marker)
        }
        #expect(suites.contains { $0.effective } == inForce, "\(main)")
    }

    @Test("an unknown grade is one diagnostic even with exclusions appended")
    func badGradeWithExclusions() {
        let out = MailVPNFixtures.scan(
            scanner,
            text: "smtpd_tls_security_level = may\nsmtpd_tls_ask_ccert = yes\nsmtpd_tls_ciphers = bogus\n"
                + "smtpd_tls_exclude_ciphers = RC4\n",
            path: "etc/postfix/main.cf")
        #expect(out.diagnostics.count == 1)
        #expect(out.diagnostics.first?.detail.contains("not a known grade") == true)
    }
}
