import Foundation
import PQModel
import Testing

@testable import PQScanners

/// The live oracle: real nginx, Apache and HAProxy started on 127.0.0.1 with a table of configurations, each
/// probed with `openssl s_client` for every suite, version and group PQScout reports for it. Every one reported in
/// force must negotiate; every one reported not in force must fail; a configuration PQScout says the daemon refuses
/// must not start. Servers and probes are bounded in time (`timeout`) and stopped by the test.
@Suite("TLS in force: live nginx, Apache and HAProxy agree with the findings", .serialized)
struct TLSLiveOracleTests {
    // MARK: - The table

    /// One configuration, written in each daemon's own syntax by `Daemon.config`.
    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var certificate = "rsa"
        /// Versions enabled; nil: the daemon's default.
        var protocols: [String]?
        var ciphers: String?
        var ciphersuites: String?
        var groups: String?
        var dhParameters = false
        var description: String { name }
    }

    static let intermediate =
        "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
        + "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
        + "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305"
    static let old =
        intermediate + ":ECDHE-ECDSA-AES128-SHA256:ECDHE-RSA-AES128-SHA256:ECDHE-ECDSA-AES128-SHA:"
        + "ECDHE-RSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA384:ECDHE-RSA-AES256-SHA384:ECDHE-ECDSA-AES256-SHA:"
        + "ECDHE-RSA-AES256-SHA:DHE-RSA-AES128-SHA256:DHE-RSA-AES256-SHA256:AES128-GCM-SHA256:AES256-GCM-SHA384:"
        + "AES128-SHA256:AES256-SHA256:AES128-SHA:AES256-SHA:DES-CBC3-SHA:@SECLEVEL=0"
    static let all = ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"]

    static let cases: [Case] = [
        Case(name: "Debian defaults (all versions named, default ciphers)", protocols: all),
        Case(name: "Mozilla intermediate, RSA", protocols: ["TLSv1.2", "TLSv1.3"], ciphers: intermediate),
        Case(
            name: "Mozilla intermediate, ECDSA", certificate: "ec", protocols: ["TLSv1.2", "TLSv1.3"],
            ciphers: intermediate),
        Case(name: "Mozilla modern (TLS 1.3 only, DH file)", protocols: ["TLSv1.3"], dhParameters: true),
        Case(name: "Mozilla old (@SECLEVEL=0)", protocols: all, ciphers: old, dhParameters: true),
        Case(name: "HIGH:!MD5", protocols: all, ciphers: "HIGH:!MD5"),
        Case(name: "@SECLEVEL=0", protocols: all, ciphers: "DEFAULT:@SECLEVEL=0"),
        Case(name: "@SECLEVEL=2 with DH", protocols: all, ciphers: "DEFAULT:@SECLEVEL=2", dhParameters: true),
        Case(name: "@SECLEVEL=3, RSA-2048 (refused)", protocols: all, ciphers: "HIGH:@SECLEVEL=3"),
        Case(
            name: "@SECLEVEL=3, ECDSA P-256", certificate: "ec", protocols: all, ciphers: "HIGH:@SECLEVEL=3",
            groups: "ffdhe2048:x25519:secp384r1"),
        Case(
            name: "TLS 1.2 only, two groups", protocols: ["TLSv1.2"], ciphers: "ECDHE+AESGCM:AES256-SHA",
            groups: "X25519:secp384r1"),
        Case(
            name: "TLS 1.3 only, one suite, FFDHE group", protocols: ["TLSv1.3"],
            ciphersuites: "TLS_CHACHA20_POLY1305_SHA256", groups: "ffdhe3072:secp521r1"),
        Case(name: "a cipher string OpenSSL rejects", protocols: ["TLSv1.2"], ciphers: "NOSUCHCIPHER"),
    ]

    // MARK: - Daemons

    enum Daemon: String, CaseIterable, Sendable {
        case nginx, apache, haproxy

        var binary: String {
            switch self {
            case .nginx: "/usr/sbin/nginx"
            case .apache: "/usr/sbin/apache2"
            case .haproxy: "/usr/sbin/haproxy"
            }
        }

        var configPath: String {
            switch self {
            case .nginx: "etc/nginx/nginx.conf"
            case .apache: "etc/apache2/apache2.conf"
            case .haproxy: "etc/haproxy/haproxy.cfg"
            }
        }

        var scanner: any FileScanner {
            switch self {
            case .nginx: NginxScanner()
            case .apache: ApacheScanner()
            case .haproxy: HAProxyScanner()
            }
        }

        var available: Bool { FileManager.default.isExecutableFile(atPath: binary) }

        static func versions(_ list: [String]) -> (String, String) {
            (list.first ?? "TLSv1.2", list.last ?? "TLSv1.3")
        }

        /// The configuration file's text for a case; `dir` is the absolute directory holding the files.
        func config(_ one: Case, dir: String, port: Int) -> String {
            let cert = "\(dir)/\(one.certificate).crt"
            let key = "\(dir)/\(one.certificate).key"
            switch self {
            case .nginx:
                var lines = [
                    "ssl_certificate \(cert);", "ssl_certificate_key \(key);",
                ]
                if let protocols = one.protocols { lines.append("ssl_protocols \(protocols.joined(separator: " "));") }
                if let ciphers = one.ciphers { lines.append("ssl_ciphers '\(ciphers)';") }
                if let suites = one.ciphersuites { lines.append("ssl_conf_command Ciphersuites \(suites);") }
                if let groups = one.groups { lines.append("ssl_ecdh_curve \(groups);") }
                if one.dhParameters { lines.append("ssl_dhparam \(dir)/dh.pem;") }
                return """
                    worker_processes 1;
                    events { worker_connections 64; }
                    http {
                        access_log off;
                        server {
                            listen 127.0.0.1:\(port) ssl;
                            server_name localhost;
                            \(lines.joined(separator: "\n        "))
                        }
                    }

                    """
            case .apache:
                var lines = ["SSLEngine on", "SSLCertificateFile \(cert)", "SSLCertificateKeyFile \(key)"]
                if let protocols = one.protocols {
                    lines.append("SSLProtocol -all " + protocols.map { "+" + $0 }.joined(separator: " "))
                }
                if let ciphers = one.ciphers { lines.append("SSLCipherSuite \"\(ciphers)\"") }
                if let suites = one.ciphersuites { lines.append("SSLCipherSuite TLSv1.3 \(suites)") }
                if let groups = one.groups { lines.append("SSLOpenSSLConfCmd Groups \(groups)") }
                if one.dhParameters { lines.append("SSLOpenSSLConfCmd DHParameters \(dir)/dh.pem") }
                let modules = "/usr/lib/apache2/modules"
                return """
                    ServerRoot \(dir)
                    ServerName localhost
                    DefaultRuntimeDir \(dir)/run
                    PidFile \(dir)/run/apache-\(port).pid
                    ErrorLog \(dir)/apache-error.log
                    LoadModule mpm_event_module \(modules)/mod_mpm_event.so
                    LoadModule authz_core_module \(modules)/mod_authz_core.so
                    LoadModule ssl_module \(modules)/mod_ssl.so
                    User nobody
                    Group nogroup
                    Listen 127.0.0.1:\(port)
                    SSLSessionCache none
                    <VirtualHost 127.0.0.1:\(port)>
                        \(lines.joined(separator: "\n    "))
                    </VirtualHost>

                    """
            case .haproxy:
                var bind = "bind 127.0.0.1:\(port) ssl crt \(dir)/\(one.certificate).pem"
                if let protocols = one.protocols {
                    let (low, high) = Self.versions(protocols)
                    bind += " ssl-min-ver \(low == "TLSv1" ? "TLSv1.0" : low) ssl-max-ver \(high)"
                }
                if let ciphers = one.ciphers { bind += " ciphers \(ciphers)" }
                if let suites = one.ciphersuites { bind += " ciphersuites \(suites)" }
                if let groups = one.groups { bind += " curves \(groups)" }
                let global = one.dhParameters ? "    ssl-dh-param-file \(dir)/dh.pem\n" : ""
                return """
                    global
                    \(global)
                    defaults
                        mode tcp
                        timeout connect 1s
                        timeout client 2s
                        timeout server 2s
                    frontend fe
                        \(bind)
                        default_backend be
                    backend be
                        server s 127.0.0.1:9

                    """
            }
        }

        func arguments(config: String, dir: String) -> [String] {
            switch self {
            case .nginx:
                ["-p", dir, "-c", config, "-e", "\(dir)/nginx-error.log", "-g", "daemon off; pid \(dir)/nginx.pid;"]
            case .apache: ["-f", config, "-DFOREGROUND"]
            case .haproxy: ["-f", config, "-db"]
            }
        }
    }

    // MARK: - Processes

    static var ready: Bool {
        TestCertificates.opensslPath != nil && Daemon.allCases.contains { $0.available }
    }

    /// A child started with posix_spawn in its own process group, its output in a file (no pipes: a daemon's
    /// children must not hold a pipe the test waits on).
    struct Child {
        var pid: pid_t
        var output: String

        static func start(
            _ arguments: [String], output: String,
            environment: [String] = ["OPENSSL_CONF=/dev/null", "PATH=/usr/bin:/bin:/usr/sbin:/sbin"]
        ) -> Child? {
            var attributes = posix_spawnattr_t()
            posix_spawnattr_init(&attributes)
            defer { posix_spawnattr_destroy(&attributes) }
            posix_spawnattr_setpgroup(&attributes, 0)
            posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
            var pid: pid_t = 0
            let argv = arguments.map { strdup($0) } + [nil]
            let envp = environment.map { strdup($0) } + [nil]
            defer {
                for pointer in argv { free(pointer) }
                for pointer in envp { free(pointer) }
            }
            guard posix_spawn(&pid, arguments[0], &actions, &attributes, argv, envp) == 0 else { return nil }
            return Child(pid: pid, output: output)
        }

        /// Exit status once it ended (reaped), nil while it runs.
        func poll() -> Int32? {
            var status: Int32 = 0
            return waitpid(pid, &status, WNOHANG) == pid ? status : nil
        }

        /// Waits up to `seconds`, then kills the whole group; returns the status and the output.
        func finish(seconds: Double) -> (Int32, String) {
            let deadline = Date().addingTimeInterval(seconds)
            var status = poll()
            while status == nil, Date() < deadline {
                usleep(10_000)
                status = poll()
            }
            if status == nil {
                kill(-pid, SIGKILL)
                var raw: Int32 = 0
                waitpid(pid, &raw, 0)
                status = -1
            }
            let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
            return (status ?? -1, text)
        }

        /// Kills the whole group at once, for a probe that is done with it (openvpn takes a while to exit on SIGTERM).
        func halt() {
            kill(-pid, SIGKILL)
            var raw: Int32 = 0
            waitpid(pid, &raw, 0)
        }

        /// Stops a daemon and every process of its group.
        func stop() {
            kill(-pid, SIGTERM)
            let deadline = Date().addingTimeInterval(3)
            while poll() == nil, Date() < deadline { usleep(20_000) }
            kill(-pid, SIGKILL)
            // Reap the leader: a zombie still answers kill(pid, 0), and Apache would take it for a running server.
            var raw: Int32 = 0
            waitpid(pid, &raw, 0)
        }
    }

    /// Runs a command to its end (at most 5 s), returning its exit status and standard output.
    static func run(_ arguments: [String], scratch: String) -> (Int32, String) {
        var command = arguments
        if let openssl = TestCertificates.opensslPath, command.first == "openssl" { command[0] = openssl }
        guard let child = Child.start(command, output: scratch) else { return (-1, "") }
        return child.finish(seconds: 5)
    }

    /// Results filled by concurrent workers, one slot each.
    final class Results: @unchecked Sendable {
        private let lock = NSLock()
        private var slots: [(Int32, String)]
        init(_ count: Int) { slots = Array(repeating: (-1, ""), count: count) }
        func set(_ index: Int, _ value: (Int32, String)) {
            lock.lock()
            slots[index] = value
            lock.unlock()
        }
        var all: [(Int32, String)] {
            lock.lock()
            defer { lock.unlock() }
            return slots
        }
    }

    /// Runs many commands, a few at a time (2 cores, shared).
    static func runAll(_ commands: [[String]], scratch: String, width: Int = 6) -> [(Int32, String)] {
        let results = Results(commands.count)
        DispatchQueue.concurrentPerform(iterations: width) { worker in
            var index = worker
            while index < commands.count {
                results.set(index, run(commands[index], scratch: "\(scratch)/probe-\(worker).out"))
                index += width
            }
        }
        return results.all
    }

    /// The files directly in the absolute directory `path` whose names have an extension (certificates, keys, DH
    /// parameters), at their root-relative paths: the tree PQScout is given beside the daemon's configuration.
    static func files(in path: String) throws -> [ScanPath: [UInt8]] {
        var contents: [ScanPath: [UInt8]] = [:]
        for file in try FileManager.default.contentsOfDirectory(atPath: path) where file.contains(".") {
            if let bytes = FileManager.default.contents(atPath: "\(path)/\(file)") {
                contents[ScanPath("\(path.dropFirst())/\(file)")] = [UInt8](bytes)
            }
        }
        return contents
    }

    /// A free loopback port (bind to 0, read it back, close).
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Is something accepting connections on the port?
    static func listening(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        return connect(fd, port: port)
    }

    /// Connects a TCP socket to 127.0.0.1:`port`; true when it did.
    static func connect(_ fd: Int32, port: Int) -> Bool {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let rc = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        return rc == 0
    }

    // MARK: - Tallies

    /// PQScout's claims against what the real program did: how many agreed, and what each disagreement was. The
    /// Postfix and OpenVPN oracles keep theirs the same way.
    struct Tally {
        var total = 0
        var agreed = 0
        var failures: [String] = []

        mutating func record(agrees: Bool, _ failure: @autoclosure () -> String) {
            total += 1
            if agrees { agreed += 1 } else { failures.append(failure()) }
        }

        /// Every probe of one configuration against its handshake (`s_client`'s status and output).
        mutating func record(_ probes: [Probe], _ results: [(Int32, String)], configuration: String) {
            for (probe, (status, text)) in zip(probes, results) {
                let works = TLSLiveOracleTests.negotiated(status, text, expect: probe.expect)
                record(
                    agrees: works == probe.inForce,
                    "\(configuration): \(probe.what) reported \(probe.inForce ? "in force" : "not in force"), "
                        + "handshake \(works ? "succeeded" : "failed")")
            }
        }

        var summary: String { "\(failures.count) disagreements: \(failures.prefix(12).joined(separator: " | "))" }
    }

    // MARK: - Probes

    /// One claim of PQScout and the probe that checks it.
    struct Probe {
        var what: String
        var inForce: Bool
        var arguments: [String]
        /// What the handshake must show when it succeeds (the suite's name, the version).
        var expect: String?
    }

    /// `starttls`: the protocol to upgrade first (`smtp`), as `s_client -starttls` names it.
    static func probes(for findings: [Finding], port: Int, starttls: String? = nil) -> [Probe] {
        let base =
            ["openssl", "s_client", "-connect", "127.0.0.1:\(port)", "-servername", "localhost"]
            + (starttls.map { ["-starttls", $0] } ?? [])
        var out: [Probe] = []
        let tls13InForce = findings.contains {
            $0.usage == .protocolVersion && $0.algorithm == "TLSv1.3" && $0.effective
        }
        for finding in findings where finding.usage == .cipherSuite {
            guard let note = finding.note, let range = note.range(of: "OpenSSL name ") else { continue }
            let name = String(note[range.upperBound...].prefix { $0 != "," })
            let arguments =
                name.hasPrefix("TLS_")
                ? base + ["-tls1_3", "-ciphersuites", name]
                : base + ["-no_tls1_3", "-cipher", name + ":@SECLEVEL=0"]
            out.append(Probe(what: "suite \(name)", inForce: finding.effective, arguments: arguments, expect: name))
        }
        let flags = ["TLSv1": "-tls1", "TLSv1.1": "-tls1_1", "TLSv1.2": "-tls1_2", "TLSv1.3": "-tls1_3"]
        for finding in findings where finding.usage == .protocolVersion {
            guard let flag = flags[finding.algorithm] else { continue }
            out.append(
                Probe(
                    what: "version \(finding.algorithm)", inForce: finding.effective,
                    arguments: base + [flag, "-cipher", "ALL:COMPLEMENTOFALL:@SECLEVEL=0"],
                    expect: "Protocol  : \(finding.algorithm)"))
        }
        for finding in findings where finding.usage == .group {
            let arguments =
                tls13InForce
                ? base + ["-tls1_3", "-groups", finding.algorithm]
                : base + ["-no_tls1_3", "-cipher", "kEECDH:@SECLEVEL=0", "-groups", finding.algorithm]
            out.append(
                Probe(what: "group \(finding.algorithm)", inForce: finding.effective, arguments: arguments, expect: nil)
            )
        }
        return out
    }

    /// Did the probe's handshake complete (showing `expect` on its "New, ..., Cipher is ..." line)?
    static func negotiated(_ status: Int32, _ output: String, expect: String?) -> Bool {
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("New, ") }) else { return false }
        guard !line.contains("(NONE)") else { return false }
        guard let expect else { return true }
        if expect.hasPrefix("Protocol  : ") {
            // The session block names the version; TLS 1.3 prints none before the ticket, so the "New," line counts.
            let version = String(expect.dropFirst("Protocol  : ".count))
            return output.split(separator: "\n").contains { $0.trimmingCharacters(in: .whitespaces) == expect }
                || line.hasPrefix("New, \(version), ") || (version == "TLSv1" && line.hasPrefix("New, TLSv1.0, "))
        }
        return line.hasSuffix(" " + expect)
    }

    // MARK: - The test

    @Test(
        "every suite, version and group reported in force negotiates; every one reported not in force fails",
        .enabled(if: ready, "needs openssl and at least one of nginx, apache2, haproxy"),
        arguments: Daemon.allCases)
    func live(daemon: Daemon) throws {
        guard daemon.available else { return }
        let dir = try TestCertificates.temporaryDirectory("live-\(daemon.rawValue)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.path
        try FileManager.default.createDirectory(atPath: path + "/run", withIntermediateDirectories: true)
        let rsa = try #require(TestCertificates.make("rsa:2048", in: dir, name: "rsa"))
        let ec = try #require(TestCertificates.make("ec", in: dir, name: "ec"))
        for (name, pair) in [("rsa", rsa), ("ec", ec)] {
            try (pair.certificatePEM + pair.keyPEM).write(
                toFile: "\(path)/\(name).pem", atomically: true, encoding: .utf8)
        }
        let openssl = try #require(TestCertificates.opensslPath)
        // RFC 7919 ffdhe2048 as PKCS#3 "DH PARAMETERS" (instant; HAProxy refuses X9.42 -dsaparam output).
        #expect(
            TestCertificates.run(
                openssl,
                ["genpkey", "-genparam", "-algorithm", "DH", "-pkeyopt", "group:ffdhe2048", "-out", "\(path)/dh.pem"])
                == 0)
        let software = [
            Software(name: "libssl3", version: "3.0.22-1", sourcePath: ScanPath("var/lib/dpkg/status")),
            Software(name: "nginx", version: "1.22.1-9", sourcePath: ScanPath("var/lib/dpkg/status")),
        ]
        var tally = Tally()
        for one in Self.cases {
            let port = Self.freePort()
            let configFile = "\(path)/\(daemon.configPath)"
            try FileManager.default.createDirectory(
                atPath: (configFile as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            let text = daemon.config(one, dir: path, port: port)
            try text.write(toFile: configFile, atomically: true, encoding: .utf8)

            // What PQScout says, from a tree holding the same files at the same (root-relative) paths.
            var contents = try Self.files(in: path)
            let relative = String(path.dropFirst())
            contents[ScanPath("\(relative)/\(daemon.configPath)")] = Array(text.utf8)
            let tree = MemoryTree(contents: contents)
            let output = daemon.scanner.scan(
                ScanInput(
                    path: ScanPath("\(relative)/\(daemon.configPath)"), bytes: Array(text.utf8),
                    context: ScanContext(tree: tree, software: software)))
            let server = output.findings.filter { $0.context?.hasPrefix("upstream") != true }
            let refused = server.contains { $0.note?.contains("the server refuses to start") == true }

            // What the daemon does.
            let daemonProcess = Child.start(
                [daemon.binary] + daemon.arguments(config: configFile, dir: path), output: "\(path)/daemon.out")
            let child = try #require(daemonProcess)
            var up = false
            for _ in 0..<40 where child.poll() == nil {
                if Self.listening(port) {
                    up = true
                    break
                }
                usleep(100_000)
            }
            // Apache binds its Listen sockets before mod_ssl loads the certificates (the open_logs hook runs
            // before post_config), so a server that is about to refuse a certificate accepts connections for a
            // moment. It has started only if it is still running a while later.
            if up, daemon == .apache {
                for _ in 0..<15 where up {
                    if child.poll() != nil { up = false }
                    usleep(100_000)
                }
            }
            defer { child.stop() }
            tally.record(
                agrees: up == !refused,
                "\(daemon) \(one): daemon \(up ? "started" : "refused"), PQScout says \(refused ? "refused" : "starts")"
            )
            guard up else { continue }
            let probes = Self.probes(for: server, port: port)
            let results = Self.runAll(probes.map(\.arguments), scratch: path)
            tally.record(probes, results, configuration: "\(daemon) \(one)")
        }
        print("live \(daemon): \(tally.agreed)/\(tally.total) agree (\(Self.cases.count) configurations)")
        #expect(tally.total > Self.cases.count * 5)
        #expect(tally.failures.isEmpty, "\(tally.summary)")
    }
}
