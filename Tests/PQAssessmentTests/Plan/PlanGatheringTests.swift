import Foundation
import PQCatalog
import PQModel
import Testing

@testable import PQAssessment

/// Issue 20: `pqscout plan` streams the scan's findings and keeps only those the plan can use. The plan must be the
/// one the planner makes from every finding, with each reference naming its place in the whole scan.
@Suite("Plan gathering: the findings walked once, the same plan from fewer of them")
struct PlanGatheringTests {
    static let asOf = Fixture.day("2026-11-27")

    static let nginx = """
        server {
            listen 443 ssl;
            ssl_protocols TLSv1.2;
            ssl_ecdh_curve X25519MLKEM768:X25519:prime256v1;
        }

        """

    static let sshd = """
        # sshd_config
        KexAlgorithms curve25519-sha256,diffie-hellman-group14-sha1

        """

    /// A scan in the store's order (path, line): OpenSSH, a dead nginx group list with its protocol line, server
    /// blocks no include reaches (their suites and library-default groups are not in force), a suite list in force,
    /// certificates (one classically broken) and an SSH host key.
    static func findings() -> (findings: [Finding], assets: [Asset]) {
        let root = PlanRegressionTests.certificate(
            "r", subject: "CN=root", issuer: "CN=root", ca: true, until: "2045-01-01")
        let broken = PlanRegressionTests.certificate(
            "old", subject: "CN=intranet", issuer: "CN=intranet", ca: true, until: "2030-01-01",
            signature: "RSA-SHA1", bits: 1024)
        let leaf = PlanRegressionTests.certificate(
            "l", subject: "CN=leaf", issuer: "CN=root", ca: false, until: "2027-01-01", bits: 2048)
        var findings: [Finding] = []
        findings.append(
            Fixture.finding(
                "RSA", usage: .keyExchange, source: "apache", path: "etc/apache2/ssl.conf", line: 4,
                context: "VirtualHost *:443", setting: "SSLCipherSuite"))
        findings += OpenSSHPlanTests.kex(
            ["curve25519-sha256", "diffie-hellman-group14-sha1"], path: "etc/ssh/sshd_config", line: 2)
        findings.append(
            Fixture.finding(
                "ssh-rsa", usage: .publicKey, source: .sshKey, path: "etc/ssh/ssh_host_rsa_key.pub", keyBits: 2048,
                setting: "hostKey"))
        findings.append(
            Fixture.finding(
                "TLSv1.2", usage: .protocolVersion, source: .nginx, path: "etc/nginx/a.conf", line: 3,
                context: "server a:443", setting: "ssl_protocols"))
        findings += PlanRegressionTests.deadList(
            source: .nginx, setting: "ssl_ecdh_curve", path: "etc/nginx/a.conf", line: 4)
        for name in ["ECDHE-RSA-AES128-GCM-SHA256", "AES128-SHA", "DES-CBC3-SHA"] {
            findings.append(
                Fixture.finding(
                    name, usage: .cipherSuite, source: .nginx, path: "etc/nginx/sites/b.conf", line: 7,
                    context: "server b:443", effective: false, setting: "ssl_ciphers"))
        }
        for name in ["X25519", "prime256v1"] {
            findings.append(
                Fixture.finding(
                    name, usage: .group, source: .nginx, path: "etc/nginx/sites/b.conf", context: "server b:443",
                    origin: .default, effective: false, setting: "Groups"))
        }
        for certificate in [broken, leaf, root] { findings += certificate.1 }
        return (findings, [broken.0, leaf.0, root.0])
    }

    static func files() -> InMemoryPlanFiles {
        InMemoryPlanFiles([
            ScanPath("etc/nginx/a.conf"): Array(nginx.utf8), ScanPath("etc/ssh/sshd_config"): Array(sshd.utf8),
        ])
    }

    /// The plan from every finding held in an array, as the planner made it before it streamed.
    static func wholePlan(_ findings: [Finding], assets: [Asset], options: AssessmentOptions) throws -> Plan {
        let input = AssessmentInput(scan: Fixture.scan(), findings: findings, assets: assets)
        return MigrationPlanner.plan(
            PlanInput(
                findings: findings, assets: assets, judgements: try Assessor.judge(input, options: options),
                profile: options.profile, files: files(), versionOverrides: ["openssh": "9.9"]))
    }

    static func gathered(_ findings: [Finding], assets: [Asset], options: AssessmentOptions) throws -> PlanInput {
        let input = AssessmentInput(scan: Fixture.scan(), findings: findings, assets: assets)
        return try PlanInput.gathering(
            input.source, options: options, files: files(), versionOverrides: ["openssh": "9.9"])
    }

    @Test("the plan from the kept findings is the plan from all of them; references name places in the whole scan")
    func samePlan() throws {
        let (findings, assets) = Self.findings()
        let options = AssessmentOptions(profile: try PolicyProfile.bundled("nist-ir-8547"), asOf: Self.asOf)
        let whole = try Self.wholePlan(findings, assets: assets, options: options)
        let input = try Self.gathered(findings, assets: assets, options: options)
        let streamed = MigrationPlanner.plan(input)
        #expect(streamed == whole)
        // Something was left out (the suites and default groups of the block nothing reaches), and the plan still
        // has actions of every family: TLS groups, OpenSSH, certificates, the long tail.
        #expect(input.findings.count == findings.count - 5)
        #expect(!input.findings.contains { $0.path.display == "etc/nginx/sites/b.conf" })
        for software in ["nginx", "openssh", "x509", "apache"] {
            #expect(streamed.actions.contains { $0.software == software }, "no \(software) action")
        }
        #expect(streamed.actions.contains { $0.id.hasPrefix("certificate-interim:") })
        let refs = streamed.actions.flatMap { $0.retires + $0.keeps }
        #expect(!refs.isEmpty)
        for ref in refs {
            let finding = findings[ref.index]
            #expect(finding.path.display == ref.path && finding.setting == ref.setting)
            #expect(finding.algorithm == ref.algorithm)
            #expect(input.finding(atScanIndex: ref.index) == finding)
        }
    }

    /// Where a string's bytes live; equal for two values only when they share storage.
    static func storage(_ value: String?) -> UnsafeRawPointer? {
        value?.utf8.withContiguousStorageIfAvailable { UnsafeRawPointer($0.baseAddress) } ?? nil
    }

    @Test("kept findings share one instance of equal text, their asset id included")
    func sharedStrings() throws {
        // Each value made at run time, as the store's reader makes one per row.
        func fresh(_ text: String) -> String { String(decoding: Array(text.utf8), as: UTF8.self) }
        let id = "sha256:" + String(repeating: "ab", count: 32)
        let asset = Asset(
            id: fresh(id), kind: .certificate, algorithm: "RSA", canonical: "RSA", keyBits: 2048,
            certificate: CertificateDetails(
                subject: "CN=leaf", issuer: fresh("CN=Example Issuing CA 1, O=Example"), serial: "1",
                notBefore: Fixture.day("2020-01-01").date, notAfter: Fixture.day("2029-01-01").date,
                signatureOID: fresh("1.2.840.113549.1.1.11"), signatureAlgorithm: "RSA-SHA256",
                publicKeyOID: fresh("1.2.840.113549.1.1.1"), sha256: "x", publicKeyID: "y", isCA: false,
                selfSigned: false))
        var other = asset
        other.id = fresh("sha256:" + String(repeating: "cd", count: 32))
        other.certificate?.issuer = fresh("CN=Example Issuing CA 1, O=Example")
        other.certificate?.signatureOID = fresh("1.2.840.113549.1.1.11")
        let findings = (0..<2).map { number in
            var finding = Fixture.finding(
                "RSA", usage: .publicKey, path: "etc/ssl/leaf.pem", line: 1, keyBits: 2048, asset: fresh(id),
                setting: fresh("subjectPublicKey"))
            finding.oid = fresh("1.2.840.113549.1.1.1")
            finding.context = fresh("certificate \(number % 1) in the bundle")
            return finding
        }
        #expect(Self.storage(findings[0].asset) != Self.storage(findings[1].asset))
        let options = AssessmentOptions(profile: try PolicyProfile.bundled("nist-ir-8547"), asOf: Self.asOf)
        let input = try Self.gathered(findings, assets: [asset], options: options)
        #expect(Array(input.findings) == findings)
        let kept = input.findings
        #expect(kept.count == 2)
        // Not the asset's own string: the plan no longer holds the assets (their certificates are a compact table).
        #expect(Self.storage(kept[0].asset) == Self.storage(kept[1].asset))
        #expect(Self.storage(kept[0].setting) == Self.storage(kept[1].setting))
        #expect(Self.storage(kept[0].oid) == Self.storage(kept[1].oid))
        #expect(Self.storage(kept[0].context) == Self.storage(kept[1].context))
        let pooled = StringPool.sharing([asset, other])
        #expect(pooled == [asset, other])
        #expect(Self.storage(pooled[0].certificate?.issuer) == Self.storage(pooled[1].certificate?.issuer))
        #expect(Self.storage(pooled[0].certificate?.signatureOID) == Self.storage(pooled[1].certificate?.signatureOID))
        #expect(Self.storage(pooled[0].id) != Self.storage(pooled[1].id))
    }

    @Test("a waiver on a finding that is left out still counts in the plan's note")
    func waivedNote() throws {
        let (findings, assets) = Self.findings()
        let waiver = Waiver(
            id: "w1", selector: WaiverSelector(path: "etc/nginx/sites/b.conf"), owner: "ops", reason: "retired host",
            expires: Fixture.day("2027-12-31"))
        let options = AssessmentOptions(
            profile: try PolicyProfile.bundled("nist-ir-8547"), asOf: Self.asOf, waivers: [waiver])
        let whole = try Self.wholePlan(findings, assets: assets, options: options)
        let streamed = MigrationPlanner.plan(try Self.gathered(findings, assets: assets, options: options))
        #expect(streamed == whole)
        #expect(streamed.notes.contains { $0.hasPrefix("5 waived finding(s)") })
    }

    @Test("--since from gathered places and kept findings marks what the arrays mark")
    func sameProgress() throws {
        let (findings, assets) = Self.findings()
        let options = AssessmentOptions(profile: try PolicyProfile.bundled("nist-ir-8547"), asOf: Self.asOf)
        let earlierInput = try Self.gathered(findings, assets: assets, options: options)
        let earlier = MigrationPlanner.plan(earlierInput)
        // The later scan: the SHA-1 key exchange and the broken certificate gone, the dead list now out of force.
        let later = findings.filter { $0.algorithm != "diffie-hellman-group14-sha1" && $0.asset != "old" }
        let laterPlan = try Self.wholePlan(later, assets: assets, options: options)
        let expected = PlanProgressTracker.compare(
            earlier: earlier, earlierFindings: findings, later: laterPlan, laterFindings: later)
        var seen = PlanProgressTracker.LaterFindings(earlier: earlier)
        for finding in later { seen.add(finding) }
        let streamed = PlanProgressTracker.compare(
            earlier: earlier, wasInForce: { earlierInput.finding(atScanIndex: $0.index)?.effective ?? true },
            later: laterPlan, laterFindings: seen)
        #expect(streamed == expected)
        #expect(streamed.actions.contains { $0.state == .done })
        #expect(streamed.actions.contains { $0.state != .done })
    }
}
