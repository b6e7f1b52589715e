import Foundation
import PQAssessment
import PQCatalog
import PQModel
import PQScanners
import PQStore
import Testing

@testable import PQScoutKit

/// What `assess` holds of a scan's assets: only the certificates that issued one of its certificates; every other
/// certificate comes with its findings from the store's cursor.
@Suite("AssessUseCase: the judging source holds the issuers, not every asset")
struct AssessJudgingSourceTests {
    @Test("the webfarm's source holds fewer assets than the scan, and judges exactly as every asset held")
    func issuersOnly() throws {
        let path = try AssessUseCaseTests().scannedStore()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try StoreAccess.open(path, create: false)
        let scanID = try #require(try store.scans().last?.id)
        let scan = try #require(try store.scan(id: scanID))
        let source = try AssessUseCase.judgingSource(scan, store: store, registry: .standard)
        let assets = try store.assets(scanID: scanID)
        let issuers = Set(assets.compactMap(\.certificate?.issuer))
        #expect(assets.filter { $0.certificate != nil }.count > source.assets.count)
        #expect(source.assets.allSatisfy { issuers.contains($0.certificate?.subject ?? "") })

        let options = AssessmentOptions(
            profile: try PolicyProfile.bundled("nist-ir-8547"), asOf: try #require(CalendarDay("2031-01-01")))
        var judged: [FindingAssessment] = []
        var joined = try Assessor.assess(source, options: options) { judged.append($0) }
        joined.findings = judged.sorted { Assessor.riskOrder($0, $1) }
        let held = try Assessor.assess(
            AssessmentInput(
                scan: scan, findings: try store.findings(FindingQuery(scanID: scanID)), assets: assets,
                diagnostics: try store.diagnostics(scanID: scanID), software: source.software,
                scannedSources: source.scannedSources),
            options: options)
        #expect(joined == held)
        #expect(held.summary.certificateOverruns > 0)
    }
}

@Suite("An unknown system's message lists the first system ids, not all of them")
struct SystemWatchListingTests {
    @Test("120 systems scored out of order: the first 50 ids in id order, and how many more")
    func firstIDsListed() throws {
        let one = AgilityScore(
            system: SystemRef(id: "x", kind: .configuration, source: "nginx", path: "x"), baseline: 100, score: 50,
            grade: "C", adjustments: [], findingCount: 1)
        var watch = SystemWatch(overrides: [], explain: "nothing-like-it")
        for position in (0..<120).reversed() {
            var score = one
            score.system.id = String(format: "nginx:srv/site%03d.conf", position)
            watch.add(score, position: position)
        }
        #expect(watch.listed.ids == (0..<50).map { String(format: "nginx:srv/site%03d.conf", $0) })
        #expect(watch.listed.more == 70)
        let message = AssessUseCase.choices(watch.listed.ids, more: watch.listed.more)
        #expect(message.hasSuffix(", and 70 more (`pqscout assess --format json` lists all)"))
    }
}
