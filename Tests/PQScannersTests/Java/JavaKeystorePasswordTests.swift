import Foundation
import PQModel
import Testing

@testable import PQScanners

/// JKS and JCEKS with the store password (`changeit`, see Fixtures/java/make-keystores.sh), and a JKS made by
/// keytool in the test with an RSA key.
@Suite("Java keystore scanner: with the store password")
struct JavaKeystorePasswordTests {
    static let keytool = "/usr/bin/keytool"
    static var hasKeytool: Bool { FileManager.default.isExecutableFile(atPath: keytool) }

    func scan(_ name: String, _ passwords: [String]) throws -> ScanOutput {
        JavaKeystoreScanner().scan(
            ScanInput(
                path: ScanPath("keystores/" + name), bytes: try MailVPNFixtures.bytes("java/" + name),
                options: ScanOptions(pkcs12Passwords: passwords)))
    }

    @Test("a JKS key entry is decrypted to its real algorithm and the integrity check verified")
    func keyEntry() throws {
        let out = try scan("keypair.jks", ["wrong", "changeit"])
        #expect(out.diagnostics.isEmpty)
        let key = try #require(out.findings.first { $0.setting == "privateKey" })
        #expect(key.canonical == "ECDSA" && key.curve == "P-384" && key.keyBits == 384)
        #expect(key.note?.contains("decrypted with a given password") == true)
        #expect(out.assets.contains { $0.id == key.asset && $0.kind == .publicKey }, "linked to the certificate's key")
        #expect(
            out.findings.first { $0.setting == "keystore" }?.note?.contains("verified with a given password") == true)
    }

    @Test("a wrong password leaves the keystore as without one, plus one encrypted diagnostic")
    func wrongPassword() throws {
        let out = try scan("keypair.jks", ["wrong"])
        #expect(out.findings.first { $0.setting == "privateKey" }?.note?.contains("key not read") == true)
        #expect(out.diagnostics.map(\.reason) == [.encrypted])
        #expect(out.diagnostics.first?.detail.contains("wrong") == false, "the password is not printed")
    }

    @Test(
        "a JCEKS made by keytool: its RSA key is decrypted (PBEWithMD5AndTripleDES); a wrong password leaves it closed",
        .enabled(if: hasKeytool))
    func keytoolJCEKS() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pqs-jceks-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = folder.appendingPathComponent("app.jceks").path
        let result = try #require(
            OpenSSHTestSupport.run(
                Self.keytool,
                [
                    "-genkeypair", "-storetype", "JCEKS", "-keystore", store, "-storepass", "s3cret-jceks", "-keypass",
                    "s3cret-jceks", "-alias", "app", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                    "CN=jceks.test", "-validity", "2",
                ]))
        try #require(result.status == 0, "keytool: \(result.error)")
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: store)))
        func scan(_ passwords: [String]) -> ScanOutput {
            JavaKeystoreScanner().scan(
                ScanInput(path: ScanPath("app.jceks"), bytes: bytes, options: ScanOptions(pkcs12Passwords: passwords)))
        }
        let opened = scan(["s3cret-jceks"])
        let key = try #require(opened.findings.first { $0.setting == "privateKey" })
        #expect(key.canonical == "ECDSA" && key.curve == "P-256")
        #expect(key.note?.contains("decrypted") == true)
        #expect(opened.diagnostics.isEmpty)
        let closed = scan(["wrong"])
        #expect(closed.findings.first { $0.setting == "privateKey" }?.note?.contains("key not read") == true)
        #expect(closed.diagnostics.map(\.reason) == [.encrypted])
    }

    @Test("JCEKS: the integrity check is verified with the password")
    func jceks() throws {
        let out = try scan("secret.jceks", ["changeit"])
        #expect(
            out.findings.first { $0.setting == "keystore" }?.note?.contains("verified with a given password") == true)
        #expect(!out.diagnostics.contains { $0.reason == .encrypted })
    }

    @Test("a JKS made by keytool with an RSA-3072 key opens with its password", .enabled(if: hasKeytool))
    func keytoolRSA() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pqs-jks-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = folder.appendingPathComponent("app.jks").path
        let result = try #require(
            OpenSSHTestSupport.run(
                Self.keytool,
                [
                    "-genkeypair", "-storetype", "JKS", "-keystore", store, "-storepass", "s3cret-jks", "-keypass",
                    "s3cret-jks", "-alias", "app", "-keyalg", "RSA", "-keysize", "3072", "-dname", "CN=jks.test",
                    "-validity", "2",
                ]))
        try #require(result.status == 0, "keytool: \(result.error)")
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: store)))
        let out = JavaKeystoreScanner().scan(
            ScanInput(path: ScanPath("app.jks"), bytes: bytes, options: ScanOptions(pkcs12Passwords: ["s3cret-jks"])))
        let key = try #require(out.findings.first { $0.setting == "privateKey" })
        #expect(key.canonical == "RSA" && key.keyBits == 3072)
        #expect(key.note?.contains("decrypted") == true)
        #expect(out.diagnostics.isEmpty)
    }
}
