import PQCatalog
import PQModel
import Testing

@testable import PQAssessment

@Suite("The planner on OpenSSH configurations and certificates")
struct OpenSSHPlanTests {
    static let asOf = Fixture.day("2026-11-27")

    static func kex(
        _ names: [String], path: String, line: Int?, context: String? = nil, origin: Origin = .file,
        effective: Bool = true
    ) -> [Finding] {
        names.map {
            Fixture.finding(
                $0, usage: .keyExchange, source: .openssh, path: path, line: line, context: context, origin: origin,
                effective: effective, setting: "KexAlgorithms")
        }
    }

    static func plan(
        _ findings: [Finding], files: [String: String], versions: [String: String] = [:],
        assets: [Asset] = [], profile: String = "nist-ir-8547"
    ) throws -> Plan {
        let policy = try PolicyProfile.bundled(profile)
        let result = try Assessor.assess(
            AssessmentInput(scan: Fixture.scan(), findings: findings, assets: assets),
            options: AssessmentOptions(profile: policy, asOf: asOf))
        let bytes = Dictionary(uniqueKeysWithValues: files.map { (ScanPath($0.key), Array($0.value.utf8)) })
        return MigrationPlanner.plan(
            PlanInput(
                findings: findings, assets: assets, assessment: result, profile: policy,
                files: InMemoryPlanFiles(bytes), versionOverrides: versions))
    }

    static let defaults = [
        "curve25519-sha256", "ecdh-sha2-nistp256", "diffie-hellman-group14-sha256",
        "sntrup761x25519-sha512@openssh.com",
    ]

    @Test("an unset sshd KexAlgorithms gets a line before the Include: hybrids first, curve25519 kept")
    func unsetServer() throws {
        let config = "# local\n\nInclude /etc/ssh/sshd_config.d/*.conf\nPort 22\n"
        let findings = Self.kex(Self.defaults, path: "etc/ssh/sshd_config", line: nil, origin: .default)
        let plan = try Self.plan(findings, files: ["etc/ssh/sshd_config": config], versions: ["openssh": "9.9"])
        let action = try #require(plan.action("key-exchange:openssh:etc/ssh/sshd_config:KexAlgorithms"))
        #expect(action.phase == .keyExchange)
        #expect(
            action.change == "KexAlgorithms mlkem768x25519-sha256,sntrup761x25519-sha512@openssh.com,curve25519-sha256")
        #expect(Set(action.retires.map(\.algorithm)) == ["ecdh-sha2-nistp256", "diffie-hellman-group14-sha256"])
        #expect(action.keeps.map(\.algorithm) == ["curve25519-sha256"])
        let diff = try #require(action.patch?.diff)
        #expect(
            diff.contains("@@ -1,4 +1,7 @@\n # local\n \n+\(PlanPatcher.addedComment)\n+KexAlgorithms mlkem768x25519"))
        #expect(action.deadline == Fixture.day("2031-01-01"))
        #expect(plan.action("upgrade:openssh:server") == nil)
    }

    @Test("OpenSSH 9.2 never gets mlkem768x25519: the plan says so and adds an upgrade prerequisite")
    func oldVersion() throws {
        let config = "KexAlgorithms curve25519-sha256,ecdh-sha2-nistp256\n"
        let findings = Self.kex(["curve25519-sha256", "ecdh-sha2-nistp256"], path: "etc/ssh/sshd_config", line: 1)
        let plan = try Self.plan(findings, files: ["etc/ssh/sshd_config": config], versions: ["openssh": "9.2"])
        let action = try #require(plan.actions.first { $0.kind == .keyExchange })
        #expect(action.change == "KexAlgorithms sntrup761x25519-sha512@openssh.com,curve25519-sha256")
        #expect(action.prerequisites.contains { $0.requirement.contains("9.9") && $0.satisfied == false })
        #expect(plan.action("upgrade:openssh:server")?.phase == .prerequisites)
        #expect(plan.phases.first?.kind == .prerequisites)
        #expect(!(action.patch?.diff.contains("mlkem") ?? true))
    }

    @Test("OpenSSH 8.4 accepts no hybrid: no patch, the action waits for the upgrade")
    func tooOld() throws {
        let config = "KexAlgorithms curve25519-sha256,ecdh-sha2-nistp256\n"
        let findings = Self.kex(["curve25519-sha256", "ecdh-sha2-nistp256"], path: "etc/ssh/sshd_config", line: 1)
        let plan = try Self.plan(findings, files: ["etc/ssh/sshd_config": config], versions: ["openssh": "8.4"])
        let action = try #require(plan.actions.first { $0.kind == .keyExchange })
        #expect(action.patch == nil)
        #expect(action.patchWithheld?.contains("upgrade first") == true)
        #expect(action.dependsOn == ["upgrade:openssh:server"])
        let upgradeIndex = plan.actions.firstIndex { $0.id == "upgrade:openssh:server" } ?? Int.max
        let actionIndex = plan.actions.firstIndex { $0.id == action.id } ?? -1
        #expect(upgradeIndex < actionIndex)
    }

    @Test("a client Host block that would share no key exchange with the new server list is reported")
    func compatibility() throws {
        let config = "KexAlgorithms curve25519-sha256,diffie-hellman-group14-sha256\n"
        var findings = Self.kex(
            ["curve25519-sha256", "diffie-hellman-group14-sha256"], path: "etc/ssh/sshd_config", line: 1)
        findings += Self.kex(
            ["diffie-hellman-group14-sha256"], path: "etc/ssh/ssh_config", line: 2, context: "Host old")
        let plan = try Self.plan(
            findings, files: ["etc/ssh/sshd_config": config, "etc/ssh/ssh_config": "Host old\n KexAlgorithms x\n"],
            versions: ["openssh": "9.9"])
        let action = try #require(plan.action("key-exchange:openssh:etc/ssh/sshd_config:KexAlgorithms"))
        #expect(action.compatibility.map(\.peer) == ["etc/ssh/ssh_config (Host old)"])
        #expect(action.compatibility.first?.detail.contains("last common") == true)
    }

    @Test("+ssh-rsa in a Match block is removed with its line; RSA known_hosts keys keep rsa-sha2")
    func removeBroken() throws {
        let config = "Match User backup\n    PubkeyAcceptedAlgorithms +ssh-rsa\n    RequiredRSASize 2048\n"
        let findings = [
            Fixture.finding(
                "ssh-rsa", usage: .signature, source: .openssh, path: "etc/ssh/sshd_config", line: 2,
                context: "Match User backup", setting: "PubkeyAcceptedAlgorithms")
        ]
        let plan = try Self.plan(findings, files: ["etc/ssh/sshd_config": config])
        let action = try #require(plan.actions.first { $0.kind == .removeBroken })
        #expect(action.phase == .classicallyBroken)
        #expect(action.deadline == Self.asOf)
        #expect(action.patch?.diff.contains("-    PubkeyAcceptedAlgorithms +ssh-rsa\n") == true)
        #expect(action.compatibility.isEmpty)
    }

    @Test("a known_hosts key whose only signature algorithm the client drops is listed; RSA keys are not")
    func knownHosts() throws {
        let config = "Host old\n    HostKeyAlgorithms ssh-ed25519,ssh-dss,ssh-rsa\n"
        var findings = ["ssh-dss", "ssh-rsa"].map {
            Fixture.finding(
                $0, usage: .signature, source: .openssh, path: "etc/ssh/ssh_config", line: 2, context: "Host old",
                setting: "HostKeyAlgorithms")
        }
        findings += ["ssh-dss", "ssh-rsa"].enumerated().map { entry in
            Fixture.finding(
                entry.element, usage: .publicKey, source: .sshKey, path: "home/u/.ssh/known_hosts",
                line: entry.offset + 1,
                context: "old.example.org", setting: "knownHost")
        }
        let plan = try Self.plan(findings, files: ["etc/ssh/ssh_config": config])
        let action = try #require(plan.actions.first { $0.kind == .removeBroken })
        #expect(action.change == "HostKeyAlgorithms ssh-ed25519")
        #expect(action.compatibility.map(\.peer) == ["home/u/.ssh/known_hosts:1 (old.example.org)"])
        #expect(action.effort.size == .medium)
    }

    @Test("action ids do not depend on row order or line numbers")
    func stableIDs() throws {
        let a = "KexAlgorithms curve25519-sha256,ecdh-sha2-nistp256\n"
        let b = "# moved\n\nKexAlgorithms curve25519-sha256,ecdh-sha2-nistp256\n"
        let first = try Self.plan(
            Self.kex(["curve25519-sha256", "ecdh-sha2-nistp256"], path: "etc/ssh/sshd_config", line: 1),
            files: ["etc/ssh/sshd_config": a])
        let second = try Self.plan(
            Self.kex(["ecdh-sha2-nistp256", "curve25519-sha256"], path: "etc/ssh/sshd_config", line: 3),
            files: ["etc/ssh/sshd_config": b])
        #expect(first.actions.map(\.id) == second.actions.map(\.id))
    }

    @Test("progress: retired findings gone is done, some gone is partly done, none gone is open")
    func progress() throws {
        let findings = Self.kex(
            ["curve25519-sha256", "ecdh-sha2-nistp256", "ecdh-sha2-nistp384"],
            path: "etc/ssh/sshd_config", line: 1)
        let earlier = try Self.plan(
            findings, files: ["etc/ssh/sshd_config": "KexAlgorithms curve25519-sha256,ecdh-sha2-nistp256,x\n"])
        let id = "key-exchange:openssh:etc/ssh/sshd_config:KexAlgorithms"
        func state(_ later: [Finding]) -> PlanProgressState? {
            PlanProgressTracker.compare(earlier: earlier, later: earlier, laterFindings: later).actions
                .first { $0.id == id }?.state
        }
        #expect(state(findings) == .open)
        #expect(state(Array(findings.prefix(2))) == .partlyDone)
        #expect(state(Array(findings.prefix(1))) == .done)
    }

    @Test("certificates: the root before the intermediate before the leaf, each depending on its issuer")
    func certificateOrder() throws {
        func cert(_ id: String, subject: String, issuer: String, ca: Bool, path: String) -> (Asset, [Finding]) {
            let details = CertificateDetails(
                subject: subject, issuer: issuer, serial: "1", notBefore: Fixture.day("2025-01-01").date,
                notAfter: Fixture.day("2030-01-01").date, signatureOID: "1.2.840.113549.1.1.11",
                signatureAlgorithm: "RSA-SHA256", publicKeyOID: "1.2.840.113549.1.1.1", sha256: id, publicKeyID: id,
                isCA: ca, selfSigned: subject == issuer)
            let asset = Asset(
                id: id, kind: .certificate, algorithm: "RSA", canonical: "RSA", keyBits: 3072,
                certificate: details)
            let findings = [
                Fixture.finding(
                    "RSA", usage: .publicKey, source: .x509, path: path, line: 1, keyBits: 3072,
                    asset: id, setting: "subjectPublicKey")
            ]
            return (asset, findings)
        }
        let leaf = cert("c", subject: "CN=leaf", issuer: "CN=ica", ca: false, path: "etc/ssl/leaf.pem")
        let ica = cert("b", subject: "CN=ica", issuer: "CN=root", ca: true, path: "etc/ssl/ica.pem")
        let root = cert("a", subject: "CN=root", issuer: "CN=root", ca: true, path: "etc/ssl/root.pem")
        let plan = try Self.plan(
            leaf.1 + ica.1 + root.1, files: [:], assets: [leaf.0, ica.0, root.0])
        let ids = plan.actions.filter { $0.kind == .certificateReissue }.map(\.id)
        #expect(ids == ["certificate-reissue:CN=root", "certificate-reissue:CN=ica", "certificate-reissue:CN=leaf"])
        #expect(plan.action("certificate-reissue:CN=leaf")?.dependsOn == ["certificate-reissue:CN=ica"])
        #expect(plan.action("certificate-reissue:CN=root")?.dependents == ["certificate-reissue:CN=ica"])
        #expect(plan.action("certificate-reissue:CN=root")?.title.contains("ML-DSA-87") == true)
        #expect(plan.action("certificate-reissue:CN=leaf")?.title.contains("ML-DSA-65") == true)
    }
}
