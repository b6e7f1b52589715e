import Foundation
import PQModel
import Testing

@testable import PQScanners

/// Whether nginx and httpd start with a configuration, held to the programs installed here (`nginx -t`,
/// `apache2 -t`) on a table of damaged and sound configurations: where PQScout says the daemon refuses to start,
/// the real one must fail its test; where PQScout finds nothing that stops it and read everything, the real one
/// must pass. Where PQScout says it could not tell (`notRead`), the real program is not asked. Each run is bounded
/// (10 s) and works in a temporary directory the test removes.
@Suite("TLS daemons: the start verdict agrees with nginx -t and apache2 -t")
struct TLSStartOracleTests {
    /// One configuration: the main file's text and the other files of its directory.
    struct Case: CustomStringConvertible, Sendable {
        var name: String
        var main: String
        var files: [String: String] = [:]
        var description: String { name }
    }

    static let nginxBinary = "/usr/sbin/nginx"
    static let apacheBinary = "/usr/sbin/apache2"

    static func nginxMain(_ http: String) -> String {
        "events { worker_connections 16; }\nhttp {\n    access_log off;\n\(http)\n}\n"
    }

    static let nginxCases: [Case] = [
        Case(name: "sound", main: nginxMain("server { listen 127.0.0.1:8080; ssl_protocols TLSv1.2; }")),
        Case(
            name: "include of a file that is there", main: nginxMain("include conf.d/tls.conf;"),
            files: ["conf.d/tls.conf": "ssl_protocols TLSv1.3;\n"]),
        Case(name: "include of a missing file", main: nginxMain("include conf.d/missing.conf;")),
        Case(name: "include of a glob that matches nothing", main: nginxMain("include conf.d/*.conf;")),
        Case(name: "include of a character class that matches nothing", main: nginxMain("include conf.d/[ab].conf;")),
        Case(
            name: "include of a directory", main: nginxMain("include conf.d;"),
            files: ["conf.d/tls.conf": "ssl_protocols TLSv1.3;\n"]),
        Case(
            name: "missing include inside an included file", main: nginxMain("include conf.d/*.conf;"),
            files: ["conf.d/a.conf": "include snippets/missing.conf;\n"]),
        Case(name: "include with two arguments", main: nginxMain("include a.conf b.conf;")),
        Case(
            name: "include loop", main: nginxMain("include conf.d/a.conf;"),
            files: ["conf.d/a.conf": "include conf.d/a.conf;\n"]),
        Case(name: "block never closed", main: nginxMain("server { listen 127.0.0.1:8080;")),
        Case(name: "stray close", main: nginxMain("server { listen 127.0.0.1:8080; } }")),
        Case(name: "directive without ';' before '}'", main: nginxMain("server { listen 127.0.0.1:8080 }")),
        Case(
            name: "directive without ';' at the end",
            main: "events { worker_connections 16; }\nhttp { access_log off; }\nworker_processes 1"),
        Case(name: "quote never closed", main: nginxMain("server { server_name \"a; }")),
        Case(name: "'}' in a comment", main: nginxMain("# } stray in a comment\nssl_protocols TLSv1.2;")),
        Case(name: "'}' in a quoted string", main: nginxMain("server { server_name \"a}b\"; }")),
    ]

    static func apacheMain(_ root: String, _ body: String) -> String {
        """
        ServerRoot \(root)
        ServerName localhost
        DefaultRuntimeDir \(root)/run
        PidFile \(root)/run/httpd.pid
        ErrorLog \(root)/error.log
        User nobody
        Group nogroup
        LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
        LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
        \(body)

        """
    }

    /// Bodies of the main file; `ROOT` becomes the directory holding it (httpd's ServerRoot).
    static let apacheCases: [Case] = [
        Case(name: "sound", main: "<VirtualHost 127.0.0.1:8080>\nServerName a\n</VirtualHost>"),
        Case(
            name: "Include of a file that is there", main: "Include conf.d/tls.conf",
            files: ["conf.d/tls.conf": "ServerAdmin root@localhost\n"]),
        Case(name: "Include of a missing file", main: "Include conf.d/missing.conf"),
        Case(name: "Include of a wildcard that matches nothing", main: "Include conf.d/*.conf"),
        Case(name: "Include of a wildcard in a missing directory", main: "Include nodir/*.conf"),
        Case(name: "IncludeOptional of a missing file", main: "IncludeOptional conf.d/missing.conf"),
        Case(name: "IncludeOptional of a wildcard that matches nothing", main: "IncludeOptional conf.d/*.conf"),
        Case(
            name: "Include of a missing file in a failed IfModule",
            main: "<IfModule nosuch_module>\nInclude conf.d/missing.conf\n</IfModule>"),
        Case(
            name: "Include of a directory", main: "Include conf.d",
            files: ["conf.d/a.conf": "ServerAdmin root@localhost\n"]),
        Case(
            name: "Include of a wildcard that matches", main: "Include conf.d/*.conf",
            files: ["conf.d/a.conf": "ServerAdmin root@localhost\n"]),
        Case(
            name: "wildcard Include inside an included file", main: "Include conf.d/*.conf",
            files: ["conf.d/a.conf": "Include snippets/*.conf\n"]),
        Case(name: "Include with two arguments", main: "Include a.conf b.conf"),
        Case(
            name: "Include loop", main: "Include conf.d/a.conf",
            files: ["conf.d/a.conf": "Include conf.d/a.conf\n"]),
        Case(name: "section never closed", main: "<VirtualHost 127.0.0.1:8080>\nServerName a"),
        Case(name: "end tag without a section", main: "ServerAdmin root@localhost\n</VirtualHost>"),
        Case(
            name: "end tag of another section",
            main: "<VirtualHost 127.0.0.1:8080>\n<Directory /tmp>\n</VirtualHost>\n</Directory>"),
        Case(name: "section header without '>'", main: "<VirtualHost 127.0.0.1:8080\nServerName a\n</VirtualHost>"),
        Case(name: "quoted argument never closed", main: "ServerAdmin \"root@localhost"),
        Case(name: "end tag in another case", main: "<VirtualHost 127.0.0.1:8080>\nServerName a\n</virtualhost>"),
    ]

    // MARK: - The verdicts

    enum Verdict: Equatable, CustomStringConvertible {
        case starts, refuses, unknown
        var description: String {
            switch self {
            case .starts: "starts"
            case .refuses: "refuses"
            case .unknown: "unknown"
            }
        }
    }

    static func verdict(refusals: [String], notRead: [String]) -> Verdict {
        if !notRead.isEmpty { return .unknown }
        return refusals.isEmpty ? .starts : .refuses
    }

    /// Writes the case under a fresh directory: `etc/<daemon>/<main>` and its files. Returns the root and the
    /// directory of the main file.
    static func write(_ one: Case, daemon: String, main: String) throws -> (root: String, directory: String) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("pqscout-start-\(UUID().uuidString)")
        let directory = root.appendingPathComponent("etc/\(daemon)")
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("run"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("conf.d"), withIntermediateDirectories: true)
        let text = one.main.replacingOccurrences(of: "ROOT", with: directory.path)
        try Data(text.utf8).write(to: directory.appendingPathComponent(main))
        for (name, body) in one.files {
            let url = directory.appendingPathComponent(name)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(body.utf8).write(to: url)
        }
        return (root.path, directory.path)
    }

    /// Runs a program's configuration test: true when it exits 0 within 10 s.
    static func passes(_ arguments: [String], in directory: String? = nil, environment: [String: String] = [:])
        throws -> Bool
    {
        let process = Process()
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.environment = ["PATH": "/usr/bin:/bin:/usr/sbin:/sbin", "OPENSSL_CONF": "/dev/null"].merging(
            environment
        ) { $1 }
        try process.run()
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning, Date() < deadline { usleep(10_000) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            return false
        }
        return process.terminationReason == .exit && process.terminationStatus == 0
    }

    @Test(
        "nginx -t fails where PQScout says nginx refuses to start, and passes where it says nginx starts",
        .enabled(if: FileManager.default.isExecutableFile(atPath: nginxBinary), "needs nginx"),
        arguments: nginxCases)
    func nginxAgrees(_ one: Case) throws {
        let main = Case(name: one.name, main: one.main, files: one.files)
        let (root, directory) = try Self.write(main, daemon: "nginx", main: "nginx.conf")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let tree = try TLS.tree(root: root)
        let path = ScanPath("etc/nginx/nginx.conf")
        var parser = NginxConfigParser(tree: tree, prefix: "etc/nginx")
        _ = parser.parse(path: path, bytes: try tree.read(path).get())
        let ours = Self.verdict(refusals: parser.startRefusals, notRead: parser.notRead)
        let theirs = try Self.passes([
            Self.nginxBinary, "-t", "-q", "-p", directory, "-c", "\(directory)/nginx.conf", "-e",
            "\(directory)/error.log", "-g", "pid \(directory)/run/nginx.pid;",
        ])
        #expect(ours != .unknown, "\(one.name): \(parser.notRead)")
        #expect(
            ours == (theirs ? .starts : .refuses),
            "\(one.name): nginx -t \(theirs ? "passes" : "fails"); PQScout: \(parser.startRefusals)")
    }

    @Test(
        "apache2 -t fails where PQScout says httpd refuses to start, and passes where it says httpd starts",
        .enabled(if: FileManager.default.isExecutableFile(atPath: apacheBinary), "needs apache2"),
        arguments: apacheCases)
    func apacheAgrees(_ one: Case) throws {
        let main = Case(name: one.name, main: Self.apacheMain("ROOT", one.main), files: one.files)
        let (root, directory) = try Self.write(main, daemon: "apache2", main: "apache2.conf")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let tree = try TLS.tree(root: root)
        let path = ScanPath("etc/apache2/apache2.conf")
        // ServerRoot names the absolute directory, which the scan reads inside its root: the parser starts from
        // the root-relative one, as a scan of an /etc tree does.
        var parser = ApacheConfigParser(tree: tree, serverRoot: "etc/apache2")
        let text = String(decoding: try tree.read(path).get(), as: UTF8.self)
            .replacingOccurrences(of: "ServerRoot \(directory)\n", with: "")
        _ = parser.parse(path: path, bytes: Array(text.utf8))
        let ours = Self.verdict(refusals: parser.startRefusals, notRead: parser.notRead)
        let theirs = try Self.passes([Self.apacheBinary, "-t", "-f", "\(directory)/apache2.conf"])
        switch ours {
        case .unknown:
            // Only a path PQScout cannot tell from an empty directory is left unknown; httpd fails on it here.
            #expect(
                ["Include of a missing file", "Include with two arguments"].contains(one.name),
                "\(one.name): \(parser.notRead)")
            #expect(!theirs)
        case .starts, .refuses:
            #expect(
                ours == (theirs ? .starts : .refuses),
                "\(one.name): apache2 -t \(theirs ? "passes" : "fails"); PQScout: \(parser.startRefusals)")
        }
    }

    // MARK: - One server that refuses stops them all

    /// A server of a configuration: its certificate file (made here, missing, or none named: nil) and its settings.
    struct Server: Sendable {
        var certificate: String? = "a.crt"
        var key: String? = "a.key"
        var ciphers: String?
        var groups: String?
        /// nginx's `ssl_reject_handshake on`: a server that needs no certificate (nginx only).
        var rejectsHandshakes = false
    }

    struct ServersCase: CustomStringConvertible, Sendable {
        var name: String
        var servers: [Server]
        var description: String { name }
    }

    static let serversCases: [ServersCase] = [
        ServersCase(name: "two sound servers", servers: [Server(), Server(ciphers: "HIGH:!aNULL")]),
        ServersCase(
            name: "the second server's certificate is missing",
            servers: [Server(), Server(certificate: "missing.crt", key: "missing.key")]),
        ServersCase(
            name: "the second server names no certificate", servers: [Server(), Server(certificate: nil, key: nil)]),
        ServersCase(
            name: "the second server rejects handshakes and names no certificate",
            servers: [Server(), Server(certificate: nil, key: nil, rejectsHandshakes: true)]),
        ServersCase(
            name: "the second server's cipher string matches nothing", servers: [Server(), Server(ciphers: "NOSUCH")]),
        ServersCase(name: "the first server's groups are all unknown", servers: [Server(groups: "nosuch"), Server()]),
    ]

    enum Daemon: String, CaseIterable, CustomStringConvertible, Sendable {
        case nginx, apache2, haproxy
        var description: String { rawValue }
        var binary: String { "/usr/sbin/\(rawValue)" }
        var main: String { self == .haproxy ? "haproxy.cfg" : "\(rawValue).conf" }
        /// The daemon's name in PQScout's notes.
        var reported: String { self == .apache2 ? "httpd" : rawValue }
        var scanner: any FileScanner {
            switch self {
            case .nginx: NginxScanner()
            case .apache2: ApacheScanner()
            case .haproxy: HAProxyScanner()
            }
        }

        /// The main file; `directory` is where it and the certificates are (relative paths resolve there).
        func config(_ servers: [Server], directory: String, ports: [Int]) -> String {
            switch self {
            case .nginx:
                let blocks = servers.enumerated().map { index, server in
                    var lines = ["listen 127.0.0.1:\(ports[index]) ssl;"]
                    if let certificate = server.certificate, let key = server.key {
                        lines += ["ssl_certificate \(certificate);", "ssl_certificate_key \(key);"]
                    }
                    if let ciphers = server.ciphers { lines.append("ssl_ciphers \(ciphers);") }
                    if let groups = server.groups { lines.append("ssl_ecdh_curve \(groups);") }
                    if server.rejectsHandshakes { lines.append("ssl_reject_handshake on;") }
                    return "server {\n" + lines.joined(separator: "\n") + "\n}"
                }
                return nginxMain(blocks.joined(separator: "\n"))
            case .apache2:
                let hosts = servers.enumerated().map { index, server in
                    var lines = ["SSLEngine on"]
                    if let certificate = server.certificate, let key = server.key {
                        lines += ["SSLCertificateFile \(certificate)", "SSLCertificateKeyFile \(key)"]
                    }
                    if let ciphers = server.ciphers { lines.append("SSLCipherSuite \(ciphers)") }
                    if let groups = server.groups { lines.append("SSLOpenSSLConfCmd Groups \(groups)") }
                    return "Listen 127.0.0.1:\(ports[index])\n<VirtualHost 127.0.0.1:\(ports[index])>\n"
                        + lines.joined(separator: "\n") + "\n</VirtualHost>"
                }
                return apacheMain(
                    directory,
                    "LoadModule ssl_module /usr/lib/apache2/modules/mod_ssl.so\nSSLSessionCache none\n"
                        + hosts.joined(separator: "\n"))
            case .haproxy:
                let binds = servers.enumerated().map { index, server in
                    var bind = "    bind 127.0.0.1:\(ports[index]) ssl"
                    if let certificate = server.certificate {
                        bind += " crt " + certificate.replacingOccurrences(of: ".crt", with: ".pem")
                    }
                    if let ciphers = server.ciphers { bind += " ciphers \(ciphers)" }
                    if let groups = server.groups { bind += " curves \(groups)" }
                    return bind
                }
                return """
                    defaults
                        mode tcp
                        timeout connect 1s
                        timeout client 1s
                        timeout server 1s
                    frontend fe
                    \(binds.joined(separator: "\n"))
                        default_backend be
                    backend be
                        server s 127.0.0.1:9

                    """
            }
        }

        func test(directory: String) -> [String] {
            switch self {
            case .nginx:
                [
                    binary, "-t", "-q", "-p", directory, "-c", "\(directory)/nginx.conf", "-e",
                    "\(directory)/error.log",
                    "-g", "pid \(directory)/run/nginx.pid;",
                ]
            case .apache2: [binary, "-t", "-f", "\(directory)/apache2.conf"]
            case .haproxy: [binary, "-c", "-q", "-f", "\(directory)/haproxy.cfg"]
            }
        }
    }

    static var serverCombinations: [(Daemon, ServersCase)] {
        Daemon.allCases.filter { FileManager.default.isExecutableFile(atPath: $0.binary) }.flatMap { daemon in
            serversCases.filter { daemon == .nginx || !$0.servers.contains(where: \.rejectsHandshakes) }.map {
                (daemon, $0)
            }
        }
    }

    @Test(
        "a server that refuses stops the daemon: every finding is then not in force, as its test fails",
        .enabled(if: TestCertificates.opensslPath != nil, "needs openssl"), arguments: serverCombinations)
    func oneServerRefusesThemAll(_ daemon: Daemon, _ one: ServersCase) throws {
        let root = try TestCertificates.temporaryDirectory("start-\(daemon)")
        defer { try? FileManager.default.removeItem(at: root) }
        let directory = root.appendingPathComponent("etc/\(daemon)")
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("run"), withIntermediateDirectories: true)
        let pair = try #require(TestCertificates.make("rsa:2048", in: directory, name: "a"))
        try Data((pair.certificatePEM + pair.keyPEM).utf8).write(to: directory.appendingPathComponent("a.pem"))
        let ports = one.servers.map { _ in TLSLiveOracleTests.freePort() }
        let text = daemon.config(one.servers, directory: directory.path, ports: ports)
        try Data(text.utf8).write(to: directory.appendingPathComponent(daemon.main))
        let theirs =
            daemon == .apache2
            ? Self.apacheStarts(directory: directory.path, port: ports[0])
            : try Self.passes(daemon.test(directory: directory.path), in: directory.path)
        // PQScout reads the file without the ServerRoot line, whose absolute directory a scan would look for
        // inside its root; relative paths then resolve against the main file's directory, as httpd's do.
        let scanned = text.split(separator: "\n").filter { !$0.hasPrefix("ServerRoot ") }.joined(separator: "\n")
        let tree = try TLS.tree(root: root.path)
        let path = ScanPath("etc/\(daemon)/\(daemon.main)")
        let output = daemon.scanner.scan(
            ScanInput(path: path, bytes: Array(scanned.utf8), context: ScanContext(tree: tree)))
        let services = Set(output.findings.compactMap(\.context))
        #expect(services.count >= one.servers.count, "\(services)")
        let refused = output.findings.contains { $0.note?.contains("refuses to start") == true }
        #expect(refused == !theirs, "\(daemon) \(one.name): its test \(theirs ? "passes" : "fails")")
        if refused {
            for finding in output.findings {
                #expect(!finding.effective, "\(finding.context ?? "") \(finding.algorithm)")
                #expect(finding.note?.contains("refuses to start") == true, "\(finding.note ?? "")")
            }
        } else {
            #expect(output.findings.contains { $0.effective })
        }
    }

    /// `apache2 -t` checks the syntax only; mod_ssl sets up each virtual host's certificate, cipher string and groups
    /// when httpd starts (ssl_init_Module). So httpd is started (in the foreground, its own process group): it
    /// refused when it exits within 4 s, and started when it still runs then and its first port answers (not an
    /// answer alone: another test's server may hold a port freed a moment ago). It is then stopped.
    static func apacheStarts(directory: String, port: Int) -> Bool {
        guard
            let child = TLSLiveOracleTests.Child.start(
                [Daemon.apache2.binary, "-f", "\(directory)/apache2.conf", "-DFOREGROUND"],
                output: "\(directory)/apache.out")
        else { return false }
        defer { child.stop() }
        let deadline = Date().addingTimeInterval(4)
        while Date() < deadline {
            if child.poll() != nil { return false }
            usleep(50_000)
        }
        return TLSLiveOracleTests.listening(port)
    }

    // MARK: - What the scanners report

    @Test("every finding of an nginx.conf with a missing include is not in force, with nginx's reason first")
    func nginxMissingIncludeIsNotInForce() throws {
        let text = Self.nginxMain(
            """
                include conf.d/missing.conf;
                server { listen 443 ssl; ssl_protocols TLSv1.2 TLSv1.3; ssl_ciphers HIGH:!aNULL; }
            """)
        let tree = MemoryTree(contents: [ScanPath("etc/nginx/nginx.conf"): Array(text.utf8)])
        let output = NginxScanner().scan(
            ScanInput(
                path: ScanPath("etc/nginx/nginx.conf"), bytes: Array(text.utf8), context: ScanContext(tree: tree)))
        #expect(!output.findings.isEmpty)
        for finding in output.findings {
            #expect(!finding.effective)
            #expect(
                finding.note?.hasPrefix(
                    "not in force: nginx refuses to start with this configuration: etc/nginx/nginx.conf line 4: "
                        + "include conf.d/missing.conf names no file in the scanned tree") == true,
                "\(finding.note ?? "")")
        }
    }

    @Test("an httpd.conf whose Include names nothing is not known to be in force; IncludeOptional changes nothing")
    func apacheIncludeOfNothing() throws {
        func scan(_ include: String) -> ScanOutput {
            let text = """
                Listen 443
                \(include)
                <VirtualHost *:443>
                SSLEngine on
                SSLProtocol -all +TLSv1.2
                SSLCertificateFile /etc/ssl/a.pem
                </VirtualHost>

                """
            let tree = MemoryTree(contents: [ScanPath("etc/httpd/conf/httpd.conf"): Array(text.utf8)])
            return ApacheScanner().scan(
                ScanInput(
                    path: ScanPath("etc/httpd/conf/httpd.conf"), bytes: Array(text.utf8),
                    context: ScanContext(tree: tree)))
        }
        let optional = scan("IncludeOptional conf.d/*.conf")
        #expect(!optional.findings.isEmpty)
        #expect(optional.findings.allSatisfy { $0.note?.contains("httpd refuses to start with this") != true })
        let wildcard = scan("Include conf.d/*.conf")
        #expect(
            wildcard.findings.allSatisfy {
                !$0.effective
                    && $0.note?.hasPrefix(
                        "not in force: httpd refuses to start with this configuration: etc/httpd/conf/httpd.conf "
                            + "line 2: Include conf.d/*.conf matches no file in the scanned tree") == true
            })
        let named = scan("Include conf.d/ssl.conf")
        #expect(
            named.findings.allSatisfy {
                !$0.effective && $0.note?.hasPrefix("not known to be in force: PQScout did not read") == true
            })
    }

    // MARK: - Names that are not UTF-8

    /// Writes `bytes` to `directory/name`, a name given as bytes (Foundation's paths are strings, which cannot
    /// hold a byte that is not UTF-8).
    static func write(_ bytes: [UInt8], to directory: URL, name: [UInt8]) throws {
        let path = Array(directory.path.utf8) + [UInt8(ascii: "/")] + name + [0]
        let descriptor = path.withUnsafeBufferPointer { pointer in
            pointer.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_WRONLY | O_CREAT | O_TRUNC, 0o600) }
        }
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        try #require(bytes.withUnsafeBufferPointer { Glibc.write(descriptor, $0.baseAddress, $0.count) } == bytes.count)
    }

    /// A byte that is not UTF-8 in a file name a configuration gives: nginx opens the name as written, PQScout
    /// reads U+FFFD in its place and cannot look it up. Whether nginx starts then turns on a file PQScout cannot
    /// name (`nginx -t` passes with the file there and fails without it), so PQScout says neither.
    @Test(
        "a certificate or include whose name is not UTF-8 is not known to be in force, whether nginx -t passes or not",
        .enabled(if: FileManager.default.isExecutableFile(atPath: nginxBinary), "needs nginx"),
        .enabled(if: TestCertificates.opensslPath != nil, "needs openssl"), arguments: [true, false])
    func nginxNameNotUTF8(filesThere: Bool) throws {
        let root = try TestCertificates.temporaryDirectory("start-latin1")
        defer { try? FileManager.default.removeItem(at: root) }
        let directory = root.appendingPathComponent("etc/nginx")
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("run"), withIntermediateDirectories: true)
        let pair = try #require(TestCertificates.make("rsa:2048", in: directory, name: "a"))
        let latin1 = Array("caf".utf8) + [0xE9]
        if filesThere {
            try Self.write(Array(pair.certificatePEM.utf8), to: directory, name: latin1 + Array(".crt".utf8))
            try Self.write(Array(pair.keyPEM.utf8), to: directory, name: latin1 + Array(".key".utf8))
            try Self.write(
                Array("ssl_protocols TLSv1.2 TLSv1.3;\n".utf8), to: directory, name: latin1 + Array(".conf".utf8))
        }
        for (name, line) in [
            ("certificate", "ssl_certificate caf\u{1}.crt;\nssl_certificate_key caf\u{1}.key;"),
            ("include", "ssl_certificate a.crt;\nssl_certificate_key a.key;\ninclude caf\u{1}.conf;"),
        ] {
            let text = Self.nginxMain("server {\nlisten 127.0.0.1:\(TLSLiveOracleTests.freePort()) ssl;\n\(line)\n}")
            let bytes = Array(text.utf8).map { $0 == 0x01 ? 0xE9 : $0 }
            try Self.write(bytes, to: directory, name: Array("nginx.conf".utf8))
            let theirs = try Self.passes(Daemon.nginx.test(directory: directory.path), in: directory.path)
            #expect(theirs == filesThere, "\(name): nginx -t \(theirs ? "passes" : "fails")")
            let tree = try TLS.tree(root: root.path)
            let path = ScanPath("etc/nginx/nginx.conf")
            let output = NginxScanner().scan(ScanInput(path: path, bytes: bytes, context: ScanContext(tree: tree)))
            #expect(!output.findings.isEmpty, "\(name)")
            for finding in output.findings {
                #expect(!finding.effective, "\(name): \(finding.algorithm)")
                #expect(
                    finding.note?.hasPrefix("not known to be in force: PQScout did not read ") == true
                        && finding.note?.contains("a name not UTF-8, which PQScout cannot look up") == true,
                    "\(name): \(finding.note ?? "")")
            }
        }
    }

    @Test("a server that refuses stops nginx, a server PQScout could not look into included")
    func refusalWinsOverNameNotUTF8() {
        let text = Self.nginxMain(
            """
                server { listen 443 ssl; ssl_certificate missing.pem; ssl_certificate_key missing.pem; }
                server { listen 444 ssl; ssl_certificate caf\u{1}.pem; ssl_certificate_key caf\u{1}.pem; }
            """)
        let bytes = Array(text.utf8).map { $0 == 0x01 ? 0xE9 : $0 }
        let path = ScanPath("etc/nginx/nginx.conf")
        let tree = MemoryTree(contents: [path: bytes])
        let output = NginxScanner().scan(ScanInput(path: path, bytes: bytes, context: ScanContext(tree: tree)))
        #expect(Set(output.findings.compactMap(\.context)).count == 2)
        for finding in output.findings {
            #expect(!finding.effective)
            #expect(
                finding.note?.contains("refuses to start") == true, "\(finding.context ?? ""): \(finding.note ?? "")")
        }
    }

    @Test(
        "an httpd Include wildcard whose name is not UTF-8 is not known, whether apache2 -t passes or not",
        .enabled(if: FileManager.default.isExecutableFile(atPath: apacheBinary), "needs apache2"),
        arguments: [true, false])
    func apacheIncludeNameNotUTF8(fileThere: Bool) throws {
        let root = try TestCertificates.temporaryDirectory("start-latin1-httpd")
        defer { try? FileManager.default.removeItem(at: root) }
        let directory = root.appendingPathComponent("etc/apache2")
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("run"), withIntermediateDirectories: true)
        let included = Array("caf".utf8) + [0xE9] + Array(".conf".utf8)
        if fileThere { try Self.write(Array("ServerAdmin root@localhost\n".utf8), to: directory, name: included) }
        let text = Self.apacheMain(directory.path, "Include caf\u{1}*.conf")
        let bytes = Array(text.utf8).map { $0 == 0x01 ? 0xE9 : $0 }
        try Self.write(bytes, to: directory, name: Array("apache2.conf".utf8))
        let theirs = try Self.passes([Self.apacheBinary, "-t", "-f", "\(directory.path)/apache2.conf"])
        #expect(theirs == fileThere, "apache2 -t \(theirs ? "passes" : "fails")")
        let tree = try TLS.tree(root: root.path)
        var parser = ApacheConfigParser(tree: tree, serverRoot: "etc/apache2")
        let scanned = String(decoding: bytes, as: UTF8.self).replacingOccurrences(
            of: "ServerRoot \(directory.path)\n", with: "")
        _ = parser.parse(path: ScanPath("etc/apache2/apache2.conf"), bytes: Array(scanned.utf8))
        #expect(Self.verdict(refusals: parser.startRefusals, notRead: parser.notRead) == .unknown)
        #expect(parser.notRead.contains { $0.contains(ConfigText.lostBytesReason) }, "\(parser.notRead)")
    }

    // MARK: - HAProxy's lines and sections

    static let haproxyBinary = "/usr/sbin/haproxy"

    /// The release of the HAProxy installed here (`haproxy -v`: "HAProxy version 2.6.12-1+deb12u4 ..."), which
    /// decides the sections it knows; nil when it does not answer.
    static func haproxyRelease() -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: haproxyBinary)
        process.arguments = ["-v"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return text.split(separator: " ").dropFirst(2).first.map(String.init)
    }

    /// Bodies after `global`; each case has a TLS listener so PQScout has findings to call in force or not.
    /// `CRT` becomes the certificate made for the case, `ROOT` its directory, `PORT` a free port.
    static let haproxyCases: [Case] = [
        Case(name: "sound", main: ""),
        Case(name: "a line before any section", main: "stray keyword\n"),
        Case(name: "a quote never closed", main: "backend quoted\n    description \"open\n"),
        Case(name: "'#' inside quotes", main: "backend quoted\n    description \"a#b\" 'c#d'\n"),
        Case(name: "a quote inside a word", main: "backend quoted\n    description a\"b c\"d\n"),
        Case(
            name: "a cache section after a backend",
            main: "backend b\n    server s 127.0.0.1:9\ncache c\n    total-max-size 4\n"),
        Case(name: "a crt-store section (HAProxy 3.0)", main: "crt-store s\n    load crt CRT\n"),
        Case(name: "a traces section (HAProxy 3.1)", main: "traces\n"),
        Case(
            name: "a ring forwarding over TLS",
            main: "ring logs\n    format rfc5424\n    size 32764\n    server syslog 127.0.0.1:6514 ssl verify none\n"),
        Case(name: "a log-forward TLS listener", main: "log-forward lf\n    bind 127.0.0.1:0 ssl crt CRT\n"),
        Case(
            name: "a log-forward TLS listener without its certificate",
            main: "log-forward lf\n    bind 127.0.0.1:0 ssl crt ROOT/missing.pem\n"),
        Case(
            name: "a defaults section that starts from another",
            main: "defaults a\n    mode tcp\ndefaults b from a\n    timeout connect 1s\nbackend x from b\n"
                + "    server s 127.0.0.1:9 ssl verify none\n"),
        Case(name: "a proxy naming a defaults section that is not there", main: "backend x from nosuch\n"),
        Case(
            name: "a proxy naming a defaults section written after it",
            main: "backend x from a\n    server s 127.0.0.1:9\ndefaults a\n    mode tcp\n"),
        Case(name: "'from' naming nothing", main: "backend x from\n    server s 127.0.0.1:9\n"),
        Case(
            name: "two defaults sections of one name, named by 'from'",
            main: "defaults a\n    mode tcp\ndefaults a\n    mode tcp\nbackend x from a\n"),
        Case(name: "'FROM' is a word like another", main: "defaults a\n    mode tcp\nbackend x FROM a\n"),
        Case(
            name: "peers over TLS",
            main: "global\n    localpeer local\npeers mesh\n    bind 127.0.0.1:PORT ssl crt CRT\n    server local\n"),
    ]

    /// A temporary root holding `etc/haproxy/a.pem`, an RSA certificate and its key, for a `haproxy.cfg` beside it.
    static func haproxyRoot(_ name: String) throws -> (root: URL, directory: URL) {
        let root = try TestCertificates.temporaryDirectory(name)
        let directory = root.appendingPathComponent("etc/haproxy")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let pair = try #require(TestCertificates.make("rsa:2048", in: directory, name: "a"))
        try Data((pair.certificatePEM + pair.keyPEM).utf8).write(to: directory.appendingPathComponent("a.pem"))
        return (root, directory)
    }

    /// PQScout's reading of `text`, the `etc/haproxy/haproxy.cfg` of `root` on this host, with HAProxy `release`
    /// installed. Its absolute paths are this host's; inside the scanned root they name the same files.
    static func scanHAProxy(_ text: String, root: URL, release: String) throws -> ScanOutput {
        let scanned = text.replacingOccurrences(of: root.path + "/", with: "/")
        let tree = try TLS.tree(root: root.path)
        let software = [Software(name: "haproxy", version: release, sourcePath: ScanPath("var/lib/dpkg/status"))]
        return HAProxyScanner().scan(
            ScanInput(
                path: ScanPath("etc/haproxy/haproxy.cfg"), bytes: Array(scanned.utf8),
                context: ScanContext(tree: tree, software: software)))
    }

    /// `haproxy -c` fails exactly where PQScout says HAProxy refuses to start, on the release installed here.
    @Test(
        "haproxy -c fails where PQScout says HAProxy refuses to start, and passes where it says HAProxy starts",
        .enabled(if: FileManager.default.isExecutableFile(atPath: haproxyBinary), "needs haproxy"),
        .enabled(if: TestCertificates.opensslPath != nil, "needs openssl"), arguments: haproxyCases)
    func haproxyAgrees(_ one: Case) throws {
        let release = try #require(Self.haproxyRelease())
        let (root, directory) = try Self.haproxyRoot("start-haproxy")
        defer { try? FileManager.default.removeItem(at: root) }
        let body = one.main.replacingOccurrences(of: "CRT", with: "\(directory.path)/a.pem")
            .replacingOccurrences(of: "ROOT", with: directory.path)
            .replacingOccurrences(of: "PORT", with: "\(TLSLiveOracleTests.freePort())")
        let outside = one.name == "a line before any section" ? body : ""
        let text =
            outside + """
                global
                    maxconn 16
                defaults
                    mode tcp
                    timeout connect 1s
                    timeout client 1s
                    timeout server 1s
                frontend fe
                    bind 127.0.0.1:\(TLSLiveOracleTests.freePort()) ssl crt \(directory.path)/a.pem
                    default_backend be
                backend be
                    server s 127.0.0.1:9

                """ + (outside.isEmpty ? body : "")
        try Data(text.utf8).write(to: directory.appendingPathComponent("haproxy.cfg"))
        let theirs = try Self.passes([Self.haproxyBinary, "-c", "-q", "-f", "\(directory.path)/haproxy.cfg"])
        let output = try Self.scanHAProxy(text, root: root, release: release)
        #expect(output.findings.contains { $0.context?.hasPrefix("bind 127.0.0.1:") == true }, "\(one.name)")
        let refused = output.findings.allSatisfy { !$0.effective && $0.note?.contains("refuses to start") == true }
        #expect(
            refused == !theirs,
            "\(one.name): haproxy \(release) -c \(theirs ? "passes" : "fails"); PQScout: \(output.findings.first?.note ?? "")"
        )
        if !refused { #expect(output.findings.contains { $0.effective }, "\(one.name)") }
        if one.name.hasPrefix("a ring") {
            #expect(output.findings.contains { $0.context == "server syslog 127.0.0.1:6514 (ring logs)" })
        }
        if one.name.hasPrefix("a cache section") {
            #expect(!output.findings.contains { $0.context?.contains("cache") == true })
        }
    }

    // MARK: - HAProxy's environment variables

    /// A configuration using `VAR`, and a value of it haproxy accepts in that place (`CRT`, `ROOT` as above).
    struct EnvironmentCase: CustomStringConvertible, Sendable {
        var name: String
        var global: String = ""
        var bind: String = ""
        var good: String = "ECDHE-RSA-AES128-GCM-SHA256"
        var description: String { name }
    }

    static let environmentCases: [EnvironmentCase] = [
        EnvironmentCase(name: "in double quotes", global: "    ssl-default-bind-ciphers \"${VAR}\"\n"),
        EnvironmentCase(name: "$VAR in double quotes", global: "    ssl-default-bind-ciphers \"$VAR\"\n"),
        EnvironmentCase(name: "unquoted, which is text", global: "    ssl-default-bind-ciphers ${VAR}\n"),
        EnvironmentCase(name: "in single quotes, which is text", global: "    ssl-default-bind-ciphers '${VAR}'\n"),
        EnvironmentCase(
            name: "escaped in double quotes", global: "    ssl-default-bind-ciphers \"AES128-SHA\\$VAR\"\n"),
        EnvironmentCase(
            name: "set by setenv",
            global: "    setenv VAR ECDHE-RSA-AES256-GCM-SHA384\n    ssl-default-bind-ciphers \"${VAR}\"\n"),
        EnvironmentCase(
            name: "set by setenv to a string OpenSSL rejects",
            global: "    setenv VAR BOGUS\n    ssl-default-bind-ciphers \"${VAR}\"\n"),
        EnvironmentCase(
            name: "a presetenv default, which the environment overrides",
            global: "    presetenv VAR ECDHE-RSA-AES256-GCM-SHA384\n    ssl-default-bind-ciphers \"${VAR}\"\n"),
        EnvironmentCase(
            name: "a presetenv default after resetenv",
            global: "    resetenv\n    presetenv VAR ECDHE-RSA-AES256-GCM-SHA384\n"
                + "    ssl-default-bind-ciphers \"${VAR}\"\n"),
        EnvironmentCase(
            name: "a default in braces", global: "    ssl-default-bind-ciphers \"${VAR-ECDHE-RSA-AES256-GCM-SHA384}\"\n"
        ),
        EnvironmentCase(
            name: "a default in braces after unsetenv",
            global: "    unsetenv VAR\n    ssl-default-bind-ciphers \"${VAR-ECDHE-RSA-AES256-GCM-SHA384}\"\n"),
        EnvironmentCase(
            name: "split into words",
            global: "    setenv VAR \"ssl-min-ver TLSv1.2\"\n    ssl-default-bind-options \"${VAR[*]}\"\n"),
        EnvironmentCase(name: "a name starting with a digit", global: "    ssl-default-bind-ciphers \"AES$1\"\n"),
        EnvironmentCase(name: "a brace never closed", global: "    ssl-default-bind-ciphers \"${VAR\"\n"),
        EnvironmentCase(name: "the line number", global: "    ssl-default-bind-ciphers \"$.LINE\"\n"),
        EnvironmentCase(name: "the bind's own ciphers", bind: " ciphers \"${VAR}\""),
        EnvironmentCase(name: "the bind's certificate", bind: " crt \"${VAR}\"", good: "CRT"),
        EnvironmentCase(name: "crt-base", global: "    crt-base \"${VAR}\"\n", good: "ROOT"),
    ]

    /// haproxy -c under three environments (`VAR` unset, a value that works, one that does not): where all
    /// three fail, PQScout must say HAProxy refuses to start; where all pass, that it starts; where they differ,
    /// that nothing is known to be in force, without a refusal.
    @Test(
        "haproxy -c with VAR unset, good and bad: PQScout says refuses, starts, or not known, as they agree or not",
        .enabled(if: FileManager.default.isExecutableFile(atPath: haproxyBinary), "needs haproxy"),
        .enabled(if: TestCertificates.opensslPath != nil, "needs openssl"), arguments: environmentCases)
    func haproxyEnvironment(_ one: EnvironmentCase) throws {
        let release = try #require(Self.haproxyRelease())
        let (root, directory) = try Self.haproxyRoot("start-haproxy-env")
        defer { try? FileManager.default.removeItem(at: root) }
        // With crt-base from the environment, the bind names its certificate relative to it.
        let crt = one.name == "crt-base" ? "a.pem" : "\(directory.path)/a.pem"
        let text = """
            global
                maxconn 16
            \(one.global)defaults
                mode tcp
                timeout connect 1s
                timeout client 1s
                timeout server 1s
            frontend fe
                bind 127.0.0.1:\(TLSLiveOracleTests.freePort()) ssl\(one.bind.contains("crt") ? "" : " crt \(crt)")\(one.bind)
                default_backend be
            backend be
                server s 127.0.0.1:9

            """
        try Data(text.utf8).write(to: directory.appendingPathComponent("haproxy.cfg"))
        let good = one.good.replacingOccurrences(of: "CRT", with: "\(directory.path)/a.pem")
            .replacingOccurrences(of: "ROOT", with: directory.path)
        var outcomes: [Bool] = []
        for environment in [[:], ["VAR": good], ["VAR": "BOGUS"]] {
            outcomes.append(
                try Self.passes(
                    [Self.haproxyBinary, "-c", "-q", "-f", "\(directory.path)/haproxy.cfg"], environment: environment))
        }
        let output = try Self.scanHAProxy(text, root: root, release: release)
        #expect(!output.findings.isEmpty, "\(one.name)")
        let note =
            "\(one.name): haproxy -c \(outcomes) (unset, good, bad); PQScout: \(output.findings.first?.note ?? "")"
        let refuses = output.findings.contains { $0.note?.contains("refuses to start") == true }
        if outcomes.allSatisfy({ !$0 }) {
            #expect(output.findings.allSatisfy { !$0.effective } && refuses, "\(note)")
        } else if outcomes.allSatisfy({ $0 }) {
            #expect(output.findings.contains { $0.effective } && !refuses, "\(note)")
        } else {
            #expect(
                !refuses
                    && output.findings.allSatisfy {
                        !$0.effective && $0.note?.hasPrefix("not known to be in force") == true
                    }, "\(note)")
        }
    }
}
