import Foundation
import PQModel
import PQReports
import PQScoutKit
import Testing

/// With an assessment, SARIF carries the policy's rules and the HTML and Markdown its scores and deadlines.
@Suite("Reports of an assessed scan")
struct AssessmentReportTests {
    @Test("SARIF: one rule per policy rule, one result per finding the policy restricts now or later")
    func sarif() throws {
        let input = try Fixtures.assessed()
        let assessment = try #require(input.assessment)
        let policy = try #require(input.policy)
        let run = try #require(try SARIFRenderer().document(input, context: Fixtures.context)["runs"]?.arrayValue.first)
        let rules = run["tool"]?["driver"]?["rules"]?.arrayValue ?? []
        let ids = rules.compactMap { $0["id"]?.stringValue }
        for rule in policy.rules { #expect(ids.contains(policy.id + "/" + rule.id)) }
        #expect(rules.allSatisfy { ($0["help"]?["text"]?.stringValue ?? "").contains("Source: ") })
        let results = run["results"]?.arrayValue ?? []
        #expect(results.count == assessment.findings.filter { $0.verdict.state != .allowed }.count)
        #expect(results.count > 0)
        for result in results {
            let id = try #require(result["ruleId"]?.stringValue)
            #expect(result["ruleIndex"]?.intValue.map { ids[$0] } == id)
        }
        let levels = Set(results.compactMap { $0["level"]?.stringValue })
        #expect(levels.contains("error"), "disallowed findings are errors")
        #expect(levels.contains("note"), "findings due at a deadline ahead are notes")
        let suppressed = results.filter { $0["suppressions"] != nil }
        #expect(suppressed.count == assessment.findings.filter { $0.isWaived && $0.verdict.state != .allowed }.count)
        #expect(!suppressed.isEmpty, "the example waivers suppress some results")
        #expect(run["properties"]?["pqscout.ruleSet"]?.stringValue == "policy:nist-ir-8547")
    }

    @Test(
        "the assessed SARIF is valid under the schema",
        .enabled(if: SharedCheck.pythonAvailable, SharedCheck.missing))
    func sarifSchema() throws {
        let data = try SARIFRenderer().render(try Fixtures.assessed(), context: Fixtures.context)
        let result = try SharedCheck.run("validate-sarif", on: data, name: "assessed.sarif")
        #expect(result.status == 0, "\(result.output)")
    }

    @Test("HTML shows the score per system with its explanation, deadlines on a timeline, findings by state")
    func html() throws {
        let input = try Fixtures.assessed()
        let assessment = try #require(input.assessment)
        let html = try HTMLRenderer().html(input, context: Fixtures.context)
        #expect(html.contains("NIST IR 8547"))
        #expect(html.contains("Score per system (\(assessment.systems.count))"))
        for system in assessment.systems { #expect(html.contains(HTMLTextProbe.escape(system.system.id))) }
        #expect(html.contains("Policy deadlines ahead"))
        #expect(html.contains("Findings by policy state and deadline"))
        #expect(html.contains("2036-01-01 → disallowed") || html.contains("2031-01-01 → deprecated"))
        #expect(html.contains("intranet-legacy-cert"), "waivers are shown with their findings")
        #expect(!html.contains("No assessment was recorded"))
    }

    @Test("Markdown shows the scores and the restricted findings by state and date")
    func markdown() throws {
        let input = try Fixtures.assessed()
        let text = try MarkdownRenderer().markdown(input, context: Fixtures.context)
        #expect(text.contains("### Score per system"))
        #expect(text.contains("### Findings by policy state and deadline"))
        #expect(text.contains("| disallowed |"))
    }

    @Test("with the plan asked for, HTML and Markdown show its phases and actions; without it, no plan section")
    func plan() throws {
        let (_, store, scanID) = try Fixtures.assessedResult.get()
        let html = String(
            decoding: try ReportUseCase.render(
                ReportRequest(
                    storePath: store, scanID: scanID, format: .html, generatedAt: Fixtures.clock,
                    includePlan: true)), as: UTF8.self)
        #expect(html.contains("<section id=\"plan\">"))
        #expect(html.contains("Phase 1:"))
        #expect(!html.contains("<script"))
        let markdown = String(
            decoding: try ReportUseCase.render(
                ReportRequest(
                    storePath: store, scanID: scanID, format: .md, generatedAt: Fixtures.clock,
                    includePlan: true)), as: UTF8.self)
        #expect(markdown.contains("## Migration plan"))
        let without = String(
            decoding: try ReportUseCase.render(
                ReportRequest(storePath: store, scanID: scanID, format: .html, generatedAt: Fixtures.clock)),
            as: UTF8.self)
        #expect(!without.contains("<section id=\"plan\">"))
    }

    @Test("a report without an assessment still renders every section")
    func without() throws {
        let html = try HTMLRenderer().html(try Fixtures.sample(), context: Fixtures.context)
        #expect(html.contains("No assessment was recorded"))
    }
}

/// The HTML escaping rules, restated for the tests' expectations.
enum HTMLTextProbe {
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "'", with: "&#39;")
    }
}
