import PQCatalog
import PQModel

extension PlanInput {
    /// The planner's input from a scan whose findings are walked from the store's cursor: each finding is judged as
    /// it passes (a verdict computed once per distinct subject, `Assessor.judgeEach`) and kept only when the plan
    /// can use it: it needs action, a builder reads it (`PlanActionBuilder.reads`), or it is an OpenSSH setting
    /// (the planner's notes look for one). The rest (on the benchmark tree, 1.6 million cipher suites in server
    /// blocks no include reaches) is dropped at once, so memory follows what the plan uses, not the scan's size.
    ///
    /// The plan made from it is the plan `MigrationPlanner.plan` makes from every finding: the builders see the same
    /// findings in the same order, each with the same judgement, and `findingIndexes` gives each reference its
    /// position in the whole scan.
    /// - Throws: `AssessmentError` for a category the profile does not define; whatever the source's walk throws.
    public static func gathering(
        _ source: AssessmentSource, options: AssessmentOptions, files: any PlanFileSource = InMemoryPlanFiles(),
        versionOverrides: [String: String] = [:], builders: [any PlanActionBuilder] = MigrationPlanner.standardBuilders,
        catalog: Catalog = .shared
    ) throws -> PlanInput {
        var kept: [Finding] = []
        var positions: [Int] = []
        var judgements = FindingJudgements(scanID: source.scan.id, asOf: options.asOf, count: 0)
        var numbers: [Int32] = []
        var waived = 0
        var position = 0
        try Assessor.judgeEach(source, options: options, catalog: catalog) { finding, judged in
            defer { position += 1 }
            if judged.isWaived { waived += 1 }
            let judgement = FindingJudgements.Judgement(verdict: judged.verdict, isWaived: judged.isWaived)
            guard
                PlanContext.needsAction(finding, judgement) || finding.source == .openssh
                    || builders.contains(where: { $0.reads(finding) })
            else { return }
            kept.append(finding)
            positions.append(position)
            judgements.append(verdict: judgements.number(judged, numbers: &numbers), waived: judged.isWaived)
        }
        // The plan's note counts every waived finding of the scan, kept or not.
        judgements.waivedCount = waived
        var input = PlanInput(
            findings: kept, assets: source.assets, software: source.software, judgements: judgements,
            profile: options.profile, files: files, versionOverrides: versionOverrides)
        input.findingIndexes = positions
        return input
    }
}
