import PQModel
import Testing

@testable import PQScanners

@Suite("Java keystore scanner: JKS and JCEKS without a password")
struct JavaKeystoreScannerTests {
    let scanner = JavaKeystoreScanner()

    func scan(_ name: String) throws -> ScanOutput {
        scanner.scan(ScanInput(path: ScanPath("keystores/" + name), bytes: try MailVPNFixtures.bytes("java/" + name)))
    }

    @Test("a JKS truststore: both certificates and the format finding")
    func truststore() throws {
        let out = try scan("trust.jks")
        #expect(out.findings("subjectPublicKey").compactMap(\.canonical).sorted() == ["ECDSA", "RSA"])
        let format = try #require(out.findings("keystore").first)
        #expect(format.algorithm == "JKS" && format.quantumStatus == .broken)
        #expect(format.note?.contains("2 trusted certificate") == true)
        #expect(out.assets.contains { $0.kind == .certificate })
        #expect(out.diagnostics.isEmpty)
    }

    @Test("a JKS key entry: the private key's algorithm from its certificate, no key bytes")
    func keyEntry() throws {
        let out = try scan("keypair.jks")
        let key = try #require(out.findings("privateKey").first)
        #expect(key.canonical == "ECDSA" && key.curve == "P-384" && key.keyBits == 384)
        #expect(key.note?.contains("key not read") == true)
    }

    @Test("JCEKS: certificates before a secret-key entry are read; the secret key stops reading with a diagnostic")
    func jceks() throws {
        let out = try scan("secret.jceks")
        #expect(out.findings("keystore").first?.algorithm == "JCEKS")
        #expect(out.diagnostics.count == 1)
        #expect(out.diagnostics.first?.detail.contains("secret-key") == true)
    }

    @Test("a PKCS#12 keystore named .jks is not claimed here (the certificate scanner reads PKCS#12)")
    func pkcs12() throws {
        let bytes = try MailVPNFixtures.bytes("java/pkcs12-default.jks")
        #expect(scanner.claim(path: ScanPath("a.jks"), head: bytes[...]) == .none)
        #expect(CertificateScanner().claim(path: ScanPath("a.jks"), head: bytes[...]) == .content)
    }

    @Test("every truncation of a JKS file ends in findings or a diagnostic, never a crash")
    func truncations() throws {
        let bytes = try MailVPNFixtures.bytes("java/keypair.jks")
        for length in stride(from: 4, to: bytes.count, by: 7) {
            let out = scanner.scan(ScanInput(path: ScanPath("t.jks"), bytes: Array(bytes.prefix(length))))
            #expect(!out.isEmpty)
        }
        var huge = JavaKeystoreScanner.jksMagic + [0, 0, 0, 2, 0x7F, 0xFF, 0xFF, 0xFF, 0, 0, 0, 1, 0xFF, 0xFF]
        huge += [UInt8](repeating: 0x41, count: 40)
        #expect(scanner.scan(ScanInput(path: ScanPath("h.jks"), bytes: huge)).diagnostics.count == 1)
    }
}
