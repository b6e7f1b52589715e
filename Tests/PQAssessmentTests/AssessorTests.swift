import Foundation
import PQCatalog
import PQModel
import Testing

@testable import PQAssessment

@Suite("Assessor: waivers, gates, coverage and the whole result")
struct AssessorTests {
    static let findings: [Finding] = [
        Fixture.finding("RSA", usage: .publicKey, path: "etc/ssl/certs/www.pem", keyBits: 2048, asset: "www"),
        Fixture.finding("RSA-SHA1", usage: .signature, path: "etc/ssl/certs/legacy.crt"),
        Fixture.finding("ECDSA", usage: .publicKey, path: "etc/ssl/certs/api.pem", keyBits: 256, curve: "P-256"),
        Fixture.finding(
            "X25519MLKEM768", usage: .group, source: "nginx", path: "etc/nginx/nginx.conf", line: 12,
            context: "server www.example.org:443"),
        Fixture.finding(
            "X25519", usage: .group, source: "nginx", path: "etc/nginx/nginx.conf", line: 12,
            context: "server www.example.org:443"),
    ]

    static let assets = [
        Fixture.certificateAsset(
            id: "www", algorithm: "RSA", keyBits: 2048, curve: nil, from: "2026-01-01", until: "2034-05-01")
    ]

    func assess(
        asOf: String, waivers: [Waiver] = [], failOn: GateThreshold? = nil, findings: [Finding] = findings,
        diagnostics: [Diagnostic] = [], scannedSources: [String]? = ["x509", "private-key"],
        status: ScanRecord.Status = .complete
    ) throws -> AssessmentResult {
        try Assessor.assess(
            AssessmentInput(
                scan: Fixture.scan(status: status), findings: findings, assets: Self.assets, diagnostics: diagnostics,
                scannedSources: scannedSources),
            options: AssessmentOptions(
                profile: PolicyProfile.bundled("nist-ir-8547"), asOf: Fixture.day(asOf), waivers: waivers,
                failOn: failOn))
    }

    static let legacyWaiver = Waiver(
        id: "legacy-intranet", selector: WaiverSelector(path: "etc/ssl/certs/legacy.*", algorithm: "RSA-SHA1"),
        owner: "pki@example.org", reason: "decommissioned in Q2", expires: Fixture.day("2027-06-30"))

    @Test("the result lists every finding, highest risk first, with a certificate overrun where one exists")
    func wholeResult() throws {
        let result = try assess(asOf: "2031-01-01")
        #expect(result.findings.count == Self.findings.count)
        #expect(result.findings.map(\.risk.score) == result.findings.map(\.risk.score).sorted(by: >))
        let www = try #require(result.findings.first { $0.finding.index == 0 })
        #expect(www.verdict.state == .deprecated)
        #expect(www.overrun?.message.contains("valid until 2034-05-01") == true)
        #expect(result.summary.byState["deprecated"] == 1)
        #expect(result.summary.certificateOverruns == 1)
        #expect(result.systems.map(\.system.id).contains("nginx:etc/nginx"))
    }

    @Test("a waiver is honoured up to its expiry day and not after; the gate ignores only honoured waivers")
    func waiversExpire() throws {
        let before = try assess(asOf: "2027-06-30", waivers: [Self.legacyWaiver], failOn: .disallowed)
        let waived = try #require(before.findings.first { $0.finding.index == 1 })
        #expect(waived.waiver?.honoured == true)
        #expect(waived.verdict.state == .disallowed)
        #expect(before.summary.waived == 1)
        #expect(before.gate?.met == false)
        let after = try assess(asOf: "2027-07-01", waivers: [Self.legacyWaiver], failOn: .disallowed)
        let expired = try #require(after.findings.first { $0.finding.index == 1 })
        #expect(expired.waiver?.honoured == false)
        #expect(after.summary.expiredWaivers == 1)
        #expect(after.gate?.met == true)
        #expect(after.gate?.findings.map(\.index) == [1])
    }

    @Test("a waiver that matches nothing is reported as unused")
    func unusedWaiver() throws {
        var waiver = Self.legacyWaiver
        waiver.selector = WaiverSelector(path: "nowhere/*")
        #expect(try assess(asOf: "2027-01-01", waivers: [waiver]).unusedWaivers == ["legacy-intranet"])
    }

    @Test("gates: disallowed, deprecated and vulnerable each meet on the findings they name")
    func gates() throws {
        let clean = [Self.findings[2], Self.findings[3]]
        #expect(try assess(asOf: "2031-01-01", failOn: .disallowed, findings: clean).gate?.met == false)
        #expect(try assess(asOf: "2031-01-01", failOn: .deprecated, findings: clean).gate?.met == false)
        #expect(try assess(asOf: "2031-01-01", failOn: .vulnerable, findings: clean).gate?.met == true)
        #expect(try assess(asOf: "2036-01-01", failOn: .disallowed, findings: clean).gate?.met == true)
        let rsa = [Self.findings[0]]
        #expect(try assess(asOf: "2030-12-31", failOn: .deprecated, findings: rsa).gate?.met == false)
        #expect(try assess(asOf: "2031-01-01", failOn: .deprecated, findings: rsa).gate?.met == true)
        #expect(try assess(asOf: "2031-01-01", failOn: .disallowed, findings: rsa).gate?.met == false)
        let hybrid = [Self.findings[3]]
        #expect(try assess(asOf: "2040-01-01", failOn: .vulnerable, findings: hybrid).gate?.met == false)
    }

    @Test("a finding not in force never meets a gate")
    func ineffectiveIgnored() throws {
        var finding = Self.findings[1]
        finding.effective = false
        #expect(try assess(asOf: "2031-01-01", failOn: .vulnerable, findings: [finding]).gate?.met == false)
    }

    @Test("coverage says what was skipped, unparsable, unclassified and not scanned at all")
    func coverage() throws {
        let diagnostics = [
            Diagnostic(path: ScanPath("big.bin"), reason: .tooLarge, detail: "300 MiB > 64 MiB"),
            Diagnostic(path: ScanPath("bad.pem"), reason: .malformed, detail: "truncated"),
        ]
        let findings = Self.findings + [Fixture.finding("1.2.3.4", usage: .publicKey)]
        let result = try assess(
            asOf: "2027-01-01", findings: findings, diagnostics: diagnostics, status: .incomplete)
        let coverage = result.coverage
        #expect(!coverage.scanComplete)
        #expect(coverage.filesSkipped == 1)
        #expect(coverage.filesUnparsable == 1)
        #expect(coverage.sources["nginx"] == 2)
        let kinds = Set(coverage.gaps.map(\.kind))
        #expect(kinds == ["scan", "file", "algorithm", "format", "software"])
        #expect(coverage.gaps.contains { $0.subject == "openssh" && $0.reason.contains("no OpenSSH") })
        #expect(!coverage.gaps.contains { $0.subject == "nginx" })
        #expect(coverage.gaps.contains { $0.subject == "1.2.3.4" })
    }

    @Test("an empty scan is scored as not evaluated, never as clean")
    func emptyScan() throws {
        let result = try assess(asOf: "2027-01-01", findings: [])
        #expect(result.systems.isEmpty)
        #expect(result.overall.grade == "-")
        #expect(result.overall.adjustments.first?.reason.contains("not a clean bill") == true)
    }

    @Test("an sshd offering mlkem768x25519 on OpenSSH 9.9 scores every dimension and clamps at 100 (A)")
    func sshdEndToEnd() throws {
        let path = "etc/ssh/sshd_config"
        let findings = [
            Fixture.finding("mlkem768x25519-sha256", usage: .keyExchange, source: "openssh", path: path, line: 4),
            Fixture.finding("curve25519-sha256", usage: .keyExchange, source: "openssh", path: path, line: 4),
            Fixture.finding("aes256-gcm@openssh.com", usage: .cipher, source: "openssh", path: path, line: 5),
            Fixture.finding("SSH-2", usage: .protocolVersion, source: "openssh", path: path, origin: .default),
        ]
        let input = AssessmentInput(
            scan: Fixture.scan(), findings: findings,
            software: [
                Software(name: "openssh-server", version: "1:9.9p1-1", sourcePath: ScanPath("var/lib/dpkg/status"))
            ],
            scannedSources: ["openssh"])
        let result = try Assessor.assess(
            input,
            options: AssessmentOptions(profile: PolicyProfile.bundled("nist-ir-8547"), asOf: Fixture.day("2031-01-01")))
        let sshd = try #require(result.systems.first)
        #expect(sshd.system.id == "openssh:etc/ssh/sshd_config")
        let points = Dictionary(sshd.adjustments.map { ($0.dimension, $0.points) }) { $0 + $1 }
        #expect(points["configured-choice"] == 10)
        #expect(points["negotiation-options"] == 10)
        #expect(points["hybrid-pq-offered"] == 20)
        #expect(points["protocol-floor"] == 10)
        #expect(points["pq-capable-library"] == 10)
        #expect(sshd.score == 100)
        #expect(sshd.grade == "A")
        #expect(!result.coverage.gaps.contains { $0.subject == "openssh" })
        let kex = try #require(result.findings.first)
        #expect(kex.finding.algorithm == "curve25519-sha256")
        #expect(kex.risk.tier == .harvestNowDecryptLater)
        #expect(kex.verdict.state == .due)
    }

    @Test("systems handed on as they are scored are the result's systems, each once at its place; none is kept")
    func systemsHandedOn() throws {
        let input = AssessmentInput(
            scan: Fixture.scan(), findings: Self.findings, assets: Self.assets,
            scannedSources: ["x509", "private-key"])
        let options = AssessmentOptions(
            profile: try PolicyProfile.bundled("nist-ir-8547"), asOf: Fixture.day("2031-01-01"))
        let held = try Assessor.assess(input, options: options)
        #expect(held.systems.count > 1)
        var handed: [Int: AgilityScore] = [:]
        var calls = 0
        let streamed = try Assessor.assess(
            input.source, options: options, judged: { _ in },
            scored: { score, position in
                calls += 1
                handed[position] = score
            })
        #expect(streamed.systems.isEmpty)
        #expect(calls == held.systems.count)
        #expect(handed.keys.sorted() == Array(held.systems.indices))
        #expect(handed.keys.sorted().compactMap { handed[$0] } == held.systems)
        // The overall score is made from a tally of the systems: the same score, its system lines left out and
        // made again from the systems handed on.
        #expect(streamed.overall.systemLinesLeftOut)
        #expect(streamed.overall.score == held.overall.score)
        let restored = try streamed.overall.restoringSystemLines { body in
            for position in handed.keys.sorted() { try handed[position].map(body) }
        }
        #expect(restored == held.overall)
    }

    @Test("a result round-trips through JSON")
    func codable() throws {
        let result = try assess(asOf: "2031-01-01", waivers: [Self.legacyWaiver], failOn: .deprecated)
        let data = try JSONEncoder().encode(result)
        #expect(try JSONDecoder().decode(AssessmentResult.self, from: data) == result)
    }
}
