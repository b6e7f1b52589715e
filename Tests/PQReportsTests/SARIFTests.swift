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

/// The results a run keeps are parked in a spill file while the walk goes on and written once the rules are known
/// (`SARIFRenderer.SpilledResults`): what comes out must be the kept results, in report order, each naming its
/// rule by its index in the rules array.
@Suite("SARIF results parked until the rules are known")
struct SARIFSpilledResultsTests {
    /// `count` findings, one per file, broken, vulnerable and weakened in turn, over two usages.
    static func input(_ count: Int) -> ReportInput {
        let statuses: [QuantumStatus] = [.weakened, .broken, .vulnerable, .resistant]
        let findings = (0..<count).map { index in
            Finding(
                path: ScanPath(String(format: "etc/f%04d.conf", index)), line: 1, source: "nginx",
                setting: "ssl_ciphers",
                usage: index % 5 < 2 ? .keyExchange : .cipher, algorithm: "A\(index)",
                quantumStatus: statuses[index % statuses.count])
        }
        return ReportInput(
            scan: Fixtures.fixedScan(ScanCounts(filesExamined: count, filesWithFindings: count, findings: count)),
            findings: Array(findings.reversed()))
    }

    static func paths(_ results: [JSONValue]) -> [String] {
        results.compactMap {
            $0["locations"]?.arrayValue.first?["physicalLocation"]?["artifactLocation"]?["uri"]?.stringValue
        }
    }

    @Test("past the cap: every error and the first warnings, in report order, each rule named by its index")
    func capped() throws {
        let input = Self.input(400)
        let log = try SARIFRenderer(maxResults: 150).document(input, context: Fixtures.context)
        let run = try #require(log["runs"]?.arrayValue.first)
        let results = run["results"]?.arrayValue ?? []
        let sorted = input.sortedFindings
        let errors = sorted.filter { $0.quantumStatus == .broken }
        let warnings = sorted.filter { $0.quantumStatus == .vulnerable }
        #expect(errors.count == 100 && warnings.count == 100)
        let kept = Set((errors + warnings.prefix(50)).map(\.path))
        #expect(Self.paths(results) == sorted.filter { kept.contains($0.path) }.map(\.path.display))
        let rules = run["tool"]?["driver"]?["rules"]?.arrayValue ?? []
        #expect(!rules.isEmpty)
        for result in results {
            let index = try #require(result["ruleIndex"]?.intValue)
            #expect(rules.indices.contains(index) && rules[index]["id"] == result["ruleId"])
        }
        let notes = run["invocations"]?.arrayValue.first?["toolExecutionNotifications"]?.arrayValue ?? []
        #expect(notes.contains { $0["message"]?["text"]?.stringValue?.hasPrefix("150 of 300 results") == true })
    }

    @Test("at any cap the most severe are kept, written in report order", arguments: [0, 1, 299, 300])
    func uncapped(limit: Int) throws {
        let input = Self.input(400)
        let log = try SARIFRenderer(maxResults: limit).document(input, context: Fixtures.context)
        let results = log["runs"]?.arrayValue.first?["results"]?.arrayValue ?? []
        let actionable = input.sortedFindings.filter { $0.quantumStatus != .resistant }
        let errorsFirst =
            actionable.filter { $0.quantumStatus == .broken } + actionable.filter { $0.quantumStatus == .vulnerable }
            + actionable.filter { $0.quantumStatus == .weakened }
        let kept = Set(errorsFirst.prefix(limit).map(\.path))
        #expect(results.count == min(limit, 300))
        #expect(Self.paths(results) == actionable.filter { kept.contains($0.path) }.map(\.path.display))
    }

    @Test("an assessed scan's results name their policy rules by index")
    func assessedRuleIndexes() throws {
        let (input, _, _) = try Fixtures.assessedResult.get()
        for limit in [2, 25_000] {
            let log = try SARIFRenderer(maxResults: limit).document(input, context: Fixtures.context)
            let run = try #require(log["runs"]?.arrayValue.first)
            let rules = run["tool"]?["driver"]?["rules"]?.arrayValue ?? []
            let results = run["results"]?.arrayValue ?? []
            #expect(!results.isEmpty && results.count <= limit)
            #expect(Set(results.compactMap { $0["ruleId"]?.stringValue }).count > 1)
            for result in results {
                let index = try #require(result["ruleIndex"]?.intValue)
                #expect(rules.indices.contains(index) && rules[index]["id"] == result["ruleId"])
            }
        }
    }
}
