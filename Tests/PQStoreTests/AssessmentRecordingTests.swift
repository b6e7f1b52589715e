import Foundation
import PQModel
import PQTestSupport
import Testing

@testable import PQStore

@Suite("Assessments recorded while they are judged: batches staged, stored in risk order")
struct AssessmentRecordingTests {
    /// `count` judged findings with few distinct scores (many ties), added in a shuffled order.
    static func findings(count: Int, seed: UInt64) -> [FindingAssessment] {
        let one = AssessmentStoreTests.result(scanID: 1).findings[0]
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { number in
            var copy = one
            copy.finding.index = number
            copy.finding.path = "etc/nginx/sites/\(number / 7).conf"
            copy.finding.line = number % 3 == 0 ? nil : number
            copy.risk.score = [80, 41, 41, 12, 80, 0][Int(generator.next() % 6)]
            copy.system = "nginx:etc/nginx/\(number % 4)"
            return copy
        }.shuffled(using: &generator)
    }

    @Test(
        "findings added in any order across batch boundaries are stored by rank, positions 0 to n-1",
        arguments: StoreKind.available, [1, 4, 37, 100])
    func storedInRiskOrder(kind: StoreKind, batchSize: Int) throws {
        let store = try kind.make()
        let scanID = try Sample.begin(store)
        var result = AssessmentStoreTests.result(scanID: scanID)
        let added = Self.findings(count: 37, seed: UInt64(batchSize))
        let recording = try store.beginAssessment(scanID: scanID, batchSize: batchSize)
        for item in added { try recording.add(item) }
        result.findings = []
        let id = try recording.finish(result, createdAt: Sample.started)
        var stored: [FindingAssessment] = []
        try store.forEachAssessedFinding(assessmentID: id) { stored.append($0.assessment) }
        // The same order as sorting in memory by rank (ties in inventory order), which `Assessor.riskOrder` compares.
        #expect(stored == added.sorted { $0.rank < $1.rank })
        #expect(stored.map(\.risk.score) == stored.map(\.risk.score).sorted(by: >))
        #expect(try Sample.int(store, "SELECT count(*) FROM assessment_findings WHERE assessment_id = \(id)") == 37)
        #expect(
            try Sample.int(store, "SELECT max(position) FROM assessment_findings WHERE assessment_id = \(id)") == 36)
        // One shared part per distinct risk, however the batches fell.
        #expect(
            try Sample.int(store, "SELECT count(*) FROM assessment_parts WHERE assessment_id = \(id)")
                == Set(added.map(\.risk.score)).count)
        result.findings = stored
        // Each added finding is deprecated and in force: the gate read back is all of them, picked from the rows
        // in inventory order (the document keeps only their number).
        result.gate = GateOutcome(threshold: .deprecated, met: true, findings: stored.map(\.finding).sorted())
        #expect(try store.latestAssessment(scanID: scanID)?.result == result)
    }

    @Test("a recording never finished leaves nothing behind, and the next one records", arguments: StoreKind.available)
    func discarded(kind: StoreKind) throws {
        let store = try kind.make()
        let scanID = try Sample.begin(store)
        let dropped = try store.beginAssessment(scanID: scanID, batchSize: 3)
        for item in Self.findings(count: 10, seed: 7) { try dropped.add(item) }
        dropped.discard()
        #expect(try Sample.int(store, "SELECT count(*) FROM assessments") == 0)
        #expect(try Sample.int(store, "SELECT count(*) FROM assessment_findings") == 0)
        let recording = try store.beginAssessment(scanID: scanID, batchSize: 3)
        for item in Self.findings(count: 5, seed: 8) { try recording.add(item) }
        let id = try recording.finish(AssessmentStoreTests.result(scanID: scanID), createdAt: Sample.started)
        #expect(try Sample.int(store, "SELECT count(*) FROM assessment_findings WHERE assessment_id = \(id)") == 5)
        #expect(throws: StoreError.self) { try store.beginAssessment(scanID: scanID + 100) }
    }
}
