import Foundation
import PQModel
import Testing

@testable import PQScoutKit

/// Issue 20: long asset lists leave the plan for CSV files beside it; short ones stay inline; nothing is lost.
@Suite("Plan asset lists: written beside the plan, named by it, every asset once")
struct PlanAssetListTests {
    static func action(_ id: String, assets count: Int) -> PlanAction {
        let assets = (0..<count).map { number in
            PlanAsset(
                action: "\(id):host\(number)", name: "CN=host\(number)", current: "RSA-2048",
                locations: [PlanLocation(path: "certs/\(id)/host\(number).pem", line: 1)], deadline: nil, findings: 1)
        }
        return PlanAction(
            id: id, kind: .certificateReissue, phase: .signatures, title: "Re-issue \(count)", system: "store:certs",
            software: "x509", locations: assets.flatMap(\.locations), retires: [], change: "ML-DSA-65",
            effort: PlanEffort(size: .small, hours: 1, reasoning: "r"),
            assetList: PlanAssetList(count: count, findings: count, assets: assets))
    }

    static func plan() -> Plan {
        let actions = [Self.action("certificate-reissue:leaves:RSA-2048", assets: 50), Self.action("few", assets: 3)]
        return Plan(
            scanID: 1, profile: "nist-ir-8547", profileTitle: "NIST", asOf: CalendarDay("2026-11-27")!,
            phases: [
                PlanPhase(
                    kind: .signatures, title: "Signatures", rationale: "r", source: "s", deadline: nil,
                    actions: actions.map(\.id))
            ], actions: actions)
    }

    @Test("a list longer than the inline limit goes to a file the plan names; a short one stays in the plan")
    func listsMoveOut() throws {
        var plan = Self.plan()
        let files = PlanUseCase.listAssets(&plan, shownAs: "plan-assets")
        #expect(files.count == 1)
        let file = try #require(files.first)
        #expect(plan.actions[0].assetList?.file == "plan-assets/" + file.name)
        #expect(plan.actions[1].assetList?.file == nil)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pqscout-assets-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        let written = try PlanUseCase.writeAssetFiles(files, to: folder.path)
        #expect(written == [file.name])
        let text = try String(contentsOf: folder.appendingPathComponent(file.name), encoding: .utf8)
        let lines = text.split(separator: "\r\n")
        #expect(lines.count == 51)
        for number in 0..<50 {
            #expect(lines.filter { $0.contains("/host\(number).pem") }.count == 1, "host\(number)")
        }
        let markdown = Presentation.planMarkdown(plan)
        #expect(markdown.contains("(list: `plan-assets/\(file.name)`)"))
        #expect(!markdown.contains("host49.pem"))
        #expect(markdown.contains("few:host2"))
        let json = try Presentation.planJSON(plan)
        #expect(json.contains("\"file\" : \"plan-assets/\(file.name)\""))
        #expect(!json.contains("host49.pem"))
        #expect(json.contains("\"count\" : 50"))
    }
}
