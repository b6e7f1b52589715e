import Foundation
import PQAssessment
import PQModel
import PQScoutKit
import Testing

@Suite("AssessUseCase: the sample inventory judged, stored and explained")
struct AssessUseCaseTests {
    static let sample = repositoryRoot.appendingPathComponent("sample-inventories")

    func scannedStore() throws -> String {
        let store = temporaryStore()
        _ = try ScanUseCase().run(
            ScanRequest(roots: [Self.sample.appendingPathComponent("webfarm").path], storePath: store))
        return store
    }

    @Test(
        "recorded while judged: the stored order, the gate, the JSON bytes and the table equal the in-memory sort's",
        arguments: [GateThreshold.deprecated, .vulnerable])
    func recordedEqualsHeld(failOn: GateThreshold) throws {
        let store = try scannedStore()
        defer { try? FileManager.default.removeItem(atPath: store) }
        let day = CalendarDay("2031-01-01")
        let held = try AssessUseCase.run(AssessRequest(storePath: store, asOf: day, failOn: failOn, record: false))
        let recorded = try AssessUseCase.run(AssessRequest(storePath: store, asOf: day, failOn: failOn))
        #expect(recorded.result.findings.isEmpty)
        // The recorded gate counts its findings and holds none; they are read back from the rows in inventory
        // order, and the stored assessment has them again.
        let heldGate = try #require(held.result.gate)
        #expect(heldGate.findings.count > 1 && heldGate.findings == heldGate.findings.sorted())
        #expect(recorded.result.gate?.findings == [])
        #expect(recorded.result.gate?.count == heldGate.findings.count)
        var gated: [FindingRef] = []
        try recorded.forEachGatedFinding { gated.append($0) }
        #expect(gated == heldGate.findings)
        #expect(try AssessUseCase.latest(storePath: store)?.result.gate == heldGate)
        var stored: [FindingAssessment] = []
        try recorded.forEachFinding { stored.append($0) }
        #expect(stored.count > 50)
        // Ties are common (one score for many findings of a kind): inventory order breaks them, in SQL as here.
        #expect(Set(stored.map(\.risk.score)).count < stored.count)
        #expect(stored == held.result.findings)
        #expect(stored == stored.shuffled().sorted { Assessor.riskOrder($0, $1) })
        var heldJSON = ""
        var recordedJSON = ""
        try Presentation.writeAssessmentJSON(held, to: { heldJSON += $0 })
        try Presentation.writeAssessmentJSON(recorded, to: { recordedJSON += $0 })
        #expect(recordedJSON == heldJSON)
        #expect(recordedJSON == (try Presentation.assessmentJSON(held.result)))
        #expect(Presentation.assessmentTable(recorded) == Presentation.assessmentTable(held.result))
    }

    @Test("the webfarm on 2031-01-01: RSA-2048 deprecated, RSA-1024 disallowed, the result stored with the scan")
    func webfarm() throws {
        let store = try scannedStore()
        defer { try? FileManager.default.removeItem(atPath: store) }
        let outcome = try AssessUseCase.run(
            AssessRequest(storePath: store, asOf: CalendarDay("2031-01-01"), failOn: .disallowed))
        // Recorded: the findings went to the store as they were judged; they are read back in order.
        var result = outcome.result
        #expect(result.findings.isEmpty)
        try outcome.forEachFinding { result.findings.append($0) }
        #expect(result.profile == "nist-ir-8547")
        let inventory = try InventoryUseCase.document(InventoryRequest(storePath: store))
        #expect(result.findings.count == inventory.findings.count)
        #expect(outcome.gateMet)
        #expect(outcome.assessmentID != nil)
        let www = result.findings.filter {
            $0.finding.path == "etc/ssl/private/www.example.org.key" && $0.verdict.state == .deprecated
        }
        #expect(www.count == 1)
        #expect(result.findings.first?.risk.tier == .harvestNowDecryptLater)
        // No package database in the sample: coverage says the versions in force were assumed.
        #expect(result.coverage.gaps.contains { $0.kind == "software" })
        #expect(!result.coverage.gaps.contains { $0.kind == "format" && $0.subject == "nginx" })
        // And so did the systems, as they were scored: the same as a run that keeps them in its result.
        #expect(result.systems.isEmpty)
        try outcome.forEachSystem { result.systems.append($0) }
        #expect(result.systems.map(\.system.id).contains("store:etc/ssl/certs"))
        let held = try AssessUseCase.run(
            AssessRequest(storePath: store, asOf: CalendarDay("2031-01-01"), failOn: .disallowed, record: false))
        let overall = try outcome.overallScore()
        #expect(result.systems == held.result.systems && overall == held.result.overall)
        // Recorded, the overall score keeps only its mean line: each system's is made again from the store.
        #expect(outcome.result.overall.systemLinesLeftOut)
        #expect(outcome.result.overall.adjustments.map(\.dimension) == ["mean"])
        #expect(Presentation.assessmentTable(outcome) == Presentation.assessmentTable(held))
        var recordedJSON = ""
        try Presentation.writeAssessmentJSON(outcome) { recordedJSON += $0 }
        var heldJSON = ""
        try Presentation.writeAssessmentJSON(held) { heldJSON += $0 }
        #expect(recordedJSON == heldJSON)
        let again = try AssessUseCase.run(AssessRequest(storePath: store, asOf: CalendarDay("2031-01-01")))
        #expect(again.assessmentID.map { $0 > (outcome.assessmentID ?? 0) } == true)
        let stored = try AssessUseCase.latest(storePath: store)
        #expect(stored?.id == again.assessmentID)
        // The stored assessment reads back whole; the outcome of a recorded run reads its findings from the store.
        var againWhole = again.result
        try again.forEachFinding { againWhole.findings.append($0) }
        try again.forEachSystem { againWhole.systems.append($0) }
        againWhole.overall = try again.overallScore()
        #expect(stored?.result == againWhole)
        #expect(try AssessUseCase.latest(storePath: store, profile: "cnsa-2.0") == nil)
    }

    @Test("the sample waivers are honoured before they expire and reported after")
    func sampleWaivers() throws {
        let store = try scannedStore()
        defer { try? FileManager.default.removeItem(atPath: store) }
        let waivers = Self.sample.appendingPathComponent("waivers-example.yaml").path
        let before = try AssessUseCase.run(
            AssessRequest(storePath: store, asOf: CalendarDay("2027-01-01"), waiversFile: waivers, failOn: .disallowed))
        #expect(before.gateMet == false)
        #expect(before.result.summary.waived == 22)
        let after = try AssessUseCase.run(
            AssessRequest(storePath: store, asOf: CalendarDay("2027-07-01"), waiversFile: waivers, failOn: .disallowed))
        #expect(after.gateMet)
        #expect(after.result.summary.expiredWaivers == 7)
    }

    @Test("--explain picks a system by id or suffix; an unknown one is a usage error listing the choices")
    func explain() throws {
        let store = try scannedStore()
        defer { try? FileManager.default.removeItem(atPath: store) }
        let outcome = try AssessUseCase.run(AssessRequest(storePath: store, explain: "etc/ssl/certs", record: false))
        #expect(outcome.explained.map(\.system.id) == ["store:etc/ssl/certs"])
        #expect(outcome.assessmentID == nil)
        // Recorded, the systems are seen once, as they are scored: the same choice, the same errors.
        let recorded = try AssessUseCase.run(AssessRequest(storePath: store, explain: "etc/ssl/certs"))
        #expect(recorded.explained == outcome.explained)
        #expect(try AssessUseCase.run(AssessRequest(storePath: store, explain: "scan")).explained.count == 1)
        // The whole scan explained lists every system's line, recorded or not.
        let scan = try AssessUseCase.run(AssessRequest(storePath: store, explain: "scan")).explained
        let heldScan = try AssessUseCase.run(AssessRequest(storePath: store, explain: "scan", record: false)).explained
        #expect(scan == heldScan)
        #expect(scan.first?.adjustments.filter { $0.dimension == "system" }.count == outcome.result.systems.count)
        for request in [
            AssessRequest(storePath: store, explain: "no-such-system"),
            AssessRequest(
                storePath: store, profile: "eu-pqc-roadmap", systemCategories: ["no-such-system=high-risk"]),
        ] {
            let unrecorded = #expect(throws: PQScoutError.self) {
                var copy = request
                copy.record = false
                _ = try AssessUseCase.run(copy)
            }
            let error = #expect(throws: PQScoutError.self) { _ = try AssessUseCase.run(request) }
            #expect(error?.reason == unrecorded?.reason)
            #expect(error?.reason.contains("store:etc/ssl/certs") == true)
        }
        do {
            _ = try AssessUseCase.run(AssessRequest(storePath: store, explain: "no-such-system", record: false))
            Issue.record("an unknown system was accepted")
        } catch {
            #expect(error.kind == .usage)
            #expect(error.reason.contains("store:etc/ssl/certs"))
        }
    }

    @Test("Mosca on the sample: --data-lifetime-years 0 removes every HNDL finding; x, y and z are recorded")
    func mosca() throws {
        let store = try scannedStore()
        defer { try? FileManager.default.removeItem(atPath: store) }
        let day = CalendarDay("2026-12-01")
        let usual = try AssessUseCase.run(AssessRequest(storePath: store, asOf: day, record: false)).result
        #expect(usual.findings.contains { $0.risk.tier == .harvestNowDecryptLater })
        #expect(usual.mosca?.crqcYear == 2035)
        #expect(usual.mosca?.migrationYears == 5)
        let none = try AssessUseCase.run(
            AssessRequest(storePath: store, asOf: day, dataLifetimeYears: 0, record: false)
        ).result
        #expect(!none.findings.contains { $0.risk.tier == .harvestNowDecryptLater })
        #expect(none.mosca?.holds == false)
        let named = try AssessUseCase.run(
            AssessRequest(storePath: store, asOf: day, migrationYears: 2, crqcYear: "gri-2023-5y", record: false)
        ).result
        #expect(named.mosca?.crqcYear == 2029)
        #expect(named.mosca?.crqcEstimate.hasPrefix("gri-2023-5y") == true)
        // Per system: only the Postfix loses its HNDL term, and its score says which x it was judged with.
        let perSystem = try AssessUseCase.run(
            AssessRequest(
                storePath: store, asOf: day, systemDataLifetimes: ["postfix:etc/postfix=0"], explain: "postfix",
                record: false))
        #expect(
            !perSystem.result.findings.contains {
                $0.system == "postfix:etc/postfix" && $0.risk.tier == .harvestNowDecryptLater
            })
        #expect(perSystem.result.findings.contains { $0.risk.tier == .harvestNowDecryptLater })
        #expect(perSystem.explained.first?.mosca?.dataLifetimeYears == 0)
        #expect(Presentation.agilityExplanation(perSystem.explained).contains("Mosca's inequality"))
        // The sample's www and api certificates expired on 2026-07-04.
        #expect(usual.summary.expiredCertificates == 2)
        #expect(usual.findings.contains { $0.finding.path == "etc/ssl/certs/api.example.org.der" && $0.expired != nil })
    }

    @Test("bad Mosca and per-system options are usage errors naming the valid choices")
    func badMoscaOptions() throws {
        let store = try scannedStore()
        defer { try? FileManager.default.removeItem(atPath: store) }
        let requests = [
            AssessRequest(storePath: store, crqcYear: "soon", record: false),
            AssessRequest(storePath: store, migrationYears: -1, record: false),
            AssessRequest(storePath: store, systemCategories: ["nginx"], record: false),
            AssessRequest(storePath: store, systemCategories: ["no-such-system=high-risk"], record: false),
            AssessRequest(
                storePath: store, profile: "eu-pqc-roadmap", systemCategories: ["nginx:etc/nginx=urgent"],
                record: false),
            AssessRequest(storePath: store, systemDataLifetimes: ["nginx:etc/nginx=-3"], record: false),
        ]
        for request in requests {
            do {
                _ = try AssessUseCase.run(request)
                Issue.record(
                    "accepted \(request.crqcYear ?? "") \(request.systemCategories) \(request.systemDataLifetimes)")
            } catch {
                #expect(error.kind == .usage, "\(error.reason)")
            }
        }
        let eu = try AssessUseCase.run(
            AssessRequest(
                storePath: store, profile: "eu-pqc-roadmap", asOf: CalendarDay("2031-06-01"),
                systemCategories: ["nginx:etc/nginx=high-risk"], record: false)
        ).result
        let nginx = eu.findings.filter { $0.system == "nginx:etc/nginx" && $0.verdict.category == "high-risk" }
        #expect(!nginx.isEmpty)
        #expect(eu.findings.contains { $0.system != "nginx:etc/nginx" && $0.verdict.category == "medium-risk" })
        #expect(eu.systems.first { $0.system.id == "nginx:etc/nginx" }?.category == "high-risk")
    }

    @Test("bad requests: unknown profile and --profile with --policy are usage errors, a missing file is input")
    func badRequests() throws {
        let store = try scannedStore()
        defer { try? FileManager.default.removeItem(atPath: store) }
        let policy = Self.sample.appendingPathComponent("policies/custom-example.yaml").path
        let cases: [(AssessRequest, PQScoutError.Kind)] = [
            (AssessRequest(storePath: store, profile: "nist"), .usage),
            (AssessRequest(storePath: store, profile: "cnsa-2.0", policyFile: policy), .usage),
            (AssessRequest(storePath: store, profile: "cnsa-2.0", category: "web"), .usage),
            (AssessRequest(storePath: store, waiversFile: "/nonexistent/w.yaml"), .input),
        ]
        for (request, kind) in cases {
            do {
                _ = try AssessUseCase.run(request)
                Issue.record("accepted \(request)")
            } catch {
                #expect(error.kind == kind, "\(error.reason)")
            }
        }
        let custom = try AssessUseCase.run(AssessRequest(storePath: store, policyFile: policy, record: false))
        #expect(custom.result.profile == "example-corp-2030")
    }
}
