import Foundation
import PQModel
import Testing

@testable import PQScanners

/// The live oracle for Postfix: a real Postfix (master and smtpd) started on 127.0.0.1 with a table of `main.cf`
/// TLS settings, each probed after STARTTLS with `openssl s_client -starttls smtp` for every suite, version and
/// group PQScout reports for the SMTP server. Every one reported in force must negotiate, every one reported not in
/// force must fail; where PQScout says TLS is off for smtpd, no handshake may complete.
///
/// Postfix's master runs as root and hands connections to smtpd as the `postfix` user, so this runs only as root
/// with that user present (CI installs the `postfix` package and runs as root). Each case has its own
/// configuration, queue and data directories, so no master waits on another's lock; each is stopped with
/// `postfix abort`, then its process group killed.
@Suite("TLS in force: live Postfix smtpd agrees with the findings", .serialized)
struct PostfixLiveOracleTests {
    /// One configuration: `main.cf` lines after the common ones (a later line wins in `main.cf`, postconf(5)).
    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var certificate = "rsa"
        /// `$DIR` stands for the directory holding the certificates and DH parameters.
        var lines: [String]
        /// What follows `smtpd` on its master.cf line (`-o name=value` overrides); the findings are then master.cf's.
        var overrides = ""
        /// False: master.cf's smtpd line is commented out (a send-only host), so nothing listens.
        var runsSMTPD = true
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "built-in defaults (may, medium grade)", lines: []),
        Case(
            name: "high grade, TLS 1.2 and up", lines: ["smtpd_tls_ciphers = high", "smtpd_tls_protocols = >=TLSv1.2"]),
        Case(
            name: "medium list replaced, versions excluded by name",
            lines: [
                "tls_medium_cipherlist = \(TLSLiveOracleTests.intermediate)",
                "smtpd_tls_protocols = !SSLv2, !SSLv3, !TLSv1, !TLSv1.1",
            ]),
        Case(name: "excluded ciphers", lines: ["smtpd_tls_exclude_ciphers = CAMELLIA, ARIA, AESCCM, SHA1"]),
        Case(name: "ECDSA, two curves", certificate: "ec", lines: ["tls_eecdh_auto_curves = X25519 secp384r1"]),
        Case(
            name: "curves list with an FFDHE name and one OpenSSL lacks",
            lines: ["tls_eecdh_auto_curves = ffdhe2048 nosuchcurve secp521r1 X25519"]),
        Case(
            name: "encrypt: the mandatory settings",
            lines: [
                "smtpd_tls_security_level = encrypt", "smtpd_tls_mandatory_protocols = >=TLSv1.3",
                "smtpd_tls_mandatory_ciphers = high",
            ]),
        Case(
            name: "encrypt, client certificates required: level 1 on the connection",
            lines: [
                "smtpd_tls_security_level = encrypt", "smtpd_tls_req_ccert = yes",
                "tls_medium_cipherlist = aNULL:HIGH:@SECLEVEL=0",
            ]),
        Case(
            name: "DH parameter file, server order",
            lines: ["smtpd_tls_dh1024_param_file = $DIR/dh.pem", "tls_preempt_cipherlist = yes"]),
        Case(name: "low grade, every version", lines: ["smtpd_tls_ciphers = low", "smtpd_tls_protocols ="]),
        Case(name: "TLS 1.2 at most", lines: ["smtpd_tls_protocols = <=TLSv1.2"]),
        Case(name: "legacy smtpd_use_tls", lines: ["smtpd_tls_security_level =", "smtpd_use_tls = yes"]),
        Case(name: "certificate file missing: TLS off", lines: ["smtpd_tls_cert_file = $DIR/missing.crt"]),
        Case(name: "security level none", lines: ["smtpd_tls_security_level = none"]),
        Case(name: "send-only: master.cf runs no smtpd", lines: [], runsSMTPD: false),
        Case(name: "client certificates asked for: no anonymous suites", lines: ["smtpd_tls_ask_ccert = yes"]),
        Case(
            name: "master.cf overrides: high grade, TLS 1.3 only, excluded ciphers", lines: [],
            overrides: "-o smtpd_tls_ciphers=high -o smtpd_tls_protocols=>=TLSv1.3 -o smtpd_tls_exclude_ciphers=AES256"),
        Case(
            name: "master.cf overrides in braces: encrypt, mandatory list", lines: ["smtpd_tls_security_level = none"],
            overrides: "-o { smtpd_tls_security_level = encrypt } -o { smtpd_tls_mandatory_protocols = <=TLSv1.2 }"),
    ]

    static let postfix = "/usr/sbin/postfix"

    /// Root (master binds and hands over to the `postfix` user), Postfix, its user, and openssl.
    static var ready: Bool {
        getuid() == 0 && FileManager.default.isExecutableFile(atPath: postfix) && getpwnam("postfix") != nil
            && TestCertificates.opensslPath != nil
    }

    /// The services master needs to run smtpd and log to a file (master.cf as Debian ships it, trimmed).
    static func masterCF(port: Int, overrides: String, runsSMTPD: Bool) -> String {
        """
        \(runsSMTPD ? "" : "#")127.0.0.1:\(port) inet n - n - - smtpd \(overrides)
        pickup unix n - n 60 1 pickup
        cleanup unix n - n - 0 cleanup
        qmgr unix n - n 300 1 qmgr
        tlsmgr unix - - n 1000? 1 tlsmgr
        rewrite unix - - n - - trivial-rewrite
        bounce unix - - n - 0 bounce
        defer unix - - n - 0 bounce
        trace unix - - n - 0 bounce
        verify unix - - n - 1 verify
        proxymap unix - - n - - proxymap
        anvil unix - - n - 1 anvil
        scache unix - - n - 1 scache
        postlog unix-dgram n - n - 1 postlogd

        """
    }

    /// `main.cf` for a case: its own queue and data directories, loopback only, logging to a file, and OpenSSL
    /// reading no configuration file (as PQScout's tree holds none), then the case's lines.
    static func mainCF(_ one: Case, dir: String, instance: String) -> String {
        let common = [
            "compatibility_level = 3.6",
            "queue_directory = \(instance)/queue",
            "data_directory = \(instance)/data",
            "maillog_file = \(instance)/maillog",
            "maillog_file_prefixes = \(instance)",
            "myhostname = localhost.localdomain",
            "mydestination =",
            "inet_interfaces = 127.0.0.1",
            "inet_protocols = ipv4",
            "import_environment = MAIL_CONFIG MAIL_DEBUG MAIL_LOGTAG TZ LANG=C OPENSSL_CONF=/dev/null",
            "smtpd_tls_cert_file = \(dir)/\(one.certificate).crt",
            "smtpd_tls_key_file = \(dir)/\(one.certificate).key",
            "smtpd_tls_security_level = may",
        ]
        let own = one.lines.map { $0.replacingOccurrences(of: "$DIR", with: dir) }
        return (common + own).joined(separator: "\n") + "\n"
    }

    @Test(
        "every suite, version and group reported in force for smtpd negotiates after STARTTLS; none other does",
        .enabled(if: ready, "needs root, postfix with its user, and openssl"))
    func live() throws {
        let dir = try TestCertificates.temporaryDirectory("live-postfix")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.path
        // smtpd runs as `postfix` and must reach its queue below this directory.
        chmod(path, 0o755)
        _ = try #require(TestCertificates.make("rsa:2048", in: dir, name: "rsa"))
        _ = try #require(TestCertificates.make("ec", in: dir, name: "ec"))
        let openssl = try #require(TestCertificates.opensslPath)
        #expect(
            TestCertificates.run(
                openssl,
                ["genpkey", "-genparam", "-algorithm", "DH", "-pkeyopt", "group:ffdhe2048", "-out", "\(path)/dh.pem"])
                == 0)
        let postfixUser = try #require(getpwnam("postfix")).pointee
        let software = [
            Software(name: "libssl3", version: "3.0.19-1", sourcePath: ScanPath("var/lib/dpkg/status")),
            Software(
                name: "postfix", version: Self.installedRelease() ?? "3.7.11-0",
                sourcePath: ScanPath("var/lib/dpkg/status")),
        ]
        var tally = TLSLiveOracleTests.Tally()
        for (number, one) in Self.cases.enumerated() {
            let port = TLSLiveOracleTests.freePort()
            let instance = "\(path)/case\(number)"
            let configDirectory = "\(instance)/etc/postfix"
            try FileManager.default.createDirectory(atPath: configDirectory, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: "\(instance)/queue", withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: "\(instance)/data", withIntermediateDirectories: true)
            chown("\(instance)/data", postfixUser.pw_uid, postfixUser.pw_gid)
            let main = Self.mainCF(one, dir: path, instance: instance)
            try main.write(toFile: "\(configDirectory)/main.cf", atomically: true, encoding: .utf8)
            let master = Self.masterCF(port: port, overrides: one.overrides, runsSMTPD: one.runsSMTPD)
            try master.write(toFile: "\(configDirectory)/master.cf", atomically: true, encoding: .utf8)

            // What PQScout says, from a tree holding the same files at the same (root-relative) paths.
            let relative = String(path.dropFirst())
            var contents = try TLSLiveOracleTests.files(in: path)
            let mainPath = ScanPath("\(relative)/case\(number)/etc/postfix/main.cf")
            let masterPath = ScanPath("\(relative)/case\(number)/etc/postfix/master.cf")
            contents[mainPath] = Array(main.utf8)
            contents[masterPath] = Array(master.utf8)
            // With overrides, the service's endpoint is master.cf's (context "127.0.0.1:PORT inet"); else main.cf's.
            let scanned = one.overrides.isEmpty ? mainPath : masterPath
            let output = PostfixScanner().scan(
                ScanInput(
                    path: scanned, bytes: contents[scanned] ?? [],
                    context: ScanContext(tree: MemoryTree(contents: contents), software: software)))
            let server = output.findings.filter {
                one.overrides.isEmpty ? $0.context == "smtpd" : $0.context == "127.0.0.1:\(port) inet"
            }
            try #require(!server.isEmpty, "\(one): PQScout reports no smtpd endpoint")
            let offered = server.contains { $0.effective }

            // What Postfix does.
            let start = TLSLiveOracleTests.run(
                [Self.postfix, "-c", configDirectory, "start"], scratch: "\(instance)/start.out")
            defer { Self.stop(configDirectory: configDirectory, instance: instance) }
            var up = false
            var log = ""
            for _ in 0..<50 {
                if TLSLiveOracleTests.listening(port) {
                    up = true
                    break
                }
                log = (try? String(contentsOfFile: "\(instance)/maillog", encoding: .utf8)) ?? ""
                if !one.runsSMTPD, log.contains("daemon started") { break }
                usleep(100_000)
            }
            guard one.runsSMTPD else {
                // master runs, and no smtpd listens: nothing of main.cf's smtpd settings may be in force.
                try #require(log.contains("daemon started"), "\(one): Postfix did not start: \(log.suffix(600))")
                tally.record(
                    agrees: !up && !offered,
                    "\(one): smtpd \(up ? "listens" : "does not listen"), PQScout reports "
                        + (offered ? "TLS in force" : "nothing in force"))
                continue
            }
            try #require(up, "\(one): Postfix did not start (exit \(start.0)): \(log.suffix(600))")

            // STARTTLS with anything OpenSSL can do: it completes only if smtpd offers TLS at all.
            let anything = TLSLiveOracleTests.run(
                [
                    "openssl", "s_client", "-connect", "127.0.0.1:\(port)", "-starttls", "smtp",
                    "-cipher", "ALL:COMPLEMENTOFALL:@SECLEVEL=0",
                ], scratch: "\(instance)/probe-any.out")
            let handshake = TLSLiveOracleTests.negotiated(anything.0, anything.1, expect: nil)
            tally.record(
                agrees: handshake == offered,
                "\(one): STARTTLS handshake \(handshake ? "completed" : "failed"), PQScout reports "
                    + (offered
                        ? "in force: "
                            + server.filter(\.effective).prefix(3).map {
                                "\($0.algorithm) (\($0.note?.prefix(160) ?? ""))"
                            }.joined(separator: ", ")
                        : "TLS off"))
            let probes = TLSLiveOracleTests.probes(for: server, port: port, starttls: "smtp")
            let results = TLSLiveOracleTests.runAll(probes.map(\.arguments), scratch: instance, width: 4)
            tally.record(probes, results, configuration: "\(one)")
        }
        print("live postfix: \(tally.agreed)/\(tally.total) agree (\(Self.cases.count) configurations)")
        #expect(tally.total > Self.cases.count * 5)
        #expect(tally.failures.isEmpty, "\(tally.summary)")
    }

    /// The installed Postfix's release for the scan's package list (`postconf -d mail_version`).
    static func installedRelease() -> String? {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("pqs-mail-version-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let result = TLSLiveOracleTests.run(["/usr/sbin/postconf", "-d", "-h", "mail_version"], scratch: scratch)
        let version = result.1.trimmingCharacters(in: .whitespacesAndNewlines)
        return result.0 == 0 && !version.isEmpty ? version + "-0" : nil
    }

    /// Stops a case's Postfix: `postfix abort`, then master's whole process group (master is a session leader;
    /// its pid is in the queue's `pid/master.pid`).
    static func stop(configDirectory: String, instance: String) {
        _ = TLSLiveOracleTests.run([postfix, "-c", configDirectory, "abort"], scratch: "\(instance)/stop.out")
        guard
            let text = try? String(contentsOfFile: "\(instance)/queue/pid/master.pid", encoding: .utf8),
            let master = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)), master > 1
        else { return }
        let deadline = Date().addingTimeInterval(3)
        while kill(master, 0) == 0, Date() < deadline { usleep(50_000) }
        kill(-master, SIGKILL)
    }
}
