import Foundation
import PQCatalog
import PQModel
import Testing

@testable import PQAssessment

@Suite("The procurement checklist: every verdict of every requirement, with its dates")
struct ProcurementChecklistTests {
    let asOf = Fixture.day("2026-11-27")

    func cnsa() throws -> PolicyProfile { try PolicyProfile.bundled("cnsa-2.0") }

    func check(
        _ claims: VendorClaims, _ requirement: String, _ protocol: ClaimedProtocol? = nil, profile: String = "cnsa-2.0",
        evidence: [Finding]? = nil
    ) throws -> RequirementCheck {
        let result = try VendorChecker.assess(
            claims, profile: PolicyProfile.bundled(profile), asOf: asOf, evidence: evidence)
        return try #require(result.checks.first { $0.requirement == requirement && $0.protocol == `protocol` })
    }

    func vendor(_ protocols: [ProtocolClaim], cbom: Bool? = nil, category: String? = "networking") -> VendorClaims {
        VendorClaims(
            vendor: "V", product: "P", category: category, cbomProvided: cbom, protocols: protocols, file: "v.yaml")
    }

    @Test("configurable: meets, gap with the CNSA 2.0 acquisition gate and the promise, unverifiable")
    func configurable() throws {
        let meets = try check(
            vendor([ProtocolClaim(protocol: .ssh, configurable: true)]), "algorithms-configurable", .ssh)
        #expect(meets.verdict == .meets)
        let gap = try check(
            vendor([ProtocolClaim(protocol: .ssh, configurable: false, pqShipsOn: Fixture.day("2027-06-30"))]),
            "algorithms-configurable", .ssh)
        #expect(gap.verdict == .gap)
        #expect(gap.mustMeetBy == Fixture.day("2027-01-01"))
        #expect(gap.vendorPromise == Fixture.day("2027-06-30"))
        #expect(gap.promiseInTime == false)
        #expect(gap.deadlineSource?.contains("acquisition gate") == true)
        let open = try check(vendor([ProtocolClaim(protocol: .ssh)]), "algorithms-configurable", .ssh)
        #expect(open.verdict == .unverifiable)
    }

    @Test("hybrid ML-KEM: meets when offered (or in force), gap with both dates, unverifiable when silent")
    func hybrid() throws {
        let meets = try check(
            vendor([ProtocolClaim(protocol: .tlsServer, supported: ["SecP384r1MLKEM1024", "X25519"])]),
            "hybrid-ml-kem", .tlsServer)
        #expect(meets.verdict == .meets)
        // CNSA 2.0 counts only ML-KEM-1024: ML-KEM-768 is a gap there, and the rule that says so is named.
        let weak = try check(
            vendor([ProtocolClaim(protocol: .tlsServer, supported: ["X25519MLKEM768", "X25519"], hybrid: true)]),
            "hybrid-ml-kem", .tlsServer)
        #expect(weak.verdict == .gap)
        #expect(weak.explanation.contains("cnsa-2.0/kem-not-cnsa"), "\(weak.explanation)")
        let promised = try check(
            vendor([ProtocolClaim(protocol: .ipsec, supported: ["P-384"], pqShipsOn: Fixture.day("2026-12-15"))]),
            "hybrid-ml-kem", .ipsec)
        #expect(promised.verdict == .gap)
        #expect(promised.mustMeetBy == Fixture.day("2027-01-01"))
        #expect(promised.vendorPromise == Fixture.day("2026-12-15"))
        #expect(promised.promiseInTime == true)
        #expect(promised.explanation.contains("must be met by 2027-01-01, and the vendor promises 2026-12-15"))
        let silent = try check(vendor([ProtocolClaim(protocol: .ipsec)]), "hybrid-ml-kem", .ipsec)
        #expect(silent.verdict == .unverifiable)
        let shown = try check(
            vendor([ProtocolClaim(protocol: .ssh)]), "hybrid-ml-kem", .ssh,
            evidence: [
                Fixture.finding(
                    "mlkem1024nistp384-sha384", usage: .keyExchange, source: "openssh", path: "etc/ssh/sshd_config",
                    line: 3)
            ])
        #expect(shown.verdict == .meets)
        #expect(shown.evidence.first == "etc/ssh/sshd_config:3 mlkem1024nistp384-sha384")
        #expect(shown.state == .verified)
    }

    @Test("the deadline follows the profile: NIST IR 8547 dates 128-bit key establishment, not CNSA's gate")
    func irDeadline() throws {
        let gap = try check(
            vendor([ProtocolClaim(protocol: .tlsServer, supported: ["X25519"])], category: nil), "hybrid-ml-kem",
            .tlsServer, profile: "nist-ir-8547")
        #expect(gap.verdict == .gap)
        #expect(gap.mustMeetBy == Fixture.day("2036-01-01"))
        #expect(gap.deadlineSource?.hasPrefix("nist-ir-8547/") == true)
    }

    @Test("PQ signature path: ML-DSA, LMS or XMSS meets; classical only is a gap dated by the signing category")
    func signing() throws {
        let lms = try check(
            vendor([ProtocolClaim(protocol: .codeSigning, supported: ["LMS", "RSA-SHA256"])]), "pq-signature-path",
            .codeSigning)
        #expect(lms.verdict == .meets)
        let classical = try check(
            vendor([ProtocolClaim(protocol: .firmwareSigning, supported: ["RSA-SHA256"])]), "pq-signature-path",
            .firmwareSigning)
        #expect(classical.verdict == .gap)
        #expect(classical.mustMeetBy == Fixture.day("2026-01-01"))
        #expect(classical.explanation.contains("it was due 2026-01-01"))
        let slh = try check(
            vendor([ProtocolClaim(protocol: .firmwareSigning, supported: ["SLH-DSA-SHA2-128s"])]),
            "pq-signature-path", .firmwareSigning)
        #expect(slh.verdict == .gap)
        let silent = try check(vendor([ProtocolClaim(protocol: .ssh)]), "pq-signature-path")
        #expect(silent.verdict == .unverifiable)
        let empty = try check(
            vendor([ProtocolClaim(protocol: .firmwareSigning)]), "pq-signature-path", .firmwareSigning)
        #expect(empty.verdict == .unverifiable)
    }

    @Test("no broken crypto: a broken claim or a broken finding in force is a gap; clean meets; silent unverifiable")
    func broken() throws {
        let claimed = try check(
            vendor([ProtocolClaim(protocol: .ipsec, supported: ["3DES", "AES-256-CBC"])]), "no-broken-crypto", .ipsec)
        #expect(claimed.verdict == .gap)
        // 3DES: SP 800-131A Rev. 2 disallows TDEA encryption from 2024-01-01 (standards.md §7b), not 2014.
        #expect(claimed.mustMeetBy == Fixture.day("2024-01-01"))
        let shipped = try check(
            vendor([ProtocolClaim(protocol: .ssh, supported: ["ssh-ed25519"])]), "no-broken-crypto", .ssh,
            evidence: [
                Fixture.finding(
                    "ssh-rsa", usage: .signature, source: "openssh", path: "etc/ssh/sshd_config", line: 6,
                    setting: "HostKeyAlgorithms")
            ])
        #expect(shipped.verdict == .gap)
        #expect(shipped.evidence.first == "etc/ssh/sshd_config:6 HostKeyAlgorithms SHA-1 with RSA")
        #expect(shipped.state == .contradicted)
        let clean = try check(
            vendor([ProtocolClaim(protocol: .ssh, supported: ["ssh-ed25519"])]), "no-broken-crypto", .ssh)
        #expect(clean.verdict == .meets)
        let silent = try check(vendor([ProtocolClaim(protocol: .ssh)]), "no-broken-crypto", .ssh)
        #expect(silent.verdict == .unverifiable)
    }

    @Test("defaults within the profile: a deprecated default is a gap with its date; allowed meets; none unverifiable")
    func withinProfile() throws {
        // P-384: CNSA 1.0 compliant, so in transition under CNSA 2.0; X25519 never was (RFC 9151, standards.md §7b).
        let late = try VendorChecker.assess(
            vendor([ProtocolClaim(protocol: .ssh, supported: ["P-384"], defaults: ["P-384"])]),
            profile: cnsa(), asOf: Fixture.day("2027-03-01"))
        let gap = try #require(late.checks.first { $0.requirement == "defaults-within-profile" })
        #expect(gap.verdict == .gap)
        #expect(gap.mustMeetBy == Fixture.day("2027-01-01"))
        let meets = try check(
            vendor([ProtocolClaim(protocol: .ssh, supported: ["P-384"], defaults: ["P-384"])]),
            "defaults-within-profile", .ssh)
        #expect(meets.verdict == .meets)
        #expect(meets.mustMeetBy == Fixture.day("2027-01-01"))
        let none = try check(vendor([ProtocolClaim(protocol: .ssh)]), "defaults-within-profile", .ssh)
        #expect(none.verdict == .unverifiable)
    }

    @Test("CBOM: delivered meets (a CBOM as the claim too), refused is a gap, silent unverifiable")
    func cbom() throws {
        let ssh = [ProtocolClaim(protocol: .ssh)]
        #expect(try check(vendor(ssh, cbom: true), "cbom-delivered").verdict == .meets)
        var fromCBOM = vendor(ssh)
        fromCBOM.origin = .cbom
        #expect(try check(fromCBOM, "cbom-delivered").verdict == .meets)
        let gap = try check(vendor(ssh, cbom: false), "cbom-delivered")
        #expect(gap.verdict == .gap && gap.mustMeetBy == Fixture.day("2027-01-01"))
        #expect(try check(vendor(ssh), "cbom-delivered").verdict == .unverifiable)
    }

    @Test("the category: --category wins, the claims' own is used when the profile has it, a wrong one is refused")
    func category() throws {
        let claims = vendor([ProtocolClaim(protocol: .ssh)])
        #expect(try VendorChecker.assess(claims, profile: cnsa(), asOf: asOf).category == "networking")
        #expect(
            try VendorChecker.assess(claims, profile: cnsa(), category: "web-cloud", asOf: asOf).category
                == "web-cloud")
        #expect(
            try VendorChecker.assess(claims, profile: PolicyProfile.bundled("nist-ir-8547"), asOf: asOf).category
                == nil)
        #expect(throws: AssessmentError.self) {
            try VendorChecker.assess(claims, profile: cnsa(), category: "toasters", asOf: asOf)
        }
    }

    @Test("a comparison has one row per requirement and protocol, and an empty cell where a vendor has none")
    func comparison() throws {
        let a = try VendorChecker.assess(
            vendor([ProtocolClaim(protocol: .ssh, configurable: true)]), profile: cnsa(), asOf: asOf)
        let b = try VendorChecker.assess(
            vendor([ProtocolClaim(protocol: .ipsec, configurable: false)]), profile: cnsa(), asOf: asOf)
        let table = VendorComparison(vendors: [a, b])
        #expect(table.rows.first == "algorithms-configurable (ssh)")
        #expect(Set(table.rows).count == table.rows.count)
        #expect(table.cell(row: "algorithms-configurable (ssh)", vendor: 0)?.verdict == .meets)
        #expect(table.cell(row: "algorithms-configurable (ssh)", vendor: 1) == nil)
        #expect(table.cell(row: "algorithms-configurable (ipsec)", vendor: 1)?.verdict == .gap)
        #expect(table.cell(row: "cbom-delivered", vendor: 5) == nil)
    }

    @Test("end of support: PQ promised after support ends is never PQ-ready; within support meets; absent unverifiable")
    func support() throws {
        func judged(_ end: String?, ships: String?) throws -> RequirementCheck {
            var claims = vendor([
                ProtocolClaim(protocol: .ipsec, supported: ["P-384"], pqShipsOn: ships.flatMap { CalendarDay($0) })
            ])
            claims.supportEndsOn = end.flatMap { CalendarDay($0) }
            return try check(claims, "pq-within-support", profile: "nist-ir-8547")
        }
        let never = try judged("2029-12-31", ships: "2031-06-30")
        #expect(never.verdict == .gap)
        #expect(
            never.explanation.hasPrefix(
                "supported until 2029-12-31, but ipsec PQ arrives 2031-06-30: never PQ-ready in its life"))
        #expect(never.mustMeetBy == Fixture.day("2036-01-01"))
        #expect(try judged("2029-12-31", ships: nil).explanation.contains("ipsec has no post-quantum date"))
        let within = try judged("2034-12-31", ships: "2028-06-30")
        #expect(within.verdict == .meets && within.explanation.contains("within support"))
        #expect(try judged("2026-01-31", ships: "2028-06-30").explanation.hasPrefix("support ended on 2026-01-31"))
        let silent = try judged(nil, ships: "2028-06-30")
        #expect(silent.verdict == .unverifiable && silent.state == .notClaimed)
    }
}
