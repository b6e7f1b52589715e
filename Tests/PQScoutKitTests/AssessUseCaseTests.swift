import Foundation
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

    @Test("the webfarm on 2031-01-01: RSA-2048 deprecated, RSA-1024 disallowed, the result stored with the scan")
    func webfarm() throws {
        let store = try scannedStore()
        defer { try? FileManager.default.removeItem(atPath: store) }
        let outcome = try AssessUseCase.run(
            AssessRequest(storePath: store, asOf: CalendarDay("2031-01-01"), failOn: .disallowed))
        let result = outcome.result
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
        #expect(result.systems.map(\.system.id).contains("store:etc/ssl/certs"))
        let again = try AssessUseCase.run(AssessRequest(storePath: store, asOf: CalendarDay("2031-01-01")))
        #expect(again.assessmentID.map { $0 > (outcome.assessmentID ?? 0) } == true)
        let stored = try AssessUseCase.latest(storePath: store)
        #expect(stored?.id == again.assessmentID)
        #expect(stored?.result == again.result)
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
        do {
            _ = try AssessUseCase.run(AssessRequest(storePath: store, explain: "nginx", record: false))
            Issue.record("an unknown system was accepted")
        } catch let error as PQScoutError {
            #expect(error.kind == .usage)
            #expect(error.reason.contains("store:etc/ssl/certs"))
        }
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
            } catch let error as PQScoutError {
                #expect(error.kind == kind, "\(error.reason)")
            }
        }
        let custom = try AssessUseCase.run(AssessRequest(storePath: store, policyFile: policy, record: false))
        #expect(custom.result.profile == "example-corp-2030")
    }
}
