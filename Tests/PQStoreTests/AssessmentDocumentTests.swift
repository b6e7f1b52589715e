import Foundation
import PQModel
import Testing

@testable import PQStore

@Suite("The stored assessment document, encoded in pieces: the bytes of one whole encode")
struct AssessmentDocumentTests {
    /// One whole encode, as the store wrote the document before it was written in pieces (with the gate's count).
    static func whole(_ header: AssessmentResult) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.userInfo[GateOutcome.encodesCount] = true
        return String(decoding: try encoder.encode(header), as: UTF8.self)
    }

    /// A result with `systems` systems, the first citing `cited` findings in one adjustment and none in another;
    /// reasons and paths that hold the markers the pieces are spliced at, quotes and slashes.
    static func result(systems: Int, cited: Int) -> AssessmentResult {
        var result = AssessmentStoreTests.result(scanID: 1)
        result.findings = []
        let template = result.systems[0]
        result.systems = (0..<systems).map { number in
            var score = template
            score.system.id = "store:certs/\(number)"
            score.system.path = "certs/\"\(number)\"/\"systems\":[]"
            let refs = (0..<(number == 0 ? cited : number)).map { index in
                var ref = template.adjustments[0].findings[0]
                ref.index = index
                ref.path = "certs/\(number)/host\(index).pem"
                ref.context = index % 2 == 0 ? nil : "\"findings\":[] \\ é"
                return ref
            }
            score.adjustments = [
                ScoreAdjustment(
                    dimension: "pq-ready-material", points: -10, reason: "\"adjustments\":[]", findings: refs),
                ScoreAdjustment(dimension: "legacy-in-force", points: 0, evaluated: false, reason: "none"),
            ]
            score.findingCount = refs.count
            return score
        }
        return result
    }

    @Test(
        "any number of systems and cited findings, across chunk boundaries, give the bytes of one encode",
        arguments: [(0, 0), (1, 0), (1, 1), (3, 5), (4, 9), (2, 4097)], [1, 2, 4, 4096])
    func sameBytes(shape: (systems: Int, cited: Int), chunkSize: Int) throws {
        let header = Self.result(systems: shape.systems, cited: shape.cited)
        let pieces = try AssessmentDocument.encode(header, chunkSize: chunkSize)
        #expect(pieces == (try Self.whole(header)))
        let decoded = try JSONDecoder().decode(AssessmentResult.self, from: Data(pieces.utf8))
        #expect(decoded == header)
    }

    @Test("the findings of the result are not written: they are rows")
    func findingsLeftOut() throws {
        var header = Self.result(systems: 2, cited: 3)
        let bare = try AssessmentDocument.encode(header)
        header.findings = AssessmentStoreTests.result(scanID: 1).findings
        #expect(try AssessmentDocument.encode(header) == bare)
    }

    @Test(
        "a recorded assessment's document is the whole encode of its header, on either backend",
        arguments: StoreKind.available)
    func recorded(kind: StoreKind) throws {
        let store = try kind.make()
        let scanID = try Sample.begin(store)
        var header = Self.result(systems: 3, cited: 20)
        header.scanID = scanID
        let recording = try store.beginAssessment(scanID: scanID, batchSize: 4)
        let id = try recording.finish(header, createdAt: Sample.started)
        let document = try Sample.string(store, "SELECT document FROM assessments WHERE id = \(id)")
        // The gate's findings are rows (none here): the document keeps their number only. The systems are rows of
        // their own (v9): the document keeps an empty list.
        let gate = try #require(header.gate)
        #expect(gate.findings.count == 1)
        header.gate = GateOutcome(threshold: gate.threshold, count: gate.count)
        var bare = header
        bare.systems = []
        #expect(document == (try Self.whole(bare)))
        #expect(document?.contains("\"count\":1,\"findings\":[]") == true)
        #expect(try store.latestAssessment(scanID: scanID)?.result == header)
    }

    /// `header` with its overall score listing a line per system before its mean line (`whole`), and the same
    /// score with those lines left out, as an assessment that hands its systems on makes it (`leftOut`).
    static func overall(of header: AssessmentResult) -> (whole: AgilityScore, leftOut: AgilityScore) {
        let mean = ScoreAdjustment(dimension: "mean", points: 40, reason: "mean of the \"adjustments\":[] scores")
        var whole = header.overall
        whole.adjustments = header.systems.map(ScoreAdjustment.systemLine) + [mean]
        var leftOut = whole
        leftOut.adjustments = [mean]
        leftOut.systemLinesLeftOut = true
        return (whole, leftOut)
    }

    @Test("an overall score whose system lines were left out is written with them, handed over, before its mean")
    func systemLinesSpliced() throws {
        var header = Self.result(systems: 3, cited: 5)
        let (whole, leftOut) = Self.overall(of: header)
        let systems = header.systems
        header.overall = whole
        let expected = try AssessmentDocument.encode(header)
        header.overall = leftOut
        let spliced = try AssessmentDocument.encode(header, chunkSize: 2) { line in
            for system in systems { try line(.systemLine(system)) }
        }
        #expect(spliced == expected)
        // Not handed over, they would be missing: the encode refuses.
        #expect(throws: EncodingError.self) { try AssessmentDocument.encode(header) }
    }

    @Test(
        "a recorded assessment whose overall score left its system lines out stores them from the systems added",
        arguments: StoreKind.available)
    func recordedSystemLines(kind: StoreKind) throws {
        let store = try kind.make()
        let scanID = try Sample.begin(store)
        var header = Self.result(systems: 5, cited: 3)
        header.scanID = scanID
        let systems = header.systems
        let (whole, leftOut) = Self.overall(of: header)
        header.systems = []
        header.overall = leftOut
        let recording = try store.beginAssessment(scanID: scanID, batchSize: 2)
        // Scored out of id order, as an assessor hands them on.
        for position in [3, 0, 4, 2, 1] { try recording.add(systems[position], position: position) }
        _ = try recording.finish(header, createdAt: Sample.started)
        let stored = try #require(try store.latestAssessment(scanID: scanID)?.result)
        #expect(stored.overall == whole)
        #expect(stored.systems == systems)
    }

    @Test("SQLite checks other rows again once the document is written")
    func checksBackOn() throws {
        let store = try InventoryStore.inMemory()
        let scanID = try Sample.begin(store)
        var header = Self.result(systems: 1, cited: 2)
        header.scanID = scanID
        _ = try store.beginAssessment(scanID: scanID).finish(header, createdAt: Sample.started)
        #expect(try Sample.int(store, "PRAGMA ignore_check_constraints") == 0)
        #expect(throws: (any Error).self) {
            try Sample.execute(
                store,
                """
                INSERT INTO assessments (scan_id, created_at, profile, as_of, data_lifetime_years, overall_score,
                    document)
                VALUES (\(scanID), '2026-01-01', 'p', '2026-01-01', 10, 40, 'not json')
                """)
        }
    }
}
