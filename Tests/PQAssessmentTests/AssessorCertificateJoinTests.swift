import Foundation
import PQCatalog
import PQModel
import Testing

@testable import PQAssessment

/// A source whose findings come with their certificates (`AssessmentSource.forEachFindingWithCertificate`, a
/// store's join) and whose assets are only the issuing certificates judges exactly as one holding every asset.
@Suite("Assessor: certificates joined to the findings")
struct AssessorCertificateJoinTests {
    /// A weak CA (RSA-1024: its signatures are broken) and a leaf it issued that outlives its key's deadline.
    static let ca = Fixture.certificateAsset(
        id: "ca", algorithm: "RSA", keyBits: 1024, curve: nil, from: "2020-01-01", until: "2040-01-01", isCA: true,
        subject: "CN=ca", issuer: "CN=root")
    static let leaf = Fixture.certificateAsset(
        id: "leaf", algorithm: "RSA", keyBits: 2048, curve: nil, from: "2026-01-01", until: "2034-05-01")
    static let other = Fixture.certificateAsset(
        id: "other", from: "2026-01-01", until: "2027-01-01", subject: "CN=other", issuer: "CN=elsewhere")

    static let findings: [Finding] = [
        Fixture.finding("RSA", usage: .publicKey, path: "etc/ssl/certs/ca.pem", keyBits: 1024, asset: "ca"),
        Fixture.finding("RSA", usage: .publicKey, path: "etc/ssl/certs/www.pem", keyBits: 2048, asset: "leaf"),
        Fixture.finding("RSA-SHA256", usage: .signature, path: "etc/ssl/certs/www.pem", asset: "leaf"),
        Fixture.finding("ECDSA", usage: .publicKey, path: "etc/ssl/other/o.pem", keyBits: 256, asset: "other"),
        Fixture.finding("ECDSA-SHA256", usage: .signature, path: "etc/ssl/other/o.pem", asset: "other"),
        Fixture.finding(
            "X25519", usage: .group, source: "nginx", path: "etc/nginx/nginx.conf", line: 3, asset: "service"),
    ]

    @Test("the same result, findings and systems as with every asset held, from the issuers alone")
    func joinedEqualsHeld() throws {
        let options = AssessmentOptions(
            profile: try PolicyProfile.bundled("nist-ir-8547"), asOf: Fixture.day("2031-01-01"))
        let held = try Assessor.assess(
            AssessmentInput(
                scan: Fixture.scan(), findings: Self.findings, assets: [Self.leaf, Self.ca, Self.other]),
            options: options)
        let certificates = Dictionary(
            uniqueKeysWithValues: [Self.ca, Self.leaf, Self.other].map { ($0.id, $0.certificate) })
        let findings = Self.findings
        var source = AssessmentSource(scan: Fixture.scan(), assets: [Self.ca]) { body in
            for finding in findings { try body(finding) }
        }
        source.forEachFindingWithCertificate = { body in
            for finding in findings { try body(finding, finding.asset.flatMap { certificates[$0] ?? nil }) }
        }
        var judged: [FindingAssessment] = []
        var joined = try Assessor.assess(source, options: options) { judged.append($0) }
        joined.findings = judged.sorted { Assessor.riskOrder($0, $1) }
        #expect(joined == held)
        // What the certificates decide: the leaf's overrun, and its signature judged by the CA's 1024-bit key.
        #expect(held.summary.certificateOverruns > 0)
        let signature = try #require(held.findings.first { $0.finding.index == 2 })
        let alone = try Assessor.assess(
            AssessmentInput(scan: Fixture.scan(), findings: Self.findings, assets: [Self.leaf]), options: options)
        #expect(alone.findings.first { $0.finding.index == 2 }?.verdict != signature.verdict)
    }
}
