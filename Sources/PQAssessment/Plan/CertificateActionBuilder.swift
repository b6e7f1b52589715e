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
        // The distribution's trust anchors are not the organisation's to re-issue: one action per store says so.
        let anchors = TrustStoreAnchors.find(context)
        let storeActions = anchors.byStore.map { TrustStoreAnchors.action($0, context: context) }
        var candidates = Candidates(context: context, skipping: anchors.certificates)
        guard !candidates.list.isEmpty else { return storeActions }
        candidates.sortByRoleAndID()
        candidates.link()
        // Dates consistent along the chain: an issuer's re-issue is due no later than the earliest certificate
        // that waits for it (leaves, then their intermediates, then roots).
        for _ in 0..<3 {
            var waitingByIssuer = [CalendarDay?](repeating: nil, count: candidates.issuerIDs.count)
            for candidate in candidates.list {
                guard let day = candidates.day(candidate.deadline), candidate.dependsOn >= 0 else { continue }
                let issuer = Int(candidate.dependsOn)
                waitingByIssuer[issuer] = min(waitingByIssuer[issuer] ?? day, day)
            }
            for index in candidates.list.indices {
                let issuer = Int(candidates.list[index].issuerNumber)
                guard issuer >= 0, let waiting = waitingByIssuer[issuer],
                    candidates.day(candidates.list[index].deadline).map({ waiting < $0 }) ?? true
                else { continue }
                let moved = candidates.number(waiting)
                candidates.list[index].deadline = moved
                candidates.list[index].deadlineMoves.append(waiting)
            }
        }
        // A classically broken certificate (SHA-1 signature, RSA below 2048) cannot wait for ML-DSA and the
        // relying parties: a classical re-issue now, the post-quantum one later.
        for candidate in candidates.list
        where candidates.members(candidate).contains(where: {
            context.needsAction($0) && context.findings[$0].quantumStatus == .broken
        }) {
            var interim = candidate
            interim.interim = true
            // An interim's id is never the id of a re-issue another waits for.
            interim.issuerNumber = -1
            candidates.list.append(interim)
        }
        return storeActions + grouped(candidates, context: context)
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
    static func current(_ asset: Asset) -> String { PlanCertificate.current(asset) }

    static func target(_ role: Role, context: PlanContext) -> String {
        context.input.profile.id == "cnsa-2.0" || role == .root ? "ML-DSA-87" : "ML-DSA-65"
    }

    /// One certificate's re-issue (or its interim) before identical ones are merged: numbers and a few days, the
    /// text it needs (subject, issuer, key) read from the input's certificates when it is needed. Candidates
    /// holding their subject, issuer and id as strings, with the input holding every asset whole, were most of
    /// the plan's heap on certificate-heavy trees.
    struct Candidate {
        /// The certificate's number in the input's `certificates`.
        var certificate: Int32
        /// The certificate's findings: a range of `Candidates.members`.
        var members: Range<Int32>
        var role: Role
        var interim = false
        /// Numbers in `Candidates.days` and `Candidates.rules` (-1: none): 8 bytes, not 41.
        var deadline: Int32
        var rule: Int32
        /// The issuer's re-issue this one waits for: a number in `Candidates.issuerIDs`, or -1.
        var dependsOn: Int32 = -1
        /// This one's id as a number in `Candidates.issuerIDs` (a re-issue another waits for), or -1.
        var issuerNumber: Int32 = -1
        /// Each day an action waiting for this one moved its deadline to, in order.
        var deadlineMoves: [CalendarDay] = []
    }

    /// The candidates, one per certificate that needs a re-issue (and one per interim), with what they share.
    struct Candidates {
        var certificates: PlanCertificates
        /// Every candidate's findings (indexes into the context's findings), one certificate after another.
        var members: [Int32] = []
        var list: [Candidate] = []
        /// The ids of the re-issues a candidate waits for, each once.
        var issuerIDs: [String] = []
        /// The candidates' deadlines and rules, each once.
        private(set) var days: [CalendarDay] = []
        private var dayNumbers: [CalendarDay: Int32] = [:]
        private(set) var rules: [String] = []
        private var ruleNumbers: [String: Int32] = [:]

        /// One candidate per certificate with a finding that needs action and not expired, in the order of their
        /// first findings; none for the certificates `skipping` names (a trust store's anchors).
        init(context: PlanContext, skipping: Set<Int> = []) {
            certificates = context.input.certificates
            var rankOf = [Int32](repeating: -1, count: certificates.count)
            var order: [Int32] = []
            var pairs: [(rank: Int32, finding: Int32)] = []
            for (index, finding) in context.findings.enumerated()
            where CertificateActionBuilder.certificateSources.contains(finding.source) {
                guard let asset = finding.asset, let number = certificates.number(of: asset) else { continue }
                if rankOf[number] < 0 {
                    rankOf[number] = Int32(order.count)
                    order.append(Int32(number))
                }
                pairs.append((rankOf[number], Int32(index)))
            }
            rankOf = []
            pairs.sort { ($0.rank, $0.finding) < ($1.rank, $1.finding) }
            members = pairs.map(\.finding)
            var low = 0
            for (rank, number) in order.enumerated() {
                var high = low
                while high < pairs.count, pairs[high].rank == rank { high += 1 }
                let range = Int32(low)..<Int32(high)
                low = high
                let own = members[Int(range.lowerBound)..<Int(range.upperBound)].map(Int.init)
                guard own.contains(where: context.needsAction), !skipping.contains(Int(number)) else { continue }
                // An expired certificate protects nothing and needs no migration: it is removed, not re-issued.
                guard certificates.expires(Int(number)) >= context.asOf else { continue }
                let authority = certificates.authority(Int(number))
                let role: Role = authority.isCA == true ? (authority.selfSigned ? .root : .intermediate) : .leaf
                let deadline = context.earliestDeadline(own.filter(context.needsAction))
                list.append(
                    Candidate(
                        certificate: number, members: range, role: role, deadline: self.number(deadline.day),
                        rule: self.number(rule: deadline.rule)))
            }
        }

        /// The number of `day` in `days` (added when new); -1 for none.
        mutating func number(_ day: CalendarDay?) -> Int32 {
            guard let day else { return -1 }
            if let known = dayNumbers[day] { return known }
            days.append(day)
            dayNumbers[day] = Int32(days.count - 1)
            return Int32(days.count - 1)
        }

        mutating func number(rule: String?) -> Int32 {
            guard let rule else { return -1 }
            if let known = ruleNumbers[rule] { return known }
            rules.append(rule)
            ruleNumbers[rule] = Int32(rules.count - 1)
            return Int32(rules.count - 1)
        }

        func day(_ number: Int32) -> CalendarDay? { number < 0 ? nil : days[Int(number)] }

        func rule(_ candidate: Candidate) -> String? { candidate.rule < 0 ? nil : rules[Int(candidate.rule)] }

        func members(_ candidate: Candidate) -> [Int] {
            members[Int(candidate.members.lowerBound)..<Int(candidate.members.upperBound)].map(Int.init)
        }

        /// The name of a candidate's action: its certificate's subject, or its asset id when the subject is empty.
        func name(_ candidate: Candidate) -> String { certificates.name(Int(candidate.certificate)) }

        /// The id the candidate's action has alone: `certificate-reissue:<name>` (`certificate-interim:<name>`).
        func id(_ candidate: Candidate) -> String {
            (candidate.interim ? "certificate-interim:" : "certificate-reissue:") + name(candidate)
        }

        /// Roots, then intermediates, then leaves, each by id (by name: every id of a kind has the same prefix).
        mutating func sortByRoleAndID() {
            let certificates = certificates
            list.sort { left, right in
                if left.role != right.role { return left.role < right.role }
                return certificates.nameIsBefore(Int(left.certificate), Int(right.certificate))
            }
        }

        /// Each candidate's issuer re-issue: the first candidate (in the order of their first findings, which
        /// `dependsOn` ids were taken in) whose subject is the candidate's issuer, when that is not the candidate's
        /// own subject.
        mutating func link() {
            let issuers = Set(list.map { certificates.issuer(Int($0.certificate)) })
            // The candidates were sorted; the first with a subject counts in their first findings' order, which
            // is the order of their certificates' ranges in `members`.
            var bySubject: [String: (start: Int32, candidate: Int)] = [:]
            for (index, candidate) in list.enumerated() {
                let subject = certificates.subject(Int(candidate.certificate))
                guard issuers.contains(subject) else { continue }
                if let known = bySubject[subject], known.start < candidate.members.lowerBound { continue }
                bySubject[subject] = (candidate.members.lowerBound, index)
            }
            var numbers: [String: Int32] = [:]
            for index in list.indices {
                let certificate = Int(list[index].certificate)
                let issuer = certificates.issuer(certificate)
                guard issuer != certificates.subject(certificate), let found = bySubject[issuer] else { continue }
                let id = id(list[found.candidate])
                if let known = numbers[id] {
                    list[index].dependsOn = known
                } else {
                    list[index].dependsOn = Int32(issuerIDs.count)
                    numbers[id] = Int32(issuerIDs.count)
                    issuerIDs.append(id)
                }
            }
            guard !numbers.isEmpty else { return }
            for index in list.indices {
                list[index].issuerNumber = numbers[id(list[index])] ?? -1
            }
        }
    }

    /// The action a candidate has alone: the same action the builder writes for one certificate.
    func fullAction(_ candidate: Candidate, _ candidates: Candidates, context: PlanContext) -> PlanAction {
        let certificate = candidates.certificates[Int(candidate.certificate)]
        var action = action(certificate, candidate.role, candidates.members(candidate), context)
        for day in candidate.deadlineMoves {
            action.deadline = day
            action.deadlineReason += "; moved to \(day): a certificate it issues is due then"
        }
        if candidate.dependsOn >= 0 { action.dependsOn.append(candidates.issuerIDs[Int(candidate.dependsOn)]) }
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
    func grouped(_ candidates: Candidates, context: PlanContext) -> [PlanAction] {
        let list = candidates.list
        let certificates = candidates.certificates
        // A subject planned twice takes the last certificate's sameness, as the one-by-one builder did: the
        // re-issues by name (then by place), so each name's last re-issue ends its run.
        var byName = list.indices.filter { !list[$0].interim }
        byName.sort { left, right in
            let one = Int(list[left].certificate)
            let two = Int(list[right].certificate)
            if certificates.nameIsBefore(one, two) { return true }
            if certificates.nameIsBefore(two, one) { return false }
            return left < right
        }
        /// The last re-issue named as `candidate` is, or nil; `index` of the re-issues by name.
        func lastNamed(_ certificate: Int) -> Int? {
            var low = 0
            var high = byName.count
            // The first re-issue whose name is after the candidate's; the one before it is the last of the run.
            while low < high {
                let middle = (low + high) / 2
                if certificates.nameIsBefore(certificate, Int(list[byName[middle]].certificate)) {
                    high = middle
                } else {
                    low = middle + 1
                }
            }
            guard low > 0, certificates.sameName(Int(list[byName[low - 1]].certificate), certificate) else {
                return nil
            }
            return byName[low - 1]
        }
        func sameness(_ candidate: Candidate) -> Sameness {
            let source = lastNamed(Int(candidate.certificate)).map { list[$0] } ?? candidate
            let certificate = Int(source.certificate)
            return Sameness(
                role: source.role, current: certificates.current(certificate),
                target: candidate.interim ? "a classical key and SHA-256" : Self.target(source.role, context: context),
                issuer: source.role == .root ? "itself" : certificates.issuer(certificate),
                expires: certificates.expires(certificate), name: certificates.name(certificate))
        }
        var prerequisiteLabels: [String: String] = [:]
        var groups: [[String]: [Int32]] = [:]
        var order: [[String]] = []
        for (index, candidate) in list.enumerated() {
            let same = sameness(candidate)
            var key = [
                candidate.interim ? "certificate-interim" : "certificate-reissue", "\(same.role.rawValue)",
                same.current, same.target, same.issuer,
                (candidate.interim ? context.asOf : candidates.day(candidate.deadline))?.description ?? "-",
                candidates.rule(candidate) ?? "-",
            ]
            if !candidate.interim {
                if candidate.dependsOn >= 0 { key.append(candidates.issuerIDs[Int(candidate.dependsOn)]) }
                let algorithm = Self.target(candidate.role, context: context)
                if prerequisiteLabels[algorithm] == nil {
                    prerequisiteLabels[algorithm] = Self.prerequisite(algorithm, context: context).label
                }
                key.append(prerequisiteLabels[algorithm] ?? "")
            }
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(Int32(index))
        }
        // The interims by name, for the ids a merged action must not take.
        let interimsByName = list.indices.filter { list[$0].interim }.sorted { left, right in
            certificates.nameIsBefore(Int(list[left].certificate), Int(list[right].certificate))
        }
        var taken: Set<String> = []
        /// True when a candidate has `id` alone, or a merged action took it.
        func used(_ id: String) -> Bool {
            if taken.contains(id) { return true }
            for (prefix, named) in [("certificate-reissue:", byName), ("certificate-interim:", interimsByName)]
            where id.hasPrefix(prefix) {
                let name = String(id.dropFirst(prefix.count))
                var low = 0
                var high = named.count
                while low < high {
                    let middle = (low + high) / 2
                    if certificates.name(Int(list[named[middle]].certificate)) < name {
                        low = middle + 1
                    } else {
                        high = middle
                    }
                }
                if low < named.count, certificates.name(Int(list[named[low]].certificate)) == name { return true }
            }
            return false
        }
        var idMap: [String: String] = [:]
        var actions: [PlanAction] = []
        for key in order {
            guard let indexes = groups.removeValue(forKey: key), let first = indexes.first.map(Int.init) else {
                continue
            }
            let firstAction = fullAction(list[first], candidates, context: context)
            guard indexes.count > 1 else {
                actions.append(firstAction)
                continue
            }
            let same = sameness(list[first])
            let prefix = list[first].interim ? "certificate-interim" : "certificate-reissue"
            let stem = [prefix, same.role.groupLabel, same.current, same.target, "issued by " + same.issuer]
                .joined(separator: ":")
            var id = stem
            var suffix = 2
            while used(id) {
                id = stem + "#\(suffix)"
                suffix += 1
            }
            taken.insert(id)
            // A list the caller files as CSV goes out row by row: the action keeps its examples and counts, so
            // the plan's memory does not follow the certificates.
            var totals =
                if let sink = context.input.assetRows, indexes.count > PlanAssetList.inlineLimit {
                    GroupTotals(rows: sink, list: id)
                } else {
                    GroupTotals()
                }
            for index in indexes {
                let member = list[Int(index)]
                let memberID = candidates.id(member)
                if member.issuerNumber >= 0 { idMap[memberID] = id }
                let findings = candidates.members(member)
                let places = Self.locations(findings, context: context)
                let retires = findings.filter { index in
                    context.needsAction(index) && (!member.interim || context.findings[index].quantumStatus == .broken)
                }.map(context.ref)
                let deadline = member.interim ? context.asOf : candidates.day(member.deadline)
                let memberSame = sameness(member)
                totals.add(
                    locations: places, retires: retires, keeps: [],
                    dependsOn: member.interim || member.dependsOn < 0
                        ? [] : [candidates.issuerIDs[Int(member.dependsOn)]],
                    system: Self.system(places), hours: member.interim ? 2 : member.role.hours, deadline: deadline,
                    asset: PlanAsset(
                        action: memberID, name: memberSame.name, current: memberSame.current, locations: places,
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

    func action(_ certificate: PlanCertificate, _ role: Role, _ members: [Int], _ context: PlanContext) -> PlanAction {
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
        let shortSubject = certificate.subject.isEmpty ? certificate.id : certificate.subject
        return PlanAction(
            id: "certificate-reissue:\(shortSubject)", kind: .certificateReissue,
            phase: .signatures,
            title: "Re-issue the \(role.label) \(shortSubject) with \(algorithm)",
            system: Self.system(paths),
            software: "x509", locations: paths, retires: retires.map(context.ref), rule: deadline.rule,
            ruleSource: deadline.source, deadline: deadline.day, deadlineReason: deadline.reason,
            prerequisites: [Self.prerequisite(algorithm, context: context)],
            change: "new \(algorithm) key and certificate for \(shortSubject), signed by "
                + (role == .root ? "itself" : certificate.issuer)
                + "; replaces \(certificate.replaces) (expires \(CalendarDay(certificate.notAfter)))",
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
