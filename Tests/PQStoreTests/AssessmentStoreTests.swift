import Foundation
import GRDB
import PQModel
import Testing

@testable import PQStore

@Suite("Assessments kept with their scan (migration v2-assessments)")
struct AssessmentStoreTests {
    static func result(scanID: Int64, profile: String = "nist-ir-8547", asOf: String = "2031-01-01")
        -> AssessmentResult
    {
        let finding = Sample.finding("etc/ssh/sshd_config")
        let ref = FindingRef(index: 0, finding: finding)
        let system = SystemRef(id: "openssh:etc/ssh/sshd_config", kind: .configuration, source: "openssh", path: "x")
        let score = AgilityScore(
            system: system, baseline: 50, score: 40, grade: "D",
            adjustments: [ScoreAdjustment(dimension: "hybrid-pq-offered", points: -10, reason: "r", findings: [ref])],
            findingCount: 1)
        return AssessmentResult(
            scanID: scanID, profile: profile, profileTitle: "t", category: nil,
            asOf: CalendarDay(asOf) ?? CalendarDay(Date()), dataLifetimeYears: 10,
            findings: [
                FindingAssessment(
                    finding: ref, quantumStatus: .vulnerable, effective: true,
                    verdict: PolicyVerdict(
                        state: .deprecated, since: CalendarDay("2031-01-01"), profile: profile, binding: false,
                        source: "s", explanation: "e"),
                    risk: RiskPriority(score: 80, tier: .harvestNowDecryptLater, reasons: ["r"]),
                    system: system.id)
            ], systems: [score], overall: score,
            coverage: AssessmentCoverage(
                scanComplete: true, filesExamined: 1, filesWithFindings: 1, filesSkipped: 0, filesUnparsable: 0,
                sources: ["openssh": 1], gaps: []),
            summary: AssessmentSummary(
                byState: ["deprecated": 1], byTier: ["harvest-now-decrypt-later": 1], waived: 0, expiredWaivers: 0,
                certificateOverruns: 0),
            gate: GateOutcome(threshold: .deprecated, met: true, findings: [ref]))
    }

    @Test(
        "an assessment is stored with its scan and read back whole, newest first by profile",
        arguments: StoreKind.available)
    func roundTrip(kind: StoreKind) throws {
        let store = try kind.make()
        let scanID = try Sample.begin(store)
        let first = Self.result(scanID: scanID)
        let second = Self.result(scanID: scanID, profile: "cnsa-2.0", asOf: "2034-01-01")
        let firstID = try store.recordAssessment(first, createdAt: Sample.started)
        let secondID = try store.recordAssessment(second, createdAt: Sample.finished)
        #expect(secondID > firstID)
        let all = try store.assessments(scanID: scanID)
        #expect(all.map(\.result) == [first, second])
        #expect(all.first?.createdAt == Sample.started)
        #expect(try store.latestAssessment(scanID: scanID)?.result == second)
        #expect(try store.latestAssessment(scanID: scanID, profile: "nist-ir-8547")?.id == firstID)
        #expect(try store.latestAssessment(scanID: scanID + 1) == nil)
    }

    @Test("an assessment of a scan that is not in the store is refused", arguments: StoreKind.available)
    func noSuchScan(kind: StoreKind) throws {
        let store = try kind.make()
        #expect(throws: StoreError.self) { try store.recordAssessment(Self.result(scanID: 99), createdAt: Date()) }
    }

    @Test("deleting a scan deletes its assessments", arguments: StoreKind.available)
    func cascade(kind: StoreKind) throws {
        let store = try kind.make()
        let scanID = try Sample.begin(store)
        try store.recordAssessment(Self.result(scanID: scanID), createdAt: Date())
        try store.deleteScan(id: scanID)
        #expect(try store.assessments(scanID: scanID).isEmpty)
        #expect(try Sample.int(store, "SELECT count(*) FROM assessments") == 0)
    }
    @Test("the judged findings are rows of their own, in the result's order, and read back into the result")
    func findingsAsRows() throws {
        let store = try InventoryStore.inMemory()
        let scanID = try Sample.begin(store)
        var result = Self.result(scanID: scanID)
        let one = try #require(result.findings.first)
        result.findings = (0..<5).map { number in
            var copy = one
            copy.finding.index = number
            copy.finding.path = "etc/ssh/sshd_config.d/\(number).conf"
            copy.finding.line = number % 2 == 0 ? nil : number
            copy.risk.score = 80 - number / 2
            // System and expiry are columns of the row, not of the shared part.
            copy.system = number == 4 ? "store:etc/ssl/certs" : copy.system
            copy.expired = number == 3 ? CalendarDay("2026-01-01") : nil
            return copy
        }
        // Each is deprecated and in force: the gate's findings are all five, read back from the rows.
        result.gate = GateOutcome(threshold: .deprecated, met: true, findings: result.findings.map(\.finding).sorted())
        let id = try store.recordAssessment(result, createdAt: Sample.started)
        #expect(try Sample.int(store, "SELECT count(*) FROM assessment_findings WHERE assessment_id = \(id)") == 5)
        // What findings share is kept once: three distinct risks, three parts.
        #expect(try Sample.int(store, "SELECT count(*) FROM assessment_parts WHERE assessment_id = \(id)") == 3)
        #expect(
            try Sample.int(store, "SELECT count(*) FROM assessments WHERE document LIKE '%\"findings\":[]%'") == 1)
        #expect(
            try Sample.int(
                store, "SELECT count(*) FROM assessments WHERE document LIKE '%\"gate\":{\"count\":5,\"findings\":[]%'")
                == 1)
        #expect(try store.latestAssessment(scanID: scanID)?.result == result)
        try store.deleteScan(id: scanID)
        #expect(try Sample.int(store, "SELECT count(*) FROM assessment_findings") == 0)
        #expect(try Sample.int(store, "SELECT count(*) FROM assessment_parts") == 0)
    }

    @Test("an assessment recorded before v6, its findings inside the document, still reads back whole")
    func documentWithFindings() throws {
        let store = try InventoryStore.inMemory()
        let scanID = try Sample.begin(store)
        let result = Self.result(scanID: scanID)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let document = String(decoding: try encoder.encode(result), as: UTF8.self)
        try #require(store.sqliteWriter).write { db in
            try db.execute(
                sql: """
                    INSERT INTO assessments (scan_id, created_at, profile, as_of, data_lifetime_years, overall_score,
                        document)
                    VALUES (?, ?, ?, ?, 10, 40, ?)
                    """,
                arguments: [scanID, Sample.started, result.profile, result.asOf.description, document])
        }
        #expect(try Sample.int(store, "SELECT count(*) FROM assessment_findings") == 0)
        #expect(try store.latestAssessment(scanID: scanID)?.result == result)
    }
}
