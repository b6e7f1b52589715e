import Foundation
import PQModel
import PQScoutKit
import Testing

/// The acceptance test of the plan's patches: copy the sample tree, scan, plan, `patch -p1` the combined patch,
/// rescan, and check the patched OpenSSH files with the real `sshd -t` and `ssh -G`.
@Suite("PlanUseCase: patches applied to a copy of the webfarm, rescanned and checked by the real programs")
struct PlanUseCaseTests {
    static let webfarm = repositoryRoot.appendingPathComponent("sample-inventories/webfarm")
    static let day = CalendarDay("2026-11-27")

    struct Key: Hashable {
        var path: String
        var context: String?
        var setting: String
        var algorithm: String
    }

    /// A scratch directory holding a copy of the webfarm tree.
    static func copiedTree() throws -> (work: URL, tree: URL) {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("pqscout-plan-\(UUID().uuidString)")
        let tree = work.appendingPathComponent("webfarm")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: webfarm, to: tree)
        return (work, tree)
    }

    @discardableResult
    static func run(_ program: String, _ arguments: [String], in directory: URL? = nil, input: URL? = nil) throws
        -> (status: Int32, output: String)
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = try input.map { try FileHandle(forReadingFrom: $0) } ?? FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// The OpenSSH version installed here (`OpenSSH_9.2p1 ...` from `ssh -V`), the one `sshd -t` will judge by.
    static func installedOpenSSH() throws -> String {
        let output = try run("/usr/bin/ssh", ["-V"]).output
        let version = output.dropFirst("OpenSSH_".count).prefix { $0.isNumber || $0 == "." }
        return version.isEmpty ? "9.2" : String(version)
    }

    static func keys(_ findings: [Finding], bad: Bool) -> Set<Key> {
        Set(
            findings.filter { $0.effective && (!bad || $0.quantumStatus == .vulnerable || $0.quantumStatus == .broken) }
                .map { Key(path: $0.path.display, context: $0.context, setting: $0.setting, algorithm: $0.algorithm) })
    }

    /// sshd_config names absolute paths: point Include and HostKey into the copy, with fresh host keys (the sample's
    /// keys are fixtures), so `sshd -t` reads the patched files and nothing of this machine's /etc/ssh.
    static func relocateSSHD(tree: URL, work: URL) throws -> URL {
        let keys = work.appendingPathComponent("hostkeys")
        try FileManager.default.createDirectory(at: keys, withIntermediateDirectories: true)
        for type in ["ed25519", "ecdsa", "rsa"] {
            let status = try run(
                "/usr/bin/ssh-keygen",
                ["-q", "-t", type, "-N", "", "-f", keys.appendingPathComponent("ssh_host_\(type)_key").path])
            #expect(status.status == 0, "ssh-keygen: \(status.output)")
        }
        let config = tree.appendingPathComponent("etc/ssh/sshd_config")
        var text = try String(contentsOf: config, encoding: .utf8)
        text = text.replacingOccurrences(of: "Include /etc/ssh/", with: "Include \(tree.path)/etc/ssh/")
        text = text.replacingOccurrences(of: "HostKey /etc/ssh/", with: "HostKey \(keys.path)/")
        try Data(text.utf8).write(to: config)
        return config
    }

    /// The rescan check: every finding a patched action retires is gone (not in force any more), and no
    /// vulnerable algorithm appeared that the configuration did not offer or write before. The kept fallback moving
    /// from the defaults (no line) onto the written line is the same algorithm in the same configuration, and a
    /// line the daemon refused still named its algorithms.
    static func expectRetired(_ patched: [PlanAction], before first: [Finding], after second: [Finding]) {
        let remaining = keys(second, bad: false)
        for action in patched {
            for retired in action.retires {
                let key = Key(
                    path: retired.path, context: retired.context, setting: retired.setting, algorithm: retired.algorithm
                )
                #expect(!remaining.contains(key), "\(action.id) left \(retired.label)")
            }
        }
        func offered(_ findings: [Finding], written: Bool = false) -> Set<Key> {
            let named =
                written
                ? findings.map { finding in
                    var f = finding
                    f.effective = true
                    return f
                } : findings
            return Set(
                keys(named, bad: true).map { key in
                    let main = key.path.range(of: "_config.d/").map { String(key.path[..<$0.lowerBound]) + "_config" }
                    return Key(path: main ?? key.path, context: nil, setting: key.setting, algorithm: key.algorithm)
                })
        }
        let newlyBad = offered(second).subtracting(offered(first, written: true))
        #expect(newlyBad.isEmpty, "new vulnerable findings: \(newlyBad)")
    }

    @Test("applied with patch -p1: retired findings gone, nothing new vulnerable, sshd -t and ssh -G accept the files")
    func patchesApplyAndServersAccept() throws {
        let (work, tree) = try Self.copiedTree()
        defer { try? FileManager.default.removeItem(at: work) }
        let store = work.appendingPathComponent("plan.db").path
        let version = try Self.installedOpenSSH()
        _ = try ScanUseCase().run(ScanRequest(roots: [tree.path], storePath: store, opensshVersion: version))
        let outcome = try PlanUseCase.run(PlanRequest(storePath: store, asOf: Self.day, opensshVersion: version))
        let plan = outcome.plan
        // Patched by default: nginx www's curve list and sshd's KexAlgorithms. The intranet server does not start
        // (its RSA-1024 certificate fails @SECLEVEL=2) and the legacy peers' blocks are opt-in, so nothing else.
        let patched = plan.actions.filter { $0.patch != nil }
        #expect(patched.count >= 2)
        // The default plan keeps what the sample's legacy peers need: their changes are opt-in patches. The two are
        // the legacy switch's in ssh_config. The backup user's ssh-rsa in sshd_config is not planned in this pass:
        // this sshd (9.2) refuses to start with the unpatched file (mlkem768x25519 on 10-hardening), so nothing of
        // it is in force; the patch that makes it start is planned, and the next scan plans the rest.
        let blocked = plan.actions.filter { $0.blockedOn != nil }
        #expect(blocked.count >= 2)
        #expect(blocked.allSatisfy { $0.patch == nil && $0.optInPatch != nil })
        #expect(plan.phases.map(\.kind) == plan.phases.map(\.kind).sorted())
        let directory = work.appendingPathComponent("patches")
        let written = try PlanUseCase.writePatches(outcome, to: directory.path)
        #expect(written.contains("all.patch"))
        #expect(written.filter { $0.hasSuffix(".patch") && !$0.hasPrefix("optin-") }.count == patched.count + 1)
        #expect(written.filter { $0.hasPrefix("optin-") }.count == blocked.count)

        // The unpatched copy as this machine's sshd judges it (9.2 refuses mlkem768x25519-sha256 on 10-hardening).
        let baseline = try Self.copiedTree()
        defer { try? FileManager.default.removeItem(at: baseline.work) }
        let baselineConfig = try Self.relocateSSHD(tree: baseline.tree, work: baseline.work)
        let before = try Self.run("/usr/sbin/sshd", ["-t", "-f", baselineConfig.path])

        let applied = try Self.run(
            "/usr/bin/patch", ["-p1", "--forward", "--batch"], in: tree,
            input: directory.appendingPathComponent("all.patch"))
        #expect(applied.status == 0, "patch: \(applied.output)")

        // (a) rescan: what the patched actions retire is gone, and nothing vulnerable appeared.
        let first = try InventoryUseCase.document(InventoryRequest(storePath: store, scanID: 1)).findings
        _ = try ScanUseCase().run(ScanRequest(roots: [tree.path], storePath: store, opensshVersion: version))
        let second = try InventoryUseCase.document(InventoryRequest(storePath: store, scanID: 2)).findings
        Self.expectRetired(patched, before: first, after: second)

        // (b) the real programs accept the patched files.
        let config = try Self.relocateSSHD(tree: tree, work: work)
        // sshd -t insists on its privilege-separation directory, which only a booted system creates.
        try? FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        let sshd = try Self.run("/usr/sbin/sshd", ["-t", "-f", config.path])
        #expect(sshd.status == 0, "sshd -t rejected the patched config: \(sshd.output)")
        if (SoftwareVersionText(version) ?? 0) < 909 {
            #expect(before.status != 0, "this sshd (\(version)) should refuse the unpatched mlkem768x25519 line")
        }
        let client = tree.appendingPathComponent("etc/ssh/ssh_config").path
        for host in ["legacy-switch.mgmt", "web1.internal", "other.example.org"] {
            let ssh = try Self.run("/usr/bin/ssh", ["-G", "-F", client, host])
            #expect(ssh.status == 0, "ssh -G \(host): \(ssh.output)")
            let kex = ssh.output.split(separator: "\n").first { $0.hasPrefix("kexalgorithms ") }
            #expect(
                kex?.hasPrefix("kexalgorithms sntrup761x25519-sha512") == true, "\(host): \(kex ?? "")")
        }

        // Progress: the patched actions are done by scan 2; certificates are still open.
        let later = try PlanUseCase.run(
            PlanRequest(storePath: store, scanID: 2, asOf: Self.day, since: 1, opensshVersion: version)
        ).plan
        let progress = try #require(later.progress)
        let plannedAgain = Set(later.actions.map(\.id))
        for action in patched {
            let entry = try #require(progress.actions.first { $0.id == action.id })
            // Every finding it retired is gone; it is done unless the later plan needs the same action again (the
            // nginx list made acceptable to OpenSSL 3.0 still waits for the hybrid): then partly done.
            #expect(entry.remaining == 0, "\(action.id)")
            #expect(entry.state == (plannedAgain.contains(action.id) ? .partlyDone : .done), "\(action.id)")
        }
        #expect(progress.actions.first { $0.id.hasPrefix("certificate-reissue:CN=Example Issuing CA") }?.state == .open)
        // www.example.org's certificate expired on 2026-07-04: no action at all.
        #expect(!plan.actions.contains { $0.id.hasPrefix("certificate-reissue:CN=www.example.org") })
        // Goals, not lines: no upgrade happened, so the upgrades stay open although the ML-KEM line is gone; what
        // waits on a peer is open; a tracking action never shows movement; nothing is done and planned again.
        for id in ["upgrade:openssh:server", "upgrade:openssh:client"] {
            #expect(progress.actions.first { $0.id == id }?.state == .open, "\(id)")
        }
        for action in blocked {
            #expect(progress.actions.first { $0.id == action.id }?.state == .open, "\(action.id)")
        }
        for entry in progress.actions where entry.id.hasSuffix(":signatures") {
            #expect(entry.state == .open, "\(entry.id) is \(entry.state)")
        }
        for entry in progress.actions where entry.state == .done {
            #expect(!plannedAgain.contains(entry.id), "\(entry.id) is done and open again")
        }
    }

    @Test("strongSwan 6 and a classical Postfix list: ke1_mlkem768 and X25519MLKEM768 patched in, rescanned clean")
    func strongSwanAndPostfix() throws {
        let (work, tree) = try Self.copiedTree()
        defer { try? FileManager.default.removeItem(at: work) }
        let mainCF = tree.appendingPathComponent("etc/postfix/main.cf")
        guard FileManager.default.fileExists(atPath: mainCF.path),
            FileManager.default.fileExists(atPath: tree.appendingPathComponent("etc/ipsec.conf").path)
        else {
            Issue.record("the sample has no Postfix or strongSwan configuration")
            return
        }
        var text = try String(contentsOf: mainCF, encoding: .utf8)
        text = text.replacingOccurrences(
            of: "tls_eecdh_auto_curves = ?X25519MLKEM768 X25519 prime256v1",
            with: "tls_eecdh_auto_curves = X25519 prime256v1")
        try Data(text.utf8).write(to: mainCF)
        let store = work.appendingPathComponent("plan.db").path
        _ = try ScanUseCase().run(ScanRequest(roots: [tree.path], storePath: store))
        let outcome = try PlanUseCase.run(
            PlanRequest(
                storePath: store, asOf: Self.day, opensshVersion: "9.2", opensslVersion: "3.0.19",
                softwareVersions: ["strongswan": "6.0.1"]))
        let ipsec = try #require(outcome.plan.actions.first { $0.software == "strongswan" && $0.patch != nil })
        #expect(ipsec.patch?.diff.contains("+    ike=aes128-sha1-modp2048-ke1_mlkem768,aes128-sha1-modp2048\n") == true)
        #expect(outcome.plan.action("upgrade:strongswan") == nil)
        let postfix = try #require(outcome.plan.actions.first { $0.software == "postfix" && $0.patch != nil })
        #expect(postfix.patch?.diff.contains("+tls_eecdh_auto_curves = X25519MLKEM768 X25519 prime256v1\n") == true)
        let directory = work.appendingPathComponent("patches")
        _ = try PlanUseCase.writePatches(outcome, to: directory.path)
        let applied = try Self.run(
            "/usr/bin/patch", ["-p1", "--batch"], in: tree, input: directory.appendingPathComponent("all.patch"))
        #expect(applied.status == 0, "patch: \(applied.output)")
        let first = try InventoryUseCase.document(InventoryRequest(storePath: store, scanID: 1)).findings
        _ = try ScanUseCase().run(ScanRequest(roots: [tree.path], storePath: store))
        let second = try InventoryUseCase.document(InventoryRequest(storePath: store, scanID: 2)).findings
        Self.expectRetired(outcome.plan.actions.filter { $0.patch != nil }, before: first, after: second)
        #expect(
            second.contains {
                $0.path.display == "etc/ipsec.conf" && $0.algorithm == "ke1_mlkem768"
                    && $0.context == "conn branch-legacy"
            })
        #expect(second.contains { $0.path.display == "etc/postfix/main.cf" && $0.algorithm == "X25519MLKEM768" })
    }

    @Test("with no OpenSSH version known the plan says so and adds no name only OpenSSH 9.9 accepts")
    func unknownVersion() throws {
        let (work, tree) = try Self.copiedTree()
        defer { try? FileManager.default.removeItem(at: work) }
        let store = work.appendingPathComponent("plan.db").path
        _ = try ScanUseCase().run(ScanRequest(roots: [tree.path], storePath: store))
        let plan = try PlanUseCase.run(PlanRequest(storePath: store, asOf: Self.day)).plan
        #expect(plan.notes.contains { $0.contains("--openssh-version") })
        for action in plan.actions {
            let added = action.patch?.diff.split(separator: "\n").filter { $0.hasPrefix("+") && !$0.hasPrefix("+++") }
            #expect(!(added ?? []).contains { $0.contains("mlkem768x25519") }, "\(action.id)")
        }
        let sshd = try #require(plan.action("key-exchange:openssh:etc/ssh/sshd_config:KexAlgorithms"))
        #expect(sshd.locations.first?.path == "etc/ssh/sshd_config.d/10-hardening.conf")
    }

    @Test("a file changed since the scan gets no patch: the diff is only ever against the scanned bytes")
    func changedFile() throws {
        let (work, tree) = try Self.copiedTree()
        defer { try? FileManager.default.removeItem(at: work) }
        let store = work.appendingPathComponent("plan.db").path
        _ = try ScanUseCase().run(ScanRequest(roots: [tree.path], storePath: store, opensshVersion: "9.2"))
        let client = tree.appendingPathComponent("etc/ssh/ssh_config")
        try Data("# replaced\n".utf8).write(to: client)
        let plan = try PlanUseCase.run(PlanRequest(storePath: store, asOf: Self.day, opensshVersion: "9.2")).plan
        let clientActions = plan.actions.filter { $0.locations.contains { $0.path == "etc/ssh/ssh_config" } }
        #expect(!clientActions.isEmpty)
        #expect(clientActions.allSatisfy { $0.patch == nil })
        #expect(plan.actions.contains { $0.patch?.path == "etc/ssh/sshd_config.d/10-hardening.conf" })
    }

    @Test("an unknown profile is a usage error; a missing store an input error")
    func errors() {
        #expect(throws: PQScoutError.self) { try PlanUseCase.run(PlanRequest(storePath: "/nonexistent/x.db")) }
        do {
            _ = try PlanUseCase.run(PlanRequest(storePath: "/nonexistent/x.db"))
        } catch {
            #expect(error.kind == .input)
        }
    }
}

/// `9.2` → 902, for a version comparison without the planner's types.
func SoftwareVersionText(_ text: String) -> Int? {
    let parts = text.split(separator: ".").compactMap { Int($0) }
    guard parts.count >= 2 else { return nil }
    return parts[0] * 100 + parts[1]
}
