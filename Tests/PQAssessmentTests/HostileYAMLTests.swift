import Foundation
import Testing

@testable import PQAssessment

/// Issue 21 item 2: the minimal cases that ran the process off its stack (exit 139) or took minutes, each fed to the
/// three YAML readers (claims, policy, waivers); every one must end in one error within 10 s.
@Suite("Hostile YAML: nesting and alias budgets for claims, policies and waivers")
struct HostileYAMLTests {
    /// `python3 -c "print('- '*5000+'x')"` and its relatives from the issue.
    static let cases: [(name: String, text: String, code: String)] = [
        ("block sequences", String(repeating: "- ", count: 5000) + "x\n", "yaml.too-deep"),
        ("complex keys", String(repeating: "? ", count: 5000) + "x\n", "yaml.too-deep"),
        ("flow brackets", String(repeating: "[", count: 200_000), "yaml.too-deep"),
        ("alias chain", aliasChain(100_000), "yaml.too-deep"),
        ("aliases re-using a 200,000-item list", aliasFanOut(items: 200_000, uses: 20), "yaml.list-budget"),
        ("aliases re-using a 5,000-item list", aliasFanOut(items: 5_000, uses: 20), "yaml.alias-budget"),
        (
            "a 100,000-name supported list",
            "vendor: V\nproduct: P\nprotocols:\n  ssh:\n    supported: ["
                + Array(repeating: "curve25519-sha256", count: 100_000).joined(separator: ", ") + "]\n",
            "yaml.list-budget"
        ),
    ]

    /// `a0: &a0 [x]`, then each anchor wraps the previous alias: nesting that no bracket count sees.
    static func aliasChain(_ length: Int) -> String {
        var text = "x0: &a0 [x]\n"
        for index in 1..<length { text += "x\(index): &a\(index) [*a\(index - 1)]\n" }
        return text
    }

    /// One long list anchored once and aliased `uses` times (the 4 MB claims file that took 144 s).
    static func aliasFanOut(items: Int, uses: Int) -> String {
        "vendor: V\nproduct: P\nlist: &big [" + String(repeating: "x25519, ", count: items) + "x25519]\n"
            + "protocols:\n  ssh:\n    supported: [" + Array(repeating: "*big", count: uses).joined(separator: ", ")
            + "]\n"
    }

    static func readers() -> [(name: String, read: (String) throws(AssessmentError) -> Void)] {
        [
            ("claims", { text throws(AssessmentError) in _ = try ClaimsLoader.claims(yaml: text, file: "c.yaml") }),
            ("policy", { text throws(AssessmentError) in _ = try PolicyLoader.profile(yaml: text, file: "p.yaml") }),
            ("waivers", { text throws(AssessmentError) in _ = try PolicyLoader.waivers(yaml: text, file: "w.yaml") }),
        ]
    }

    @Test("each minimal case is one error within 10 s, from every reader", arguments: 0..<cases.count)
    func refused(_ index: Int) {
        let item = Self.cases[index]
        for reader in Self.readers() {
            let clock = ContinuousClock()
            let started = clock.now
            do {
                try reader.read(item.text)
                Issue.record("\(reader.name) accepted \(item.name)")
            } catch {
                #expect(error.code == item.code, "\(reader.name), \(item.name): \(error.reason)")
                #expect(!error.reason.contains("\n"), "one line")
            }
            #expect(clock.now - started < .seconds(10), "\(reader.name), \(item.name)")
        }
    }

    @Test("the budget names the line where nesting passes the limit")
    func line() {
        let text = (0..<70).map { String(repeating: "  ", count: $0) + "k\($0):\n" }.joined() + "x\n"
        let exceeded = YAMLBudget().check(text)
        #expect(exceeded?.code == "yaml.too-deep")
        // Line N holds the first key of the Nth nested mapping, so the 65th opens on line 65.
        #expect(exceeded?.line == 65)
    }

    @Test("anchors within the budget still work: one supported list shared by two protocols")
    func sharedList() throws {
        let claims = try ClaimsLoader.claims(
            yaml: """
                vendor: V
                product: P
                protocols:
                  ssh:
                    supported: &kex [mlkem768x25519-sha256, curve25519-sha256]
                  tls-server:
                    supported: *kex
                """, file: "c.yaml")
        #expect(claims.protocols.count == 2)
        #expect(YAMLBudget().check(Self.aliasFanOut(items: 100, uses: 50)) == nil)
        #expect(YAMLBudget().check(Self.aliasFanOut(items: 100, uses: 101))?.code == "yaml.alias-budget")
    }
}
