import Foundation
import PQModel
import Testing

@testable import PQScanners

@Suite("SSH key scanner: the formats")
struct SSHKeyScannerTests {
    typealias T = SSHTestSupport

    // MARK: - Public key files

    @Test(
        "one finding per *.pub key with type, canonical, size and curve",
        arguments: [
            ("id_ed25519.pub", "ssh-ed25519", "Ed25519", 256, nil, QuantumStatus.vulnerable),
            ("id_rsa.pub", "ssh-rsa", "RSA", 3072, nil, .vulnerable),
            ("rsa1024_key.pub", "ssh-rsa", "RSA", 1024, nil, .broken),
            ("user_ca.pub", "ssh-rsa", "RSA", 2048, nil, .vulnerable),
            ("id_dsa.pub", "ssh-dss", "DSA", 1024, nil, .broken),
            ("id_ecdsa.pub", "ecdsa-sha2-nistp256", "ECDSA", 256, "P-256", .vulnerable),
            ("ecdsa384_key.pub", "ecdsa-sha2-nistp384", "ECDSA", 384, "P-384", .vulnerable),
            ("ecdsa521_key.pub", "ecdsa-sha2-nistp521", "ECDSA", 521, "P-521", .vulnerable),
        ] as [(String, String, String, Int, String?, QuantumStatus)])
    func publicKeyFiles(
        name: String, algorithm: String, canonical: String, bits: Int, curve: String?, status: QuantumStatus
    ) throws {
        let output = try T.scanFixture(name)
        #expect(output.diagnostics.isEmpty)
        let finding = try #require(output.findings.first)
        #expect(output.findings.count == 1)
        #expect(finding.line == 1)
        #expect(finding.source == .sshKey)
        #expect(finding.setting == "publicKey")
        #expect(finding.usage == .publicKey)
        #expect(finding.algorithm == algorithm)
        #expect(finding.canonical == canonical)
        #expect(finding.keyBits == bits)
        #expect(finding.curve == curve)
        #expect(finding.quantumStatus == status)
        #expect(finding.asset == SSHKeyFingerprint.assetID(of: try T.blob(ofFixture: name)))
        let asset = try #require(output.assets.first)
        #expect(output.assets.count == 1)
        #expect(asset.id == finding.asset)
        #expect(asset.kind == .sshKey)
        #expect(asset.key == KeyDetails(format: "ssh-public", isPrivate: false, encrypted: false))
    }

    @Test("several keys in one file keep their own 1-based lines; comments and blanks are skipped")
    func severalKeys() throws {
        let text =
            "# keys\n\n" + String(decoding: try T.fixture("id_ed25519.pub"), as: UTF8.self)
            + "   \n" + String(decoding: try T.fixture("id_ecdsa.pub"), as: UTF8.self)
        let output = T.scan("keys.pub", text)
        #expect(output.findings.map(\.line) == [3, 5])
        #expect(output.diagnostics.isEmpty)
    }

    @Test("CRLF line ends are read")
    func crlf() throws {
        let text = String(decoding: try T.fixture("id_ed25519.pub"), as: UTF8.self)
            .replacingOccurrences(of: "\n", with: "\r\n")
        let output = T.scan("crlf.pub", text)
        #expect(output.findings.count == 1)
        #expect(output.diagnostics.isEmpty)
    }

    // MARK: - authorized_keys

    @Test("authorized_keys: options with quoted spaces, commas and escaped quotes; values never shown")
    func authorizedKeys() throws {
        let output = try T.scanFixture("authorized_keys")
        #expect(output.diagnostics.isEmpty)
        #expect(output.findings.map(\.line) == [2, 3, 4, 5])
        #expect(output.findings.allSatisfy { $0.setting == "authorizedKey" && $0.source == .sshKey })
        #expect(output.findings.map(\.algorithm) == ["ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp384", "ssh-rsa"])
        #expect(output.findings[0].context == nil)
        #expect(output.findings[1].context == "options: command,no-pty,from")
        #expect(output.findings[2].context == "options: restrict,command,environment")
        #expect(output.findings[3].context == "options: cert-authority,principals")
        #expect(output.findings[3].note?.contains("certificate authority for user certificates") == true)
        let json = try T.json(output)
        #expect(!json.contains("do-not-print"))
        #expect(!json.contains("hi there"))
        #expect(!json.contains("dump /home"))
    }

    @Test("an options field is split at the first space outside quotes, with \\\" not ending a quote")
    func optionsField() throws {
        let line = Array(#"command="echo \"a b\", c",no-pty ssh-ed25519 AAAA rest"#.utf8)[...]
        let (options, rest) = try #require(SSHText.optionsField(line))
        #expect(String(decoding: options, as: UTF8.self) == #"command="echo \"a b\", c",no-pty"#)
        #expect(String(decoding: rest, as: UTF8.self) == "ssh-ed25519 AAAA rest")
        #expect(SSHText.optionNames(options) == ["command", "no-pty"])
        #expect(SSHText.optionsField(Array(#"command="open ssh-rsa AAAA"#.utf8)[...]) == nil)
    }

    // MARK: - known_hosts

    @Test("known_hosts: host lists, [host]:port, hashed hosts, @cert-authority and @revoked")
    func knownHosts() throws {
        let output = try T.scanFixture("known_hosts")
        #expect(output.diagnostics.isEmpty)
        #expect(output.findings.map(\.line) == [2, 3, 5, 6, 7, 8])
        #expect(output.findings.allSatisfy { $0.setting == "knownHost" })
        #expect(
            output.findings.map(\.context) == [
                "cvs.example.net,192.0.2.10", "[git.example.org]:2222", "hashed host", "hashed host",
                "@cert-authority *.example.org", "@revoked old.example.org",
            ])
        #expect(output.findings[4].note?.contains("certificate authority for host certificates") == true)
        #expect(output.findings[5].note?.contains("revoked") == true)
        #expect(output.findings[5].algorithm == "ssh-dss")
        // Lines 2 and 5 hold the same host key: one asset.
        #expect(output.findings[0].asset == output.findings[2].asset)
        #expect(output.assets.count == 5)
        let json = try T.json(output)
        #expect(!json.contains("WYZMvJJQYLK1KiGi1nh4732cMRE"))  // hash
        #expect(!json.contains("1w9ASHiprCkket8NEqTvifFtGsA"))  // salt
    }

    @Test("known_hosts: an unknown marker, a missing key and an SSH-1 key are not understood")
    func knownHostsProblems() throws {
        let key = SSHKeyScanner.exampleEd25519
        let text = "@trusted host \(key)\nhost\nhost 1024 35 12345\nok.example.org \(key)\n"
        let output = T.scan("etc/ssh/ssh_known_hosts", text)
        #expect(output.findings.map(\.line) == [4])
        let diagnostic = try #require(output.diagnostics.first)
        #expect(output.diagnostics.count == 1)
        #expect(diagnostic.reason == .malformed)
        #expect(diagnostic.detail.hasPrefix("3 of 4 lines not understood: line 1: unknown marker \"@trusted\""))
        #expect(diagnostic.detail.contains("line 3: SSH protocol 1 key"))
    }

    @Test("a file recognised by content reads bare keys, known_hosts lines and authorized_keys lines")
    func mixedContent() throws {
        let key = SSHKeyScanner.exampleEd25519
        let text = "\(key) bare\nhost.example.org \(key)\n@revoked old.example.org \(key)\nfrom=\"10.0.0.1\" \(key)\n"
        let output = T.scan("backup/keys.txt", text)
        #expect(output.diagnostics.isEmpty)
        #expect(output.findings.map(\.setting) == ["publicKey", "knownHost", "knownHost", "authorizedKey"])
        #expect(
            output.findings.map(\.context) == [
                nil, "host.example.org", "@revoked old.example.org", "options: from",
            ])
        #expect(output.assets.count == 1)
    }

    // MARK: - Certificates

    @Test("user certificate: certified key, CA key type and signature algorithm")
    func userCertificate() throws {
        let output = try T.scanFixture("id_ed25519-cert.pub")
        #expect(output.diagnostics.isEmpty)
        #expect(output.findings.map(\.setting) == ["certificate", "signatureKey", "signature"])
        #expect(output.findings.allSatisfy { $0.source == .sshCertificate && $0.line == 1 })
        let (certified, caKey, signature) = (output.findings[0], output.findings[1], output.findings[2])
        #expect(certified.algorithm == "ssh-ed25519-cert-v01@openssh.com")
        #expect(certified.canonical == "Ed25519")
        #expect(certified.usage == .publicKey)
        let note = try #require(certified.note)
        #expect(note.contains("user certificate"))
        #expect(note.contains("key id \"alice@example.org\""))
        #expect(note.contains("serial 7"))
        #expect(note.contains("principals alice,backup"))
        #expect(note.contains("valid 2024-01-01T00:00:00Z to 2099-12-31T00:00:00Z"))
        #expect(note.contains("critical options: force-command,source-address"))
        #expect(caKey.algorithm == "ssh-rsa")
        #expect(caKey.canonical == "RSA")
        #expect(caKey.keyBits == 2048)
        #expect(caKey.asset == SSHKeyFingerprint.assetID(of: try T.blob(ofFixture: "user_ca.pub")))
        #expect(signature.algorithm == "rsa-sha2-512")
        #expect(signature.canonical == "RSA-SHA512")
        #expect(signature.usage == .signature)
        #expect(signature.keyBits == 2048)
        let certificateAsset = try #require(output.assets.first { $0.kind == .sshCertificate })
        #expect(certificateAsset.id == certified.asset)
        #expect(certificateAsset.id == SSHKeyFingerprint.assetID(of: try T.blob(ofFixture: "id_ed25519-cert.pub")))
        #expect(output.assets.contains { $0.kind == .sshKey && $0.id == caKey.asset })
        let json = try T.json(output)
        #expect(!json.contains("/usr/bin/backup"))  // option values stay out
    }

    @Test("host certificate signed by an Ed25519 CA")
    func hostCertificate() throws {
        let output = try T.scanFixture("ssh_host_ecdsa_key-cert.pub")
        #expect(output.diagnostics.isEmpty)
        let (certified, caKey, signature) = (output.findings[0], output.findings[1], output.findings[2])
        #expect(certified.algorithm == "ecdsa-sha2-nistp384-cert-v01@openssh.com")
        #expect(certified.canonical == "ECDSA")
        #expect(certified.curve == "P-384")
        #expect(certified.keyBits == 384)
        #expect(certified.note?.contains("host certificate") == true)
        #expect(certified.note?.contains("serial 42") == true)
        #expect(certified.note?.contains("principals host.example.org,192.0.2.10") == true)
        #expect(certified.note?.contains("valid always to forever") == true)
        #expect(caKey.algorithm == "ssh-ed25519")
        #expect(caKey.asset == SSHKeyFingerprint.assetID(of: try T.blob(ofFixture: "host_ca.pub")))
        #expect(signature.algorithm == "ssh-ed25519")
        #expect(signature.canonical == "Ed25519")
    }

    @Test("a certificate whose CA key is itself a certificate is malformed")
    func chainedCertificate() throws {
        let certificate = try T.blob(ofFixture: "ssh_host_ecdsa_key-cert.pub")
        var writer = SSHWireWriter()
        writer.string("ssh-ed25519-cert-v01@openssh.com")
        writer.string(T.bytes(32))  // nonce
        writer.string(T.bytes(32))  // pk
        writer.uint64(1)
        writer.uint32(1)
        for _ in 0..<2 { writer.string([UInt8]()) }  // key id, principals
        writer.uint64(0)
        writer.uint64(.max)
        for _ in 0..<3 { writer.string([UInt8]()) }  // critical, extensions, reserved
        writer.string(certificate)  // chained: not allowed
        writer.string(T.keyBlob("ssh-ed25519", [T.bytes(64)]))
        let result = SSHCertificate.parse(blob: writer.bytes)
        guard case .failure(let error) = result else {
            Issue.record("a chained certificate was accepted")
            return
        }
        #expect(error.reason.contains("signature key"))
    }

    // MARK: - Private keys

    @Test(
        "OpenSSH private keys: type and size from the public blob, encryption from the cipher",
        arguments: [
            ("id_ed25519", "ssh-ed25519", 256, false, "id_ed25519.pub"),
            ("id_ed25519_encrypted", "ssh-ed25519", 256, true, "id_ed25519_encrypted.pub"),
            ("id_rsa", "ssh-rsa", 3072, false, "id_rsa.pub"),
            ("rsa1024_key", "ssh-rsa", 1024, true, "rsa1024_key.pub"),
            ("id_ecdsa", "ecdsa-sha2-nistp256", 256, false, "id_ecdsa.pub"),
            ("id_dsa", "ssh-dss", 1024, false, "id_dsa.pub"),
            ("ssh_host_ecdsa_key", "ecdsa-sha2-nistp384", 384, false, "ssh_host_ecdsa_key.pub"),
        ])
    func privateKeys(name: String, algorithm: String, bits: Int, encrypted: Bool, publicName: String) throws {
        let output = try T.scanFixture(name)
        #expect(output.diagnostics.isEmpty)
        let finding = try #require(output.findings.first)
        #expect(output.findings.count == 1)
        #expect(finding.setting == "privateKey")
        #expect(finding.line == 1)
        #expect(finding.algorithm == algorithm)
        #expect(finding.keyBits == bits)
        #expect(finding.asset == SSHKeyFingerprint.assetID(of: try T.blob(ofFixture: publicName)))
        #expect(finding.note?.hasPrefix(encrypted ? "encrypted private key (" : "unencrypted private key") == true)
        let asset = try #require(output.assets.first)
        #expect(asset.key == KeyDetails(format: "openssh", isPrivate: true, encrypted: encrypted))
    }

    @Test(
        "the comment, kept only inside the private section, never surfaces",
        arguments: [
            ("id_ed25519", "alice@example.org"), ("id_ed25519_encrypted", "encrypted@example.org"),
            ("id_rsa", "rsa3072"),
        ])
    func privateSectionStaysPrivate(name: String, comment: String) throws {
        let output = try T.scanFixture(name)
        #expect(!output.findings.isEmpty)
        #expect(try !T.json(output).contains(comment))
    }

    @Test("an encrypted key names its cipher, KDF and rounds")
    func encryptedNote() throws {
        let output = try T.scanFixture("rsa1024_key")
        #expect(
            output.findings.first?.note?.hasPrefix("encrypted private key (aes128-ctr, bcrypt KDF, 16 rounds)") == true)
        #expect(output.findings.first?.quantumStatus == .broken)
    }

    @Test("the private section is not decoded: any bytes there give the same result")
    func privateSectionUntouched() throws {
        let example = SSHKeyScanner.examplePrivateKey()
        let text = String(decoding: example, as: UTF8.self)
        let body = text.split(separator: "\n").dropFirst().dropLast().joined()
        var decoded = try #require(Data(base64Encoded: body).map { [UInt8]($0) })
        for index in (decoded.count - 16)..<decoded.count { decoded[index] = 0xA5 }
        let changed =
            "\(OpenSSHPrivateKey.beginMarker)\n\(Data(decoded).base64EncodedString())\n"
            + "\(OpenSSHPrivateKey.endMarker)\n"
        #expect(T.scan("id_ed25519", changed).findings == T.scan("id_ed25519", example).findings)
        #expect(!T.scan("id_ed25519", example).findings.isEmpty)
    }

    @Test("a private key envelope with KDF none but a cipher, or no keys, is malformed")
    func badEnvelopes() throws {
        func envelope(cipher: String, kdf: String, keys: UInt32) -> String {
            var writer = SSHWireWriter()
            writer.raw(OpenSSHPrivateKey.magic)
            writer.string(cipher)
            writer.string(kdf)
            writer.string("")
            writer.uint32(keys)
            for _ in 0..<keys { writer.string(T.keyBlob("ssh-ed25519", [T.bytes(32)])) }
            writer.string(T.bytes(16))
            return "\(OpenSSHPrivateKey.beginMarker)\n\(Data(writer.bytes).base64EncodedString())\n"
                + "\(OpenSSHPrivateKey.endMarker)\n"
        }
        #expect(T.scan("id_ed25519", envelope(cipher: "none", kdf: "none", keys: 1)).findings.count == 1)
        #expect(T.scan("id_ed25519", envelope(cipher: "none", kdf: "none", keys: 2)).findings.count == 2)
        for bad in [
            envelope(cipher: "aes256-ctr", kdf: "none", keys: 1), envelope(cipher: "none", kdf: "none", keys: 0),
        ] {
            let output = T.scan("id_ed25519", bad)
            #expect(output.findings.isEmpty)
            #expect(output.diagnostics.map(\.reason) == [.malformed])
        }
        let unterminated = T.scan("id_ed25519", "\(OpenSSHPrivateKey.beginMarker)\nb3BlbnNzaC1rZXktdjEA\n")
        #expect(unterminated.diagnostics.first?.detail.contains("no END") == true)
    }

    @Test("RFC 4716 SSH2 public keys are reported as unsupported, not malformed")
    func rfc4716() {
        let output = T.scan("key.pub", "---- BEGIN SSH2 PUBLIC KEY ----\nAAAA\n---- END SSH2 PUBLIC KEY ----\n")
        #expect(output.findings.isEmpty)
        #expect(output.diagnostics.map(\.reason) == [.unsupported])
    }

    // MARK: - Malformed lines

    @Test("one diagnostic per file summarising bad lines; good lines still yield findings")
    func malformedLines() throws {
        let output = try T.scanFixture("authorized_keys2")
        #expect(output.findings.map(\.line) == [2, 6])
        let diagnostic = try #require(output.diagnostics.first)
        #expect(output.diagnostics.count == 1)
        #expect(diagnostic.reason == .malformed)
        #expect(
            diagnostic.detail
                == "4 of 6 lines not understood: line 1: bad base64; line 3: no base64 key after \"ssh-rsa\"; "
                + "line 4: the text says ecdsa-sha2-nistp256 but the key blob says ssh-ed25519; …")
    }

    @Test("a comment-only file yields nothing at all")
    func commentsOnly() {
        #expect(T.scan("authorized_keys", "# nothing\n\n   \n").isEmpty)
        #expect(T.scan("known_hosts", "").isEmpty)
    }
}
