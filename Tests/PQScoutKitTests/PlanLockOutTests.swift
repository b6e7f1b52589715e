import Foundation
import PQModel
import PQScoutKit
import Testing

/// Lock-out cases (issue 16): a tree where a peer needs an old algorithm, written the way operators write it (a
/// `Host`/`Match` block, a vhost, a conn, a Postfix policy entry). Each is scanned, planned, `all.patch` is applied
/// with the real `patch -p1`, and the real tool for that peer (`ssh -G`, `sshd -T -C`, `openssl ciphers`,
/// `postconf`) must still show an algorithm the peer supports. Each case also checks that the patch did change
/// something nearby, so a plan that patches nothing cannot pass.
@Suite("Plan lock-outs: after all.patch every known peer keeps an algorithm it supports (real tools)")
struct PlanLockOutTests {
    typealias Support = PlanUseCaseTests

    static let ssh = "/usr/bin/ssh"
    static let sshd = "/usr/sbin/sshd"
    static let openssl = "/usr/bin/openssl"
    static var haveOpenSSH: Bool {
        FileManager.default.isExecutableFile(atPath: ssh) && FileManager.default.isExecutableFile(atPath: sshd)
    }

    /// A scratch tree from `files` (and the webfarm sample under it when asked), scanned, planned and patched.
    static func planApply(
        _ files: [String: String], webfarm: Bool = false, openssl: String = "3.5.1", versions: [String: String] = [:]
    ) throws -> (work: URL, tree: URL, plan: Plan) {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("pqscout-lock-\(UUID().uuidString)")
        let tree = work.appendingPathComponent("tree")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        if webfarm {
            try FileManager.default.copyItem(at: Support.webfarm, to: tree)
        } else {
            try FileManager.default.createDirectory(at: tree, withIntermediateDirectories: true)
        }
        for (path, text) in files {
            let url = tree.appendingPathComponent(path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        let store = work.appendingPathComponent("p.db").path
        let version = try Support.installedOpenSSH()
        _ = try ScanUseCase().run(ScanRequest(roots: [tree.path], storePath: store, opensshVersion: version))
        let outcome = try PlanUseCase.run(
            PlanRequest(
                storePath: store, asOf: Support.day, opensshVersion: version, opensslVersion: openssl,
                softwareVersions: versions))
        let patches = work.appendingPathComponent("patches")
        _ = try PlanUseCase.writePatches(outcome, to: patches.path)
        let applied = try Support.run(
            "/usr/bin/patch", ["-p1", "--forward", "--batch"], in: tree,
            input: patches.appendingPathComponent("all.patch"))
        #expect(applied.status == 0, "patch: \(applied.output)")
        return (work, tree, outcome.plan)
    }

    /// `ssh -G` for a host, as `keyword → value`.
    static func sshG(_ tree: URL, _ host: String) throws -> [String: String] {
        let result = try Support.run(ssh, ["-G", "-F", tree.appendingPathComponent("etc/ssh/ssh_config").path, host])
        #expect(result.status == 0, "ssh -G \(host): \(result.output)")
        return settings(result.output)
    }

    /// `sshd -T -C spec` on the patched sshd_config (Include and HostKey pointed into the copy).
    static func sshdT(_ tree: URL, work: URL, connection: String) throws -> [String: String] {
        let config = tree.appendingPathComponent("etc/ssh/sshd_config")
        if !FileManager.default.fileExists(atPath: work.appendingPathComponent("hostkeys").path) {
            _ = try Support.relocateSSHD(tree: tree, work: work)
        }
        try? FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        let result = try Support.run(sshd, ["-T", "-C", connection, "-f", config.path])
        #expect(result.status == 0, "sshd -T -C \(connection): \(result.output)")
        return settings(result.output)
    }

    static func settings(_ output: String) -> [String: String] {
        var out: [String: String] = [:]
        for line in output.split(separator: "\n") {
            let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
            if parts.count == 2, out[parts[0]] == nil { out[parts[0]] = parts[1] }
        }
        return out
    }

    static func list(_ value: String?) -> [String] { (value ?? "").split(separator: ",").map(String.init) }

    /// The names `openssl ciphers` expands a cipher string to, with the OpenSSL installed here.
    static func opensslCiphers(_ spec: String) throws -> [String] {
        let result = try Support.run(openssl, ["ciphers", "-s", "-tls1_2", spec])
        #expect(result.status == 0, "openssl ciphers \(spec): \(result.output)")
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ":").map(String.init)
    }

    /// A throwaway RSA-2048 certificate (PEM) for a TLS server, which its daemon needs to start; made with `openssl req`.
    static func certificatePEM() throws -> String {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("pqscout-cert-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let cert = work.appendingPathComponent("c.pem").path
        let made = try Support.run(
            "/usr/bin/openssl",
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=pos.example.org", "-days", "2",
                "-keyout", work.appendingPathComponent("k.pem").path, "-out", cert,
            ])
        #expect(made.status == 0, "openssl req: \(made.output)")
        return try String(contentsOfFile: cert, encoding: .utf8)
    }

    static func text(_ tree: URL, _ path: String) throws -> String {
        try String(contentsOf: tree.appendingPathComponent(path), encoding: .utf8)
    }

    /// The value after `keyword` on the first line that has it.
    static func value(_ text: String, _ keyword: String) -> String? {
        for line in text.split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix(keyword) else { continue }
            return trimmed.dropFirst(keyword.count).trimmingCharacters(in: CharacterSet(charactersIn: " =;\t"))
        }
        return nil
    }

    // MARK: - The sample's two cases

    @Test(
        "webfarm: legacy-switch.mgmt keeps diffie-hellman-group14-sha1 and ssh-rsa (ssh -G); Host * keeps ECDH",
        .enabled(if: haveOpenSSH))
    func legacySwitch() throws {
        let (work, tree, plan) = try Self.planApply([:], webfarm: true, openssl: "3.0.19")
        defer { try? FileManager.default.removeItem(at: work) }
        let switchConfig = try Self.sshG(tree, "legacy-switch.mgmt")
        #expect(Self.list(switchConfig["kexalgorithms"]).contains("diffie-hellman-group14-sha1"))
        #expect(Self.list(switchConfig["hostkeyalgorithms"]).contains("ssh-rsa"))
        // Host * gains nothing from a KexAlgorithms line on this OpenSSH (the default already starts with the
        // sntrup761 hybrid), so every ECDH/FFDH fallback stays for FIPS-mode and older servers.
        let other = Self.list(try Self.sshG(tree, "other.example.org")["kexalgorithms"])
        #expect(other.first?.hasPrefix("sntrup761x25519") == true || other.first?.hasPrefix("mlkem768") == true)
        #expect(other.contains("ecdh-sha2-nistp256") && other.contains("diffie-hellman-group14-sha256"))
        #expect(plan.action("key-exchange:openssh:etc/ssh/ssh_config:KexAlgorithms") == nil)
        let blocked = try #require(
            plan.action("key-exchange:openssh:etc/ssh/ssh_config#Host legacy-switch.mgmt:KexAlgorithms"))
        #expect(blocked.blockedOn?.hasPrefix("upgrade or retire legacy-switch.mgmt first") == true)
        #expect(blocked.optInPatch?.diff.contains("-    KexAlgorithms +diffie-hellman-group14-sha1\n") == true)
        // The patch did apply elsewhere: the refused mlkem768 name left 10-hardening.conf.
        #expect(!(try Self.text(tree, "etc/ssh/sshd_config.d/10-hardening.conf")).contains("KexAlgorithms mlkem768"))
    }

    @Test("webfarm: Match User backup keeps ssh-rsa (sshd -T -C user=backup)", .enabled(if: haveOpenSSH))
    func backupUser() throws {
        let (work, tree, _) = try Self.planApply([:], webfarm: true, openssl: "3.0.19")
        defer { try? FileManager.default.removeItem(at: work) }
        let backup = try Self.sshdT(tree, work: work, connection: "user=backup,host=backup.example.org,addr=10.9.8.7")
        #expect(Self.list(backup["pubkeyacceptedalgorithms"]).contains("ssh-rsa"))
        let other = try Self.sshdT(tree, work: work, connection: "user=alice,host=a.example.org,addr=10.9.8.7")
        #expect(!Self.list(other["pubkeyacceptedalgorithms"]).contains("ssh-rsa"))
    }

    // MARK: - More peers

    @Test("per-host legacy ciphers and MACs stay for that host; the global Host * list loses 3des-cbc")
    func perHostCiphers() throws {
        guard Self.haveOpenSSH else { return }
        let config = """
            Host oldrouter
                Ciphers aes128-cbc,3des-cbc
                MACs hmac-sha1

            Host *
                Ciphers aes256-gcm@openssh.com,3des-cbc

            """
        let (work, tree, _) = try Self.planApply(["etc/ssh/ssh_config": config])
        defer { try? FileManager.default.removeItem(at: work) }
        let router = try Self.sshG(tree, "oldrouter")
        #expect(Self.list(router["ciphers"]).contains("3des-cbc"))
        #expect(Self.list(router["macs"]).contains("hmac-sha1"))
        #expect(Self.list(try Self.sshG(tree, "new.example.org")["ciphers"]) == ["aes256-gcm@openssh.com"])
    }

    @Test("Match Address for an old backup server keeps ssh-rsa and its RSA size; other addresses lose ssh-rsa")
    func matchAddress() throws {
        guard Self.haveOpenSSH else { return }
        let config = """
            HostKey /etc/ssh/ssh_host_ed25519_key
            PubkeyAcceptedAlgorithms ssh-ed25519,rsa-sha2-512,ssh-rsa

            Match Address 192.0.2.50
                # the old backup server signs with RSA/SHA-1 only
                PubkeyAcceptedAlgorithms ssh-rsa,rsa-sha2-512
                RequiredRSASize 1024

            """
        let (work, tree, _) = try Self.planApply(["etc/ssh/sshd_config": config])
        defer { try? FileManager.default.removeItem(at: work) }
        let old = try Self.sshdT(tree, work: work, connection: "user=backup,host=old,addr=192.0.2.50")
        #expect(Self.list(old["pubkeyacceptedalgorithms"]).contains("ssh-rsa"))
        #expect(old["requiredrsasize"] == "1024")
        let other = try Self.sshdT(tree, work: work, connection: "user=backup,host=new,addr=192.0.2.51")
        #expect(!Self.list(other["pubkeyacceptedalgorithms"]).contains("ssh-rsa"))
    }

    @Test("a host with an explicit SHA-1 key-exchange list keeps it (ssh -G oldnas)")
    func explicitLegacyKex() throws {
        guard Self.haveOpenSSH else { return }
        let config = """
            Host oldnas
                KexAlgorithms diffie-hellman-group1-sha1,diffie-hellman-group14-sha1
                HostKeyAlgorithms ssh-rsa

            Host *
                HostKeyAlgorithms ssh-ed25519,ssh-rsa

            """
        let (work, tree, plan) = try Self.planApply(["etc/ssh/ssh_config": config])
        defer { try? FileManager.default.removeItem(at: work) }
        let nas = try Self.sshG(tree, "oldnas")
        #expect(
            !Set(Self.list(nas["kexalgorithms"])).isDisjoint(with: [
                "diffie-hellman-group1-sha1", "diffie-hellman-group14-sha1",
            ]))
        #expect(Self.list(nas["hostkeyalgorithms"]) == ["ssh-rsa"])
        #expect(Self.list(try Self.sshG(tree, "new")["hostkeyalgorithms"]) == ["ssh-ed25519"])
        #expect(plan.actions.contains { $0.blockedOn?.contains("oldnas") == true && $0.optInPatch != nil })
    }

    @Test("sshd with a FIPS-style classical list gains the hybrid first and keeps every ECDH/FFDH method")
    func fipsServer() throws {
        guard Self.haveOpenSSH else { return }
        let config = """
            HostKey /etc/ssh/ssh_host_ecdsa_key
            KexAlgorithms ecdh-sha2-nistp256,ecdh-sha2-nistp384,diffie-hellman-group14-sha256

            """
        let (work, tree, _) = try Self.planApply(["etc/ssh/sshd_config": config])
        defer { try? FileManager.default.removeItem(at: work) }
        let kex = Self.list(
            try Self.sshdT(tree, work: work, connection: "user=a,host=b,addr=192.0.2.1")["kexalgorithms"])
        #expect(kex.first == "sntrup761x25519-sha512@openssh.com" || kex.first == "mlkem768x25519-sha256")
        #expect(["ecdh-sha2-nistp256", "ecdh-sha2-nistp384", "diffie-hellman-group14-sha256"].allSatisfy(kex.contains))
    }

    @Test("an Apache vhost for an old client keeps its cipher list (openssl ciphers) and its P-384 group")
    func apacheLegacyClient() throws {
        let site = """
            <VirtualHost *:8443>
                ServerName pos.example.org
                SSLEngine on
                SSLProtocol TLSv1.2
                SSLCipherSuite AES128-SHA:ECDHE-RSA-AES128-SHA
                SSLOpenSSLConfCmd Groups secp384r1
                SSLCertificateFile /etc/ssl/pos.pem
            </VirtualHost>

            """
        let (work, tree, _) = try Self.planApply([
            "etc/ssl/pos.pem": try Self.certificatePEM(),
            "etc/apache2/sites-enabled/pos.conf": site,
            "etc/apache2/apache2.conf": "ServerRoot \"/etc/apache2\"\nIncludeOptional sites-enabled/*.conf\n",
        ])
        defer { try? FileManager.default.removeItem(at: work) }
        let text = try Self.text(tree, "etc/apache2/sites-enabled/pos.conf")
        let ciphers = try Self.opensslCiphers(try #require(Self.value(text, "SSLCipherSuite")))
        #expect(ciphers.contains("AES128-SHA") || ciphers.contains("ECDHE-RSA-AES128-SHA"))
        let groups = (Self.value(text, "SSLOpenSSLConfCmd Groups") ?? "").split(separator: ":").map(String.init)
        #expect(groups.contains("secp384r1"))
        #expect(groups.first == "X25519MLKEM768")
        #expect((Self.value(text, "SSLProtocol") ?? "").contains("TLSv1.2"))
        #expect((Self.value(text, "SSLProtocol") ?? "").contains("TLSv1.3"))
    }

    @Test("an nginx server for an old client keeps TLS 1.2, its ciphers (openssl ciphers) and both curves")
    func nginxLegacyClient() throws {
        let site = """
            server {
                listen 8443 ssl;
                server_name pos.example.org;
                ssl_protocols TLSv1.2;
                ssl_ciphers ECDHE-RSA-AES128-SHA:AES128-SHA;
                ssl_ecdh_curve prime256v1:secp384r1;
                ssl_certificate /etc/ssl/pos.pem;
            }

            """
        let (work, tree, _) = try Self.planApply([
            "etc/ssl/pos.pem": try Self.certificatePEM(),
            "etc/nginx/sites-enabled/pos": site,
            "etc/nginx/nginx.conf": "events {}\nhttp {\n    include /etc/nginx/sites-enabled/*;\n}\n",
        ])
        defer { try? FileManager.default.removeItem(at: work) }
        let text = try Self.text(tree, "etc/nginx/sites-enabled/pos")
        let ciphers = try Self.opensslCiphers(try #require(Self.value(text, "ssl_ciphers")))
        #expect(ciphers.contains("ECDHE-RSA-AES128-SHA"))
        #expect(Self.value(text, "ssl_ecdh_curve") == "X25519MLKEM768:prime256v1:secp384r1")
        #expect(Self.value(text, "ssl_protocols") == "TLSv1.2 TLSv1.3")
    }

    @Test("a strongSwan conn to a legacy peer keeps its modp1024 proposal after the new one (rescanned)")
    func strongSwanLegacyPeer() throws {
        let conf = """
            conn legacy-peer
                right=203.0.113.9
                ike=aes128-sha1-modp1024!
                esp=aes128-sha1-modp1024!

            """
        let (work, tree, plan) = try Self.planApply(["etc/ipsec.conf": conf], versions: ["strongswan": "6.0.1"])
        defer { try? FileManager.default.removeItem(at: work) }
        let text = try Self.text(tree, "etc/ipsec.conf")
        let ike = (Self.value(text, "ike") ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "!"))
            .split(separator: ",").map(String.init)
        #expect(ike.contains("aes128-sha1-modp1024"), "\(ike)")
        #expect(ike.first?.contains("ke1_mlkem768") == true)
        #expect(plan.actions.contains { $0.software == "strongswan" && $0.blockedOn != nil && $0.optInPatch != nil })
    }

    @Test("Postfix: policy map entries and the opportunistic floor stay (postconf), the plan says why")
    func postfixPolicyAndOpportunistic() throws {
        let main = """
            smtp_tls_security_level = may
            smtp_tls_policy_maps = hash:/etc/postfix/tls_policy
            smtp_tls_protocols = >=TLSv1
            smtp_tls_ciphers = medium
            tls_eecdh_auto_curves = X25519 prime256v1

            """
        let policy = "[legacy-mx.example.net]:25 encrypt protocols=TLSv1 ciphers=medium\n"
        let (work, tree, plan) = try Self.planApply([
            "etc/postfix/main.cf": main, "etc/postfix/tls_policy": policy, "etc/postfix/master.cf": "",
        ])
        defer { try? FileManager.default.removeItem(at: work) }
        #expect(try Self.text(tree, "etc/postfix/tls_policy") == policy)
        let mainText = try Self.text(tree, "etc/postfix/main.cf")
        #expect(Self.value(mainText, "smtp_tls_protocols") == ">=TLSv1")
        // The patch did apply: the hybrid group went in front.
        #expect(Self.value(mainText, "tls_eecdh_auto_curves")?.hasPrefix("X25519MLKEM768") == true)
        if FileManager.default.isExecutableFile(atPath: "/usr/sbin/postconf") {
            let floor = try Support.run(
                "/usr/sbin/postconf",
                ["-c", tree.appendingPathComponent("etc/postfix").path, "-h", "smtp_tls_protocols"])
            #expect(floor.output.trimmingCharacters(in: .whitespacesAndNewlines) == ">=TLSv1", "\(floor.output)")
        }
        // "medium" as Postfix expands it (postconf(5) tls_medium_cipherlist) still offers the old peer a suite.
        let medium = try Self.opensslCiphers("aNULL:-aNULL:HIGH:MEDIUM:+RC4:@STRENGTH")
        #expect(medium.contains("AES128-SHA"))
        let floorAction = try #require(
            plan.actions.first { $0.locations.contains { $0.path == "etc/postfix/main.cf" && $0.line == 3 } })
        #expect(floorAction.patch == nil)
        #expect(floorAction.change.contains("plaintext"))
    }

    // MARK: - Live

    /// A free loopback TCP port (bind to 0, read it back, close).
    static func freePort() -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 ? getsockname(fd, pointer, &length) : -1
            }
        }
        return UInt16(bigEndian: address.sin_port)
    }

    static func word(_ value: String) -> String { "'" + value.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    /// One bounded shell run: sshd on 127.0.0.1:port in the background (its output to `log`), the client once it
    /// listens (at most 10 s), then sshd killed and reaped. Everything inside `timeout 60`, so no server outlives
    /// the test, and sshd never holds a pipe of this process.
    static func live(sshdArguments: [String], client: [String], port: UInt16, log: URL) throws -> (
        status: Int32, output: String
    ) {
        try? FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        let server = ([sshd, "-D", "-e", "-o", "ListenAddress=127.0.0.1", "-o", "Port=\(port)"] + sshdArguments)
            .map(word).joined(separator: " ")
        let script = """
            \(server) >\(word(log.path)) 2>&1 </dev/null &
            pid=$!
            i=0
            while [ $i -lt 40 ] && ! grep -q 'Server listening' \(word(log.path)); do sleep 0.25; i=$((i+1)); done
            timeout 20 \(client.map(word).joined(separator: " ")) </dev/null 2>&1
            status=$?
            kill $pid 2>/dev/null
            wait $pid 2>/dev/null
            exit $status
            """
        return try Support.run("/usr/bin/timeout", ["60", "/bin/sh", "-c", script])
    }

    @Test(
        "live: the patched ssh_config still completes key exchange with a switch that knows only group14-sha1/ssh-rsa",
        .enabled(if: haveOpenSSH), .timeLimit(.minutes(1)))
    func liveLegacySwitch() throws {
        let (work, tree, _) = try Self.planApply([:], webfarm: true, openssl: "3.0.19")
        defer { try? FileManager.default.removeItem(at: work) }
        let key = work.appendingPathComponent("switch_rsa_key")
        _ = try Support.run("/usr/bin/ssh-keygen", ["-q", "-t", "rsa", "-b", "2048", "-N", "", "-f", key.path])
        let config = work.appendingPathComponent("switch_sshd_config")
        let port = Self.freePort()
        try Data(
            """
            HostKey \(key.path)
            KexAlgorithms diffie-hellman-group14-sha1
            HostKeyAlgorithms ssh-rsa
            PidFile none
            LoginGraceTime 10

            """.utf8
        ).write(to: config)
        let client = try Self.live(
            sshdArguments: ["-f", config.path],
            client: [
                Self.ssh, "-vv", "-F", tree.appendingPathComponent("etc/ssh/ssh_config").path, "-o",
                "HostName=127.0.0.1", "-p", "\(port)", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o",
                "UserKnownHostsFile=/dev/null", "-o", "ConnectTimeout=5", "legacy-switch.mgmt", "true",
            ], port: port, log: work.appendingPathComponent("sshd.log"))
        #expect(client.output.contains("kex: algorithm: diffie-hellman-group14-sha1"), "\(client.output.suffix(2000))")
        #expect(client.output.contains("Server host key: ssh-rsa"), "\(client.output.suffix(2000))")
    }

    @Test(
        "live: sshd from the patched sample config still lets the backup appliance in with ssh-rsa",
        .enabled(if: haveOpenSSH), .timeLimit(.minutes(1)))
    func liveBackupAppliance() throws {
        let user = ProcessInfo.processInfo.environment["USER"] ?? "root"
        let original = try String(
            contentsOf: Support.webfarm.appendingPathComponent("etc/ssh/sshd_config"), encoding: .utf8)
        // The appliance logs in as this machine's user, so sshd can run the session; everything else is the sample.
        let (work, tree, _) = try Self.planApply(
            ["etc/ssh/sshd_config": original.replacingOccurrences(of: "Match User backup", with: "Match User \(user)")],
            webfarm: true, openssl: "3.0.19")
        defer { try? FileManager.default.removeItem(at: work) }
        let config = try Support.relocateSSHD(tree: tree, work: work)
        let key = work.appendingPathComponent("appliance_rsa")
        _ = try Support.run("/usr/bin/ssh-keygen", ["-q", "-t", "rsa", "-b", "3072", "-N", "", "-f", key.path])
        let authorized = work.appendingPathComponent("authorized_keys")
        try FileManager.default.copyItem(at: work.appendingPathComponent("appliance_rsa.pub"), to: authorized)
        let port = Self.freePort()
        let client = try Self.live(
            sshdArguments: [
                "-f", config.path, "-o", "AuthorizedKeysFile=\(authorized.path)", "-o", "StrictModes=no", "-o",
                "PidFile=none",
            ],
            client: [
                Self.ssh, "-v", "-F", "/dev/null", "-i", key.path, "-o", "IdentitiesOnly=yes", "-o",
                "PubkeyAcceptedAlgorithms=ssh-rsa", "-o", "KexAlgorithms=curve25519-sha256", "-o",
                "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-p",
                "\(port)", "\(user)@127.0.0.1", "true",
            ], port: port, log: work.appendingPathComponent("sshd.log"))
        let log = (try? String(contentsOf: work.appendingPathComponent("sshd.log"), encoding: .utf8)) ?? ""
        #expect(client.status == 0, "\(client.output.suffix(1500))\nsshd: \(log.suffix(1500))")
        #expect(client.output.contains("kex: algorithm: curve25519-sha256"))
        #expect(client.output.contains("ssh-rsa"))
    }
}
