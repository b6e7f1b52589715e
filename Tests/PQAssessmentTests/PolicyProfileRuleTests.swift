import Foundation
import PQCatalog
import PQModel
import Testing

@testable import PQAssessment

/// Every rule of every bundled profile, on its own example finding, at the days around its transitions.
@Suite("Every rule of every profile, on dated fixtures")
struct PolicyProfileRuleTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let profile: PolicyProfile
        let rule: PolicyRule
        let category: String?
        var testDescription: String { "\(profile.id)/\(rule.id)" + (category.map { " in \($0)" } ?? "") }
    }

    static let cases: [Case] = {
        var out: [Case] = []
        for profile in (try? PolicyProfile.allBundled()) ?? [] {
            for rule in profile.rules {
                if profile.categories.isEmpty {
                    out.append(Case(profile: profile, rule: rule, category: nil))
                } else {
                    for category in profile.categories where rule.categories?.contains(category.id) ?? true {
                        out.append(Case(profile: profile, rule: rule, category: category.id))
                    }
                }
            }
        }
        return out
    }()

    @Test("the four bundled profiles load, with rules, and the default is NIST IR 8547")
    func bundledProfilesLoad() throws {
        let profiles = try PolicyProfile.allBundled()
        #expect(profiles.map(\.id) == ["nist-ir-8547", "cnsa-2.0", "eu-pqc-roadmap", "uk-ncsc"])
        #expect(PolicyProfile.defaultID == "nist-ir-8547")
        for profile in profiles { #expect(!profile.rules.isEmpty) }
        #expect(Self.cases.count >= 40)
    }

    @Test("every rule cites a source with a verification mark and carries an example", arguments: cases)
    func ruleCitesItsSource(_ testCase: Case) throws {
        let rule = testCase.rule
        #expect(rule.source.count > 40, "\(rule.id): source too thin")
        #expect(["◐", "❓", "✅"].contains { rule.source.contains($0) }, "\(rule.id): no verification mark")
        #expect(rule.example != nil, "\(rule.id) has no example finding")
    }

    @Test("each rule's example is decided by that rule, and its states change on the rule's days", arguments: cases)
    func ruleFiresOnItsDays(_ testCase: Case) throws {
        let evaluator = try PolicyEvaluator(profile: testCase.profile, category: testCase.category)
        let example = try #require(testCase.rule.example)
        let finding = Fixture.finding(example: example)
        let subject = evaluator.subject(of: finding)
        let category = testCase.category.flatMap { testCase.profile.category($0) }
        #expect(evaluator.rule(for: subject, category: category)?.id == testCase.rule.id)
        let dates = PolicyEvaluator.transitions(testCase.rule, category: category)
        #expect(dates.deprecated != nil || dates.disallowed != nil)
        let ruleName = "\(testCase.profile.id)/\(testCase.rule.id)"
        if let deprecated = dates.deprecated {
            let before = evaluator.evaluate(finding, asOf: Fixture.dayBefore(deprecated))
            #expect(before.state == .due)
            #expect(before.deadline == deprecated)
            #expect(before.nextState == .deprecated)
            #expect(before.daysLeft == 1)
            let on = evaluator.evaluate(finding, asOf: deprecated)
            #expect(on.state == .deprecated)
            #expect(on.since == deprecated)
            #expect(on.rule == ruleName)
            #expect(on.deadline == dates.disallowed)
        }
        if let disallowed = dates.disallowed {
            let before = evaluator.evaluate(finding, asOf: Fixture.dayBefore(disallowed))
            #expect(before.state == (dates.deprecated == nil ? .due : .deprecated))
            #expect(before.daysLeft == 1)
            let on = evaluator.evaluate(finding, asOf: disallowed)
            #expect(on.state == .disallowed)
            #expect(on.since == disallowed)
            #expect(on.rule == ruleName)
            #expect(on.binding == (testCase.rule.binding ?? testCase.profile.binding))
            #expect(on.source.contains(SourceCitation.citation(testCase.rule.source)))
            let later = evaluator.evaluate(finding, asOf: disallowed.adding(years: 5))
            #expect(later.state == .disallowed)
        }
    }
}
