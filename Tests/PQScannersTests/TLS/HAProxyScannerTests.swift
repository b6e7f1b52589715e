import Foundation
import PQModel
import Testing

@testable import PQScanners

@Suite("HAProxyScanner: global defaults, per-bind and per-server overrides")
struct HAProxyScannerTests {
    let main = "bind :443 (frontend www)"
    let alt = "bind :8443 (frontend www)"
    let backend = "server app1 10.0.0.11:8443 (backend app)"

    func scan() throws -> ScanOutput {
        try TLS.fixture(
            "haproxy", file: "etc/haproxy/haproxy.cfg", scanner: HAProxyScanner(), software: TLS.openssl("3.5.1-1"))
    }

    @Test("ssl binds and ssl servers are services; plain ones are not")
    func services() throws {
        #expect(Set(try scan().findings.compactMap(\.context)) == [main, alt, backend])
    }

    /// Ubuntu 20.04 ships HAProxy 2.0, RHEL 8 1.8: their binds still take TLS 1.0 unless told otherwise.
    @Test(
        "the default minimum follows the HAProxy release the packages name",
        arguments: [
            ("2.0.33-0ubuntu0.1", ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"]),
            ("1.8.27-4.el8", ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"]),
            ("2.2.9-2+deb11u6", ["TLSv1.2", "TLSv1.3"]), ("2.6.12-1+deb12u4", ["TLSv1.2", "TLSv1.3"]),
        ])
    func minimumByRelease(version: String, protocols: [String]) {
        let text = "frontend www\n    bind :443 ssl crt /etc/haproxy/site.pem\n"
        let output = TLS.scan(
            HAProxyScanner(), "etc/haproxy/haproxy.cfg", text: text,
            software: [TLS.package("haproxy", version)] + TLS.openssl("1.1.1w-0+deb11u1"))
        let listed = output.findings.filter { $0.usage == .protocolVersion }
        #expect(listed.map(\.algorithm) == protocols, "HAProxy \(version)")
        #expect(listed.allSatisfy { $0.origin == .default }, "HAProxy \(version)")
    }

    @Test("global ssl-default-bind-* apply to a bind that sets nothing")
    func globalDefaults() throws {
        let output = try scan()
        #expect(
            TLS.findings(output, context: main, usage: .protocolVersion).map(\.algorithm) == ["TLSv1.2", "TLSv1.3"])
        let suites = TLS.findings(output, context: main, usage: .cipherSuite).map(\.algorithm)
        #expect(
            suites == [
                "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
            ])
        #expect(TLS.offers(output, main, "X25519MLKEM768"))
        #expect(TLS.findings(output, context: main).contains { $0.setting == "bind crt" && $0.usage == .publicKey })
    }

    @Test("per-bind ciphers, curves, ssl-min-ver/ssl-max-ver and no-tlsv11 override the globals")
    func overrides() throws {
        let output = try scan()
        #expect(TLS.findings(output, context: alt, usage: .protocolVersion).map(\.algorithm) == ["TLSv1", "TLSv1.2"])
        let groups = TLS.findings(output, context: alt, usage: .group)
        #expect(groups.first?.algorithm == "secp384r1" && groups.first?.setting == "bind curves")
        // TLS 1.3 is off on this bind, so no hybrid could be offered and no trap is raised.
        #expect(!TLS.offers(output, alt, "X25519MLKEM768"))
        #expect(TLS.findings(output, context: alt, usage: .cipherSuite).first?.setting == "bind ciphers")
    }

    @Test("ssl-default-server-options apply to servers")
    func serverSide() throws {
        let output = try scan()
        #expect(TLS.findings(output, context: backend, usage: .protocolVersion).map(\.algorithm) == ["TLSv1.3"])
    }

    /// A server takes the `default-server` lines above it (its section's, and the `defaults` section its proxy
    /// uses), its own parameters written after them (configuration.txt §4.2 "default-server", §5.2).
    @Test("a server inherits ssl and ciphers from default-server lines; no-ssl undoes it; the setting's line is kept")
    func defaultServer() {
        let text = """
            defaults
                default-server ssl verify none
            defaults named
                default-server ssl ciphers AES256-SHA
            backend plain from named
                server n1 10.0.0.1:443
            backend app
                default-server ciphers ECDHE-RSA-AES128-GCM-SHA256
                server a1 10.0.0.2:443
                server a2 10.0.0.3:443 no-ssl
                server a3 10.0.0.4:443 ciphers ECDHE-RSA-AES256-GCM-SHA384
                server-template web 3 web.example.org:443
            peers mesh
                default-server ssl
                server local
                server other 10.0.0.9:10000

            """
        let output = TLS.scan(
            HAProxyScanner(), "etc/haproxy/haproxy.cfg", text: text, software: TLS.openssl("3.0.13-1"))
        let contexts = Set(output.findings.compactMap(\.context))
        #expect(
            contexts == [
                "server n1 10.0.0.1:443 (backend plain)", "server a1 10.0.0.2:443 (backend app)",
                "server a3 10.0.0.4:443 (backend app)", "server-template web 3 web.example.org:443 (backend app)",
                "server other 10.0.0.9:10000 (peers mesh)",
            ])
        func cipherSettings(_ context: String) -> Set<String> {
            Set(
                output.findings.filter {
                    $0.context == context && $0.setting.hasSuffix("ciphers") && $0.origin == .file
                }
                .map { "\($0.setting) line \($0.line ?? 0)" })
        }
        #expect(cipherSettings("server n1 10.0.0.1:443 (backend plain)") == ["server ciphers line 4"])
        #expect(cipherSettings("server a1 10.0.0.2:443 (backend app)") == ["server ciphers line 8"])
        #expect(cipherSettings("server a3 10.0.0.4:443 (backend app)") == ["server ciphers line 11"])
        let a1Suites = output.findings.filter {
            $0.context == "server a1 10.0.0.2:443 (backend app)" && $0.usage == .cipherSuite
        }
        #expect(a1Suites.map(\.algorithm).contains("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"))
        #expect(!a1Suites.map(\.algorithm).contains("TLS_RSA_WITH_AES_256_CBC_SHA"))
    }

    /// Starts HAProxy in the foreground on `directory/haproxy.cfg` (its own process group, stopped by the caller)
    /// and waits, 5 s at most, until every port of `ports` answers.
    static func startHAProxy(in directory: URL, ports: [Int]) throws -> TLSLiveOracleTests.Child {
        let haproxy = try #require(
            TLSLiveOracleTests.Child.start(
                ["/usr/sbin/haproxy", "-db", "-f", directory.path + "/haproxy.cfg"],
                output: directory.path + "/haproxy.out"))
        let deadline = Date().addingTimeInterval(5)
        while !ports.allSatisfy({ TLSLiveOracleTests.listening($0) }), Date() < deadline { usleep(50_000) }
        return haproxy
    }

    /// What a plain client gets through HAProxy's `frontend` on `port`: the page `openssl s_server -www` writes
    /// behind it when HAProxy's TLS connection to it succeeded, "" when it failed.
    static func fetch(port: Int) -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var timeout = timeval(tv_sec: 3, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard TLSLiveOracleTests.connect(fd, port: port) else { return "" }
        let request = Array("GET / HTTP/1.0\r\n\r\n".utf8)
        _ = request.withUnsafeBufferPointer { send(fd, $0.baseAddress, $0.count, 0) }
        var reply: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBufferPointer { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            reply += buffer[0..<count]
        }
        return String(decoding: reply, as: UTF8.self)
    }

    /// HAProxy connects to a TLS server that takes one suite only, with the ciphers a `default-server` line gives
    /// its server, through a `defaults` section that inherits it from another (`defaults chained from tls`): the
    /// connection works exactly when PQScout has that suite in force for the server.
    @Test(
        "a server's inherited ciphers, held to a live HAProxy connecting to openssl s_server",
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/sbin/haproxy"), "needs haproxy"),
        .enabled(if: TestCertificates.opensslPath != nil, "needs openssl"),
        arguments: ["ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-RSA-AES128-GCM-SHA256"])
    func defaultServerCiphersLive(inherited: String) throws {
        let openssl = try #require(TestCertificates.opensslPath)
        let directory = try TestCertificates.temporaryDirectory("haproxy-default-server")
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try #require(TestCertificates.make("rsa:2048", in: directory, name: "a"))
        let (front, back) = (TLSLiveOracleTests.freePort(), TLSLiveOracleTests.freePort())
        let server = try #require(
            TLSLiveOracleTests.Child.start(
                [
                    openssl, "s_server", "-accept", "127.0.0.1:\(back)", "-cert", directory.path + "/a.crt", "-key",
                    directory.path + "/a.key", "-cipher", "ECDHE-RSA-AES256-GCM-SHA384", "-no_tls1_3", "-www",
                ], output: directory.path + "/s_server.out"))
        defer { server.stop() }
        let text = """
            global
                maxconn 16
            defaults
                mode tcp
                timeout connect 2s
                timeout client 2s
                timeout server 2s
            frontend fe
                bind 127.0.0.1:\(front)
                default_backend be
            defaults tls
                default-server ssl verify none ciphers \(inherited)
            defaults chained from tls
                mode tcp
                timeout connect 2s
                timeout client 2s
                timeout server 2s
            backend be from chained
                server s 127.0.0.1:\(back) ssl-max-ver TLSv1.2

            """
        try Data(text.utf8).write(to: directory.appendingPathComponent("haproxy.cfg"))
        let haproxy = try Self.startHAProxy(in: directory, ports: [front, back])
        defer { haproxy.stop() }
        let connects = Self.fetch(port: front).contains("ECDHE-RSA-AES256-GCM-SHA384")
        let output = TLS.scan(
            HAProxyScanner(), "etc/haproxy/haproxy.cfg", text: text, software: TLS.openssl("3.0.13-1"))
        let inForce = output.findings.contains {
            $0.context == "server s 127.0.0.1:\(back) (backend be)" && $0.effective
                && $0.algorithm == "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"
        }
        #expect(connects == (inherited == "ECDHE-RSA-AES256-GCM-SHA384"), "HAProxy with ciphers \(inherited)")
        #expect(inForce == connects, "ciphers \(inherited): HAProxy \(connects ? "connects" : "does not connect")")
    }

    /// A crt-list names certificates PQScout does not follow: the key the bind holds may be RSA or ECDSA (or both),
    /// so no suite that needs one type is said to be in force or not; the TLS 1.3 suites, which need none, are.
    @Test("a bind whose certificates are not read: its RSA and ECDSA suites are not known, its TLS 1.3 ones in force")
    func certificatesNotRead() {
        let text = """
            frontend www
                bind :443 ssl crt-list /etc/haproxy/certs.list ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256

            """
        let output = TLS.scan(
            HAProxyScanner(), "etc/haproxy/haproxy.cfg", text: text, software: TLS.openssl("3.0.13-1"))
        let suites = output.findings.filter { $0.usage == .cipherSuite }
        let legacy = suites.filter { $0.algorithm.hasPrefix("TLS_ECDHE_") }
        #expect(
            Set(legacy.map(\.algorithm)) == [
                "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            ])
        for suite in legacy {
            #expect(!suite.effective, "\(suite.algorithm)")
            #expect(
                suite.note?.hasPrefix("not known to be in force: no certificate of this server was read") == true,
                "\(suite.note ?? "")")
        }
        let tls13 = suites.filter { !$0.algorithm.hasPrefix("TLS_ECDHE_") }
        #expect(!tls13.isEmpty && tls13.allSatisfy { $0.effective })
        let signatures = output.findings.filter { $0.usage == .signature && $0.setting == "bind ciphers" }
        #expect(!signatures.isEmpty)
        #expect(signatures.allSatisfy { !$0.effective && $0.note?.hasPrefix("not known to be in force") == true })
    }

    /// TLS 1.2 with only ECDSA suites on a server whose certificate was not read: if it holds an RSA key no
    /// handshake succeeds, so TLS 1.2 and the ECDHE groups are not known to be in force either (they were judged
    /// in force, as if the key were known, before).
    @Test("no certificate read: a version or group only key-dependent suites use is not known to be in force")
    func versionsAndGroupsOfUnreadCertificate() {
        let text = """
            frontend www
                bind :443 ssl crt-list /etc/haproxy/certs.list ssl-min-ver TLSv1.2 ssl-max-ver TLSv1.2 ciphers ECDHE-ECDSA-AES128-GCM-SHA256 curves prime256v1

            """
        let output = TLS.scan(
            HAProxyScanner(), "etc/haproxy/haproxy.cfg", text: text, software: TLS.openssl("3.0.13-1"))
        let version = output.findings.filter { $0.usage == .protocolVersion && $0.algorithm == "TLSv1.2" }
        let group = output.findings.filter { $0.usage == .group && $0.algorithm == "prime256v1" }
        #expect(version.count == 1 && group.count == 1)
        for finding in version + group {
            #expect(!finding.effective, "\(finding.algorithm)")
            #expect(
                finding.note?.hasPrefix("not known to be in force: only suites that need a key of one type") == true,
                "\(finding.note ?? "")")
        }
        // With a suite for either key type, TLS 1.2 and the group are in force whatever the key.
        let either = TLS.scan(
            HAProxyScanner(), "etc/haproxy/haproxy.cfg",
            text: text.replacingOccurrences(
                of: "ciphers ECDHE-ECDSA-AES128-GCM-SHA256",
                with: "ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256"),
            software: TLS.openssl("3.0.13-1"))
        let inForce = either.findings.filter {
            ($0.usage == .protocolVersion && $0.algorithm == "TLSv1.2")
                || ($0.usage == .group && $0.algorithm == "prime256v1")
        }
        #expect(inForce.count == 2)
        #expect(inForce.allSatisfy { $0.effective }, "\(inForce.map { $0.note ?? "" })")
    }

    /// A crt-list whose certificates are all there is followed: the key types served are read from them. Held to a
    /// live HAProxy: an ECDSA suite negotiates and an RSA one does not, as PQScout says.
    @Test(
        "a bind's crt-list is followed: an ECDSA certificate in it puts the ECDSA suites in force, live",
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/sbin/haproxy"), "needs haproxy"),
        .enabled(if: TestCertificates.opensslPath != nil, "needs openssl"))
    func crtListFollowed() throws {
        let openssl = try #require(TestCertificates.opensslPath)
        let root = try TestCertificates.temporaryDirectory("haproxy-crt-list")
        defer { try? FileManager.default.removeItem(at: root) }
        let directory = root.appendingPathComponent("etc/haproxy")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let pair = try #require(TestCertificates.make("ec", in: directory, name: "site"))
        try Data((pair.certificatePEM + pair.keyPEM).utf8).write(to: directory.appendingPathComponent("site.pem"))
        try Data("# certificates\nsite.pem [alpn h2] www.example.org\n".utf8).write(
            to: directory.appendingPathComponent("certs.list"))
        let port = TLSLiveOracleTests.freePort()
        let text = """
            global
                crt-base \(directory.path)
            defaults
                mode tcp
                timeout connect 2s
                timeout client 2s
                timeout server 2s
            frontend www
                bind 127.0.0.1:\(port) ssl crt-list \(directory.path)/certs.list ssl-max-ver TLSv1.2 ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256
                default_backend be
            backend be
                server s 127.0.0.1:9

            """
        try Data(text.utf8).write(to: directory.appendingPathComponent("haproxy.cfg"))
        let tree = try TLS.tree(root: root.path)
        let scanned = text.replacingOccurrences(of: root.path + "/", with: "/")
        let output = HAProxyScanner().scan(
            ScanInput(
                path: ScanPath("etc/haproxy/haproxy.cfg"), bytes: Array(scanned.utf8),
                context: ScanContext(tree: tree, software: TLS.openssl("3.0.13-1"))))
        func inForce(_ suite: String) -> Bool {
            output.findings.contains { $0.algorithm == suite && $0.effective }
        }
        #expect(output.findings.contains { $0.setting == "crt-list entry" && $0.line == 2 })
        let haproxy = try Self.startHAProxy(in: directory, ports: [port])
        defer { haproxy.stop() }
        for (suite, name) in [
            ("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "ECDHE-ECDSA-AES128-GCM-SHA256"),
            ("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDHE-RSA-AES128-GCM-SHA256"),
        ] {
            let (status, answer) = TLSLiveOracleTests.run(
                [
                    openssl, "s_client", "-connect", "127.0.0.1:\(port)", "-servername", "www.example.org",
                    "-tls1_2", "-cipher", name,
                ], scratch: directory.path + "/s_client.out")
            let live = TLSLiveOracleTests.negotiated(status, answer, expect: nil)
            #expect(live == inForce(suite), "\(suite): HAProxy \(live ? "negotiates" : "refuses") it")
        }
        #expect(inForce("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"))
    }

    @Test("a crt-list is followed up to maxIncludedFiles entries, and not at all past them or with one file missing")
    func crtListBounds() {
        func entries(_ lines: Int, missing: Bool = false) -> Int {
            var text = String(repeating: "site.pem\n", count: lines)
            if missing { text += "gone.pem\n" }
            let tree = MemoryTree(contents: [
                ScanPath("etc/haproxy/certs.list"): Array(text.utf8), ScanPath("etc/haproxy/site.pem"): [0x30],
            ])
            let (found, problem, _) = HAProxyScanner.crtList(
                "certs.list", prefix: "etc/haproxy", label: "", tree: tree)
            #expect(found.isEmpty == (problem != nil), "\(problem ?? "")")
            return found.count
        }
        #expect(entries(2) == 2)
        #expect(entries(ConfigText.maxIncludedFiles) == ConfigText.maxIncludedFiles)
        #expect(entries(ConfigText.maxIncludedFiles + 1) == 0)
        #expect(entries(2, missing: true) == 0)
        let long = MemoryTree(contents: [
            ScanPath("etc/haproxy/certs.list"): Array(("site.pem\n" + String(repeating: "x", count: 70_000)).utf8),
            ScanPath("etc/haproxy/site.pem"): [0x30],
        ])
        let skipped = HAProxyScanner.crtList("certs.list", prefix: "etc/haproxy", label: "", tree: long)
        #expect(skipped.entries.isEmpty && skipped.problem == "line 2 is over 64 KiB")
    }

    /// An entry's `[ciphers ...]` overrides the bind's for its certificate; PQScout does not read it and says so,
    /// once per bind. `[alpn h2]` chooses no algorithm and is not mentioned.
    @Test("a crt-list entry with TLS options of its own gets one diagnostic on the bind's line")
    func crtListEntryOptions() {
        let tree = MemoryTree(contents: [
            ScanPath("etc/haproxy/certs.list"): Array(
                "a.pem [alpn h2] a.example\nb.pem [ciphers AES128-SHA ssl-min-ver TLSv1.0] b.example\nc.pem [curves P-256]\n"
                    .utf8),
            ScanPath("etc/haproxy/a.pem"): [0x30], ScanPath("etc/haproxy/b.pem"): [0x30],
            ScanPath("etc/haproxy/c.pem"): [0x30],
        ])
        let read = HAProxyScanner.crtList("certs.list", prefix: "etc/haproxy", label: "", tree: tree)
        #expect(read.entries.count == 3 && read.problem == nil)
        #expect(
            read.ownOptions == [
                "line 2: b.pem [ciphers AES128-SHA ssl-min-ver TLSv1.0]", "line 3: c.pem [curves P-256]",
            ])
        let output = HAProxyScanner().scan(
            ScanInput(
                path: ScanPath("etc/haproxy/haproxy.cfg"),
                bytes: Array("frontend www\n    bind :443 ssl crt-list certs.list\n".utf8),
                context: ScanContext(tree: tree)))
        let said = output.diagnostics.filter { $0.detail.contains("sets TLS options of its own") }
        #expect(said.count == 1)
        #expect(
            said.first?.detail
                == "line 2: crt-list certs.list: line 2: b.pem [ciphers AES128-SHA ssl-min-ver TLSv1.0] (and 1 more "
                + "entries) sets TLS options of its own, which PQScout does not read: connections to that certificate "
                + "may use other suites, versions or groups than this bind's")
    }

    @Test("crt naming a directory links every PEM in it")
    func crtDirectory() throws {
        let tree = try ScratchTree()
        let pem = try String(
            contentsOfFile: try TLS.fixtureRoot("haproxy") + "/etc/haproxy/certs/site.pem", encoding: .utf8)
        try tree.file("etc/haproxy/certs/a.pem", pem)
        try tree.file("etc/haproxy/certs/b.pem", pem)
        try tree.file("etc/haproxy/haproxy.cfg", "frontend f\n    bind :443 ssl crt /etc/haproxy/certs\n")
        let output = try TLS.scan(root: tree.root, file: "etc/haproxy/haproxy.cfg", scanner: HAProxyScanner())
        let certificates = output.findings.filter { $0.setting == "bind crt" && $0.usage == .publicKey }
        #expect(certificates.count == 4)  // two certificates and two keys
        #expect(output.diagnostics.isEmpty)
    }

    @Test("the scanner's examples hold", arguments: HAProxyScanner().examples.indices)
    func examples(index: Int) {
        let example = HAProxyScanner().examples[index]
        let output = HAProxyScanner().scan(ScanInput(path: ScanPath(example.path), bytes: example.contents))
        #expect(output.findings.isEmpty != example.expectsFindings, "\(example.name)")
        #expect(output.diagnostics.isEmpty != example.expectsDiagnostic, "\(example.name)")
        for algorithm in example.expectedAlgorithms {
            #expect(output.findings.contains { $0.algorithm == algorithm }, "\(example.name): \(algorithm)")
        }
    }
}
