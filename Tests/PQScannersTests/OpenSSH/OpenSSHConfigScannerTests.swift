import Foundation
import PQModel
import Testing

@testable import PQScanners

@Suite("OpenSSH config scanner: findings, contexts, versions and bad input")
struct OpenSSHConfigScannerTests {
    typealias T = OpenSSHTestSupport

    @Test("every example behaves as it says", arguments: OpenSSHConfigScanner().examples.indices)
    func examples(index: Int) {
        let example = OpenSSHConfigScanner().examples[index]
        let scanner = OpenSSHConfigScanner()
        let path = ScanPath(example.path)
        guard scanner.claim(path: path, head: example.contents[...]) != .none else {
            #expect(!example.expectsFindings, "\(example.name) not claimed")
            return
        }
        let output = scanner.scan(ScanInput(path: path, bytes: example.contents))
        #expect(output.findings.isEmpty == !example.expectsFindings, "\(example.name)")
        #expect(output.diagnostics.isEmpty == !example.expectsDiagnostic, "\(example.name): \(output.diagnostics)")
        for name in example.expectedAlgorithms {
            #expect(output.findings.contains { $0.algorithm == name && $0.effective }, "\(example.name): \(name)")
        }
    }

    @Test("claims sshd_config, ssh_config, ~/.ssh/config, drop-ins and moduli by name only")
    func claims() {
        let scanner = OpenSSHConfigScanner()
        #expect(scanner.claim(path: ScanPath("etc/ssh/sshd_config"), head: []) == .name)
        #expect(scanner.claim(path: ScanPath("etc/ssh/ssh_config"), head: []) == .name)
        #expect(scanner.claim(path: ScanPath("home/alice/.ssh/config"), head: []) == .name)
        #expect(scanner.claim(path: ScanPath("etc/ssh/sshd_config.d/10-pq.conf"), head: []) == .name)
        #expect(scanner.claim(path: ScanPath("etc/ssh/moduli"), head: []) == .name)
        #expect(scanner.claim(path: ScanPath("etc/ssh/sshd_config.d/sub/x.conf"), head: []) == .none)
        #expect(scanner.claim(path: ScanPath("etc/app/config"), head: []) == .none)
        #expect(OpenSSHConfigScanner.role(of: ScanPath("home/alice/.ssh/config"))?.home == ScanPath("home/alice"))
    }

    @Test("one finding per effective algorithm with the line that set it; defaults marked with the version")
    func findingsPerAlgorithm() throws {
        let root = try OpenSSHTempRoot(files: [
            "etc/ssh/sshd_config": "# header\nKexAlgorithms mlkem768x25519-sha256,curve25519-sha256\n"
        ])
        let output = try T.scan(root, "etc/ssh/sshd_config", version: "10.0")
        let kex = output.findings.filter { $0.setting == "KexAlgorithms" }
        #expect(kex.map(\.algorithm) == ["mlkem768x25519-sha256", "curve25519-sha256"])
        #expect(kex.allSatisfy { $0.line == 2 && $0.origin == .file && $0.effective && $0.source == .openssh })
        #expect(kex.first?.quantumStatus == .hybrid)
        #expect(kex.last?.quantumStatus == .vulnerable)
        let ciphers = output.findings.filter { $0.setting == "Ciphers" }
        #expect(
            ciphers.map(\.algorithm) == OpenSSHReleases.release(for: OpenSSHVersion(major: 10, minor: 0))?.serverCiphers
        )
        #expect(
            ciphers.allSatisfy { $0.origin == .default && $0.line == nil && ($0.note ?? "").contains("OpenSSH 10.0") })
        #expect(output.diagnostics.isEmpty, "\(output.diagnostics)")
    }

    @Test("sntrup761 is hybrid; a kex list with no PQ option stays vulnerable")
    func statuses() throws {
        let root = try OpenSSHTempRoot(files: [
            "etc/ssh/sshd_config": "KexAlgorithms sntrup761x25519-sha512@openssh.com\n",
            "etc/ssh/ssh_config": "KexAlgorithms curve25519-sha256,ecdh-sha2-nistp256,diffie-hellman-group14-sha256\n",
        ])
        let server = try T.scan(root, "etc/ssh/sshd_config")
        #expect(server.findings.first { $0.setting == "KexAlgorithms" }?.quantumStatus == .hybrid)
        let client = try T.scan(root, "etc/ssh/ssh_config")
        let kex = client.findings.filter { $0.setting == "KexAlgorithms" }
        #expect(kex.count == 3)
        #expect(kex.allSatisfy { $0.quantumStatus == .vulnerable })
    }

    @Test("a name the OpenSSH in force does not know is a diagnostic, not silently kept")
    func deadConfig() throws {
        let root = try OpenSSHTempRoot(files: [
            "etc/ssh/sshd_config": "KexAlgorithms mlkem768x25519-sha256,curve25519-sha256\n"
        ])
        let output = try T.scan(root, "etc/ssh/sshd_config", version: "9.2")
        let diagnostic = try #require(output.diagnostics.first)
        #expect(diagnostic.path == ScanPath("etc/ssh/sshd_config"))
        #expect(diagnostic.detail.contains("line 1"))
        #expect(diagnostic.detail.contains("not supported by OpenSSH 9.2"))
        let mlkem = try #require(output.findings.first { $0.algorithm == "mlkem768x25519-sha256" })
        #expect(!mlkem.effective)
        #expect(mlkem.note?.contains("dead config") == true)
    }

    @Test("the version comes from the tree's dpkg database before --openssh-version")
    func versionFromPackages() throws {
        let root = try OpenSSHTempRoot(files: [
            "etc/ssh/sshd_config": "\n",
            "var/lib/dpkg/status": """
            Package: openssh-server
            Status: install ok installed
            Version: 1:9.2p1-2+deb12u10

            Package: openssh-client
            Status: deinstall ok config-files
            Version: 1:8.4p1-5

            """,
        ])
        let tree = try root.tree()
        let read = InstalledSoftware.read(from: tree)
        #expect(read.software.map(\.name) == ["openssh-server"])
        let output = try T.scan(root, "etc/ssh/sshd_config", software: read.software, version: "10.0")
        let kex = output.findings.filter { $0.setting == "KexAlgorithms" }
        #expect(kex.first?.algorithm == "sntrup761x25519-sha512", "Debian's deb12u4+ backport of the IANA name")
        #expect(kex.first?.note?.contains("1:9.2p1-2+deb12u10 (var/lib/dpkg/status)") == true)
    }

    @Test("with no version anywhere the assumption is written on each default finding")
    func assumedVersion() throws {
        let root = try OpenSSHTempRoot(files: ["etc/ssh/sshd_config": "\n"])
        let output = try T.scan(root, "etc/ssh/sshd_config", version: nil)
        let defaults = output.findings.filter { $0.origin == .default }
        #expect(!defaults.isEmpty)
        #expect(defaults.allSatisfy { ($0.note ?? "").contains("version assumed") })
    }

    @Test("Match blocks are contexts; a later duplicate is not effective")
    func contextsAndDuplicates() throws {
        let root = try OpenSSHTempRoot(files: [
            "etc/ssh/sshd_config": """
            Ciphers aes256-gcm@openssh.com
            Ciphers aes128-ctr
            Match User backup
                PubkeyAcceptedAlgorithms +ssh-rsa

            """
        ])
        let output = try T.scan(root, "etc/ssh/sshd_config")
        let ciphers = output.findings.filter { $0.setting == "Ciphers" }
        #expect(ciphers.map(\.effective) == [true, false])
        #expect(ciphers.last?.note?.contains("line 1") == true)
        let rsa = try #require(output.findings.first { $0.algorithm == "ssh-rsa" })
        #expect(rsa.context == "Match User backup")
        #expect(rsa.effective)
        #expect(rsa.quantumStatus == .broken)
    }

    @Test("a keyword sshd refuses inside Match stops sshd: that line and every other finding are not in force")
    func refusedInMatch() throws {
        let root = try OpenSSHTempRoot(files: [
            "etc/ssh/sshd_config": """
            Ciphers aes256-gcm@openssh.com
            Match User backup
                PubkeyAcceptedAlgorithms +ssh-rsa
                KexAlgorithms curve25519-sha256

            """
        ])
        let output = try T.scan(root, "etc/ssh/sshd_config")
        let kexInMatch = output.findings.filter { $0.setting == "KexAlgorithms" && $0.context != nil }
        #expect(!kexInMatch.isEmpty)
        #expect(kexInMatch.allSatisfy { ($0.note ?? "").contains("not allowed inside Match") })
        #expect(
            output.diagnostics.contains {
                $0.detail.contains("line 4") && $0.detail.contains("not allowed inside Match")
            })
        // sshd -t: "Directive 'KexAlgorithms' is not allowed within a Match block"; nothing runs.
        #expect(output.findings.contains { $0.setting == "Ciphers" && $0.origin == .file })
        #expect(output.findings.contains { $0.origin == .default })
        #expect(
            output.findings.allSatisfy {
                !$0.effective
                    && ($0.note ?? "").hasPrefix(
                        "not in force: sshd refuses to start with this configuration: etc/ssh/sshd_config line 4: "
                            + "Directive 'KexAlgorithms' is not allowed within a Match block")
            })
    }

    @Test("Include resolves absolute paths in the root and relative ones from /etc/ssh, in sorted order")
    func includes() throws {
        let root = try OpenSSHTempRoot(files: [
            "etc/ssh/sshd_config": "Include /etc/ssh/sshd_config.d/*.conf\nInclude extra.conf\n",
            "etc/ssh/sshd_config.d/20-late.conf": "KexAlgorithms curve25519-sha256\n",
            "etc/ssh/sshd_config.d/10-early.conf": "\n\nKexAlgorithms sntrup761x25519-sha512@openssh.com\n",
            "etc/ssh/extra.conf": "MACs hmac-sha2-512-etm@openssh.com\n",
        ])
        let output = try T.scan(root, "etc/ssh/sshd_config")
        let kex = output.findings.filter { $0.setting == "KexAlgorithms" }
        #expect(kex.map(\.effective) == [true, false])
        #expect(kex.first?.path == ScanPath("etc/ssh/sshd_config.d/10-early.conf"))
        #expect(kex.first?.line == 3)
        #expect(output.findings.contains { $0.setting == "MACs" && $0.path == ScanPath("etc/ssh/extra.conf") })
    }

    @Test("ssh_config: relative includes of a user's config are under ~/.ssh; Host blocks are contexts")
    func userConfig() throws {
        let root = try OpenSSHTempRoot(files: [
            "home/alice/.ssh/config": "Host *.corp\n    Include corp.conf\n",
            "home/alice/.ssh/corp.conf": "Ciphers aes256-ctr\n",
        ])
        let output = try T.scan(root, "home/alice/.ssh/config")
        let cipher = try #require(output.findings.first { $0.setting == "Ciphers" })
        #expect(cipher.path == ScanPath("home/alice/.ssh/corp.conf"))
        #expect(cipher.context == "Host *.corp")
        #expect(!output.findings.contains { $0.origin == .default }, "a user's config inherits the system defaults")
    }

    @Test("HostKey links to the key file's asset, with type and size")
    func hostKeys() throws {
        let root = try OpenSSHTempRoot(files: ["etc/ssh/sshd_config": "HostKey /etc/ssh/ssh_host_ed25519_key\n"])
        try root.write(
            "etc/ssh/ssh_host_ed25519_key.pub",
            Data("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIzS4uXhrvWps7pFpiL7CkAcVTAx3z94TddlORYtKv+y root@h\n".utf8))
        let output = try T.scan(root, "etc/ssh/sshd_config")
        let hostKey = try #require(output.findings.first { $0.setting == "HostKey" })
        let keyOutput = SSHKeyScanner().scan(
            ScanInput(
                path: ScanPath("etc/ssh/ssh_host_ed25519_key.pub"),
                bytes: try root.bytes("etc/ssh/ssh_host_ed25519_key.pub")))
        #expect(hostKey.asset != nil)
        #expect(hostKey.asset == keyOutput.assets.first?.id)
        #expect(hostKey.canonical == "Ed25519")
        #expect(hostKey.keyBits == 256)
        #expect(hostKey.line == 1)
    }

    /// Several roots scanned at once are named `1-a/...`, `2-b/...`: an absolute path in a config is looked up
    /// under the config's own root (before, every such HostKey was "not in the scanned tree" and a present moduli
    /// file was reported missing).
    @Test("with several roots, HostKey and the moduli file are found under the config's own root")
    func severalRoots() throws {
        let config = "HostKey /etc/ssh/ssh_host_ed25519_key\nKexAlgorithms diffie-hellman-group-exchange-sha256\n"
        let root = try OpenSSHTempRoot(files: [
            "1-a/etc/ssh/sshd_config": config, "1-a/etc/ssh/moduli": "",
            "2-b/etc/ssh/sshd_config": config,
        ])
        let key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIzS4uXhrvWps7pFpiL7CkAcVTAx3z94TddlORYtKv+y root@h\n"
        try root.write("1-a/etc/ssh/ssh_host_ed25519_key.pub", Data(key.utf8))
        let first = try T.scan(root, "1-a/etc/ssh/sshd_config")
        #expect(first.findings.first { $0.setting == "HostKey" }?.canonical == "Ed25519")
        #expect(!first.diagnostics.contains { $0.detail.contains("not in the scanned tree") })
        #expect(!first.findings.contains { $0.setting == "moduli" }, "1-a has its moduli file")
        // The other root has neither: its own files decide, not the first root's.
        let second = try T.scan(root, "2-b/etc/ssh/sshd_config")
        #expect(second.diagnostics.contains { $0.detail.contains("HostKey /etc/ssh/ssh_host_ed25519_key") })
        #expect(second.findings.contains { $0.setting == "moduli" })
    }

    @Test("RequiredRSASize and Protocol 1 are findings")
    func rsaSizeAndProtocol() throws {
        let root = try OpenSSHTempRoot(files: ["etc/ssh/sshd_config": "Protocol 2,1\nRequiredRSASize 1024\n"])
        let output = try T.scan(root, "etc/ssh/sshd_config")
        let size = try #require(output.findings.first { $0.setting == "RequiredRSASize" })
        #expect(size.keyBits == 1024)
        #expect(size.quantumStatus == .broken)
        let proto = try #require(output.findings.first { $0.setting == "Protocol" })
        #expect(proto.algorithm == "SSH-1")
        #expect(proto.quantumStatus == .broken)
        #expect(proto.line == 1)
    }

    @Test(
        "bad input is one diagnostic with file and line, and the scan goes on",
        arguments: [
            ("binary", "KexAlgorithms curve25519-sha256\n\u{0}\u{1}\u{2}garbage", "binary content"),
            ("no argument", "Ciphers aes256-ctr\nKexAlgorithms\n", "line 2: no argument"),
            ("bad quotes", "KexAlgorithms \"curve25519-sha256\n", "line 1: unbalanced quotes"),
            ("include cycle", "Include /etc/ssh/sshd_config\nCiphers aes256-ctr\n", "line 1: Include cycle"),
            ("include missing", "Include /etc/ssh/nothing.conf\n", "line 1: Include /etc/ssh/nothing.conf"),
        ])
    func badInput(name: String, config: String, expected: String) throws {
        let root = try OpenSSHTempRoot(files: ["etc/ssh/sshd_config": config])
        let output = try T.scan(root, "etc/ssh/sshd_config")
        let matching = output.diagnostics.filter { $0.detail.contains(expected) }
        #expect(matching.count == 1, "\(name): \(output.diagnostics)")
        #expect(matching.first?.path == ScanPath("etc/ssh/sshd_config"))
        #expect(!output.findings.isEmpty, "defaults still reported")
    }

    @Test("a file PQScout does not read whole (a NUL byte, a long or non-UTF-8 line) leaves nothing known in force")
    func unreadLeavesInForceUnknown() throws {
        // What the real sshd makes of a NUL: it reads the line up to the NUL and joins the next line to it, so the
        // comment swallows "Ciphers aes128-ctr" and sshd keeps its default ciphers. Skipping the NUL line would
        // have reported aes128-ctr in force.
        let withNUL = "# note\u{0}junk\nCiphers aes128-ctr\nKexAlgorithms curve25519-sha256\n"
        let root = try OpenSSHTempRoot(files: ["etc/ssh/sshd_config": withNUL])
        if let key = OpenSSHRealBinaryComparisonTests.hostKey,
            FileManager.default.isExecutableFile(atPath: "/usr/sbin/sshd")
        {
            try? FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
            let real = try #require(
                OpenSSHTestSupport.run(
                    "/usr/sbin/sshd",
                    ["-T", "-f", root.url.appendingPathComponent("etc/ssh/sshd_config").path, "-o", "HostKey=\(key)"]))
            let ciphers = real.output.split(separator: "\n").first { $0.hasPrefix("ciphers ") }
            #expect(ciphers != nil && ciphers != "ciphers aes128-ctr", "sshd -T: \(real.output.prefix(300))")
        }
        let output = try T.scan(root, "etc/ssh/sshd_config")
        #expect(!output.findings.isEmpty)
        #expect(
            output.findings.allSatisfy {
                !$0.effective
                    && ($0.note ?? "").hasPrefix(
                        "not known to be in force: PQScout did not read etc/ssh/sshd_config from line 1 on (a NUL "
                            + "byte), which sshd reads")
            })

        // A line that is not UTF-8: unknown, unless it is a comment, which OpenSSH ignores whatever its bytes.
        let latin1Comment: [UInt8] = Array("# M".utf8) + [0xFC] + Array("ller\nCiphers aes256-ctr\n".utf8)
        let latin1Value: [UInt8] = Array("Banner /etc/issue.".utf8) + [0xFC] + Array("\nCiphers aes256-ctr\n".utf8)
        for (bytes, known) in [(latin1Comment, true), (latin1Value, false)] {
            let other = try OpenSSHTempRoot(files: [:])
            try other.write("etc/ssh/sshd_config", Data(bytes))
            let scanned = try T.scan(other, "etc/ssh/sshd_config")
            let ciphers = try #require(scanned.findings.first { $0.setting == "Ciphers" && $0.origin == .file })
            #expect(ciphers.effective == known)
            #expect(
                (ciphers.note ?? "").hasPrefix(
                    "not known to be in force: PQScout did not read etc/ssh/sshd_config line 1 (not UTF-8 text)")
                    == !known)
        }
    }

    @Test("a 10 MB line is one diagnostic; the lines after it still count")
    func hugeLine() throws {
        let huge = "KexAlgorithms " + String(repeating: "a", count: 10 * 1024 * 1024) + "\n"
        let root = try OpenSSHTempRoot(files: ["etc/ssh/sshd_config": huge + "Ciphers aes256-ctr\n"])
        let output = try T.scan(root, "etc/ssh/sshd_config")
        #expect(output.diagnostics.count == 1)
        #expect(output.diagnostics.first?.detail.hasPrefix("line 1:") == true)
        #expect(output.findings.contains { $0.setting == "Ciphers" && $0.line == 2 && $0.algorithm == "aes256-ctr" })
    }

    @Test("an Include of /dev/zero or a link out of the tree is a diagnostic, not a read")
    func includeOfDevice() throws {
        let root = try OpenSSHTempRoot(files: [
            "etc/ssh/sshd_config": "Include /etc/ssh/zero.conf\nCiphers aes256-ctr\n"
        ])
        try FileManager.default.createSymbolicLink(
            atPath: root.url.appendingPathComponent("etc/ssh/zero.conf").path, withDestinationPath: "/dev/zero")
        let output = try T.scan(root, "etc/ssh/sshd_config")
        #expect(output.diagnostics.count == 1, "\(output.diagnostics)")
        #expect(output.diagnostics.first?.detail.hasPrefix("line 1: Include /etc/ssh/zero.conf") == true)
        #expect(output.findings.contains { $0.algorithm == "aes256-ctr" && $0.effective })
    }

    @Test("a directive only a newer OpenSSH knows is a diagnostic")
    func unknownKeyword() throws {
        let root = try OpenSSHTempRoot(files: ["etc/ssh/sshd_config": "RequiredRSASize 3072\n"])
        let output = try T.scan(root, "etc/ssh/sshd_config", version: "8.9")
        #expect(
            output.diagnostics.contains {
                $0.detail
                    == "line 1: RequiredRSASize not supported by OpenSSH 8.9 (dead config; sshd refuses to start with it)"
            })
    }

    /// sshd stops at a keyword its release does not know (servconf.c `parse_token`: "Bad configuration option",
    /// then "terminating"), inside a Match block too: the diagnostic said so, but the findings were in force.
    @Test("a keyword the release does not know puts nothing in force, as its diagnostic says")
    func unknownKeywordRefuses() throws {
        let cases: [(String, String, String)] = [
            ("RequiredRSASize 3072\n", "8.9", "Bad configuration option: RequiredRSASize"),
            ("Match User backup\n    RequiredRSASize 2048\n", "8.9", "Bad configuration option: RequiredRSASize"),
            ("KexAlgorithm curve25519-sha256\n", "9.2", "Bad configuration option: KexAlgorithm"),
        ]
        for (text, version, reason) in cases {
            let root = try OpenSSHTempRoot(files: ["etc/ssh/sshd_config": "Ciphers aes256-ctr\n" + text])
            let output = try T.scan(root, "etc/ssh/sshd_config", version: version)
            #expect(!output.findings.isEmpty)
            #expect(
                output.findings.allSatisfy {
                    !$0.effective && $0.note?.hasPrefix("not in force: sshd refuses to start") == true
                        && $0.note?.contains(reason) == true
                }, "\(text): \(output.findings.first?.note ?? "")")
            #expect(output.diagnostics.contains { $0.detail.contains("sshd refuses to start") }, "\(text)")
        }
    }

    /// ssh skips an unknown keyword that the first `IgnoreUnknown` in force before it names (readconf.c
    /// `parse_token`, `match_pattern_list`), and refuses any other. Each case's outcome is what ssh 9.2's `ssh -G`
    /// printed here; the random trees of OpenSSHDifferentialTests compare more with the real ssh.
    @Test("IgnoreUnknown: ssh skips the unknown keywords it names, from where it is in force")
    func ignoreUnknownPatterns() throws {
        let cases: [(String, Bool)] = [
            ("IgnoreUnknown KexAlgorithm\nKexAlgorithm curve25519-sha256\n", true),
            ("IgnoreUnknown KEXALG*\nKexAlgorithm curve25519-sha256\n", true),
            ("IgnoreUnknown permitrootlogin\nPermitRootLogin no\n", true),
            ("IgnoreUnknown \"foo,kex*\"\nKexAlgorithm curve25519-sha256\n", true),
            ("IgnoreUnknown *,!kexalgorithm\nKexAlgorithm curve25519-sha256\n", false),
            ("KexAlgorithm curve25519-sha256\nIgnoreUnknown *\n", false),
            ("Host other\nIgnoreUnknown *\nHost *\nKexAlgorithm curve25519-sha256\n", false),
            ("IgnoreUnknown foo\nIgnoreUnknown *\nKexAlgorithm curve25519-sha256\n", false),
            ("Match final\nIgnoreUnknown *\nHost *\nKexAlgorithm curve25519-sha256\n", false),
        ]
        for (text, runs) in cases {
            let root = try OpenSSHTempRoot(files: ["etc/ssh/ssh_config": "Ciphers aes256-ctr\n" + text])
            let output = try T.scan(root, "etc/ssh/ssh_config", version: "9.2")
            let ciphers = try #require(output.findings.first { $0.setting == "Ciphers" }, "\(text)")
            #expect(ciphers.effective == runs, "\(text): \(ciphers.note ?? "")")
            let refusal = output.diagnostics.contains { $0.detail.contains("ssh refuses") }
            let skip = output.diagnostics.contains { $0.detail.contains("ssh skips it, as the IgnoreUnknown") }
            #expect(refusal != runs && skip == runs, "\(text): \(output.diagnostics.map(\.detail))")
        }
    }

    @Test("the experimental PQ host key type counts from OpenSSH 10.4 and is dead config before")
    func postQuantumHostKeyType() throws {
        let root = try OpenSSHTempRoot(files: [
            "etc/ssh/sshd_config": "HostKeyAlgorithms ^ssh-mldsa44-ed25519@openssh.com\n"
        ])
        let new = try T.scan(root, "etc/ssh/sshd_config", version: "10.4")
        let first = try #require(new.findings.first { $0.setting == "HostKeyAlgorithms" })
        #expect(first.algorithm == "ssh-mldsa44-ed25519@openssh.com")
        #expect(first.canonical == "ML-DSA-44+Ed25519-SHA512")
        #expect(first.quantumStatus == .hybrid || first.quantumStatus == .resistant)
        #expect(first.effective)
        let old = try T.scan(root, "etc/ssh/sshd_config", version: "9.9")
        #expect(old.diagnostics.contains { $0.detail.contains("not supported by OpenSSH 9.9") })
    }

    /// In a scan of several roots a system path is looked up under the including file's label, and `..` stops at
    /// that label: an Include cannot climb into another root's files.
    @Test("an Include under a root label resolves inside that root, and .. stops at it")
    func includeUnderRootLabel() {
        let loader = OpenSSHConfigLoader(tree: nil, program: .server)
        #expect(loader.resolve("/etc/ssh/sshd_config.d/*.conf", label: "1-web") == "1-web/etc/ssh/sshd_config.d/*.conf")
        #expect(loader.resolve("extra.conf", label: "1-web") == "1-web/etc/ssh/extra.conf")
        #expect(loader.resolve("/../../2-db/etc/ssh/x", label: "1-web") == "1-web/2-db/etc/ssh/x")
        #expect(loader.resolve("/../etc/ssh/x") == "etc/ssh/x")
    }
}
