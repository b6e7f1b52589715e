import Foundation
import PQModel
import Testing

@testable import PQScanners

@Suite("ApacheScanner: virtual hosts, IfModule, SSLProtocol arithmetic, SSLOpenSSLConfCmd")
struct ApacheScannerTests {
    let www = "VirtualHost www.example.org:443"
    let legacy = "VirtualHost legacy.example.org:8443"

    func scan(openssl: String = "3.5.1-1") throws -> ScanOutput {
        try TLS.fixture(
            "apache", file: "etc/apache2/apache2.conf", scanner: ApacheScanner(), software: TLS.openssl(openssl))
    }

    @Test("one service per SSLEngine virtual host and one for its proxy side, through Include/IncludeOptional")
    func services() throws {
        let contexts = Set(try scan().findings.compactMap(\.context))
        #expect(contexts == [www, legacy, "proxy of VirtualHost www.example.org:443"])
    }

    @Test("SSLProtocol +/- terms and the bare 'all' form")
    func protocols() throws {
        let output = try scan()
        #expect(TLS.findings(output, context: www, usage: .protocolVersion).map(\.algorithm) == ["TLSv1.2", "TLSv1.3"])
        let all = TLS.findings(output, context: legacy, usage: .protocolVersion)
        #expect(all.map(\.algorithm) == ["SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"])
        #expect(all.first?.effective == false)
        #expect(ApacheScanner.protocols(["-all", "+TLSv1.3"]) == ["TLSv1.3"])
        #expect(ApacheScanner.protocols(["TLSv1.2"]) == ["TLSv1.2"])
        #expect(ApacheScanner.protocols(["all", "-SSLv3", "-TLSv1", "-TLSv1.1"]) == ["TLSv1.2", "TLSv1.3"])
    }

    @Test("the TLSv1.3 form of SSLCipherSuite sets TLS 1.3 suites; the server-wide string is inherited")
    func cipherSuites() throws {
        let output = try scan()
        let tls13 = TLS.findings(output, context: www, usage: .cipherSuite).filter {
            $0.algorithm.hasPrefix("TLS_") && !$0.algorithm.contains("WITH")
        }
        #expect(tls13.map(\.algorithm) == ["TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"])
        #expect(tls13.first?.setting == "SSLCipherSuite TLSv1.3")
        let inherited = TLS.findings(output, context: www, usage: .cipherSuite).filter {
            $0.setting == "SSLCipherSuite"
        }
        #expect(!inherited.isEmpty)
        #expect(inherited.allSatisfy { $0.path == ScanPath("etc/apache2/mods-enabled/ssl.conf") })
        // The negated IfModule's NULL cipher string never applies.
        #expect(!output.findings.contains { $0.algorithm.contains("NULL_WITH") || $0.algorithm == "NULL" })
    }

    @Test("Groups per host override the server-wide Curves; the legacy host inherits Curves")
    func groups() throws {
        let output = try scan()
        #expect(TLS.offers(output, www, "X25519MLKEM768"))
        let legacyGroups = TLS.findings(output, context: legacy, usage: .group)
        #expect(legacyGroups.prefix(2).map(\.algorithm) == ["X25519", "secp384r1"])
        #expect(legacyGroups.first?.setting == "SSLOpenSSLConfCmd Curves")
        #expect(legacyGroups.contains { $0.algorithm == "X25519MLKEM768" && !$0.effective })
    }

    @Test("ML-DSA in SignatureAlgorithms is resistant; certificate and key are linked")
    func signaturesAndFiles() throws {
        let output = try scan()
        let sigalgs = TLS.findings(output, context: www, usage: .signature).filter {
            $0.setting == "SSLOpenSSLConfCmd SignatureAlgorithms"
        }
        #expect(sigalgs.map(\.canonical) == ["ML-DSA-65", "Ed25519", "RSA-PSS-RSAE-SHA256"])
        #expect(sigalgs.first?.quantumStatus == .resistant)
        #expect(
            TLS.findings(output, context: www).contains { $0.setting == "SSLCertificateFile" && $0.canonical == "RSA" })
        #expect(TLS.findings(output, context: www).contains { $0.setting == "SSLCertificateKeyFile" })
        let proxy = TLS.findings(output, context: "proxy of VirtualHost www.example.org:443", usage: .protocolVersion)
        #expect(proxy.map(\.algorithm) == ["TLSv1.2"])
    }

    @Test("ML-DSA in SignatureAlgorithms on OpenSSL 3.0 makes the whole list dead configuration")
    func signaturesOn30() throws {
        let output = try scan(openssl: "3.0.15-1~deb12u1")
        let sigalgs = TLS.findings(output, context: www, usage: .signature).filter {
            $0.setting == "SSLOpenSSLConfCmd SignatureAlgorithms"
        }
        #expect(sigalgs.count == 3 && sigalgs.allSatisfy { !$0.effective })
        #expect(sigalgs.first?.note?.contains("does not know mldsa65") == true)
    }

    @Test("the scanner's examples hold", arguments: ApacheScanner().examples.indices)
    func examples(index: Int) {
        let example = ApacheScanner().examples[index]
        let output = ApacheScanner().scan(ScanInput(path: ScanPath(example.path), bytes: example.contents))
        #expect(output.findings.isEmpty != example.expectsFindings, "\(example.name)")
        #expect(output.diagnostics.isEmpty != example.expectsDiagnostic, "\(example.name)")
        for algorithm in example.expectedAlgorithms {
            #expect(output.findings.contains { $0.algorithm == algorithm }, "\(example.name): \(algorithm)")
        }
    }
}

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

@Suite("OpenSSL config: system_default, crypto-policies back-ends, and the system layer under servers")
struct OpenSSLConfScannerTests {
    @Test("openssl.cnf follows openssl_conf → ssl_conf → system_default into the crypto-policies include")
    func rhelChain() throws {
        let output = try TLS.fixture(
            "rhel", file: "etc/pki/tls/openssl.cnf", scanner: OpenSSLConfScanner(),
            software: TLS.openssl("1:3.5.1-2.el10"))
        let protocols = output.findings.filter { $0.usage == .protocolVersion }
        #expect(protocols.map(\.algorithm) == ["TLSv1.2", "TLSv1.3"])
        #expect(protocols.first?.setting == "TLS.MinProtocol")
        #expect(protocols.first?.path == ScanPath("etc/crypto-policies/back-ends/opensslcnf.config"))
        let groups = output.findings.filter { $0.usage == .group }
        #expect(groups.prefix(2).map(\.quantumStatus) == [.hybrid, .hybrid])
        #expect(groups.first?.effective == true)
        let sigalgs = output.findings.filter { $0.setting == "SignatureAlgorithms" }
        #expect(sigalgs.count == 9 && sigalgs.allSatisfy { $0.canonical != nil })
        #expect(output.findings.allSatisfy { $0.source == .opensslConf })
    }

    @Test("the crypto-policies openssl.config back-end is one cipher string")
    func cipherStringBackEnd() throws {
        let output = try TLS.fixture(
            "rhel", file: "etc/crypto-policies/back-ends/openssl.config", scanner: OpenSSLConfScanner())
        let suites = output.findings.filter { $0.usage == .cipherSuite && $0.setting == "cipher string" }
        #expect(!suites.isEmpty)
        #expect(!suites.contains { $0.algorithm.contains("_DSS_") || $0.algorithm.contains("CAMELLIA") })
    }

    @Test("an nginx server that sets no groups gets them from the system openssl.cnf, marked as such")
    func systemLayerUnderNginx() throws {
        let output = try TLS.fixture(
            "rhel", file: "etc/nginx/nginx.conf", scanner: NginxScanner(), software: TLS.openssl("1:3.5.1-2.el10"))
        let context = "server rhel.example.org:443"
        let groups = TLS.findings(output, context: context, usage: .group)
        #expect(groups.first?.algorithm == "X25519MLKEM768" && groups.first?.effective == true)
        #expect(groups.first?.path == ScanPath("etc/crypto-policies/back-ends/opensslcnf.config"))
        #expect(groups.first?.note?.contains("system OpenSSL config") == true)
        // nginx's TLSv1 is cut by the system MinProtocol (nginx sets options, not a minimum version).
        let versions = TLS.findings(output, context: context, usage: .protocolVersion)
        #expect(versions.map(\.algorithm) == ["TLSv1", "TLSv1.2", "TLSv1.3"])
        #expect(versions.map(\.effective) == [false, true, true])
        // TLS 1.3 suites come from the system Ciphersuites line, CCM included.
        #expect(TLS.offers(output, context, "TLS_AES_128_CCM_SHA256"))
    }

    @Test("without a system_default section the library defaults are reported as defaults")
    func libraryDefaults() {
        let input = ScanInput(
            path: ScanPath("etc/ssl/openssl.cnf"), bytes: Array("openssl_conf = openssl_init\n[openssl_init]\n".utf8),
            context: ScanContext(software: TLS.openssl("3.5.0-1")))
        let output = OpenSSLConfScanner().scan(input)
        #expect(output.findings.allSatisfy { $0.origin == .default })
        #expect(output.findings.contains { $0.algorithm == "X25519MLKEM768" && $0.effective })
    }

    @Test("the scanner's examples hold", arguments: OpenSSLConfScanner().examples.indices)
    func examples(index: Int) {
        let example = OpenSSLConfScanner().examples[index]
        let output = OpenSSLConfScanner().scan(ScanInput(path: ScanPath(example.path), bytes: example.contents))
        #expect(output.findings.isEmpty != example.expectsFindings, "\(example.name)")
        #expect(output.diagnostics.isEmpty != example.expectsDiagnostic, "\(example.name)")
        for algorithm in example.expectedAlgorithms {
            #expect(output.findings.contains { $0.algorithm == algorithm }, "\(example.name): \(algorithm)")
        }
    }
}
