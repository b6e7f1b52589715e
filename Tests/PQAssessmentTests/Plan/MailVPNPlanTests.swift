import PQCatalog
import PQModel
import Testing

@testable import PQAssessment

@Suite("The planner on strongSwan proposals and Postfix curves")
struct MailVPNPlanTests {
    static func plan(_ findings: [Finding], file: (String, String), versions: [String: String]) throws -> Plan {
        let policy = try PolicyProfile.bundled("nist-ir-8547")
        let result = try Assessor.assess(
            AssessmentInput(scan: Fixture.scan(), findings: findings),
            options: AssessmentOptions(profile: policy, asOf: Fixture.day("2026-11-27")))
        return MigrationPlanner.plan(
            PlanInput(
                findings: findings, assessment: result, profile: policy,
                files: InMemoryPlanFiles([ScanPath(file.0): Array(file.1.utf8)]), versionOverrides: versions))
    }

    static func ike(_ names: [(String, Int?)], line: Int, context: String = "conn office") -> [Finding] {
        names.map {
            Fixture.finding(
                $0.0, usage: .keyExchange, source: .strongswan, path: "etc/ipsec.conf", line: line, keyBits: $0.1,
                context: context, setting: "ike")
        }
    }

    @Test("strongSwan 6: a ke1_mlkem768 proposal goes first, the peer's proposals stay; dropping modp1024 is opt-in")
    func strongSwanSix() throws {
        let file = "conn %default\n    ike=aes128-sha256-modp1024,aes256gcm16-prfsha384-ecp384!\n"
        let findings = Self.ike([("modp1024", 1024), ("ecp384", nil)], line: 2)
        let plan = try Self.plan(findings, file: ("etc/ipsec.conf", file), versions: ["strongswan": "6.0.1"])
        let action = try #require(plan.actions.first { $0.software == "strongswan" })
        #expect(
            action.patch?.diff.contains(
                "+    ike=aes128-sha256-x25519-ke1_mlkem768,aes256gcm16-prfsha384-ecp384-ke1_mlkem768,"
                    + "aes128-sha256-modp1024,aes256gcm16-prfsha384-ecp384!\n") == true,
            "\(action.patch?.diff ?? "")")
        #expect(action.blockedOn?.contains("conn office") == true)
        #expect(
            action.optInPatch?.diff.contains(
                "+    ike=aes128-sha256-x25519-ke1_mlkem768,aes256gcm16-prfsha384-ecp384-ke1_mlkem768!\n") == true)
        #expect(action.retires.map(\.algorithm) == ["modp1024"])
        #expect(action.phase == .classicallyBroken)
        #expect(plan.action("upgrade:strongswan") == nil)
    }

    @Test("strongSwan 5.9: only the broken exchange is replaced; ML-KEM waits for 6.0 and says why")
    func strongSwanFive() throws {
        let file = "conn legacy\n    ike=aes128-sha256-modp1024\n"
        let plan = try Self.plan(
            Self.ike([("modp1024", 1024)], line: 2), file: ("etc/ipsec.conf", file), versions: ["strongswan": "5.9.8"])
        let action = try #require(plan.actions.first { $0.software == "strongswan" && $0.kind == .keyExchange })
        #expect(action.patch?.diff.contains("+    ike=aes128-sha256-x25519,aes128-sha256-modp1024\n") == true)
        #expect(action.dependsOn.isEmpty)
        #expect(plan.action("upgrade:strongswan")?.phase == .prerequisites)
        let classical = try Self.plan(
            Self.ike([("ecp256", nil)], line: 2), file: ("etc/ipsec.conf", "conn a\n    ike=aes256-sha256-ecp256\n"),
            versions: ["strongswan": "5.9.8"])
        let waiting = try #require(classical.actions.first { $0.software == "strongswan" && $0.kind == .keyExchange })
        #expect(waiting.patch == nil)
        #expect(waiting.patchWithheld?.contains("cannot accept ke1_mlkem768") == true)
        #expect(waiting.dependsOn == ["upgrade:strongswan"])
    }

    @Test("Postfix: X25519MLKEM768 goes first even on OpenSSL 3.0, because Postfix skips unknown groups")
    func postfix() throws {
        let findings = ["X25519", "prime256v1"].map {
            Fixture.finding(
                $0, usage: .group, source: .postfix, path: "etc/postfix/main.cf", line: 3, context: "smtpd",
                setting: "tls_eecdh_auto_curves")
        }
        let file = "# relay\nmyhostname = mx\ntls_eecdh_auto_curves = X25519 prime256v1\n"
        let plan = try Self.plan(findings, file: ("etc/postfix/main.cf", file), versions: ["openssl": "3.0.11"])
        let action = try #require(plan.actions.first { $0.software == "postfix" })
        #expect(action.patch?.diff.contains("+tls_eecdh_auto_curves = X25519MLKEM768 X25519 prime256v1\n") == true)
        #expect(action.prerequisites.first?.satisfied == false)
        #expect(action.prerequisites.first?.note?.contains("skips") == true)
    }
}
