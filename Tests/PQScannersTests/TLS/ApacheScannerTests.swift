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
