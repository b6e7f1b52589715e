import Foundation
import PQModel
import Testing

@testable import PQAssessment

/// The score's dimensions one by one: each test changes one dimension and checks its points and reason.
@Suite("AgilityScorer: every dimension, one at a time")
struct AgilityScorerTests {
    let scorer = AgilityScorer()

    func items(_ findings: [Finding], assets: [String: CertificateDetails] = [:], overruns: Set<Int> = [])
        -> [AgilityScorer.Item]
    {
        findings.enumerated().map { index, finding in
            AgilityScorer.Item(
                ref: FindingRef(index: index, finding: finding), finding: finding,
                certificate: finding.asset.flatMap { assets[$0] },
                overrun: overruns.contains(index)
                    ? CertificateOverrun(
                        notAfter: Fixture.day("2040-01-01"), deadline: Fixture.day("2036-01-01"), state: .disallowed,
                        message: "x") : nil)
        }
    }

    func nginx(_ findings: [Finding], software: [Software] = []) -> AgilityScore {
        let system = AssessedSystems.system(of: findings[0])
        return scorer.score(system: system, items: items(findings), software: software)
    }

    func adjustment(_ score: AgilityScore, _ dimension: String) -> ScoreAdjustment? {
        score.adjustments.first { $0.dimension == dimension }
    }

    @Test("a system none of whose findings is in force says why, from its notes, whatever their order")
    func nothingInForceSaysWhy() {
        func finding(_ name: String, effective: Bool, note: String?) -> Finding {
            var finding = Self.group(name)
            finding.effective = effective
            finding.note = note
            return finding
        }
        let refused = "the server refuses to start: OpenSSL rejects the group list"
        let findings = [
            finding("X25519", effective: false, note: refused + "; for OpenSSL 3.0"),
            finding("P-256", effective: false, note: "not offered: a later line wins"),
            finding("P-384", effective: false, note: refused),
            finding("P-521", effective: false, note: nil),
        ]
        let expected =
            "no algorithm setting in force was found for this system: none of its 4 findings is in force (\(refused))"
        #expect(AgilityScorer.nothingInForce(items(findings)) == expected)
        #expect(AgilityScorer.nothingInForce(items(findings.reversed())) == expected)
        #expect(
            adjustment(nginx(findings), "configured-choice")?.reason == expected,
            "the score's own n/e line carries it")
        // One finding in force, or no notes at all: the plain words.
        var live = findings
        live[3].effective = true
        #expect(AgilityScorer.nothingInForce(items(live)) == "no algorithm setting in force was found for this system")
        let silent = findings.map { finding in
            var copy = finding
            copy.note = nil
            return copy
        }
        #expect(
            AgilityScorer.nothingInForce(items(silent)) == "no algorithm setting in force was found for this system")
    }

    static func group(_ name: String, origin: Origin = .file, line: Int = 3) -> Finding {
        Fixture.finding(
            name, usage: .group, source: "nginx", path: "etc/nginx/nginx.conf", line: line,
            context: "server www.example.org:443", origin: origin, setting: "ssl_ecdh_curve")
    }

    @Test("the score is the baseline plus every adjustment, clamped, and the grade follows the bands")
    func scoreIsTheSum() {
        let score = nginx([Self.group("X25519MLKEM768"), Self.group("X25519")])
        #expect(score.score == AgilityScorer.baseline + score.adjustments.reduce(0) { $0 + $1.points })
        #expect(score.grade == AgilityScorer.grade(score.score))
        #expect(AgilityScorer.grade(85) == "A")
        #expect(AgilityScorer.grade(84) == "B")
        #expect(AgilityScorer.grade(55) == "C")
        #expect(AgilityScorer.grade(40) == "D")
        #expect(AgilityScorer.grade(39) == "F")
    }

    @Test("configured-choice: +10 for algorithms chosen in the file, 0 for defaults only")
    func configuredChoice() {
        #expect(adjustment(nginx([Self.group("X25519")]), "configured-choice")?.points == 10)
        let defaults = nginx([Self.group("X25519", origin: .default)])
        #expect(adjustment(defaults, "configured-choice")?.points == 0)
        #expect(adjustment(defaults, "configured-choice")?.evaluated == true)
    }

    @Test("negotiation-options: +10 for two or more key exchanges, -10 for a single one")
    func negotiationOptions() {
        let two = nginx([Self.group("X25519"), Self.group("P-256", line: 4)])
        #expect(adjustment(two, "negotiation-options")?.points == 10)
        #expect(adjustment(two, "negotiation-options")?.findings.count == 2)
        #expect(adjustment(nginx([Self.group("X25519")]), "negotiation-options")?.points == -10)
    }

    @Test("hybrid-pq-offered: +20 when a hybrid group is offered, -20 when none is")
    func hybridOffered() {
        let hybrid = nginx([Self.group("X25519MLKEM768"), Self.group("X25519", line: 4)])
        let plus = adjustment(hybrid, "hybrid-pq-offered")
        #expect(plus?.points == 20)
        #expect(plus?.findings.map(\.index) == [0])
        #expect(adjustment(nginx([Self.group("X25519")]), "hybrid-pq-offered")?.points == -20)
    }

    @Test("a hybrid group that is not in force earns nothing")
    func ineffectiveHybrid() {
        var ignored = Self.group("X25519MLKEM768")
        ignored.effective = false
        let score = nginx([ignored, Self.group("X25519", line: 4)])
        #expect(adjustment(score, "hybrid-pq-offered")?.points == -20)
    }

    @Test("protocol-floor: +10 for TLS 1.3, -15 for a broken version, n/a without protocol settings")
    func protocolFloor() {
        let tls13 = Fixture.finding(
            "TLSv1.3", usage: .protocolVersion, source: "nginx", path: "etc/nginx/nginx.conf",
            context: "server www.example.org:443")
        let tls10 = Fixture.finding(
            "TLSv1", usage: .protocolVersion, source: "nginx", path: "etc/nginx/nginx.conf",
            context: "server www.example.org:443")
        #expect(adjustment(nginx([Self.group("X25519"), tls13]), "protocol-floor")?.points == 10)
        let both = nginx([Self.group("X25519"), tls13, tls10]).adjustments.filter { $0.dimension == "protocol-floor" }
        #expect(both.map(\.points).sorted() == [-15, 10])
        let none = adjustment(nginx([Self.group("X25519")]), "protocol-floor")
        #expect(none?.evaluated == false)
        #expect(none?.points == 0)
    }

    @Test("pq-capable-library: +10 for OpenSSL 3.5, -10 for 3.0, not evaluated without a package database")
    func library() {
        let path = ScanPath("var/lib/dpkg/status")
        let new = nginx(
            [Self.group("X25519")], software: [Software(name: "libssl3t64", version: "3.5.1-1", sourcePath: path)])
        #expect(adjustment(new, "pq-capable-library")?.points == 10)
        let old = nginx(
            [Self.group("X25519")], software: [Software(name: "libssl3", version: "3.0.15-1~deb12u1", sourcePath: path)]
        )
        #expect(adjustment(old, "pq-capable-library")?.points == -10)
        let unknown = adjustment(nginx([Self.group("X25519")]), "pq-capable-library")
        #expect(unknown?.evaluated == false)
        #expect(unknown?.reason.contains("no package database") == true)
        let ssh = Fixture.finding(
            "mlkem768x25519-sha256", usage: .keyExchange, source: "openssh", path: "etc/ssh/sshd_config")
        // OpenSSH does PQ key exchange from 8.5 (sntrup761x25519-sha512@openssh.com, release-8.5), not only from
        // 9.9's ML-KEM hybrid: Debian 12's 9.2 is PQ-capable, Debian 11's 8.4 is not.
        let sshScore = scorer.score(
            system: AssessedSystems.system(of: ssh), items: items([ssh]),
            software: [Software(name: "openssh-server", version: "1:9.2p1-2+deb12u3", sourcePath: path)])
        #expect(adjustment(sshScore, "pq-capable-library")?.points == 10)
        let oldSSH = scorer.score(
            system: AssessedSystems.system(of: ssh), items: items([ssh]),
            software: [Software(name: "openssh-server", version: "1:8.4p1-5+deb11u3", sourcePath: path)])
        #expect(adjustment(oldSSH, "pq-capable-library")?.points == -10)
        #expect(adjustment(oldSSH, "pq-capable-library")?.reason.contains("release-8.5") == true)
        #expect(AgilityScorer.version("1:10.0p1-1") == [10, 0])
    }

    @Test("central-policy: +5 when settings come from crypto-policies, 0 for a per-file copy")
    func centralPolicy() {
        let central = Fixture.finding(
            "X25519", usage: .keyExchange, source: "openssl-conf",
            path: "etc/crypto-policies/back-ends/opensslcnf.config")
        #expect(adjustment(nginx([central]), "central-policy")?.points == 5)
        #expect(adjustment(nginx([Self.group("X25519")]), "central-policy")?.points == 0)
    }

    @Test("legacy-in-force: -15 for a classically broken algorithm in force")
    func legacy() {
        let rc4 = Fixture.finding(
            "SSH-1", usage: .protocolVersion, source: "nginx", path: "etc/nginx/nginx.conf",
            context: "server www.example.org:443")
        #expect(adjustment(nginx([Self.group("X25519"), rc4]), "legacy-in-force")?.points == -15)
        #expect(adjustment(nginx([Self.group("X25519")]), "legacy-in-force")?.points == 0)
    }

    @Test("store pq-ready-material: +15 with ML-DSA material, -10 when everything is vulnerable")
    func storeReady() {
        let mldsa = Fixture.finding("ML-DSA-65", usage: .publicKey, path: "etc/ssl/certs/pq.pem")
        let rsa = Fixture.finding("RSA", usage: .publicKey, path: "etc/ssl/certs/rsa.pem", keyBits: 3072)
        let system = AssessedSystems.system(of: rsa)
        #expect(
            adjustment(scorer.score(system: system, items: items([mldsa, rsa]), software: []), "pq-ready-material")?
                .points == 15)
        #expect(
            adjustment(scorer.score(system: system, items: items([rsa]), software: []), "pq-ready-material")?.points
                == -10)
    }

    @Test("store certificate-lifetime: +10 within the CA/B limit of the day, -10 for >825 days, n/a without leaves")
    func certificateLifetime() {
        // CA/B Forum SC-081v3 (standards.md §7b): 200 days from 2026-03-15.
        let short = Fixture.certificateAsset(id: "short", from: "2026-06-01", until: "2026-12-01")
        let long = Fixture.certificateAsset(id: "long", from: "2026-01-01", until: "2030-01-01")
        let finding = { (asset: String) in
            Fixture.finding("ECDSA", usage: .publicKey, keyBits: 256, curve: "P-256", asset: asset)
        }
        let system = AssessedSystems.system(of: finding("short"))
        let certificates = ["short": short.certificate, "long": long.certificate].compactMapValues { $0 }
        let good = scorer.score(
            system: system, items: items([finding("short")], assets: certificates), software: [],
            asOf: Fixture.day("2026-07-01"))
        #expect(adjustment(good, "certificate-lifetime")?.points == 10)
        // The same 183-day leaf exceeds the 100-day limit in force from 2027-03-15: no longer "short".
        let later = scorer.score(
            system: system, items: items([finding("short")], assets: certificates), software: [],
            asOf: Fixture.day("2027-04-01"))
        #expect(adjustment(later, "certificate-lifetime")?.points == 0)
        #expect(AgilityScorer.maximumLeafDays(on: Fixture.day("2026-03-14")) == 398)
        #expect(AgilityScorer.maximumLeafDays(on: Fixture.day("2026-03-15")) == 200)
        #expect(AgilityScorer.maximumLeafDays(on: Fixture.day("2027-03-15")) == 100)
        #expect(AgilityScorer.maximumLeafDays(on: Fixture.day("2029-03-15")) == 47)
        let bad = scorer.score(
            system: system, items: items([finding("short"), finding("long")], assets: certificates), software: [])
        #expect(adjustment(bad, "certificate-lifetime")?.points == -10)
        #expect(adjustment(bad, "certificate-lifetime")?.findings.map(\.index) == [1])
        let none = scorer.score(system: system, items: items([finding("none")]), software: [])
        #expect(adjustment(none, "certificate-lifetime")?.evaluated == false)
    }

    @Test("store long-lived-roots: -5 per vulnerable CA that outlives its deadline")
    func longLivedRoots() {
        let root = Fixture.certificateAsset(
            id: "root", algorithm: "RSA", keyBits: 4096, curve: nil, from: "2020-01-01", until: "2045-01-01",
            isCA: true, selfSigned: true)
        let finding = Fixture.finding("RSA", usage: .publicKey, keyBits: 4096, asset: "root")
        let score = scorer.score(
            system: AssessedSystems.system(of: finding),
            items: items([finding], assets: ["root": root.certificate].compactMapValues { $0 }, overruns: [0]),
            software: [])
        #expect(adjustment(score, "long-lived-roots")?.points == -5)
    }

    @Test("the whole scan's score is the plain mean of its systems, whatever their finding counts")
    func overall() {
        let a = nginx([Self.group("X25519MLKEM768"), Self.group("X25519", line: 4)])
        let rsa = Fixture.finding("RSA", usage: .publicKey, keyBits: 3072)
        let b = scorer.score(system: AssessedSystems.system(of: rsa), items: items([rsa]), software: [])
        let whole = scorer.overall([a, b])
        #expect(whole.score == (2 * (a.score + b.score) + 2) / 4)
        #expect(whole.adjustments.reduce(0) { $0 + $1.points } == whole.score)
        #expect(!whole.adjustments.contains { $0.dimension == "rounding" })
        // A system with 500 findings counts as much as one with 2: a long cipher list does not dominate.
        var heavy = b
        heavy.findingCount = 500
        #expect(scorer.overall([a, heavy]).score == whole.score)
        let empty = scorer.overall([])
        #expect(empty.grade == "-")
        #expect(empty.adjustments.first?.evaluated == false)
    }

    @Test("the overall score from a tally of its systems is the same score with each system's line left out")
    func overallFromTally() throws {
        let a = nginx([Self.group("X25519MLKEM768"), Self.group("X25519", line: 4)])
        let rsa = Fixture.finding("RSA", usage: .publicKey, keyBits: 3072)
        let b = scorer.score(system: AssessedSystems.system(of: rsa), items: items([rsa]), software: [])
        var tally = AgilityScorer.Tally()
        tally.add(a)
        tally.add(b)
        let counted = scorer.overall(tally: tally)
        #expect(counted.systemLinesLeftOut)
        #expect(counted.adjustments.map(\.dimension) == ["mean"])
        let whole = scorer.overall([a, b])
        #expect(!whole.systemLinesLeftOut)
        #expect(whole.adjustments.map(\.dimension) == ["system", "system", "mean"])
        #expect(try counted.restoringSystemLines { body in try [a, b].forEach(body) } == whole)
        // No findings: no system lines to leave out.
        let empty = scorer.overall(tally: AgilityScorer.Tally())
        #expect(!empty.systemLinesLeftOut)
        #expect(empty == scorer.overall([]))
    }

    @Test("systems: config findings group by daemon instance; keys and certificates by directory")
    func systems() {
        let findings = [
            Fixture.finding(
                "X25519", usage: .group, source: "nginx", path: "etc/nginx/nginx.conf", context: "server a:443"),
            Fixture.finding(
                "X25519", usage: .group, source: "nginx", path: "etc/nginx/nginx.conf", context: "server b:443"),
            Fixture.finding("curve25519-sha256", usage: .keyExchange, source: "openssh", path: "etc/ssh/sshd_config"),
            Fixture.finding("RSA", usage: .publicKey, path: "etc/ssl/certs/a.pem", keyBits: 2048),
            Fixture.finding(
                "RSA", usage: .publicKey, source: "private-key", path: "etc/ssl/certs/a.key", keyBits: 2048),
            Fixture.finding("ssh-ed25519", usage: .publicKey, source: "ssh-key", path: "etc/ssh/ssh_host_ed25519_key"),
        ]
        let groups = AssessedSystems.group(findings)
        #expect(
            groups.map(\.system.id) == [
                "nginx:etc/nginx", "openssh:etc/ssh/sshd_config", "store:etc/ssh", "store:etc/ssl/certs",
            ])
        #expect(groups.first { $0.system.id == "store:etc/ssl/certs" }?.system.kind == .certificateStore)
        #expect(groups.first { $0.system.id == "store:etc/ssh" }?.system.kind == .keyStore)
        #expect(groups.first { $0.system.id == "store:etc/ssl/certs" }?.indexes == [3, 4])
        #expect(groups.first { $0.system.id == "nginx:etc/nginx" }?.indexes == [0, 1])
    }

    @Test("one system per daemon instance: sshd with its drop-ins and Match blocks, Postfix, OpenVPN, shared files")
    func daemonInstances() {
        let findings = [
            Fixture.finding("curve25519-sha256", usage: .keyExchange, source: "openssh", path: "etc/ssh/sshd_config"),
            Fixture.finding(
                "curve25519-sha256", usage: .keyExchange, source: "openssh",
                path: "etc/ssh/sshd_config.d/10-hardening.conf"),
            Fixture.finding(
                "ssh-rsa", usage: .signature, source: "openssh", path: "etc/ssh/sshd_config",
                context: "Match User backup"),
            Fixture.finding("curve25519-sha256", usage: .keyExchange, source: "openssh", path: "etc/ssh/ssh_config"),
            Fixture.finding("X25519", usage: .group, source: "postfix", path: "etc/postfix/main.cf", context: "smtpd"),
            Fixture.finding(
                "X25519", usage: .group, source: "postfix", path: "etc/postfix/master.cf", context: "submission inet"),
            Fixture.finding(
                "X25519", usage: .group, source: "openvpn", path: "etc/openvpn/server/office.conf",
                context: "openvpn"),
            Fixture.finding("X25519", usage: .group, source: "openvpn", path: "etc/openvpn/server/office.conf"),
            // openssl.cnf read by the only OpenVPN instance joins it; read by one of two nginx... (see below)
            Fixture.finding(
                "X25519", usage: .group, source: "openvpn", path: "etc/ssl/openssl.cnf", context: "openvpn"),
            Fixture.finding(
                "X25519", usage: .group, source: "openssl-conf", path: "etc/ssl/openssl.cnf",
                context: "system_default"),
        ]
        let systems = AssessedSystems.resolve(findings).map(\.id)
        #expect(
            systems == [
                "openssh:etc/ssh/sshd_config", "openssh:etc/ssh/sshd_config", "openssh:etc/ssh/sshd_config",
                "openssh:etc/ssh/ssh_config", "postfix:etc/postfix", "postfix:etc/postfix",
                "openvpn:etc/openvpn/server/office.conf", "openvpn:etc/openvpn/server/office.conf",
                "openvpn:etc/openvpn/server/office.conf", "openssl-conf:etc/ssl/openssl.cnf",
            ])
        // Two OpenVPN instances: PQScout cannot tell which one reads the shared file, so it stays apart.
        let two =
            findings + [
                Fixture.finding("X25519", usage: .group, source: "openvpn", path: "etc/openvpn/client/home.conf")
            ]
        #expect(AssessedSystems.resolve(two)[8].id == "openvpn:etc/ssl/openssl.cnf#openvpn")
    }
}
