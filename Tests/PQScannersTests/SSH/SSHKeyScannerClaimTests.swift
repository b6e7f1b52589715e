import Foundation
import PQModel
import Testing

@testable import PQScanners

@Suite("SSH key scanner: claiming files and its examples")
struct SSHKeyScannerClaimTests {
    typealias T = SSHTestSupport

    func claim(_ path: String, _ head: String) -> Claim {
        T.scanner.claim(path: ScanPath(path), head: Array(head.utf8)[...])
    }

    @Test(
        "claimed by name",
        arguments: [
            "home/a/.ssh/id_ed25519.pub", "home/a/.ssh/authorized_keys", "home/a/.ssh/authorized_keys2",
            "home/a/.ssh/known_hosts", "etc/ssh/ssh_known_hosts", "home/a/.ssh/known_hosts.old",
            "home/a/.ssh/id_rsa", "etc/ssh/ssh_host_ed25519_key", "x/id_ed25519-cert.pub",
        ])
    func byName(path: String) {
        #expect(claim(path, "anything") == .name)
    }

    @Test("claimed by content: a key line, a known_hosts line, or an OPENSSH PRIVATE KEY marker")
    func byContent() {
        #expect(claim("backup/keyfile", "# keys\n\(SSHKeyScanner.exampleEd25519) me\n") == .content)
        #expect(claim("backup/hosts", "host.example.org \(SSHKeyScanner.exampleEd25519)\n") == .content)
        #expect(claim("backup/hosts", "@revoked host \(SSHKeyScanner.exampleEd25519)\n") == .content)
        #expect(claim("backup/key", "\(OpenSSHPrivateKey.beginMarker)\nb3Bl") == .content)
        #expect(claim("home/a/.ssh/id_ed25519", "\(OpenSSHPrivateKey.beginMarker)\nb3Bl") == .name)
    }

    @Test("not claimed: other PEM blocks (left to the PEM scanners), prose, and unknown type names")
    func notClaimed() {
        #expect(claim("home/a/.ssh/id_rsa", "-----BEGIN RSA PRIVATE KEY-----\nMIIE") == .none)
        #expect(claim("keys/server.pub", "-----BEGIN PUBLIC KEY-----\nMIIB") == .none)
        #expect(claim("README", "ssh-ed25519 is a key type\n") == .none)
        #expect(claim("notes.txt", "ssh-foo AAAAB3Nza\n") == .none)
        #expect(claim("home/a/id_list.txt", "alice\n") == .none)
    }

    @Test(
        "every example behaves as it says", arguments: SSHKeyScanner(catalog: SSHTestSupport.catalog).examples.indices)
    func examples(index: Int) {
        let example = T.scanner.examples[index]
        let output = T.scan(example.path, example.contents)
        #expect(!output.findings.isEmpty == example.expectsFindings, "\(example.name)")
        #expect(!output.diagnostics.isEmpty == example.expectsDiagnostic, "\(example.name)")
        for algorithm in example.expectedAlgorithms {
            #expect(output.findings.contains { $0.algorithm == algorithm }, "\(example.name): \(algorithm)")
        }
        #expect(T.scanner.claim(path: ScanPath(example.path), head: example.contents[...]) != .none)
    }
}
