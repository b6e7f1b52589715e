import Foundation
import PQModel
import Testing

@testable import PQStore

/// The reads that hand an assessment's judged findings, and two scans' findings, over one at a time
/// (`forEachAssessedFinding`, `forEachJudgedFinding`, `forEachPathOfScans`) give what the whole reads give, on
/// both backends; on PostgreSQL with two rows per fetch, so every walk crosses fetches.
@Suite("Judged findings and two scans, read one at a time")
struct AssessedFindingStreamTests {
    /// A PostgreSQL store that fetches two rows at a time, or an SQLite store.
    static func store(_ kind: StoreKind) throws -> InventoryStore {
        switch kind {
        case .sqlite: return try InventoryStore.inMemory()
        case .postgres:
            return InventoryStore(backend: try PostgresStore(url: try StoreKind.freshURL(), fetchSize: 2))
        }
    }

    /// A scan's findings over three files, two of them alike at one place (same key, another asset), recorded out
    /// of store order.
    static func scan(_ store: InventoryStore, extra: [Finding] = []) throws -> Int64 {
        let scanID = try Sample.begin(store)
        let findings =
            [
                Sample.finding("b/y.conf", line: 7, algorithm: "x25519"),
                Sample.finding("a/x.conf", line: 3),
                Sample.finding("a/x.conf", line: 1, algorithm: "ecdh-sha2-nistp384"),
                Sample.finding("c/z.conf", line: nil, algorithm: "rsa"),
                Sample.finding("a/x.conf", line: 3),
                Sample.finding("b/y.conf", line: 2, usage: .signature, algorithm: "ssh-rsa"),
            ] + extra
        let paths = Set(findings.map(\.path)).sorted()
        try store.record(
            scanID: scanID, batch: ScanBatch(files: paths.map(Sample.file), output: ScanOutput(findings: findings)))
        return scanID
    }

    /// An assessment judging every finding but the one at index 2, in an order that is not the inventory's.
    static func assessment(_ store: InventoryStore, scanID: Int64) throws -> AssessmentResult {
        let findings = try store.findings(FindingQuery(scanID: scanID))
        let template = AssessmentStoreTests.result(scanID: scanID).findings[0]
        var result = AssessmentStoreTests.result(scanID: scanID)
        result.findings = [4, 0, 5, 3, 1].map { index in
            var judged = template
            judged.finding = FindingRef(index: index, finding: findings[index])
            judged.risk.score = 10 * index
            judged.system = "system-\(index % 2)"
            return judged
        }
        // Every one is deprecated, in force and not waived: each meets the gate.
        result.gate = GateOutcome(threshold: .deprecated, met: true, findings: result.findings.map(\.finding).sorted())
        return result
    }

    @Test(
        "judged findings come back in risk order, and beside the inventory finding their index names",
        arguments: StoreKind.available)
    func judgedFindings(kind: StoreKind) throws {
        let store = try Self.store(kind)
        let scanID = try Self.scan(store)
        let result = try Self.assessment(store, scanID: scanID)
        let id = try store.recordAssessment(result, createdAt: Sample.started)

        #expect(try store.latestAssessment(scanID: scanID)?.result == result)
        let summary = try #require(try store.latestAssessmentSummary(scanID: scanID))
        #expect(summary.id == id)
        var header = result
        header.findings = summary.result.findings
        // The document keeps the gate's number; its findings are the rows that meet it, read with them.
        header.gate = GateOutcome(threshold: .deprecated, count: result.findings.count)
        // The systems are rows (v9), not in the summary: read from their cursor.
        header.systems = []
        #expect(summary.result == header)
        var systems: [AgilityScore] = []
        try store.forEachAssessedSystem(assessmentID: id) { systems.append($0) }
        #expect(systems == result.systems)
        if kind == .sqlite { #expect(summary.result.findings.isEmpty) }

        var ranked: [RankedAssessment] = []
        try store.forEachAssessedFinding(assessmentID: id) { ranked.append($0) }
        #expect(ranked.map(\.position) == Array(0..<result.findings.count))
        #expect(ranked.map(\.assessment) == result.findings)
        var byIndex: [RankedAssessment] = []
        try store.forEachAssessedFinding(assessmentID: id, order: .inventory) { byIndex.append($0) }
        #expect(byIndex.map(\.assessment.finding.index) == [0, 1, 3, 4, 5])
        #expect(byIndex == ranked.sorted { $0.assessment.finding.index < $1.assessment.finding.index })

        let inventory = try store.findings(FindingQuery(scanID: scanID))
        var walked: [Finding] = []
        var judged: [[RankedAssessment]] = []
        try store.forEachJudgedFinding(scanID: scanID, assessmentID: id) { finding, list in
            walked.append(finding)
            judged.append(list)
        }
        #expect(walked == inventory)
        let expected = inventory.indices.map { index in
            result.findings.enumerated().filter { $0.element.finding.index == index }.map {
                RankedAssessment(position: $0.offset, assessment: $0.element)
            }
        }
        #expect(judged == expected)
        #expect(judged[2].isEmpty && judged.joined().count == result.findings.count)
    }

    @Test("two scans come back a path at a time, each in the store's order", arguments: StoreKind.available)
    func pathsOfTwoScans(kind: StoreKind) throws {
        let store = try Self.store(kind)
        let first = try Self.scan(store)
        let second = try Self.scan(store, extra: [Sample.finding("d/new.conf", line: 1), Sample.finding("0/new.conf")])
        var groups: [([Finding], [Finding])] = []
        try store.forEachPathOfScans(first, second) { groups.append(($0, $1)) }
        let before = try store.findings(FindingQuery(scanID: first))
        let after = try store.findings(FindingQuery(scanID: second))
        let paths = Set((before + after).map(\.path)).sorted()
        #expect(groups.count == paths.count)
        for (path, group) in zip(paths, groups) {
            #expect(group.0 == before.filter { $0.path == path })
            #expect(group.1 == after.filter { $0.path == path })
        }
        var same: [([Finding], [Finding])] = []
        try store.forEachPathOfScans(first, first) { same.append(($0, $1)) }
        #expect(same.allSatisfy { $0.0 == $0.1 } && same.flatMap(\.0) == before)
    }
}
