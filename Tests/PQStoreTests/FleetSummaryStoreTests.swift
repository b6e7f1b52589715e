import Foundation
import PQModel
import Testing

@testable import PQStore

/// `InventoryStore.fleetSummary()` (report --fleet, the HTML report's fleet section) on both backends.
@Suite("The fleet's summary: each host's latest complete scan and its newest assessment")
struct FleetSummaryStoreTests {
    private func scan(
        _ store: InventoryStore, host: String, findings: Int, complete: Bool = true, kind: ScanRecord.Kind = .scan
    ) throws -> Int64 {
        let id = try store.beginScan(
            roots: ["/etc"], host: host, toolVersion: "0.1.0", startedAt: Sample.started, kind: kind)
        try store.finishScan(
            scanID: id, finishedAt: Sample.finished,
            counts: ScanCounts(
                filesExamined: findings + 3, filesWithFindings: findings, findings: findings, assets: 2,
                byStatus: ["vulnerable": findings]),
            complete: complete)
        return id
    }

    @Test("one row per host, ordered by host, from the latest complete host scan", arguments: StoreKind.available)
    func latestPerHost(kind: StoreKind) throws {
        let store = try kind.make()
        _ = try scan(store, host: "web2", findings: 1)
        let web2 = try scan(store, host: "web2", findings: 5)
        _ = try scan(store, host: "web2", findings: 9, complete: false)
        let db1 = try scan(store, host: "db1", findings: 2)
        _ = try scan(store, host: "db1", findings: 7, kind: .import)
        let fleet = try store.fleetSummary()
        #expect(fleet.map(\.host) == ["db1", "web2"])
        #expect(fleet.map(\.scanID) == [db1, web2])
        #expect(fleet.map(\.findings) == [2, 5])
        #expect(fleet.map(\.files) == [5, 8])
        #expect(fleet.map(\.assets) == [2, 2])
        #expect(fleet.last?.byStatus == ["vulnerable": 5])
        #expect(fleet.last?.startedAt == Sample.started)
        #expect(fleet.last?.finishedAt == Sample.finished)
        #expect(fleet.allSatisfy { $0.assessment == nil })
        #expect(try kind.make().fleetSummary().isEmpty)
    }

    @Test(
        "a host's row carries its scan's newest assessment: profile, score, gate, verdicts",
        arguments: StoreKind.available)
    func assessment(kind: StoreKind) throws {
        let store = try kind.make()
        let web1 = try scan(store, host: "web1", findings: 1)
        let web2 = try scan(store, host: "web2", findings: 1)
        _ = try store.recordAssessment(AssessmentStoreTests.result(scanID: web1), createdAt: Sample.started)
        var newest = AssessmentStoreTests.result(scanID: web1, profile: "cnsa-2.0", asOf: "2034-01-01")
        newest.summary.byState = ["disallowed": 3, "allowed": 4]
        newest.gate = nil
        let newestID = try store.recordAssessment(newest, createdAt: Sample.finished)
        // An assessment of an older scan of web2 is not its latest scan's.
        let web2Newer = try scan(store, host: "web2", findings: 1)
        _ = try store.recordAssessment(AssessmentStoreTests.result(scanID: web2), createdAt: Sample.started)

        let fleet = try store.fleetSummary()
        #expect(fleet.map(\.scanID) == [web1, web2Newer])
        let assessed = try #require(fleet.first?.assessment)
        #expect(assessed.assessmentID == newestID)
        #expect(assessed.profile == "cnsa-2.0")
        #expect(assessed.overallScore == 40)
        #expect(assessed.gateMet == nil)
        #expect(assessed.byVerdict == ["disallowed": 3, "allowed": 4])
        #expect(fleet.last?.assessment == nil)

        _ = try store.recordAssessment(AssessmentStoreTests.result(scanID: web2Newer), createdAt: Sample.finished)
        let gated = try #require(try store.fleetSummary().last?.assessment)
        #expect(gated.gateMet == true)
        #expect(gated.byVerdict == ["deprecated": 1])
        let total = FleetTotal(try store.fleetSummary())
        #expect(total.hosts == 2 && total.assessedHosts == 2 && total.gatesMet == 1)
        #expect(total.byVerdict == ["disallowed": 3, "allowed": 4, "deprecated": 1])
    }
}
