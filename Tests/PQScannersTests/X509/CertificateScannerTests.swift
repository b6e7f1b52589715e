import Foundation
import PQCatalog
import PQModel
import Testing

@testable import PQScanners

@Suite("CertificateScanner")
struct CertificateScannerTests {
    let scanner = X509Fixtures.certificateScanner

    @Test("a PEM certificate gives a signature and a public-key finding, a certificate and a key asset")
    func pemCertificate() throws {
        let output = scanner.scan(try X509Fixtures.input("rsa2048-selfsigned.pem"))
        #expect(output.diagnostics.isEmpty)
        let signature = try #require(output.findings.first { $0.setting == "signatureAlgorithm" })
        #expect(signature.algorithm == "1.2.840.113549.1.1.11")
        #expect(signature.canonical == "RSA-SHA256")
        #expect(signature.usage == .signature)
        #expect(signature.line == 1)
        #expect(signature.source == .x509)
        let key = try #require(output.findings.first { $0.setting == "subjectPublicKey" })
        #expect(key.canonical == "RSA")
        #expect(key.keyBits == 2048)
        #expect(key.quantumStatus == .vulnerable)
        #expect(key.usage == .publicKey)
        let cert = try #require(output.assets.first { $0.kind == .certificate })
        #expect(key.asset == cert.id)
        #expect(cert.certificate?.selfSigned == true)
        #expect(cert.certificate?.signatureAlgorithm == "RSA-SHA256")
        let publicKey = try #require(output.assets.first { $0.kind == .publicKey })
        #expect(cert.certificate?.publicKeyID == publicKey.id)
    }

    @Test("RSA-1024 with SHA-1 is broken on both counts")
    func weakRSA() throws {
        let output = scanner.scan(try X509Fixtures.input("rsa1024-selfsigned.crt"))
        #expect(output.findings.count == 2)
        #expect(output.findings.allSatisfy { $0.quantumStatus == .broken })
        #expect(output.findings.contains { $0.keyBits == 1024 })
    }

    @Test("a chain in one PEM file with text between blocks: three certificates at their BEGIN lines")
    func chain() throws {
        let output = scanner.scan(try X509Fixtures.input("rsa-chain.pem"))
        #expect(output.diagnostics.isEmpty)
        #expect(output.findings.count == 6)
        #expect(Set(output.findings.compactMap(\.line)) == [4, 21, 42])
        #expect(output.assets.filter { $0.kind == .certificate }.count == 3)
        #expect(output.findings.contains { $0.curve == "P-256" && $0.canonical == "ECDSA" })
    }

    @Test("DER certificates (P-256, P-384) have no line; Ed25519 and Ed448 in PEM")
    func derAndEdwards() throws {
        for (name, curve, bits) in [("ecdsa-p256.der", "P-256", 256), ("ecdsa-p384.cer", "P-384", 384)] {
            let output = scanner.scan(try X509Fixtures.input(name))
            let key = try #require(output.findings.first { $0.setting == "subjectPublicKey" })
            #expect(key.line == nil)
            #expect(key.curve == curve)
            #expect(key.keyBits == bits)
            #expect(key.canonical == "ECDSA")
        }
        let ed = scanner.scan(try X509Fixtures.input("ed25519.pem"))
        #expect(ed.findings.map(\.canonical) == ["Ed25519", "Ed25519"])
        let ed448 = scanner.scan(try X509Fixtures.input("ed448.pem"))
        #expect(ed448.findings.map(\.canonical) == ["Ed448", "Ed448"])
    }

    @Test("PQ certificates are resistant; the composite OID is hybrid; an unknown OID is vulnerable with a note")
    func postQuantum() throws {
        for name in ["mldsa44-selfsigned.pem", "mldsa65-selfsigned.der", "mldsa87-selfsigned.der", "mlkem768-ee.der"] {
            let output = scanner.scan(try X509Fixtures.input(name))
            #expect(output.diagnostics.isEmpty, "\(name)")
            #expect(output.findings.count == 2, "\(name)")
            #expect(output.findings.allSatisfy { $0.quantumStatus == .resistant }, "\(name)")
        }
        let kem = scanner.scan(try X509Fixtures.input("mlkem768-ee.der"))
        #expect(kem.findings.contains { $0.canonical == "ML-KEM-768" && $0.keyBits == 9472 })
        let composite = scanner.scan(try X509Fixtures.input("composite-mldsa65-p256.der"))
        #expect(composite.findings.allSatisfy { $0.quantumStatus == .hybrid })
        let bare = CertificateScanner(catalog: try Catalog(entries: []))
        let unknown = bare.scan(try X509Fixtures.input("mldsa44-selfsigned.pem"))
        for finding in unknown.findings {
            #expect(finding.canonical == nil)
            #expect(finding.quantumStatus == .vulnerable)
            #expect(finding.note == AlgorithmClassifier.unknownNote)
        }
    }

    @Test("PKCS#7 bundles in PEM and DER give every certificate with source pkcs7")
    func pkcs7() throws {
        for name in ["chain.p7b", "chain-der.p7c"] {
            let output = scanner.scan(try X509Fixtures.input(name))
            #expect(output.diagnostics.isEmpty, "\(name)")
            #expect(output.assets.filter { $0.kind == .certificate }.count == 3, "\(name)")
            #expect(output.findings.allSatisfy { $0.source == .pkcs7 }, "\(name)")
        }
        let pem = scanner.scan(try X509Fixtures.input("chain.p7b"))
        #expect(pem.findings.allSatisfy { $0.line == 1 })
    }

    @Test("PKCS#12 without a password opens; its key links to its certificate's public key")
    func pkcs12NoPassword() throws {
        let output = scanner.scan(try X509Fixtures.input("nopass.p12"))
        #expect(output.diagnostics.isEmpty)
        #expect(output.assets.filter { $0.kind == .certificate }.count == 2)
        let key = try #require(output.findings.first { $0.setting == "privateKey" })
        #expect(key.source == .pkcs12)
        #expect(key.canonical == "ECDSA")
        #expect(key.curve == "P-256")
        let leaf = try #require(output.assets.first { $0.certificate?.subject == "CN=leaf.example.org" })
        #expect(key.asset == leaf.certificate?.publicKeyID)
    }

    @Test("PKCS#12 with password: one encrypted-keystore finding and diagnostic, or opened with the password")
    func pkcs12Password() throws {
        let locked = scanner.scan(try X509Fixtures.input("secret.pfx"))
        #expect(locked.findings.count == 1)
        #expect(locked.findings.first?.algorithm == "PKCS#12")
        #expect(
            locked.findings.first?.note
                == "encrypted keystore: contents not visible, assumed quantum-vulnerable; pass --pkcs12-password")
        #expect(locked.diagnostics.map(\.reason) == [.encrypted])
        let wrong = scanner.scan(try X509Fixtures.input("secret.pfx", passwords: ["nope"]))
        #expect(wrong.diagnostics.map(\.reason) == [.encrypted])
        let opened = scanner.scan(try X509Fixtures.input("secret.pfx", passwords: ["nope", "secret"]))
        #expect(opened.diagnostics.isEmpty)
        #expect(opened.findings.contains { $0.setting == "privateKey" && $0.keyBits == 2048 })
        #expect(opened.assets.contains { $0.kind == .certificate })
    }

    @Test("bad files cost exactly one diagnostic")
    func malformed() throws {
        func diagnostics(_ path: String, _ bytes: [UInt8]) -> [Diagnostic] {
            let output = scanner.scan(ScanInput(path: ScanPath(path), bytes: bytes))
            #expect(output.findings.isEmpty, "\(path)")
            return output.diagnostics
        }
        #expect(diagnostics("a.crt", []).map(\.reason) == [.empty])
        let garbage = Array("-----BEGIN CERTIFICATE-----\n@@@@\n-----END CERTIFICATE-----\n".utf8)
        #expect(diagnostics("a.pem", garbage).map(\.reason) == [.malformed])
        let twoBad = garbage + Array("text\n".utf8) + garbage
        #expect(diagnostics("b.pem", twoBad).count == 1)
        let der = try X509Fixtures.bytes("ecdsa-p256.der")
        let truncated = diagnostics("t.der", Array(der.prefix(200)))
        #expect(truncated.map(\.reason) == [.malformed])
        #expect(
            truncated.first?.detail.contains("truncated") == true || truncated.first?.detail.contains("length") == true)
        #expect(diagnostics("x.pem", Array("just text\n".utf8)).map(\.reason) == [.malformed])
        #expect(diagnostics("bad.p12", [0x30, 0x03, 0x02, 0x01, 0x03]).map(\.reason) == [.malformed])
    }

    @Test("claims: certificates by content and name, keys and DH parameters left to their scanners")
    func claims() throws {
        let der = try X509Fixtures.bytes("ecdsa-p256.der")
        #expect(scanner.claim(path: ScanPath("x.bin"), head: der[...]) == .content)
        #expect(scanner.claim(path: ScanPath("x.crt"), head: der[...]) == .name)
        let key = try X509Fixtures.bytes("rsa2048-pkcs8-testkey.der")
        #expect(scanner.claim(path: ScanPath("k.der"), head: key[...]) == .none)
        let pemKey = try X509Fixtures.bytes("ed25519-pkcs8-testkey.pem")
        #expect(scanner.claim(path: ScanPath("k.pem"), head: pemKey[...]) == .none)
        let pem = try X509Fixtures.bytes("rsa-chain.pem")
        #expect(scanner.claim(path: ScanPath("chain.txt"), head: pem[...]) == .content)
        #expect(scanner.claim(path: ScanPath("README"), head: Array("hello".utf8)[...]) == .none)
    }

    @Test("each scanner's own examples hold")
    func examples() throws {
        for scanner in X509Fixtures.allScanners {
            for example in scanner.examples {
                let output = scanner.scan(ScanInput(path: ScanPath(example.path), bytes: example.contents))
                #expect(output.findings.isEmpty != example.expectsFindings, "\(scanner.id): \(example.name)")
                #expect(output.diagnostics.isEmpty != example.expectsDiagnostic, "\(scanner.id): \(example.name)")
                for algorithm in example.expectedAlgorithms {
                    #expect(output.findings.contains { $0.algorithm == algorithm }, "\(scanner.id): \(example.name)")
                }
            }
        }
    }
}
