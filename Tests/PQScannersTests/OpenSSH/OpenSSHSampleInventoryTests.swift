import Foundation
import PQModel
import Testing

@testable import PQScanners

/// The webfarm sample's SSH configs show the interesting cases; this pins what the scanner makes of them.
@Suite("OpenSSH scanner over sample-inventories/webfarm")
struct OpenSSHSampleInventoryTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("sample-inventories/webfarm")

    static func scan(_ path: String, version: String?) throws -> (ScanOutput, WalkedTree) {
        let walk = try TreeWalker().walk(root: root.path).get()
        let tree = WalkedTree(files: walk.files, maxFileSize: WalkOptions.defaultMaxFileSize)
        let bytes = try tree.read(ScanPath(path)).get()
        let input = ScanInput(
            path: ScanPath(path), bytes: bytes, options: ScanOptions(opensshVersion: version),
            context: ScanContext(tree: tree))
        return (OpenSSHConfigScanner().scan(input), tree)
    }

    @Test("sshd_config: includes first, ignored duplicates, Match contexts, host keys linked, SSH-1 reported")
    func server() throws {
        let (output, tree) = try Self.scan("etc/ssh/sshd_config", version: "9.9")
        #expect(output.diagnostics.isEmpty, "\(output.diagnostics)")
        let kex = output.findings.filter { $0.setting == "KexAlgorithms" && $0.effective }
        #expect(
            kex.map(\.algorithm) == [
                "mlkem768x25519-sha256", "sntrup761x25519-sha512@openssh.com", "curve25519-sha256",
            ])
        #expect(kex.allSatisfy { $0.path == ScanPath("etc/ssh/sshd_config.d/10-hardening.conf") && $0.line == 3 })
        let ignoredKex = output.findings.filter { $0.setting == "KexAlgorithms" && !$0.effective }
        #expect(ignoredKex.contains { $0.algorithm == "diffie-hellman-group14-sha1" && $0.line == 2 })
        let leftover = output.findings.filter { $0.setting == "Ciphers" && $0.path == ScanPath("etc/ssh/sshd_config") }
        #expect(!leftover.isEmpty && leftover.allSatisfy { !$0.effective })
        #expect(output.findings.contains { $0.algorithm == "ssh-rsa" && $0.context == "Match User backup" })
        #expect(output.findings.contains { $0.setting == "Protocol" && $0.algorithm == "SSH-1" })
        let rsaSizes = output.findings.filter { $0.setting == "RequiredRSASize" }
        #expect(rsaSizes.first { $0.effective && $0.context == nil }?.keyBits == 3072)
        // Host keys: the same asset ids the SSH key scanner gives the key files.
        let hostKeys = output.findings.filter { $0.setting == "HostKey" }
        #expect(hostKeys.count == 3)
        for finding in hostKeys {
            let keyPath = ScanPath(String(try #require(finding.note?.split(separator: "/", maxSplits: 1).last)))
            let bytes = try tree.read(keyPath).get()
            let key = SSHKeyScanner().scan(ScanInput(path: keyPath, bytes: bytes))
            #expect(finding.asset != nil && finding.asset == key.findings.first?.asset, "\(keyPath)")
        }
    }

    @Test("on OpenSSH 9.2 the ML-KEM name is dead config")
    func serverOld() throws {
        let (output, _) = try Self.scan("etc/ssh/sshd_config", version: "9.2")
        #expect(
            output.diagnostics.map(\.detail) == [
                "line 3: KexAlgorithms: mlkem768x25519-sha256 not supported by OpenSSH 9.2 (dead config; sshd refuses "
                    + "to start with it)"
            ])
    }

    @Test("ssh_config: Host contexts and the defaults they leave")
    func client() throws {
        let (output, _) = try Self.scan("etc/ssh/ssh_config", version: "10.0")
        #expect(output.diagnostics.isEmpty, "\(output.diagnostics)")
        #expect(
            output.findings.contains {
                $0.algorithm == "diffie-hellman-group14-sha1" && $0.context == "Host legacy-switch.mgmt"
            })
        let ciphers = output.findings.filter { $0.setting == "Ciphers" }
        #expect(ciphers.allSatisfy { $0.context == "Host *" && $0.origin == .file })
        let kexDefaults = output.findings.filter { $0.setting == "KexAlgorithms" && $0.origin == .default }
        #expect(kexDefaults.first?.algorithm == "mlkem768x25519-sha256")
    }
}
