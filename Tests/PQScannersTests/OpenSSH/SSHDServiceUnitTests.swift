import Foundation
import PQModel
import Testing

@testable import PQScanners

/// RHEL 8 passes its crypto policy to sshd on the command line (`sshd -D $OPTIONS $CRYPTO_POLICY`, the variable set
/// by `EnvironmentFile=-/etc/crypto-policies/back-ends/opensshserver.config`). The oracle is the installed
/// `sshd -T` given the same `-o` words that systemd's expansion makes of the unit (systemd.service(5): `$NAME` split
/// at white space), written out here by hand: systemd itself does not run in a test.
@Suite("sshd started by systemd with -o options (RHEL 8's $CRYPTO_POLICY): the lists sshd -T gives")
struct SSHDServiceUnitTests {
    static let unit = """
        [Unit]
        Description=OpenSSH server daemon

        [Service]
        Type=notify
        EnvironmentFile=-/etc/crypto-policies/back-ends/opensshserver.config
        EnvironmentFile=-/etc/sysconfig/sshd
        ExecStart=/usr/sbin/sshd -D $OPTIONS $CRYPTO_POLICY
        ExecReload=/bin/kill -HUP $MAINPID

        """
    /// The policy's words, as RHEL 8's DEFAULT policy writes them (shortened lists).
    static let policyWords = [
        "-oCiphers=aes256-gcm@openssh.com,chacha20-poly1305@openssh.com,aes256-ctr,aes256-cbc",
        "-oMACs=hmac-sha2-256-etm@openssh.com,hmac-sha1-etm@openssh.com,hmac-sha2-256,hmac-sha1",
        "-oKexAlgorithms=curve25519-sha256,ecdh-sha2-nistp256,diffie-hellman-group14-sha256,diffie-hellman-group14-sha1",
        "-oHostKeyAlgorithms=ecdsa-sha2-nistp256,ssh-ed25519,rsa-sha2-256,rsa-sha2-512,ssh-rsa",
        "-oPubkeyAcceptedKeyTypes=ecdsa-sha2-nistp256,ssh-ed25519,rsa-sha2-256,rsa-sha2-512,ssh-rsa",
        "-oCASignatureAlgorithms=ecdsa-sha2-nistp256,ssh-ed25519,rsa-sha2-256,rsa-sha2-512,ssh-rsa",
    ]
    static var policyFile: String { "CRYPTO_POLICY='\(policyWords.joined(separator: " "))'\n" }
    static let config =
        "Ciphers aes128-ctr\nMACs hmac-sha2-512\nMatch User alice\n    PubkeyAcceptedAlgorithms ssh-ed25519\n"

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let files: [String: String]
        /// The `-o` words systemd would give sshd.
        let words: [String]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "RHEL 8: the policy's -o lines win over sshd_config",
            files: [
                "usr/lib/systemd/system/sshd.service": unit,
                "etc/crypto-policies/back-ends/opensshserver.config": policyFile,
                "etc/sysconfig/sshd": "# To opt-out, uncomment the following line\n# CRYPTO_POLICY=\nOPTIONS=\n",
            ],
            words: policyWords),
        Case(
            name: "opted out in /etc/sysconfig/sshd (CRYPTO_POLICY=): sshd_config decides",
            files: [
                "usr/lib/systemd/system/sshd.service": unit,
                "etc/crypto-policies/back-ends/opensshserver.config": policyFile,
                "etc/sysconfig/sshd": "CRYPTO_POLICY=\n",
            ],
            words: []),
        Case(
            name: "the administrator's unit in /etc/systemd/system, without $CRYPTO_POLICY, wins",
            files: [
                "usr/lib/systemd/system/sshd.service": unit,
                "etc/systemd/system/sshd.service":
                    "[Service]\nExecStart=/usr/sbin/sshd -D -oCiphers=aes128-gcm@openssh.com\n",
                "etc/crypto-policies/back-ends/opensshserver.config": policyFile,
            ],
            words: ["-oCiphers=aes128-gcm@openssh.com"]),
        Case(
            name: "${CRYPTO_POLICY} is one word: sshd takes the first -o and the rest of the list as its value",
            files: [
                "usr/lib/systemd/system/sshd.service":
                    "[Service]\nEnvironment=\"CRYPTO_POLICY=-oMACs=hmac-sha2-256\"\nExecStart=/usr/sbin/sshd -D ${CRYPTO_POLICY}\n"
            ],
            words: ["-oMACs=hmac-sha2-256"]),
        Case(
            name: "a drop-in clears ExecStart and starts sshd with its own -o",
            files: [
                "usr/lib/systemd/system/sshd.service": unit,
                "etc/crypto-policies/back-ends/opensshserver.config": policyFile,
                "etc/systemd/system/sshd.service.d/override.conf":
                    "[Service]\nExecStart=\nExecStart=/usr/sbin/sshd -D -oCiphers=aes128-gcm@openssh.com\n",
            ],
            words: ["-oCiphers=aes128-gcm@openssh.com"]),
        Case(
            name: "a drop-in's empty EnvironmentFile= drops the policy file: $CRYPTO_POLICY is empty",
            files: [
                "usr/lib/systemd/system/sshd.service": unit,
                "etc/crypto-policies/back-ends/opensshserver.config": policyFile,
                "etc/systemd/system/sshd.service.d/no-policy.conf": "[Service]\nEnvironmentFile=\n",
            ],
            words: []),
        Case(
            name: "of two drop-ins with one file name, /etc's is read and /usr/lib's is not",
            files: [
                "usr/lib/systemd/system/sshd.service": unit,
                "etc/crypto-policies/back-ends/opensshserver.config": policyFile,
                "usr/lib/systemd/system/sshd.service.d/10-local.conf":
                    "[Service]\nExecStart=\nExecStart=/usr/sbin/sshd -D -oCiphers=aes128-ctr\n",
                "etc/systemd/system/sshd.service.d/10-local.conf": "[Service]\nEnvironment=OPTIONS=\n",
            ],
            words: policyWords),
        Case(
            name: "drop-ins by file name across directories: /usr/lib's 20- after /etc's 10-",
            files: [
                "usr/lib/systemd/system/sshd.service": unit,
                "etc/systemd/system/sshd.service.d/10-options.conf":
                    "[Service]\nEnvironment=\"OPTIONS=-oMACs=hmac-sha2-512 -oCiphers=aes256-ctr\"\n",
                "usr/lib/systemd/system/sshd.service.d/20-options.conf":
                    "[Service]\nEnvironment=OPTIONS=-oMACs=hmac-sha2-256\n",
            ],
            words: ["-oMACs=hmac-sha2-256"]),
        Case(
            name: "Debian: ssh.service passes SSHD_OPTS from /etc/default/ssh, -o and its value as two words",
            files: [
                "lib/systemd/system/ssh.service":
                    "[Service]\nEnvironmentFile=-/etc/default/ssh\nExecStartPre=/usr/sbin/sshd -t\n"
                    + "ExecStart=/usr/sbin/sshd -D $SSHD_OPTS\nType=notify\n",
                "etc/default/ssh": "# Options to pass to sshd\nSSHD_OPTS=\"-o KexAlgorithms=curve25519-sha256\"\n",
            ],
            words: ["-o", "KexAlgorithms=curve25519-sha256"]),
        Case(name: "no unit: nothing on the command line", files: [:], words: []),
    ]

    @Test("PQScout's lists equal sshd -T's with the same -o words", arguments: cases)
    func sameAsSSHD(_ testCase: Case) throws {
        try #require(OpenSSHRealBinaryComparisonTests.installed, "sshd is not installed")
        let root = try OpenSSHTempRoot(files: testCase.files.merging(["etc/ssh/sshd_config": Self.config]) { $1 })
        defer { try? FileManager.default.removeItem(at: root.url) }
        try FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        let key = try #require(OpenSSHRealBinaryComparisonTests.hostKey)
        for connection in [nil, "user=alice,host=h,addr=10.0.0.1"] {
            var arguments =
                [
                    "-T", "-f", root.url.appendingPathComponent("etc/ssh/sshd_config").path, "-o",
                    "HostKey=\(key)",
                ] + testCase.words
            if let connection { arguments += ["-C", connection] }
            let run = try #require(OpenSSHTestSupport.run(OpenSSHRealBinaryComparisonTests.sshd, arguments))
            try #require(run.status == 0, "sshd -T: \(run.error)")
            var real: [String: String] = [:]
            for line in run.output.split(separator: "\n") {
                let parts = line.split(separator: " ", maxSplits: 1)
                if parts.count == 2 { real[String(parts[0])] = String(parts[1]) }
            }
            let status = try Data(contentsOf: URL(fileURLWithPath: "/var/lib/dpkg/status"))
            let software = InstalledSoftware.parseDpkgStatus(Array(status), sourcePath: InstalledSoftware.dpkgStatus)
            let configuration = OpenSSHConfiguration(
                program: .server, path: ScanPath("etc/ssh/sshd_config"), bytes: Array(Self.config.utf8),
                tree: try root.tree(), profile: OpenSSHProfile.resolve(for: .server, software: software, override: nil))
            var mine: [String: String] = [:]
            for list in configuration.effectiveLists(for: connection.flatMap { OpenSSHConnection(spec: $0) }) {
                mine[list.setting.lowercased()] = list.algorithms.joined(separator: ",")
            }
            for keyword in [
                "ciphers", "macs", "kexalgorithms", "hostkeyalgorithms", "pubkeyacceptedalgorithms",
                "casignaturealgorithms",
            ] {
                #expect(mine[keyword] == real[keyword], "\(testCase.name), \(connection ?? "no Match"): \(keyword)")
            }
        }
    }

    @Test("the unit and drop-ins read, in the order systemd-analyze cat-config gives")
    func dropInOrderAsSystemd() throws {
        let analyze = "/usr/bin/systemd-analyze"
        try #require(FileManager.default.isExecutableFile(atPath: analyze), "systemd-analyze is not installed")
        let files = [
            "usr/lib/systemd/system/sshd.service", "lib/systemd/system/sshd.service.d/05-l.conf",
            "etc/systemd/system/sshd.service.d/10-b.conf", "usr/lib/systemd/system/sshd.service.d/10-b.conf",
            "usr/lib/systemd/system/sshd.service.d/20-a.conf", "run/systemd/system/sshd.service.d/25-r.conf",
            "etc/systemd/system/sshd.service.d/30-c.conf", "usr/local/lib/systemd/system/sshd.service.d/40-u.conf",
            "etc/systemd/system/sshd.service.d/50-notes.txt",
        ]
        let root = try OpenSSHTempRoot(files: Dictionary(uniqueKeysWithValues: files.map { ($0, "[Service]\n") }))
        defer { try? FileManager.default.removeItem(at: root.url) }
        let run = try #require(
            OpenSSHTestSupport.run(analyze, ["--root=\(root.url.path)", "cat-config", "systemd/system/sshd.service"]))
        try #require(run.status == 0, "systemd-analyze: \(run.error)")
        let systemd = run.output.split(separator: "\n").filter { $0.hasPrefix("# /") }.map {
            String($0.dropFirst(2 + root.url.path.count + 1))
        }
        let tree = try root.tree()
        let mine =
            ["usr/lib/systemd/system/sshd.service"]
            + SSHDServiceUnit.dropIns(tree: tree) { ScanPath(ConfigText.rootPattern($0, prefix: "")) }.map(\.display)
        #expect(mine == systemd)
        #expect(mine.count == 7)
    }

    @Test("a unit file there but unreadable: a diagnostic, and no unit further along the load path stands in")
    func unreadableUnit() {
        let tree = MemoryTree(
            contents: [
                ScanPath("usr/lib/systemd/system/sshd.service"): Array(Self.unit.utf8),
                ScanPath("etc/crypto-policies/back-ends/opensshserver.config"): Array(Self.policyFile.utf8),
            ],
            unreadable: [ScanPath("etc/systemd/system/sshd.service")])
        let found = SSHDServiceUnit.options(tree: tree, label: "")
        #expect(found.options.isEmpty)
        #expect(found.diagnostics.map(\.path) == [ScanPath("etc/systemd/system/sshd.service")])
        #expect(found.diagnostics.first?.detail.contains("sshd's systemd unit") == true)
    }

    @Test("an unreadable unit file: nothing of sshd_config is known to be in force, and the note says which file")
    func unreadableUnitLeavesInForceUnknown() {
        let tree = MemoryTree(
            contents: [
                ScanPath("usr/lib/systemd/system/sshd.service"): Array(Self.unit.utf8),
                ScanPath("etc/ssh/sshd_config"): Array(Self.config.utf8),
            ],
            unreadable: [ScanPath("etc/systemd/system/sshd.service")])
        let output = OpenSSHConfigScanner().scan(
            ScanInput(
                path: ScanPath("etc/ssh/sshd_config"), bytes: Array(Self.config.utf8),
                options: ScanOptions(opensshVersion: "9.2"), context: ScanContext(tree: tree)))
        #expect(!output.findings.isEmpty)
        #expect(
            output.findings.allSatisfy {
                !$0.effective
                    && ($0.note ?? "").hasPrefix(
                        "not known to be in force: PQScout did not read etc/systemd/system/sshd.service (there, but "
                            + "it cannot be read), which gives sshd -o options, so what sshd uses is unknown")
            })
    }

    @Test("an environment file there but unreadable: a diagnostic naming it; the unit's own -o options stand")
    func unreadableEnvironmentFile() {
        let policy = ScanPath("etc/crypto-policies/back-ends/opensshserver.config")
        let tree = MemoryTree(
            contents: [
                ScanPath("usr/lib/systemd/system/sshd.service"): Array(
                    Self.unit.replacingOccurrences(of: "$OPTIONS", with: "-oMACs=hmac-sha2-512").utf8)
            ],
            unreadable: [policy])
        let found = SSHDServiceUnit.options(tree: tree, label: "")
        #expect(found.options.map(\.line.keyword) == ["MACs"])
        #expect(found.diagnostics.map(\.path) == [policy])
        #expect(found.diagnostics.first?.detail.contains("an environment file of sshd's systemd unit") == true)
    }

    @Test("the findings of the policy's lines point at the file that set CRYPTO_POLICY")
    func findingsPointAtThePolicy() throws {
        let root = try OpenSSHTempRoot(files: [
            "usr/lib/systemd/system/sshd.service": Self.unit,
            "etc/crypto-policies/back-ends/opensshserver.config": Self.policyFile,
            "etc/ssh/sshd_config": Self.config,
        ])
        defer { try? FileManager.default.removeItem(at: root.url) }
        let output = OpenSSHConfigScanner().scan(
            ScanInput(
                path: ScanPath("etc/ssh/sshd_config"), bytes: Array(Self.config.utf8),
                options: ScanOptions(opensshVersion: "8.0"), context: ScanContext(tree: try root.tree())))
        let ciphers = output.findings.filter { $0.setting.lowercased() == "ciphers" && $0.effective }
        #expect(ciphers.map(\.algorithm).contains("aes256-cbc"))
        #expect(ciphers.allSatisfy { $0.path == ScanPath("etc/crypto-policies/back-ends/opensshserver.config") })
        #expect(!ciphers.contains { $0.algorithm == "aes128-ctr" })
        #expect(
            ciphers.allSatisfy {
                $0.note?.hasPrefix(
                    "given to sshd as -o on its command line by usr/lib/systemd/system/sshd.service (ExecStart)")
                    == true
            })
    }

    @Test("a unit naming one environment file 20,000 times, and 20,000 files: a bounded number of reads")
    func environmentFileBomb() throws {
        let one =
            "[Service]\n" + String(repeating: "EnvironmentFile=-/etc/sysconfig/sshd\n", count: 20_000)
            + "ExecStart=/usr/sbin/sshd -D $CRYPTO_POLICY\n"
        let many =
            "[Service]\n" + (0..<20_000).map { "EnvironmentFile=-/etc/e\($0)\n" }.joined()
            + "ExecStart=/usr/sbin/sshd -D $CRYPTO_POLICY\n"
        for unit in [one, many] {
            let reads = CountingTree(contents: [
                ScanPath("usr/lib/systemd/system/sshd.service"): Array(unit.utf8),
                ScanPath("etc/sysconfig/sshd"): Array("CRYPTO_POLICY='-oCiphers=aes128-ctr'\n".utf8),
            ])
            let options = SSHDServiceUnit.options(tree: reads, label: "").options
            #expect(
                reads.count
                    <= SSHDServiceUnit.maxEnvironmentFiles + SSHDServiceUnit.unitDirectories.count
                    * SSHDServiceUnit.unitNames.count)
            if unit == one { #expect(options.map(\.line.keyword) == ["Ciphers"]) }
        }
    }

    @Test("200 drop-ins: the first 32 by file name are read")
    func dropInBomb() {
        var contents: [ScanPath: [UInt8]] = [
            ScanPath("usr/lib/systemd/system/sshd.service"): Array(Self.unit.utf8)
        ]
        for number in 0..<200 {
            let name = String(repeating: "0", count: 3 - String(number).count) + String(number)
            contents[ScanPath("etc/systemd/system/sshd.service.d/\(name).conf")] = Array("[Service]\n".utf8)
        }
        let read = SSHDServiceUnit.dropIns(tree: MemoryTree(contents: contents)) {
            ScanPath(ConfigText.rootPattern($0, prefix: ""))
        }
        #expect(read.count == SSHDServiceUnit.maxDropIns)
        #expect(read.last == ScanPath("etc/systemd/system/sshd.service.d/031.conf"))
    }

    /// A tree over a dictionary that counts its reads.
    final class CountingTree: TreeReader, @unchecked Sendable {
        let contents: [ScanPath: [UInt8]]
        private(set) var count = 0
        init(contents: [ScanPath: [UInt8]]) { self.contents = contents }
        func files(matching pattern: String) -> [ScanPath] { [] }
        func read(_ path: ScanPath) -> Result<[UInt8], Diagnostic> {
            count += 1
            guard let bytes = contents[path] else {
                return .failure(Diagnostic(path: path, reason: .unreadable, detail: "absent"))
            }
            return .success(bytes)
        }
    }

    @Test("environment files: quotes, comments, the last assignment; command lines: quotes, $ and ${}")
    func parsing() {
        let file = KeyValueFile.assignments(
            Array("# c\nA='x y'\nB=\"a \\\"q\\\" b\"\nA=z\n; c\nexport C=1\n".utf8))
        #expect(file["A"]?.value == "z" && file["A"]?.line == 4)
        #expect(file["B"]?.value == "a \"q\" b")
        #expect(file["C"]?.value == "1")
        #expect(
            SSHDServiceUnit.words("/usr/sbin/sshd -D '-oA=b c' \"-o\" x") == [
                "/usr/sbin/sshd", "-D", "-oA=b c", "-o", "x",
            ])
    }
}
