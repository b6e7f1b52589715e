import Foundation
import PQCatalog
import PQModel

/// Finds public and private keys in PEM and DER: SPKI `PUBLIC KEY`, PKCS#1 `RSA PUBLIC KEY` and
/// `RSA PRIVATE KEY`, SEC1 `EC PRIVATE KEY`, `DSA PRIVATE KEY`, PKCS#8 `PRIVATE KEY` and
/// `ENCRYPTED PRIVATE KEY` (RFC 7468), legacy encrypted PEM (`Proc-Type: 4,ENCRYPTED`, RFC 1421), and DER
/// keys in `.key`/`.der` files.
///
/// Findings carry source `public-key` or `private-key`; a private key is recorded by algorithm, size,
/// format and whether it is encrypted, and linked to its public half by the SPKI SHA-256 — never its bytes.
public struct KeyScanner: FileScanner {
    public let id = "key"
    public let sources: [FindingSource] = [.privateKey, .publicKey]
    let catalog: Catalog

    static let publicLabels = ["PUBLIC KEY", "RSA PUBLIC KEY"]
    static let privateLabels = [
        "PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "DSA PRIVATE KEY",
    ]
    static let extensions: Set<String> = ["key", "der"]

    /// - Parameter catalog: where names and statuses come from; tests pass a small one.
    public init(catalog: Catalog = .shared) {
        self.catalog = catalog
    }

    public func claim(path: ScanPath, head: ArraySlice<UInt8>) -> Claim {
        let ext = path.lowercasedExtension
        if head.isEmpty { return ext == "key" ? .name : .none }
        if PEM.containsMarker(head) {
            if ByteSearch.containsBegin(head, labels: Self.publicLabels + Self.privateLabels) { return .content }
            return .none
        }
        switch DERShape.classify(head) {
        case .pkcs8, .encryptedPKCS8, .traditionalPrivateKey, .subjectPublicKeyInfo:
            return Self.extensions.contains(ext) ? .name : .content
        case .certificate, .pkcs7, .pkcs12:
            return .none
        case .unknown:
            return ext == "key" ? .name : .none
        }
    }

    public func scan(_ input: ScanInput) -> ScanOutput {
        var emitter = X509Emitter(path: input.path, classifier: AlgorithmClassifier(catalog: catalog))
        if input.bytes.isEmpty {
            emitter.diagnose(.empty, "empty file")
            return emitter.finish()
        }
        if PEM.containsMarker(input.bytes[...]) {
            for block in PEM.blocks(in: input.bytes) {
                let known = Self.publicLabels.contains(block.label) || Self.privateLabels.contains(block.label)
                guard known else { continue }  // EC PARAMETERS, certificates, ...: not ours, not errors
                guard let der = block.der else {
                    emitter.fail("line \(block.line): \(block.label) block is not valid base64 or not terminated")
                    continue
                }
                scanBlock(
                    label: block.label, headers: block.headers, der: der, line: block.line,
                    passwords: input.options.pkcs12Passwords, &emitter)
            }
            return emitter.finish()
        }
        switch DERShape.classify(input.bytes[...]) {
        case .pkcs8:
            scanBlock(
                label: "PRIVATE KEY", headers: [:], der: input.bytes, line: nil,
                passwords: input.options.pkcs12Passwords,
                &emitter)
        case .encryptedPKCS8:
            scanBlock(
                label: "ENCRYPTED PRIVATE KEY", headers: [:], der: input.bytes, line: nil,
                passwords: input.options.pkcs12Passwords,
                &emitter)
        case .traditionalPrivateKey:
            scanBlock(
                label: "", headers: [:], der: input.bytes, line: nil, passwords: input.options.pkcs12Passwords,
                &emitter)
        case .subjectPublicKeyInfo:
            scanBlock(
                label: "PUBLIC KEY", headers: [:], der: input.bytes, line: nil,
                passwords: input.options.pkcs12Passwords,
                &emitter)
        case .certificate, .pkcs7, .pkcs12:
            break
        case .unknown:
            if input.path.lowercasedExtension == "key" {
                emitter.fail(input.looksLikeText ? "no PEM key block and not DER" : "not a DER key")
            }
        }
        return emitter.finish()
    }

    private func scanBlock(
        label: String, headers: [String: String], der: [UInt8], line: Int?, passwords: [String],
        _ emitter: inout X509Emitter
    ) {
        let at = line.map { "line \($0): " } ?? ""
        let digest = Digest.sha256(der)
        let legacyEncrypted = headers["Proc-Type"]?.uppercased().contains("ENCRYPTED") == true
        switch label {
        case "PUBLIC KEY":
            do {
                emitter.publicKey(try PublicKeyInfo.parse(der: der), line: line, format: "spki")
            } catch {
                emitter.fail(at + "PUBLIC KEY: \(error.detail)")
            }
        case "RSA PUBLIC KEY":
            do {
                let spki = RSAPublicKeyWrapper.subjectPublicKeyInfo(pkcs1: der)
                emitter.publicKey(try PublicKeyInfo.parse(der: spki), line: line, format: "pkcs1")
            } catch {
                emitter.fail(at + "RSA PUBLIC KEY: \(error.detail)")
            }
        case "ENCRYPTED PRIVATE KEY":
            guard EncryptedPKCS8.isWellFormed(der) else {
                emitter.fail(at + "ENCRYPTED PRIVATE KEY is not an EncryptedPrivateKeyInfo")
                return
            }
            switch OpenSSLKeys.encryptedPKCS8(der: der, passwords: passwords) {
            case .success(let opened):
                emitter.privateKey(
                    opened.info, source: .privateKey, format: "encrypted-pkcs8", encrypted: true, fallbackID: digest,
                    line: line, note: "encrypted PKCS#8, opened with a given password")
            case .failure:
                emitter.privateKey(
                    .init(
                        algorithm: "encrypted-private-key", format: "encrypted-pkcs8", encrypted: true,
                        note: "encrypted PKCS#8: algorithm not visible, assumed quantum-vulnerable", hidden: true),
                    line: line, source: .privateKey, fileDigest: digest)
                emitter.notOpened(at + "encrypted PKCS#8", passwords: passwords)
            }
        case "RSA PRIVATE KEY" where legacyEncrypted, "EC PRIVATE KEY" where legacyEncrypted,
            "DSA PRIVATE KEY" where legacyEncrypted:
            // RFC 1421 legacy encryption: the label names the algorithm; the size is inside the ciphertext.
            let cipher = headers["DEK-Info"] ?? "cipher not named"
            let pem = LegacyPEM.text(label: label, headers: headers, der: der)
            if case .success(let opened) = OpenSSLKeys.legacyPEM(pem: pem, passwords: passwords) {
                let format = Self.traditionalFormat(oid: opened.info.oid)
                emitter.privateKey(
                    opened.info, source: .privateKey, format: "legacy-encrypted-pem", encrypted: true,
                    fallbackID: digest, line: line,
                    note: "encrypted (legacy PEM, \(cipher)) \(format) key, opened with a given password")
                return
            }
            let word = String(label.prefix(while: { $0 != " " }))
            let oid = [
                "RSA": X509OID.rsaEncryption, "EC": X509OID.ecPublicKey, "DSA": X509OID.dsa,
            ][word]
            emitter.privateKey(
                .init(
                    algorithm: word, oid: oid, format: "legacy-encrypted-pem", encrypted: true,
                    note: "encrypted (legacy PEM, \(cipher)): key size not visible"),
                line: line, source: .privateKey, fileDigest: digest)
            emitter.notOpened(at + "legacy encrypted PEM key", passwords: passwords)
        case "PRIVATE KEY":
            let summary = try? PKCS8Summary.parse(der: der)
            switch OpenSSLKeys.privateKeyInfo(der: der, digest: digest) {
            case .success(let info):
                emitter.privateKey(
                    info, source: .privateKey, format: "pkcs8", encrypted: false, fallbackID: digest, line: line)
            case .failure(let failure):
                // Only an algorithm this OpenSSL has no key manager for falls back to the OID: a known algorithm
                // whose key does not decode is a broken key, not a valid one.
                guard failure.code == .unsupported, let summary else {
                    emitter.fail(at + "PRIVATE KEY: \(failure.detail)")
                    return
                }
                // OpenSSL 3.0 cannot decode ML-DSA/ML-KEM keys; the OID is enough for the inventory.
                emitter.privateKey(
                    .init(
                        algorithm: summary.algorithmOID, oid: summary.algorithmOID, keyBits: summary.keyBits,
                        curveOID: summary.curveOID, curve: summary.curve, format: "pkcs8", encrypted: false),
                    line: line, source: .privateKey, fileDigest: digest)
            }
        default:
            // RSA / EC / DSA PRIVATE KEY (PKCS#1, SEC1, OpenSSL's DSA form), or an unlabelled DER key.
            switch OpenSSLKeys.privateKeyInfo(der: der, digest: digest) {
            case .success(let info):
                let format = Self.traditionalFormat(oid: info.oid)
                emitter.privateKey(
                    info, source: .privateKey, format: format, encrypted: false, fallbackID: digest, line: line)
            case .failure(let failure):
                emitter.fail(at + "\(label.isEmpty ? "private key" : label): \(failure.detail)")
            }
        }
    }

    /// The name of a traditional (pre-PKCS#8) key form, from the key's algorithm OID rather than OpenSSL's type
    /// name, which providers may spell as they like.
    static func traditionalFormat(oid: String) -> String {
        [X509OID.rsaEncryption: "pkcs1", X509OID.ecPublicKey: "sec1", X509OID.dsa: "dsa"][oid] ?? "traditional"
    }

    /// Rebuilds the text OpenSSL's PEM reader needs for one legacy encrypted block (RFC 1421 §4.6.1: Proc-Type,
    /// then DEK-Info, a blank line, the base64 body).
    enum LegacyPEM {
        static func text(label: String, headers: [String: String], der: [UInt8]) -> [UInt8] {
            var lines = ["-----BEGIN \(label)-----"]
            if let type = headers["Proc-Type"] { lines.append("Proc-Type: \(type)") }
            if let info = headers["DEK-Info"] { lines.append("DEK-Info: \(info)") }
            lines.append("")
            var body = Substring(Data(der).base64EncodedString())
            while !body.isEmpty {
                lines.append(String(body.prefix(64)))
                body = body.dropFirst(64)
            }
            lines.append("-----END \(label)-----")
            return Array((lines.joined(separator: "\n") + "\n").utf8)
        }
    }

    public var examples: [ScannerExample] {
        [
            ScannerExample(
                name: "PKCS#8 Ed25519 private key (all-zero throwaway seed)", path: "keys/test.key",
                contents: Array(X509Examples.ed25519PrivateKeyPEM.utf8), expectedAlgorithms: ["1.3.101.112"]),
            ScannerExample(
                name: "encrypted PKCS#8", path: "keys/enc.pem",
                contents: Array(X509Examples.encryptedPKCS8PEM.utf8), expectedAlgorithms: ["encrypted-private-key"]),
            ScannerExample(
                name: "EC PARAMETERS alone are not a key and not an error", path: "keys/params.pem",
                contents: Array("-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n".utf8),
                expectsFindings: false),
        ]
    }
}
