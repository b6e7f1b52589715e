import Foundation
import PQModel
import Testing

@testable import PQScanners

/// `PROFILE=SYSTEM` (Fedora's and RHEL's OpenSSL): read from the crypto-policies back-end on such a build, rejected
/// as upstream rejects it anywhere else. No Fedora OpenSSL runs here; the patch only substitutes the string, so the
/// oracle is `openssl ciphers` given the substituted string, and `openssl ciphers` given the keyword for the builds
/// without the patch.
@Suite("PROFILE=SYSTEM: the crypto-policies list on Fedora/RHEL, a refusal elsewhere")
struct SystemCipherProfileTests {
    /// Modelled on RHEL 9's DEFAULT policy back-end (one line, then a newline).
    static let policyLine =
        "@SECLEVEL=2:kEECDH:kRSA:kEDH:kPSK:kDHEPSK:kECDHEPSK:kRSAPSK:-aDSS:-3DES:!DES:!RC4:!RC2:!IDEA:-SEED:!eNULL:"
        + "!aNULL:!MD5:-SHA384:-CAMELLIA:-ARIA:-AESCCM8"
    static let www = "server www.example.org:443"
    static let rhel = Software(name: "openssl-libs", version: "1:3.2.2-6.el9", sourcePath: ScanPath("var/lib/rpm"))
    static let debian = Software(
        name: "libssl3", version: "3.0.19-1~deb12u1", sourcePath: ScanPath("var/lib/dpkg/status"))

    static func scan(
        _ ciphers: String, software: Software, policy: String?, unreadable: Set<ScanPath> = []
    ) throws -> ScanOutput {
        var contents = try MailVPNFixtures.tree(["etc/ssl/rsa.pem": "x509/rsa2048-selfsigned.pem"]).contents
        let config = """
            http { server { listen 443 ssl; server_name www.example.org; ssl_certificate /etc/ssl/rsa.pem;
                ssl_ciphers \(ciphers); } }

            """
        contents[ScanPath("etc/nginx/nginx.conf")] = Array(config.utf8)
        if let policy { contents[ScanPath("etc/crypto-policies/back-ends/openssl.config")] = Array(policy.utf8) }
        let input = ScanInput(
            path: ScanPath("etc/nginx/nginx.conf"), bytes: Array(config.utf8),
            context: ScanContext(tree: MemoryTree(contents: contents, unreadable: unreadable), software: [software]))
        return NginxScanner().scan(input)
    }

    /// TLS 1.2 suites, by standard name, that `openssl ciphers -stdname` lists for `list` (nil: it refuses it).
    static func opensslSuites(_ list: String) throws -> [String]? {
        let run = try SystemDefaultOracleTests.run(["ciphers", "-stdname", "-tls1_2", list], conf: nil)
        guard run.status == 0 else { return nil }
        return run.out.split(separator: "\n").compactMap { line in
            let name = line.split(separator: " ").first.map(String.init) ?? ""
            return name.hasPrefix("TLS_") && !line.contains("TLSv1.3") ? name : nil
        }
    }

    static func suites(_ output: ScanOutput) -> [String] {
        TLS.findings(output, context: www, usage: .cipherSuite).map(\.algorithm).filter {
            !["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"].contains($0)
        }
    }

    /// The notes of the suites the cipher string gave (TLS 1.3 suites come from `ssl_conf_command Ciphersuites` or the
    /// library default).
    static func cipherStringNotes(_ output: ScanOutput) -> [String] {
        TLS.findings(output, context: www, usage: .cipherSuite).filter { $0.setting == "ssl_ciphers" }.compactMap(
            \.note)
    }

    @Test(
        "on RHEL, the keyword and its suffix expand as openssl ciphers expands the policy line and the suffix",
        arguments: ["PROFILE=SYSTEM", "PROFILE=SYSTEM:!kRSA", "'PROFILE=SYSTEM:!AES128'"])
    func rhelExpandsThePolicy(ciphers: String) throws {
        let unquoted = ciphers.replacingOccurrences(of: "'", with: "")
        let suffix = String(unquoted.dropFirst(SystemCipherProfile.keyword.count))
        let expected = try #require(try Self.opensslSuites(Self.policyLine + suffix))
        let output = try Self.scan(ciphers, software: Self.rhel, policy: Self.policyLine + "\n")
        #expect(!expected.isEmpty)
        #expect(Self.suites(output) == expected)
        let notes = Self.cipherStringNotes(output)
        #expect(!notes.isEmpty)
        #expect(notes.allSatisfy { $0.contains("PROFILE=SYSTEM in OpenSSL 3.2.2") && $0.contains("openssl.config") })
        #expect(!output.diagnostics.contains { $0.detail.contains("cipher") })
    }

    @Test("on Debian, as upstream: openssl ciphers refuses the keyword, and so the server does not start")
    func debianRefuses() throws {
        #expect(try Self.opensslSuites("PROFILE=SYSTEM") == nil)
        let output = try Self.scan("PROFILE=SYSTEM", software: Self.debian, policy: Self.policyLine + "\n")
        #expect(output.diagnostics.contains { $0.detail.contains("no cipher match") })
        #expect(TLS.findings(output, context: Self.www, usage: .cipherSuite).allSatisfy { !$0.effective })
        let notes = Self.cipherStringNotes(output)
        #expect(!notes.isEmpty)
        #expect(notes.allSatisfy { $0.contains("is read only by Fedora/RHEL builds") && $0.contains("3.0.19") })
    }

    @Test("on RHEL without the back-end file, the library's built-in list stands, and the note says so")
    func rhelWithoutPolicyFile() throws {
        let expected = try #require(try Self.opensslSuites(SystemCipherProfile.builtIn))
        let output = try Self.scan("PROFILE=SYSTEM", software: Self.rhel, policy: nil)
        #expect(Self.suites(output) == expected)
        let notes = Self.cipherStringNotes(output)
        #expect(!notes.isEmpty)
        #expect(notes.allSatisfy { $0.contains("is not in the scanned tree or is empty") }, "\(notes.first ?? "")")
    }

    @Test("on RHEL with the back-end file there but unreadable, the note says the keyword's list is unknown")
    func rhelPolicyFileUnreadable() throws {
        let output = try Self.scan(
            "PROFILE=SYSTEM", software: Self.rhel, policy: nil,
            unreadable: [ScanPath("etc/crypto-policies/back-ends/openssl.config")])
        let notes = Self.cipherStringNotes(output)
        #expect(!notes.isEmpty)
        #expect(
            notes.allSatisfy {
                $0.contains("could not be read (unreadable: Permission denied)") && $0.contains("is unknown")
                    && !$0.contains("is not in the scanned tree")
            }, "\(notes.first ?? "")")
    }

    @Test("only at the start, and in upper case, as the patch's strncmp matches it")
    func keywordOnlyAtTheStart() throws {
        let inside = try Self.scan("'HIGH:PROFILE=SYSTEM'", software: Self.rhel, policy: Self.policyLine)
        #expect(
            !TLS.findings(inside, context: Self.www, usage: .cipherSuite).contains {
                $0.note?.contains("PROFILE=SYSTEM in") == true
            })
        let lower = try Self.scan("profile=system", software: Self.rhel, policy: Self.policyLine)
        #expect(lower.diagnostics.contains { $0.detail.contains("no cipher match") })
    }

    /// RHEL 8 keeps its rpm database in Berkeley DB, which PQScout does not read: no package names the library.
    @Test(
        "with no package database, os-release decides: RHEL 8 and its rebuilds, Fedora; not RHEL 7, not Debian",
        arguments: [
            ("ID=\"rhel\"\nVERSION_ID=\"8.9\"\nPRETTY_NAME=\"Red Hat Enterprise Linux 8.9 (Ootpa)\"\n", true),
            ("ID=\"rocky\"\nID_LIKE=\"rhel centos fedora\"\nVERSION_ID=\"9.4\"\n", true),
            ("ID=fedora\nVERSION_ID=41\n", true),
            ("ID=\"rhel\"\nVERSION_ID=\"7.9\"\n", false),
            ("ID=debian\nVERSION_ID=\"12\"\n", false),
            ("ID=\"amzn\"\nID_LIKE=\"fedora\"\nVERSION_ID=\"2023\"\n", false),
        ])
    func osRelease(text: String, patched: Bool) throws {
        var contents = try MailVPNFixtures.tree(["etc/ssl/rsa.pem": "x509/rsa2048-selfsigned.pem"]).contents
        let config =
            "http { server { listen 443 ssl; ssl_certificate /etc/ssl/rsa.pem; ssl_ciphers PROFILE=SYSTEM; } }\n"
        contents[ScanPath("etc/nginx/nginx.conf")] = Array(config.utf8)
        contents[ScanPath("etc/crypto-policies/back-ends/openssl.config")] = Array((Self.policyLine + "\n").utf8)
        contents[ScanPath("etc/os-release")] = Array(text.utf8)
        let output = NginxScanner().scan(
            ScanInput(
                path: ScanPath("etc/nginx/nginx.conf"), bytes: Array(config.utf8),
                context: ScanContext(tree: MemoryTree(contents: contents), software: [])))
        let refused = output.diagnostics.contains { $0.detail.contains("no cipher match") }
        #expect(refused == !patched, "\(text)")
        let notes = output.findings.filter { $0.setting == "ssl_ciphers" && $0.usage == .cipherSuite }.compactMap(
            \.note)
        #expect(!notes.isEmpty)
        #expect(notes.allSatisfy { $0.contains("(its os-release), taken as a Fedora/RHEL build") == patched })
    }

    @Test("Dovecot's ssl_cipher_list = PROFILE=SYSTEM (RHEL's 10-ssl.conf) is read the same way")
    func dovecot() throws {
        let tree = MemoryTree(contents: [
            ScanPath("etc/dovecot/dovecot.conf"): Array("ssl = required\nssl_cipher_list = PROFILE=SYSTEM\n".utf8),
            ScanPath("etc/crypto-policies/back-ends/openssl.config"): Array((Self.policyLine + "\n").utf8),
        ])
        let input = ScanInput(
            path: ScanPath("etc/dovecot/dovecot.conf"),
            bytes: try #require(tree.contents[ScanPath("etc/dovecot/dovecot.conf")]),
            context: ScanContext(tree: tree, software: [Self.rhel]))
        let suites = DovecotScanner().scan(input).findings.filter {
            $0.setting == "ssl_cipher_list" && $0.usage == .cipherSuite
        }
        let expected = try #require(try Self.opensslSuites(Self.policyLine))
        #expect(suites.map(\.algorithm) == expected)
        #expect(suites.allSatisfy { $0.note?.contains("the keyword stands for @SECLEVEL=2:kEECDH") == true })
    }

    @Test("the first line as fgets, strlen and the patch's trimming leave it")
    func firstLine() {
        #expect(SystemCipherProfile.firstLine(Array("A:B\r\nC".utf8)) == "A:B")
        #expect(SystemCipherProfile.firstLine(Array("A:B".utf8)) == "A:B")
        #expect(SystemCipherProfile.firstLine(Array("A\u{0}B\n".utf8)) == "A")
        #expect(SystemCipherProfile.firstLine([]) == nil)
        #expect(SystemCipherProfile.firstLine(Array(repeating: UInt8(ascii: "A"), count: 2_000))?.utf8.count == 1_023)
    }

    @Test("a Fedora or RHEL build is openssl-libs of an .elN or .fcN release, 1.1.1 or later")
    func redHatBuild() {
        func build(_ name: String, _ version: String) -> Bool {
            OpenSSLInForce.resolve(software: [Software(name: name, version: version, sourcePath: ScanPath("x"))])
                .isRedHatBuild
        }
        #expect(build("openssl-libs", "1:3.2.2-6.el9"))
        #expect(build("openssl-libs", "3.1.1-4.fc39"))
        #expect(build("openssl-libs", "1:1.1.1k-12.el8_9"))
        #expect(build("openssl-libs", "1:3.0.7-27.0.1.el9"))
        #expect(!build("openssl-libs", "1:1.0.2k-26.el7_9"))
        #expect(!build("openssl-libs", "3.1.4-2.azl3"))
        #expect(!build("libssl3", "3.0.19-1~deb12u1"))
    }
}
