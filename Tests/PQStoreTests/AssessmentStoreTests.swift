import Foundation
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
}
