import Foundation
import GRDB
import PQModel
import Testing

@testable import PQStore

@Suite("Scored systems as rows of their own (migration v9-assessment-systems), read back from a cursor")
struct AssessedSystemRowsTests {
    /// A result with `count` systems in id order, their scores out of that order (ties included), each citing
    /// `position + 2` findings in one adjustment and none in another.
    static func result(scanID: Int64, count: Int = 4) -> AssessmentResult {
        var result = AssessmentStoreTests.result(scanID: scanID)
        let template = result.systems[0]
        result.systems = (0..<count).map { position in
            var score = template
            score.system.id = "openssh:etc/ssh/sshd_config.d/\(position).conf"
            score.score = [70, 20, 70, 45, 5][position % 5]
            score.findingCount = position + 2
            let refs = (0..<(position + 2)).map { number in
                var ref = template.adjustments[0].findings[0]
                ref.index = position * 10 + number
                ref.line = number
                return ref
            }
            score.adjustments = [
                ScoreAdjustment(dimension: "hybrid-pq-offered", points: -10, reason: "r", findings: refs),
                ScoreAdjustment(dimension: "agility", points: 0, evaluated: false, reason: "n/e"),
            ]
            return score
        }
        return result
    }

    /// Writes `text` into `assessments.document` of one assessment, on either backend.
    static func setDocument(_ store: InventoryStore, id: Int64, _ text: String) throws {
        if let session = store.postgresSession {
            try session.query("UPDATE assessments SET document = $1 WHERE id = $2", [.text(text), .int(id)])
            return
        }
        try store.sqliteWriter!.write { db in
            try db.execute(sql: "UPDATE assessments SET document = ? WHERE id = ?", arguments: [text, id])
        }
    }

    @Test(
        "the systems are rows in the result's order, the document keeps none, and every reader gets them back",
        arguments: StoreKind.available)
    func systemsAsRows(kind: StoreKind) throws {
        let store = try kind.make()
        let scanID = try Sample.begin(store)
        let result = Self.result(scanID: scanID)
        let id = try store.recordAssessment(result, createdAt: Sample.started)
        #expect(try Sample.int(store, "SELECT count(*) FROM assessment_systems WHERE assessment_id = \(id)") == 4)
        #expect(try Sample.string(store, "SELECT document FROM assessments")?.contains("\"systems\":[]") == true)
        #expect(try store.assessedSystemCount(assessmentID: id) == 4)
        // Whole reads put them back where they were.
        #expect(try store.latestAssessment(scanID: scanID)?.result == result)
        #expect(try store.assessments(scanID: scanID).map(\.result) == [result])
        // The summary leaves them in the store.
        #expect(try store.latestAssessmentSummary(scanID: scanID)?.result.systems == [])

        var recorded: [AgilityScore] = []
        try store.forEachAssessedSystem(assessmentID: id) { recorded.append($0) }
        #expect(recorded == result.systems)
        var byScore: [AgilityScore] = []
        try store.forEachAssessedSystem(assessmentID: id, order: .byScore) { byScore.append($0) }
        #expect(byScore == result.systems.sorted { ($0.score, $0.system.id) < ($1.score, $1.system.id) })
        var firstTwo: [String] = []
        try store.forEachAssessedSystem(assessmentID: id, order: .byScore, limit: 2) { firstTwo.append($0.system.id) }
        #expect(firstTwo == byScore.prefix(2).map(\.system.id))

        // Trimmed as the reports read them: the first findings of each adjustment and how many there were.
        var trimmed: [AgilityScore] = []
        try store.forEachAssessedSystem(assessmentID: id, findingsPerAdjustment: 1) { trimmed.append($0) }
        #expect(trimmed.map { $0.adjustments[0].findings } == result.systems.map { [$0.adjustments[0].findings[0]] })
        #expect(trimmed.map { $0.adjustments[0].findingTotal } == result.systems.map { $0.findingCount })
        #expect(trimmed.map { $0.adjustments[1].findingTotal } == [0, 0, 0, 0])

        try store.deleteScan(id: scanID)
        #expect(try Sample.int(store, "SELECT count(*) FROM assessment_systems") == 0)
    }

    @Test(
        "systems added as they are scored, out of order and across batches, are stored by position",
        arguments: StoreKind.available, [1, 3, 100])
    func addedOutOfOrder(kind: StoreKind, batchSize: Int) throws {
        let store = try kind.make()
        let scanID = try Sample.begin(store)
        let result = Self.result(scanID: scanID, count: 7)
        let recording = try store.beginAssessment(scanID: scanID, batchSize: batchSize)
        for item in result.findings { try recording.add(item) }
        for position in [3, 0, 6, 1, 5, 2, 4] { try recording.add(result.systems[position], position: position) }
        var header = result
        header.systems = []
        let id = try recording.finish(header, createdAt: Sample.started)
        var recorded: [AgilityScore] = []
        try store.forEachAssessedSystem(assessmentID: id) { recorded.append($0) }
        #expect(recorded == result.systems)
        #expect(try store.latestAssessment(scanID: scanID)?.result == result)
    }

    @Test("a recording never finished leaves no system behind", arguments: StoreKind.available)
    func discarded(kind: StoreKind) throws {
        let store = try kind.make()
        let scanID = try Sample.begin(store)
        let result = Self.result(scanID: scanID)
        let dropped = try store.beginAssessment(scanID: scanID, batchSize: 1)
        for (position, score) in result.systems.enumerated() { try dropped.add(score, position: position) }
        dropped.discard()
        #expect(try Sample.int(store, "SELECT count(*) FROM assessment_systems") == 0)
        let id = try store.recordAssessment(Self.result(scanID: scanID, count: 2), createdAt: Sample.started)
        #expect(try store.assessedSystemCount(assessmentID: id) == 2)
    }

    @Test(
        "an assessment recorded before v9, its systems inside the document, still reads back whole and summarised",
        arguments: StoreKind.available)
    func documentWithSystems(kind: StoreKind) throws {
        let store = try kind.make()
        let scanID = try Sample.begin(store)
        let result = Self.result(scanID: scanID)
        let id = try store.recordAssessment(result, createdAt: Sample.started)
        // As an older PQScout left it: the systems in the document, no rows.
        var header = result
        header.findings = []
        try Self.setDocument(store, id: id, try AssessmentDocument.encode(header))
        try Sample.execute(store, "DELETE FROM assessment_systems")
        #expect(try store.assessedSystemCount(assessmentID: id) == 0)
        #expect(try store.latestAssessment(scanID: scanID)?.result == result)
        let summary = try store.latestAssessmentSummary(scanID: scanID, findingsPerAdjustment: 1)?.result
        #expect(summary?.systems.map(\.system) == result.systems.map(\.system))
        #expect(summary?.systems.map { $0.adjustments[0].findingTotal } == result.systems.map(\.findingCount))
        var none = 0
        try store.forEachAssessedSystem(assessmentID: id) { _ in none += 1 }
        #expect(none == 0)
    }

    @Test("an SQLite store at v7 with an assessment migrates to v9 and reads it back from its document")
    func migratedFromV7() throws {
        try Sample.withTemporaryStorePath { path in
            let result = Self.result(scanID: 1)
            var header = result
            header.findings = []
            let document = try AssessmentDocument.encode(header)
            do {
                let queue = try DatabaseQueue(path: path)
                try StoreSchema.migrator(upTo: 7).migrate(queue)
                try queue.write { db in
                    try db.execute(
                        sql: """
                            INSERT INTO scans (id, roots, host, tool_version, started_at, status)
                            VALUES (1, '["/etc"]', 'old-host', '0.0.1', '2025-01-01 00:00:00.000', 'incomplete');
                            INSERT INTO assessments (scan_id, created_at, profile, as_of, data_lifetime_years,
                                overall_score, document)
                            VALUES (1, '2025-01-01 00:00:00.000', 'nist-ir-8547', '2031-01-01', 10, 40, ?)
                            """, arguments: [document])
                }
            }
            let store = try InventoryStore(path: path)
            #expect(try Sample.int(store, "SELECT count(*) FROM assessment_systems") == 0)
            var expected = result
            expected.findings = []
            #expect(try store.latestAssessment(scanID: 1)?.result == expected)
            #expect(try store.latestAssessmentSummary(scanID: 1)?.result.systems == result.systems)
        }
    }

    @Test("one system's document is the bytes it has inside the assessment's document, whatever the chunk size")
    func systemDocument() throws {
        let score = Self.result(scanID: 1, count: 5).systems[4]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let whole = String(decoding: try encoder.encode(score), as: UTF8.self)
        for chunk in [1, 2, 4096] { #expect(try AssessmentDocument.encode(score, chunkSize: chunk) == whole) }
    }
}
