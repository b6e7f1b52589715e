import Foundation
import PQAssessment
import PQCatalog
import PQModel
import PQReports
import PQStore
import PQTestSupport
import Testing

@testable import PQScoutKit

/// `plan` reads its certificates from the store's cursor and judges each finding with the certificate the store
/// joins to it, holding neither every asset nor every certificate's details: the plan must be the one the planner
/// makes from the scan's whole inventory, on an SQLite file and on PostgreSQL.
@Suite("Plan from a store's cursors: the plan of the whole inventory, on both backends")
struct PlanBackendTests {
    private let root = repositoryRoot.appendingPathComponent("sample-inventories/webfarm").path
    static let asOf = CalendarDay("2026-12-05")!

    @Test(
        "the plan of the stored scan is the plan made from its findings and assets held whole",
        arguments: FleetReportUseCaseTests.Backend.available)
    func sameAsWholeInventory(backend: FleetReportUseCaseTests.Backend) throws {
        let (store, cleanUp) = try backend.make()
        defer { cleanUp() }
        let scan = try ScanUseCase().run(ScanRequest(roots: [root], storePath: store))
        let outcome = try PlanUseCase.run(PlanRequest(storePath: store, asOf: Self.asOf, root: root))

        let opened = try StoreAccess.open(store, create: false)
        let findings = try opened.findings(FindingQuery(scanID: scan.id))
        let assets = try opened.assets(scanID: scan.id)
        let record = try #require(try opened.scan(id: scan.id))
        let profile = try PolicyProfile.bundled("nist-ir-8547")
        let result = try Assessor.assess(
            AssessmentInput(
                scan: record, findings: findings, assets: assets, software: try opened.software(scanID: scan.id)),
            options: AssessmentOptions(profile: profile, asOf: Self.asOf))
        var whole = MigrationPlanner.plan(
            PlanInput(
                findings: findings, assets: assets, software: try opened.software(scanID: scan.id),
                assessment: result, profile: profile,
                files: ScannedTreeFiles(roots: [root], records: try opened.files(scanID: scan.id))))
        whole.notes = outcome.plan.notes
        #expect(outcome.plan.actions.contains { $0.id.hasPrefix("certificate-reissue:") })
        #expect(PlanMarkdown.render(outcome.plan) == PlanMarkdown.render(whole))
        #expect(outcome.plan == whole)
    }
}
