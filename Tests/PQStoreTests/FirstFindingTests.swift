import Foundation
import PQModel
import Testing

@testable import PQStore

/// `firstFinding(_:where:)`, what `scan --fail-on` asks instead of reading every finding back: the first match in
/// the store's order, the walk stopped there, and the store usable after the stop; on PostgreSQL with two rows per
/// fetch, so the stop falls inside a cursor.
@Suite("First finding: the walk stops at the first match")
struct FirstFindingTests {
    @Test(
        "the first match in the store's order, read no further; nil when none; the store walks again after",
        arguments: StoreKind.available)
    func stopsAtFirstMatch(kind: StoreKind) throws {
        let store = try AssessedFindingStreamTests.store(kind)
        let scanID = try AssetWalkTests.recorded(store)
        let all = try store.findings(FindingQuery(scanID: scanID))
        let wanted = try #require(all.firstIndex { $0.usage == .cipher })
        #expect(wanted > 1)
        var looked = 0
        let first = try store.firstFinding(FindingQuery(scanID: scanID)) { finding in
            looked += 1
            return finding.usage == .cipher
        }
        #expect(first == all[wanted])
        #expect(looked == wanted + 1)
        #expect(try store.firstFinding(FindingQuery(scanID: scanID)) { $0.algorithm == "no such" } == nil)
        #expect(try store.findings(FindingQuery(scanID: scanID)) == all)
        #expect(try store.firstFinding(FindingQuery(scanID: scanID)) { _ in true } == all.first)
    }
}
