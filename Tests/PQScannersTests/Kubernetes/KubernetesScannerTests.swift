import Foundation
import PQCatalog
import PQModel
import Testing

@testable import PQScanners

/// kubeconfig, TLS Secrets (YAML, several documents, JSON) and Helm values, with material made by `openssl`.
@Suite("Kubernetes scanner")
struct KubernetesScannerTests {
    static let openssl = "/usr/bin/openssl"
    static var hasOpenSSL: Bool { FileManager.default.isExecutableFile(atPath: openssl) }

    /// A CA (RSA-2048, self-signed) and a client certificate (P-256) it issued, as PEM, plus the client key.
    struct Material {
        var caPEM: [UInt8]
        var clientPEM: [UInt8]
        var clientKeyPEM: [UInt8]
        var clientSPKIID: String
    }

    static func makeMaterial() throws -> Material {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pqs-k8s-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
        let steps: [[String]] = [
            ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", path("ca.key")],
            [
                "req", "-x509", "-new", "-key", path("ca.key"), "-subj", "/CN=kubernetes", "-days", "3650",
                "-out", path("ca.crt"),
            ],
            ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", path("client.key")],
            [
                "req", "-new", "-key", path("client.key"), "-subj", "/O=system:masters/CN=kubernetes-admin",
                "-out", path("client.csr"),
            ],
            [
                "x509", "-req", "-in", path("client.csr"), "-CA", path("ca.crt"), "-CAkey", path("ca.key"),
                "-CAcreateserial", "-days", "365", "-out", path("client.crt"),
            ],
            ["pkey", "-in", path("client.key"), "-pubout", "-outform", "DER", "-out", path("client.spki")],
        ]
        for step in steps {
            let result = try #require(OpenSSHTestSupport.run(openssl, step))
            try #require(result.status == 0, "openssl \(step.joined(separator: " ")): \(result.error)")
        }
        func read(_ name: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path(name)))) }
        return Material(
            caPEM: try read("ca.crt"), clientPEM: try read("client.crt"), clientKeyPEM: try read("client.key"),
            clientSPKIID: "sha256:" + Digest.sha256Hex(try read("client.spki")))
    }

    static func b64(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }

    static func scan(_ path: String, _ text: String) -> ScanOutput {
        ScannerRegistry.standard.scan(ScanInput(path: ScanPath(path), bytes: Array(text.utf8)))
    }

    @Test(
        "a kubeadm admin.conf: the CA, the client certificate and its key, linked, at their lines",
        .enabled(if: hasOpenSSL))
    func kubeconfig() throws {
        let material = try Self.makeMaterial()
        let text = """
            apiVersion: v1
            clusters:
            - cluster:
                certificate-authority-data: \(Self.b64(material.caPEM))
                server: https://10.0.0.1:6443
              name: kubernetes
            contexts:
            - context:
                cluster: kubernetes
                user: kubernetes-admin
              name: kubernetes-admin@kubernetes
            current-context: kubernetes-admin@kubernetes
            kind: Config
            preferences: {}
            users:
            - name: kubernetes-admin
              user:
                client-certificate-data: \(Self.b64(material.clientPEM))
                client-key-data: \(Self.b64(material.clientKeyPEM))

            """
        let output = Self.scan("etc/kubernetes/admin.conf", text)
        #expect(output.diagnostics.isEmpty, "\(output.diagnostics)")
        let ca = output.findings.filter { $0.line == 4 }
        #expect(ca.map(\.setting).sorted() == ["signatureAlgorithm", "subjectPublicKey"])
        #expect(ca.first { $0.setting == "subjectPublicKey" }?.canonical == "RSA")
        #expect(ca.allSatisfy { $0.context == "Config: certificate-authority-data" })
        let client = try #require(output.findings.first { $0.line == 18 && $0.setting == "subjectPublicKey" })
        #expect(client.canonical == "ECDSA")
        #expect(client.curve == "P-256")
        let key = try #require(output.findings.first { $0.setting == "privateKey" })
        #expect(key.line == 19)
        #expect(key.asset == material.clientSPKIID, "the key links to the client certificate's public key")
        #expect(output.assets.contains { $0.id == material.clientSPKIID && $0.kind == .publicKey })
        #expect(output.findings.allSatisfy { $0.path == ScanPath("etc/kubernetes/admin.conf") })
        #expect(output.findings.count == 5)
    }

    @Test(
        "TLS Secrets: two YAML documents and the JSON form, each value once, with kind, namespace and name",
        .enabled(if: hasOpenSSL))
    func secrets() throws {
        let material = try Self.makeMaterial()
        let yaml = """
            apiVersion: v1
            data:
              tls.crt: \(Self.b64(material.clientPEM))
              tls.key: \(Self.b64(material.clientKeyPEM))
            kind: Secret
            metadata:
              creationTimestamp: null
              name: web-tls
              namespace: shop
            type: kubernetes.io/tls
            ---
            apiVersion: v1
            kind: Secret
            metadata:
              name: ca
            type: Opaque
            data:
              "ca.crt": "\(Self.b64(material.caPEM))"
              tls.crt: ""

            """
        let output = Self.scan("deploy/secrets.yaml", yaml)
        #expect(output.diagnostics.isEmpty, "\(output.diagnostics)")
        #expect(output.findings.filter { $0.line == 3 }.count == 2)
        #expect(output.findings.first { $0.line == 3 }?.context == "Secret shop/web-tls: tls.crt")
        #expect(output.findings.first { $0.line == 4 }?.setting == "privateKey")
        #expect(output.findings.first { $0.line == 18 }?.context == "Secret ca: ca.crt")
        #expect(output.findings.count == 5)

        let json = """
            {"apiVersion":"v1","data":{"tls.crt":"\(Self.b64(material.clientPEM))","tls.key":"\(Self.b64(material.clientKeyPEM))"},"kind":"Secret","metadata":{"name":"web-tls","namespace":"shop"},"type":"kubernetes.io/tls"}
            """
        let fromJSON = Self.scan("deploy/secret.json", json)
        #expect(fromJSON.diagnostics.isEmpty)
        #expect(fromJSON.findings.count == 3)
        #expect(fromJSON.findings.allSatisfy { $0.context?.hasPrefix("Secret shop/web-tls: tls.") == true })
    }

    @Test(
        "Helm values with PEM blocks are read once, by the PEM scanners, at the block's line", .enabled(if: hasOpenSSL))
    func helmValues() throws {
        let material = try Self.makeMaterial()
        let indented = String(decoding: material.caPEM, as: UTF8.self).split(separator: "\n")
            .map { "    " + $0 }.joined(separator: "\n")
        let text = """
            ingress:
              enabled: true
            tls:
              crt: |
            \(indented)

            """
        let output = Self.scan("charts/web/values.yaml", text)
        #expect(output.diagnostics.isEmpty)
        #expect(output.findings.count == 2)
        #expect(output.findings.allSatisfy { $0.line == 5 && $0.source == .x509 })
    }

    @Test("a CertificateSigningRequest's spec.request is read as a PKCS#10 request; `request:` elsewhere is not")
    func certificateSigningRequest() throws {
        let request = Self.b64(Array(CSRExamples.ed25519RequestPEM.utf8))
        let text = """
            apiVersion: certificates.k8s.io/v1
            kind: CertificateSigningRequest
            metadata:
              name: alice
            spec:
              request: \(request)
              signerName: kubernetes.io/kube-apiserver-client
              usages:
              - client auth

            """
        let output = Self.scan("csr/alice.yaml", text)
        #expect(output.diagnostics.isEmpty)
        #expect(output.findings.count == 2)
        #expect(output.findings.allSatisfy { $0.source == .csr && $0.line == 6 })
        #expect(output.findings.first?.context == "CertificateSigningRequest alice: request")
        let other = "kind: Deployment\nspec:\n  request: \(request)\n"
        #expect(KubernetesScanner().claim(path: ScanPath("d.yaml"), head: Array(other.utf8)[...]) == .none)
    }

    @Test("a JKS truststore and Istio's CA files in a Secret are read by the keystore and certificate scanners")
    func keystoreInSecret() throws {
        let jks = try MailVPNFixtures.bytes("java/trust.jks")
        let text = """
            apiVersion: v1
            kind: Secret
            metadata:
              name: kafka-tls
            data:
              truststore.jks: \(Self.b64(jks))
              root-cert.pem: \(Self.b64(Array(X509Examples.ed25519CertificatePEM.utf8)))

            """
        let output = Self.scan("kafka.yaml", text)
        #expect(output.findings.contains { $0.line == 6 && $0.setting == "keystore" && $0.algorithm == "JKS" })
        #expect(output.findings.filter { $0.line == 6 && $0.setting == "subjectPublicKey" }.count == 2)
        #expect(output.findings.filter { $0.line == 7 }.count == 2)
        #expect(output.findings.first { $0.line == 7 }?.context == "Secret kafka-tls: root-cert.pem")
    }

    @Test("a base64 literal block (`tls.crt: |`) is decoded like a one-line value")
    func blockScalar() {
        let encoded = Self.b64(Array(X509Examples.ed25519CertificatePEM.utf8))
        var lines: [String] = []
        var rest = Substring(encoded)
        while !rest.isEmpty {
            lines.append("    " + rest.prefix(60))
            rest = rest.dropFirst(60)
        }
        let text = "kind: Secret\ndata:\n  tls.crt: |\n" + lines.joined(separator: "\n") + "\n  other: x\n"
        let output = Self.scan("s.yaml", text)
        #expect(output.diagnostics.isEmpty)
        #expect(output.findings.count == 2)
        #expect(output.findings.allSatisfy { $0.line == 3 && $0.canonical == "Ed25519" })
    }

    @Test("hostile documents end in findings or one diagnostic, quickly and without a crash")
    func hostile() {
        let cases: [(String, String, Int)] = [
            ("not base64", "data:\n  tls.crt: QUJ\n", 1),
            ("garbage decoded", "data:\n  tls.key: QUJDRA==\n", 1),
            ("unterminated quote", "data:\n  tls.crt: \"QUJDRA==\n", 0),
            ("key at the end", "data:\n  tls.crt:", 0),
            ("block at the end", "data:\n  tls.crt: |", 0),
            ("nested lists", String(repeating: "- ", count: 5000) + "tls.crt: QUJDRA==\n", 1),
            ("a key inside another word", "my-tls.crt: QUJDRA==\nx.ca.crt: QUJDRA==\n", 0),
        ]
        for (name, text, diagnostics) in cases {
            let output = KubernetesScanner().scan(ScanInput(path: ScanPath("h.yaml"), bytes: Array(text.utf8)))
            #expect(output.findings.isEmpty, "\(name)")
            #expect(output.diagnostics.count == diagnostics, "\(name): \(output.diagnostics)")
        }
        // 20,000 values: one diagnostic that counts them, in bounded time.
        let many = String(repeating: "  tls.crt: QUJDRA==\n", count: 20000)
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            let output = KubernetesScanner().scan(ScanInput(path: ScanPath("m.yaml"), bytes: Array(many.utf8)))
            #expect(output.diagnostics.count == 1)
            #expect(output.diagnostics.first?.detail.contains("and 19997 more") == true)
        }
        #expect(elapsed < .seconds(20))
    }

    @Test("the claim takes documents with a well-known key and a value, not configs that name the files")
    func claims() {
        let scanner = KubernetesScanner()
        #expect(
            scanner.claim(path: ScanPath("a.yaml"), head: Array("data:\n  tls.crt: QUJDRA==\n".utf8)[...]) == .content)
        #expect(
            scanner.claim(path: ScanPath("nginx.conf"), head: Array("ssl_certificate /etc/tls.crt;\n".utf8)[...])
                == .none)
        #expect(scanner.claim(path: ScanPath("a.yaml"), head: Array("files:\n  - tls.crt\n".utf8)[...]) == .none)
        let secret = Array("data:\n  tls.crt: QUJDRA==\n".utf8)[...]
        #expect(scanner.claim(path: ScanPath("root/.kube/config"), head: secret) == .content)
        #expect(scanner.claim(path: ScanPath("src/main.c"), head: secret) == .none, "only document-like names")
    }
}
