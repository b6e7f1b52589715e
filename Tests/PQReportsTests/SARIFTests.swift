import Foundation
import PQModel
import PQReports
import Testing

@Suite("SARIF: rules, results, levels, locations and fingerprints")
struct SARIFTests {
    @Test("one result per broken, vulnerable or weakened finding, each naming a defined rule")
    func results() throws {
        let input = try Fixtures.sample()
        let log = try SARIFRenderer().document(input, context: Fixtures.context)
        let run = try #require(log["runs"]?.arrayValue.first)
        let rules = run["tool"]?["driver"]?["rules"]?.arrayValue ?? []
        let ids = rules.compactMap { $0["id"]?.stringValue }
        let results = run["results"]?.arrayValue ?? []
        #expect(
            results.count
                == input.findings.filter { [.broken, .vulnerable, .weakened].contains($0.quantumStatus) }.count)
        for result in results {
            let id = try #require(result["ruleId"]?.stringValue)
            #expect(ids.contains(id))
            #expect(result["ruleIndex"]?.intValue.map { ids[$0] } == id)
            #expect(["error", "warning", "note"].contains(result["level"]?.stringValue ?? ""))
            #expect(result["partialFingerprints"]?["pqscoutFindingIdentity/v1"]?.stringValue?.count == 16)
        }
        #expect(rules.allSatisfy { ($0["help"]?["text"]?.stringValue ?? "").contains("Source: ") })
        #expect(results.contains { $0["level"]?.stringValue == "error" })
    }

    @Test("a finding's fingerprint survives a moved line")
    func fingerprint() throws {
        var input = Fixtures.hostile()
        func prints(_ input: ReportInput) throws -> [String] {
            try SARIFRenderer().document(input, context: Fixtures.context)["runs"]?.arrayValue.first?["results"]?
                .arrayValue
                .compactMap { $0["partialFingerprints"]?["pqscoutFindingIdentity/v1"]?.stringValue } ?? []
        }
        let before = try prints(input)
        input.findings = input.findings.map {
            var moved = $0
            moved.line = ($0.line ?? 0) + 10
            return moved
        }
        #expect(try Set(prints(input)) == Set(before))
        #expect(Set(before).count == before.count)
    }

    @Test("binary-file findings have a location without a region; text findings have their line")
    func regions() throws {
        let log = try SARIFRenderer().document(try Fixtures.sample(), context: Fixtures.context)
        let results = log["runs"]?.arrayValue.first?["results"]?.arrayValue ?? []
        let der = results.first {
            $0["locations"]?.arrayValue.first?["physicalLocation"]?["artifactLocation"]?["uri"]?.stringValue
                == "etc/ssl/certs/api.example.org.der"
        }
        #expect(der != nil)
        #expect(der?["locations"]?.arrayValue.first?["physicalLocation"]?["region"] == nil)
        #expect(
            results.contains {
                ($0["locations"]?.arrayValue.first?["physicalLocation"]?["region"]?["startLine"]?.intValue ?? 0) > 1
            })
    }
}

@Suite("SARIF stays within GitHub's limits")
struct SARIFLimitTests {
    @Test("past maxResults the most severe results are kept and a notification says how many were left out")
    func capped() throws {
        let input = LargeReportTests.large(600)
        let log = try SARIFRenderer(maxResults: 100).document(input, context: Fixtures.context)
        let run = try #require(log["runs"]?.arrayValue.first)
        let results = run["results"]?.arrayValue ?? []
        #expect(results.count == 100)
        #expect(results.allSatisfy { $0["level"]?.stringValue == "error" })
        let notes = run["invocations"]?.arrayValue.first?["toolExecutionNotifications"]?.arrayValue ?? []
        #expect(notes.contains { ($0["message"]?["text"]?.stringValue ?? "").contains("results were left out") })
    }
}
