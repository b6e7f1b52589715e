import Foundation
import PQModel
import PQReports
import Testing

/// CBOMs made by other tools, and documents that are not CBOMs at all.
@Suite("Importing foreign and broken CBOMs")
struct ImportTests {
    static let foreign = #"""
        {
          "bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
          "metadata": {"component": {"type": "application", "name": "payments-service"}},
          "components": [
            {"type": "library", "name": "openssl", "version": "3.0.2"},
            {"type": "cryptographic-asset", "bom-ref": "alg-mlkem", "name": "ML-KEM-768",
             "cryptoProperties": {"assetType": "algorithm", "algorithmProperties": {"primitive": "kem"}},
             "evidence": {"occurrences": [{"location": "src/tls.c", "line": 42, "symbol": "OQS_KEM_new"},
                                          {"location": "src/tls.c", "line": 0}]}},
            {"type": "cryptographic-asset", "bom-ref": "alg-rsa", "name": "RSA-SHA256",
             "cryptoProperties": {"assetType": "algorithm", "oid": "1.2.840.113549.1.1.11",
               "algorithmProperties": {"primitive": "signature"}}},
            {"type": "cryptographic-asset", "bom-ref": "alg-foo", "name": "FooCipher-9000",
             "cryptoProperties": {"assetType": "algorithm", "algorithmProperties": {"primitive": "block-cipher",
               "parameterSetIdentifier": "-5"}}},
            {"type": "cryptographic-asset", "bom-ref": "cert-1", "name": "www",
             "cryptoProperties": {"assetType": "certificate", "certificateProperties": {
               "subjectName": "CN=www", "issuerName": "CN=ca", "notValidBefore": "2025-01-01T00:00:00Z",
               "notValidAfter": "2026-01-01T00:00:00Z", "signatureAlgorithmRef": "alg-rsa",
               "subjectPublicKeyRef": "key-1"}},
             "evidence": {"occurrences": [{"location": "certs/www.pem"}]}},
            {"type": "cryptographic-asset", "bom-ref": "key-1", "name": "rsa key",
             "cryptoProperties": {"assetType": "related-crypto-material",
               "relatedCryptoMaterialProperties": {"type": "public-key", "size": 2048, "format": "PEM"}}},
            {"type": "cryptographic-asset", "name": "weird", "cryptoProperties": {"assetType": 7}},
            {"type": "cryptographic-asset", "bom-ref": "nest", "name": "outer",
             "cryptoProperties": {"assetType": "protocol"},
             "components": [{"type": "cryptographic-asset", "name": "SHA-1",
               "cryptoProperties": {"assetType": "algorithm", "algorithmProperties": {"primitive": "hash"}}}]}
          ]
        }
        """#

    @Test("algorithms, certificates and keys of another tool's CBOM become findings and assets")
    func foreign() throws {
        let imported = try CBOMImporter.parse(Data(Self.foreign.utf8), fallbackPath: ScanPath("vendor.cdx.json"))
        #expect(imported.subject == "payments-service")
        let kem = imported.findings.filter { $0.algorithm == "ML-KEM-768" }
        #expect(kem.count == 2)
        #expect(kem.first?.path == ScanPath("src/tls.c"))
        #expect(kem.first?.line == 42)
        #expect(kem.last?.line == nil, "line 0 means unknown: the store counts lines from 1")
        #expect(kem.first?.setting == "OQS_KEM_new")
        #expect(kem.first?.usage == .keyExchange)
        #expect(kem.first?.canonical == "ML-KEM-768")
        #expect(kem.first?.quantumStatus == .resistant)
        #expect(kem.first?.source == "cbom")
        let foo = try #require(imported.findings.first { $0.algorithm == "FooCipher-9000" })
        #expect(foo.canonical == nil)
        #expect(foo.quantumStatus == .vulnerable)
        #expect(foo.note == "not in the catalog; assumed quantum-vulnerable until classified")
        #expect(foo.keyBits == nil, "a negative parameter set is not a key size")
        #expect(foo.path == ScanPath("vendor.cdx.json"))
        #expect(foo.usage == .cipher)
        #expect(imported.findings.contains { $0.algorithm == "SHA-1" && $0.usage == .hash }, "nested components")
        let certificate = try #require(imported.assets.first { $0.kind == .certificate })
        #expect(certificate.certificate?.subject == "CN=www")
        #expect(certificate.certificate?.signatureOID == "1.2.840.113549.1.1.11")
        let signature = try #require(imported.findings.first { $0.setting == "signatureAlgorithm" })
        #expect(signature.asset == certificate.id)
        #expect(signature.path == ScanPath("certs/www.pem"))
        #expect(signature.quantumStatus == .vulnerable)
        let key = try #require(imported.assets.first { $0.kind == .publicKey })
        #expect(key.keyBits == 2048)
        #expect(certificate.certificate?.publicKeyID == key.id)
    }

    @Test(
        "documents that are not CycloneDX 1.6/1.7 are refused with a reason",
        arguments: [
            "", "not json", "[]", #"{"bomFormat":"SPDX"}"#, #"{"bomFormat":"CycloneDX","specVersion":"1.5"}"#,
            #"{"bomFormat":"CycloneDX","specVersion":1.6}"#, String(repeating: "[", count: 100_000),
        ])
    func refused(_ text: String) {
        #expect(throws: CBOMImportError.self) {
            try CBOMImporter.parse(Data(text.utf8), fallbackPath: ScanPath("x"))
        }
    }

    @Test(
        "deep nesting and out-of-range numbers are named as such, not \"not JSON\" (issue 21)",
        arguments: [
            (String(repeating: "[", count: 100_000), "too deeply nested"),
            (
                #"{"bomFormat":"CycloneDX","specVersion":"1.6","#
                    + #""components":["# + String(repeating: #"{"components":["#, count: 200), "too deeply nested"
            ),
            (#"{"bomFormat":"CycloneDX","specVersion":"1.6","version":1e999}"#, "number out of range: 1e999"),
            (#"{"bomFormat":"CycloneDX","x":-2E+400}"#, "number out of range"),
        ])
    func namedProblems(_ text: String, _ reason: String) {
        do {
            _ = try CBOMImporter.parse(Data(text.utf8), fallbackPath: ScanPath("x"))
            Issue.record("accepted")
        } catch {
            #expect(error.reason.contains(reason), "\(error.reason)")
            #expect(!error.reason.contains("not JSON"))
        }
        // A string holding brackets and a huge exponent is data, not structure.
        #expect((try? JSONValue.parse(Data((#"["# + #""[[[[1e999\"""# + "]").utf8))) != nil)
    }

    @Test("members of the wrong type are skipped, never a crash")
    func wrongTypes() throws {
        let text = #"""
            {"bomFormat":"CycloneDX","specVersion":"1.7","components":[
              {"type":"cryptographic-asset","name":5,"cryptoProperties":{"assetType":"algorithm",
                "algorithmProperties":"x"},"evidence":{"occurrences":[{"location":7,"line":"x"},3]}},
              {"type":"cryptographic-asset","cryptoProperties":{"assetType":"certificate","certificateProperties":[]}},
              {"type":"cryptographic-asset","cryptoProperties":{"assetType":"related-crypto-material"}}],
             "metadata":{"properties":[{"name":"pqscout:diagnostic","value":"path=%ZZ"}]}}
            """#
        let imported = try CBOMImporter.parse(Data(text.utf8), fallbackPath: ScanPath("x.json"))
        #expect(imported.findings.count == 2)
        #expect(imported.findings.allSatisfy { $0.path == ScanPath("x.json") && $0.line == nil })
        #expect(imported.diagnostics.isEmpty)
        #expect(imported.assets.count == 2)
    }

    @Test("whole doubles beyond Int's range are written as doubles, never a trap")
    func largeWholeDoubles() {
        let value = JSONValue.array([.double(1e20), .double(-9.3e18), .double(3), .double(2.5)])
        #expect(value.rendered() == "[\n  1e+20,\n  -9.3e+18,\n  3,\n  2.5\n]\n")
    }
}
