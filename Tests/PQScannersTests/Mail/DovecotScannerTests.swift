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
        #expect(main.diagnostics.count == 1, "problems in included files are reported once, by the main file")
        let fragment = try MailVPNFixtures.scan(scanner, "etc/dovecot/conf.d/10-ssl.conf", in: tree)
        #expect(fragment.findings.allSatisfy { $0.path == ScanPath("etc/dovecot/conf.d/10-ssl.conf") && $0.effective })
        #expect(fragment.diagnostics.isEmpty)
        #expect(fragment.assets.first { $0.kind == .service }?.id == main.assets.first { $0.kind == .service }?.id)
    }

    @Test("a conf.d file no dovecot.conf includes is read alone and marked not in force")
    func orphan() throws {
        let tree = try MailVPNFixtures.tree(["etc/dovecot/conf.d/10-ssl.conf": "mail/dovecot/conf.d/10-ssl.conf"])
        let out = try MailVPNFixtures.scan(scanner, "etc/dovecot/conf.d/10-ssl.conf", in: tree)
        #expect(!out.findings.isEmpty && out.findings.allSatisfy { !$0.effective })
        #expect(out.findings.first?.note?.contains("no dovecot.conf") == true)
        #expect(!out.findings.contains { $0.origin == .default }, "defaults belong to the main file")
    }

    @Test("settings from an !include'd file carry that file's path and line")
    func includedSettings() throws {
        let out = try scanAll()
        let minimum = out.findings("ssl_min_protocol").filter { $0.context == nil }
        #expect(minimum.map(\.algorithm) == ["TLSv1.2", "TLSv1.3"])
        #expect(minimum.first?.path == ScanPath("etc/dovecot/conf.d/10-ssl.conf"))
        #expect(minimum.first?.line == 8)
        let cipherList = try #require(out.findings("ssl_cipher_list").first)
        #expect(cipherList.algorithm == "ECDHE+AESGCM:!aNULL", "the trailing comment is not part of the value")
        #expect(out.findings("ssl_curve_list").map(\.canonical) == ["ML-KEM-768+X25519", "X25519", "P-256"])
        #expect(
            out.findings("ssl_cipher_suites").map(\.algorithm) == [
                "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            ])
    }

    @Test("ssl_cert = <file links the certificate's key; a missing ssl_dh file is noted, not guessed")
    func files() throws {
        let out = try scanAll()
        let cert = try #require(out.findings("ssl_cert").first)
        #expect(cert.canonical == "ECDSA" && cert.curve == "P-384" && cert.asset != nil)
        let dh = try #require(out.findings("ssl_dh").first)
        #expect(dh.keyBits == nil)
        #expect(dh.note?.contains("not in the scanned tree") == true)
    }

    @Test("a nested local/protocol block is its own context; a broken included file is one diagnostic")
    func blocksAndDiagnostics() throws {
        let out = try scanAll()
        let scoped = out.findings("ssl_min_protocol").filter { $0.context != nil }
        #expect(scoped.map(\.algorithm) == ["TLSv1.3"])
        #expect(scoped.first?.context == "local 192.0.2.10 / protocol imap")
        #expect(out.diagnostics.count == 1)
        #expect(out.diagnostics.first?.detail.contains("20-broken.conf line 2") == true)
    }

    @Test("an empty dovecot.conf reports Dovecot's defaults; ssl = no marks them not in force")
    func defaults() {
        let plain = MailVPNFixtures.scan(scanner, text: "protocols = imap\n", path: "etc/dovecot/dovecot.conf")
        #expect(plain.findings("ssl_min_protocol").map(\.algorithm) == ["TLSv1.2", "TLSv1.3"])
        #expect(plain.findings("ssl_cipher_list").first?.algorithm == DovecotScanner.defaultCipherList)
        #expect(plain.findings.allSatisfy { $0.origin == .default && $0.effective })
        let off = MailVPNFixtures.scan(scanner, text: "ssl = no\n", path: "etc/dovecot/dovecot.conf")
        #expect(off.findings.allSatisfy { !$0.effective })
    }
}
