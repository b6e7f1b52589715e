import PQCatalog
import PQModel
import Testing

@testable import PQAssessment

/// Issue 20: identical actions over many assets become one action with a count and the list of its assets.
@Suite("The planner merges identical actions and never merges patches")
struct PlanGroupingTests {
    static let asOf = Fixture.day("2026-11-27")

    static func plan(_ certificates: [(Asset, [Finding])], extra: [Finding] = []) throws -> Plan {
        let findings = certificates.flatMap(\.1) + extra
        let assets = certificates.map(\.0)
        let policy = try PolicyProfile.bundled("nist-ir-8547")
        let result = try Assessor.assess(
            AssessmentInput(scan: Fixture.scan(), findings: findings, assets: assets),
            options: AssessmentOptions(profile: policy, asOf: asOf))
        return MigrationPlanner.plan(PlanInput(findings: findings, assets: assets, assessment: result, profile: policy))
    }

    static func leaf(_ name: String, bits: Int, issuer: String = "CN=Issuing CA") -> (Asset, [Finding]) {
        PlanRegressionTests.certificate(
            name, subject: "CN=\(name).example.org", issuer: issuer, ca: false, until: "2028-01-01", bits: bits)
    }

    @Test("two identical leaf certificates: one action with count 2 that lists both")
    func twoIdentical() throws {
        let plan = try Self.plan([Self.leaf("a", bits: 2048), Self.leaf("b", bits: 2048)])
        let reissues = plan.actions.filter { $0.kind == .certificateReissue }
        #expect(reissues.count == 1)
        let action = try #require(reissues.first)
        let list = try #require(action.assetList)
        #expect(list.count == 2)
        #expect(list.assets?.map(\.name) == ["CN=a.example.org", "CN=b.example.org"])
        #expect(
            list.assets?.map(\.action) == [
                "certificate-reissue:CN=a.example.org", "certificate-reissue:CN=b.example.org",
            ])
        #expect(list.assets?.allSatisfy { $0.current == "RSA-2048" } == true)
        #expect(Set(action.locations.map(\.path)) == ["etc/ssl/a.pem", "etc/ssl/b.pem"])
        #expect(Set(action.retires.map(\.path)) == ["etc/ssl/a.pem", "etc/ssl/b.pem"])
        #expect(list.findings == action.retires.count)
        #expect(action.title.hasPrefix("Re-issue 2 end-entity certificates (RSA-2048) with ML-DSA-65"))
        #expect(plan.phases.flatMap(\.actions).filter { $0 == action.id }.count == 1)
    }

    @Test("different key sizes are different changes: two actions")
    func differentKeySizes() throws {
        let plan = try Self.plan([
            Self.leaf("a", bits: 2048), Self.leaf("b", bits: 3072), Self.leaf("c", bits: 2048),
        ])
        let reissues = plan.actions.filter { $0.kind == .certificateReissue }
        #expect(reissues.count == 2)
        let byCount = Dictionary(uniqueKeysWithValues: reissues.map { ($0.assetList?.count ?? 1, $0) })
        #expect(byCount[2]?.assetList?.assets?.allSatisfy { $0.current == "RSA-2048" } == true)
        #expect(byCount[1]?.id == "certificate-reissue:CN=b.example.org")
        #expect(byCount[1]?.assetList == nil)
    }

    @Test("a different issuer is a different request: leaves of two CAs stay apart")
    func differentIssuers() throws {
        let plan = try Self.plan([
            Self.leaf("a", bits: 2048, issuer: "CN=CA one"), Self.leaf("b", bits: 2048, issuer: "CN=CA two"),
        ])
        #expect(plan.actions.filter { $0.kind == .certificateReissue }.count == 2)
    }

    @Test("leaves waiting for one intermediate: the merged leaves depend on it, and it unblocks them")
    func dependencies() throws {
        let root = PlanRegressionTests.certificate(
            "r", subject: "CN=root", issuer: "CN=root", ca: true, until: "2045-01-01")
        let ica = PlanRegressionTests.certificate(
            "i", subject: "CN=ica", issuer: "CN=root", ca: true, until: "2033-01-01")
        let leaves = (1...5).map { Self.leaf("l\($0)", bits: 2048, issuer: "CN=ica") }
        let plan = try Self.plan([root, ica] + leaves)
        let merged = try #require(plan.actions.first { $0.assetList?.count == 5 })
        #expect(merged.dependsOn == ["certificate-reissue:CN=ica"])
        #expect(plan.action("certificate-reissue:CN=ica")?.dependents == [merged.id])
        let order = plan.actions.map(\.id)
        #expect(order.firstIndex(of: "certificate-reissue:CN=ica")! < order.firstIndex(of: merged.id)!)
    }

    @Test("actions with a patch are never merged, even when everything else is the same")
    func patchesStayPerFile() {
        func action(_ path: String, patch: Bool) -> GroupableAction {
            let ref = FindingRef(
                index: 0,
                finding: Fixture.finding(
                    "diffie-hellman-group14-sha1", usage: .keyExchange, source: .openssh, path: path, line: 3,
                    setting: "KexAlgorithms"))
            let planned = PlanAction(
                id: "key-exchange:openssh:\(path):KexAlgorithms", kind: .keyExchange, phase: .keyExchange,
                title: "Hybrid first in \(path)", system: "openssh:\(path)", software: "openssh",
                locations: [PlanLocation(path: path, line: 3)], retires: [ref], change: "KexAlgorithms ...",
                patch: patch ? PlanPatch(path: path, diff: "--- a/\(path)\n+++ b/\(path)\n") : nil,
                effort: PlanEffort(size: .small, hours: 1, reasoning: "one line"))
            return GroupableAction(
                action: planned, key: ["same"], idParts: ["key-exchange", "openssh"],
                asset: PlanAsset(
                    action: planned.id, name: path, current: "x", locations: planned.locations, deadline: nil,
                    findings: 1))
        }
        let wording: (GroupableAction, Int) -> GroupWording = { first, count in
            GroupWording(title: "\(count) files", change: first.action.change, verify: [])
        }
        let patched = PlanActionGrouping.merge(
            [action("etc/a", patch: true), action("etc/b", patch: true)], wording: wording)
        #expect(patched.actions.count == 2)
        #expect(patched.actions.allSatisfy { $0.assetList == nil && $0.patch != nil })
        #expect(patched.idMap.isEmpty)
        let unpatched = PlanActionGrouping.merge(
            [action("etc/a", patch: false), action("etc/b", patch: false)], wording: wording)
        #expect(unpatched.actions.count == 1)
        #expect(unpatched.actions.first?.assetList?.count == 2)
    }

    @Test("the same long-tail setting in many systems: one action listing each system once")
    func genericSettings() throws {
        let findings = (0..<6).map { number in
            Fixture.finding(
                "TLSv1.1", usage: .protocolVersion, source: "nginx", path: "srv/web\(number)/etc/nginx/nginx.conf",
                line: 4, context: "server web\(number).example.org", setting: "ssl_protocols")
        }
        let plan = try Self.plan([], extra: findings)
        let actions = plan.actions.filter { $0.retires.contains { $0.setting == "ssl_protocols" } }
        #expect(actions.count == 1)
        let list = try #require(actions.first?.assetList)
        #expect(list.count == 6)
        let places = (list.assets ?? []).flatMap(\.locations).map(\.path)
        #expect(places.sorted() == (0..<6).map { "srv/web\($0)/etc/nginx/nginx.conf" }.sorted())
        #expect(Set((list.assets ?? []).map(\.name)).count == 6)
        #expect(Set(places).count == places.count)
    }
}
