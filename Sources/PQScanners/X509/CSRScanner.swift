import PQCatalog
import PQModel

/// Finds PKCS#10 certificate signing requests (RFC 2986) in PEM (`CERTIFICATE REQUEST`, and the older
/// `NEW CERTIFICATE REQUEST` of Netscape and Windows, RFC 7468 §7) and DER (`*.csr`, `*.req`, `*.p10`).
///
/// Per request it reports the signature algorithm and the requested public key, with the subject in the note;
/// the requested key becomes a public-key asset, so a certificate issued later for it links to the same key.
public struct CSRScanner: FileScanner {
    public let id = "csr"
    public let sources: [FindingSource] = [.csr]
    let catalog: Catalog

    static let labels = ["CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"]
    static let extensions: Set<String> = ["csr", "req", "p10"]

    /// - Parameter catalog: where names and statuses come from; tests pass a small one.
    public init(catalog: Catalog = .shared) {
        self.catalog = catalog
    }

    public func claim(path: ScanPath, head: ArraySlice<UInt8>) -> Claim {
        let named = Self.extensions.contains(path.lowercasedExtension)
        if head.isEmpty { return named ? .name : .none }
        if PEM.containsMarker(head) {
            return ByteSearch.containsBegin(head, labels: Self.labels) ? .content : (named ? .name : .none)
        }
        if CertificationRequest.looksLikeRequest(head) { return named ? .name : .content }
        return named ? .name : .none
    }

    public func scan(_ input: ScanInput) -> ScanOutput {
        var emitter = X509Emitter(path: input.path, classifier: AlgorithmClassifier(catalog: catalog))
        if input.bytes.isEmpty {
            emitter.diagnose(.empty, "empty file")
            return emitter.finish()
        }
        if PEM.containsMarker(input.bytes[...]) {
            for block in PEM.blocks(in: input.bytes) where Self.labels.contains(block.label) {
                guard let der = block.der else {
                    emitter.fail("line \(block.line): \(block.label) block is not valid base64 or not terminated")
                    continue
                }
                read(der, line: block.line, &emitter)
            }
            return emitter.finish()
        }
        if input.looksLikeText {
            emitter.fail("no CERTIFICATE REQUEST block and not DER")
        } else {
            read(input.bytes, line: nil, &emitter)
        }
        return emitter.finish()
    }

    private func read(_ der: [UInt8], line: Int?, _ emitter: inout X509Emitter) {
        let at = line.map { "line \($0): " } ?? ""
        do {
            let request = try CertificationRequest.parse(der: der)
            guard request.derLength == der.count else {
                emitter.fail(at + "\(der.count - request.derLength) bytes after the certificate request")
                return
            }
            emitter.request(request, line: line)
        } catch {
            emitter.fail(at + "not a PKCS#10 certificate request: \(error.detail)")
        }
    }

    // MARK: - Examples

    public var examples: [ScannerExample] {
        [
            ScannerExample(
                name: "PEM certificate request (Ed25519, openssl req -new)", path: "req/ed25519.csr",
                contents: Array(CSRExamples.ed25519RequestPEM.utf8), expectedAlgorithms: ["1.3.101.112"]),
            ScannerExample(
                name: "garbage in a CERTIFICATE REQUEST block", path: "req/bad.csr",
                contents: Array("-----BEGIN CERTIFICATE REQUEST-----\n!!!\n-----END CERTIFICATE REQUEST-----\n".utf8),
                expectsFindings: false, expectsDiagnostic: true),
            ScannerExample(
                name: "a certificate is not a request", path: "certs/ed25519.pem",
                contents: Array(X509Examples.ed25519CertificatePEM.utf8), expectsFindings: false),
        ]
    }
}

/// Inline examples, made with `openssl req -new -key <throwaway Ed25519 key> -subj /CN=csr.example
/// -outform PEM` (OpenSSL 3.0.19); the key was discarded.
enum CSRExamples {
    static let ed25519RequestPEM = """
        -----BEGIN CERTIFICATE REQUEST-----
        MIGVMEkCAQAwFjEUMBIGA1UEAwwLY3NyLmV4YW1wbGUwKjAFBgMrZXADIQAo3rj/
        ias5R07W5YH8W4vWN3ARKCDSzhu74hKWELPrZqAAMAUGAytlcANBAFOsF5rCXA/Y
        u7lftp9p0qg/RuOuaalQUnGSOUU5EPFc8waOAoJ1edCUt7Ozkd6hcUnHgKn2eGB8
        r1JlxSKXVQc=
        -----END CERTIFICATE REQUEST-----

        """
}
