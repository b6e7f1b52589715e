import Foundation
import PQModel
import Testing

@testable import PQScanners

/// Runs the real sshd/ssh on many trees, each made visible as `/etc/ssh` in a private mount namespace.
///
/// Every tree is bind-mounted on `/etc/ssh` (and, for sshd, its `etc/passwd` and `etc/group` on the system's, for
/// `Match Group`) inside `unshare --mount --propagation private`, so the real programs read exactly the bytes PQScout
/// reads, with their own path rules (`Include sshd_config.d/*.conf` relative to `/etc/ssh`). Nothing outside the
/// namespace sees the mounts; they vanish with it. Two batches run at once (the machine has two cores).
enum OpenSSHNamespaceRunner {
    static let sshd = "/usr/sbin/sshd"
    static let ssh = "/usr/bin/ssh"

    /// Why the differential tests cannot run here, or nil when they can: they need the binaries, root, and
    /// unshare(1) with mount namespaces.
    static let unavailable: String? = {
        let files = FileManager.default
        guard files.isExecutableFile(atPath: sshd), files.isExecutableFile(atPath: ssh) else {
            return "sshd/ssh not installed (apt-get install openssh-server openssh-client)"
        }
        guard geteuid() == 0 else { return "not root: bind mounts on /etc/ssh need CAP_SYS_ADMIN" }
        guard files.isExecutableFile(atPath: "/usr/bin/unshare"),
            let probe = OpenSSHTestSupport.run(
                "/usr/bin/unshare",
                ["--mount", "--propagation", "private", "/bin/sh", "-c", "mount --bind /etc/ssh /etc/ssh"]),
            probe.status == 0
        else { return "no private mount namespace here (unshare --mount failed)" }
        return nil
    }()

    struct Outcome: Sendable {
        var status: Int32
        var output: String
        var error: String
    }

    /// Writes the trees under a temp directory and runs each query in the namespace; outcomes per tree, per query.
    ///
    /// With `startOnly`, one run per tree instead of the queries: `sshd -t` (does sshd start with this
    /// configuration?) or `ssh -G` for host `h` (does ssh run with it?).
    static func run(
        _ trees: [OpenSSHRandomTree], program: OpenSSHProgram, hostKey: String, startOnly: Bool = false
    ) throws -> [[Outcome]] {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("pqscout-diff-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: base) }
        for (index, tree) in trees.enumerated() {
            for (path, bytes) in tree.files {
                let file = base.appendingPathComponent("t\(index)/\(path)")
                try FileManager.default.createDirectory(
                    at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(bytes).write(to: file)
            }
        }
        var scripts: [String] = ["set -u\nmkdir -p /run/sshd\n", "set -u\nmkdir -p /run/sshd\n"]
        for (index, tree) in trees.enumerated() {
            let root = base.appendingPathComponent("t\(index)").path
            var script = "mount --bind '\(root)/etc/ssh' /etc/ssh\n"
            if program == .server {
                script += "mount --bind '\(root)/etc/passwd' /etc/passwd\nmount --bind '\(root)/etc/group' /etc/group\n"
            }
            let queries = startOnly ? [OpenSSHRandomTree.Query(spec: nil)] : tree.queries
            for (number, query) in queries.enumerated() {
                let out = base.appendingPathComponent("o\(index)-\(number)").path
                var command: String
                switch program {
                case .server:
                    command = "\(sshd) \(startOnly ? "-t" : "-T") -f /etc/ssh/sshd_config -o HostKey='\(hostKey)'"
                    if let spec = query.spec { command += " -C '\(spec)'" }
                case .client:
                    command = "\(ssh) -G -F /etc/ssh/ssh_config"
                    if let user = query.user { command += " -l '\(user)'" }
                    command += " '\(query.spec ?? "h")'"
                }
                script += "\(command) </dev/null >'\(out).out' 2>'\(out).err'; echo $? >'\(out).rc'\n"
            }
            if program == .server { script += "umount /etc/group\numount /etc/passwd\n" }
            script += "umount /etc/ssh\n"
            scripts[index % 2] += script
        }
        let runs = try scripts.enumerated().map { number, script in
            let file = base.appendingPathComponent("batch\(number).sh")
            try Data(script.utf8).write(to: file)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
            process.arguments = ["--mount", "--propagation", "private", "/bin/sh", file.path]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            return process
        }
        for process in runs { try process.run() }
        for process in runs { process.waitUntilExit() }
        return trees.enumerated().map { index, tree in
            (startOnly ? 0..<1 : tree.queries.indices).map { number in
                let stem = base.appendingPathComponent("o\(index)-\(number)").path
                let read = { (suffix: String) in
                    (try? String(contentsOfFile: stem + suffix, encoding: .utf8)) ?? ""
                }
                let status = Int32(read(".rc").trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
                return Outcome(status: status, output: read(".out"), error: read(".err"))
            }
        }
    }
}

/// Issue 13 acceptance: seeded random trees, PQScout against the installed `sshd -T` (with and without `-C`) and
/// `ssh -G`, every compared setting and every refusal. Agreement must be 100%.
@Suite("OpenSSH: random trees agree with the real sshd -T and ssh -G")
struct OpenSSHDifferentialTests {
    static let keywords = [
        "kexalgorithms", "hostkeyalgorithms", "pubkeyacceptedalgorithms", "hostbasedacceptedalgorithms",
        "casignaturealgorithms", "ciphers", "macs", "gssapikexalgorithms", "requiredrsasize", "gssapikeyexchange",
        "hostname", "user",
    ]

    static let machineSoftware: [Software] = {
        guard let status = try? Data(contentsOf: URL(fileURLWithPath: "/var/lib/dpkg/status")) else { return [] }
        return InstalledSoftware.parseDpkgStatus(Array(status), sourcePath: InstalledSoftware.dpkgStatus)
    }()

    /// The local user ssh runs as (`Match localuser`).
    static var localUser: String {
        guard let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name else { return "root" }
        return String(cString: name)
    }

    struct Tally: CustomStringConvertible {
        var runs = 0
        var agreed = 0
        var refusedByBoth = 0
        /// Runs ssh ran where PQScout skipped an unknown keyword IgnoreUnknown names.
        var skippedByBoth = 0
        var failures: [String] = []
        var description: String {
            "\(agreed)/\(runs) runs agree (\(refusedByBoth) refused by both, \(skippedByBoth) with a keyword "
                + "IgnoreUnknown skips)"
        }
    }

    /// PQScout's answer for one query: the printed values, or the refusals.
    static func scout(
        _ tree: OpenSSHRandomTree, _ query: OpenSSHRandomTree.Query, program: OpenSSHProgram, root: URL
    ) throws -> (values: [String: String], refusals: [String], skipped: Bool) {
        let walked = try TreeWalker().walk(root: root.path).get()
        let reader = WalkedTree(files: walked.files, maxFileSize: WalkOptions.defaultMaxFileSize)
        let main = program == .server ? "etc/ssh/sshd_config" : "etc/ssh/ssh_config"
        let profile = OpenSSHProfile.resolve(for: program, software: machineSoftware, override: nil)
        let configuration = OpenSSHConfiguration(
            program: program, path: ScanPath(main), bytes: tree.files[main] ?? [], tree: reader, profile: profile)
        let connection: OpenSSHConnection?
        switch program {
        case .server: connection = query.spec.flatMap { OpenSSHConnection(spec: $0) }
        case .client: connection = OpenSSHConnection(user: query.user, host: query.spec, localUser: localUser)
        }
        let refusals = configuration.refusals(for: connection)
        var values: [String: String] = [:]
        for list in configuration.effectiveLists(for: connection) {
            values[list.setting.lowercased()] = list.algorithms.joined(separator: ",")
        }
        if let size = configuration.requiredRSASize(for: connection) { values["requiredrsasize"] = String(size.bits) }
        if program == .client, let connection {
            // ssh -G prints the host name after Hostname (lower-cased) and the remote user.
            let passes = configuration.clientVisit(connection)
            values["hostname"] = passes.hostname
            values["user"] = passes.user
        }
        if program == .server, profile.gssapiKex {
            values["gssapikeyexchange"] = configuration.gssapiKeyExchange(for: connection) ? "yes" : "no"
        }
        let skipped = configuration.skippedAsUnknown(configuration.visit(connection: connection)).contains(true)
        return (values, refusals, skipped)
    }

    static func compare(program: OpenSSHProgram, count: Int, seed: UInt64) throws -> Tally {
        let profile = OpenSSHProfile.resolve(for: program, software: machineSoftware, override: nil)
        var generator = OpenSSHTreeGenerator(seed: seed, profile: profile)
        let trees = (0..<count).map { _ in program == .server ? generator.serverTree() : generator.clientTree() }
        let hostKey = try #require(OpenSSHRealBinaryComparisonTests.hostKey, "ssh-keygen could not make a host key")
        let started = Date()
        let outcomes = try OpenSSHNamespaceRunner.run(trees, program: program, hostKey: hostKey)
        print("OpenSSH differential: \(program) ran in \(Int(Date().timeIntervalSince(started) * 1000)) ms")
        var tally = Tally()
        for (index, tree) in trees.enumerated() {
            let root = try OpenSSHTempRoot(files: [:])
            for (path, bytes) in tree.files { try root.write(path, Data(bytes)) }
            for (number, query) in tree.queries.enumerated() {
                tally.runs += 1
                let real = outcomes[index][number]
                let mine = try scout(tree, query, program: program, root: root.url)
                let label = "seed \(seed) tree \(index) query \(query.spec ?? "(none)") user \(query.user ?? "-")"
                if real.status != 0 || !mine.refusals.isEmpty {
                    if real.status != 0, !mine.refusals.isEmpty {
                        // Both refuse: for the same reason, in kind (OpenSSH stops at the first fatal line).
                        let kind = refusalKind(real.error)
                        if mine.refusals.contains(where: { refusalKind($0) == kind }) {
                            tally.agreed += 1
                            tally.refusedByBoth += 1
                        } else {
                            tally.failures.append(
                                "\(label): both refuse, for different reasons: real \(real.error.prefix(200)), "
                                    + "PQScout \(mine.refusals)\n\(describe(tree))")
                        }
                    } else {
                        tally.failures.append(
                            "\(label): real status \(real.status) (\(real.error.prefix(300))), PQScout refusals "
                                + "\(mine.refusals)\n\(describe(tree))")
                    }
                    continue
                }
                var printed: [String: String] = [:]
                for line in real.output.split(separator: "\n") {
                    let parts = line.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
                    guard parts.count == 2 else { continue }
                    printed[String(parts[0])] = String(parts[1])
                }
                let differing = keywords.filter { key in
                    guard let value = mine.values[key] else { return false }
                    // ssh -G prints nothing for a list it left unset (see clientAssemblyFailure).
                    return (printed[key] ?? "") != value
                }
                if differing.isEmpty {
                    tally.agreed += 1
                    if mine.skipped { tally.skippedByBoth += 1 }
                } else {
                    let detail = differing.map {
                        "\($0): real \(printed[$0] ?? "-") / PQScout \(mine.values[$0] ?? "-")"
                    }
                    tally.failures.append("\(label): \(detail.joined(separator: "; "))\n\(describe(tree))")
                }
            }
        }
        return tally
    }

    /// The kind of a refusal, from OpenSSH's message or PQScout's.
    static func refusalKind(_ text: String) -> String {
        let kinds: [(String, [String])] = [
            ("include", ["Too many recursive configuration includes"]),
            (
                "match",
                ["Bad Match condition", "Unsupported Match attribute", "Missing Match criteria", "cannot be combined"]
            ),
            ("match-directive", ["is not allowed within a Match block"]),
            ("keyword", ["Bad configuration option"]),
            ("lport", ["'lport' not in connection test specification"]),
            ("empty", ["invalid argument"]),
            ("name", ["Bad SSH2", "Bad key types", "Bad protocol 2 host key algorithms", "Bad "]),
        ]
        for (kind, markers) in kinds where markers.contains(where: { text.contains($0) }) { return kind }
        return "other: " + text
    }

    static func describe(_ tree: OpenSSHRandomTree) -> String {
        tree.files.keys.sorted().filter { !$0.hasPrefix("etc/passwd") && !$0.hasPrefix("etc/group") }.map { path in
            "--- \(path)\n" + String(decoding: tree.files[path] ?? [], as: UTF8.self)
        }.joined()
    }

    @Test("the generator repeats exactly for a seed, and the trees differ")
    func generatorIsSeeded() {
        let profile = OpenSSHProfile.resolve(for: .server, software: [], override: "9.2")
        var first = OpenSSHTreeGenerator(seed: 7, profile: profile)
        var second = OpenSSHTreeGenerator(seed: 7, profile: profile)
        let a = (0..<20).map { _ in first.serverTree().files }
        let b = (0..<20).map { _ in second.serverTree().files }
        #expect(a == b)
        #expect(Set(a.map { $0["etc/ssh/sshd_config"] ?? [] }).count > 15)
    }

    @Test(
        "300 random sshd_config trees: sshd -T and sshd -T -C (two connections each) agree with PQScout",
        .enabled(if: OpenSSHNamespaceRunner.unavailable == nil, "needs sshd, ssh, root and unshare --mount"))
    func servers() throws {
        let tally = try Self.compare(program: .server, count: 300, seed: 0x5EED_0013)
        print("OpenSSH differential, sshd: \(tally)")
        #expect(tally.runs >= 900)
        #expect(tally.failures.isEmpty, "\(tally.failures.count) disagreements; first: \(tally.failures.prefix(3))")
    }

    /// A configuration the real program refuses puts nothing in force: the scanner must then report every finding
    /// as not in force, with OpenSSH's reason, and must not say so of a configuration the program accepts.
    static func compareStart(program: OpenSSHProgram, count: Int, seed: UInt64) throws -> Tally {
        let profile = OpenSSHProfile.resolve(for: program, software: machineSoftware, override: nil)
        var generator = OpenSSHTreeGenerator(seed: seed, profile: profile)
        let trees = (0..<count).map { _ in program == .server ? generator.serverTree() : generator.clientTree() }
        let hostKey = try #require(OpenSSHRealBinaryComparisonTests.hostKey, "ssh-keygen could not make a host key")
        let outcomes = try OpenSSHNamespaceRunner.run(trees, program: program, hostKey: hostKey, startOnly: true)
        let main = program == .server ? "etc/ssh/sshd_config" : "etc/ssh/ssh_config"
        let words = program == .server ? "not in force: sshd refuses to start" : "not in force: ssh refuses to run"
        var tally = Tally()
        for (index, tree) in trees.enumerated() {
            let root = try OpenSSHTempRoot(files: [:])
            for (path, bytes) in tree.files { try root.write(path, Data(bytes)) }
            let walked = try TreeWalker().walk(root: root.url.path).get()
            let reader = WalkedTree(files: walked.files, maxFileSize: WalkOptions.defaultMaxFileSize)
            var options = ScanOptions()
            options.localUser = localUser
            let findings = OpenSSHConfigScanner().scan(
                ScanInput(
                    path: ScanPath(main), bytes: tree.files[main] ?? [], options: options,
                    context: ScanContext(tree: reader, software: machineSoftware))
            ).findings
            let real = outcomes[index][0]
            let refused = findings.filter { $0.note?.hasPrefix(words) == true }
            tally.runs += 1
            let agrees: Bool
            if real.status != 0 {
                tally.refusedByBoth += refused.count == findings.count ? 1 : 0
                agrees = !findings.isEmpty && refused.count == findings.count && findings.allSatisfy { !$0.effective }
            } else {
                agrees = refused.isEmpty && findings.contains { $0.effective }
            }
            if agrees {
                tally.agreed += 1
            } else {
                tally.failures.append(
                    "seed \(seed) tree \(index): real status \(real.status) (\(real.error.prefix(200))), "
                        + "\(refused.count) of \(findings.count) findings refused: "
                        + "\(refused.first?.note?.prefix(200) ?? "-")\n\(describe(tree))")
            }
        }
        return tally
    }

    @Test(
        "300 random sshd_config trees: sshd -t refuses to start exactly where PQScout reports nothing in force",
        .enabled(if: OpenSSHNamespaceRunner.unavailable == nil, "needs sshd, ssh, root and unshare --mount"))
    func serversStart() throws {
        let tally = try Self.compareStart(program: .server, count: 300, seed: 0x5EED_0014)
        print("OpenSSH differential, sshd -t: \(tally)")
        #expect(tally.refusedByBoth >= 10, "the generator must produce refused configurations too")
        #expect(tally.failures.isEmpty, "\(tally.failures.count) disagreements; first: \(tally.failures.prefix(3))")
    }

    @Test(
        "210 random ssh_config trees: ssh -G fails exactly where PQScout reports nothing in force",
        .enabled(if: OpenSSHNamespaceRunner.unavailable == nil, "needs sshd, ssh, root and unshare --mount"))
    func clientsStart() throws {
        let tally = try Self.compareStart(program: .client, count: 210, seed: 0xC11E_0014)
        print("OpenSSH differential, ssh -G: \(tally)")
        #expect(tally.refusedByBoth >= 5, "the generator must produce refused configurations too")
        #expect(tally.failures.isEmpty, "\(tally.failures.count) disagreements; first: \(tally.failures.prefix(3))")
    }

    @Test(
        "210 random ssh_config trees: ssh -G (two hosts each) agrees with PQScout",
        .enabled(if: OpenSSHNamespaceRunner.unavailable == nil, "needs sshd, ssh, root and unshare --mount"))
    func clients() throws {
        let tally = try Self.compare(program: .client, count: 210, seed: 0xC11E_0013)
        print("OpenSSH differential, ssh: \(tally)")
        #expect(tally.runs >= 420)
        #expect(tally.skippedByBoth >= 5, "the generator must produce keywords IgnoreUnknown skips")
        #expect(tally.failures.isEmpty, "\(tally.failures.count) disagreements; first: \(tally.failures.prefix(3))")
    }
}
