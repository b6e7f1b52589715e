import Foundation
import PQCatalog
import PQModel
import Testing

@testable import PQScanners

/// Key types ssh-keygen 9.2 cannot make here (FIDO needs a token; Ed448 and ML-DSA it does not know), built
/// field by field from PROTOCOL.u2f, RFC 8709 and OpenSSH `ssh-mldsa-eddsa.c`.
@Suite("SSH key scanner: key types built by hand")
struct SSHKeyTypeTests {
    typealias T = SSHTestSupport

    @Test("sk-ecdsa FIDO key: P-256, noted as a security key with its application")
    func securityKeyECDSA() throws {
        let blob = T.keyBlob(
            "sk-ecdsa-sha2-nistp256@openssh.com", [Array("nistp256".utf8), T.ecPoint(32), Array("ssh:".utf8)])
        let finding = try #require(
            T.scan("id_ecdsa_sk.pub", T.line("sk-ecdsa-sha2-nistp256@openssh.com", blob)).findings.first)
        #expect(finding.canonical == "ECDSA")
        #expect(finding.curve == "P-256")
        #expect(finding.keyBits == 256)
        #expect(finding.note == "FIDO security key (application ssh:)")
    }

    @Test("sk-ssh-ed25519 FIDO key")
    func securityKeyEd25519() throws {
        let blob = T.keyBlob("sk-ssh-ed25519@openssh.com", [T.bytes(32), Array("ssh:".utf8)])
        let output = T.scan("authorized_keys", "no-touch-required " + T.line("sk-ssh-ed25519@openssh.com", blob))
        let finding = try #require(output.findings.first)
        #expect(finding.canonical == "Ed25519")
        #expect(finding.context == "options: no-touch-required")
        #expect(finding.note?.contains("FIDO security key") == true)
    }

    @Test("a webauthn-sk line carries an sk-ecdsa blob and is read as written")
    func webauthn() throws {
        let blob = T.keyBlob(
            "sk-ecdsa-sha2-nistp256@openssh.com", [Array("nistp256".utf8), T.ecPoint(32), Array("ssh:".utf8)])
        let output = T.scan("k.pub", T.line("webauthn-sk-ecdsa-sha2-nistp256@openssh.com", blob))
        #expect(output.diagnostics.isEmpty)
        #expect(output.findings.first?.algorithm == "webauthn-sk-ecdsa-sha2-nistp256@openssh.com")
        #expect(output.findings.first?.canonical == "ECDSA")
    }

    @Test("ssh-ed448 (RFC 8709) with a 57-byte key")
    func ed448() throws {
        let output = T.scan("k.pub", T.line("ssh-ed448", T.keyBlob("ssh-ed448", [T.bytes(57)])))
        #expect(output.findings.first?.canonical == "Ed448")
        #expect(output.findings.first?.keyBits == 456)
        let short = T.scan("k.pub", T.line("ssh-ed448", T.keyBlob("ssh-ed448", [T.bytes(32)])))
        #expect(short.findings.isEmpty)
        #expect(short.diagnostics.count == 1)
    }

    @Test("OpenSSH's composite ssh-mldsa44-ed25519 key is judged by the catalog as hybrid")
    func mldsaComposite() throws {
        let blob = T.keyBlob("ssh-mldsa44-ed25519@openssh.com", [T.bytes(1312 + 32)])
        let finding = try #require(
            T.scan("id_mldsa44_ed25519.pub", T.line("ssh-mldsa44-ed25519@openssh.com", blob)).findings.first)
        #expect(finding.canonical == "ML-DSA-44+Ed25519-SHA512")
        #expect(finding.quantumStatus == .hybrid)
        #expect(finding.keyBits == nil)
        #expect(finding.note == nil)
    }

    @Test("an unknown type stays representable: algorithm as written, canonical nil, assumed vulnerable")
    func unknownType() throws {
        let blob = T.keyBlob("ssh-mldsa65@example.org", [T.bytes(1952)])
        let output = T.scan("future.pub", T.line("ssh-mldsa65@example.org", blob))
        #expect(output.diagnostics.isEmpty)
        let finding = try #require(output.findings.first)
        #expect(finding.algorithm == "ssh-mldsa65@example.org")
        #expect(finding.canonical == nil)
        #expect(finding.quantumStatus == .vulnerable)
        #expect(finding.note == "not in the catalog; assumed quantum-vulnerable until classified")
        #expect(finding.asset == SSHKeyFingerprint.assetID(of: blob))
    }

    @Test("an unknown type is read at the start of an authorized_keys line and after options")
    func unknownTypeInAuthorizedKeys() throws {
        let line = T.line("ssh-mldsa65@example.org", T.keyBlob("ssh-mldsa65@example.org", [T.bytes(64)]))
        let output = T.scan("authorized_keys", line + #"command="echo AAAA x",no-pty "# + line)
        #expect(output.diagnostics.isEmpty)
        #expect(output.findings.map(\.algorithm) == ["ssh-mldsa65@example.org", "ssh-mldsa65@example.org"])
        #expect(output.findings.map(\.context) == [nil, "options: command,no-pty"])
    }

    @Test("an unknown certificate type is kept by name")
    func unknownCertificateType() throws {
        let name = "ssh-future-cert-v01@openssh.com"
        let output = T.scan("future-cert.pub", T.line(name, T.keyBlob(name, [T.bytes(16), T.bytes(40)])))
        #expect(output.diagnostics.isEmpty)
        let finding = try #require(output.findings.first)
        #expect(finding.algorithm == name)
        #expect(finding.source == .sshCertificate)
        #expect(finding.canonical == nil)
        #expect(output.assets.first?.kind == .sshCertificate)
    }

    @Test("with an empty catalog, known types keep their sizes but get no canonical name")
    func emptyCatalog() throws {
        let scanner = SSHKeyScanner(catalog: try Catalog(entries: []))
        let output = scanner.scan(ScanInput(path: ScanPath("id_rsa.pub"), bytes: try T.fixture("id_rsa.pub")))
        let finding = try #require(output.findings.first)
        #expect(finding.canonical == nil)
        #expect(finding.keyBits == 3072)
        #expect(finding.quantumStatus == .vulnerable)
        #expect(finding.note == "not in the catalog; assumed quantum-vulnerable until classified")
    }

    @Test(
        "blobs that break their type's layout are malformed",
        arguments: [
            ("ssh-ed25519", T.keyBlob("ssh-ed25519", [T.bytes(31)])),
            ("ssh-ed25519", T.keyBlob("ssh-ed25519", [T.bytes(32), T.bytes(1)])),  // trailing field
            ("ecdsa-sha2-nistp256", T.keyBlob("ecdsa-sha2-nistp256", [Array("nistp384".utf8), T.ecPoint(48)])),
            ("ecdsa-sha2-nistp256", T.keyBlob("ecdsa-sha2-nistp256", [Array("nistp256".utf8), T.ecPoint(31)])),
            ("ssh-rsa", T.keyBlob("ssh-rsa", [[1, 0, 1], [0x80, 1]])),  // negative modulus
            ("ssh-rsa", T.keyBlob("ssh-rsa", [[1, 0, 1], [0x00, 0x01]])),  // superfluous zero byte
            ("ssh-rsa", T.keyBlob("ssh-rsa", [[1, 0, 1], []])),  // zero modulus
            ("ssh-rsa", T.keyBlob("ssh-ed25519", [T.bytes(32)])),  // type mismatch
            ("ssh-ed25519", T.keyBlob("ssh-ed25519-cert-v01@openssh.com", [T.bytes(32)])),
            ("sk-ssh-ed25519@openssh.com", T.keyBlob("sk-ssh-ed25519@openssh.com", [T.bytes(32)])),  // no application
        ])
    func malformedBlobs(type: String, blob: [UInt8]) {
        let output = T.scan("bad.pub", T.line(type, blob))
        #expect(output.findings.isEmpty)
        #expect(output.diagnostics.map(\.reason) == [.malformed])
    }

    @Test("RSA bits are the modulus length without the sign byte")
    func rsaBits() throws {
        var modulus: [UInt8] = [0x00, 0x80] + T.bytes(255)  // 2048 bits with its leading zero byte
        let full = T.scan("k.pub", T.line("ssh-rsa", T.keyBlob("ssh-rsa", [[1, 0, 1], modulus])))
        #expect(full.findings.first?.keyBits == 2048)
        modulus = [0x01] + T.bytes(255)  // 2041 bits
        let odd = T.scan("k.pub", T.line("ssh-rsa", T.keyBlob("ssh-rsa", [[1, 0, 1], modulus])))
        #expect(odd.findings.first?.keyBits == 2041)
        #expect(odd.findings.first?.quantumStatus == .broken)
    }
}
