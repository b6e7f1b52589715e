import Foundation
import PQModel
import PQScoutKit
import Testing

/// The vendor reports against golden files in Tests/Golden/vendor (PQSCOUT_RECORD_SNAPSHOTS=1 rewrites them and
/// still fails, so a re-record is always a deliberate second run).
@Suite("Vendor reports: Markdown, HTML and JSON against golden files; HTML escaped")
struct VendorReportTests {
    static let golden = repositoryRoot.appendingPathComponent("Tests/Golden/vendor")

    static func day(_ text: String) -> CalendarDay { CalendarDay(text) ?? CalendarDay(Date(timeIntervalSince1970: 0)) }

    /// Two hand-built vendors, so the goldens do not move when the catalog or a profile's wording does.
    static var comparison: VendorComparison {
        let honest = VendorAssessment(
            claims: VendorClaims(
                vendor: "Northwind", product: "EdgeGate", version: "4.2", category: "networking",
                validations: ["FIPS 140-3 #1 (sample)"], cbomProvided: true,
                protocols: [ProtocolClaim(protocol: .ssh, supported: ["mlkem768x25519-sha256"])], file: "n.yaml"),
            profile: "cnsa-2.0", category: "networking", asOf: day("2026-11-27"),
            checks: [
                RequirementCheck(
                    requirement: "hybrid-ml-kem", protocol: .ssh, verdict: .meets,
                    explanation: "ssh supports mlkem768x25519-sha256", source: "FIPS 203 ✅",
                    evidence: ["etc/ssh/sshd_config:5 mlkem768x25519-sha256"], state: .verified),
                RequirementCheck(
                    requirement: "cbom-delivered", verdict: .meets, explanation: "the vendor delivers a CBOM",
                    source: "CycloneDX 1.6 ✅", state: .claimedOnly),
            ], contradictions: [], evidence: "scan of evidence/edgegate: 3 files")
        let shady = VendorAssessment(
            claims: VendorClaims(
                vendor: "Boxwall <Security>", product: "Secure|Box", version: "5.1", cbomProvided: false,
                protocols: [ProtocolClaim(protocol: .ssh)], file: "b.yaml"),
            profile: "cnsa-2.0", category: "networking", asOf: day("2026-11-27"),
            checks: [
                RequirementCheck(
                    requirement: "hybrid-ml-kem", protocol: .ssh, verdict: .gap, mustMeetBy: day("2027-01-01"),
                    vendorPromise: day("2028-06-30"), promiseInTime: false,
                    explanation: "ssh offers no ML-KEM key exchange today", source: "FIPS 203 ✅",
                    deadlineSource: "CNSA 2.0 acquisition gate ◐", state: .claimedOnly),
                RequirementCheck(
                    requirement: "cbom-delivered", verdict: .unverifiable,
                    explanation: "the claims do not say whether a CBOM is delivered", source: "CycloneDX 1.6 ✅",
                    state: .notClaimed),
                RequirementCheck(
                    requirement: "pq-signature-path", protocol: .firmwareSigning, verdict: .gap,
                    explanation: "firmware-signing supports ML-DSA-87; the evidence disproves the claim",
                    source: "CNSA 2.0 ◐", evidence: ["the signing certificate `fw/<signer>.pem` is RSA-2048"],
                    state: .contradicted),
            ],
            contradictions: [
                Contradiction(
                    kind: .classicalSigningKey, protocol: .firmwareSigning,
                    claim: "claims ML-DSA-87 firmware signing",
                    proof: "the signing certificate `fw/<signer>.pem` is RSA-2048", path: "fw/<signer>.pem", line: nil,
                    requirement: "pq-signature-path")
            ], evidence: "scan of evidence/boxwall: 4 files")
        return VendorComparison(vendors: [honest, shady])
    }

    func compare(_ text: String, _ name: String) throws {
        let url = Self.golden.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["PQSCOUT_RECORD_SNAPSHOTS"] == "1" {
            try FileManager.default.createDirectory(at: Self.golden, withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
            Issue.record("rewrote \(name); run again without PQSCOUT_RECORD_SNAPSHOTS")
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(text == expected, "\(name) differs from its golden file: rerun with PQSCOUT_RECORD_SNAPSHOTS=1")
    }

    @Test("Markdown: the side-by-side table, then each vendor; pipes escaped in cells")
    func markdown() throws {
        let text = Presentation.vendorMarkdown(Self.comparison)
        #expect(
            text.contains(
                "| hybrid-ml-kem (ssh) | **verified: meets** | claimed only: gap: by 2027-01-01, promised 2028-06-30 |")
        )
        #expect(text.contains("| pq-signature-path (firmware-signing) | not claimed | **contradicted (1): gap** |"))
        #expect(text.contains("| cbom-delivered | claimed only: meets | not claimed: unverifiable |"))
        #expect(text.contains("| **rank (fewest contradicted, then most verified)** | 1 | 2 |"))
        #expect(text.contains("Secure\\|Box"))
        try compare(text, "comparison.md")
    }

    @Test("HTML: self-contained and escaped; a vendor's markup never reaches the page")
    func html() throws {
        let text = Presentation.vendorHTML(Self.comparison)
        #expect(!text.contains("<Security>"))
        #expect(text.contains("Boxwall &lt;Security&gt;"))
        #expect(text.contains("<code>fw/&lt;signer&gt;.pem</code>"))
        #expect(!text.contains("<script") && !text.contains("http://") && !text.contains("https://"))
        try compare(text, "comparison.html")
    }

    @Test("JSON: versioned, with the comparison rows and a null where a vendor has no such row")
    func json() throws {
        let text = try Presentation.vendorJSON(Self.comparison)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["schemaVersion"] as? Int == 1)
        let rows = try #require(object["comparison"] as? [[String: Any]])
        let signing = try #require(
            rows.first { $0["requirement"] as? String == "pq-signature-path (firmware-signing)" })
        #expect((signing["verdicts"] as? [Any])?.first is NSNull)
        #expect(signing["states"] as? [String] == ["not-claimed", "contradicted"])
        let summary = try #require(object["summary"] as? [[String: Any]])
        #expect(summary.map { $0["rank"] as? Int } == [1, 2])
        #expect(summary.map { $0["contradicted"] as? Int } == [0, 1])
        try compare(text, "comparison.json")
    }
}

/// Issue 21 item 5: `vendor check` wrote vendor, product and validations verbatim into Markdown.
@Suite("Vendor reports: a vendor's markup is inert in every format")
struct VendorReportEscapingTests {
    static let hostile = VendorComparison(vendors: [
        VendorAssessment(
            claims: VendorClaims(
                vendor: "Evil <script>alert(1)</script>", product: "Box ![p](http://evil.example/p.png)",
                version: "1\r\n| injected | row |",
                validations: ["<img src=x onerror=alert(1)>", "[click](javascript:alert(1))", "**bold** `code`"],
                protocols: [ProtocolClaim(protocol: .ssh)], file: "e`vil<b>.yaml"),
            profile: "nist-ir-8547", category: nil, asOf: VendorReportTests.day("2026-11-27"),
            checks: [
                RequirementCheck(
                    requirement: "hybrid-ml-kem", protocol: .ssh, verdict: .gap, explanation: "x <b>y</b>",
                    source: "s", state: .contradicted)
            ],
            contradictions: [
                Contradiction(
                    kind: .hybridNotOffered, protocol: .ssh, claim: "claims <i>hybrid</i>",
                    proof: "`etc/<img src=x onerror=alert(1)>.conf:3` sets `KexAlgorithms a`b`", path: "etc/x",
                    line: 3, requirement: "hybrid-ml-kem")
            ], evidence: "scan of <svg onload=alert(1)>"),
        VendorAssessment(
            claims: VendorClaims(vendor: "Plain", product: "P", protocols: [], file: "p.yaml"),
            profile: "nist-ir-8547", category: nil, asOf: VendorReportTests.day("2026-11-27"), checks: []),
    ])

    @Test("Markdown: no tag, image, link or extra row from the vendor's text")
    func markdown() {
        let text = Presentation.vendorMarkdown(Self.hostile)
        for live in ["<script", "<img", "<svg", "<b>", "<i>", "![p](", "[click](", "http://evil", "\r"] {
            #expect(!text.contains(live), "Markdown carries \(live.debugDescription)")
        }
        #expect(!text.contains("\n| injected"), "a line break in a version opened a table row")
        #expect(text.contains("Evil &lt;script&gt;alert\\(1\\)&lt;/script&gt;") || text.contains("Evil &lt;script&gt;"))
        #expect(text.contains("\\*\\*bold\\*\\*"))
    }

    @Test("HTML escapes every text; JSON escapes < > & yet decodes to the same strings")
    func htmlAndJSON() throws {
        let html = Presentation.vendorHTML(Self.hostile)
        for live in ["<script", "<img", "<svg", "<b>y", "<i>"] { #expect(!html.contains(live), "HTML carries \(live)") }
        let json = try Presentation.vendorJSON(Self.hostile)
        #expect(!json.contains("<") && !json.contains(">") && !json.contains("&"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let vendors = try #require(object["vendors"] as? [[String: Any]])
        let claims = try #require(vendors.first?["claims"] as? [String: Any])
        #expect(claims["vendor"] as? String == "Evil <script>alert(1)</script>")
    }
}
