import Foundation
import PQModel
import PQScoutKit
import PQStore
import PQTestSupport
import Testing

/// Issue 20 point 5 through the Kit: `report --fleet`, the HTML report's fleet section and `assess --fleet`, on an
/// SQLite file and on PostgreSQL.
@Suite("The fleet's report and assessment, on both backends")
struct FleetReportUseCaseTests {
    private let root = repositoryRoot.appendingPathComponent("sample-inventories/webfarm").path

    enum Backend: String, CaseIterable, CustomTestStringConvertible, Sendable {
        case sqlite, postgres
        var testDescription: String { rawValue }

        static var available: [Backend] { PostgresTestServer.shared == nil ? [.sqlite] : [.sqlite, .postgres] }

        /// A new store location and what removes it.
        func make() throws -> (location: String, cleanUp: () -> Void) {
            switch self {
            case .sqlite:
                let path = temporaryStore()
                return (path, { try? FileManager.default.removeItem(atPath: path) })
            case .postgres:
                let server = try #require(PostgresTestServer.shared)
                return (try server.freshDatabaseURL(), {})
            }
        }
    }

    /// The report's JSON document, decoded loosely (as a consumer reads it).
    private func fleetJSON(_ store: String) throws -> [String: Any] {
        let data = try ReportUseCase.renderFleet(storePath: store, format: .json)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test(
        "report --fleet has a row per host with its latest scan and assessment, and the fleet's total",
        arguments: Backend.available)
    func report(backend: Backend) throws {
        let (store, cleanUp) = try backend.make()
        defer { cleanUp() }
        _ = try ScanUseCase().run(ScanRequest(roots: [root], storePath: store, host: "web2"))
        let web2 = try ScanUseCase().run(ScanRequest(roots: [root], storePath: store, host: "web2"))
        let web1 = try ScanUseCase().run(ScanRequest(roots: [root], storePath: store, host: "web1"))
        let assessed = try AssessUseCase.run(
            AssessRequest(storePath: store, scanID: web1.id, asOf: CalendarDay("2031-01-01"), failOn: .disallowed))

        let document = try fleetJSON(store)
        let hosts = try #require(document["hosts"] as? [[String: Any]])
        #expect(hosts.map { $0["host"] as? String } == ["web1", "web2"])
        #expect(hosts.map { ($0["scanID"] as? NSNumber)?.int64Value } == [web1.id, web2.id])
        #expect(hosts.map { $0["findings"] as? Int } == [web1.counts.findings, web2.counts.findings])
        #expect(hosts.map { $0["files"] as? Int } == [web1.counts.filesExamined, web2.counts.filesExamined])
        #expect(hosts.map { $0["assets"] as? Int } == [web1.counts.assets, web2.counts.assets])
        #expect(hosts[0]["byStatus"] as? [String: Int] == web1.counts.byStatus)
        let assessment = try #require(hosts[0]["assessment"] as? [String: Any])
        #expect(assessment["profile"] as? String == assessed.result.profile)
        #expect(assessment["overallScore"] as? Int == assessed.result.overall.score)
        #expect(assessment["gateMet"] as? Bool == assessed.result.gate?.met)
        #expect(assessment["byVerdict"] as? [String: Int] == assessed.result.summary.byState)
        #expect(hosts[1]["assessment"] == nil)
        let total = try #require(document["total"] as? [String: Any])
        #expect(total["hosts"] as? Int == 2)
        #expect(total["findings"] as? Int == web1.counts.findings + web2.counts.findings)
        #expect(total["assessedHosts"] as? Int == 1)

        let html = String(decoding: try ReportUseCase.renderFleet(storePath: store, format: .html), as: UTF8.self)
        #expect(html.contains("<td>web1</td>") && html.contains("<td>web2</td>") && html.contains("all 2 hosts"))
        #expect(html.contains("not assessed"))
        let markdown = String(decoding: try ReportUseCase.renderFleet(storePath: store, format: .md), as: UTF8.self)
        #expect(markdown.contains("| web1 | \(web1.id) |") && markdown.contains("**all 2 hosts**"))

        // One scan's HTML report shows the fleet too, its own row in bold.
        let report = String(
            decoding: try ReportUseCase.render(ReportRequest(storePath: store, scanID: web2.id, format: .html)),
            as: UTF8.self)
        #expect(report.contains("<section id=\"fleet\"><h2>Fleet (2)</h2>"))
        #expect(report.contains("<tr style=\"font-weight:bold\"><td>web2</td>"))
    }

    @Test("a single host's HTML report has no fleet section", arguments: Backend.available)
    func singleHost(backend: Backend) throws {
        let (store, cleanUp) = try backend.make()
        defer { cleanUp() }
        _ = try ScanUseCase().run(ScanRequest(roots: [root], storePath: store, host: "web1"))
        let report = String(
            decoding: try ReportUseCase.render(ReportRequest(storePath: store, format: .html)), as: UTF8.self)
        #expect(!report.contains("id=\"fleet\""))
        #expect(try fleetJSON(store)["hosts"] as? [Any] != nil)
    }

    @Test("assess --fleet assesses each host's latest scan in turn and records each", arguments: Backend.available)
    func assessFleet(backend: Backend) throws {
        let (store, cleanUp) = try backend.make()
        defer { cleanUp() }
        let web1 = try ScanUseCase().run(ScanRequest(roots: [root], storePath: store, host: "web1"))
        let web2 = try ScanUseCase().run(ScanRequest(roots: [root], storePath: store, host: "web2"))
        var told: [String] = []
        let request = AssessRequest(storePath: store, asOf: CalendarDay("2031-01-01"), failOn: .disallowed)
        let hosts = try AssessUseCase.runFleet(request) { told.append($0.host) }
        #expect(told == ["web1", "web2"])
        #expect(hosts.map(\.scanID) == [web1.id, web2.id])
        let one = try AssessUseCase.run(
            AssessRequest(storePath: store, scanID: web2.id, asOf: CalendarDay("2031-01-01"), failOn: .disallowed))
        for host in hosts {
            let assessment = try #require(host.assessment)
            #expect(assessment.assessmentID != nil)
            #expect(assessment.overallScore == one.result.overall.score)
            #expect(assessment.byVerdict == one.result.summary.byState)
            #expect(assessment.gateMet == one.result.gate?.met)
        }
        // Recorded: the fleet report now shows both hosts assessed.
        #expect((try fleetJSON(store)["total"] as? [String: Any])?["assessedHosts"] as? Int == 2)
        let table = Presentation.fleetAssessment(hosts, width: 200)
        #expect(table.contains("web1") && table.contains("all 2 hosts") && table.contains("2 assessed"))
    }

    @Test("assess --fleet's stderr lines replace control characters in host names, which come from the store")
    func terminalLines() {
        let host = FleetScanSummary(
            host: "web1\u{1B}]0;owned\u{07}\nfake", scanID: 7, startedAt: Date(timeIntervalSince1970: 0),
            finishedAt: nil, files: 1, findings: 1, byStatus: [:], assets: 0)
        let done = Presentation.fleetAssessedLine(host)
        let met = Presentation.fleetGateMetLine(threshold: "disallowed", hosts: [host, host])
        #expect(done == "pqscout: assessed scan 7 of web1?]0;owned??fake")
        #expect(met == "pqscout: --fail-on disallowed met on 2 host(s): web1?]0;owned??fake, web1?]0;owned??fake")
    }

    @Test("a store without a complete host scan has no fleet to report or assess")
    func empty() throws {
        let store = temporaryStore()
        defer { try? FileManager.default.removeItem(atPath: store) }
        _ = try InventoryStore(path: store)
        let report = #expect(throws: PQScoutError.self) {
            try ReportUseCase.renderFleet(storePath: store, format: .json)
        }
        #expect(report?.code == "report.empty")
        let assess = #expect(throws: PQScoutError.self) {
            try AssessUseCase.runFleet(AssessRequest(storePath: store))
        }
        #expect(assess?.code == "assess.empty")
    }
}
