import Foundation
import PQCatalog
import PQModel
import Testing

@testable import PQAssessment

@Suite("PolicyEvaluator: the dated verdicts the issue names")
struct PolicyEvaluatorTests {
    let nist: PolicyEvaluator
    let cnsa: PolicyProfile

    init() throws {
        nist = try PolicyEvaluator(profile: PolicyProfile.bundled("nist-ir-8547"))
        cnsa = try PolicyProfile.bundled("cnsa-2.0")
    }

    @Test("RSA-2048 on 2031-01-01: deprecated since 2031-01-01, disallowed from 2036-01-01, 1826 days left")
    func rsa2048Deprecated() {
        let verdict = nist.evaluate(
            Fixture.finding("RSA", usage: .publicKey, keyBits: 2048), asOf: Fixture.day("2031-01-01"))
        #expect(verdict.state == .deprecated)
        #expect(verdict.since == Fixture.day("2031-01-01"))
        #expect(verdict.deadline == Fixture.day("2036-01-01"))
        #expect(verdict.daysLeft == 1826)
        #expect(verdict.rule == "nist-ir-8547/rsa-sig-112")
        #expect(verdict.binding == false)
        #expect(verdict.explanation.contains("guidance"))
    }

    @Test("P-256 and Ed25519 are 128-bit: only due (disallowed after 2035), never deprecated in 2031")
    func p256NotDeprecated() {
        for finding in [
            Fixture.finding("ECDSA", usage: .publicKey, keyBits: 256, curve: "P-256"),
            Fixture.finding("Ed25519", usage: .publicKey, keyBits: 256),
            Fixture.finding("X25519", usage: .group, source: "nginx"),
        ] {
            let verdict = nist.evaluate(finding, asOf: Fixture.day("2031-01-01"))
            #expect(verdict.state == .due, "\(finding.algorithm)")
            #expect(verdict.nextState == .disallowed)
            #expect(verdict.deadline == Fixture.day("2036-01-01"))
        }
    }

    @Test("on 2036-01-01 every quantum-vulnerable public-key finding is disallowed")
    func allDisallowedIn2036() {
        for finding in [
            Fixture.finding("RSA", usage: .publicKey, keyBits: 4096),
            Fixture.finding("ECDSA", usage: .publicKey, keyBits: 384, curve: "P-384"),
            Fixture.finding("DH", usage: .keyExchange, source: "dh-parameters", keyBits: 3072),
            Fixture.finding("1.2.3.4.5", usage: .publicKey),
        ] {
            #expect(nist.evaluate(finding, asOf: Fixture.day("2036-01-01")).state == .disallowed)
        }
    }

    @Test("hybrid, post-quantum and symmetric findings match no NIST rule and are allowed")
    func pqAllowed() {
        for finding in [
            Fixture.finding("X25519MLKEM768", usage: .group, source: "nginx"),
            Fixture.finding("ML-DSA-65", usage: .signature),
            Fixture.finding("AES-128-GCM", usage: .cipher, source: "openssh"),
        ] {
            let verdict = nist.evaluate(finding, asOf: Fixture.day("2040-01-01"))
            #expect(verdict.state == .allowed)
            #expect(verdict.rule == nil)
        }
    }

    @Test("a signature whose strength is unknown is judged at 112 bits, and says so")
    func unknownStrength() {
        let verdict = nist.evaluate(Fixture.finding("ECDSA-SHA384", usage: .signature), asOf: Fixture.day("2031-06-01"))
        #expect(verdict.rule == "nist-ir-8547/ecdsa-112")
        #expect(verdict.explanation.contains("strength unknown"))
        let known = nist.evaluate(
            Fixture.finding("ECDSA-SHA384", usage: .signature), asOf: Fixture.day("2031-06-01"), issuerStrength: 192)
        #expect(known.rule == "nist-ir-8547/ecdsa-128")
        #expect(known.state == .due)
    }

    @Test("classically broken algorithms are disallowed already, never 'due'")
    func brokenIsDisallowed() {
        for finding in [
            Fixture.finding("RSA-SHA1", usage: .signature), Fixture.finding("RSA", usage: .publicKey, keyBits: 1024),
            Fixture.finding("SSH-1", usage: .protocolVersion, source: "openssh"),
        ] {
            #expect(nist.evaluate(finding, asOf: Fixture.day("2026-11-27")).state == .disallowed)
        }
    }

    @Test("CNSA 2.0 dates each category: web/cloud deprecated 2026, disallowed 2034; SW signing 2026/2031")
    func cnsaCategories() throws {
        let rsa = Fixture.finding("RSA", usage: .publicKey, keyBits: 3072)
        let web = try PolicyEvaluator(profile: cnsa, category: "web-cloud")
        #expect(web.evaluate(rsa, asOf: Fixture.day("2026-01-01")).state == .deprecated)
        #expect(web.evaluate(rsa, asOf: Fixture.day("2033-12-31")).state == .deprecated)
        #expect(web.evaluate(rsa, asOf: Fixture.day("2034-01-01")).state == .disallowed)
        let signing = try PolicyEvaluator(profile: cnsa, category: "software-firmware-signing")
        #expect(signing.evaluate(rsa, asOf: Fixture.day("2031-01-01")).state == .disallowed)
        let verdict = signing.evaluate(rsa, asOf: Fixture.day("2026-06-01"))
        #expect(verdict.binding)
        #expect(verdict.scope?.contains("National Security Systems") == true)
        // The verdict cites the public document; the data's verification mark stays out of what a reader sees.
        #expect(verdict.source.contains("CNSA 2.0"))
        #expect(!SourceCitation.isInternal(verdict.source))
    }

    @Test("CNSA 2.0 wants ML-KEM-1024, ML-DSA-87, AES-256 and SHA-384/512; the rest is flagged")
    func cnsaAlgorithmSet() throws {
        let evaluator = try PolicyEvaluator(profile: cnsa, category: "web-cloud")
        let day = Fixture.day("2034-01-01")
        let flagged: [(Finding, String)] = [
            (Fixture.finding("X25519MLKEM768", usage: .group, source: "nginx"), "kem-not-cnsa"),
            (Fixture.finding("ML-DSA-65", usage: .signature), "signature-not-cnsa"),
            (Fixture.finding("SLH-DSA-SHA2-128s", usage: .signature), "signature-not-cnsa"),
            (Fixture.finding("AES-128-GCM", usage: .cipher), "symmetric-not-aes-256"),
            (Fixture.finding("SHA-256", usage: .hash), "hash-not-sha-384-512"),
            (Fixture.finding("LMS", usage: .signature), "stateful-hbs-outside-signing"),
        ]
        for (finding, rule) in flagged {
            let verdict = evaluator.evaluate(finding, asOf: day)
            #expect(verdict.rule == "cnsa-2.0/\(rule)", "\(finding.algorithm)")
            #expect(verdict.state == .disallowed)
        }
        for name in ["ML-KEM-1024", "ML-DSA-87", "AES-256-GCM", "SHA-384", "SHA-512"] {
            let usage: Usage = name.hasPrefix("AES") ? .cipher : name.hasPrefix("SHA") ? .hash : .publicKey
            #expect(evaluator.evaluate(Fixture.finding(name, usage: usage), asOf: day).state == .allowed, "\(name)")
        }
        let signing = try PolicyEvaluator(profile: cnsa, category: "software-firmware-signing")
        #expect(signing.evaluate(Fixture.finding("LMS", usage: .signature), asOf: day).state == .allowed)
    }

    @Test("without --category CNSA 2.0 infers the category from the source, and says it did")
    func cnsaInference() throws {
        let evaluator = try PolicyEvaluator(profile: cnsa)
        let day = Fixture.day("2027-06-01")
        let nginx = evaluator.evaluate(Fixture.finding("X25519", usage: .group, source: "nginx"), asOf: day)
        #expect(nginx.category == "web-cloud")
        #expect(nginx.explanation.contains("(inferred)"))
        let vpn = evaluator.evaluate(Fixture.finding("X25519", usage: .keyExchange, source: "strongswan"), asOf: day)
        #expect(vpn.category == "networking")
        // P-384: CNSA 1.0 compliant, so dated by its category; X25519 was never compliant (RFC 9151).
        let other = evaluator.evaluate(Fixture.finding("P-384", usage: .keyExchange, source: "mystery"), asOf: day)
        #expect(other.category == "custom-legacy")
        #expect(other.state == .due)
    }

    @Test("an unknown category is refused with the valid choices")
    func unknownCategory() {
        #expect(throws: AssessmentError.self) { try PolicyEvaluator(profile: cnsa, category: "web") }
        do {
            _ = try PolicyEvaluator(profile: cnsa, category: "web")
        } catch {
            #expect(error.reason.contains("web-cloud"))
        }
    }

    @Test("a certificate valid past its algorithm's deadline is flagged, one that expires first is not")
    func certificateOverrun() {
        let subject = nist.subject(of: Fixture.finding("ECDSA", usage: .publicKey, keyBits: 256, curve: "P-256"))
        let overrun = nist.overrun(subject, notAfter: Fixture.day("2037-03-01"), asOf: Fixture.day("2026-11-27"))
        #expect(overrun?.state == .disallowed)
        #expect(overrun?.deadline == Fixture.day("2036-01-01"))
        #expect(overrun?.message.contains("valid until 2037-03-01, disallowed from 2036-01-01") == true)
        #expect(nist.overrun(subject, notAfter: Fixture.day("2035-12-31"), asOf: Fixture.day("2026-11-27")) == nil)
        let rsa = nist.subject(of: Fixture.finding("RSA", usage: .publicKey, keyBits: 2048))
        let deprecated = nist.overrun(rsa, notAfter: Fixture.day("2034-05-01"), asOf: Fixture.day("2026-11-27"))
        #expect(deprecated?.state == .deprecated)
        #expect(deprecated?.message.contains("valid until 2034-05-01, deprecated from 2031-01-01") == true)
    }

    @Test("the EU roadmap and NCSC profiles are guidance and carry their ◐ mark")
    func guidanceProfiles() throws {
        for id in ["eu-pqc-roadmap", "uk-ncsc", "nist-ir-8547"] {
            let profile = try PolicyProfile.bundled(id)
            #expect(!profile.binding)
            #expect(profile.verification.contains("◐"))
        }
        let eu = try PolicyEvaluator(profile: PolicyProfile.bundled("eu-pqc-roadmap"), category: "high-risk")
        let verdict = eu.evaluate(Fixture.finding("X25519", usage: .group), asOf: Fixture.day("2031-01-01"))
        #expect(verdict.state == .disallowed)
        #expect(!verdict.binding)
    }
}
