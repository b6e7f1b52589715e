import Foundation
import PQCatalog
import PQModel

/// Finds certificates and keys that Kubernetes documents carry as base64 under well-known keys:
/// kubeconfig (`certificate-authority-data`, `client-certificate-data`, `client-key-data`; kubeadm writes
/// them), Secrets of type `kubernetes.io/tls` (`tls.crt`, `tls.key`, `ca.crt` under `data`, as
/// `kubectl create secret tls --dry-run=client -o yaml` prints them), webhook and APIService `caBundle`, and the
/// PKCS#10 request of a CertificateSigningRequest (`spec.request`), in YAML (several documents per file) and JSON.
///
/// Each value is decoded and read by the certificate, request and key scanners, so it is judged exactly as the
/// same PEM file would be; the findings keep the document's path and the key's line, with the document's kind,
/// name and key as context. PEM written in clear (`stringData`, Helm values) is left to those scanners, which
/// read PEM blocks anywhere in a file.
public struct KubernetesScanner: FileScanner {
    public let id = "kubernetes"
    /// What the scanners it hands decoded values to write.
    public var sources: [FindingSource] { inner.flatMap(\.sources) }
    let inner: [any FileScanner]

    /// Keys whose value is a base64 certificate, bundle, request or key.
    static let keys = [
        "certificate-authority-data", "client-certificate-data", "client-key-data", "tls.crt", "tls.key", "ca.crt",
        "caBundle",
        // Istio's CA and workload Secrets (`cacerts`, `istio-ca-secret`).
        "ca-cert.pem", "ca-key.pem", "cert-chain.pem", "root-cert.pem",
        // Java and PKCS#12 keystores kept in Secrets (Spring Boot, Kafka, Elasticsearch charts).
        "keystore.p12", "truststore.p12", "keystore.jks", "truststore.jks",
    ]

    /// `spec.request` of a `certificates.k8s.io` CertificateSigningRequest holds a base64 PKCS#10 request; the word
    /// is too common to look for elsewhere, so it counts only in files naming that kind.
    static let requestKey = "request"
    static let requestKind = Array("CertificateSigningRequest".utf8)

    static func keys(for bytes: ArraySlice<UInt8>) -> [String] {
        ByteSearch.contains(bytes, requestKind) ? keys + [requestKey] : keys
    }

    /// - Parameter catalog: where names and statuses come from; tests pass a small one.
    public init(catalog: Catalog = .shared) {
        inner = [
            CertificateScanner(catalog: catalog), CSRScanner(catalog: catalog), KeyScanner(catalog: catalog),
            JavaKeystoreScanner(catalog: catalog),
        ]
    }

    /// Extensions of the files these documents live in; kubeconfigs often have none (`~/.kube/config`) or `.conf`
    /// (`/etc/kubernetes/admin.conf`). Other files are not searched: claims run on every file of a tree.
    static let extensions: Set<String> = ["yaml", "yml", "json", "conf", "kubeconfig", "config", "txt", ""]

    public func claim(path: ScanPath, head: ArraySlice<UInt8>) -> Claim {
        guard !head.isEmpty, Self.extensions.contains(path.lowercasedExtension), ByteSearch.isText(head) else {
            return .none
        }
        return EmbeddedBase64.values(in: Array(head), keys: Self.keys(for: head)).isEmpty ? .none : .content
    }

    /// A document may hold no key material at all (a Secret with empty values), so nothing found is no error.
    public var nothingFoundIsMalformed: Bool { false }

    public func scan(_ input: ScanInput) -> ScanOutput {
        var output = ScanOutput()
        var failures: [String] = []
        var contexts: [Int: String] = [:]
        for value in EmbeddedBase64.values(in: input.bytes, keys: Self.keys(for: input.bytes[...])) {
            let context =
                contexts[value.document] ?? Self.describe(EmbeddedBase64.document(input.bytes, value.document))
            contexts[value.document] = context
            let at = "line \(value.line) (\(value.key))"
            guard let decoded = EmbeddedBase64.decode(value.text) else {
                failures.append("\(at): not valid base64")
                continue
            }
            let nested = ScanInput(path: input.path, bytes: decoded, options: input.options, context: input.context)
            let head = decoded.prefix(ScannerRegistry.headSize)
            let claimed = inner.filter { $0.claim(path: input.path, head: head) != .none }
            var one = ScanOutput()
            for scanner in claimed { one.append(scanner.scan(nested)) }
            if one.findings.isEmpty && one.diagnostics.isEmpty {
                failures.append("\(at): the decoded value is not a certificate, request or key")
                continue
            }
            for detail in one.diagnostics.map(\.detail) { failures.append("\(at): \(detail)") }
            for var finding in one.findings {
                finding.line = value.line
                finding.context = context.isEmpty ? value.key : "\(context): \(value.key)"
                output.findings.append(finding)
            }
            for asset in one.assets where !output.assets.contains(where: { $0.id == asset.id }) {
                output.assets.append(asset)
            }
        }
        if !failures.isEmpty {
            var detail = failures.prefix(3).joined(separator: "; ")
            if failures.count > 3 { detail += "; and \(failures.count - 3) more" }
            output.diagnostics.append(Diagnostic(path: input.path, reason: .malformed, detail: detail))
        }
        return output
    }

    /// `Secret default/web-tls`, `Config`: the document's `kind` and `metadata` name and namespace, as written.
    static func describe(_ document: ArraySlice<UInt8>) -> String {
        let text = String(decoding: document.prefix(64 * 1024), as: UTF8.self)
        let kind = scalar(after: "kind", in: text[...])
        var name: String?
        var namespace: String?
        if let metadata = text.range(of: "metadata") {
            let rest = text[metadata.upperBound...]
            name = scalar(after: "name", in: rest)
            namespace = scalar(after: "namespace", in: rest)
        }
        let qualified = [namespace, name].compactMap { $0 }.joined(separator: "/")
        return [kind, qualified.isEmpty ? nil : qualified].compactMap { $0 }.joined(separator: " ")
    }

    /// The first plain scalar written as `key: value` or `"key": "value"` in the text (letters, digits, `.-_/`).
    private static func scalar(after key: String, in text: Substring) -> String? {
        var search = text[...]
        while let range = search.range(of: key) {
            defer { search = search[range.upperBound...] }
            let before = range.lowerBound == text.startIndex ? " " : text[text.index(before: range.lowerBound)]
            guard " \t\n\"'{,".contains(before) else { continue }
            var rest = search[range.upperBound...].drop(while: { $0 == "\"" || $0 == "'" })
            rest = rest.drop(while: { $0 == " " || $0 == "\t" })
            guard rest.first == ":" else { continue }
            rest = rest.dropFirst().drop(while: { $0 == " " || $0 == "\t" || $0 == "\"" || $0 == "'" })
            let value = rest.prefix(while: { $0.isLetter || $0.isNumber || "._-/".contains($0) })
            return value.isEmpty ? nil : String(value.prefix(253))
        }
        return nil
    }

    // MARK: - Examples

    public var examples: [ScannerExample] {
        [
            ScannerExample(
                name: "kubectl create secret tls --dry-run=client -o yaml", path: "k8s/web-tls.yaml",
                contents: Array(KubernetesExamples.tlsSecret.utf8), expectedAlgorithms: ["1.3.101.112"]),
            ScannerExample(
                name: "a Secret whose tls.crt decodes to no certificate", path: "k8s/bad.yaml",
                contents: Array("kind: Secret\ndata:\n  tls.crt: \"QUJDRA==\"\n".utf8), expectsFindings: false,
                expectsDiagnostic: true),
            ScannerExample(
                name: "a ConfigMap naming tls.crt as a file is not a Secret", path: "k8s/kustomization.yaml",
                contents: Array("secretGenerator:\n- name: web\n  files:\n  - tls.crt\n  - tls.key\n".utf8),
                expectsFindings: false),
        ]
    }
}

/// Inline example: `kubectl create secret tls web-tls --cert=<X509Examples' Ed25519 certificate>
/// --key=<its all-zero throwaway key> --dry-run=client -o yaml` output shape (kubectl 1.30).
enum KubernetesExamples {
    static let tlsSecret: String = {
        let certificate = Data(X509Examples.ed25519CertificatePEM.utf8).base64EncodedString()
        let key = Data(X509Examples.ed25519PrivateKeyPEM.utf8).base64EncodedString()
        return """
            apiVersion: v1
            data:
              tls.crt: \(certificate)
              tls.key: \(key)
            kind: Secret
            metadata:
              creationTimestamp: null
              name: web-tls
            type: kubernetes.io/tls

            """
    }()
}
