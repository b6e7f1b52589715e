import Foundation
import PQCatalog
import PQModel
import Testing

@testable import PQAssessment

/// One regression test per wrong item of issue 16 that the planner alone decides (items 2, 4, 5 and 7; items 1,
/// 3, 6 and 8 are checked with the real tools in PlanLockOutTests, PlanTLSPatchTests and PlanUseCaseTests).
@Suite("Plan regressions: what issue 16 found wrong stays fixed")
struct PlanRegressionTests {
    static let asOf = Fixture.day("2026-11-27")

    static func plan(
        _ findings: [Finding], files: [String: String] = [:], versions: [String: String] = [:], assets: [Asset] = [],
        profile: String = "nist-ir-8547"
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

    /// A group list as the scanner writes it when it assumed OpenSSL 3.0: the hybrid "unknown", the list dead.
    static func deadList(source: FindingSource, setting: String, path: String, line: Int) -> [Finding] {
        ["X25519MLKEM768", "X25519", "prime256v1"].map { name in
            var finding = Fixture.finding(
                name, usage: .group, source: source, path: path, line: line, context: "server a:443", effective: false,
                setting: setting)
            finding.note =
                name == "X25519MLKEM768"
                ? "OpenSSL 3.0.0 does not know X25519MLKEM768 (added in 3.5); dead configuration"
                : "not offered: OpenSSL 3.0.0 does not know X25519MLKEM768 (added in 3.5)"
            return finding
        }
    }

    // MARK: - Item 2

    @Test(
        "item 2: with --openssl-version 3.5.0 a list that starts with X25519MLKEM768 gets no action and no no-op patch",
        arguments: [
            (FindingSource.nginx, "ssl_ecdh_curve", "    ssl_ecdh_curve X25519MLKEM768:X25519:prime256v1;\n"),
            (
                FindingSource.haproxy, "ssl-default-bind-curves",
                "    ssl-default-bind-curves X25519MLKEM768:X25519:prime256v1\n"
            ),
        ])
    func plannedOpenSSLVersion(source: FindingSource, setting: String, line: String) throws {
        let findings = Self.deadList(source: source, setting: setting, path: "etc/x.conf", line: 1)
        let plan = try Self.plan(findings, files: ["etc/x.conf": line], versions: ["openssl": "3.5.0"])
        #expect(plan.actions.filter { $0.software == source.rawValue }.isEmpty, "\(plan.actions.map(\.title))")
        #expect(plan.action("upgrade:openssl") == nil)
        // On 3.0 the same list is dead configuration and is repaired today.
        let old = try Self.plan(findings, files: ["etc/x.conf": line], versions: ["openssl": "3.0.11"])
        let repair = try #require(old.actions.first { $0.software == source.rawValue })
        #expect(repair.deadline == Self.asOf)
        #expect(repair.patch?.diff.contains("X25519:prime256v1") == true)
    }

    @Test("item 2: an edit that writes back the same line is no patch")
    func noOpPatch() {
        let file = TextFileLines(lines: ["a", "b"])
        #expect(file.unifiedDiff(path: "x", edits: [LineEdit(start: 0, removeCount: 1, insert: ["a"])]) == nil)
        #expect(file.unifiedDiff(path: "x", edits: [LineEdit(start: 0, removeCount: 1, insert: ["c"])]) != nil)
    }

    // MARK: - Item 4

    @Test("item 4: DH parameters, RequiredRSASize, WireGuard and SSH keys get what is true, not an arrow to ML-*")
    func honestChanges() throws {
        let findings = [
            Fixture.finding(
                "DH", usage: .keyExchange, source: .nginx, path: "etc/nginx/nginx.conf", line: 3, keyBits: 2048,
                context: "server a:443", setting: "ssl_dhparam"),
            Fixture.finding(
                "RSA", usage: .publicKey, source: .openssh, path: "etc/ssh/ssh_config", line: 9, keyBits: 2048,
                setting: "RequiredRSASize"),
            Fixture.finding(
                "X25519", usage: .keyExchange, source: "wireguard", path: "etc/wireguard/wg0.conf", line: 2,
                context: "[Interface]", setting: "PrivateKey"),
            Fixture.finding(
                "ssh-ed25519", usage: .publicKey, source: .sshKey, path: "home/u/.ssh/id_ed25519.pub", line: 1,
                setting: "publicKey"),
        ]
        let plan = try Self.plan(findings)
        func change(_ software: String) -> String { plan.actions.first { $0.software == software }?.change ?? "" }
        #expect(change("nginx").contains("no post-quantum form") && !change("nginx").contains("ML-KEM-768"))
        #expect(change("openssh").hasPrefix("RequiredRSASize 3072") && !change("openssh").contains("ML-DSA"))
        #expect(change("wireguard").contains("PresharedKey") && change("wireguard").contains("Rosenpass"))
        #expect(change("ssh-key").contains("no released OpenSSH") && !change("ssh-key").contains("ML-DSA-44"))
        for action in plan.actions { #expect(!action.change.contains("from the catalog"), "\(action.id)") }
    }

    @Test("item 4: ML-DSA in jdk.certpath.disabledAlgorithms on JDK 21 waits for JDK 24 (JEP 497)")
    func jdkPrerequisite() throws {
        let findings = ["SHA256withRSA", "Ed25519"].map {
            Fixture.finding(
                $0, usage: .signature, source: .javaSecurity, path: "etc/java-21-openjdk/security/java.security",
                line: 9, setting: "jdk.certpath.disabledAlgorithms")
        }
        let plan = try Self.plan(findings)
        let action = try #require(plan.actions.first { $0.software == "java-security" })
        #expect(action.prerequisites.contains { $0.requirement.contains("JDK >= 24") && $0.satisfied == false })
        #expect(action.change.contains("JDK 21"))
    }

    // MARK: - Item 5

    static func certificate(
        _ id: String, subject: String, issuer: String, ca: Bool, until: String, signature: String = "RSA-SHA256",
        bits: Int = 3072
    ) -> (Asset, [Finding]) {
        let details = CertificateDetails(
            subject: subject, issuer: issuer, serial: "1", notBefore: Fixture.day("2020-01-01").date,
            notAfter: Fixture.day(until).date, signatureOID: "1.2.840.113549.1.1.11", signatureAlgorithm: signature,
            publicKeyOID: "1.2.840.113549.1.1.1", sha256: id, publicKeyID: id, isCA: ca, selfSigned: subject == issuer)
        let asset = Asset(
            id: id, kind: .certificate, algorithm: "RSA", canonical: "RSA", keyBits: bits, certificate: details)
        let path = "etc/ssl/\(id).pem"
        return (
            asset,
            [
                Fixture.finding(
                    "RSA", usage: .publicKey, path: path, line: 1, keyBits: bits, asset: id, setting: "subjectPublicKey"
                ),
                Fixture.finding(
                    signature, usage: .signature, path: path, line: 1, asset: id, setting: "signatureAlgorithm"),
            ]
        )
    }

    @Test("item 5: a broken certificate gets a classical re-issue today; expired ones none; issuers due first")
    func certificates() throws {
        let broken = Self.certificate(
            "old", subject: "CN=intranet", issuer: "CN=intranet", ca: true, until: "2030-01-01", signature: "RSA-SHA1",
            bits: 1024)
        let expired = Self.certificate("gone", subject: "CN=gone", issuer: "CN=ica", ca: false, until: "2026-07-04")
        let root = Self.certificate("r", subject: "CN=root", issuer: "CN=root", ca: true, until: "2045-01-01")
        let ica = Self.certificate("i", subject: "CN=ica", issuer: "CN=root", ca: true, until: "2033-01-01")
        let leaf = Self.certificate(
            "l", subject: "CN=leaf", issuer: "CN=ica", ca: false, until: "2027-01-01", bits: 2048)
        let all = [broken, expired, root, ica, leaf]
        let plan = try Self.plan(all.flatMap(\.1), assets: all.map(\.0))
        let interim = try #require(plan.action("certificate-interim:CN=intranet"))
        #expect(interim.deadline == Self.asOf && interim.phase == .classicallyBroken)
        #expect(interim.prerequisites.isEmpty)
        #expect(plan.action("certificate-reissue:CN=intranet")?.phase == .signatures)
        #expect(!plan.actions.contains { $0.id.contains("CN=gone") })
        let days = ["CN=root", "CN=ica", "CN=leaf"].compactMap { plan.action("certificate-reissue:\($0)")?.deadline }
        #expect(days.count == 3)
        #expect(days == days.sorted(), "issuers must be due no later than what they issue: \(days)")
    }

    // MARK: - Item 7

    @Test("item 7: under CNSA 2.0 nothing adds ML-KEM-768 or X25519, and the plan says OpenSSH has no CNSA method")
    func cnsa() throws {
        var findings = ["curve25519-sha256", "ecdh-sha2-nistp384"].map {
            Fixture.finding(
                $0, usage: .keyExchange, source: .openssh, path: "etc/ssh/sshd_config", line: 1,
                setting: "KexAlgorithms")
        }
        findings += ["X25519", "prime256v1"].map {
            Fixture.finding(
                $0, usage: .group, source: .nginx, path: "etc/nginx/site", line: 1, context: "server a:443",
                setting: "ssl_ecdh_curve")
        }
        findings += [
            Fixture.finding(
                "ecp384", usage: .keyExchange, source: .strongswan, path: "etc/ipsec.conf", line: 2,
                context: "conn hq", setting: "ike")
        ]
        let files = [
            "etc/ssh/sshd_config": "KexAlgorithms curve25519-sha256,ecdh-sha2-nistp384\n",
            "etc/nginx/site": "ssl_ecdh_curve X25519:prime256v1;\n",
            "etc/ipsec.conf": "conn hq\n    ike=aes256-sha384-ecp384!\n",
        ]
        let plan = try Self.plan(
            findings, files: files, versions: ["openssh": "10.0", "openssl": "3.5.1", "strongswan": "6.0.1"],
            profile: "cnsa-2.0")
        let added = plan.actions.compactMap(\.patch?.diff).flatMap { $0.split(separator: "\n") }
            .filter { $0.hasPrefix("+") && !$0.hasPrefix("+++") }.joined(separator: "\n")
        for forbidden in ["mlkem768", "MLKEM768", "sntrup761", "X25519"] {
            #expect(!added.contains(forbidden), "\(forbidden) in \(added)")
        }
        #expect(added.contains("SecP384r1MLKEM1024:secp384r1"))
        #expect(added.contains("ke1_mlkem1024"))
        #expect(plan.notes.contains { $0.contains("OpenSSH has no CNSA 2.0-compliant key exchange") })
        #expect(!plan.actions.contains { $0.software == "openssh" && $0.kind == .keyExchange })
    }
}
