import Foundation
import PQModel
import Testing

@testable import PQScanners

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

    /// The applications under system_default connect out as much as they serve, and a client offers every suite of
    /// the list: its ECDSA suites are in force as its RSA ones are, not "not negotiated" against a server
    /// certificate no one named.
    @Test("system_default's suites are judged as offered: ECDSA ones in force beside RSA ones, DHE without DH files")
    func systemDefaultIsOffered() {
        let text = """
            openssl_conf = init
            [init]
            ssl_conf = ssl
            [ssl]
            system_default = sys
            [sys]
            CipherString = ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES128-GCM-SHA256

            """
        let output = TLS.scan(
            OpenSSLConfScanner(), "etc/ssl/openssl.cnf", text: text, software: TLS.openssl("3.0.13-1"))
        let suites = output.findings.filter { $0.usage == .cipherSuite && $0.setting == "CipherString" }
        #expect(
            Set(suites.filter(\.effective).map(\.algorithm)) == [
                "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
            ])
        #expect(output.findings.contains { $0.algorithm == "Au=ECDSA" && $0.effective })
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
