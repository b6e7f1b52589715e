import Foundation
import PQModel
import Testing

@testable import PQScanners

@Suite("NginxScanner: services, inheritance, includes and effective settings")
struct NginxScannerTests {
    let www = "server www.example.org:443"
    let legacy = "server legacy.example.org:8443"

    func scan(openssl: String? = nil) throws -> ScanOutput {
        try TLS.fixture(
            "nginx", file: "etc/nginx/nginx.conf", scanner: NginxScanner(),
            software: openssl.map(TLS.openssl) ?? [])
    }

    /// Debian 12 ships 1.22.1, Ubuntu 24.04 1.24.0, Debian 13 1.26.3: only 1.27.3 and later leave TLS 1.0 and 1.1
    /// out when ssl_protocols and proxy_ssl_protocols are not set.
    @Test(
        "the default protocols follow the nginx release the packages name, for servers and upstreams",
        arguments: [
            ("1.22.1-9", ["TLSv1", "TLSv1.1", "TLSv1.2"]),
            ("1.24.0-2ubuntu7", ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"]),
            ("1.26.3-3", ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"]), ("1.27.3-1", ["TLSv1.2", "TLSv1.3"]),
            ("1.29.4-1", ["TLSv1.2", "TLSv1.3"]),
        ])
    func protocolsByRelease(version: String, protocols: [String]) {
        let text = """
            http { server { listen 443 ssl; server_name www.example.org;
                location / { proxy_pass https://app.internal:8443; } } }

            """
        let output = TLS.scan(
            NginxScanner(), "etc/nginx/nginx.conf", text: text,
            software: [TLS.package("nginx", version)] + TLS.openssl("3.0.19-1"))
        for context in [www, "upstream https://app.internal:8443"] {
            let listed = TLS.findings(output, context: context, usage: .protocolVersion)
            #expect(listed.map(\.algorithm) == protocols, "nginx \(version), \(context)")
            #expect(listed.allSatisfy { $0.origin == .default }, "nginx \(version), \(context)")
        }
    }

    @Test("one service per TLS server block, named by server_name and listen port; plain HTTP is not one")
    func services() throws {
        let output = try scan()
        let contexts = Set(output.findings.compactMap(\.context))
        #expect(contexts == [www, legacy, "upstream https://app.internal:8443", "stream server _:993"])
        #expect(output.assets.filter { $0.kind == .service }.count == 4)
    }

    @Test("a server inherits http-level protocols, ciphers, curves, certificate and (included) dhparam")
    func inheritance() throws {
        let output = try scan(openssl: "3.5.1-1")
        let protocols = TLS.findings(output, context: www, usage: .protocolVersion)
        #expect(protocols.map(\.algorithm) == ["TLSv1.2", "TLSv1.3"])
        #expect(protocols.allSatisfy { $0.path == ScanPath("etc/nginx/nginx.conf") && $0.line == 12 })
        let suites = TLS.findings(output, context: www, usage: .cipherSuite).filter { $0.setting == "ssl_ciphers" }
        #expect(
            suites.map(\.algorithm) == [
                "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            ])
        let dh = TLS.findings(output, context: www).first { $0.setting == "ssl_dhparam" }
        #expect(dh?.path == ScanPath("etc/nginx/conf.d/dh.conf"))
        #expect(dh?.keyBits == 2048)
    }

    @Test("on OpenSSL 3.5 the hybrid group is offered; on 3.0 the same list is dead configuration")
    func groupsByVersion() throws {
        let new = try scan(openssl: "3.5.1-1")
        #expect(TLS.offers(new, www, "X25519MLKEM768"))
        let hybrid = try #require(TLS.findings(new, context: www, usage: .group).first)
        #expect(hybrid.quantumStatus == .hybrid && hybrid.canonical == "ML-KEM-768+X25519")
        let old = try scan(openssl: "3.0.15-1~deb12u1")
        #expect(!TLS.offers(old, www, "X25519MLKEM768"))
        let dead = try #require(
            TLS.findings(old, context: www, usage: .group).first { $0.algorithm == "X25519MLKEM768" })
        #expect(dead.note?.contains("dead configuration") == true)
        #expect(dead.note?.contains("package libssl3t64 3.0.15-1~deb12u1") == true)
    }

    @Test("an explicit classical list on OpenSSL 3.5 is reported as switching off the hybrid default")
    func reverseTrap() throws {
        let conf = """
            http {
                server {
                    listen 443 ssl;
                    server_name pq.example.org;
                    ssl_ecdh_curve X25519:prime256v1;
                }
            }

            """
        let input = ScanInput(
            path: ScanPath("etc/nginx/nginx.conf"), bytes: Array(conf.utf8),
            context: ScanContext(software: TLS.openssl("3.5.0-1")))
        let output = NginxScanner().scan(input)
        let groups = TLS.findings(output, context: "server pq.example.org:443", usage: .group)
        #expect(groups.map(\.algorithm) == ["X25519", "prime256v1", "X25519MLKEM768"])
        let trap = try #require(groups.last)
        #expect(!trap.effective && trap.origin == .default)
        #expect(trap.note?.contains("switches it off") == true)
        #expect(trap.setting == "ssl_ecdh_curve" && trap.line == 5)
        // The legacy server enables no TLS 1.3, so no hybrid could be offered there and no trap is reported.
        let fixture = try scan(openssl: "3.5.0-1")
        #expect(!TLS.findings(fixture, context: legacy, usage: .group).contains { $0.algorithm == "X25519MLKEM768" })
    }

    @Test("--openssl-version stands in when the tree has no package database, and the finding says so")
    func versionOption() {
        let conf = "http { server { listen 443 ssl; server_name o.example.org; ssl_certificate o.pem; } }\n"
        let input = ScanInput(
            path: ScanPath("etc/nginx/nginx.conf"), bytes: Array(conf.utf8),
            options: ScanOptions(opensslVersion: "3.5.2"))
        let output = NginxScanner().scan(input)
        let hybrid = output.findings.first { $0.algorithm == "X25519MLKEM768" }
        #expect(hybrid?.effective == true && hybrid?.origin == .default)
        #expect(hybrid?.note?.contains("OpenSSL 3.5.2 (--openssl-version)") == true)
        let assumed = NginxScanner().scan(ScanInput(path: ScanPath("etc/nginx/nginx.conf"), bytes: Array(conf.utf8)))
        #expect(!assumed.findings.contains { $0.algorithm == "X25519MLKEM768" })
        #expect(assumed.findings.contains { $0.note?.contains("assumed: no OpenSSL package") == true })
    }

    @Test(
        "in a multi-root scan, absolute includes, certificates and the system openssl.cnf resolve under the root's label"
    )
    func multiRootLabel() throws {
        let walk = try TreeWalker().walk(root: try TLS.fixtureRoot("rhel"), label: Array("2-rhel".utf8)).get()
        let tree = WalkedTree(files: walk.files, maxFileSize: WalkOptions.defaultMaxFileSize)
        let path = ScanPath("2-rhel/etc/nginx/nginx.conf")
        let output = NginxScanner().scan(
            ScanInput(
                path: path, bytes: try tree.read(path).get(),
                context: ScanContext(tree: tree, software: TLS.openssl("3.5.1-1"))))
        let groups = TLS.findings(output, context: "server rhel.example.org:443", usage: .group)
        #expect(groups.first?.path == ScanPath("2-rhel/etc/crypto-policies/back-ends/opensslcnf.config"))
        #expect(ConfigText.rootLabel(of: path) == "2-rhel")
        #expect(ConfigText.rootLabel(of: ScanPath("etc/nginx/nginx.conf")) == "")
        #expect(ConfigText.rootPattern("/etc/x/*", prefix: "2-rhel/etc/nginx", label: "2-rhel") == "2-rhel/etc/x/*")
    }

    @Test("ssl_conf_command MinProtocol cuts what ssl_protocols enables")
    func confCommandMinProtocol() {
        let conf = """
            http {
                server {
                    listen 443 ssl;
                    ssl_protocols TLSv1.1 TLSv1.2 TLSv1.3;
                    ssl_conf_command MinProtocol TLSv1.3;
                    ssl_certificate site.pem;
                }
            }

            """
        let output = NginxScanner().scan(ScanInput(path: ScanPath("etc/nginx/nginx.conf"), bytes: Array(conf.utf8)))
        let versions = TLS.findings(output, context: "server _:443", usage: .protocolVersion)
        #expect(versions.map(\.algorithm) == ["TLSv1.1", "TLSv1.2", "TLSv1.3"])
        #expect(versions.map(\.effective) == [false, false, true])
        #expect(versions.first?.note?.contains("ssl_conf_command MinProtocol TLSv1.3 (line 5)") == true)
        // No TLS <= 1.2 version is left, so no TLS 1.2 suites are reported.
        #expect(!output.findings.contains { $0.setting == "ssl_ciphers" })
    }

    @Test("ssl_conf_command SignatureAlgorithms yields signature findings, SHA-1 broken")
    func signatureAlgorithms() throws {
        let output = try scan()
        let sigalgs = TLS.findings(output, context: legacy, usage: .signature).filter {
            $0.setting == "ssl_conf_command SignatureAlgorithms"
        }
        #expect(sigalgs.map(\.algorithm) == ["ECDSA+SHA256", "RSA-PSS+SHA256", "rsa_pkcs1_sha1"])
        #expect(sigalgs.map(\.canonical) == ["ECDSA-SHA256", "RSA-PSS-RSAE-SHA256", "RSA-SHA1"])
        #expect(sigalgs.last?.quantumStatus == .broken)
    }

    @Test("ssl_certificate links to the certificate asset the X.509 scanner gives the same file")
    func certificateLink() throws {
        let root = try TLS.fixtureRoot("nginx")
        let certBytes = try Array(Data(contentsOf: URL(fileURLWithPath: root + "/etc/ssl/certs/www.example.org.pem")))
        let certOutput = CertificateScanner().scan(
            ScanInput(path: ScanPath("etc/ssl/certs/www.example.org.pem"), bytes: certBytes))
        let certID = try #require(certOutput.assets.first { $0.kind == .certificate }?.id)
        let output = try scan()
        let link = try #require(
            TLS.findings(output, context: www).first { $0.setting == "ssl_certificate" && $0.usage == .publicKey })
        #expect(link.asset == certID)
        #expect(link.canonical == "RSA" && link.keyBits == 2048)
        let key = try #require(TLS.findings(output, context: www).first { $0.setting == "ssl_certificate_key" })
        #expect(key.asset?.hasPrefix("sha256:") == true)
        // The DER certificate of the legacy server is read too.
        #expect(
            TLS.findings(output, context: legacy).contains { $0.setting == "ssl_certificate" && $0.curve == "P-256" })
    }

    @Test("protocols left unset take nginx's default, and TLS 1.3 suites the library's, marked as defaults")
    func defaultsAreMarked() throws {
        let output = try scan()
        let stream = TLS.findings(output, context: "stream server _:993")
        #expect(stream.filter { $0.usage == .protocolVersion }.map(\.algorithm) == ["TLSv1.3"])
        let tls13 = stream.filter { $0.usage == .cipherSuite }
        #expect(
            tls13.map(\.algorithm) == [
                "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_GCM_SHA256",
            ])
        #expect(tls13.allSatisfy { $0.origin == .default && $0.note?.contains("library default") == true })
        // TLS 1.3 only: no TLS <= 1.2 suites at all.
        #expect(!stream.contains { $0.setting == "ssl_ciphers" })
    }

    @Test("legacy protocols are reported broken; the upstream side has its own protocol list")
    func legacyAndUpstream() throws {
        let output = try scan()
        let versions = TLS.findings(output, context: legacy, usage: .protocolVersion)
        #expect(versions.map(\.algorithm) == ["TLSv1", "TLSv1.1", "TLSv1.2"])
        #expect(versions.first?.quantumStatus == .broken)
        let upstream = TLS.findings(output, context: "upstream https://app.internal:8443", usage: .protocolVersion)
        #expect(upstream.map(\.algorithm) == ["TLSv1.3"])
        #expect(upstream.first?.setting == "proxy_ssl_protocols")
    }

    @Test("an http block with ssl_* but no TLS server is reported as not in force")
    func template() {
        let conf = "http {\n    ssl_protocols TLSv1 TLSv1.1 TLSv1.2;\n    server { listen 80; }\n}\n"
        let output = NginxScanner().scan(ScanInput(path: ScanPath("etc/nginx/nginx.conf"), bytes: Array(conf.utf8)))
        #expect(!output.findings.isEmpty)
        #expect(output.findings.allSatisfy { !$0.effective })
        #expect(output.findings.first?.context == "http (no TLS server yet)")
    }

    @Test("the scanner's examples hold", arguments: NginxScanner().examples.indices)
    func examples(index: Int) {
        let example = NginxScanner().examples[index]
        let output = NginxScanner().scan(ScanInput(path: ScanPath(example.path), bytes: example.contents))
        #expect(output.findings.isEmpty != example.expectsFindings, "\(example.name)")
        #expect(output.diagnostics.isEmpty != example.expectsDiagnostic, "\(example.name)")
        for algorithm in example.expectedAlgorithms {
            #expect(output.findings.contains { $0.algorithm == algorithm }, "\(example.name): \(algorithm)")
        }
    }
}
