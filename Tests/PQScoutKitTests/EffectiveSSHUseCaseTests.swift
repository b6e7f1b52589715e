import Foundation
import PQModel
import Testing

@testable import PQScoutKit

/// `pqscout effective` over the webfarm sample inventory (reached through #filePath, STYLE.md).
@Suite("effective ssh-server / ssh-client use case")
struct EffectiveSSHUseCaseTests {
    static let webfarm = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("sample-inventories/webfarm").path

    @Test("server lists name the file and line they came from; Match applies for its connection")
    func server() throws {
        let request = try EffectiveSSHRequest.server(
            root: Self.webfarm, connection: "user=backup,host=nas.example.org,addr=10.20.3.4", opensshVersion: "9.9")
        let result = try EffectiveSSHUseCase.run(request)
        let kex = try #require(result.lists.first { $0.setting == "KexAlgorithms" })
        #expect(kex.path == ScanPath("etc/ssh/sshd_config.d/10-hardening.conf"))
        #expect(kex.line == 3)
        #expect(kex.algorithms.first?.name == "mlkem768x25519-sha256")
        #expect(kex.algorithms.first?.quantumStatus == .hybrid)
        #expect(result.postQuantumKex)
        let pubkey = try #require(result.lists.first { $0.setting == "PubkeyAcceptedAlgorithms" })
        #expect(pubkey.context == "Match User backup")
        #expect(pubkey.algorithms.last?.name == "ssh-rsa")
        #expect(result.requiredRSASize == 2048)
        let hostbased = try #require(result.lists.first { $0.setting == "HostbasedAcceptedAlgorithms" })
        #expect(hostbased.origin == .default)
        #expect(result.versionBasis == "--openssh-version 9.9")
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
    }

    @Test("an old OpenSSH turns the ML-KEM name into a diagnostic; the table and JSON say so")
    func deadConfig() throws {
        let result = try EffectiveSSHUseCase.run(
            try EffectiveSSHRequest.server(root: Self.webfarm, connection: nil, opensshVersion: "9.2"))
        #expect(result.diagnostics.contains { $0.detail.contains("not supported by OpenSSH 9.2") })
        let table = Presentation.effectiveSSHTable(result)
        #expect(table.contains("KexAlgorithms  (etc/ssh/sshd_config.d/10-hardening.conf:3)"))
        #expect(table.contains("not supported by OpenSSH 9.2"))
        let json = try Presentation.effectiveSSHJSON(result)
        let decoded = try JSONDecoder().decode(EffectiveSSHResult.self, from: Data(json.utf8))
        #expect(decoded == result)
    }

    @Test("client lists for a host: its Host block first, then Host *")
    func client() throws {
        let result = try EffectiveSSHUseCase.run(
            EffectiveSSHRequest.client(root: Self.webfarm, host: "db1.internal", opensshVersion: "10.0"))
        let kex = try #require(result.lists.first { $0.setting == "KexAlgorithms" })
        #expect(kex.context == "Host *.internal")
        #expect(kex.algorithms.map(\.name) == ["sntrup761x25519-sha512@openssh.com", "curve25519-sha256"])
        let ciphers = try #require(result.lists.first { $0.setting == "Ciphers" })
        #expect(ciphers.context == "Host *")
    }

    @Test("a bad connection is a usage error; a missing root an input error")
    func failures() {
        #expect(throws: PQScoutError.self) {
            try EffectiveSSHRequest.server(root: Self.webfarm, connection: "nobody")
        }
        do {
            _ = try EffectiveSSHUseCase.run(EffectiveSSHRequest.client(root: "/nonexistent-pqscout", host: "h"))
            Issue.record("expected a failure")
        } catch {
            #expect(error.kind == .input)
        }
    }

    /// A throwaway root with the given files.
    static func root(_ files: [String: String]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "pqscout-effective-\(UUID().uuidString)")
        for (path, text) in files {
            let file = url.appendingPathComponent(path)
            try FileManager.default.createDirectory(
                at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: file)
        }
        return url
    }

    @Test("--local-user decides Match localuser; without it the user running pqscout does")
    func localUser() throws {
        let url = try Self.root([
            "etc/ssh/ssh_config": "Match localuser operator\n    Ciphers aes256-ctr\n"
        ])
        defer { try? FileManager.default.removeItem(at: url) }
        let operatorView = try EffectiveSSHUseCase.run(
            EffectiveSSHRequest.client(root: url.path, host: "h", localUser: "operator", opensshVersion: "9.2"))
        #expect(operatorView.lists.first { $0.setting == "Ciphers" }?.algorithms.map(\.name) == ["aes256-ctr"])
        let other = try EffectiveSSHUseCase.run(
            EffectiveSSHRequest.client(root: url.path, host: "h", localUser: "someone", opensshVersion: "9.2"))
        #expect(other.lists.first { $0.setting == "Ciphers" }?.origin == .default)
        let running = EffectiveSSHRequest.client(root: url.path, host: "h")
        #expect(running.connection?.localUser != nil)
    }

    @Test("Debian's GSSAPI key exchange is reported off unless GSSAPIKeyExchange yes")
    func gssapi() throws {
        let status = "Package: openssh-server\nStatus: install ok installed\nVersion: 1:9.2p1-2+deb12u10\n\n"
        let url = try Self.root(["etc/ssh/sshd_config": "# defaults\n", "var/lib/dpkg/status": status])
        defer { try? FileManager.default.removeItem(at: url) }
        let result = try EffectiveSSHUseCase.run(try EffectiveSSHRequest.server(root: url.path, connection: nil))
        #expect(result.gssapiKeyExchange == false)
        #expect(Presentation.effectiveSSHTable(result).contains("(not offered: GSSAPIKeyExchange is no)"))
    }

    @Test("issue 21: ten self-including drop-ins end within 10 s with the refusal as a diagnostic")
    func includeBomb() throws {
        var files = ["etc/ssh/sshd_config": "Include /etc/ssh/d/*.conf\n"]
        for index in 0..<10 { files["etc/ssh/d/\(index).conf"] = "Include /etc/ssh/d/*.conf\nMACs hmac-sha2-256\n" }
        let url = try Self.root(files)
        defer { try? FileManager.default.removeItem(at: url) }
        let started = Date()
        let result = try EffectiveSSHUseCase.run(
            try EffectiveSSHRequest.server(root: url.path, connection: nil, opensshVersion: "9.2"))
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(result.diagnostics.contains { $0.detail.contains("Too many recursive configuration includes") })
        #expect(result.refusals.contains { $0.contains("Too many recursive configuration includes") })
        #expect(Presentation.effectiveSSHTable(result).contains("sshd would refuse this configuration:"))
    }
}
