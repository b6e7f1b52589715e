import Foundation
import PQModel
import Testing

@testable import PQScanners

@Suite("KeyScanner and DHParametersScanner")
struct KeyScannerTests {
    let scanner = X509Fixtures.keyScanner

    private func only(_ name: String) throws -> Finding {
        let output = scanner.scan(try X509Fixtures.input(name))
        #expect(output.diagnostics.isEmpty, "\(name): \(output.diagnostics)")
        #expect(output.findings.count == 1, "\(name)")
        return try #require(output.findings.first)
    }

    @Test("SPKI and PKCS#1 public keys link to the certificate's public-key asset")
    func publicKeys() throws {
        let spki = try only("rsa2048-spki.pem")
        #expect(spki.source == .publicKey)
        #expect(spki.keyBits == 2048)
        let pkcs1 = try only("rsa2048-pkcs1-public.pem")
        #expect(pkcs1.asset == spki.asset)
        let cert = X509Fixtures.certificateScanner.scan(try X509Fixtures.input("rsa2048-selfsigned.pem"))
        #expect(cert.assets.first { $0.kind == .certificate }?.certificate?.publicKeyID == spki.asset)
        let ec = try only("ec-p384-spki.pem")
        #expect(ec.curve == "P-384")
        let mldsa = try only("mldsa44-spki.pem")
        #expect(mldsa.canonical == "ML-DSA-44")
        #expect(mldsa.quantumStatus == .resistant)
    }

    @Test("PKCS#1, SEC1 (after EC PARAMETERS), DSA and DER PKCS#8 private keys, linked by SPKI hash")
    func privateKeys() throws {
        let spki = try only("rsa2048-spki.pem")
        let pkcs1 = try only("rsa2048-pkcs1-testkey.pem")
        #expect(pkcs1.source == .privateKey)
        #expect(pkcs1.canonical == "RSA")
        #expect(pkcs1.keyBits == 2048)
        #expect(pkcs1.asset == spki.asset)
        let pkcs8 = try only("rsa2048-pkcs8-testkey.der")
        #expect(pkcs8.asset == spki.asset)
        #expect(pkcs8.line == nil)
        let sec1 = try only("ec-p256-sec1-testkey.pem")
        #expect(sec1.curve == "P-256")
        #expect(sec1.line == 4)
        let ecDER = try only("ec-p256-pkcs8-testkey.key")
        #expect(ecDER.asset == sec1.asset)
        let dsa = try only("dsa1024-testkey.pem")
        #expect(dsa.canonical == "DSA")
        #expect(dsa.keyBits == 1024)
        let ed = try only("ed25519-pkcs8-testkey.pem")
        #expect(ed.canonical == "Ed25519")
        let output = scanner.scan(try X509Fixtures.input("rsa2048-pkcs1-testkey.pem"))
        #expect(output.assets.first?.key == KeyDetails(format: "pkcs1", isPrivate: true, encrypted: false))
    }

    @Test("ML-DSA and ML-KEM seed-only PKCS#8 keys are recognised by OID although OpenSSL 3.0 cannot decode them")
    func postQuantumKeys() throws {
        let mldsa = try only("mldsa65-pkcs8-testkey.pem")
        #expect(mldsa.algorithm == "2.16.840.1.101.3.4.3.18")
        #expect(mldsa.canonical == "ML-DSA-65")
        #expect(mldsa.quantumStatus == .resistant)
        let mlkem = try only("mlkem768-pkcs8-testkey.pem")
        #expect(mlkem.canonical == "ML-KEM-768")
    }

    @Test("a PKCS#8 RSA key whose inner key is corrupt is a diagnostic, not a valid RSA key")
    func corruptInnerKey() throws {
        // PrivateKeyInfo { 0, rsaEncryption NULL, OCTET STRING { OCTET STRING 01 02 03 } }: the algorithm is one
        // OpenSSL knows, so its failure to decode is the key's fault, and the OID fallback must not apply.
        let version: [UInt8] = [0x02, 0x01, 0x00]
        let rsaOID: [UInt8] = [0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01]
        let rsaEncryption: [UInt8] = [0x30, 0x0D] + rsaOID + [0x05, 0x00]
        let privateKey: [UInt8] = [0x04, 0x05, 0x04, 0x03, 0x01, 0x02, 0x03]
        let der: [UInt8] = [0x30, 0x19] + version + rsaEncryption + privateKey
        let pem =
            "-----BEGIN PRIVATE KEY-----\n\(Data(der).base64EncodedString())\n-----END PRIVATE KEY-----\n"
        let output = scanner.scan(ScanInput(path: ScanPath("etc/ssl/private/broken.key"), bytes: Array(pem.utf8)))
        #expect(output.findings.isEmpty)
        #expect(output.diagnostics.count == 1)
        #expect(output.diagnostics.first?.detail.contains("PRIVATE KEY") == true)
    }

    @Test("encrypted keys: PKCS#8 hides the algorithm, legacy PEM names it; never a prompt, never bytes")
    func encrypted() throws {
        let pkcs8 = try only("rsa2048-encrypted-pkcs8-testkey.pem")
        #expect(pkcs8.algorithm == "encrypted-private-key")
        #expect(pkcs8.canonical == nil)
        #expect(pkcs8.quantumStatus == .vulnerable)
        #expect(pkcs8.note == "encrypted PKCS#8: algorithm not visible, assumed quantum-vulnerable")
        let output = scanner.scan(try X509Fixtures.input("rsa2048-encrypted-pkcs8-testkey.pem"))
        #expect(output.assets.first?.key == KeyDetails(format: "encrypted-pkcs8", isPrivate: true, encrypted: true))
        let legacy = try only("rsa2048-legacy-encrypted-testkey.pem")
        #expect(legacy.algorithm == "RSA")
        #expect(legacy.canonical == "RSA")
        #expect(legacy.keyBits == nil)
        #expect(legacy.note?.contains("encrypted") == true)
        let json = String(decoding: try JSONEncoder().encode(output.findings), as: UTF8.self)
        #expect(!json.contains("MIIF"))
    }

    @Test("DH parameters: 2048-bit is vulnerable, 1024-bit broken, X9.42 read too")
    func dhParameters() throws {
        let dh = X509Fixtures.dhScanner
        for (name, bits, status) in [
            ("dhparam2048.pem", 2048, QuantumStatus.vulnerable), ("dhparam1024.pem", 1024, .broken),
            ("x942-dhparam2048.pem", 2048, .vulnerable),
        ] {
            let output = dh.scan(try X509Fixtures.input(name))
            #expect(output.diagnostics.isEmpty, "\(name)")
            let finding = try #require(output.findings.first, "\(name)")
            #expect(finding.keyBits == bits, "\(name)")
            #expect(finding.quantumStatus == status, "\(name)")
            #expect(finding.usage == .keyExchange)
            #expect(finding.canonical == "DH")
        }
        let bad = dh.scan(
            ScanInput(
                path: ScanPath("dh.pem"),
                bytes: Array("-----BEGIN DH PARAMETERS-----\nMAA=\n-----END DH PARAMETERS-----\n".utf8)))
        #expect(bad.diagnostics.map(\.reason) == [.malformed])
    }

    @Test("each fixture is taken by exactly the scanners meant for it, and none leaves a stray diagnostic")
    func noCrossTalk() throws {
        for name in X509Fixtures.names where !name.hasSuffix(".py") && !name.hasSuffix(".md") {
            let input = try X509Fixtures.input(name)
            var findings = 0
            for scanner in X509Fixtures.allScanners
            where scanner.claim(path: input.path, head: input.bytes.prefix(4096)) != .none {
                let output = scanner.scan(input)
                findings += output.findings.count
                let allowed: Set<Diagnostic.Reason> = name == "secret.pfx" ? [.encrypted] : []
                #expect(Set(output.diagnostics.map(\.reason)).isSubset(of: allowed), "\(scanner.id) on \(name)")
            }
            #expect(findings > 0, "\(name)")
        }
    }

    @Test("a private key is decoded once per content: the service that names it again gets the remembered answer")
    func decodedOncePerContent() throws {
        let name = "ec-p256-pkcs8-testkey.key"
        let scanned = try only(name)
        let digest = Digest.sha256(try X509Fixtures.bytes(name))
        let remembered = try #require(OpenSSLKeys.rememberedKeyInfo(digest: digest))
        let info = try remembered.get()
        #expect(info.curveName == "prime256v1" && scanned.curve == "P-256")
        // A second file with the same bytes (a linked copy) yields the same finding from the remembered answer.
        let again = scanner.scan(ScanInput(path: ScanPath("elsewhere/same.key"), bytes: try X509Fixtures.bytes(name)))
        #expect(again.findings.first?.asset == scanned.asset)
    }
}
