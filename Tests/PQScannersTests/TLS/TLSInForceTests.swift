import Foundation
import PQModel
import Testing

@testable import PQScanners

/// What the in-force model reports for the shapes the issue measured: each rule named in the note.
@Suite("TLS in force: rules named in notes, refusals as diagnostics, daemon facts")
struct TLSInForceTests {
    /// An nginx tree with a real RSA-2048 certificate (Fixtures/x509/rsa2048-selfsigned.pem) and its config.
    static func nginx(_ server: String, extra: [String: String] = [:]) throws -> ScanOutput {
        var files = ["etc/ssl/rsa.pem": "x509/rsa2048-selfsigned.pem"]
        for (path, fixture) in extra { files[path] = fixture }
        var tree = try MailVPNFixtures.tree(files)
        let text = """
            http {
                server {
                    listen 443 ssl;
                    server_name www.example.org;
                    ssl_certificate /etc/ssl/rsa.pem;
                    \(server)
                }
            }

            """
        var contents = tree.contents
        contents[ScanPath("etc/nginx/nginx.conf")] = Array(text.utf8)
        tree = MemoryTree(contents: contents)
        return try MailVPNFixtures.scan(NginxScanner(), "etc/nginx/nginx.conf", in: tree)
    }

    static let www = "server www.example.org:443"

    /// OpenSSL 3.0's CHANGES: TLS 1.0 and 1.1 "no longer work at the default security level of 1"; 1.1.1 still
    /// negotiates them there. The linked library (3.0) answers for the suites; the version rule follows the target.
    @Test("TLS 1.0 and 1.1 at security level 1: refused by an OpenSSL 3.0 target, negotiated by a 1.1.1 target")
    func legacyVersionsByRelease() throws {
        let base = try MailVPNFixtures.tree(["etc/ssl/rsa.pem": "x509/rsa2048-selfsigned.pem"])
        var contents = base.contents
        contents[ScanPath("etc/nginx/nginx.conf")] = Array(
            """
            http { server { listen 443 ssl; server_name www.example.org; ssl_certificate /etc/ssl/rsa.pem;
                ssl_protocols TLSv1 TLSv1.1 TLSv1.2; ssl_ciphers 'ECDHE+AES:AES128-SHA'; } }

            """.utf8)
        let tree = MemoryTree(contents: contents)
        func scan(_ openssl: String, name: String = "libssl3t64") throws -> [String: (Bool, String)] {
            let software = [Software(name: name, version: openssl, sourcePath: ScanPath("var/lib/dpkg/status"))]
            let input = ScanInput(
                path: ScanPath("etc/nginx/nginx.conf"), bytes: try #require(contents[ScanPath("etc/nginx/nginx.conf")]),
                context: ScanContext(tree: tree, software: software))
            let found = TLS.findings(NginxScanner().scan(input), context: Self.www, usage: .protocolVersion)
            return Dictionary(uniqueKeysWithValues: found.map { ($0.algorithm, ($0.effective, $0.note ?? "")) })
        }
        let current = try scan("3.0.19-1~deb12u1")
        #expect(current["TLSv1"]?.0 == false && current["TLSv1.1"]?.0 == false && current["TLSv1.2"]?.0 == true)
        #expect(current["TLSv1"]?.1.contains("security level 1") == true)
        let older = try scan("1.1.1w-0+deb11u1", name: "libssl1.1")
        #expect(older["TLSv1"]?.0 == true && older["TLSv1.1"]?.0 == true && older["TLSv1.2"]?.0 == true, "\(older)")
        // Ubuntu builds level 2 in, and its 1.1.1 refuses TLS 1.0 and 1.1 there (not at level 1).
        let ubuntu = try scan("1.1.1f-1ubuntu2.24", name: "libssl1.1")
        #expect(ubuntu["TLSv1"]?.0 == false && ubuntu["TLSv1.2"]?.0 == true, "\(ubuntu)")
        #expect(ubuntu["TLSv1"]?.1.contains("refused at security level 2: Ubuntu's OpenSSL") == true, "\(ubuntu)")
        let ubuntu3 = try scan("3.0.2-0ubuntu1.18")
        #expect(ubuntu3["TLSv1"]?.1.contains("refused at security level 2") == true, "\(ubuntu3)")
    }

    @Test("HIGH:!MD5 names anonymous suites; none is in force, each says why")
    func anonymous() throws {
        let out = try Self.nginx("ssl_ciphers 'HIGH:!MD5';")
        let suites = TLS.findings(out, context: Self.www, usage: .cipherSuite)
        let anonymous = suites.filter { $0.algorithm.contains("_anon_") }
        #expect(!anonymous.isEmpty)
        #expect(anonymous.allSatisfy { !$0.effective && $0.note?.contains("anonymous") == true })
        let psk = suites.filter { $0.algorithm.contains("PSK") }
        #expect(psk.allSatisfy { !$0.effective && $0.note?.contains("needs a PSK callback; none configured") == true })
        let ecdsa = suites.filter { $0.algorithm.contains("ECDSA") }
        #expect(ecdsa.allSatisfy { !$0.effective && $0.note?.contains("serves RSA") == true })
        #expect(suites.contains { $0.effective && $0.algorithm == "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384" })
        let dhe = suites.filter { $0.algorithm.hasPrefix("TLS_DHE_RSA_") }
        #expect(dhe.allSatisfy { !$0.effective && $0.note?.contains("DHE needs DH parameters") == true })
    }

    /// The suite verdicts are remembered across services by what they depend on (`TLSServiceEmitter`'s suite rows):
    /// vhosts with the same cipher list but different certificate key types must not share them.
    @Test("same cipher list, RSA then ECDSA then RSA certificate: each vhost's suites follow its own key type")
    func suitesFollowEachVhostsCertificate() throws {
        var tree = try MailVPNFixtures.tree([
            "etc/ssl/rsa.pem": "x509/rsa2048-selfsigned.pem", "etc/ssl/ec.der": "x509/ecdsa-p256.der",
        ])
        func server(_ name: String, _ certificate: String) -> String {
            "server {\n listen 443 ssl;\n server_name \(name);\n ssl_certificate \(certificate);\n"
                + " ssl_ciphers 'ECDHE+AESGCM';\n}\n"
        }
        let text =
            "http {\n" + server("a.example.org", "/etc/ssl/rsa.pem") + server("b.example.org", "/etc/ssl/ec.der")
            + server("c.example.org", "/etc/ssl/rsa.pem") + "}\n"
        var contents = tree.contents
        contents[ScanPath("etc/nginx/nginx.conf")] = Array(text.utf8)
        tree = MemoryTree(contents: contents)
        let out = try MailVPNFixtures.scan(NginxScanner(), "etc/nginx/nginx.conf", in: tree)
        func inForce(_ name: String) -> [String] {
            TLS.findings(out, context: "server \(name):443", usage: .cipherSuite).filter(\.effective).map(\.algorithm)
                .filter { !$0.hasPrefix("TLS_AES") && !$0.hasPrefix("TLS_CHACHA20") }
        }
        let rsa = ["TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"]
        let ecdsa = ["TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"]
        #expect(Set(inForce("a.example.org")) == Set(rsa))
        #expect(Set(inForce("b.example.org")) == Set(ecdsa))
        #expect(Set(inForce("c.example.org")) == Set(rsa))
        let bNotes = TLS.findings(out, context: "server b.example.org:443", usage: .cipherSuite)
            .filter { $0.algorithm.contains("_RSA_") }.compactMap(\.note)
        #expect(!bNotes.isEmpty && bNotes.allSatisfy { $0.contains("needs an RSA certificate; the service serves EC") })
    }

    @Test("Debian's ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3: TLS 1.0 and 1.1 are refused at security level 1")
    func oldVersions() throws {
        let out = try Self.nginx("ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;")
        let versions = TLS.findings(out, context: Self.www, usage: .protocolVersion)
        #expect(versions.filter(\.effective).map(\.algorithm) == ["TLSv1.2", "TLSv1.3"])
        #expect(
            versions.filter { !$0.effective }.allSatisfy { $0.note?.contains("refused at security level 1") == true })
    }

    @Test("@SECLEVEL=3 with an RSA-2048 certificate: a diagnostic in OpenSSL's words, nothing in force")
    func levelRefusesCertificate() throws {
        let out = try Self.nginx("ssl_ciphers 'HIGH:@SECLEVEL=3';")
        #expect(out.diagnostics.contains { $0.detail.contains("ee key too small") && $0.detail.contains("line 5") })
        let service = TLS.findings(out, context: Self.www)
        #expect(!service.isEmpty && service.allSatisfy { !$0.effective })
        #expect(service.allSatisfy { $0.note?.contains("the server refuses to start") == true })
    }

    @Test("an unparseable cipher string takes the service's groups and protocols with it")
    func rejectedString() throws {
        let out = try Self.nginx("ssl_ciphers 'NOSUCH';")
        #expect(out.diagnostics.contains { $0.detail.contains("OpenSSL rejects the cipher string") })
        #expect(TLS.findings(out, context: Self.www).allSatisfy { !$0.effective })
        #expect(TLS.findings(out, context: Self.www, usage: .group).count > 0)
    }

    @Test("a missing certificate file stops the server")
    func missingCertificate() throws {
        let out = try Self.nginx("ssl_certificate_key /etc/ssl/key.pem;\n ssl_certificate /etc/ssl/missing.pem;")
        #expect(TLS.findings(out, context: Self.www).allSatisfy { !$0.effective })
        #expect(out.diagnostics.contains { $0.reason == .unreadable && $0.detail.contains("missing.pem") })
    }

    @Test("a TLS-1.3-only service does not use its DH parameters; a hybrid group on a TLS-1.2-only one is not in force")
    func dhAndHybrid() throws {
        let out = try Self.nginx(
            "ssl_protocols TLSv1.3;\n ssl_dhparam /etc/ssl/dh.pem;", extra: ["etc/ssl/dh.pem": "x509/dhparam2048.pem"])
        let dh = TLS.findings(out, context: Self.www).filter { $0.setting == "ssl_dhparam" }
        #expect(!dh.isEmpty && dh.allSatisfy { !$0.effective && $0.note?.contains("TLS 1.3 never uses") == true })
        let software = TLS.openssl("3.5.1-1")
        let tree = MemoryTree(contents: [
            ScanPath("etc/nginx/nginx.conf"): Array(
                """
                http { server { listen 443 ssl; ssl_certificate /etc/ssl/site.pem;
                    ssl_protocols TLSv1.2; ssl_ecdh_curve X25519MLKEM768:X25519; } }

                """.utf8),
            ScanPath("etc/ssl/site.pem"): try MailVPNFixtures.bytes("x509/rsa2048-selfsigned.pem"),
        ])
        let hybrid = NginxScanner().scan(
            ScanInput(
                path: ScanPath("etc/nginx/nginx.conf"),
                bytes: (try? tree.read(ScanPath("etc/nginx/nginx.conf")).get()) ?? [],
                context: ScanContext(tree: tree, software: software)))
        let group = try #require(hybrid.findings.first { $0.algorithm == "X25519MLKEM768" })
        #expect(!group.effective && group.note?.contains("limited to TLS 1.2") == true)
        #expect(hybrid.findings.contains { $0.algorithm == "X25519" && $0.effective })
    }

    @Test("signature algorithms and client signature algorithms from nginx, Apache and HAProxy")
    func signatureAlgorithms() {
        let nginx = NginxScanner().scan(
            ScanInput(
                path: ScanPath("etc/nginx/nginx.conf"),
                bytes: Array(
                    """
                    http { server { listen 443 ssl;
                        ssl_conf_command SignatureAlgorithms ecdsa_secp256r1_sha256:rsa_pss_rsae_sha256;
                        ssl_conf_command ClientSignatureAlgorithms ed25519; } }

                    """.utf8)))
        #expect(
            nginx.findings.filter { $0.usage == .signature && $0.setting.hasSuffix("SignatureAlgorithms") }.count == 3)
        #expect(
            nginx.findings.contains { $0.algorithm == "ed25519" && $0.note?.contains("client certificates") == true })
        let haproxy = HAProxyScanner().scan(
            ScanInput(
                path: ScanPath("etc/haproxy/haproxy.cfg"),
                bytes: Array(
                    "frontend fe\n    bind :443 ssl crt /x.pem sigalgs RSA-PSS+SHA256 client-sigalgs ECDSA+SHA256\n"
                        .utf8)))
        #expect(haproxy.findings.contains { $0.setting == "bind sigalgs" && $0.algorithm == "RSA-PSS+SHA256" })
        #expect(haproxy.findings.contains { $0.setting == "bind client-sigalgs" && $0.algorithm == "ECDSA+SHA256" })
        let apache = ApacheScanner().scan(
            ScanInput(
                path: ScanPath("etc/apache2/apache2.conf"),
                bytes: Array(
                    """
                    <VirtualHost *:443>
                        SSLEngine on
                        SSLOpenSSLConfCmd ClientSignatureAlgorithms rsa_pss_rsae_sha384
                    </VirtualHost>

                    """.utf8)))
        #expect(apache.findings.contains { $0.algorithm == "rsa_pss_rsae_sha384" && $0.usage == .signature })
    }

    @Test("OpenVPN's own default TLS list, not OpenSSL's DEFAULT: no kRSA, DHE-RSA or CAMELLIA-SHA suites")
    func openVPNDefault() {
        let out = OpenVPNScanner().scan(
            ScanInput(path: ScanPath("etc/openvpn/server.conf"), bytes: Array("tls-server\ndh none\n".utf8)))
        let suites = out.findings.filter { $0.usage == .cipherSuite && $0.setting == "tls-cipher" }
        #expect(!suites.isEmpty)
        #expect(suites.allSatisfy { $0.origin == .default })
        #expect(!suites.contains { $0.algorithm.hasPrefix("TLS_RSA_WITH_") })
        #expect(!suites.contains { $0.algorithm.contains("_DH_") || $0.algorithm.contains("ECDH_") })
        let expanded = CipherStringExpander.expand(cipherString: OpenVPNScanner.defaultTLSCipherList)
        let count = (try? expanded.get().tls12.count) ?? 0
        #expect(suites.count == count)
    }

    @Test("Postfix skips group names OpenSSL 3.0 does not know; X25519 and P-256 stay in force")
    func postfixSkipsUnknownGroups() {
        let main = """
            smtpd_tls_security_level = may
            tls_eecdh_auto_curves = X25519MLKEM768 X25519 prime256v1

            """
        let out = PostfixScanner().scan(ScanInput(path: ScanPath("etc/postfix/main.cf"), bytes: Array(main.utf8)))
        let groups = out.findings.filter { $0.usage == .group && $0.context == "smtpd" }
        #expect(groups.first { $0.algorithm == "X25519MLKEM768" }?.effective == false)
        #expect(groups.first { $0.algorithm == "X25519" }?.effective == true)
        #expect(groups.first { $0.algorithm == "prime256v1" }?.effective == true)
        #expect(!out.diagnostics.contains { $0.detail.contains("rejects the group list") })
    }

    @Test("the certificate a service loads is the first of its PEM file, found by its markers; DER passes through")
    func firstCertificate() throws {
        let pem = try X509Fixtures.bytes("rsa-chain.pem")
        let expected = try #require(PEM.blocks(in: pem).first { $0.label == "CERTIFICATE" }?.der)
        #expect(TLSServiceEmitter.firstCertificate(pem) == expected)
        let crlf = Array(String(decoding: pem, as: UTF8.self).replacingOccurrences(of: "\n", with: "\r\n").utf8)
        #expect(TLSServiceEmitter.firstCertificate(crlf) == expected)
        #expect(TLSServiceEmitter.firstCertificate([0x30, 0x03, 0x02, 0x01, 0x00]) == [0x30, 0x03, 0x02, 0x01, 0x00])
        #expect(TLSServiceEmitter.firstCertificate(Array("-----BEGIN CERTIFICATE-----\nMIIB\n".utf8)) == nil)
        #expect(TLSServiceEmitter.firstCertificate(Array("no certificate here".utf8)) == nil)
    }

    @Test(
        "a certificate's body is read with the white space OpenSSL skips, and no other (checked with openssl x509)",
        .enabled(if: TestCertificates.opensslPath != nil, "needs the openssl command"))
    func certificateWhiteSpace() throws {
        let openssl = try #require(TestCertificates.opensslPath)
        // One certificate: given a chain, `openssl x509` (OSSL_STORE) goes on to the next block when one fails to
        // decode, where a server's PEM_read_bio_X509 stops.
        let chain = String(decoding: try X509Fixtures.bytes("rsa-chain.pem"), as: UTF8.self)
        let begin = try #require(chain.range(of: "-----BEGIN CERTIFICATE-----"))
        let end = try #require(chain.range(of: "-----END CERTIFICATE-----", range: begin.upperBound..<chain.endIndex))
        let pem = String(chain[begin.lowerBound..<end.upperBound]) + "\n"
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pqscout-pem-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // Tab and space inside a body line; vertical tab, form feed and no-break space, which Swift calls white space.
        var accepted: [String] = []
        for (name, insert) in [("tab", "\t"), ("space", " "), ("vt", "\u{0B}"), ("ff", "\u{0C}"), ("nbsp", "\u{A0}")] {
            var lines = pem.components(separatedBy: "\n")
            let body = try #require(lines.firstIndex(of: "-----BEGIN CERTIFICATE-----")) + 1
            lines[body].insert(contentsOf: insert, at: lines[body].index(lines[body].startIndex, offsetBy: 10))
            let file = directory.appendingPathComponent("\(name).pem")
            try lines.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
            let opensslReads = TestCertificates.run(openssl, ["x509", "-in", file.path, "-noout"]) == 0
            let pqscoutReads = TLSServiceEmitter.firstCertificate(Array(try Data(contentsOf: file))) != nil
            #expect(pqscoutReads == opensslReads, "\(name)")
            if opensslReads { accepted.append(name) }
        }
        #expect(accepted == ["tab", "space"])
    }
}
