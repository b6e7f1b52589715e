import Foundation
import PQCatalog
import PQModel
import Testing

@testable import PQScanners

/// Fixture access and a small catalog for the X.509 family's tests.
enum X509Fixtures {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/x509")

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: folder.appendingPathComponent(name)))
    }

    static func input(_ name: String, passwords: [String] = []) throws -> ScanInput {
        ScanInput(
            path: ScanPath("fixtures/" + name), bytes: try bytes(name),
            options: ScanOptions(pkcs12Passwords: passwords))
    }

    static var names: [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()) ?? []
    }

    /// Every certificate among the fixtures, as DER: PEM blocks, DER files, and the PKCS#7 bundle's members.
    static func allCertificates() throws -> [(name: String, der: [UInt8])] {
        var out: [(String, [UInt8])] = []
        for name in names {
            let data = try bytes(name)
            if name.hasSuffix(".pem") || name.hasSuffix(".crt") {
                for block in PEM.blocks(in: data) where block.label == "CERTIFICATE" {
                    if let der = block.der { out.append(("\(name):\(block.line)", der)) }
                }
            } else if name.hasSuffix(".der") || name.hasSuffix(".cer"),
                DERShape.classify(data[...]) == .certificate
            {
                out.append((name, data))
            } else if name.hasSuffix(".p7c"), case .success(let certs) = OpenSSLContainers.pkcs7Certificates(der: data)
            {
                for (index, der) in certs.enumerated() { out.append(("\(name)#\(index)", der)) }
            }
        }
        return out
    }

    /// The few catalog rows these tests need (the real algorithms.json is filled elsewhere).
    static let catalog: Catalog = {
        func row(
            _ canonical: String, _ family: String, _ primitive: String, _ status: String, _ oids: [String],
            names: [String] = [], broken: Int? = nil
        ) -> String {
            let brokenText = broken.map { ", \"brokenBelowBits\": \($0)" } ?? ""
            let oidText = oids.map { "\"\($0)\"" }.joined(separator: ",")
            let nameText = names.map { "\"\($0)\"" }.joined(separator: ",")
            return """
                {"canonical": "\(canonical)", "family": "\(family)", "primitive": "\(primitive)",
                 "nistCategory": 0, "quantumStatus": "\(status)", "oids": [\(oidText)],
                 "names": {"other": [\(nameText)]}, "source": "test"\(brokenText)}
                """
        }
        let rows = [
            row("RSA", "RSA", "pke", "vulnerable", ["1.2.840.113549.1.1.1"], broken: 2048),
            row("ECDSA", "ECDSA", "signature", "vulnerable", ["1.2.840.10045.2.1"]),
            row("DSA", "DSA", "signature", "vulnerable", ["1.2.840.10040.4.1"]),
            row("Ed25519", "EdDSA", "signature", "vulnerable", ["1.3.101.112"]),
            row("Ed448", "EdDSA", "signature", "vulnerable", ["1.3.101.113"]),
            row("ML-DSA-44", "ML-DSA", "signature", "resistant", ["2.16.840.1.101.3.4.3.17"]),
            row("ML-DSA-65", "ML-DSA", "signature", "resistant", ["2.16.840.1.101.3.4.3.18"]),
            row("ML-DSA-87", "ML-DSA", "signature", "resistant", ["2.16.840.1.101.3.4.3.19"]),
            row("ML-KEM-768", "ML-KEM", "kem", "resistant", ["2.16.840.1.101.3.4.4.2"]),
            row("RSA-SHA256", "RSA", "signature", "vulnerable", ["1.2.840.113549.1.1.11"]),
            row("RSA-SHA384", "RSA", "signature", "vulnerable", ["1.2.840.113549.1.1.12"]),
            row("RSA-SHA1", "RSA", "signature", "broken", ["1.2.840.113549.1.1.5"]),
            row("ECDSA-SHA256", "ECDSA", "signature", "vulnerable", ["1.2.840.10045.4.3.2"]),
            row("ECDSA-SHA384", "ECDSA", "signature", "vulnerable", ["1.2.840.10045.4.3.3"]),
            row("DH", "FFDH", "key-agree", "vulnerable", ["1.2.840.113549.1.3.1", "1.2.840.10046.2.1"], broken: 2048),
            row("P-256", "ECC", "curve", "vulnerable", ["1.2.840.10045.3.1.7"], names: ["prime256v1"]),
            row("P-384", "ECC", "curve", "vulnerable", ["1.3.132.0.34"], names: ["secp384r1"]),
            row("ML-DSA-65+ECDSA-P256-SHA512", "ML-DSA", "signature", "hybrid", ["1.3.6.1.5.5.7.6.45"]),
        ]
        let json = "{\"algorithms\": [" + rows.joined(separator: ",") + "]}"
        do {
            return try Catalog(json: Data(json.utf8))
        } catch {
            preconditionFailure("test catalog: \(error)")
        }
    }()

    static var certificateScanner: CertificateScanner { CertificateScanner(catalog: catalog) }
    static var keyScanner: KeyScanner { KeyScanner(catalog: catalog) }
    static var dhScanner: DHParametersScanner { DHParametersScanner(catalog: catalog) }
    static var allScanners: [any FileScanner] { [certificateScanner, keyScanner, dhScanner] }
}
