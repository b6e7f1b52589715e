import PQModel
import Testing

@testable import PQScanners

@Suite("OpenVPN scanner: data and control channel, dh, static keys")
struct OpenVPNScannerTests {
    let scanner = OpenVPNScanner()

    func tree() throws -> MemoryTree {
        try MailVPNFixtures.tree([
            "etc/openvpn/server.conf": "vpn/openvpn/server.conf", "etc/openvpn/dh1024.pem": "x509/dhparam1024.pem",
            "etc/openvpn/client.ovpn": "vpn/openvpn/client.ovpn",
            "etc/openvpn/server.crt": "x509/rsa2048-selfsigned.pem",
        ])
    }

    @Test("server: data-ciphers, fallback, auth, TLS 1.3 suites, groups and the minimum version")
    func server() throws {
        let out = try MailVPNFixtures.scan(scanner, "etc/openvpn/server.conf", in: tree())
        #expect(out.algorithms("data-ciphers") == ["AES-256-GCM", "AES-128-GCM", "BF-CBC"])
        #expect(out.findings("data-ciphers").last?.quantumStatus == .broken)
        #expect(out.findings("data-ciphers-fallback").first?.canonical == "AES-128-CBC")
        #expect(out.findings("auth").first?.canonical == "HMAC-SHA256")
        let suites = out.findings("tls-ciphersuites").filter { $0.usage == .cipherSuite }
        #expect(suites.map(\.canonical) == ["TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"])
        #expect(out.findings("tls-groups").first?.quantumStatus == .hybrid)
        #expect(out.algorithms("tls-version-min") == ["TLSv1.2", "TLSv1.3"])
        // OpenVPN's dashed IANA names are translated to OpenSSL's before the shared expander reads the list.
        let cipher = out.findings("tls-cipher").filter { $0.usage == .cipherSuite }
        #expect(
            cipher.map(\.algorithm) == [
                "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
            ])
        #expect(cipher.allSatisfy { $0.line == 9 })
        // The server serves an RSA certificate: the ECDSA suite is named but never negotiated.
        #expect(cipher.map(\.effective) == [false, true])
        #expect(cipher.first?.note?.contains("needs an ECDSA certificate; the service serves RSA") == true)
    }

    /// A server that sets none of the defaults, on the releases of Ubuntu 18.04 (2.4), 20.04 and 22.04 (2.5) and
    /// Debian 12 (2.6): (package version, protocol versions, data ciphers, a BF-CBC fallback).
    static let releases: [(String, [String], [String], Bool)] = [
        ("2.4.4-2ubuntu1.7", ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"], ["AES-256-GCM", "AES-128-GCM"], true),
        (
            "2.5.11-0ubuntu0.22.04.1", ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"], ["AES-256-GCM", "AES-128-GCM"], false
        ),
        ("2.6.3-1+deb12u2", ["TLSv1.2", "TLSv1.3"], ["AES-256-GCM", "AES-128-GCM", "CHACHA20-POLY1305"], false),
    ]

    @Test("defaults follow the OpenVPN release the packages name", arguments: releases.indices)
    func defaultsByRelease(index: Int) {
        let (version, protocols, ciphers, blowfish) = Self.releases[index]
        let software = [TLS.package("openvpn", version)]
        let out = TLS.scan(
            scanner, "etc/openvpn/server.conf", text: "server 10.8.0.0 255.255.255.0\n", software: software)
        // Listed, whether OpenSSL 3.0's security level then lets TLS 1.0 and 1.1 through or not.
        let listed = out.findings.filter { $0.usage == .protocolVersion }
        #expect(listed.map(\.algorithm) == protocols, "OpenVPN \(version)")
        #expect(listed.allSatisfy { $0.origin == .default })
        if protocols.count == 4 {
            #expect(listed.first?.note?.contains("OpenSSL") == true, "the library's range: \(listed.first?.note ?? "")")
        }
        #expect(out.algorithms("data-ciphers") == ciphers, "OpenVPN \(version)")
        #expect((out.algorithms("cipher") == ["BF-CBC"]) == blowfish, "OpenVPN \(version)")
        // tls-version-max alone cuts the library's range before 2.6.
        let capped = TLS.scan(
            scanner, "etc/openvpn/server.conf", text: "server 10.8.0.0 255.255.255.0\ntls-version-max 1.2\n",
            software: software)
        let cappedOn = capped.findings.filter { $0.usage == .protocolVersion && $0.effective }.map(\.algorithm)
        #expect(cappedOn == ["TLSv1.2"], "OpenVPN \(version)")
        let offNote = capped.findings.first { $0.algorithm == "TLSv1.3" }?.note ?? ""
        // Before 2.6 the library lists TLS 1.3 and tls-version-max switches it off; 2.6 lists only its range.
        #expect(offNote.contains("tls-version-max") == (protocols.count == 4), "OpenVPN \(version): \(offNote)")
    }

    @Test("dh names a 1024-bit file: broken; the inline CA is left to the certificate scanner")
    func dhAndInline() throws {
        let out = try MailVPNFixtures.scan(scanner, "etc/openvpn/server.conf", in: tree())
        let dh = try #require(out.findings("dh").first)
        #expect(dh.keyBits == 1024 && dh.quantumStatus == .broken && dh.line == 14)
        #expect(out.diagnostics.contains { $0.reason == .unreadable && $0.detail.contains("server.key") })
        #expect(!out.findings.contains { $0.context == "<ca>" })
        let bytes = try MailVPNFixtures.bytes("vpn/openvpn/server.conf")
        let x509 = CertificateScanner().scan(ScanInput(path: ScanPath("etc/openvpn/server.conf"), bytes: bytes))
        #expect(x509.findings.contains { $0.setting == "subjectPublicKey" && $0.line == 18 })
    }

    @Test("tls-crypt is noted as a static key without recording it")
    func staticKeys() throws {
        let out = try MailVPNFixtures.scan(scanner, "etc/openvpn/server.conf", in: tree())
        let crypt = out.findings("tls-crypt")
        #expect(crypt.map(\.algorithm) == ["AES-256-CTR", "HMAC-SHA256"])
        #expect(crypt.allSatisfy { $0.note?.contains("key not recorded") == true })
        let bytes = try MailVPNFixtures.bytes("vpn/openvpn/server.conf")
        let text = String(decoding: bytes, as: UTF8.self)
        let keyLines = text.split(separator: "\n").filter { $0.count == 32 && $0.allSatisfy(\.isHexDigit) }
        #expect(keyLines.count == 16)
        for finding in out.findings {
            for line in keyLines {
                #expect(!finding.algorithm.contains(line) && !(finding.note ?? "").contains(line))
            }
        }
    }

    @Test("client: dh none, legacy cipher, tls-auth with SHA1, a low minimum version, a bad inline <dh> left alone")
    func client() throws {
        let out = try MailVPNFixtures.scan(scanner, "etc/openvpn/client.ovpn", in: tree())
        #expect(out.findings("dh").first?.algorithm == "ECDHE")
        #expect(out.findings("cipher").first?.canonical == "Blowfish-CBC")
        #expect(out.findings("tls-auth").first?.canonical == "HMAC-SHA1")
        #expect(out.algorithms("tls-version-min") == ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"])
        #expect(out.findings("data-ciphers").allSatisfy { $0.origin == .default })
        #expect(out.findings("ecdh-curve").first?.canonical == "P-384")
        #expect(out.diagnostics.isEmpty, "the broken <dh> block is the DH-parameter scanner's to report")
    }

    /// `tls-cert-profile` sets the security level after the system `openssl.cnf` (whose `@SECLEVEL=0` then does not
    /// hold) and before `tls-cipher` (whose `@SECLEVEL` does); OpenSSL 3.0 allows TLS 1.0 at level 0 only.
    @Test(
        "tls-cert-profile decides the security level over the system openssl.cnf; tls-cipher's @SECLEVEL over it",
        arguments: [
            ("", false), ("tls-cert-profile legacy\n", false), ("tls-cert-profile insecure\n", true),
            ("tls-cert-profile insecure\ntls-cipher DEFAULT:@SECLEVEL=1\n", false),
            ("tls-cipher DEFAULT:@SECLEVEL=0\n", true),
        ])
    func certificateProfile(options: String, tls10: Bool) throws {
        let openssl =
            "openssl_conf = init\n[init]\nssl_conf = ssl\n[ssl]\nsystem_default = sys\n[sys]\n"
            + "CipherString = DEFAULT:@SECLEVEL=0\n"
        var contents = try MailVPNFixtures.tree(["etc/openvpn/server.crt": "x509/rsa2048-selfsigned.pem"]).contents
        contents[ScanPath("etc/ssl/openssl.cnf")] = Array(openssl.utf8)
        contents[ScanPath("etc/openvpn/server.conf")] = Array(
            ("server 10.8.0.0 255.255.255.0\ncert server.crt\ntls-version-min 1.0\n" + options).utf8)
        let out = try MailVPNFixtures.scan(scanner, "etc/openvpn/server.conf", in: MemoryTree(contents: contents))
        let versions = out.findings.filter { $0.usage == .protocolVersion }
        #expect(versions.contains { $0.algorithm == "TLSv1.2" && $0.effective }, "\(options)")
        #expect(
            versions.contains { $0.algorithm == "TLSv1" && $0.effective } == tls10,
            "\(options): \(versions.first { $0.algorithm == "TLSv1" }?.note ?? "")")
        #expect(out.diagnostics.isEmpty, "\(out.diagnostics)")
    }

    @Test("an unknown tls-cert-profile stops openvpn: one diagnostic, nothing of the file in force")
    func unknownCertificateProfile() {
        let out = MailVPNFixtures.scan(
            scanner, text: "client\nremote vpn.example.org\ndata-ciphers AES-256-GCM\ntls-cert-profile strict\n",
            path: "etc/openvpn/client.conf")
        #expect(out.diagnostics.count == 1)
        #expect(out.diagnostics.first?.detail.contains("tls-cert-profile strict") == true)
        #expect(!out.findings.isEmpty)
        #expect(out.findings.allSatisfy { !$0.effective && $0.note?.contains("openvpn refuses to start") == true })
    }

    @Test("an unclosed inline block is one diagnostic; the options before it still count")
    func unclosed() {
        let out = MailVPNFixtures.scan(
            scanner, text: "dev tun\ncipher AES-256-GCM\n<tls-crypt>\n-----BEGIN OpenVPN Static key V1-----\n",
            path: "etc/openvpn/x.conf")
        #expect(out.algorithms("cipher") == ["AES-256-GCM"])
        #expect(out.diagnostics.count == 1)
    }

    @Test("claims: .ovpn by name, a config under openvpn/ by name, other text only when it looks like OpenVPN")
    func claims() {
        let head = Array("client\ndev tun\nremote a 1194\nca ca.crt\n".utf8)[...]
        #expect(scanner.claim(path: ScanPath("x.ovpn"), head: head) == .name)
        #expect(scanner.claim(path: ScanPath("etc/openvpn/server/a.conf"), head: head) == .name)
        #expect(scanner.claim(path: ScanPath("home/u/vpn.txt"), head: head) == .content)
        #expect(scanner.claim(path: ScanPath("etc/nginx/nginx.conf"), head: Array("dev null\n".utf8)[...]) == .none)
    }
}
