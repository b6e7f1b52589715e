import Foundation
import PQModel
import Testing

@testable import PQScanners

/// One configuration both PQScout and the installed OpenSSH evaluate. `@ROOT@` in a file stands for the scan
/// root: the real binaries see the temp directory's absolute path, PQScout sees `/` inside its tree.
struct OpenSSHVariant: Sendable, CustomTestStringConvertible {
    let name: String
    let program: OpenSSHProgram
    let files: [String: String]
    /// `user=U,host=H,addr=A` for sshd -C; the host name for ssh -G.
    let connection: String?

    var testDescription: String { name }
    var mainFile: String { program == .server ? "etc/ssh/sshd_config" : "etc/ssh/ssh_config" }

    static func server(_ name: String, _ config: String, extra: [String: String] = [:], connection: String? = nil)
        -> OpenSSHVariant
    {
        OpenSSHVariant(
            name: "sshd: " + name, program: .server, files: extra.merging(["etc/ssh/sshd_config": config]) { $1 },
            connection: connection)
    }

    static func client(_ name: String, _ config: String, extra: [String: String] = [:], host: String)
        -> OpenSSHVariant
    {
        OpenSSHVariant(
            name: "ssh: " + name, program: .client, files: extra.merging(["etc/ssh/ssh_config": config]) { $1 },
            connection: host)
    }
}

/// Issue 3, acceptance point 5: PQScout's effective lists equal `sshd -T` and `ssh -G` of the installed OpenSSH.
@Suite("OpenSSH effective lists match the installed sshd -T and ssh -G")
struct OpenSSHRealBinaryComparisonTests {
    static let sshd = "/usr/sbin/sshd"
    static let ssh = "/usr/bin/ssh"
    static var installed: Bool {
        FileManager.default.isExecutableFile(atPath: sshd) && FileManager.default.isExecutableFile(atPath: ssh)
    }

    static let policy = """
        Ciphers aes256-gcm@openssh.com,chacha20-poly1305@openssh.com,aes256-ctr,aes128-gcm@openssh.com,aes128-ctr
        MACs hmac-sha2-256-etm@openssh.com,hmac-sha1-etm@openssh.com,umac-128-etm@openssh.com,hmac-sha2-512-etm@openssh.com
        GSSAPIKexAlgorithms gss-curve25519-sha256-,gss-nistp256-sha256-,gss-group14-sha256-,gss-group16-sha512-
        KexAlgorithms curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,diffie-hellman-group-exchange-sha256,diffie-hellman-group14-sha256,diffie-hellman-group16-sha512
        HostKeyAlgorithms ecdsa-sha2-nistp256,ecdsa-sha2-nistp256-cert-v01@openssh.com,sk-ecdsa-sha2-nistp256@openssh.com,ssh-ed25519,rsa-sha2-256,rsa-sha2-512
        PubkeyAcceptedAlgorithms ecdsa-sha2-nistp256,sk-ecdsa-sha2-nistp256@openssh.com,ssh-ed25519,rsa-sha2-256,rsa-sha2-512
        CASignatureAlgorithms ecdsa-sha2-nistp256,sk-ecdsa-sha2-nistp256@openssh.com,ssh-ed25519,rsa-sha2-256,rsa-sha2-512
        RequiredRSASize 2048

        """

    static let variants: [OpenSSHVariant] = [
        .server("empty file: every list is the default", "# nothing\n"),
        .server("explicit KexAlgorithms", "KexAlgorithms curve25519-sha256,ecdh-sha2-nistp256\n"),
        .server("+ appends to the default", "KexAlgorithms +diffie-hellman-group14-sha1\n"),
        .server("- removes with a wildcard", "KexAlgorithms -ecdh-sha2-*,diffie-hellman-group1*\n"),
        .server("^ puts first", "KexAlgorithms ^curve25519-sha256\n"),
        .server("- on Ciphers", "Ciphers -aes*-ctr\n"),
        .server("+ on Ciphers with CBC", "Ciphers +aes128-cbc,3des-cbc\n"),
        .server("^ on MACs", "MACs ^hmac-sha2-512\n"),
        .server("- on MACs by wildcard", "MACs -*-etm@openssh.com\n"),
        .server("HostKeyAlgorithms +ssh-rsa", "HostKeyAlgorithms +ssh-rsa\n"),
        .server("wildcards in an explicit key list", "HostKeyAlgorithms ssh-ed25519*,rsa-sha2-*\n"),
        .server("old PubkeyAcceptedKeyTypes alias", "PubkeyAcceptedKeyTypes +ssh-rsa,ssh-dss\n"),
        .server("no certificates", "PubkeyAcceptedAlgorithms -*-cert-v01@openssh.com\n"),
        .server("HostbasedAcceptedAlgorithms", "HostbasedAcceptedAlgorithms ssh-ed25519,ecdsa-sha2-nistp256\n"),
        .server("CASignatureAlgorithms ^", "CASignatureAlgorithms ^ssh-rsa\n"),
        .server("first value wins", "Ciphers aes256-ctr\nCiphers aes128-ctr\nKexAlgorithms curve25519-sha256\n"),
        .server("case and = in keywords", "kexALGORITHMS = curve25519-sha256\nciphers=aes256-gcm@openssh.com\n"),
        .server("CRLF line ends", "KexAlgorithms curve25519-sha256\r\nMACs hmac-sha2-256\r\n"),
        .server("odd spacing", "   \tKexAlgorithms\t\t curve25519-sha256  \n  MACs   =   hmac-sha2-512  \n"),
        .server("quoted argument", "KexAlgorithms \"curve25519-sha256,ecdh-sha2-nistp384\"\n"),
        .server("comment after a value", "Ciphers aes256-ctr # strongest CTR only\n"),
        .server(
            "Include glob, sorted, first wins",
            "Include @ROOT@/etc/ssh/sshd_config.d/*.conf\nKexAlgorithms ecdh-sha2-nistp521\n",
            extra: [
                "etc/ssh/sshd_config.d/20-b.conf": "KexAlgorithms curve25519-sha256\n",
                "etc/ssh/sshd_config.d/10-a.conf": "Ciphers aes128-ctr\nKexAlgorithms ecdh-sha2-nistp256\n",
            ]),
        .server(
            "nested Include", "Include @ROOT@/etc/ssh/one.conf\n",
            extra: [
                "etc/ssh/one.conf": "Include @ROOT@/etc/ssh/two.conf\nMACs hmac-sha2-512\n",
                "etc/ssh/two.conf": "MACs hmac-sha2-256\nCiphers +aes256-cbc\n",
            ]),
        .server(
            "Include of an empty directory", "Include @ROOT@/etc/ssh/sshd_config.d/*.conf\nCiphers aes256-ctr\n"),
        .server(
            "Match User, matching connection",
            "Match User backup\n  PubkeyAcceptedAlgorithms ssh-ed25519\n  RequiredRSASize 4096\n",
            connection: "user=backup,host=h.example.org,addr=192.0.2.7"),
        .server(
            "Match User, other user", "Match User backup\n  PubkeyAcceptedAlgorithms ssh-ed25519\n",
            connection: "user=alice,host=h.example.org,addr=192.0.2.7"),
        .server(
            "Match Address CIDR",
            "CASignatureAlgorithms ssh-ed25519\nMatch Address 10.0.0.0/8\n  CASignatureAlgorithms +ssh-rsa\n",
            connection: "user=alice,host=h.example.org,addr=10.1.2.3"),
        .server(
            "Match Host with negation",
            "Match Host *.example.org,!bad.example.org\n  HostbasedAcceptedAlgorithms ssh-ed25519\n",
            connection: "user=alice,host=good.example.org,addr=192.0.2.7"),
        .server(
            "Match Host negated away",
            "Match Host *.example.org,!bad.example.org\n  HostbasedAcceptedAlgorithms ssh-ed25519\n",
            connection: "user=alice,host=bad.example.org,addr=192.0.2.7"),
        .server(
            "Match all, then a later Match",
            "Match all\n  PubkeyAcceptedAlgorithms rsa-sha2-512\nMatch User root\n"
                + "  PubkeyAcceptedAlgorithms ssh-ed25519\n",
            connection: "user=root,host=h,addr=192.0.2.1"),
        .server(
            "Match inside an included file ends with the file",
            "Include @ROOT@/etc/ssh/match.conf\nPubkeyAcceptedAlgorithms rsa-sha2-512,ssh-ed25519\n",
            extra: ["etc/ssh/match.conf": "Match User bob\n  PubkeyAcceptedAlgorithms ssh-ed25519\n"],
            connection: "user=bob,host=h,addr=192.0.2.1"),
        .server(
            "crypto-policies back-end included",
            "Include @ROOT@/etc/ssh/sshd_config.d/*.conf\n",
            extra: [
                "etc/ssh/sshd_config.d/50-redhat.conf":
                    "Include @ROOT@/etc/crypto-policies/back-ends/opensshserver.config\n",
                "etc/crypto-policies/back-ends/opensshserver.config": policy,
            ]),
        .server(
            "crypto-policies with a local override first",
            "Include @ROOT@/etc/ssh/sshd_config.d/*.conf\n",
            extra: [
                "etc/ssh/sshd_config.d/40-pq.conf":
                    "KexAlgorithms sntrup761x25519-sha512@openssh.com,curve25519-sha256\n",
                "etc/ssh/sshd_config.d/50-redhat.conf":
                    "Include @ROOT@/etc/crypto-policies/back-ends/opensshserver.config\n",
                "etc/crypto-policies/back-ends/opensshserver.config": policy,
            ]),
        .server("GSSAPIKexAlgorithms as written", "GSSAPIKexAlgorithms gss-curve25519-sha256-,gss-group14-sha256-\n"),
        .server("Protocol and RequiredRSASize", "Protocol 2\nRequiredRSASize 3072\n"),
        .client("empty file", "# nothing\n", host: "server.example.org"),
        .client(
            "Host block matching", "Host *.corp\n  KexAlgorithms curve25519-sha256\n  Ciphers aes256-ctr\n",
            host: "db.corp"),
        .client("Host block not matching", "Host *.corp\n  KexAlgorithms curve25519-sha256\n", host: "db.example.org"),
        .client(
            "specific Host before Host *", "Host legacy\n  Ciphers +aes128-cbc\nHost *\n  Ciphers aes256-ctr\n",
            host: "legacy"),
        .client(
            "Host * for others", "Host legacy\n  Ciphers +aes128-cbc\nHost *\n  Ciphers aes256-ctr\n", host: "modern"),
        .client(
            "Host negation", "Host *.corp !legacy.corp\n  MACs hmac-sha2-512\n", host: "legacy.corp"),
        .client("Match host", "Match host *.example.org\n  MACs ^hmac-sha1\n", host: "www.example.org"),
        .client("Match all", "Match all\n  HostKeyAlgorithms +ssh-rsa\n", host: "anything"),
        .client(
            "Include in a Host block", "Host *.corp\n  Include @ROOT@/etc/ssh/ssh_config.d/*.conf\n",
            extra: ["etc/ssh/ssh_config.d/pq.conf": "KexAlgorithms ^sntrup761x25519-sha512@openssh.com\n"],
            host: "a.corp"),
        .client(
            "CRLF and = with PubkeyAcceptedKeyTypes",
            "PubkeyAcceptedKeyTypes=+ssh-rsa\r\nCASignatureAlgorithms -rsa*\r\n",
            host: "h"),
        .client(
            "crypto-policies client back-end",
            "Include @ROOT@/etc/crypto-policies/back-ends/openssh.config\n",
            extra: [
                "etc/crypto-policies/back-ends/openssh.config": policy.replacingOccurrences(
                    of: "RequiredRSASize 2048\n", with: "")
            ],
            host: "h"),
    ]

    static let keywords = [
        "kexalgorithms", "hostkeyalgorithms", "pubkeyacceptedalgorithms", "hostbasedacceptedalgorithms",
        "casignaturealgorithms", "ciphers", "macs", "gssapikexalgorithms",
    ]

    /// The host key sshd -T needs, made once.
    static let hostKey: String? = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pqscout-sshd-hostkey")
        let key = dir.appendingPathComponent("ssh_host_ed25519_key").path
        if FileManager.default.fileExists(atPath: key) { return key }
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        guard let made = OpenSSHTestSupport.run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", key]),
            made.status == 0
        else { return nil }
        return key
    }()

    @Test("the suite has at least 30 variants, servers and clients")
    func enoughVariants() {
        #expect(Self.variants.count >= 30)
        #expect(Self.variants.contains { $0.program == .client })
    }

    @Test(
        "PQScout's effective lists equal the installed OpenSSH's",
        .enabled(if: installed, "needs sshd and ssh (apt-get install openssh-server openssh-client)"),
        arguments: variants)
    func compare(variant: OpenSSHVariant) throws {
        // The real binaries read the files with @ROOT@ as the temp directory; PQScout reads them with / as root.
        let realRoot = try OpenSSHTempRoot(files: [:])
        for (path, text) in variant.files {
            try realRoot.write(path, Data(text.replacingOccurrences(of: "@ROOT@", with: realRoot.url.path).utf8))
        }
        let scoutRoot = try OpenSSHTempRoot(
            files: variant.files.mapValues { $0.replacingOccurrences(of: "@ROOT@", with: "") })
        let real = try realLists(variant, root: realRoot)
        let mine = try scoutLists(variant, root: scoutRoot)
        for keyword in Self.keywords {
            #expect(mine[keyword] == real[keyword], "\(keyword) differs for \(variant.name)")
        }
        if let realSize = real["requiredrsasize"] {
            #expect(mine["requiredrsasize"] == realSize, "RequiredRSASize differs")
        }
    }

    func realLists(_ variant: OpenSSHVariant, root: OpenSSHTempRoot) throws -> [String: String] {
        let main = root.url.appendingPathComponent(variant.mainFile).path
        let result: (status: Int32, output: String, error: String)?
        switch variant.program {
        case .server:
            try FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
            let key = try #require(Self.hostKey, "ssh-keygen could not make a host key")
            var arguments = ["-T", "-f", main, "-o", "HostKey=\(key)"]
            if let connection = variant.connection { arguments += ["-C", connection] }
            result = OpenSSHTestSupport.run(Self.sshd, arguments)
        case .client:
            result = OpenSSHTestSupport.run(Self.ssh, ["-G", "-F", main, variant.connection ?? "h"])
        }
        let run = try #require(result, "could not start OpenSSH")
        try #require(run.status == 0, "OpenSSH rejected the variant: \(run.error)")
        var lists: [String: String] = [:]
        for line in run.output.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1)
            guard parts.count == 2 else { continue }
            lists[String(parts[0])] = String(parts[1])
        }
        return lists
    }

    private func scoutLists(_ variant: OpenSSHVariant, root: OpenSSHTempRoot) throws -> [String: String] {
        let status = try Data(contentsOf: URL(fileURLWithPath: "/var/lib/dpkg/status"))
        let software = InstalledSoftware.parseDpkgStatus(Array(status), sourcePath: InstalledSoftware.dpkgStatus)
        let profile = OpenSSHProfile.resolve(for: variant.program, software: software, override: nil)
        let configuration = OpenSSHConfiguration(
            program: variant.program, path: ScanPath(variant.mainFile), bytes: try root.bytes(variant.mainFile),
            tree: try root.tree(), profile: profile)
        #expect(configuration.loadDiagnostics.isEmpty, "\(configuration.loadDiagnostics)")
        let connection: OpenSSHConnection?
        switch variant.program {
        case .server: connection = variant.connection.flatMap { OpenSSHConnection(spec: $0) }
        case .client: connection = OpenSSHConnection(host: variant.connection)
        }
        var lists: [String: String] = [:]
        for list in configuration.effectiveLists(for: connection) {
            lists[list.setting.lowercased()] = list.algorithms.joined(separator: ",")
        }
        if let size = configuration.requiredRSASize(for: connection) { lists["requiredrsasize"] = String(size.bits) }
        return lists
    }
}

extension OpenSSHRealBinaryComparisonTests {
    @Test(
        "the comparison can fail: the 10.0 defaults differ from the installed 9.2's",
        .enabled(if: installed, "needs sshd and ssh (apt-get install openssh-server openssh-client)"))
    func comparisonDetectsDifferences() throws {
        let variant = OpenSSHVariant.server("defaults", "# nothing\n")
        let root = try OpenSSHTempRoot(files: variant.files)
        let real = try realLists(variant, root: root)
        let profile = try #require(OpenSSHProfile(version: OpenSSHVersion(major: 10, minor: 0)))
        let configuration = OpenSSHConfiguration(
            program: .server, path: ScanPath(variant.mainFile), bytes: try root.bytes(variant.mainFile),
            tree: try root.tree(), profile: profile)
        let kex = configuration.effectiveLists(for: nil).first { $0.setting == "KexAlgorithms" }
        #expect(kex?.algorithms.joined(separator: ",") != real["kexalgorithms"])
    }
}
