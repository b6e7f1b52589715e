import Foundation
import PQCatalog
import PQModel
import PQTestSupport
import Testing

@testable import PQAssessment

/// Issue 20: the certificate builder groups small per-certificate candidates and writes one action per group. The
/// plan must be the one the builder made when it wrote one action per certificate and merged them afterwards: the
/// reference below is that builder, as it was before the change (81de605), kept here to compare against.
@Suite("Certificate re-issues merged as they are built make the plan the one-by-one builder made")
struct CertificateGroupingTests {
    static let asOf = Fixture.day("2026-11-27")

    /// A mix that interleaves every group key: roles, key sizes, issuers, broken signatures (interim actions),
    /// deadlines, expired certificates, a subject used twice, and leaves whose issuer is planned or not.
    static func certificates(_ count: Int, seed: UInt64) -> [(Asset, [Finding])] {
        var random = SeededGenerator(seed: seed)
        var out: [(Asset, [Finding])] = [
            PlanRegressionTests.certificate(
                "root", subject: "CN=root", issuer: "CN=root", ca: true, until: "2045-01-01"),
            PlanRegressionTests.certificate(
                "ica1", subject: "CN=ica1", issuer: "CN=root", ca: true, until: "2033-01-01"),
            PlanRegressionTests.certificate(
                "ica2", subject: "CN=ica2", issuer: "CN=root", ca: true, until: "2027-06-01", bits: 2048),
        ]
        let issuers = ["CN=ica1", "CN=ica2", "CN=elsewhere"]
        let bits = [2048, 3072, 1024]
        let untils = ["2026-07-04", "2027-01-01", "2029-01-01", "2031-05-05"]
        for number in 0..<count {
            // Names out of order, so the builder's sort by subject decides the rows' order, not the input's.
            let name = "host\((number * 7919) % count)"
            let subject = number % 97 == 5 ? "CN=twice.example.org" : "CN=\(name).example.org"
            let signature = random.next() % 11 == 0 ? "RSA-SHA1" : "RSA-SHA256"
            out.append(
                PlanRegressionTests.certificate(
                    name, subject: subject, issuer: issuers[Int(random.next() % 3)], ca: false,
                    until: untils[Int(random.next() % 4)], signature: signature, bits: bits[Int(random.next() % 3)]))
        }
        return out
    }

    static func plans(_ certificates: [(Asset, [Finding])]) throws -> (new: Plan, reference: Plan) {
        let findings = certificates.flatMap(\.1)
        let assets = certificates.map(\.0)
        let policy = try PolicyProfile.bundled("nist-ir-8547")
        let result = try Assessor.assess(
            AssessmentInput(scan: Fixture.scan(), findings: findings, assets: assets),
            options: AssessmentOptions(profile: policy, asOf: asOf))
        let input = PlanInput(findings: findings, assets: assets, assessment: result, profile: policy)
        return (
            MigrationPlanner.plan(input, builders: [CertificateActionBuilder()]),
            MigrationPlanner.plan(input, builders: [OneByOneCertificateBuilder()])
        )
    }

    @Test(
        "600 certificates over interleaved groups: the same plan, action for action, row for row",
        arguments: [1, 2, 3] as [UInt64])
    func sameAsOneByOne(seed: UInt64) throws {
        let (new, reference) = try Self.plans(Self.certificates(600, seed: seed))
        #expect(new.actions.count == reference.actions.count)
        for (made, expected) in zip(new.actions, reference.actions) {
            #expect(made == expected, "action \(expected.id)")
        }
        #expect(new == reference)
        // The mix really has merged groups, singletons, interim actions and dependencies to compare.
        #expect(new.actions.contains { ($0.assetList?.count ?? 0) > 50 })
        #expect(new.actions.contains { $0.assetList == nil })
        #expect(new.actions.contains { $0.id.hasPrefix("certificate-interim:") && $0.assetList != nil })
        #expect(new.actions.contains { !$0.dependsOn.isEmpty && $0.assetList != nil })
    }

    @Test("subjects beyond ASCII (one spelled two ways), empty subjects and issuers among them: the same plan")
    func sameAsOneByOneWithUnusualNames() throws {
        var mix = Self.certificates(120, seed: 7)
        let names = ["CN=Zürich CA", "CN=Zu\u{308}rich CA", "CN=émile", "CN=Émile", "", "", "CN=zebra", "CN=Ωmega"]
        for (number, subject) in names.enumerated() {
            mix.append(
                PlanRegressionTests.certificate(
                    "odd\(number)", subject: subject, issuer: number % 2 == 0 ? "CN=Zürich CA" : "CN=ica1",
                    ca: number < 2, until: "2031-05-05", signature: number == 5 ? "RSA-SHA1" : "RSA-SHA256",
                    bits: 2048))
        }
        let (new, reference) = try Self.plans(mix)
        #expect(new == reference)
        #expect(new.actions.contains { $0.dependsOn.contains("certificate-reissue:CN=Zürich CA") })
    }

    /// Takes the rows as `plan --output` parks them.
    final class RecordedRows: PlanAssetRowSink, @unchecked Sendable {
        var rows: [String: [PlanAsset]] = [:]
        func add(_ row: PlanAsset, list: String) { rows[list, default: []].append(row) }
    }

    @Test(
        "rows given to a sink: each long list's rows go there in order, the action keeps what its document shows",
        arguments: [1, 2] as [UInt64])
    func parkedRows(seed: UInt64) throws {
        var certificates = Self.certificates(400, seed: seed)
        // Places shared between certificates (a bundle's path) and a certificate found in two files: the counts
        // of distinct places must still hold.
        for index in stride(from: 10, to: certificates.count, by: 9) {
            certificates[index].1 = certificates[index].1.map { finding in
                var copy = finding
                copy.path = ScanPath("etc/ssl/bundle.p7b")
                copy.line = nil
                return copy
            }
        }
        for index in stride(from: 11, to: certificates.count, by: 13) {
            certificates[index].1 += certificates[index].1.map { finding in
                var copy = finding
                copy.path = ScanPath("srv/copy/\(index).pem")
                return copy
            }
        }
        let findings = certificates.flatMap(\.1)
        let assets = certificates.map(\.0)
        let policy = try PolicyProfile.bundled("nist-ir-8547")
        let result = try Assessor.assess(
            AssessmentInput(scan: Fixture.scan(), findings: findings, assets: assets),
            options: AssessmentOptions(profile: policy, asOf: Self.asOf))
        var input = PlanInput(findings: findings, assets: assets, assessment: result, profile: policy)
        let whole = MigrationPlanner.plan(input, builders: [CertificateActionBuilder()])
        let sink = RecordedRows()
        input.assetRows = sink
        let bounded = MigrationPlanner.plan(input, builders: [CertificateActionBuilder()])
        #expect(bounded.actions.count == whole.actions.count)
        var parked = 0
        for (made, full) in zip(bounded.actions, whole.actions) {
            guard let list = full.assetList, list.count > PlanAssetList.inlineLimit else {
                #expect(made == full, "action \(full.id)")
                #expect(sink.rows[full.id] == nil)
                continue
            }
            parked += 1
            #expect(sink.rows[full.id] == list.assets, "rows of \(full.id)")
            let examples = Array((list.assets ?? []).prefix(PlanAssetList.inlineLimit))
            #expect(made.assetList?.assets == examples)
            #expect(made.assetList?.allPlaces == full.locations.count)
            #expect(made.assetList?.allRetires == full.retires.count)
            #expect(made.placeCount == full.placeCount && made.retireCount == full.retireCount)
            // What the documents read: the examples' places and findings, and the first few of each.
            let places = Set(examples.flatMap(\.locations))
            let kept = full.locations.prefix { places.contains($0) }.count
            #expect(made.locations == Array(full.locations.prefix(max(kept, PlanAssetList.shownPlaces))))
            let findings = examples.map(\.findings).reduce(0, +)
            #expect(made.retires == Array(full.retires.prefix(max(findings, PlanAssetList.shownFindings))))
            if list.count > 20 {
                #expect(made.locations.count < full.locations.count && made.retires.count < full.retires.count)
            }
            var restored = made
            restored.locations = full.locations
            restored.retires = full.retires
            restored.assetList = list
            #expect(restored == full, "action \(full.id)")
        }
        #expect(parked > 3)
        // Some list's members share a place, so its distinct places are fewer than its rows name.
        #expect(
            whole.actions.contains { action in
                (action.assetList?.assets ?? []).map(\.locations.count).reduce(0, +) > action.locations.count
            })
    }

    @Test("a merged group lists its certificates sorted by subject, whatever order the scan found them in")
    func rowOrder() throws {
        let leaves = [5, 3, 9, 1, 7].map {
            PlanRegressionTests.certificate(
                "l\($0)", subject: "CN=l\($0).example.org", issuer: "CN=ca", ca: false, until: "2029-01-01", bits: 2048)
        }
        let others = [4, 2].map {
            PlanRegressionTests.certificate(
                "k\($0)", subject: "CN=k\($0).example.org", issuer: "CN=ca", ca: false, until: "2029-01-01", bits: 3072)
        }
        // Two keys interleaved in the input: 2048, 3072, 2048, ...
        let mixed = [leaves[0], others[0], leaves[1], leaves[2], others[1], leaves[3], leaves[4]]
        let (plan, reference) = try Self.plans(mixed)
        #expect(plan == reference)
        let groups = plan.actions.filter { $0.assetList != nil }
        #expect(groups.count == 2)
        let rows = try #require(groups.first { $0.assetList?.count == 5 }?.assetList?.assets)
        #expect(rows.map(\.name) == [1, 3, 5, 7, 9].map { "CN=l\($0).example.org" })
        #expect(rows.map { $0.locations.first?.path } == [1, 3, 5, 7, 9].map { "etc/ssl/l\($0).pem" })
        #expect(rows.map(\.action) == [1, 3, 5, 7, 9].map { "certificate-reissue:CN=l\($0).example.org" })
        let small = try #require(groups.first { $0.assetList?.count == 2 })
        #expect(small.assetList?.assets?.map(\.name) == ["CN=k2.example.org", "CN=k4.example.org"])
        #expect(small.title == "Re-issue 2 end-entity certificates (RSA-3072) with ML-DSA-65")
        #expect(small.effort.hours == 4)
    }
}

/// The certificate builder as it was before issue 20's change: one whole action per certificate, merged afterwards.
struct OneByOneCertificateBuilder: PlanActionBuilder {
    let builder = CertificateActionBuilder()
    var family: String { "x509" }

    func reads(_ finding: Finding) -> Bool { builder.reads(finding) }
    func handles(_ finding: Finding) -> Bool { builder.handles(finding) }

    func actions(_ context: PlanContext) -> [PlanAction] {
        let certificates = context.input.certificates
        let assets = Dictionary((0..<certificates.count).map { (certificates[$0].id, certificates[$0]) }) { first, _ in
            first
        }
        var byAsset: [String: [Int]] = [:]
        var order: [String] = []
        for (index, finding) in context.findings.enumerated()
        where CertificateActionBuilder.certificateSources.contains(finding.source) {
            guard let asset = finding.asset, assets[asset] != nil else { continue }
            if byAsset[asset] == nil { order.append(asset) }
            byAsset[asset, default: []].append(index)
        }
        var planned: [(role: CertificateActionBuilder.Role, subject: String, issuer: String, action: PlanAction)] = []
        var sameness: [String: CertificateActionBuilder.Sameness] = [:]
        for assetID in order {
            guard let members = byAsset[assetID], let details = assets[assetID],
                members.contains(where: context.needsAction)
            else { continue }
            // An expired certificate protects nothing and needs no migration: it is removed, not re-issued.
            guard CalendarDay(details.notAfter) >= context.asOf else { continue }
            let role: CertificateActionBuilder.Role =
                details.isCA == true ? (details.selfSigned ? .root : .intermediate) : .leaf
            let action = builder.action(details, role, members, context)
            planned.append((role, details.subject, details.issuer, action))
            sameness[action.id] = CertificateActionBuilder.Sameness(
                role: role, current: details.current,
                target: CertificateActionBuilder.target(role, context: context),
                issuer: role == .root ? "itself" : details.issuer, expires: CalendarDay(details.notAfter),
                name: details.subject.isEmpty ? details.id : details.subject)
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
            let interim = builder.interimAction(action, context: context)
            sameness[interim.id] = sameness[action.id].map { same in
                var copy = same
                copy.target = "a classical key and SHA-256"
                return copy
            }
            result.append(interim)
        }
        return Self.grouped(result, sameness: sameness)
    }

    static func grouped(_ actions: [PlanAction], sameness: [String: CertificateActionBuilder.Sameness]) -> [PlanAction]
    {
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

}
