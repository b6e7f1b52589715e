import PQCatalog
import PQModel

/// Finds X.509 certificates: PEM (one or many blocks, text between), DER, PKCS#7 bundles and PKCS#12 files.
///
/// Per certificate it reports the signature algorithm and the subject public key as findings, and the
/// certificate and its public key as assets (ids derived from content, RFC 5280 DER). Certificates are decoded
/// by OpenSSL's ASN.1 templates through the shim (`CertificateParser`); PKCS#7 and PKCS#12 containers are opened
/// through libcrypto.
public struct CertificateScanner: FileScanner {
    public let id = "x509"
    public let sources: [FindingSource] = [.x509, .pkcs7, .pkcs12, .privateKey]
    let catalog: Catalog

    /// PEM labels holding one certificate (RFC 7468 §5; OpenSSL's TRUSTED and legacy X509 forms).
    static let certificateLabels = ["CERTIFICATE", "TRUSTED CERTIFICATE", "X509 CERTIFICATE"]
    /// PEM labels holding a PKCS#7 SignedData (RFC 7468 §8 and the older OpenSSL spelling).
    static let pkcs7Labels = ["PKCS7", "PKCS #7 SIGNED DATA", "CERTIFICATE CHAIN"]
    static let extensions: Set<String> = ["der", "crt", "cer", "pem", "cert", "p7b", "p7c", "p12", "pfx"]

    /// - Parameter catalog: where names and statuses come from; tests pass a small one.
    public init(catalog: Catalog = .shared) {
        self.catalog = catalog
    }

    public func claim(path: ScanPath, head: ArraySlice<UInt8>) -> Claim {
        let ext = path.lowercasedExtension
        let named = Self.extensions.contains(ext)
        if head.isEmpty { return named ? .name : .none }
        if PEM.containsMarker(head) {
            if ByteSearch.containsBegin(head, labels: Self.certificateLabels + Self.pkcs7Labels) { return .content }
            // A PEM file of some other kind (a key, DH parameters) belongs to another scanner.
            return ["crt", "cer", "cert", "p7b", "p7c"].contains(ext) ? .name : .none
        }
        // A DER PKCS#10 request has a certificate's outer shape (and often a `.der` name): the CSR scanner's.
        if CertificationRequest.looksLikeRequest(head) { return .none }
        switch DERShape.classify(head) {
        case .certificate, .pkcs7, .pkcs12: return named ? .name : .content
        case .pkcs8, .encryptedPKCS8, .traditionalPrivateKey, .subjectPublicKeyInfo: return .none
        case .unknown: return named ? .name : .none
        }
    }

    public func scan(_ input: ScanInput) -> ScanOutput {
        var emitter = X509Emitter(path: input.path, classifier: AlgorithmClassifier(catalog: catalog))
        let ext = input.path.lowercasedExtension
        if input.bytes.isEmpty {
            emitter.diagnose(.empty, "empty file")
            return emitter.finish()
        }
        if PEM.containsMarker(input.bytes[...]) {
            scanPEM(input, &emitter)
            return emitter.finish()
        }
        let shape = DERShape.classify(input.bytes[...])
        switch shape {
        case .pkcs12:
            scanPKCS12(input, &emitter)
        case .pkcs7:
            scanPKCS7(der: input.bytes, line: nil, &emitter)
        case .certificate:
            scanDER(input.bytes, &emitter)
        case .pkcs8, .encryptedPKCS8, .traditionalPrivateKey, .subjectPublicKeyInfo:
            break  // the key scanner's
        case .unknown:
            if ext == "p12" || ext == "pfx" {
                scanPKCS12(input, &emitter)
            } else if ext == "p7b" || ext == "p7c" {
                scanPKCS7(der: input.bytes, line: nil, &emitter)
            } else if input.looksLikeText {
                emitter.fail("no PEM block and not DER")
            } else {
                scanDER(input.bytes, &emitter)
            }
        }
        return emitter.finish()
    }

    // MARK: - Formats

    private func scanPEM(_ input: ScanInput, _ emitter: inout X509Emitter) {
        for block in PEM.blocks(in: input.bytes) {
            let isCertificate = Self.certificateLabels.contains(block.label)
            let isPKCS7 = Self.pkcs7Labels.contains(block.label)
            guard isCertificate || isPKCS7 else { continue }
            guard let der = block.der else {
                emitter.fail("line \(block.line): \(block.label) block is not valid base64 or not terminated")
                continue
            }
            if isPKCS7 {
                scanPKCS7(der: der, line: block.line, &emitter)
                continue
            }
            do {
                // TRUSTED CERTIFICATE appends OpenSSL's trust settings after the certificate: parse the first.
                let parsed = try CertificateParser.parse(der: der)
                if block.label != "TRUSTED CERTIFICATE", parsed.derLength != der.count {
                    emitter.fail("line \(block.line): \(der.count - parsed.derLength) bytes after the certificate")
                    continue
                }
                emitter.certificate(parsed, line: block.line, source: .x509)
            } catch {
                emitter.fail("line \(block.line): \(error.detail)")
            }
        }
    }

    private func scanDER(_ bytes: [UInt8], _ emitter: inout X509Emitter) {
        do {
            let parsed = try CertificateParser.parse(der: bytes)
            guard parsed.derLength == bytes.count else {
                emitter.fail("DER certificate followed by \(bytes.count - parsed.derLength) unexpected bytes")
                return
            }
            emitter.certificate(parsed, line: nil, source: .x509)
        } catch {
            emitter.fail("not a DER certificate: \(error.detail)")
        }
    }

    private func scanPKCS7(der: [UInt8], line: Int?, _ emitter: inout X509Emitter) {
        let prefix = line.map { "line \($0): " } ?? ""
        switch OpenSSLContainers.pkcs7Certificates(der: der) {
        case .failure(let failure):
            emitter.fail(prefix + "PKCS#7: " + failure.detail)
        case .success(let certificates):
            if certificates.isEmpty { emitter.fail(prefix + "PKCS#7 bundle holds no certificate") }
            for certificate in certificates {
                do {
                    emitter.certificate(try CertificateParser.parse(der: certificate), line: line, source: .pkcs7)
                } catch {
                    emitter.fail(prefix + "certificate in PKCS#7: \(error.detail)")
                }
            }
        }
    }

    private func scanPKCS12(_ input: ScanInput, _ emitter: inout X509Emitter) {
        switch OpenSSLContainers.pkcs12(der: input.bytes, passwords: input.options.pkcs12Passwords) {
        case .failure(let failure) where failure.code == .wrongPassword:
            emitter.encryptedKeystore(fileBytes: input.bytes, detail: failure.detail)
        case .failure(let failure):
            emitter.fail("PKCS#12: " + failure.detail)
        case .success(let contents):
            for certificate in contents.certificates {
                do {
                    emitter.certificate(try CertificateParser.parse(der: certificate), line: nil, source: .pkcs12)
                } catch {
                    emitter.fail("certificate in PKCS#12: \(error.detail)")
                }
            }
            if let key = contents.key {
                emitter.privateKey(
                    key, source: .pkcs12, format: "pkcs12", encrypted: contents.passwordIndex != nil,
                    fallbackID: Digest.sha256(input.bytes))
            }
            if contents.certificates.isEmpty && contents.key == nil {
                emitter.fail("PKCS#12 holds neither certificates nor a key")
            }
        }
    }

    // MARK: - Examples

    public var examples: [ScannerExample] {
        [
            ScannerExample(
                name: "PEM certificate (Ed25519, self-signed)", path: "certs/ed25519.pem",
                contents: Array(X509Examples.ed25519CertificatePEM.utf8),
                expectedAlgorithms: ["1.3.101.112"]),
            ScannerExample(
                name: "garbage in a CERTIFICATE block", path: "certs/bad.crt",
                contents: Array("-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n".utf8),
                expectsFindings: false, expectsDiagnostic: true),
            ScannerExample(
                name: "a PEM private key is not a certificate", path: "keys/other.pem",
                contents: Array(X509Examples.ed25519PrivateKeyPEM.utf8), expectsFindings: false),
        ]
    }
}

/// Small inline examples (generated throwaway test material, see Tests/PQScannersTests/Fixtures/x509).
enum X509Examples {
    static let ed25519CertificatePEM = """
        -----BEGIN CERTIFICATE-----
        MIH+MIGxoAMCAQICAjABMAUGAytlcDAXMRUwEwYDVQQDDAxFZDI1NTE5IFRlc3Qw
        HhcNMjUwMTAxMDAwMDAwWhcNMzUwMTAxMDAwMDAwWjAXMRUwEwYDVQQDDAxFZDI1
        NTE5IFRlc3QwKjAFBgMrZXADIQAFnV358zdLhSWPHn7SvGOFczRvaSm9ITThe+Jw
        fEkEDKMhMB8wHQYDVR0OBBYEFMdevMJVMGuwCcTcaSINEXoVS3uYMAUGAytlcANB
        AObJgZM9N0zSQBwq5jB416fx06LQ6X9oVP6vWqef3f8URYr8wRAgcAlMR6CXaDt0
        ejtxRumBeq+6fsGQQN7sKAk=
        -----END CERTIFICATE-----

        """
    static let ed25519PrivateKeyPEM = """
        -----BEGIN PRIVATE KEY-----
        MC4CAQAwBQYDK2VwBCIEIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
        -----END PRIVATE KEY-----

        """
    /// An EncryptedPrivateKeyInfo shape (PBES2) around 16 dummy bytes: no key inside.
    static let encryptedPKCS8PEM = """
        -----BEGIN ENCRYPTED PRIVATE KEY-----
        MB8wCwYJKoZIhvcNAQUNBBAAAQIDBAUGBwgJCgsMDQ4P
        -----END ENCRYPTED PRIVATE KEY-----

        """
    /// RFC 2409 Oakley group 2 (1024-bit MODP), g = 2.
    static let dh1024PEM = """
        -----BEGIN DH PARAMETERS-----
        MIGHAoGBAP//////////yQ/aoiFowjTExmKLgNwc0SkCTgiKZ8x0Agu+pjsTmyJR
        Sgh5jjQE3e+VGbPNOkMbMCsKbfJfFDdP4TVtbVHCReSFtXZiXn7G9ExC6aY37WsL
        /1y29Aa37e44a/taiZ+lrp8kEXxLH+ZJKGZR7OZTgf//////////AgEC
        -----END DH PARAMETERS-----

        """
}
