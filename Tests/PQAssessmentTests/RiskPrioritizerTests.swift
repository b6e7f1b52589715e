import Foundation
import PQModel
import Testing

@testable import PQAssessment

@Suite("RiskPrioritizer: harvest-now-decrypt-later first, then broken, then authentication")
struct RiskPrioritizerTests {
    let asOf = Fixture.day("2026-11-27")

    @Test("quantum-vulnerable key exchange outranks broken signatures, which outrank vulnerable certificates")
    func tiersInOrder() {
        let risk = RiskPrioritizer()
        let kex = risk.priority(Fixture.finding("X25519", usage: .keyExchange, source: "openssh"), asOf: asOf)
        let broken = risk.priority(Fixture.finding("RSA-SHA1", usage: .signature), asOf: asOf)
        let auth = risk.priority(Fixture.finding("ECDSA-SHA256", usage: .signature), asOf: asOf)
        let hybrid = risk.priority(Fixture.finding("X25519MLKEM768", usage: .group, source: "nginx"), asOf: asOf)
        #expect(kex.tier == .harvestNowDecryptLater)
        #expect(broken.tier == .classicallyBroken)
        #expect(auth.tier == .authentication)
        #expect(hybrid.tier == .low)
        #expect(kex.score > broken.score)
        #expect(broken.score > auth.score)
        #expect(auth.score > hybrid.score)
        #expect(kex.reasons.contains { $0.contains("--data-lifetime-years") })
    }

    @Test("DH parameters and FFDH keys count as key establishment")
    func dhParameters() {
        let risk = RiskPrioritizer()
        let dh = risk.priority(
            Fixture.finding("DH", usage: .keyExchange, source: "dh-parameters", keyBits: 2048), asOf: asOf)
        #expect(dh.tier == .harvestNowDecryptLater)
    }

    @Test("a longer data lifetime raises harvest-now-decrypt-later priority, and never another tier's")
    func lifetimeWeights() {
        let kex = Fixture.finding("ecdh-sha2-nistp256", usage: .keyExchange, source: "openssh")
        let short = RiskPrioritizer(dataLifetimeYears: 1).priority(kex, asOf: asOf)
        let long = RiskPrioritizer(dataLifetimeYears: 25).priority(kex, asOf: asOf)
        #expect(long.score > short.score)
        #expect(long.score == 90)
        let signature = Fixture.finding("ECDSA-SHA256", usage: .signature)
        #expect(
            RiskPrioritizer(dataLifetimeYears: 1).priority(signature, asOf: asOf).score
                == RiskPrioritizer(dataLifetimeYears: 25).priority(signature, asOf: asOf).score)
        #expect(RiskPrioritizer.defaultDataLifetimeYears == 10)
    }

    @Test("a long-lived root ranks above a short-lived leaf of the same algorithm")
    func rootsAboveLeaves() throws {
        let risk = RiskPrioritizer()
        let finding = Fixture.finding("ECDSA", usage: .publicKey, keyBits: 256, curve: "P-256")
        let root = try #require(
            Fixture.certificateAsset(
                id: "r", from: "2020-01-01", until: "2040-01-01", isCA: true, selfSigned: true
            ).certificate)
        let leaf = try #require(Fixture.certificateAsset(id: "l", from: "2026-06-01", until: "2027-03-01").certificate)
        let rootRisk = risk.priority(finding, certificate: root, asOf: asOf)
        let leafRisk = risk.priority(finding, certificate: leaf, asOf: asOf)
        #expect(rootRisk.score > leafRisk.score)
        #expect(rootRisk.reasons.contains { $0.contains("CA or root") })
        #expect(leafRisk.reasons.contains { $0.contains("short-lived leaf") })
    }

    @Test("a setting not in force is halved, and says why")
    func notInForce() {
        var finding = Fixture.finding("X25519", usage: .keyExchange, source: "openssh")
        let live = RiskPrioritizer().priority(finding, asOf: asOf)
        finding.effective = false
        let ignored = RiskPrioritizer().priority(finding, asOf: asOf)
        #expect(ignored.score < live.score)
        #expect(ignored.reasons.last?.contains("not in force") == true)
    }
}
