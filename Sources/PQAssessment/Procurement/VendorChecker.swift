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
    ///   - software: the packages that scan found (library versions, evidence on `configurable`).
    ///   - evidenceLabel: what that scan was, in words, for the report.
    /// - Throws: `AssessmentError` `assess.unknown-category` for a `category` the profile lacks.
    public static func assess(
        _ claims: VendorClaims, profile: PolicyProfile, category: String? = nil, asOf: CalendarDay,
        evidence: [Finding]? = nil, software: [Software] = [], evidenceLabel: String? = nil,
        catalog: Catalog = .shared
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
            contradictions = ContradictionFinder(catalog: catalog).contradictions(
                claims, evidence: evidence, software: software)
        }
        let checks = ClaimStates(catalog: catalog, checklist: checklist).apply(
            checklist.evaluate(claims, evidence: perProtocol), claims: claims, evidence: perProtocol,
            contradictions: contradictions)
        return VendorAssessment(
            claims: claims, profile: profile.id, category: chosen, asOf: asOf, checks: checks,
            contradictions: contradictions,
            evidence: evidence == nil ? nil : (evidenceLabel ?? "\(evidence?.count ?? 0) findings"))
    }
}

/// Gives each checklist verdict its `ClaimState` (Docs/procurement.md, "The four states").
///
/// A contradiction settles its row: the state is contradicted, and a verdict of meets becomes a gap, so no report
/// prints "meets" over a claim the evidence disproves. Otherwise the row is verified when the evidence chosen for
/// its use shows the requirement held (with the proof in `evidence`), claimed only when the vendor says something
/// on it that no evidence speaks to, and not claimed when the vendor says nothing.
struct ClaimStates {
    let catalog: Catalog
    let checklist: ProcurementChecklist

    func apply(
        _ checks: [RequirementCheck], claims: VendorClaims, evidence: [ClaimedProtocol: [Finding]]?,
        contradictions: [Contradiction]
    ) -> [RequirementCheck] {
        checks.map { check in
            var check = check
            let against = contradictions.filter {
                $0.requirement == check.requirement && (check.protocol == nil || $0.protocol == check.protocol)
            }
            if !against.isEmpty {
                check.state = .contradicted
                if check.verdict == .meets || check.verdict == .unverifiable {
                    check.verdict = .gap
                    if check.mustMeetBy == nil, let use = check.protocol,
                        [
                            ProcurementChecklist.configurable.id, ProcurementChecklist.hybrid.id,
                            ProcurementChecklist.signing.id,
                        ].contains(check.requirement)
                    {
                        let deadline = checklist.pqDeadline(for: use)
                        check.mustMeetBy = deadline.day
                        check.deadlineSource = deadline.day == nil ? nil : deadline.source
                    }
                }
                let count = against.count == 1 ? "a contradiction" : "\(against.count) contradictions"
                check.explanation += "; the evidence disproves the claim (\(count))"
                check.evidence = ContradictionFinder.unique(check.evidence + against.map(\.proof))
                return check
            }
            let claim = check.protocol.flatMap { claims.claim($0) }
            let found = check.protocol.flatMap { evidence?[$0] } ?? []
            if let proof = verified(check, claim: claim, claims: claims, evidence: found) {
                check.state = .verified
                check.evidence = ContradictionFinder.unique(check.evidence + proof)
            } else {
                check.state = speaks(check, claim: claim, claims: claims) ? .claimedOnly : .notClaimed
            }
            return check
        }
    }

    /// True when the vendor says something on the row's requirement.
    func speaks(_ check: RequirementCheck, claim: ProtocolClaim?, claims: VendorClaims) -> Bool {
        switch check.requirement {
        case ProcurementChecklist.configurable.id: return claim?.configurable != nil
        case ProcurementChecklist.hybrid.id: return claim.map { $0.hybrid != nil || !$0.supported.isEmpty } ?? false
        case ProcurementChecklist.signing.id: return !(claim?.supported.isEmpty ?? true)
        case ProcurementChecklist.noBroken.id:
            return claim.map { !($0.supported + $0.defaults + $0.excluded).isEmpty } ?? false
        case ProcurementChecklist.withinProfile.id: return !(claim?.defaults.isEmpty ?? true)
        case ProcurementChecklist.cbom.id: return claims.cbomProvided != nil || claims.origin == .cbom
        case ProcurementChecklist.support.id: return claims.supportEndsOn != nil
        default: return false
        }
    }

    /// The evidence lines that show the requirement held for the use, or nil when the evidence does not show it.
    func verified(_ check: RequirementCheck, claim: ProtocolClaim?, claims: VendorClaims, evidence: [Finding])
        -> [String]?
    {
        if check.requirement == ProcurementChecklist.cbom.id {
            return claims.origin == .cbom ? ["the claims are the vendor's CBOM: \(claims.file)"] : nil
        }
        guard check.verdict == .meets, let claim, !evidence.isEmpty else { return nil }
        func cite(_ findings: [Finding]) -> [String]? {
            guard !findings.isEmpty else { return nil }
            return findings.prefix(3).map {
                "\($0.path.display)\($0.line.map { ":\($0)" } ?? "") \($0.setting) \($0.canonical ?? $0.algorithm)"
            }
        }
        let configurableJobs: Set<AlgorithmJob> = [.keyExchange, .cipher, .mac, .protocolVersion]
        switch check.requirement {
        case ProcurementChecklist.configurable.id:
            // A setting the vendor wrote that chooses algorithms is the knob the claim speaks of.
            guard claim.configurable == true else { return nil }
            return cite(
                evidence.filter {
                    $0.origin == .file && AlgorithmJob(usage: $0.usage).map(configurableJobs.contains) == true
                })
        case ProcurementChecklist.hybrid.id:
            // Only what the profile counts (CNSA 2.0: ML-KEM-1024) verifies the row.
            return cite(
                evidence.filter {
                    let algorithm = ClaimedAlgorithm($0.canonical ?? $0.algorithm, catalog: catalog)
                    return AlgorithmJob(usage: $0.usage) == .keyExchange && algorithm.isMLKEM
                        && checklist.qualifies(algorithm, protocol: claim.protocol)
                })
        case ProcurementChecklist.signing.id:
            return cite(
                evidence.filter {
                    let algorithm = ClaimedAlgorithm($0.canonical ?? $0.algorithm, catalog: catalog)
                    return $0.usage == .publicKey && algorithm.isPQSignature
                        && checklist.qualifies(algorithm, protocol: claim.protocol)
                })
        case ProcurementChecklist.noBroken.id:
            return ["\(evidence.count) algorithm uses in force for \(claim.protocol.rawValue), none classically broken"]
        case ProcurementChecklist.withinProfile.id:
            // Claimed defaults that the evidence shows in force.
            let finder = ContradictionFinder(catalog: catalog)
            let defaults = claim.defaults.map { ClaimedAlgorithm($0, catalog: catalog) }
            return cite(evidence.filter { finding in defaults.contains { finder.covers([$0], finding) } })
        default:
            return nil
        }
    }
}
