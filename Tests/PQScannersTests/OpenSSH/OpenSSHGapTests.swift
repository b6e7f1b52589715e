import Foundation
import PQModel
import Testing

@testable import PQScanners

/// Issue 13: one test per gap, each built from the minimal case. The expected values are what Debian 12's
/// OpenSSH 9.2 prints for the same files (`sshd -T`, `ssh -G`); the differential suite checks them against the
/// real programs on random trees.
@Suite("OpenSSH gaps of issue 13, each from its minimal case")
struct OpenSSHGapTests {
    typealias T = OpenSSHTestSupport

    /// Debian 12's openssh-server, as its dpkg database names it: the GSSAPI key-exchange patch is in the build.
    static let debian = [
        Software(name: "openssh-server", version: "1:9.2p1-2+deb12u10", sourcePath: ScanPath("var/lib/dpkg/status")),
        Software(name: "openssh-client", version: "1:9.2p1-2+deb12u10", sourcePath: ScanPath("var/lib/dpkg/status")),
    ]

    static func configuration(
        _ root: OpenSSHTempRoot, _ path: String, program: OpenSSHProgram, software: [Software] = debian
    ) throws -> OpenSSHConfiguration {
        OpenSSHConfiguration(
            program: program, path: ScanPath(path), bytes: try root.bytes(path), tree: try root.tree(),
            profile: OpenSSHProfile.resolve(for: program, software: software, override: nil))
    }

    static func list(_ configuration: OpenSSHConfiguration, _ setting: String, _ connection: OpenSSHConnection?)
        -> [String]
    {
        configuration.effectiveLists(for: connection).first { $0.setting == setting }?.algorithms ?? []
    }

    // MARK: - Gap 1: the blank-connection Match pass

    @Test("gap 1: without a connection, Match all still applies (sshd -T prints requiredrsasize 3072)")
    func blankConnectionPass() throws {
        let root = try OpenSSHTempRoot(files: [
            "etc/ssh/sshd_config":
                "RequiredRSASize 4096\nPubkeyAcceptedAlgorithms ssh-ed25519,rsa-sha2-512\nMatch all\n"
                + "    RequiredRSASize 3072\n    PubkeyAcceptedAlgorithms ssh-ed25519\nMatch User backup\n"
                + "    RequiredRSASize 8192\n"
        ])
        let configuration = try Self.configuration(root, "etc/ssh/sshd_config", program: .server)
        #expect(configuration.requiredRSASize(for: nil)?.bits == 3072)
        #expect(Self.list(configuration, "PubkeyAcceptedAlgorithms", nil) == ["ssh-ed25519"])
        // Every connection gets Match all first; the later Match User block cannot override it (first value wins).
        #expect(
            configuration.requiredRSASize(for: OpenSSHConnection(spec: "user=alice,host=h,addr=1.2.3.4"))?.bits == 3072)
        #expect(
            configuration.requiredRSASize(for: OpenSSHConnection(spec: "user=backup,host=h,addr=1.2.3.4"))?.bits == 3072
        )
        let output = try T.scan(root, "etc/ssh/sshd_config", software: Self.debian, version: nil)
        let sizes = output.findings.filter { $0.setting == "RequiredRSASize" }
        #expect(sizes.first { $0.keyBits == 4096 }?.effective == false)
        #expect(sizes.first { $0.keyBits == 4096 }?.note?.contains("Match all") == true)
        #expect(sizes.first { $0.keyBits == 3072 }?.effective == true)
    }

    // MARK: - Gap 2: Match Group

    static let accounts: [String: String] = [
        "etc/passwd": "root:x:0:0::/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\n"
            + "bob:x:1001:50::/home/bob:/bin/bash\n",
        "etc/group": "root:x:0:\nwheel:x:10:alice\nstaff:x:50:\nalice:x:1000:\n",
    ]

    @Test("gap 2: Match Group reads the tree's passwd (primary group) and group (members)")
    func matchGroup() throws {
        let config = "Match Group wheel\n    RequiredRSASize 3072\nMatch Group staff,!wheel\n    RequiredRSASize 4096\n"
        let root = try OpenSSHTempRoot(files: Self.accounts.merging(["etc/ssh/sshd_config": config]) { $1 })
        let configuration = try Self.configuration(root, "etc/ssh/sshd_config", program: .server)
        let alice = OpenSSHConnection(spec: "user=alice,host=h,addr=192.0.2.1")
        let bob = OpenSSHConnection(spec: "user=bob,host=h,addr=192.0.2.1")
        let nobody = OpenSSHConnection(spec: "user=nobody,host=h,addr=192.0.2.1")
        #expect(configuration.requiredRSASize(for: alice)?.bits == 3072)  // supplementary group wheel
        #expect(configuration.requiredRSASize(for: bob)?.bits == 4096)  // primary group staff (gid 50)
        #expect(configuration.requiredRSASize(for: nobody)?.bits == 1024)  // not in passwd: no group matches
        let output = try T.scan(root, "etc/ssh/sshd_config")
        #expect(!output.diagnostics.contains { $0.detail.contains("Match Group") })
    }

    @Test("gap 2: without etc/passwd and etc/group, Match Group is a diagnostic")
    func matchGroupWithoutAccounts() throws {
        let root = try OpenSSHTempRoot(files: ["etc/ssh/sshd_config": "Match Group wheel\n    RequiredRSASize 3072\n"])
        let output = try T.scan(root, "etc/ssh/sshd_config")
        let diagnostic = output.diagnostics.first { $0.detail.contains("Match Group cannot be evaluated") }
        #expect(diagnostic?.detail.hasPrefix("line 1:") == true)
    }

    // MARK: - Gap 3: ssh's Host, Hostname, User and localuser

    @Test("gap 3: Host patterns are case-sensitive (Host BASTION does not apply to bastion)")
    func hostCaseSensitive() throws {
        let root = try OpenSSHTempRoot(files: ["etc/ssh/ssh_config": "Host BASTION\n    Ciphers aes128-ctr\n"])
        let configuration = try Self.configuration(root, "etc/ssh/ssh_config", program: .client)
        #expect(Self.list(configuration, "Ciphers", OpenSSHConnection(host: "bastion")) != ["aes128-ctr"])
        #expect(Self.list(configuration, "Ciphers", OpenSSHConnection(host: "BASTION")) == ["aes128-ctr"])
    }

    @Test("gap 3: Match host tests the name after Hostname; User feeds Match user; --local-user feeds localuser")
    func hostnameUserLocalUser() throws {
        let root = try OpenSSHTempRoot(files: [
            "etc/ssh/ssh_config":
                "Hostname %h.example.org\nUser git\nMatch host alias.example.org\n    Ciphers aes128-ctr\n"
                + "Match user git\n    MACs hmac-sha2-512\nMatch localuser operator\n    KexAlgorithms curve25519-sha256\n"
        ])
        let configuration = try Self.configuration(root, "etc/ssh/ssh_config", program: .client)
        let connection = OpenSSHConnection(host: "alias", localUser: "operator")
        #expect(Self.list(configuration, "Ciphers", connection) == ["aes128-ctr"])
        #expect(Self.list(configuration, "MACs", connection) == ["hmac-sha2-512"])
        #expect(Self.list(configuration, "KexAlgorithms", connection) == ["curve25519-sha256"])
        // ssh -l wins over the User line; another local user does not match localuser.
        let other = OpenSSHConnection(user: "bob", host: "alias", localUser: "root")
        #expect(Self.list(configuration, "MACs", other) != ["hmac-sha2-512"])
        #expect(Self.list(configuration, "KexAlgorithms", other) != ["curve25519-sha256"])
    }

    @Test("gap 3: Match final runs a second pass with the lower-cased host name")
    func finalPass() throws {
        let root = try OpenSSHTempRoot(files: [
            "etc/ssh/ssh_config": "Host short\n    Hostname REAL.example.org\nMatch final host real.example.org\n"
                + "    Ciphers aes256-ctr\nHost real.example.org\n    MACs hmac-sha2-256\n"
        ])
        let configuration = try Self.configuration(root, "etc/ssh/ssh_config", program: .client)
        let connection = OpenSSHConnection(host: "short", localUser: "root")
        #expect(Self.list(configuration, "Ciphers", connection) == ["aes256-ctr"])
        // In the final pass Host lines test the final host name.
        #expect(Self.list(configuration, "MACs", connection) == ["hmac-sha2-256"])
    }

    @Test("gap 3: the scan's client view takes the local user (--local-user)")
    func scanLocalUser() throws {
        let root = try OpenSSHTempRoot(files: [
            "etc/ssh/ssh_config": "Match localuser operator\n    Ciphers aes256-ctr\n"
        ])
        func ciphers(_ user: String) throws -> [Finding] {
            let input = ScanInput(
                path: ScanPath("etc/ssh/ssh_config"), bytes: try root.bytes("etc/ssh/ssh_config"),
                options: ScanOptions(opensshVersion: "9.2", localUser: user),
                context: ScanContext(tree: try root.tree()))
            return OpenSSHConfigScanner().scan(input).findings.filter { $0.setting == "Ciphers" }
        }
        // For operator the block holds everywhere: its line wins and no default is in force.
        #expect(try ciphers("operator").filter(\.effective).map(\.algorithm) == ["aes256-ctr"])
        // For anyone else the block is a context of its own and the defaults stay in force.
        #expect(try ciphers("someone").contains { $0.origin == .default && $0.effective })
    }

    // MARK: - Gap 4: Debian's GSSAPI key exchange is off by default

    @Test("gap 4: gss-* methods are listed but not in force unless GSSAPIKeyExchange yes; SHA-1 ones say so")
    func gssapiOffByDefault() throws {
        let root = try OpenSSHTempRoot(files: ["etc/ssh/sshd_config": "# defaults\n"])
        let output = try T.scan(root, "etc/ssh/sshd_config", software: Self.debian, version: nil)
        let gss = output.findings.filter { $0.setting == "GSSAPIKexAlgorithms" }
        #expect(gss.count == 6)
        #expect(gss.allSatisfy { !$0.effective && ($0.note ?? "").contains("GSSAPIKeyExchange is no") })
        let sha1 = gss.filter { ($0.note ?? "").contains("SHA-1") }.map(\.algorithm).sorted()
        #expect(sha1 == ["gss-gex-sha1-", "gss-group14-sha1-"])
        #expect(gss.allSatisfy { $0.canonical != nil })
        let on = try OpenSSHTempRoot(files: ["etc/ssh/sshd_config": "GSSAPIKeyExchange yes\n"])
        let enabled = try T.scan(on, "etc/ssh/sshd_config", software: Self.debian, version: nil)
        #expect(enabled.findings.filter { $0.setting == "GSSAPIKexAlgorithms" }.allSatisfy { $0.effective })
    }

    // MARK: - Gap 5: refusals and runtime failures

    @Test("gap 5: a list emptied by - makes every connection fail; sshd -T still prints the default")
    func emptiedCiphers() throws {
        let root = try OpenSSHTempRoot(files: ["etc/ssh/sshd_config": "Ciphers -chacha*,aes*\n"])
        let configuration = try Self.configuration(root, "etc/ssh/sshd_config", program: .server)
        let ciphers = configuration.effectiveLists(for: nil).first { $0.setting == "Ciphers" }
        #expect(
            ciphers?.algorithms
                == OpenSSHProfile.resolve(for: .server, software: Self.debian, override: nil)
                .release.serverCiphers)
        #expect(ciphers?.note?.contains("every connection fails") == true)
        let output = try T.scan(root, "etc/ssh/sshd_config")
        #expect(output.diagnostics.contains { $0.detail.hasPrefix("line 1: Ciphers emptied by -chacha*,aes*") })
        #expect(!output.findings.contains { $0.setting == "Ciphers" && $0.effective })
    }

    @Test("gap 5: PubkeyAcceptedAlgorithms -* is rebuilt to the default; inside a Match it stays empty")
    func pubkeyRebuilt() throws {
        let root = try OpenSSHTempRoot(files: [
            "etc/ssh/sshd_config": "PubkeyAcceptedAlgorithms -*\nMatch User locked\n    PubkeyAcceptedAlgorithms -*\n"
        ])
        let configuration = try Self.configuration(root, "etc/ssh/sshd_config", program: .server)
        let defaults = OpenSSHProfile.resolve(for: .server, software: Self.debian, override: nil).release.publicKey
        #expect(Self.list(configuration, "PubkeyAcceptedAlgorithms", nil) == defaults)
        #expect(
            Self.list(
                configuration, "PubkeyAcceptedAlgorithms", OpenSSHConnection(spec: "user=locked,host=h,addr=1.2.3.4"))
                == [])
        let output = try T.scan(root, "etc/ssh/sshd_config")
        let rebuilt = output.findings.filter { $0.setting == "PubkeyAcceptedAlgorithms" && $0.origin == .default }
        #expect(rebuilt.count == defaults.count)
        #expect(rebuilt.allSatisfy { $0.effective && ($0.note ?? "").contains("rebuilds it to the default") })
    }

    @Test("gap 5: CASignatureAlgorithms with certificate types only: sshd refuses to start")
    func caSignatureCertificates() throws {
        let root = try OpenSSHTempRoot(files: [
            "etc/ssh/sshd_config": "CASignatureAlgorithms *-cert-v01@openssh.com\n"
        ])
        let configuration = try Self.configuration(root, "etc/ssh/sshd_config", program: .server)
        #expect(configuration.refusals(for: nil).contains { $0.contains("invalid argument") })
        let output = try T.scan(root, "etc/ssh/sshd_config")
        #expect(output.diagnostics.contains { $0.detail.contains("no algorithm left") })
        // A certificate name beside a signature name is accepted and dropped, as sshd does.
        let mixed = try OpenSSHTempRoot(files: [
            "etc/ssh/sshd_config": "CASignatureAlgorithms ssh-ed25519,ssh-ed25519-cert-v01@openssh.com\n"
        ])
        let accepted = try Self.configuration(mixed, "etc/ssh/sshd_config", program: .server)
        #expect(accepted.refusals(for: nil).isEmpty)
        #expect(Self.list(accepted, "CASignatureAlgorithms", nil) == ["ssh-ed25519"])
    }

    @Test("gap 5: a UTF-8 byte-order mark at the start is a refusal, in OpenSSH's words")
    func byteOrderMark() throws {
        let root = try OpenSSHTempRoot(files: [:])
        try root.write("etc/ssh/sshd_config", Data([0xEF, 0xBB, 0xBF] + Array("Ciphers aes128-ctr\n".utf8)))
        let configuration = try Self.configuration(root, "etc/ssh/sshd_config", program: .server)
        #expect(
            configuration.refusals(for: nil) == [
                "etc/ssh/sshd_config line 1: Bad configuration option: \\357\\273\\277ciphers"
            ])
        let output = try T.scan(root, "etc/ssh/sshd_config")
        #expect(output.diagnostics.contains { $0.detail.contains("byte-order mark") })
    }

    @Test("gap 5: a server-only keyword in ssh_config makes ssh refuse the whole file")
    func serverKeywordInClient() throws {
        let root = try OpenSSHTempRoot(files: ["etc/ssh/ssh_config": "HostbasedAcceptedKeyTypes ssh-ed25519\n"])
        let configuration = try Self.configuration(root, "etc/ssh/ssh_config", program: .client)
        #expect(
            configuration.refusals(for: nil).contains {
                $0.contains("Bad configuration option: hostbasedacceptedkeytypes")
            })
        let output = try T.scan(root, "etc/ssh/ssh_config")
        #expect(output.diagnostics.contains { $0.detail.contains("ssh refuses the whole file") })
        // The client's own alias is fine.
        let alias = try OpenSSHTempRoot(files: ["etc/ssh/ssh_config": "HostbasedKeyTypes ssh-ed25519\n"])
        #expect(try Self.configuration(alias, "etc/ssh/ssh_config", program: .client).refusals(for: nil).isEmpty)
    }

    @Test("gap 5: a global-only keyword inside Match makes sshd refuse to start")
    func globalKeywordInMatch() throws {
        let root = try OpenSSHTempRoot(files: ["etc/ssh/sshd_config": "Match User x\n    GSSAPIKeyExchange yes\n"])
        let output = try T.scan(root, "etc/ssh/sshd_config")
        #expect(
            output.diagnostics.contains {
                $0.detail.contains("Directive 'GSSAPIKeyExchange' is not allowed within a Match block")
            })
    }

    @Test("gap 5: an unknown Match criterion or one without its value makes sshd refuse to start")
    func badMatch() throws {
        let root = try OpenSSHTempRoot(files: [
            "etc/ssh/sshd_config": "Match Colour blue\n    RequiredRSASize 3072\nMatch User\n    RequiredRSASize 4096\n"
        ])
        let configuration = try Self.configuration(root, "etc/ssh/sshd_config", program: .server)
        #expect(
            configuration.badServerMatches() == [
                "etc/ssh/sshd_config line 1: Unsupported Match attribute Colour",
                "etc/ssh/sshd_config line 3: Missing Match criteria for User",
            ])
        let output = try T.scan(root, "etc/ssh/sshd_config")
        #expect(output.diagnostics.filter { $0.detail.contains("Bad Match condition") }.count == 2)
    }

    // MARK: - Gap 6: files sshd does not read

    @Test("gap 6: a dpkg-old drop-in is inventoried as not effective, with the reason; read drop-ins are not doubled")
    func unreadDropIns() throws {
        let root = try OpenSSHTempRoot(files: [
            "etc/ssh/sshd_config": "Include /etc/ssh/sshd_config.d/*.conf\n",
            "etc/ssh/sshd_config.d/10-pq.conf": "KexAlgorithms sntrup761x25519-sha512@openssh.com\n",
            "etc/ssh/sshd_config.d/40-weak.conf.dpkg-old":
                "KexAlgorithms diffie-hellman-group1-sha1\nCiphers 3des-cbc\nMACs hmac-md5\n",
            "etc/ssh/sshd_config.d/README": "Ciphers aes128-cbc\n",
        ])
        let old = try T.scan(root, "etc/ssh/sshd_config.d/40-weak.conf.dpkg-old")
        #expect(Set(old.findings.map(\.algorithm)) == ["diffie-hellman-group1-sha1", "3des-cbc", "hmac-md5"])
        #expect(old.findings.allSatisfy { !$0.effective })
        #expect(old.findings.allSatisfy { ($0.note ?? "").contains("sshd does not read this file") })
        #expect(old.findings.allSatisfy { ($0.note ?? "").contains("dpkg-old") })
        let readme = try T.scan(root, "etc/ssh/sshd_config.d/README")
        #expect(readme.findings.map(\.algorithm) == ["aes128-cbc"])
        #expect(readme.findings.first?.effective == false)
        let read = try T.scan(root, "etc/ssh/sshd_config.d/10-pq.conf")
        #expect(read.findings.isEmpty)
    }

    // MARK: - Gap 7: moduli

    @Test("gap 7: moduli prime sizes are findings; 1024-bit primes are broken")
    func moduliSizes() throws {
        let prime = String(repeating: "F", count: 256)
        let moduli =
            "#    $OpenBSD: moduli,v 1.33\n"
            + "20230101000000 2 6 100 1023 2 \(prime)\n20230101000000 2 6 100 1023 5 \(prime)\n"
            + "20230101000000 2 6 100 3071 2 \(prime)\n"
        let root = try OpenSSHTempRoot(files: ["etc/ssh/moduli": moduli])
        let output = try T.scan(root, "etc/ssh/moduli")
        #expect(output.findings.map(\.keyBits) == [1024, 3072])
        #expect(output.findings.first?.quantumStatus == .broken)
        #expect(output.findings.first?.line == 2)
        #expect(output.findings.first?.note?.hasPrefix("2 prime(s)") == true)
        #expect(output.findings.last?.quantumStatus == .vulnerable)
    }

    @Test("gap 7: DH group exchange enabled with no moduli file is a finding; with the file it is not")
    func moduliMissing() throws {
        let root = try OpenSSHTempRoot(files: ["etc/ssh/sshd_config": "# defaults include DH-GEX\n"])
        let output = try T.scan(root, "etc/ssh/sshd_config")
        #expect(output.findings.contains { $0.setting == "moduli" && ($0.note ?? "").contains("falls back") })
        let present = try OpenSSHTempRoot(files: [
            "etc/ssh/sshd_config": "# defaults\n", "etc/ssh/moduli": "# empty\n",
        ])
        #expect(!(try T.scan(present, "etc/ssh/sshd_config")).findings.contains { $0.setting == "moduli" })
        let noGEX = try OpenSSHTempRoot(files: ["etc/ssh/sshd_config": "KexAlgorithms curve25519-sha256\n"])
        #expect(!(try T.scan(noGEX, "etc/ssh/sshd_config")).findings.contains { $0.setting == "moduli" })
    }
}

/// Issue 21, item 1: an Include fan-out cannot hold a scan.
@Suite("OpenSSH Include fan-out is bounded")
struct OpenSSHIncludeBombTests {
    typealias T = OpenSSHTestSupport

    /// `sshd_config` includes `d/*.conf`; each of `count` drop-ins includes the same glob again.
    static func selfIncludingTree(_ count: Int, program: OpenSSHProgram) throws -> OpenSSHTempRoot {
        let main = program == .server ? "etc/ssh/sshd_config" : "etc/ssh/ssh_config"
        var files = [main: "Include /etc/ssh/d/*.conf\n"]
        for index in 0..<count {
            files["etc/ssh/d/\(index).conf"] = "Include /etc/ssh/d/*.conf\nCiphers aes128-ctr\n"
        }
        return try OpenSSHTempRoot(files: files)
    }

    @Test(
        "N=10 self-including drop-ins: one refusal diagnostic, done in well under 10 s",
        arguments: [
            OpenSSHProgram.server, .client,
        ])
    func cycleFanOut(program: OpenSSHProgram) throws {
        let root = try Self.selfIncludingTree(10, program: program)
        let main = program == .server ? "etc/ssh/sshd_config" : "etc/ssh/ssh_config"
        let started = Date()
        let output = try T.scan(root, main)
        let configuration = try OpenSSHGapTests.configuration(root, main, program: program)
        _ = configuration.effectiveLists(for: program == .client ? OpenSSHConnection(host: "h") : nil)
        let elapsed = Date().timeIntervalSince(started)
        #expect(elapsed < 10, "took \(elapsed) s")
        #expect(
            output.diagnostics.filter { $0.detail.contains("Too many recursive configuration includes") }.count == 1)
        #expect(configuration.refusals(for: nil).contains { $0.contains("Too many recursive configuration includes") })
        #expect(configuration.files.count <= 11)
    }

    @Test("drop-ins of a configuration whose includes were cut short are not called unread")
    func dropInsOfABomb() throws {
        var files = ["etc/ssh/sshd_config": "Include /etc/ssh/sshd_config.d/*.conf\n"]
        for index in 0..<10 {
            files["etc/ssh/sshd_config.d/\(index).conf"] = "Include /etc/ssh/sshd_config.d/*.conf\nMACs hmac-md5\n"
        }
        let root = try OpenSSHTempRoot(files: files)
        for index in 0..<10 {
            let output = try T.scan(root, "etc/ssh/sshd_config.d/\(index).conf")
            #expect(output.findings.isEmpty && output.diagnostics.isEmpty)
        }
    }

    @Test("a fan-out without a cycle (10 files each including the next 10, 5 levels) stops at the read budget")
    func acyclicFanOut() throws {
        var files = ["etc/ssh/sshd_config": "Include /etc/ssh/l0/*.conf\n"]
        for level in 0..<5 {
            for index in 0..<10 {
                files["etc/ssh/l\(level)/\(index).conf"] =
                    (level < 4 ? "Include /etc/ssh/l\(level + 1)/*.conf\n" : "") + "MACs hmac-sha2-256\n"
            }
        }
        let root = try OpenSSHTempRoot(files: files)
        let started = Date()
        let output = try T.scan(root, "etc/ssh/sshd_config")
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(output.diagnostics.contains { $0.reason == .tooLarge && $0.detail.contains("included files") })
    }
}
