import Foundation
import PQModel
import PQTestSupport
import Testing

@testable import PQAssessment

/// Properties of the agility score that no configuration may break (issue 15): algorithms not in force earn
/// nothing, a plain PSK is not post-quantum, and a hybrid PQ key exchange in force always lifts a system.
@Suite("AgilityScorer: the score cannot be gamed")
struct AgilityPropertyTests {
    /// What an nginx server can carry: groups (classical and hybrid), TLS 1.2 key exchanges (PSK among them),
    /// protocol versions, ciphers and MACs, some of them broken.
    static let pool: [(String, Usage)] = [
        ("X25519", .group), ("P-256", .group), ("P-384", .group), ("ffdhe2048", .group), ("P-192", .group),
        ("X25519MLKEM768", .group), ("SecP384r1MLKEM1024", .group), ("MLKEM1024", .group),
        ("ECDHE", .keyExchange), ("DHE", .keyExchange), ("RSA-KEX", .keyExchange), ("PSK", .keyExchange),
        ("DHE-PSK", .keyExchange), ("TLSv1.3", .protocolVersion), ("TLSv1.2", .protocolVersion),
        ("TLSv1", .protocolVersion), ("SSLv3", .protocolVersion), ("AES-256-GCM", .cipher), ("RC4", .cipher),
        ("3DES-CBC", .cipher), ("HMAC-SHA1", .mac), ("HMAC-SHA256", .mac), ("TLS_AES_256_GCM_SHA384", .cipherSuite),
    ]

    static let classicalPool = pool.filter { !["X25519MLKEM768", "SecP384r1MLKEM1024", "MLKEM1024"].contains($0.0) }

    static func finding(_ entry: (String, Usage), line: Int, effective: Bool = true, origin: Origin = .file)
        -> Finding
    {
        Fixture.finding(
            entry.0, usage: entry.1, source: "nginx", path: "etc/nginx/nginx.conf", line: line,
            context: "server www:443", origin: origin, effective: effective, setting: "ssl_setting")
    }

    static func randomSystem(_ rng: inout SeededGenerator, from pool: [(String, Usage)]) -> [Finding] {
        let count = Int.random(in: 0...8, using: &rng)
        return (0..<count).map { index in
            let entry = pool[Int.random(in: 0..<pool.count, using: &rng)]
            let origin: Origin = Bool.random(using: &rng) ? .file : .default
            return finding(entry, line: index + 1, origin: origin)
        }
    }

    func score(_ findings: [Finding], software: [Software] = []) -> AgilityScore {
        let system = SystemRef(id: "nginx:etc/nginx", kind: .configuration, source: "nginx", path: "etc/nginx")
        let items = findings.enumerated().map { index, finding in
            AgilityScorer.Item(ref: FindingRef(index: index, finding: finding), finding: finding)
        }
        return AgilityScorer().score(system: system, items: items, software: software)
    }

    @Test("adding algorithms that are not in force never raises a system's score (500 seeded systems)")
    func notInForceEarnsNothing() {
        var rng = SeededGenerator(seed: 15)
        let software = [Software(name: "libssl3", version: "3.5.1-1", sourcePath: ScanPath("var/lib/dpkg/status"))]
        for _ in 0..<500 {
            let base = Self.randomSystem(&rng, from: Self.pool)
            let extra = (0..<Int.random(in: 1...12, using: &rng)).map { index in
                Self.finding(
                    Self.pool[Int.random(in: 0..<Self.pool.count, using: &rng)], line: 100 + index, effective: false)
            }
            let packages = Bool.random(using: &rng) ? software : []
            let before = score(base, software: packages)
            let after = score(base + extra, software: packages)
            #expect(after.score <= before.score, "\(base.map(\.algorithm)) + ignored \(extra.map(\.algorithm))")
        }
    }

    @Test("a plain PSK suite in force never earns the hybrid-pq credit")
    func pskIsNotPostQuantum() {
        var rng = SeededGenerator(seed: 1515)
        for _ in 0..<200 {
            let base = Self.randomSystem(&rng, from: Self.classicalPool)
            let withPSK =
                base + [
                    Self.finding(("PSK", .keyExchange), line: 90), Self.finding(("DHE-PSK", .keyExchange), line: 91),
                ]
            let credit = score(withPSK).adjustments.first { $0.dimension == "hybrid-pq-offered" }
            #expect(credit?.points != 20, "\(withPSK.map(\.algorithm))")
        }
    }

    @Test("a hybrid PQ key exchange in force always scores above the same system without it (500 seeded systems)")
    func hybridAlwaysLifts() {
        var rng = SeededGenerator(seed: 8547)
        let hybrids: [(String, Usage)] = [("X25519MLKEM768", .group), ("SecP384r1MLKEM1024", .group)]
        for _ in 0..<500 {
            let base = Self.randomSystem(&rng, from: Self.classicalPool)
            let hybrid = hybrids[Int.random(in: 0..<hybrids.count, using: &rng)]
            let with = base + [Self.finding(hybrid, line: 99)]
            #expect(score(with).score > score(base).score, "\(base.map(\.algorithm)) + \(hybrid.0)")
        }
    }

    @Test("a hybrid offered but not in force earns nothing")
    func hybridNotInForce() {
        let base = [Self.finding(("X25519", .group), line: 1), Self.finding(("TLSv1.3", .protocolVersion), line: 2)]
        let ignored = base + [Self.finding(("X25519MLKEM768", .group), line: 3, effective: false)]
        #expect(score(ignored).score == score(base).score)
    }

    @Test("WireGuard earns neither configured-choice nor negotiation-options: its algorithms are fixed")
    func wireGuardIsFixed() {
        let findings = [
            Fixture.finding(
                "X25519", usage: .keyExchange, source: "wireguard", path: "etc/wireguard/wg0.conf", line: 5,
                context: "[Interface]", setting: "PrivateKey"),
            Fixture.finding(
                "ChaCha20-Poly1305", usage: .cipher, source: "wireguard", path: "etc/wireguard/wg0.conf",
                context: "[Interface]", setting: "transport"),
        ]
        let system = AssessedSystems.system(of: findings[0])
        let items = findings.enumerated().map {
            AgilityScorer.Item(ref: FindingRef(index: $0, finding: $1), finding: $1)
        }
        let result = AgilityScorer().score(system: system, items: items, software: [])
        #expect(result.adjustments.first { $0.dimension == "configured-choice" }?.points == 0)
        #expect(result.adjustments.first { $0.dimension == "negotiation-options" }?.points == -10)
    }

    @Test("a long-lived ML-DSA leaf is not penalised as pinning today's algorithms")
    func pqLeafNotPenalised() {
        let long = Fixture.certificateAsset(
            id: "pq", algorithm: "ML-DSA-65", keyBits: 0, curve: nil, from: "2026-01-01", until: "2030-01-01")
        let finding = Fixture.finding("ML-DSA-65", usage: .publicKey, asset: "pq")
        let item = AgilityScorer.Item(
            ref: FindingRef(index: 0, finding: finding), finding: finding, certificate: long.certificate)
        let result = AgilityScorer().score(
            system: AssessedSystems.system(of: finding), items: [item], software: [], asOf: Fixture.day("2026-06-01"))
        #expect(result.adjustments.first { $0.dimension == "certificate-lifetime" }?.points != -10)
        #expect(result.adjustments.first { $0.dimension == "pq-ready-material" }?.points == 15)
    }

    @Test("Mosca's statement shows x, y and z with their numbers")
    func moscaStatement() {
        let mosca = RiskPrioritizer().mosca(asOf: Fixture.day("2026-06-01"))
        #expect(mosca.statement.hasPrefix("x + y = 10 + 5 = 15 > z = 2035 − 2026 = 9"))
        #expect(mosca.holds)
        let none = RiskPrioritizer(dataLifetimeYears: 0).mosca(asOf: Fixture.day("2026-06-01"))
        #expect(!none.holds)
        #expect(none.statement.contains("no harvest-now-decrypt-later term"))
        let later = RiskPrioritizer(dataLifetimeYears: 1, migrationYears: 2, crqcYear: 2040).mosca(
            asOf: Fixture.day("2026-06-01"))
        #expect(later.statement.contains("≤"))
        #expect(!later.holds)
    }
}
