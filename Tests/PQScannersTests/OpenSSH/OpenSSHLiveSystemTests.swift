import Foundation
import PQModel
import Testing

@testable import PQScanners

/// `pqscout scan /etc` on a running host: sshd's `Include /etc/ssh/sshd_config.d/*.conf` and the installed OpenSSH
/// (from the host's package database) must resolve as sshd itself sees them; `sshd -T` is the oracle.
@Suite("Live system: sshd's effective lists from a walk of a subtree equal sshd -T")
struct OpenSSHLiveSystemTests {
    static var sshdPresent: Bool {
        FileManager.default.isExecutableFile(atPath: OpenSSHRealBinaryComparisonTests.sshd)
    }

    static var hostConfigPresent: Bool {
        sshdPresent && FileManager.default.isReadableFile(atPath: "/etc/ssh/sshd_config")
            && ((try? FileManager.default.contentsOfDirectory(atPath: "/etc/ssh")) ?? []).contains {
                $0.hasPrefix("ssh_host_") && $0.hasSuffix("_key")
            }
    }

    /// The lists PQScout derives for the server config at `path` of a tree walked as a live subtree.
    func scoutLists(root: String, system: SystemRoot, path: String) throws -> [String: String] {
        let walk = try TreeWalker().walk(root: root, system: system).get()
        let tree = WalkedTree(walk: walk, maxFileSize: WalkOptions.defaultMaxFileSize)
        let software = InstalledSoftware.read(from: tree).software
        if system.isHost, FileManager.default.fileExists(atPath: "/var/lib/dpkg/status") {
            // The host's package database, outside the scan root /etc, names the sshd in force.
            #expect(software.contains { $0.name == "openssh-server" })
        }
        let profile = OpenSSHProfile.resolve(for: .server, software: software, override: nil)
        let scanPath = ScanPath(path)
        let bytes = try tree.read(scanPath).get()
        let configuration = OpenSSHConfiguration(
            program: .server, path: scanPath, bytes: bytes, tree: tree, profile: profile)
        #expect(configuration.loadDiagnostics.isEmpty, "\(configuration.loadDiagnostics)")
        var lists: [String: String] = [:]
        for list in configuration.effectiveLists(for: nil) {
            lists[list.setting.lowercased()] = list.algorithms.joined(separator: ",")
        }
        return lists
    }

    func sshdLists(_ arguments: [String]) throws -> [String: String] {
        try FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        let run = try #require(OpenSSHTestSupport.run(OpenSSHRealBinaryComparisonTests.sshd, ["-T"] + arguments))
        try #require(run.status == 0, "sshd -T failed: \(run.error)")
        var lists: [String: String] = [:]
        for line in run.output.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1)
            if parts.count == 2 { lists[String(parts[0])] = String(parts[1]) }
        }
        return lists
    }

    @Test("the host's own /etc, walked as a part of the running system", .enabled(if: hostConfigPresent))
    func hostEtc() throws {
        let system = try #require(SystemRoot(path: "/"))
        let mine = try scoutLists(root: "/etc", system: system, path: "etc/ssh/sshd_config")
        let real = try sshdLists([])
        for keyword in OpenSSHRealBinaryComparisonTests.keywords {
            #expect(mine[keyword] == real[keyword], "\(keyword) differs from sshd -T")
        }
    }

    @Test("a drop-in named by an absolute Include outside the scan root is applied", .enabled(if: sshdPresent))
    func includeOutsideRoot() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("pqscout-live-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: base) }
        let dropIns = base.appendingPathComponent("etc/ssh/sshd_config.d")
        try FileManager.default.createDirectory(at: dropIns, withIntermediateDirectories: true)
        try Data("KexAlgorithms curve25519-sha256\nCiphers aes256-gcm@openssh.com\n".utf8)
            .write(to: dropIns.appendingPathComponent("50-site.conf"))
        // sshd reads absolute paths on the host, so its copy names the drop-ins by their real place; PQScout reads
        // the system root `base`, where `/etc/ssh/...` is `base/etc/ssh/...`.
        let main = base.appendingPathComponent("etc/ssh/sshd_config")
        try Data("Include /etc/ssh/sshd_config.d/*.conf\n".utf8).write(to: main)
        let forSSHD = base.appendingPathComponent("sshd_config.real")
        try Data("Include \(dropIns.path)/*.conf\n".utf8).write(to: forSSHD)
        let key = try #require(OpenSSHRealBinaryComparisonTests.hostKey, "ssh-keygen could not make a host key")
        let real = try sshdLists(["-f", forSSHD.path, "-o", "HostKey=\(key)"])
        let system = try #require(SystemRoot(path: base.path))
        // The scan root is the config file's own directory's file: the drop-ins lie outside it.
        let mine = try scoutLists(root: main.path, system: system, path: "etc/ssh/sshd_config")
        #expect(mine["kexalgorithms"] == "curve25519-sha256")
        for keyword in ["kexalgorithms", "ciphers", "macs"] {
            #expect(mine[keyword] == real[keyword], "\(keyword) differs from sshd -T")
        }
    }
}
