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

    @Test("systems worked out once per place: a place repeated gets the system it gets alone; blocks stay apart")
    func systemsPerPlace() {
        let places = [
            Fixture.finding(
                "X25519", usage: .group, source: "nginx", path: "etc/nginx/sites/a.conf", context: "server a"),
            Fixture.finding(
                "X25519", usage: .group, source: "nginx", path: "etc/nginx/sites/a.conf", context: "server b"),
            Fixture.finding("X25519", usage: .group, source: "nginx", path: "etc/ssl/shared.conf"),
            Fixture.finding("X25519", usage: .group, source: "openssl-conf", path: "etc/ssl/shared.conf"),
            Fixture.finding("RSA", usage: .publicKey, source: "x509", path: "etc/ssl/certs/a.pem", keyBits: 2048),
            Fixture.finding("X25519", usage: .group, source: "dovecot", path: "srv/conf/mail.conf", context: "one"),
            Fixture.finding("X25519", usage: .group, source: "dovecot", path: "srv/conf/mail.conf", context: "two"),
        ]
        let once = AssessedSystems.resolve(places)
        let repeated = (0..<3).flatMap { _ in places }
        #expect(AssessedSystems.resolve(repeated).map(\.id) == (0..<3).flatMap { _ in once.map(\.id) })
        #expect(
            once.map(\.id) == [
                "nginx:etc/nginx", "nginx:etc/nginx", "nginx:etc/nginx", "openssl-conf:etc/ssl/shared.conf",
                "store:etc/ssl/certs", "dovecot:srv/conf/mail.conf#one", "dovecot:srv/conf/mail.conf#two",
            ])
        #expect(
            AssessedSystems.group(resolved: AssessedSystems.resolve(repeated)).map(\.system.id)
                == AssessedSystems.group(repeated).map(\.system.id))
    }
    @Test("places are numbered in first-seen order and each distinct system is held once, not once per place")
    func placesHoldEachSystemOnce() {
        var places = AssessedSystems.Places()
        var numbers: [Int] = []
        // 1,000 certificate files of one directory (one store system) and 20 nginx files (20 systems), interleaved.
        for index in 0..<1_000 {
            numbers.append(
                places.add(
                    Fixture.finding(
                        "RSA", usage: .publicKey, source: "x509", path: "etc/ssl/certs/c\(index).pem", keyBits: 2048)))
            if index % 50 == 0 {
                numbers.append(
                    places.add(
                        Fixture.finding(
                            "X25519", usage: .group, source: "nginx", path: "srv/site\(index)/nginx.conf")))
            }
        }
        #expect(numbers == Array(0..<1_020))
        #expect(places.count == 1_020)
        let resolved = places.resolved()
        #expect(resolved.count == 1_020)
        #expect(places.aloneCount == 21)
        #expect(resolved[0].id == "store:etc/ssl/certs")
        #expect(resolved[1].id.hasPrefix("nginx:srv/site0"))
        // A place met again after another file's findings is numbered again, with the same system (only the
        // current file's places are remembered).
        let again = Fixture.finding(
            "RSA", usage: .publicKey, source: "x509", path: "etc/ssl/certs/c7.pem", keyBits: 2048)
        #expect(places.add(again) == 1_020)
        #expect(places.add(again) == 1_020)
        #expect(places.counts[1_020] == 2)
        #expect(places.aloneCount == 21)
        #expect(places.resolved()[1_020] == places.resolved()[8])
    }

    @Test("a second walk numbers the places as the first did, blocks of one file interleaved")
    func placesNumberedAgainAlike() {
        let block = { (context: String?, path: String) in
            var finding = Fixture.finding("X25519", usage: .group, source: "nginx", path: path)
            finding.context = context
            return finding
        }
        let findings = [
            block("server a", "srv/www/a.conf"), block("server b", "srv/www/a.conf"),
            block("server a", "srv/www/a.conf"), block(nil, "srv/www/a.conf"),
            block("server a", "srv/www/b.conf"), block("server a", "srv/www/a.conf"),
        ]
        var places = AssessedSystems.Places()
        let first = findings.map { places.add($0) }
        #expect(first == [0, 1, 0, 2, 3, 4])
        var numbering = AssessedSystems.Places.Numbering()
        #expect(findings.map { numbering.number(of: $0).number } == first)
        #expect(numbering.count == places.count)
        let resolved = places.resolved()
        #expect(resolved[4] == resolved[0])
        #expect(resolved[0].context == "server a")
        #expect(resolved[2].context == nil)
    }

    @Test("judge gives every finding the verdict and waiver assess gives it, with and without overrides and waivers")
    func judgeEqualsAssess() throws {
        let policy = try PolicyProfile.bundled("eu-pqc-roadmap")
        let findings =
            AssessorTests.findings
            + AssessorTests.findings.map { finding in
                var copy = finding
                copy.effective = false
                return copy
            }
        let waiver = AssessorTests.legacyWaiver
        let variants: [AssessmentOptions] = [
            AssessmentOptions(profile: policy, asOf: Fixture.day("2031-01-01")),
            AssessmentOptions(
                profile: policy, asOf: Fixture.day("2027-06-30"),
                systemOverrides: [SystemOverride(selector: "nginx:etc/nginx", category: "high-risk")],
                waivers: [waiver]),
            AssessmentOptions(profile: policy, asOf: Fixture.day("2027-07-01"), waivers: [waiver]),
        ]
        for options in variants {
            let input = AssessmentInput(scan: Fixture.scan(), findings: findings, assets: AssessorTests.assets)
            let full = try Assessor.assess(input, options: options)
            let judged = try Assessor.judge(input, options: options)
            #expect(judged.count == findings.count)
            #expect(judged.waivedCount == full.findings.filter(\.isWaived).count)
            for assessed in full.findings {
                let judgement = try #require(judged[assessed.finding.index])
                #expect(judgement.verdict == assessed.verdict, "\(assessed.finding.label)")
                #expect(judgement.isWaived == assessed.isWaived, "\(assessed.finding.label)")
            }
            // What the planner reads is the same whichever way it was made.
            let fromResult = FindingJudgements(full, findings: findings)
            for index in findings.indices { #expect(fromResult[index] == judged[index]) }
        }
        #expect(
            try Assessor.judge(
                AssessmentInput(scan: Fixture.scan(), findings: findings, assets: AssessorTests.assets),
                options: variants[1]
            ).waivedCount == 2)
    }

    @Test("a stale assessment entry (another finding at its index) is ignored, not applied")
    func staleEntryIgnored() throws {
        let policy = try PolicyProfile.bundled("nist-ir-8547")
        let findings = AssessorTests.findings
        let full = try Assessor.assess(
            AssessmentInput(scan: Fixture.scan(), findings: findings),
            options: AssessmentOptions(profile: policy, asOf: Fixture.day("2031-01-01")))
        var shifted = findings
        shifted.swapAt(0, 1)
        let judged = FindingJudgements(full, findings: shifted)
        #expect(judged[0] == nil)
        #expect(judged[1] == nil)
        #expect(judged[2] != nil)
        #expect(judged[findings.count] == nil)
    }

    @Test("systems scored as their last finding is judged: interleaved systems get the scores of all their findings")
    func systemsScoredOnTheirLastFinding() throws {
        let policy = try PolicyProfile.bundled("nist-ir-8547")
        // Two certificate directories and an nginx whose findings alternate, the nginx's shared file last.
        let findings =
            (0..<12).map { number -> Finding in
                switch number % 3 {
                case 0:
                    Fixture.finding(
                        "RSA", usage: .publicKey, source: "x509", path: "etc/ssl/certs/c\(number).pem", keyBits: 2048)
                case 1:
                    Fixture.finding(
                        number < 6 ? "X25519MLKEM768" : "X25519", usage: .group, source: "nginx",
                        path: "etc/nginx/sites/s\(number).conf", context: "server s\(number)")
                default:
                    Fixture.finding(
                        "ML-DSA-65", usage: .publicKey, source: "x509", path: "srv/keys/k\(number).pem", keyBits: nil)
                }
            } + [Fixture.finding("TLSv1", usage: .protocolVersion, source: "nginx", path: "etc/ssl/shared.conf")]
        let options = AssessmentOptions(profile: policy, asOf: Fixture.day("2031-01-01"))
        let result = try Assessor.assess(AssessmentInput(scan: Fixture.scan(), findings: findings), options: options)
        let scorer = AgilityScorer()
        let systems = AssessedSystems.resolve(findings)
        let expected = AssessedSystems.group(resolved: systems).map { group in
            var score = scorer.score(
                system: group.system,
                items: group.indexes.map {
                    AgilityScorer.Item(ref: FindingRef(index: $0, finding: findings[$0]), finding: findings[$0])
                },
                software: [], asOf: options.asOf)
            score.mosca = RiskPrioritizer().mosca(asOf: options.asOf)
            return score
        }
        #expect(result.systems.map(\.system.id) == ["nginx:etc/nginx", "store:etc/ssl/certs", "store:srv/keys"])
        #expect(result.systems == expected)
        #expect(result.systems.first?.findingCount == 5)
    }

    @Test("systems numbered in id order: one number per system, counts summed, a certificate makes a certificate store")
    func systemsNumberedInIDOrder() {
        // A key before a certificate in one directory, and an nginx's shared file before its own file.
        let findings = [
            Fixture.finding("TLSv1", usage: .protocolVersion, source: "nginx", path: "etc/ssl/shared.conf"),
            Fixture.finding("RSA", usage: .publicKey, source: "private-key", path: "etc/ssl/k.key", keyBits: 2048),
            Fixture.finding("X25519", usage: .group, source: "nginx", path: "etc/nginx/nginx.conf"),
            Fixture.finding("X25519", usage: .group, source: "nginx", path: "etc/nginx/nginx.conf"),
            Fixture.finding("RSA", usage: .publicKey, source: "x509", path: "etc/ssl/c.pem", keyBits: 2048),
            Fixture.finding("RSA", usage: .publicKey, source: "x509", path: "srv/certs/a.pem", keyBits: 2048),
        ]
        var places = AssessedSystems.Places()
        let placeNumbers = findings.map { places.add($0) }
        let numbers = Assessor.SystemNumbers(places.resolved(), counts: places.counts)
        let grouped = AssessedSystems.group(findings)
        #expect(numbers.count == grouped.count)
        #expect((0..<numbers.count).map { numbers[$0] } == grouped.map(\.system))
        #expect(numbers.counts == grouped.map(\.indexes.count))
        #expect(numbers[1].kind == .certificateStore)
        for (index, place) in placeNumbers.enumerated() {
            let number = Int(numbers.ofPlace[place])
            #expect(grouped[number].indexes.contains(index))
        }
    }

    @Test("findings that change between the two walks are refused, not judged against the wrong systems")
    func changedWalkRefused() throws {
        let policy = try PolicyProfile.bundled("nist-ir-8547")
        let findings = AssessorTests.findings
        var walks = 0
        let source = AssessmentSource(scan: Fixture.scan()) { body in
            walks += 1
            for finding in walks == 1 ? findings : Array(findings.dropLast()) { try body(finding) }
        }
        #expect(throws: AssessmentError.self) {
            _ = try Assessor.assess(
                source, options: AssessmentOptions(profile: policy, asOf: Fixture.day("2031-01-01"))
            ) { _ in }
        }
    }
}
