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

        var plural: String {
            switch self {
            case .root: "root CAs"
            case .intermediate: "intermediate CAs"
            case .leaf: "end-entity certificates"
            }
        }

        /// The word a group's id uses: stable, short.
        var groupLabel: String {
            switch self {
            case .root: "roots"
            case .intermediate: "intermediates"
            case .leaf: "leaves"
            }
        }
    }

    /// Certificate findings: a certificate the policy still allows needs no action, and is not the long tail's.
    public func reads(_ finding: Finding) -> Bool { Self.certificateSources.contains(finding.source) }

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
        var sameness: [String: Sameness] = [:]
        for assetID in order {
            guard let members = byAsset[assetID], let asset = assets[assetID], let details = asset.certificate,
                members.contains(where: context.needsAction)
            else { continue }
            // An expired certificate protects nothing and needs no migration: it is removed, not re-issued.
            guard CalendarDay(details.notAfter) >= context.asOf else { continue }
            let role: Role = details.isCA == true ? (details.selfSigned ? .root : .intermediate) : .leaf
            let action = action(asset, details, role, members, context)
            planned.append((role, details.subject, details.issuer, action))
            sameness[action.id] = Sameness(
                role: role, current: Self.current(asset), target: Self.target(role, context: context),
                issuer: role == .root ? "itself" : details.issuer, expires: CalendarDay(details.notAfter),
                name: details.subject.isEmpty ? asset.id : details.subject)
        }
        let idBySubject = Dictionary(planned.map { ($0.subject, $0.action.id) }) { first, _ in first }
        var result = planned.sorted { ($0.role, $0.action.id) < ($1.role, $1.action.id) }.map { entry in
            var action = entry.action
            if entry.issuer != entry.subject, let issuerAction = idBySubject[entry.issuer] {
                action.dependsOn.append(issuerAction)
            }
            return action
        }
        // Dates consistent along the chain: an issuer's re-issue is due no later than the earliest certificate
        // that waits for it (leaves, then their intermediates, then roots).
        var waitingByIssuer: [String: CalendarDay] = [:]
        for _ in 0..<3 {
            waitingByIssuer = [:]
            for action in result {
                guard let day = action.deadline else { continue }
                for issuer in action.dependsOn { waitingByIssuer[issuer] = min(waitingByIssuer[issuer] ?? day, day) }
            }
            for index in result.indices {
                guard let waiting = waitingByIssuer[result[index].id],
                    result[index].deadline.map({ waiting < $0 }) ?? true
                else { continue }
                result[index].deadline = waiting
                result[index].deadlineReason += "; moved to \(waiting): a certificate it issues is due then"
            }
        }
        // A classically broken certificate (SHA-1 signature, RSA below 2048) cannot wait for ML-DSA and the
        // relying parties: a classical re-issue now, the post-quantum one later.
        for action in result
        where action.retires.contains(where: { context.findings[$0.index].quantumStatus == .broken }) {
            let interim = interimAction(action, context: context)
            sameness[interim.id] = sameness[action.id].map { same in
                var copy = same
                copy.target = "a classical key and SHA-256"
                return copy
            }
            result.append(interim)
        }
        return Self.grouped(result, sameness: sameness)
    }

    /// What makes two certificate actions the same change, beside the kind, deadline and rule every action has.
    struct Sameness {
        var role: Role
        /// The key now, with its parameters: `RSA-2048`, `ECDSA P-256`.
        var current: String
        var target: String
        /// Who signs the re-issue: the same CA for the whole group, so it is one request to one CA.
        var issuer: String
        var expires: CalendarDay
        var name: String
    }

    /// The key algorithm with its size or curve, as a group names it.
    static func current(_ asset: Asset) -> String {
        let name = asset.canonical ?? asset.algorithm
        // Ed25519 and Ed448 carry their curve in the name; ECDSA needs it spelled out.
        if let curve = asset.curve, !name.contains(where: \.isNumber) { return "\(name) \(curve)" }
        if let bits = asset.keyBits, !name.contains(where: \.isNumber) { return "\(name)-\(bits)" }
        return name
    }

    static func target(_ role: Role, context: PlanContext) -> String {
        context.input.profile.id == "cnsa-2.0" || role == .root ? "ML-DSA-87" : "ML-DSA-65"
    }

    /// Identical re-issues become one action over their certificates: same kind (post-quantum or interim), role,
    /// current key with its parameters, target, issuer, deadline, rule and issuer action.
    static func grouped(_ actions: [PlanAction], sameness: [String: Sameness]) -> [PlanAction] {
        let members = actions.map { action -> GroupableAction in
            let interim = action.id.hasPrefix("certificate-interim:")
            let prefix = interim ? "certificate-interim" : "certificate-reissue"
            guard let same = sameness[action.id] else {
                return GroupableAction(
                    action: action, key: ["alone", action.id], idParts: [action.id],
                    asset: PlanAsset(
                        action: action.id, name: action.id, current: "", locations: action.locations,
                        deadline: action.deadline, findings: action.retires.count))
            }
            let key =
                [
                    prefix, "\(same.role.rawValue)", same.current, same.target, same.issuer,
                    action.deadline?.description ?? "-", action.rule ?? "-",
                ] + action.dependsOn.sorted() + action.prerequisites.map(\.label)
            return GroupableAction(
                action: action, key: key,
                idParts: [prefix, same.role.groupLabel, same.current, same.target, "issued by " + same.issuer],
                asset: PlanAsset(
                    action: action.id, name: same.name, current: same.current, locations: action.locations,
                    expires: same.expires, deadline: action.deadline, findings: action.retires.count))
        }
        return PlanActionGrouping.merge(members) { first, count in
            guard let same = sameness[first.action.id] else {
                return GroupWording(title: first.action.title, change: first.action.change, verify: first.action.verify)
            }
            let interim = first.action.id.hasPrefix("certificate-interim:")
            let signer = same.role == .root ? "itself" : same.issuer
            return GroupWording(
                title: interim
                    ? "Re-issue \(count) \(same.role.plural) (\(same.current)) now with a classical key and SHA-256 "
                        + "(interim)"
                    : "Re-issue \(count) \(same.role.plural) (\(same.current)) with \(same.target)",
                change: interim
                    ? "for each certificate in the list: a new RSA-3072 (or ECDSA P-256) key and certificate, signed "
                        + "with SHA-256 by \(signer); the post-quantum re-issue follows"
                    : "for each certificate in the list: a new \(same.target) key and certificate, signed by "
                        + "\(signer); replaces \(same.current) (each certificate's expiry is in the list)",
                verify: [
                    "openssl x509 -in CERT -noout -text | grep -E 'Signature Algorithm|Public Key Algorithm'",
                    "openssl verify -CAfile CHAIN CERT",
                    "(CERT: each path in the list, from the scan root)",
                ])
        }.actions
    }

    /// The classical re-issue of a broken certificate: same subject, RSA-3072 or ECDSA P-256 signed with SHA-256
    /// (NIST SP 800-131A Rev. 2 §3 and §9), which every relying party validates today. Due today.
    func interimAction(_ pq: PlanAction, context: PlanContext) -> PlanAction {
        let subject = pq.id.dropFirst("certificate-reissue:".count)
        let path = pq.locations.first.map { "/" + $0.path } ?? "CERT"
        return PlanAction(
            id: "certificate-interim:\(subject)", kind: .certificateReissue, phase: .classicallyBroken,
            title: "Re-issue \(subject) now with a classical key and SHA-256 (interim)", system: pq.system,
            software: "x509", locations: pq.locations,
            retires: pq.retires.filter { context.findings[$0.index].quantumStatus == .broken },
            rule: pq.rule, ruleSource: pq.ruleSource, deadline: context.asOf,
            deadlineReason: "classically broken today: it cannot wait for the post-quantum re-issue",
            change: "new RSA-3072 (or ECDSA P-256) key and certificate for \(subject), signed with SHA-256 by the "
                + "same issuer; the post-quantum re-issue (\(pq.id)) follows",
            patchWithheld: "a certificate is re-issued, not patched",
            verify: [
                "openssl x509 -in \(ShellQuote.quote(path)) -noout -text | grep -E 'Signature Algorithm|Public-Key'"
            ],
            rollback: ["keep the old certificate and key beside the new ones until the new one is deployed"],
            effort: PlanEffort(
                size: .small, hours: 2, reasoning: "a classical CSR and issuance by the existing CA; no new trust"))
    }

    func action(_ asset: Asset, _ details: CertificateDetails, _ role: Role, _ members: [Int], _ context: PlanContext)
        -> PlanAction
    {
        let retires = members.filter(context.needsAction)
        let strict = context.input.profile.id == "cnsa-2.0"
        let algorithm = strict || role == .root ? "ML-DSA-87" : "ML-DSA-65"
        let paths = members.map { context.findings[$0] }.reduce(into: [PlanLocation]()) { list, finding in
            let location = PlanLocation(path: finding.path.display, line: finding.line)
            if !list.contains(location) { list.append(location) }
        }
        let deadline = context.earliestDeadline(retires)
        let openssl = context.installedVersion(family: "openssl", packages: ["openssl", "libssl3", "libssl3t64"])
        let mlDSA = ReleaseFloor.first("openssl", bringing: "ML-DSA-65", as: .signature)
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
            phase: .signatures,
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
                "openssl x509 -in \(ShellQuote.quote("/" + firstPath)) -noout -text | grep -E "
                    + "'Signature Algorithm|Public Key Algorithm'",
                "openssl verify -CAfile CHAIN \(ShellQuote.quote("/" + firstPath))",
            ],
            rollback: [
                "keep the old certificate and key beside the new ones until the new chain is proven",
                "point the services back at the old files and reload them",
            ],
            effort: effort)
    }
}
