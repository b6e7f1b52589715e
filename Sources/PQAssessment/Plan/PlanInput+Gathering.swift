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
    ///
    /// - Parameters:
    ///   - table: where the kept findings go (a table that parks them on disk keeps the plan's memory from
    ///     following the scan); nil holds them in memory, their text shared (`StringPool`).
    ///   - certificates: the scan's certificates, when `source.assets` does not hold them all (a store's source
    ///     holds only the issuers, `AssessmentSource.forEachFindingWithCertificate`); nil takes them from
    ///     `source.assets`.
    /// - Throws: `AssessmentError` for a category the profile does not define; whatever the source's walk throws.
    public static func gathering(
        _ source: AssessmentSource, options: AssessmentOptions, files: any PlanFileSource = InMemoryPlanFiles(),
        versionOverrides: [String: String] = [:], builders: [any PlanActionBuilder] = MigrationPlanner.standardBuilders,
        catalog: Catalog = .shared, table: (any PlanFindingTable)? = nil, certificates: PlanCertificates? = nil
    ) throws -> PlanInput {
        let kept = table ?? InMemoryPlanFindingTable()
        // Sharing text pays only for findings held in memory; the pool itself holds every distinct string.
        let pooled = table == nil
        var positions: [Int] = []
        var judgements = FindingJudgements(scanID: source.scan.id, asOf: options.asOf, count: 0)
        var numbers: [Int32] = []
        var waived = 0
        var position = 0
        var strings = StringPool()
        try Assessor.judgeEach(source, options: options, catalog: catalog) { finding, judged in
            defer { position += 1 }
            if judged.isWaived { waived += 1 }
            let judgement = FindingJudgements.Judgement(verdict: judged.verdict, isWaived: judged.isWaived)
            guard
                PlanContext.needsAction(finding, judgement) || finding.source == .openssh
                    || builders.contains(where: { $0.reads(finding) })
            else { return }
            kept.append(pooled ? strings.sharing(finding) : finding)
            positions.append(position)
            judgements.append(verdict: judgements.number(judged, numbers: &numbers), waived: judged.isWaived)
        }
        // The plan's note counts every waived finding of the scan, kept or not.
        judgements.waivedCount = waived
        var input = PlanInput(
            findings: [], software: source.software, judgements: judgements, profile: options.profile, files: files,
            versionOverrides: versionOverrides)
        input.certificates = certificates ?? PlanCertificates(source.assets)
        input.findings = PlanFindings(kept)
        input.findingIndexes = positions
        return input
    }
}

/// One instance of each equal string: a store reads every row's text into a new string, so 40,000 certificate
/// findings carried 40,000 copies of `subjectPublicKey`, of an OID and of their asset's 71-character id, which
/// the asset holds too. Equal values, shared storage: nothing the planner sees changes.
public struct StringPool {
    private var strings: Set<String> = []

    public init(_ seed: some Sequence<String> = []) {
        for string in seed { strings.insert(string) }
    }

    /// The pooled instance of `string` (pooled now if it is new).
    public mutating func shared(_ string: String) -> String {
        // Strings of up to 15 UTF-8 bytes sit inside the value itself: nothing to share.
        guard string.utf8.count > 15 else { return string }
        return strings.insert(string).memberAfterInsert
    }

    public mutating func shared(_ string: String?) -> String? { string.map { shared($0) } }

    /// The finding with its text fields pooled.
    public mutating func sharing(_ finding: Finding) -> Finding {
        var copy = finding
        copy.setting = shared(finding.setting)
        copy.algorithm = shared(finding.algorithm)
        copy.canonical = shared(finding.canonical)
        copy.oid = shared(finding.oid)
        copy.curve = shared(finding.curve)
        copy.context = shared(finding.context)
        copy.asset = shared(finding.asset)
        copy.note = shared(finding.note)
        return copy
    }

    /// The asset with the text it shares with other assets pooled (names, OIDs, the issuer); its own id, serial
    /// and digests are unique and stay as they are.
    public mutating func sharing(_ asset: Asset) -> Asset {
        var copy = asset
        copy.algorithm = shared(asset.algorithm)
        copy.canonical = shared(asset.canonical)
        copy.oid = shared(asset.oid)
        copy.curve = shared(asset.curve)
        if var details = asset.certificate {
            details.issuer = shared(details.issuer)
            details.signatureOID = shared(details.signatureOID)
            details.signatureAlgorithm = shared(details.signatureAlgorithm)
            details.publicKeyOID = shared(details.publicKeyOID)
            copy.certificate = details
        }
        return copy
    }

    /// The assets with `sharing(_:)` applied to each, in place.
    public static func sharing(_ assets: consuming [Asset]) -> [Asset] {
        var pool = StringPool()
        for index in assets.indices { assets[index] = pool.sharing(assets[index]) }
        return assets
    }
}
