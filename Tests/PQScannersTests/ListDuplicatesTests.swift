import Foundation
import PQModel
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
}
