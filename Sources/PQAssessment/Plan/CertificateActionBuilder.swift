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

        /// One re-issue's effort, in hours (`PlanEffort`): a root's key ceremony, an intermediate's chain files, a
        /// leaf's CSR and reload.
        var hours: Double {
            switch self {
            case .root: 40
            case .intermediate: 8
            case .leaf: 2
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
        // Each asset by its place in the input, not a copy of it: the candidates below hold that place.
        var assets: [String: Int] = [:]
        for (index, asset) in context.input.assets.enumerated() where assets[asset.id] == nil {
            assets[asset.id] = index
        }
        var byAsset: [String: [Int]] = [:]
        var order: [String] = []
        for (index, finding) in context.findings.enumerated() where Self.certificateSources.contains(finding.source) {
            guard let asset = finding.asset, let place = assets[asset],
                context.input.assets[place].certificate != nil
            else { continue }
            if byAsset[asset] == nil { order.append(asset) }
            byAsset[asset, default: []].append(index)
        }
        // One small candidate per certificate, never a whole action: the action (its title, change, verify lines,
        // prerequisites, citation) is written once per merged group and once per certificate left alone, so the
        // planner's memory follows the groups, not the certificates.
        var planned: [Candidate] = []
        for assetID in order {
            guard let members = byAsset.removeValue(forKey: assetID), let place = assets[assetID],
                let details = context.input.assets[place].certificate, members.contains(where: context.needsAction)
            else { continue }
            // An expired certificate protects nothing and needs no migration: it is removed, not re-issued.
            guard CalendarDay(details.notAfter) >= context.asOf else { continue }
            let role: Role = details.isCA == true ? (details.selfSigned ? .root : .intermediate) : .leaf
            let deadline = context.earliestDeadline(members.filter(context.needsAction))
            planned.append(
                Candidate(
                    asset: place, subject: details.subject, issuer: details.issuer,
                    expires: CalendarDay(details.notAfter), role: role, members: members,
                    id: "certificate-reissue:" + (details.subject.isEmpty ? assetID : details.subject),
                    deadline: deadline.day, rule: deadline.rule))
        }
        let idBySubject = Dictionary(planned.map { ($0.subject, $0.id) }) { first, _ in first }
        var result = planned.sorted { ($0.role, $0.id) < ($1.role, $1.id) }
        planned = []
        for index in result.indices {
            let candidate = result[index]
            guard candidate.issuer != candidate.subject, let issuerAction = idBySubject[candidate.issuer]
            else { continue }
            result[index].dependsOn = issuerAction
        }
        // Dates consistent along the chain: an issuer's re-issue is due no later than the earliest certificate
        // that waits for it (leaves, then their intermediates, then roots).
        for _ in 0..<3 {
            var waitingByIssuer: [String: CalendarDay] = [:]
            for candidate in result {
                guard let day = candidate.deadline, let issuer = candidate.dependsOn else { continue }
                waitingByIssuer[issuer] = min(waitingByIssuer[issuer] ?? day, day)
            }
            for index in result.indices {
                guard let waiting = waitingByIssuer[result[index].id],
                    result[index].deadline.map({ waiting < $0 }) ?? true
                else { continue }
                result[index].deadline = waiting
                result[index].deadlineMoves.append(waiting)
            }
        }
        // A classically broken certificate (SHA-1 signature, RSA below 2048) cannot wait for ML-DSA and the
        // relying parties: a classical re-issue now, the post-quantum one later.
        for candidate in result
        where candidate.members.contains(where: {
            context.needsAction($0) && context.findings[$0].quantumStatus == .broken
        }) {
            var interim = candidate
            interim.interim = true
            interim.id = "certificate-interim:" + candidate.id.dropFirst("certificate-reissue:".count)
            result.append(interim)
        }
        return grouped(result, context: context)
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

    /// One certificate's re-issue (or its interim) before identical ones are merged: what the grouping and the
    /// asset list need, and what `fullAction` needs to write the whole action for it alone. Small: the asset is
    /// named by its place in the input, not copied (a copy of an asset with its certificate details is about
    /// 500 bytes, the candidates and their sorted copy once were a quarter of the plan's heap).
    struct Candidate {
        /// The certificate's asset: its index in the context's `input.assets`.
        var asset: Int
        var subject: String
        var issuer: String
        var expires: CalendarDay
        var role: Role
        /// The certificate's findings, by index into the context's findings.
        var members: [Int]
        /// The id the action has alone: `certificate-reissue:<subject>` (or `certificate-interim:<subject>`).
        var id: String
        var deadline: CalendarDay?
        var rule: String?
        /// The issuer's re-issue this one waits for.
        var dependsOn: String?
        /// Each day an action waiting for this one moved its deadline to, in order.
        var deadlineMoves: [CalendarDay] = []
        var interim = false

        /// The id of the post-quantum re-issue: the candidate's own, or the one its interim precedes.
        var reissueID: String {
            interim ? "certificate-reissue:" + id.dropFirst("certificate-interim:".count) : id
        }
    }

    /// The action a candidate has alone: the same action the builder writes for one certificate. Nil only for a
    /// candidate whose asset has no certificate details, which `actions` never makes.
    func fullAction(_ candidate: Candidate, context: PlanContext) -> PlanAction? {
        let asset = context.input.assets[candidate.asset]
        guard let details = asset.certificate else { return nil }
        var action = action(asset, details, candidate.role, candidate.members, context)
        for day in candidate.deadlineMoves {
            action.deadline = day
            action.deadlineReason += "; moved to \(day): a certificate it issues is due then"
        }
        if let issuer = candidate.dependsOn { action.dependsOn.append(issuer) }
        return candidate.interim ? interimAction(action, context: context) : action
    }

    /// The certificate's places, each once, in the order of its findings.
    static func locations(_ members: [Int], context: PlanContext) -> [PlanLocation] {
        members.map { context.findings[$0] }.reduce(into: [PlanLocation]()) { list, finding in
            let location = PlanLocation(path: finding.path.display, line: finding.line)
            if !list.contains(location) { list.append(location) }
        }
    }

    /// The store folder of a certificate's first place: the system its action names.
    static func system(_ locations: [PlanLocation]) -> String {
        locations.first.map { "store:" + $0.path.split(separator: "/").dropLast().joined(separator: "/") } ?? "store:."
    }

    /// Identical re-issues become one action over their certificates: same kind (post-quantum or interim), role,
    /// current key with its parameters, target, issuer, deadline, rule and issuer action. The rules are
    /// `PlanActionGrouping.merge`'s; the candidates are grouped first and each group's action is then written
    /// once, from its first member and the totals of the rest.
    func grouped(_ candidates: [Candidate], context: PlanContext) -> [PlanAction] {
        // A subject planned twice takes the last certificate's sameness, as the one-by-one builder did.
        var lastBySubject: [String: Int] = [:]
        for (index, candidate) in candidates.enumerated() where !candidate.interim {
            lastBySubject[candidate.id] = index
        }
        func sameness(_ candidate: Candidate) -> Sameness {
            let source = lastBySubject[candidate.reissueID].map { candidates[$0] } ?? candidate
            let asset = context.input.assets[source.asset]
            return Sameness(
                role: source.role, current: Self.current(asset),
                target: candidate.interim ? "a classical key and SHA-256" : Self.target(source.role, context: context),
                issuer: source.role == .root ? "itself" : source.issuer, expires: source.expires,
                name: source.subject.isEmpty ? asset.id : source.subject)
        }
        var prerequisiteLabels: [String: String] = [:]
        var groups: [[String]: [Int]] = [:]
        var order: [[String]] = []
        for (index, candidate) in candidates.enumerated() {
            let same = sameness(candidate)
            var key = [
                candidate.interim ? "certificate-interim" : "certificate-reissue", "\(same.role.rawValue)",
                same.current, same.target, same.issuer,
                (candidate.interim ? context.asOf : candidate.deadline)?.description ?? "-", candidate.rule ?? "-",
            ]
            if !candidate.interim {
                if let issuer = candidate.dependsOn { key.append(issuer) }
                let algorithm = Self.target(candidate.role, context: context)
                if prerequisiteLabels[algorithm] == nil {
                    prerequisiteLabels[algorithm] = Self.prerequisite(algorithm, context: context).label
                }
                key.append(prerequisiteLabels[algorithm] ?? "")
            }
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(index)
        }
        var usedIDs = Set(candidates.map(\.id))
        let issuers = Set(candidates.compactMap(\.dependsOn))
        var idMap: [String: String] = [:]
        var actions: [PlanAction] = []
        for key in order {
            guard let indexes = groups.removeValue(forKey: key), let first = indexes.first,
                let firstAction = fullAction(candidates[first], context: context)
            else { continue }
            guard indexes.count > 1 else {
                actions.append(firstAction)
                continue
            }
            let same = sameness(candidates[first])
            let prefix = candidates[first].interim ? "certificate-interim" : "certificate-reissue"
            let stem = [prefix, same.role.groupLabel, same.current, same.target, "issued by " + same.issuer]
                .joined(separator: ":")
            var id = stem
            var suffix = 2
            while usedIDs.contains(id) {
                id = stem + "#\(suffix)"
                suffix += 1
            }
            usedIDs.insert(id)
            // A list the caller files as CSV goes out row by row: the action keeps its examples and counts, so
            // the plan's memory does not follow the certificates.
            var totals =
                if let sink = context.input.assetRows, indexes.count > PlanAssetList.inlineLimit {
                    GroupTotals(rows: sink, list: id)
                } else {
                    GroupTotals()
                }
            for index in indexes {
                let member = candidates[index]
                if issuers.contains(member.id) { idMap[member.id] = id }
                let places = Self.locations(member.members, context: context)
                let retires = member.members.filter { index in
                    context.needsAction(index) && (!member.interim || context.findings[index].quantumStatus == .broken)
                }.map(context.ref)
                let deadline = member.interim ? context.asOf : member.deadline
                let memberSame = sameness(member)
                totals.add(
                    locations: places, retires: retires, keeps: [],
                    dependsOn: member.interim ? [] : member.dependsOn.map { [$0] } ?? [], system: Self.system(places),
                    hours: member.interim ? 2 : member.role.hours, deadline: deadline,
                    asset: PlanAsset(
                        action: member.id, name: memberSame.name, current: memberSame.current, locations: places,
                        expires: memberSame.expires, deadline: deadline, findings: retires.count))
            }
            actions.append(
                PlanActionGrouping.merged(
                    first: firstAction, id: id, wording: wording(firstAction, same: same, count: indexes.count),
                    totals: totals))
        }
        for index in actions.indices {
            var seen: Set<String> = []
            actions[index].dependsOn = actions[index].dependsOn.map { idMap[$0] ?? $0 }.filter {
                $0 != actions[index].id && seen.insert($0).inserted
            }
        }
        return actions
    }

    /// How a merged group of re-issues is worded.
    func wording(_ first: PlanAction, same: Sameness, count: Int) -> GroupWording {
        let interim = first.id.hasPrefix("certificate-interim:")
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
    }

    /// What re-issuing with `algorithm` needs installed.
    static func prerequisite(_ algorithm: String, context: PlanContext) -> PlanPrerequisite {
        let openssl = context.installedVersion(family: "openssl", packages: ["openssl", "libssl3", "libssl3t64"])
        let mlDSA = ReleaseFloor.first("openssl", bringing: "ML-DSA-65", as: .signature)
        return PlanPrerequisite(
            requirement: "OpenSSL >= 3.5 (or a CA product) for \(algorithm) keys and certificates (FIPS 204)",
            installed: openssl?.text, satisfied: openssl.map { $0.version >= mlDSA },
            note: "relying parties must validate \(algorithm) too; until they do, keep a classical chain "
                + "beside it or use a composite ML-DSA certificate (draft-ietf-lamps-pq-composite-sigs)")
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
        let paths = Self.locations(members, context: context)
        let deadline = context.earliestDeadline(retires)
        let firstPath = paths.first?.path ?? "CERT"
        let effort: PlanEffort
        switch role {
        case .root:
            effort = PlanEffort(
                size: .large, hours: role.hours,
                reasoning: "a key ceremony, then the new root must reach every relying party's trust store before "
                    + "anything it signs is deployed")
        case .intermediate:
            effort = PlanEffort(
                size: .medium, hours: role.hours,
                reasoning: "a CSR signed by the root, then every chain file and bundle that carries it is replaced")
        case .leaf:
            effort = PlanEffort(
                size: .small, hours: role.hours,
                reasoning: "a new key and CSR, issuance, and a reload of the service in \(paths.count) file(s)")
        }
        let shortSubject = details.subject.isEmpty ? asset.id : details.subject
        return PlanAction(
            id: "certificate-reissue:\(shortSubject)", kind: .certificateReissue,
            phase: .signatures,
            title: "Re-issue the \(role.label) \(shortSubject) with \(algorithm)",
            system: Self.system(paths),
            software: "x509", locations: paths, retires: retires.map(context.ref), rule: deadline.rule,
            ruleSource: deadline.source, deadline: deadline.day, deadlineReason: deadline.reason,
            prerequisites: [Self.prerequisite(algorithm, context: context)],
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
