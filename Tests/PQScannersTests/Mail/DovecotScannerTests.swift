import PQModel
import Testing

@testable import PQScanners

@Suite("Dovecot scanner: includes, blocks, ssl settings and defaults")
struct DovecotScannerTests {
    let scanner = DovecotScanner()

    func tree() throws -> MemoryTree {
        try MailVPNFixtures.tree([
            "etc/dovecot/dovecot.conf": "mail/dovecot/dovecot.conf",
            "etc/dovecot/conf.d/10-ssl.conf": "mail/dovecot/conf.d/10-ssl.conf",
            "etc/dovecot/conf.d/20-broken.conf": "mail/dovecot/conf.d/20-broken.conf",
            "etc/dovecot/private/dovecot.pem": "x509/ecdsa-p384.cer",
        ])
    }

    /// The main file and its fragments, each scanned on its own as a scan of the tree does.
    func scanAll() throws -> ScanOutput {
        try MailVPNFixtures.scan(
            scanner,
            ["etc/dovecot/dovecot.conf", "etc/dovecot/conf.d/10-ssl.conf", "etc/dovecot/conf.d/20-broken.conf"],
            in: tree())
    }

    @Test("the main file keeps its own settings and defaults; a fragment reports its settings with its path and line")
    func ownership() throws {
        let tree = try tree()
        let main = try MailVPNFixtures.scan(scanner, "etc/dovecot/dovecot.conf", in: tree)
        #expect(main.findings.allSatisfy { $0.path == ScanPath("etc/dovecot/dovecot.conf") })
        // The broken include, and the curve list Dovecot hands to OpenSSL 3.0 whole (SSL_CTX_set1_curves_list
        // refuses X25519MLKEM768, so Dovecot does not start).
        #expect(
            main.diagnostics.filter { $0.reason == .malformed && $0.detail.contains("20-broken.conf") }.count == 1,
            "problems in included files are reported once, by the main file")
        #expect(main.diagnostics.contains { $0.detail.contains("ssl_curve_list") && $0.detail.contains("rejects") })
        let fragment = try MailVPNFixtures.scan(scanner, "etc/dovecot/conf.d/10-ssl.conf", in: tree)
        #expect(!fragment.findings.isEmpty)
        #expect(fragment.findings.allSatisfy { $0.path == ScanPath("etc/dovecot/conf.d/10-ssl.conf") })
        #expect(fragment.diagnostics.isEmpty)
        #expect(fragment.assets.first { $0.kind == .service }?.id == main.assets.first { $0.kind == .service }?.id)
    }

    @Test("a conf.d file no dovecot.conf includes is read alone and marked not in force")
    func orphan() throws {
        let tree = try MailVPNFixtures.tree(["etc/dovecot/conf.d/10-ssl.conf": "mail/dovecot/conf.d/10-ssl.conf"])
        let out = try MailVPNFixtures.scan(scanner, "etc/dovecot/conf.d/10-ssl.conf", in: tree)
        #expect(!out.findings.isEmpty && out.findings.allSatisfy { !$0.effective })
        #expect(out.findings.first?.note?.contains("no dovecot.conf") == true)
        #expect(
            !out.findings.contains { $0.origin == .default && $0.setting.hasPrefix("ssl_") },
            "Dovecot's own defaults belong to the main file")
    }

    @Test("settings from an !include'd file carry that file's path and line")
    func includedSettings() throws {
        let out = try scanAll()
        let minimum = out.findings("ssl_min_protocol").filter { $0.context == "dovecot" }
        #expect(minimum.map(\.algorithm) == ["TLSv1.2", "TLSv1.3"])
        #expect(minimum.first?.path == ScanPath("etc/dovecot/conf.d/10-ssl.conf"))
        #expect(minimum.first?.line == 8)
        // ECDHE+AESGCM:!aNULL # trailing comment: the comment is not part of the value, or OpenSSL would reject it.
        let cipherList = out.findings("ssl_cipher_list").filter { $0.context == "dovecot" && $0.usage == .cipherSuite }
        #expect(!cipherList.isEmpty && cipherList.allSatisfy { $0.algorithm.hasPrefix("TLS_ECDHE_") && $0.line == 9 })
        let curves = out.findings("ssl_curve_list").filter { $0.context == "dovecot" }
        #expect(curves.map(\.canonical) == ["ML-KEM-768+X25519", "X25519", "P-256"])
        let suites = out.findings("ssl_cipher_suites").filter { $0.context == "dovecot" && $0.usage == .cipherSuite }
        #expect(suites.map(\.algorithm) == ["TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"])
    }

    @Test("ssl_cert = <file links the certificate's key; a missing ssl_dh file is noted, not guessed")
    func files() throws {
        let out = try scanAll()
        let cert = try #require(out.findings("ssl_cert").first { $0.usage == .publicKey })
        #expect(cert.canonical == "ECDSA" && cert.curve == "P-384" && cert.asset?.hasPrefix("sha256:") == true)
        #expect(out.findings("ssl_dh").isEmpty)
        #expect(out.diagnostics.contains { $0.reason == .unreadable && $0.detail.contains("dh.pem") })
    }

    @Test("a nested local/protocol block is its own context; a broken included file is one diagnostic")
    func blocksAndDiagnostics() throws {
        let out = try scanAll()
        let scoped = out.findings("ssl_min_protocol").filter { $0.context == "local 192.0.2.10 / protocol imap" }
        #expect(scoped.map(\.algorithm) == ["TLSv1.3"])
        #expect(scoped.first?.line == 10)
        let inherited = out.findings("ssl_curve_list").filter { $0.context == "local 192.0.2.10 / protocol imap" }
        #expect(inherited.count == 3, "the block inherits the global curve list")
        let malformed = out.diagnostics.filter { $0.reason == .malformed && !$0.detail.contains("ssl_curve_list") }
        #expect(malformed.count == 1)
        #expect(malformed.first?.detail.contains("20-broken.conf line 2") == true)
    }

    @Test("an empty dovecot.conf reports Dovecot's defaults; ssl = no marks them not in force")
    func defaults() {
        let plain = MailVPNFixtures.scan(scanner, text: "protocols = imap\n", path: "etc/dovecot/dovecot.conf")
        #expect(plain.findings("ssl_min_protocol").map(\.algorithm) == ["TLSv1.2", "TLSv1.3"])
        let ciphers = plain.findings("ssl_cipher_list")
        #expect(!ciphers.isEmpty && ciphers.allSatisfy { $0.origin == .default })
        // No certificate is read: the key it holds is not known, so neither the RSA nor the ECDSA suites are known to
        // be in force (none is said not to be); without ssl_dh no DHE.
        let suites = ciphers.filter { $0.usage == .cipherSuite }
        #expect(!suites.contains { $0.effective })
        #expect(
            suites.filter { $0.algorithm.hasPrefix("TLS_ECDHE_") }.allSatisfy {
                !$0.effective
                    && $0.note?.hasPrefix("not known to be in force: no certificate of this server was read") == true
            })
        #expect(suites.contains { $0.algorithm.hasPrefix("TLS_ECDHE_ECDSA_") })
        #expect(
            suites.filter { $0.algorithm.hasPrefix("TLS_DHE_") }.allSatisfy {
                !$0.effective && $0.note?.contains("DHE needs DH parameters") == true
            })
        #expect(!ciphers.contains { $0.algorithm.contains("_RSA_WITH_") && !$0.algorithm.contains("HE_") }, "!kRSA")
        #expect(plain.findings.allSatisfy { $0.origin == .default })
        let off = MailVPNFixtures.scan(scanner, text: "ssl = no\n", path: "etc/dovecot/dovecot.conf")
        #expect(off.findings.allSatisfy { !$0.effective })
    }

    /// Ubuntu 20.04 ships 2.3.7, Debian 11 2.3.13: both still accept TLS 1.0 unless told otherwise.
    @Test(
        "the default minimum protocol follows the Dovecot release the packages name",
        arguments: [
            ("1:2.3.7.2-1ubuntu3", ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"]),
            ("1:2.3.13+dfsg1-2", ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"]),
            ("2.3.15-1", ["TLSv1.2", "TLSv1.3"]),
            ("1:2.4.1+dfsg1-6", ["TLSv1.2", "TLSv1.3"]),
        ])
    func minimumByRelease(version: String, protocols: [String]) {
        let out = TLS.scan(
            scanner, "etc/dovecot/dovecot.conf", text: "protocols = imap\n",
            software: [TLS.package("dovecot-core", version)])
        let found = out.findings("ssl_min_protocol")
        #expect(found.map(\.algorithm) == protocols, "Dovecot \(version)")
        #expect(found.allSatisfy { $0.origin == .default })
    }

    @Test("a value the system openssl.cnf decides is reported by the main file, at openssl.cnf's line")
    func systemLayer() throws {
        let openssl =
            "openssl_conf = init\n[init]\nssl_conf = ssl\n[ssl]\nsystem_default = sys\n[sys]\n"
            + "Groups = X25519MLKEM768:X25519\n"
        let tree = MemoryTree(contents: [
            ScanPath("etc/ssl/openssl.cnf"): Array(openssl.utf8),
            ScanPath("etc/dovecot/dovecot.conf"): Array("ssl = yes\n!include conf.d/*.conf\n".utf8),
            ScanPath("etc/dovecot/conf.d/10-ssl.conf"): Array("ssl_min_protocol = TLSv1.3\n".utf8),
        ])
        let main = try MailVPNFixtures.scan(scanner, "etc/dovecot/dovecot.conf", in: tree)
        let groups = main.findings.filter { $0.usage == .group && $0.path == ScanPath("etc/ssl/openssl.cnf") }
        #expect(groups.map(\.algorithm) == ["X25519MLKEM768", "X25519"])
        #expect(groups.allSatisfy { $0.line == 7 && $0.source == .dovecot })
        let fragment = try MailVPNFixtures.scan(scanner, "etc/dovecot/conf.d/10-ssl.conf", in: tree)
        #expect(fragment.findings.map(\.algorithm) == ["TLSv1.3"])
    }

    @Test("an included file outside conf.d (local.conf) is not claimed on its own, so the main file reports it")
    func unclaimedInclude() throws {
        let tree = MemoryTree(contents: [
            ScanPath("etc/dovecot/dovecot.conf"): Array("!include_try local.conf\n".utf8),
            ScanPath("etc/dovecot/local.conf"): Array("ssl_min_protocol = TLSv1.3\n".utf8),
        ])
        #expect(scanner.claim(path: ScanPath("etc/dovecot/local.conf"), head: [][...]) == .none)
        let main = try MailVPNFixtures.scan(scanner, "etc/dovecot/dovecot.conf", in: tree)
        let minimum = main.findings("ssl_min_protocol")
        #expect(minimum.map(\.algorithm) == ["TLSv1.3"])
        #expect(minimum.first?.path == ScanPath("etc/dovecot/local.conf"))
    }
}
