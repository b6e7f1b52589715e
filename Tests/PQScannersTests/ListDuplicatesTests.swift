import Foundation
import PQModel
import PQTestSupport
import Testing

@testable import PQScanners

/// Issue 21: one 15 MB line repeating a name became 800,000 findings. Each algorithm is now recorded once per list.
@Suite("Repeated list entries are one finding each")
struct ListDuplicatesTests {
    static let cases: [(path: String, text: String)] = [
        (
            "etc/postfix/main.cf",
            "tls_eecdh_auto_curves = " + Array(repeating: "X25519", count: 10_000).joined(separator: " ")
        ),
        (
            "etc/ipsec.conf",
            "conn a\n  ike=" + Array(repeating: "aes128-sha256-modp2048", count: 10_000).joined(separator: ",")
        ),
        (
            "etc/java-21-openjdk/security/java.security",
            "jdk.tls.namedGroups=" + Array(repeating: "x25519", count: 10_000).joined(separator: ",")
        ),
    ]

    @Test(
        "a list repeating one name yields one finding per algorithm and a diagnostic with the count",
        arguments: 0..<cases.count)
    func collapsed(_ index: Int) {
        let item = Self.cases[index]
        let started = ContinuousClock().now
        let output = ScannerRegistry.standard.scan(
            ScanInput(path: ScanPath(item.path), bytes: Array((item.text + "\n").utf8)))
        #expect(ContinuousClock().now - started < .seconds(10))
        #expect(output.findings.count < 1000, "\(output.findings.count) findings")
        #expect(Set(output.findings).count == output.findings.count)
        #expect(output.diagnostics.contains { $0.detail.contains("repeated list entries ignored") })
    }

    @Test("a few repeats are collapsed without a diagnostic; distinct findings are all kept")
    func quiet() {
        let finding = Finding(
            path: ScanPath("etc/x.conf"), line: 3, source: "strongswan", setting: "ike", usage: .cipher,
            algorithm: "aes128", quantumStatus: .weakened)
        var other = finding
        other.algorithm = "aes256"
        var output = ScanOutput(findings: [finding, other, finding])
        ListDuplicates.collapse(&output)
        #expect(output.findings == [finding, other])
        #expect(output.diagnostics.isEmpty)
    }

    @Test("findings alike in line, setting and algorithm but different elsewhere are kept, first of each in order")
    func alikeButDistinct() {
        let base = Finding(
            path: ScanPath("etc/nginx/sites-enabled/a"), line: 7, source: "nginx", setting: "ssl_ciphers",
            usage: .cipherSuite, algorithm: "TLS_AES_128_GCM_SHA256", quantumStatus: .weakened)
        var otherFile = base
        otherFile.path = ScanPath("etc/nginx/sites-enabled/b")
        var otherContext = base
        otherContext.context = "server b.example"
        var otherNote = base
        otherNote.note = "offered only to TLS 1.3 clients"
        var output = ScanOutput(findings: [base, otherFile, otherContext, base, otherNote, otherContext, otherFile])
        ListDuplicates.collapse(&output)
        #expect(output.findings == [base, otherFile, otherContext, otherNote])
    }

    @Test("seeded lists collapse exactly as a set of whole findings would keep them")
    func sameAsWholeFindingSet() {
        var generator = SeededGenerator(seed: 20_261_206)
        for _ in 0..<200 {
            var findings: [Finding] = []
            for _ in 0..<Int.random(in: 0...60, using: &generator) {
                var finding = Finding(
                    path: ScanPath(["a", "b"].randomElement(using: &generator)!),
                    line: [nil, 1, 2].randomElement(using: &generator)!, source: "test",
                    setting: ["x", "y"].randomElement(using: &generator)!, usage: .cipher,
                    algorithm: ["aes128", "aes256", "chacha20"].randomElement(using: &generator)!,
                    quantumStatus: .weakened)
                finding.context = [nil, "c"].randomElement(using: &generator)!
                finding.note = [nil, "n"].randomElement(using: &generator)!
                findings.append(finding)
            }
            var seen = Set<Finding>()
            let expected = findings.filter { seen.insert($0).inserted }
            var output = ScanOutput(findings: findings)
            ListDuplicates.collapse(&output)
            #expect(output.findings == expected)
        }
    }
}
