import Foundation
import PQModel
import PQTestSupport
import Testing

@testable import PQScanners

/// Bad input costs a diagnostic naming the file and line, never the scan: the good parts still yield services.
@Suite("TLS config scanners: hostile input")
struct TLSHostileInputTests {
    static let server = "server {\n    listen 443 ssl;\n    server_name ok.example.org;\n}\n"
    static let hugeLine = String(repeating: "A", count: 10 * 1024 * 1024)

    func scan(_ tree: ScratchTree, _ file: String, _ scanner: any FileScanner) throws -> ScanOutput {
        try TLS.scan(root: tree.root, file: file, scanner: scanner)
    }

    func hasDiagnostic(_ output: ScanOutput, _ path: String, _ words: String) -> Bool {
        output.diagnostics.contains { $0.path == ScanPath(path) && $0.detail.contains(words) }
    }

    @Test("nginx: an unexpected '}' and an unclosed block are reported with their lines; servers still found")
    func nginxBraces() throws {
        let tree = try ScratchTree()
        try tree.file(
            "etc/nginx/nginx.conf", "http {\n" + Self.server + "}\n}\nhttp {\n    server { listen 8443 ssl;\n")
        let output = try scan(tree, "etc/nginx/nginx.conf", NginxScanner())
        #expect(hasDiagnostic(output, "etc/nginx/nginx.conf", "line 7: unexpected '}'"))
        #expect(hasDiagnostic(output, "etc/nginx/nginx.conf", "line 8: block 'http' is never closed"))
        #expect(output.findings.contains { $0.context == "server ok.example.org:443" })
        #expect(output.findings.contains { $0.context == "server _:8443" })
    }

    @Test("nginx: an unterminated quote is reported at the line it opens")
    func nginxQuote() throws {
        let tree = try ScratchTree()
        try tree.file("etc/nginx/nginx.conf", "http {\n" + Self.server + "    ssl_ciphers \"HIGH;\n}\n")
        let output = try scan(tree, "etc/nginx/nginx.conf", NginxScanner())
        #expect(hasDiagnostic(output, "etc/nginx/nginx.conf", "line 6: quoted string never closed"))
        #expect(output.findings.contains { $0.context == "server ok.example.org:443" })
    }

    @Test("nginx: an include of a directory of binaries yields one diagnostic per file and the scan goes on")
    func nginxBinaryInclude() throws {
        let tree = try ScratchTree()
        try tree.file("etc/nginx/nginx.conf", "http {\n    include /etc/nginx/bin/*;\n" + Self.server + "}\n")
        for index in 0..<3 {
            let path = tree.root + "/etc/nginx/bin/blob\(index)"
            try FileManager.default.createDirectory(
                atPath: tree.root + "/etc/nginx/bin", withIntermediateDirectories: true)
            try Data([0x7F, 0x45, 0x4C, 0x46, 0, 1, 2, 3, 0xFF, 0xFE]).write(to: URL(fileURLWithPath: path))
        }
        let output = try scan(tree, "etc/nginx/nginx.conf", NginxScanner())
        #expect(output.diagnostics.filter { $0.detail.contains("binary data") }.count == 3)
        #expect(output.findings.contains { $0.context == "server ok.example.org:443" })
    }

    @Test("nginx: a 10 MB line is skipped with a diagnostic naming the line")
    func nginxHugeLine() throws {
        let tree = try ScratchTree()
        try tree.file("etc/nginx/nginx.conf", "http {\n    ssl_ciphers " + Self.hugeLine + ";\n" + Self.server + "}\n")
        let output = try scan(tree, "etc/nginx/nginx.conf", NginxScanner())
        #expect(output.diagnostics.contains { $0.reason == .tooLarge && $0.detail.hasPrefix("line 2:") })
        #expect(output.findings.contains { $0.context == "server ok.example.org:443" })
    }

    @Test("nginx: an include loop is cut with a diagnostic")
    func nginxIncludeLoop() throws {
        let tree = try ScratchTree()
        try tree.file("etc/nginx/nginx.conf", "include a.conf;\nhttp {\n" + Self.server + "}\n")
        try tree.file("etc/nginx/a.conf", "include b.conf;\n")
        try tree.file("etc/nginx/b.conf", "include a.conf;\n")
        let output = try scan(tree, "etc/nginx/nginx.conf", NginxScanner())
        #expect(output.diagnostics.contains { $0.reason == .linkLoop })
        #expect(output.findings.contains { $0.context == "server ok.example.org:443" })
    }

    /// nginx and Apache read a file as often as it is included: the usual `snippets/ssl-params.conf` in every
    /// server block is no loop, and each block gets its settings (seen wrong on a generated /etc, issue 20).
    @Test("nginx and Apache: the same snippet included by two server blocks applies to both, with no loop")
    func snippetIncludedTwice() throws {
        let tree = try ScratchTree()
        // A TLS server needs its certificate to start (TLSStartOracleTests).
        try tree.file(
            "etc/ssl/site.pem",
            String(decoding: try MailVPNFixtures.bytes("x509/rsa2048-selfsigned.pem"), as: UTF8.self))
        let snippet = "ssl_protocols TLSv1.3;\nssl_certificate /etc/ssl/site.pem;\n"
        try tree.file("etc/nginx/snippets/ssl.conf", snippet)
        let servers = ["a", "b"].map { name in
            "server {\n    listen 443 ssl;\n    server_name \(name).example.org;\n    include snippets/ssl.conf;\n}\n"
        }
        try tree.file("etc/nginx/nginx.conf", "http {\n" + servers.joined() + "}\n")
        let nginx = try scan(tree, "etc/nginx/nginx.conf", NginxScanner())
        #expect(!nginx.diagnostics.contains { $0.reason == .linkLoop })
        for name in ["a", "b"] {
            let versions = nginx.findings.filter {
                $0.context == "server \(name).example.org:443" && $0.usage == .protocolVersion && $0.effective
            }
            #expect(versions.map(\.algorithm) == ["TLSv1.3"], "server \(name)")
        }

        try tree.file(
            "etc/apache2/ssl-params.conf", "SSLProtocol -all +TLSv1.3\nSSLCertificateFile /etc/ssl/site.pem\n")
        let hosts = ["a", "b"].map { name in
            "<VirtualHost *:443>\n  ServerName \(name).example.org\n  SSLEngine on\n"
                + "  Include /etc/apache2/ssl-params.conf\n</VirtualHost>\n"
        }
        try tree.file("etc/apache2/apache2.conf", hosts.joined())
        let apache = try scan(tree, "etc/apache2/apache2.conf", ApacheScanner())
        #expect(!apache.diagnostics.contains { $0.reason == .linkLoop })
        for name in ["a", "b"] {
            let versions = apache.findings.filter {
                $0.context?.contains("\(name).example.org") == true && $0.usage == .protocolVersion && $0.effective
            }
            #expect(versions.map(\.algorithm) == ["TLSv1.3"], "virtual host \(name)")
        }
    }

    @Test("apache: unclosed and mismatched sections, an unterminated quote, a 10 MB line, binary includes")
    func apache() throws {
        let tree = try ScratchTree()
        try tree.file(
            "etc/apache2/apache2.conf",
            """
            IncludeOptional bin/*
            SSLCipherSuite "HIGH
            SSLProtocol \(Self.hugeLine)
            </IfModule>
            <VirtualHost *:443>
                ServerName ok.example.org
                SSLEngine on
            </VirtualHost>
            <VirtualHost *:8443>
                SSLEngine on

            """)
        try FileManager.default.createDirectory(
            atPath: tree.root + "/etc/apache2/bin", withIntermediateDirectories: true)
        try Data([0, 1, 2, 0xFF]).write(to: URL(fileURLWithPath: tree.root + "/etc/apache2/bin/x.so"))
        let output = try scan(tree, "etc/apache2/apache2.conf", ApacheScanner())
        let path = "etc/apache2/apache2.conf"
        #expect(hasDiagnostic(output, path, "line 2: quoted argument never closed"))
        #expect(output.diagnostics.contains { $0.reason == .tooLarge && $0.detail.hasPrefix("line 3:") })
        #expect(hasDiagnostic(output, path, "line 4: </ifmodule> without an opening section"))
        #expect(hasDiagnostic(output, path, "line 9: <VirtualHost> is never closed"))
        #expect(output.diagnostics.contains { $0.detail.contains("binary data") })
        #expect(output.findings.contains { $0.context == "VirtualHost ok.example.org:443" })
    }

    @Test("haproxy: a line outside sections, an unterminated quote and a 10 MB line")
    func haproxy() throws {
        let tree = try ScratchTree()
        try tree.file(
            "etc/haproxy/haproxy.cfg",
            "stray keyword\nglobal\n    ssl-default-bind-ciphers \"HIGH\n    x \(Self.hugeLine)\nfrontend f\n    bind :443 ssl\n"
        )
        let output = try scan(tree, "etc/haproxy/haproxy.cfg", HAProxyScanner())
        #expect(hasDiagnostic(output, "etc/haproxy/haproxy.cfg", "line 1: 'stray' outside any section"))
        #expect(hasDiagnostic(output, "etc/haproxy/haproxy.cfg", "line 3: quoted argument never closed"))
        #expect(output.diagnostics.contains { $0.reason == .tooLarge && $0.detail.hasPrefix("line 4:") })
        #expect(output.findings.contains { $0.context == "bind :443 (frontend f)" })
    }

    /// OpenSSL stops loading at the broken header (checked with `openssl ciphers`): the library's defaults hold.
    @Test("openssl.cnf: an include of binaries, a broken header, a line without '=' and a 10 MB line")
    func opensslConf() throws {
        let tree = try ScratchTree()
        try tree.file(
            "etc/ssl/openssl.cnf",
            """
            openssl_conf = init
            .include /etc/ssl/bin
            [init
            garbage line
            big = \(Self.hugeLine)
            [init]
            ssl_conf = ssl
            [ssl]
            system_default = sd
            [sd]
            MinProtocol = TLSv1.3

            """)
        try FileManager.default.createDirectory(atPath: tree.root + "/etc/ssl/bin", withIntermediateDirectories: true)
        try Data([0, 0, 0, 0xFF]).write(to: URL(fileURLWithPath: tree.root + "/etc/ssl/bin/a.cnf"))
        let output = try scan(tree, "etc/ssl/openssl.cnf", OpenSSLConfScanner())
        let path = "etc/ssl/openssl.cnf"
        #expect(hasDiagnostic(output, path, "line 3: a section header OpenSSL cannot read"))
        #expect(!output.diagnostics.contains { $0.detail.hasPrefix("line 4:") })
        #expect(output.diagnostics.contains { $0.reason == .tooLarge && $0.detail.hasPrefix("line 5:") })
        #expect(output.diagnostics.contains { $0.detail.contains("binary data") })
        #expect(!output.findings.isEmpty && output.findings.allSatisfy { $0.origin == .default })
        #expect(output.findings.filter { $0.usage == .protocolVersion && $0.effective }.count > 1)
    }

    @Test("random bytes and truncations never crash any TLS scanner")
    func fuzz() {
        let scanners: [any FileScanner] = [NginxScanner(), ApacheScanner(), HAProxyScanner(), OpenSSLConfScanner()]
        let seed = Array(
            "http { server { listen 443 ssl; ssl_ciphers 'HIGH'; ssl_ecdh_curve ?*X25519MLKEM768/-x; } }\n<VirtualHost>\n"
                .utf8)
        var generator = SeededGenerator(seed: 0x7F5_0021)
        for scanner in scanners {
            for length in stride(from: 0, through: seed.count, by: 7) {
                _ = scanner.scan(ScanInput(path: ScanPath("etc/x/nginx.conf"), bytes: Array(seed.prefix(length))))
            }
            for _ in 0..<20 {
                let noise = (0..<256).map { _ in UInt8.random(in: 1...255, using: &generator) }
                _ = scanner.scan(ScanInput(path: ScanPath("etc/x/openssl.cnf"), bytes: noise))
            }
        }
    }
}
