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

    static func input(_ findings: [Finding]) throws -> PlanInput {
        let policy = try PolicyProfile.bundled("nist-ir-8547")
        let result = try Assessor.assess(
            AssessmentInput(scan: Fixture.scan(), findings: findings),
            options: AssessmentOptions(profile: policy, asOf: asOf))
        return PlanInput(findings: findings, assessment: result, profile: policy)
    }

    static let defaults = [
        "curve25519-sha256", "ecdh-sha2-nistp256", "diffie-hellman-group14-sha256",
        "sntrup761x25519-sha512@openssh.com",
    ]

    @Test("an unset sshd KexAlgorithms on 8.5 (no hybrid by default) gets a line before the Include: hybrid first")
    func unsetServer() throws {
        let config = "# local\n\nInclude /etc/ssh/sshd_config.d/*.conf\nPort 22\n"
        let defaults = ["curve25519-sha256", "ecdh-sha2-nistp256", "diffie-hellman-group14-sha256"]
        let findings = Self.kex(defaults, path: "etc/ssh/sshd_config", line: nil, origin: .default)
        let plan = try Self.plan(findings, files: ["etc/ssh/sshd_config": config], versions: ["openssh": "8.5"])
        let action = try #require(plan.action("key-exchange:openssh:etc/ssh/sshd_config:KexAlgorithms"))
        #expect(action.phase == .keyExchange)
        // Every classical method stays behind the hybrid: the change adds protection and removes no fallback.
        #expect(
            action.change
                == "KexAlgorithms sntrup761x25519-sha512@openssh.com,curve25519-sha256,ecdh-sha2-nistp256,"
                + "diffie-hellman-group14-sha256")
        #expect(action.retires.isEmpty)
        let diff = try #require(action.patch?.diff)
        #expect(
            diff.contains("@@ -1,4 +1,7 @@\n # local\n \n+\(PlanPatcher.addedComment)\n+KexAlgorithms sntrup761x25519"))
        #expect(action.deadline == Fixture.day("2031-01-01"))
    }

    @Test("a global list that already puts a hybrid first gets no action: removing fallbacks adds no protection")
    func hybridAlreadyFirst() throws {
        let findings = Self.kex(Self.defaults.reversed(), path: "etc/ssh/ssh_config", line: nil, origin: .default)
        let plan = try Self.plan(
            findings, files: ["etc/ssh/ssh_config": "Host *\n    SendEnv LANG\n"], versions: ["openssh": "9.2"])
        #expect(plan.actions.filter { $0.kind == .keyExchange }.isEmpty)
    }

    @Test("OpenSSH 9.2 never gets mlkem768x25519: the plan says so and adds an upgrade prerequisite")
    func oldVersion() throws {
        let config = "KexAlgorithms curve25519-sha256,ecdh-sha2-nistp256\n"
        let findings = Self.kex(["curve25519-sha256", "ecdh-sha2-nistp256"], path: "etc/ssh/sshd_config", line: 1)
        let plan = try Self.plan(findings, files: ["etc/ssh/sshd_config": config], versions: ["openssh": "9.2"])
        let action = try #require(plan.actions.first { $0.kind == .keyExchange })
        #expect(
            action.change == "KexAlgorithms sntrup761x25519-sha512@openssh.com,curve25519-sha256,ecdh-sha2-nistp256")
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

    @Test("a client Host block keeps a common key exchange: the server change removes no classical method")
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
        #expect(action.change.hasSuffix(",diffie-hellman-group14-sha256"))
        #expect(action.compatibility.isEmpty)
        #expect(
            OpenSSHActionBuilder.kexCompatibility(
                newList: ["mlkem768x25519-sha256"], server: true, self: [0, 1],
                context: PlanContext(input: try Self.input(findings))
            )
            .map(\.peer) == ["etc/ssh/ssh_config (Host old)"])
    }

    @Test("+ssh-rsa in a Match block is kept by default: blocked on the peer, its removal an opt-in patch")
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
        #expect(action.patch == nil)
        #expect(action.blockedOn?.hasPrefix("upgrade or retire User backup first") == true)
        #expect(action.optInPatch?.diff.contains("-    PubkeyAcceptedAlgorithms +ssh-rsa\n") == true)
        #expect(!action.effort.reasoning.contains("RSA keys keep working"))
    }

    @Test("a global ssh-rsa removal no longer claims every RSA peer keeps working")
    func globalRSA() throws {
        let config = "PubkeyAcceptedAlgorithms ssh-ed25519,ssh-rsa\n"
        let findings = [
            Fixture.finding(
                "ssh-rsa", usage: .signature, source: .openssh, path: "etc/ssh/sshd_config", line: 1,
                setting: "PubkeyAcceptedAlgorithms")
        ]
        let plan = try Self.plan(findings, files: ["etc/ssh/sshd_config": config])
        let action = try #require(plan.actions.first { $0.kind == .removeBroken })
        #expect(action.patch?.diff.contains("+PubkeyAcceptedAlgorithms ssh-ed25519\n") == true)
        #expect(action.effort.reasoning.contains("implements only ssh-rsa"))
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
        #expect(action.change == "keep the line for now; once the peer has moved: HostKeyAlgorithms ssh-ed25519")
        #expect(action.blockedOn != nil && action.patch == nil)
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

    @Test("progress compares goals: done needs every retired finding gone and the action not planned again")
    func progress() throws {
        let findings = Self.kex(
            ["curve25519-sha256", "ecdh-sha2-nistp256", "ecdh-sha2-nistp384"],
            path: "etc/ssh/sshd_config", line: 1)
        let effort = PlanEffort(size: .small, hours: 1, reasoning: "")
        let action = PlanAction(
            id: "key-exchange:openssh:etc/ssh/sshd_config:KexAlgorithms", kind: .keyExchange, phase: .keyExchange,
            title: "t", system: "s", software: "openssh", locations: [],
            retires: [1, 2].map { FindingRef(index: $0, finding: findings[$0]) }, change: "c", effort: effort)
        let earlier = Plan(
            scanID: 1, profile: "p", profileTitle: "p", asOf: Self.asOf, phases: [], actions: [action])
        let empty = Plan(scanID: 2, profile: "p", profileTitle: "p", asOf: Self.asOf, phases: [], actions: [])
        func state(_ later: [Finding], in plan: Plan) -> PlanProgressState? {
            PlanProgressTracker.compare(earlier: earlier, later: plan, laterFindings: later).actions.first?.state
        }
        #expect(state(findings, in: empty) == .open)
        #expect(state(Array(findings.prefix(2)), in: empty) == .partlyDone)
        #expect(state(Array(findings.prefix(1)), in: empty) == .done)
        // Planned again for the later scan: its goal does not hold there, so it is not done.
        var again = empty
        again.actions = [action]
        #expect(state(Array(findings.prefix(1)), in: again) == .partlyDone)
    }

    @Test("progress: an upgrade is done by the version in force, never by a deleted line")
    func upgradeProgress() throws {
        let upgrade = PlanAction(
            id: "upgrade:openssh:server", kind: .upgrade, phase: .prerequisites, title: "u", system: "s",
            software: "openssh", locations: [], retires: [], change: "c",
            effort: PlanEffort(size: .medium, hours: 4, reasoning: ""),
            requiredVersion: PlanVersionRequirement(family: "openssh", minimum: "9.9"))
        let earlier = Plan(scanID: 1, profile: "p", profileTitle: "p", asOf: Self.asOf, phases: [], actions: [upgrade])
        var later = Plan(scanID: 2, profile: "p", profileTitle: "p", asOf: Self.asOf, phases: [], actions: [])
        later.installedVersions = ["openssh": "9.2"]
        #expect(
            PlanProgressTracker.compare(earlier: earlier, later: later, laterFindings: []).actions.first?.state == .open
        )
        later.installedVersions = ["openssh": "10.0"]
        #expect(
            PlanProgressTracker.compare(earlier: earlier, later: later, laterFindings: []).actions.first?.state == .done
        )
    }

    @Test("progress: a tracking action is open, not partly done, when findings vanish from under it")
    func trackingProgress() throws {
        let findings = Self.kex(["ssh-ed25519", "ecdsa-sha2-nistp256"], path: "etc/ssh/sshd_config", line: 1)
        let tracking = PlanAction(
            id: "replace-algorithm:openssh:etc/ssh/sshd_config:signatures", kind: .replaceAlgorithm,
            phase: .signatures, title: "t", system: "s", software: "openssh", locations: [],
            retires: [0, 1].map { FindingRef(index: $0, finding: findings[$0]) }, change: "c",
            patchWithheld: "no PQ signature", effort: PlanEffort(size: .medium, hours: 8, reasoning: ""))
        let earlier = Plan(scanID: 1, profile: "p", profileTitle: "p", asOf: Self.asOf, phases: [], actions: [tracking])
        let state = PlanProgressTracker.compare(earlier: earlier, later: earlier, laterFindings: [findings[0]])
            .actions.first?.state
        #expect(state == .open)
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

    /// sshd refuses a line (RequiredRSASize on 8.9): none of its findings is in force, so the plan has no action for
    /// them; it must say so, not read as complete for sshd.
    @Test("a daemon that refuses to start gets a note: its findings are not in force and no action covers them")
    func refusingDaemonIsNoted() throws {
        let refusal =
            "not in force: sshd refuses to start with this configuration: line 19: RequiredRSASize not supported by "
            + "OpenSSH 8.9; OpenSSH 8.9 default"
        var kex = Fixture.finding(
            "diffie-hellman-group14-sha1", usage: .keyExchange, source: .openssh, path: "etc/ssh/sshd_config",
            origin: .default, effective: false, setting: "KexAlgorithms")
        kex.note = refusal
        var other = kex
        other.algorithm = "ecdh-sha2-nistp256"
        let running = Fixture.finding(
            "ssh-rsa", usage: .signature, source: .openssh, path: "etc/ssh/ssh_config", line: 3,
            setting: "HostKeyAlgorithms")
        let plan = try PlanRegressionTests.plan([kex, other, running])
        let notes = plan.notes.filter { $0.hasPrefix("sshd refuses to start") }
        #expect(notes.count == 1, "\(plan.notes)")
        #expect(notes.first?.contains("(line 19: RequiredRSASize not supported by OpenSSH 8.9)") == true)
        #expect(notes.first?.contains("its 2 finding(s), 2 of them quantum-vulnerable or broken") == true)
        #expect(notes.first?.contains("Once sshd -t passes, scan and plan again.") == true)
        #expect(!plan.notes.contains { $0.hasPrefix("ssh refuses") })

        // Thousands of refusing systems (a tree of many hosts) make 20 notes and one more, not thousands.
        let many = (0..<30).map { number in
            var copy = kex
            copy.path = ScanPath("\(number + 1)-host/etc/ssh/sshd_config")
            return copy
        }
        let crowded = try PlanRegressionTests.plan(many)
        #expect(crowded.notes.filter { $0.hasPrefix("sshd refuses to start") }.count == 20)
        #expect(
            crowded.notes.contains { $0.hasPrefix("10 more program(s) refuse their configuration, with 10 finding(s)") }
        )
    }
}
