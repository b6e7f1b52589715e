import Foundation
import PQCatalog
import PQModel
import PQTestSupport
import Testing

@testable import PQScanners

/// PKCS#10 requests made by the real `openssl req`, a hand-built ML-DSA request, and hostile variants.
@Suite("CSR scanner")
struct CSRScannerTests {
    static let openssl = "/usr/bin/openssl"
    static var hasOpenSSL: Bool { FileManager.default.isExecutableFile(atPath: openssl) }

    struct KeyCase: Sendable, CustomTestStringConvertible {
        let genpkey: [String]
        let keyOID: String
        let keyBits: Int
        let signatureOID: String
        var testDescription: String { genpkey.joined(separator: " ") }
    }

    static let keyCases: [KeyCase] = [
        KeyCase(
            genpkey: ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"], keyOID: "1.2.840.113549.1.1.1",
            keyBits: 2048, signatureOID: "1.2.840.113549.1.1.11"),
        KeyCase(
            genpkey: ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"], keyOID: "1.2.840.10045.2.1",
            keyBits: 384, signatureOID: "1.2.840.10045.4.3.2"),
        KeyCase(genpkey: ["-algorithm", "ED25519"], keyOID: "1.3.101.112", keyBits: 256, signatureOID: "1.3.101.112"),
    ]

    /// Makes a key and a request with `openssl req` in a fresh folder; returns PEM, DER and OpenSSL's SPKI.
    static func makeRequest(_ item: KeyCase) throws -> (pem: [UInt8], der: [UInt8], spki: [UInt8]) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pqs-csr-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let key = folder.appendingPathComponent("k.pem").path
        let pem = folder.appendingPathComponent("r.csr").path
        let der = folder.appendingPathComponent("r.der").path
        let spki = folder.appendingPathComponent("pub.der").path
        let steps: [[String]] = [
            ["genpkey"] + item.genpkey + ["-out", key],
            ["req", "-new", "-key", key, "-subj", "/O=Example/CN=www.example.org", "-out", pem],
            ["req", "-in", pem, "-outform", "DER", "-out", der],
            ["pkey", "-in", key, "-pubout", "-outform", "DER", "-out", spki],
        ]
        for step in steps {
            let result = try #require(OpenSSHTestSupport.run(openssl, step))
            try #require(result.status == 0, "openssl \(step.joined(separator: " ")): \(result.error)")
        }
        func read(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path))) }
        return (try read(pem), try read(der), try read(spki))
    }

    static func scan(_ path: String, _ bytes: [UInt8]) -> ScanOutput {
        ScannerRegistry.standard.scan(ScanInput(path: ScanPath(path), bytes: bytes))
    }

    @Test(
        "openssl req output in PEM and DER gives the key, its size, the signature and the subject",
        .enabled(if: hasOpenSSL), arguments: keyCases)
    func realRequests(_ item: KeyCase) throws {
        let made = try Self.makeRequest(item)
        let spkiID = "sha256:" + Digest.sha256Hex(made.spki)
        for (path, bytes) in [("req/www.csr", made.pem), ("req/www.der", made.der), ("req/www.req", made.der)] {
            let output = Self.scan(path, bytes)
            #expect(output.diagnostics.isEmpty, "\(path): \(output.diagnostics)")
            let key = try #require(output.findings.first { $0.setting == "subjectPublicKey" }, "\(path)")
            #expect(key.source == .csr)
            #expect(key.oid == item.keyOID)
            #expect(key.keyBits == item.keyBits)
            #expect(key.asset == spkiID, "the requested key is the asset OpenSSL's own SPKI names")
            #expect(key.note?.contains("CN=www.example.org") == true)
            let signature = try #require(output.findings.first { $0.setting == "signatureAlgorithm" })
            #expect(signature.oid == item.signatureOID)
            #expect(output.findings.count == 2, "\(path): no certificate or key scanner reads a request")
            #expect(output.assets.map(\.id) == [spkiID])
            #expect(output.assets.first?.kind == .publicKey)
        }
    }

    /// A request for an ML-DSA-65 key, built by hand (OpenSSL 3.0 cannot make one); the signature is zeros,
    /// which the scanner does not verify.
    static func mldsaRequest() -> [UInt8] {
        let tlv = RSAPublicKeyWrapper.tlv
        let mldsa65: [UInt8] = [0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03, 0x12]
        let algorithm = tlv(DERTag.sequence, mldsa65)
        let cn = tlv(
            DERTag.sequence, [0x06, 0x03, 0x55, 0x04, 0x03] + tlv(DERTag.utf8String, Array("pq.example".utf8)))
        let name = tlv(DERTag.sequence, tlv(0x31, cn))
        let spki = tlv(DERTag.sequence, algorithm + tlv(DERTag.bitString, [0] + [UInt8](repeating: 7, count: 1952)))
        let info = tlv(DERTag.sequence, [0x02, 0x01, 0x00] + name + spki + [0xA0, 0x00])
        return tlv(DERTag.sequence, info + algorithm + tlv(DERTag.bitString, [0] + [UInt8](repeating: 0, count: 3309)))
    }

    @Test("an ML-DSA-65 request is inventoried as ML-DSA-65, resistant, in DER and in PEM")
    func mldsa() throws {
        let der = Self.mldsaRequest()
        let pem =
            "-----BEGIN CERTIFICATE REQUEST-----\n"
            + Data(der).base64EncodedString(options: .lineLength64Characters) + "\n-----END CERTIFICATE REQUEST-----\n"
        for (path, bytes) in [("pq.csr", der), ("pq.pem", Array(pem.utf8))] {
            let output = Self.scan(path, bytes)
            #expect(output.diagnostics.isEmpty, "\(path)")
            #expect(output.findings.count == 2)
            for finding in output.findings {
                #expect(finding.canonical == "ML-DSA-65", "\(path) \(finding.setting)")
                #expect(finding.quantumStatus == .resistant)
            }
            #expect(output.findings.first { $0.setting == "subjectPublicKey" }?.keyBits == 1952 * 8)
        }
    }

    @Test("a DER request is not claimed by the certificate scanner, and a DER certificate not by the CSR scanner")
    func shapesApart() throws {
        let request = Self.mldsaRequest()
        #expect(CertificationRequest.looksLikeRequest(request[...]))
        #expect(CertificateScanner().claim(path: ScanPath("a.der"), head: request[...]) == .none)
        let certificate = try #require(PEM.blocks(in: Array(X509Examples.ed25519CertificatePEM.utf8)).first?.der)
        #expect(!CertificationRequest.looksLikeRequest(certificate[...]))
        #expect(CSRScanner().claim(path: ScanPath("a.der"), head: certificate[...]) == .none)
    }

    @Test(
        "hostile requests: truncated, trailing bytes, wrong version, bad base64, text in a .csr each give one diagnostic"
    )
    func hostile() {
        let good = Self.mldsaRequest()
        var wrongVersion = good
        if let index = wrongVersion.firstIndex(of: 0x02), wrongVersion[index + 2] == 0 { wrongVersion[index + 2] = 5 }
        let cases: [(String, [UInt8])] = [
            ("truncated", Array(good.prefix(good.count / 2))),
            ("trailing", good + [0, 0]),
            ("version", wrongVersion),
            ("base64", Array("-----BEGIN CERTIFICATE REQUEST-----\n@@@\n-----END CERTIFICATE REQUEST-----\n".utf8)),
            ("text", Array("just a note\n".utf8)),
        ]
        for (name, bytes) in cases {
            let output = CSRScanner().scan(ScanInput(path: ScanPath("\(name).csr"), bytes: bytes))
            #expect(output.findings.isEmpty, "\(name)")
            #expect(output.diagnostics.count == 1, "\(name)")
        }
    }

    @Test("2,000 seeded mutations of a request end in findings or a diagnostic, never a crash")
    func mutations() {
        var generator = SeededGenerator(seed: 0x1410)
        let good = Self.mldsaRequest()
        for _ in 0..<2000 {
            var bytes = good
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let index = Int.random(in: 0..<min(bytes.count, 64), using: &generator)
                bytes[index] = UInt8.random(in: 0...255, using: &generator)
            }
            let output = CSRScanner().scan(ScanInput(path: ScanPath("m.csr"), bytes: bytes))
            #expect(!output.findings.isEmpty || !output.diagnostics.isEmpty)
        }
    }
}
