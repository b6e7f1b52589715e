import Foundation
import PQCatalog
import PQModel
import Testing

@testable import PQScanners

/// Protected keys and keystores made by the real tools, opened (or not) with given passwords.
@Suite("Password-protected keys and keystores")
struct PasswordProtectedTests {
    static let openssl = "/usr/bin/openssl"
    /// `python3` from PATH (the one with `cryptography` may not be /usr/bin's).
    static let env = "/usr/bin/env"
    static let password = "s3cret-pqs"
    static var hasOpenSSL: Bool { FileManager.default.isExecutableFile(atPath: openssl) }
    /// Python's `cryptography` makes ML-KEM keys (OpenSSL 3.0 cannot); the test is skipped without it.
    static var hasMLKEMPython: Bool {
        let probe = OpenSSHTestSupport.run(
            env,
            ["python3", "-c", "from cryptography.hazmat.primitives.asymmetric import mlkem; mlkem.MLKEM1024PrivateKey"])
        return probe?.status == 0
    }

    /// A scratch folder; each step runs a tool there; the named outputs are read back.
    static func make(_ steps: [(String, [String])], read names: [String]) throws -> [String: [UInt8]] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pqs-pw-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for (tool, arguments) in steps {
            let resolved = arguments.map { $0.replacingOccurrences(of: "@/", with: folder.path + "/") }
            let result = try #require(OpenSSHTestSupport.run(tool, resolved))
            try #require(result.status == 0, "\(tool) \(resolved.joined(separator: " ")): \(result.error)")
        }
        var out: [String: [UInt8]] = [:]
        for name in names { out[name] = Array(try Data(contentsOf: folder.appendingPathComponent(name))) }
        return out
    }

    static func scan(_ path: String, _ bytes: [UInt8], passwords: [String]) -> ScanOutput {
        ScannerRegistry.standard.scan(
            ScanInput(path: ScanPath(path), bytes: bytes, options: ScanOptions(pkcs12Passwords: passwords)))
    }

    @Test("an encrypted ML-KEM-1024 PKCS#8 is named once opened; closed it stays hidden", .enabled(if: hasMLKEMPython))
    func mlkemPKCS8() throws {
        let script = """
            import sys
            from cryptography.hazmat.primitives import serialization as s
            from cryptography.hazmat.primitives.asymmetric import mlkem
            key = mlkem.MLKEM1024PrivateKey.generate()
            sys.stdout.buffer.write(key.private_bytes(s.Encoding.PEM, s.PrivateFormat.PKCS8,
                s.BestAvailableEncryption(b"\(Self.password)")))
            """
        let made = try #require(OpenSSHTestSupport.run(Self.env, ["python3", "-c", script]))
        try #require(made.status == 0, "python3: \(made.error)")
        let pem = Array(made.output.utf8)

        let closed = Self.scan("k/mlkem.key", pem, passwords: [])
        #expect(closed.findings.first?.algorithm == "encrypted-private-key")
        #expect(closed.findings.first?.canonical == nil)
        #expect(closed.diagnostics.isEmpty, "no password given: the finding says so, no diagnostic")

        let wrong = Self.scan("k/mlkem.key", pem, passwords: ["nope"])
        #expect(wrong.findings.first?.canonical == nil)
        #expect(wrong.diagnostics.map(\.reason) == [.encrypted])
        #expect(wrong.diagnostics.first?.detail.contains("nope") == false)

        let opened = Self.scan("k/mlkem.key", pem, passwords: ["nope", Self.password])
        #expect(opened.diagnostics.isEmpty)
        let finding = try #require(opened.findings.first)
        #expect(finding.canonical == "ML-KEM-1024")
        #expect(finding.quantumStatus == .resistant)
        #expect(finding.keyBits == 1568 * 8)
        #expect(opened.assets.first?.key?.encrypted == true)
        #expect(opened.assets.first?.key?.format == "encrypted-pkcs8")
    }

    @Test(
        "encrypted PKCS#8 and legacy encrypted PEM RSA keys give their size and link to the public key once opened",
        .enabled(if: hasOpenSSL))
    func rsaKeys() throws {
        let pass = "pass:\(Self.password)"
        let made = try Self.make(
            [
                (
                    Self.openssl,
                    ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:3072", "-out", "@/k.pem"]
                ),
                (Self.openssl, ["pkey", "-in", "@/k.pem", "-aes-256-cbc", "-passout", pass, "-out", "@/p8.pem"]),
                (
                    Self.openssl,
                    ["rsa", "-in", "@/k.pem", "-aes128", "-traditional", "-passout", pass, "-out", "@/legacy.pem"]
                ),
                (Self.openssl, ["pkey", "-in", "@/k.pem", "-pubout", "-outform", "DER", "-out", "@/pub.der"]),
            ], read: ["p8.pem", "legacy.pem", "pub.der"])
        let spkiID = "sha256:" + Digest.sha256Hex(try #require(made["pub.der"]))
        for name in ["p8.pem", "legacy.pem"] {
            let bytes = try #require(made[name])
            let closed = Self.scan("k/" + name, bytes, passwords: [])
            #expect(closed.findings.first?.keyBits == nil, "\(name)")
            let opened = Self.scan("k/" + name, bytes, passwords: [Self.password])
            #expect(opened.diagnostics.isEmpty, "\(name)")
            let finding = try #require(opened.findings.first)
            #expect(finding.canonical == "RSA", "\(name)")
            #expect(finding.keyBits == 3072, "\(name)")
            #expect(finding.asset == spkiID, "\(name)")
            #expect(finding.note?.contains("opened with a given password") == true)
        }
    }

    @Test("an RC2-40 legacy PFX (OpenSSL 1.x and Windows default) opens with its password", .enabled(if: hasOpenSSL))
    func legacyPFX() throws {
        let pass = "pass:\(Self.password)"
        let made = try Self.make(
            [
                (
                    Self.openssl,
                    ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "@/k.pem"]
                ),
                (
                    Self.openssl,
                    ["req", "-x509", "-new", "-key", "@/k.pem", "-subj", "/CN=legacy.example", "-out", "@/c.pem"]
                ),
                (
                    Self.openssl,
                    [
                        "pkcs12", "-export", "-legacy", "-in", "@/c.pem", "-inkey", "@/k.pem", "-passout", pass,
                        "-out", "@/legacy.pfx",
                    ]
                ),
            ], read: ["legacy.pfx"])
        let pfx = try #require(made["legacy.pfx"])
        let closed = Self.scan("w/legacy.pfx", pfx, passwords: [])
        #expect(closed.diagnostics.map(\.reason) == [.encrypted])
        let opened = Self.scan("w/legacy.pfx", pfx, passwords: [Self.password])
        #expect(opened.diagnostics.isEmpty, "\(opened.diagnostics)")
        #expect(opened.findings.contains { $0.setting == "subjectPublicKey" && $0.canonical == "ECDSA" })
        #expect(opened.findings.contains { $0.setting == "privateKey" && $0.curve == "P-256" })
    }
}
