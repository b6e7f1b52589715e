import Foundation
import Testing

@testable import PQScanners

/// Issue 21 budgets: a PEM block's body is bounded, and reading it is linear in its size.
@Suite("PEM body budget")
struct PEMBudgetTests {
    func block(lines: Int) -> [UInt8] {
        let line = String(repeating: "QUFB", count: 16) + "\n"
        return Array(
            ("-----BEGIN CERTIFICATE-----\n" + String(repeating: line, count: lines) + "-----END CERTIFICATE-----\n")
                .utf8)
    }

    @Test("a 16 MiB block (the file-size cap) is refused by the body budget within 10 s")
    func overBudget() throws {
        let bytes = block(lines: (16 << 20) / 65)
        let started = ContinuousClock().now
        let blocks = PEM.blocks(in: bytes)
        #expect(ContinuousClock().now - started < .seconds(10))
        #expect(blocks.count == 1)
        #expect(blocks.first?.der == nil)
    }

    @Test("a block under the budget still decodes")
    func underBudget() throws {
        let blocks = PEM.blocks(in: block(lines: 10_000))
        #expect(blocks.first?.der?.count == 10_000 * 48)
    }
}
