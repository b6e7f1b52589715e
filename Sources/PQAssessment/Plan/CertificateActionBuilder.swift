import PQModel

/// Certificate re-issue actions: one per certificate (by subject, which a re-issue keeps, so the id is stable)
/// whose key or signature needs to change. Roots before intermediates before leaves: a leaf re-issued under a
/// classical issuer still chains to a quantum-vulnerable signature (NIST IR 8547 §4; CNSA 2.0 FAQ on PKI).
public struct CertificateActionBuilder: PlanActionBuilder {
    public var family: String { "x509" }

    public init() {}

    static let certificateSources: Set<FindingSource> = [.x509, .pkcs7]

    enum Role: Int, Comparable {
        case root = 0
        case intermediate = 1
        case leaf = 2

        static func < (lhs: Role, rhs: Role) -> Bool { lhs.rawValue < rhs.rawValue }

        var label: String {
            switch self {
            case .root: "root CA"
            case .intermediate: "intermediate CA"
            case .leaf: "end-entity certificate"
            }
        }
    }

    /// Certificate findings: a certificate the policy still allows needs no action, and is not the long tail's.
    public func handles(_ finding: Finding) -> Bool {
        Self.certificateSources.contains(finding.source) && finding.asset != nil
    }

    public func actions(_ context: PlanContext) -> [PlanAction] {
        let assets = Dictionary(context.input.assets.map { ($0.id, $0) }) { first, _ in first }
        var byAsset: [String: [Int]] = [:]
        var order: [String] = []
        for (index, finding) in context.findings.enumerated() where Self.certificateSources.contains(finding.source) {
            guard let asset = finding.asset, assets[asset]?.certificate != nil else { continue }
            if byAsset[asset] == nil { order.append(asset) }
            byAsset[asset, default: []].append(index)
        }
        var planned: [(role: Role, subject: String, issuer: String, action: PlanAction)] = []
        for assetID in order {
            guard let members = byAsset[assetID], let asset = assets[assetID], let details = asset.certificate,
                members.contains(where: context.needsAction)
            else { continue }
            let role: Role = details.isCA == true ? (details.selfSigned ? .root : .intermediate) : .leaf
            planned.append((role, details.subject, details.issuer, action(asset, details, role, members, context)))
        }
        let idBySubject = Dictionary(planned.map { ($0.subject, $0.action.id) }) { first, _ in first }
        return planned.sorted { ($0.role, $0.action.id) < ($1.role, $1.action.id) }.map { entry in
            var action = entry.action
            if entry.issuer != entry.subject, let issuerAction = idBySubject[entry.issuer] {
                action.dependsOn.append(issuerAction)
            }
            return action
        }
    }

    func action(_ asset: Asset, _ details: CertificateDetails, _ role: Role, _ members: [Int], _ context: PlanContext)
        -> PlanAction
    {
        let retires = members.filter(context.needsAction)
        let broken = retires.contains { context.findings[$0].quantumStatus == .broken }
        let strict = context.input.profile.id == "cnsa-2.0"
        let algorithm = strict || role == .root ? "ML-DSA-87" : "ML-DSA-65"
        let paths = members.map { context.findings[$0] }.reduce(into: [PlanLocation]()) { list, finding in
            let location = PlanLocation(path: finding.path.display, line: finding.line)
            if !list.contains(location) { list.append(location) }
        }
        let deadline = context.earliestDeadline(retires)
        let openssl = context.installedVersion(family: "openssl", packages: ["openssl", "libssl3", "libssl3t64"])
        let mlDSA = SoftwareVersion([3, 5])
        let firstPath = paths.first?.path ?? "CERT"
        let effort: PlanEffort
        switch role {
        case .root:
            effort = PlanEffort(
                size: .large, hours: 40,
                reasoning: "a key ceremony, then the new root must reach every relying party's trust store before "
                    + "anything it signs is deployed")
        case .intermediate:
            effort = PlanEffort(
                size: .medium, hours: 8,
                reasoning: "a CSR signed by the root, then every chain file and bundle that carries it is replaced")
        case .leaf:
            effort = PlanEffort(
                size: .small, hours: 2,
                reasoning: "a new key and CSR, issuance, and a reload of the service in \(paths.count) file(s)")
        }
        let shortSubject = details.subject.isEmpty ? asset.id : details.subject
        return PlanAction(
            id: "certificate-reissue:\(shortSubject)", kind: .certificateReissue,
            phase: broken ? .classicallyBroken : .signatures,
            title: "Re-issue the \(role.label) \(shortSubject) with \(algorithm)",
            system: paths.first.map { "store:" + $0.path.split(separator: "/").dropLast().joined(separator: "/") }
                ?? "store:.",
            software: "x509", locations: paths, retires: retires.map(context.ref), rule: deadline.rule,
            ruleSource: deadline.source, deadline: deadline.day, deadlineReason: deadline.reason,
            prerequisites: [
                PlanPrerequisite(
                    requirement: "OpenSSL >= 3.5 (or a CA product) for \(algorithm) keys and certificates (FIPS 204)",
                    installed: openssl?.text, satisfied: openssl.map { $0.version >= mlDSA },
                    note: "relying parties must validate \(algorithm) too; until they do, keep a classical chain "
                        + "beside it or use a composite ML-DSA certificate (draft-ietf-lamps-pq-composite-sigs)")
            ],
            change: "new \(algorithm) key and certificate for \(shortSubject), signed by "
                + (role == .root ? "itself" : details.issuer)
                + "; replaces \(asset.canonical ?? asset.algorithm) (expires \(CalendarDay(details.notAfter)))",
            patchWithheld: "a certificate is re-issued, not patched",
            verify: [
                "openssl x509 -in /\(firstPath) -noout -text | grep -E 'Signature Algorithm|Public Key Algorithm'",
                "openssl verify -CAfile CHAIN /\(firstPath)",
            ],
            rollback: [
                "keep the old certificate and key beside the new ones until the new chain is proven",
                "point the services back at the old files and reload them",
            ],
            effort: effort)
    }
}
