import PQModel
import Testing

@testable import PQScanners

/// Files nothing puts in force are reported, not in force, with the reason; files a main file includes are reported
/// by the main file only.
@Suite("TLS settings in files nothing puts in force")
struct TLSConfigPlacementTests {
    static let nginxMain = """
        http {
            include /etc/nginx/sites-enabled/*;
        }

        """
    static let server = """
        server {
            listen 443 ssl;
            server_name www.example.org;
            ssl_protocols TLSv1.2 TLSv1.3;
            ssl_ciphers ECDHE+AESGCM;
            ssl_certificate /etc/ssl/site.pem;
        }

        """
    static let apacheMain = """
        ServerRoot /etc/apache2
        IncludeOptional sites-enabled/*.conf

        """
    static let apacheSite = """
        <VirtualHost *:443>
            ServerName secure.example.org
            SSLEngine on
            SSLProtocol -all +TLSv1.2
            SSLCipherSuite ECDHE+AESGCM
        </VirtualHost>

        """

    static let tree = MemoryTree(contents: [
        ScanPath("etc/nginx/nginx.conf"): Array(nginxMain.utf8),
        ScanPath("etc/nginx/sites-enabled/www"): Array(server.utf8),
        ScanPath("etc/nginx/sites-available/www"): Array(server.utf8),
        ScanPath("etc/nginx/sites-available/old-site"): Array(server.replacingOccurrences(of: "www", with: "old").utf8),
        ScanPath("etc/nginx/snippets/ssl-params.conf"): Array("ssl_protocols TLSv1 TLSv1.1 TLSv1.2;\n".utf8),
        ScanPath("etc/nginx/nginx.conf.dpkg-old"): Array(("http {\n" + server + "}\n").utf8),
        ScanPath("roles/web/templates/site.conf.j2"): Array(server.utf8),
        ScanPath("etc/apache2/apache2.conf"): Array(apacheMain.utf8),
        ScanPath("etc/apache2/sites-available/default-ssl.conf"): Array(apacheSite.utf8),
        // A TLS server needs its certificate to start (TLSStartOracleTests).
        ScanPath("etc/ssl/site.pem"): (try? MailVPNFixtures.bytes("x509/rsa2048-selfsigned.pem")) ?? [],
        ScanPath("etc/haproxy/conf.d/edge.cfg"): Array(
            "frontend edge\n    bind :443 ssl crt /etc/haproxy/edge.pem ciphers ECDHE+AESGCM\n".utf8),
    ])

    static func scan(_ scanner: any FileScanner, _ file: String) -> ScanOutput {
        let path = ScanPath(file)
        let bytes = (try? tree.read(path).get()) ?? []
        #expect(scanner.claim(path: path, head: bytes[...]) != .none, "\(scanner.id) claims \(file)")
        return scanner.scan(ScanInput(path: path, bytes: bytes, context: ScanContext(tree: tree)))
    }

    @Test(
        "each shape is reported with effective false and its reason; none is in force",
        arguments: [
            ("nginx", "etc/nginx/sites-available/old-site", "not enabled"),
            ("nginx", "etc/nginx/snippets/ssl-params.conf", "nginx.conf does not include this file"),
            ("nginx", "etc/nginx/nginx.conf.dpkg-old", "leftover copy (.dpkg-old)"),
            ("nginx", "roles/web/templates/site.conf.j2", "no nginx.conf above this file"),
            ("apache", "etc/apache2/sites-available/default-ssl.conf", "not enabled"),
            ("haproxy", "etc/haproxy/conf.d/edge.cfg", "HAProxy reads haproxy.cfg"),
        ])
    func notInForce(scanner id: String, file: String, reason: String) {
        let scanner: any FileScanner =
            switch id {
            case "nginx": NginxScanner()
            case "apache": ApacheScanner()
            default: HAProxyScanner()
            }
        let output = Self.scan(scanner, file)
        #expect(!output.findings.isEmpty, "\(file) is reported")
        #expect(output.findings.allSatisfy { !$0.effective }, "nothing of \(file) is in force")
        #expect(output.findings.allSatisfy { $0.note?.contains(reason) == true }, "\(file): \(reason)")
        #expect(output.findings.contains { $0.usage == .protocolVersion })
    }

    @Test("an enabled site and an included file are reported once, by the main file")
    func enabled() {
        #expect(Self.scan(NginxScanner(), "etc/nginx/sites-enabled/www").findings.isEmpty)
        #expect(
            Self.scan(NginxScanner(), "etc/nginx/sites-available/www").findings.isEmpty, "linked from sites-enabled")
        let main = Self.scan(NginxScanner(), "etc/nginx/nginx.conf")
        #expect(main.findings.contains { $0.context == "server www.example.org:443" && $0.effective })
    }
}

@Suite("Dovecot fragments nothing includes")
struct DovecotOrphanFragmentTests {
    @Test("an auth-*.conf.ext with no TLS setting is no service; one with ssl_ settings is reported not in force")
    func authFragment() {
        let tree = MemoryTree(contents: [
            ScanPath("etc/dovecot/conf.d/auth-system.conf.ext"): Array("passdb {\n  driver = pam\n}\n".utf8),
            ScanPath("etc/dovecot/conf.d/99-tls.conf"): Array("ssl_min_protocol = TLSv1.3\n".utf8),
        ])
        let scanner = DovecotScanner()
        let auth = ScanPath("etc/dovecot/conf.d/auth-system.conf.ext")
        let none = scanner.scan(
            ScanInput(path: auth, bytes: (try? tree.read(auth).get()) ?? [], context: ScanContext(tree: tree)))
        #expect(none.findings.isEmpty)
        let tls = ScanPath("etc/dovecot/conf.d/99-tls.conf")
        let some = scanner.scan(
            ScanInput(path: tls, bytes: (try? tree.read(tls).get()) ?? [], context: ScanContext(tree: tree)))
        #expect(!some.findings.isEmpty && some.findings.allSatisfy { !$0.effective })
    }

    @Test(
        "a daemon's config folder is found by path components, as the text search `/daemon/folder/` found it",
        arguments: [
            ("etc/apache2/sites-available/x.conf", true), ("apache2/conf.d/ssl.conf", true),
            ("srv/etc/nginx/sites-enabled/default", true), ("etc/apache2/conf.d/", true),
            ("etc/apache2/sites-available", false), ("etc/apache22/conf.d/x", false), ("etc/xapache2/conf.d/x", false),
            ("etc/apache2/conf.dx/x", false), ("etc/httpd/x/conf.d/y", false), ("etc/nginx//sites-enabled/x", false),
            ("a\\b/httpd/vhosts.d/x", true), ("", false), ("httpd", false),
        ])
    func inFolder(path: String, expected: Bool) {
        let daemons = ["apache2", "httpd", "nginx"]
        let folders = ["sites-available", "sites-enabled", "conf.d", "vhosts.d"]
        let text = "/" + path
        let searched = daemons.contains { daemon in folders.contains { text.contains("/\(daemon)/\($0)/") } }
        #expect(searched == expected)
        #expect(TLSConfigPlacement.inFolder(ScanPath(path), daemons: daemons, folders: folders) == expected)
    }
}
