import PQCatalog
import PQModel

/// Judges one vendor's claims: the procurement checklist under a profile, and, given evidence, every contradiction.
public enum VendorChecker {
    /// Assesses one vendor.
    /// - Parameters:
    ///   - claims: the vendor's claims (`ClaimsLoader`, or a CBOM read as claims).
    ///   - profile: the policy profile whose deadlines apply.
    ///   - category: `--category`; nil to take the claims' own category when the profile has it.
    ///   - asOf: the day to judge on.
    ///   - evidence: the findings of a scan of what the vendor ships; nil when none was given.
    ///   - evidenceLabel: what that scan was, in words, for the report.
    /// - Throws: `AssessmentError` `assess.unknown-category` for a `category` the profile lacks.
    public static func assess(
        _ claims: VendorClaims, profile: PolicyProfile, category: String? = nil, asOf: CalendarDay,
        evidence: [Finding]? = nil, evidenceLabel: String? = nil, catalog: Catalog = .shared
    ) throws(AssessmentError) -> VendorAssessment {
        let chosen = category ?? claims.category.flatMap { profile.category($0) != nil ? $0 : nil }
        let checklist = try ProcurementChecklist(profile: profile, category: chosen, asOf: asOf, catalog: catalog)
        var perProtocol: [ClaimedProtocol: [Finding]]?
        var contradictions: [Contradiction] = []
        if let evidence {
            var chosenEvidence: [ClaimedProtocol: [Finding]] = [:]
            for claim in claims.protocols {
                chosenEvidence[claim.protocol] = EvidenceSelector.findings(for: claim, in: evidence).filter(\.effective)
            }
            perProtocol = chosenEvidence
            contradictions = ContradictionFinder(catalog: catalog).contradictions(claims, evidence: evidence)
        }
        return VendorAssessment(
            claims: claims, profile: profile.id, category: chosen, asOf: asOf,
            checks: checklist.evaluate(claims, evidence: perProtocol), contradictions: contradictions,
            evidence: evidence == nil ? nil : (evidenceLabel ?? "\(evidence?.count ?? 0) findings"))
    }
}
