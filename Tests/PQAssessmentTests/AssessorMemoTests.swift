import PQCatalog
import PQModel
import Testing

@testable import PQAssessment

/// Issue 20: verdicts are computed once per subject and category, and each finding still gets its own subject's.
@Suite("The assessor judges each subject once and applies the verdict per finding")
struct AssessorMemoTests {
    @Test("many findings over a few subjects: each verdict and risk equals the one computed for that finding alone")
    func sameVerdicts() throws {
        let policy = try PolicyProfile.bundled("nist-ir-8547")
        let asOf = Fixture.day("2031-06-01")
        let kinds: [(String, Usage, Int?, String?)] = [
            ("RSA", .publicKey, 2048, nil), ("RSA", .publicKey, 3072, nil), ("RSA", .publicKey, 1024, nil),
            ("ECDSA", .publicKey, 256, "P-256"), ("ECDSA", .publicKey, 384, "P-384"),
            ("RSA-SHA1", .signature, nil, nil), ("X25519", .group, nil, nil), ("ML-KEM-768", .keyExchange, nil, nil),
        ]
        let findings = (0..<64).map { number in
            let kind = kinds[number % kinds.count]
            return Fixture.finding(
                kind.0, usage: kind.1, source: number % 2 == 0 ? "x509" : "nginx", path: "etc/f\(number).pem",
                line: 1, keyBits: kind.2, curve: kind.3, effective: number % 3 != 0)
        }
        let result = try Assessor.assess(
            AssessmentInput(scan: Fixture.scan(), findings: findings),
            options: AssessmentOptions(profile: policy, asOf: asOf))
        let evaluator = try PolicyEvaluator(profile: policy)
        let prioritizer = RiskPrioritizer()
        #expect(result.findings.count == findings.count)
        var states: Set<PolicyState> = []
        for assessed in result.findings {
            let alone = evaluator.evaluate(findings[assessed.finding.index], asOf: asOf)
            #expect(assessed.verdict == alone, "\(assessed.finding.label)")
            let risk = prioritizer.priority(findings[assessed.finding.index], asOf: asOf)
            #expect(assessed.risk == risk, "\(assessed.finding.label)")
            states.insert(assessed.verdict.state)
        }
        // The sample must judge differently per subject, or equal verdicts would prove nothing.
        #expect(states.count > 1)
    }
}
