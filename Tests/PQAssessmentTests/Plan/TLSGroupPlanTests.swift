import PQCatalog
import PQModel
import Testing

@testable import PQAssessment

@Suite("The planner on TLS group lists: nginx, Apache, HAProxy and openssl.cnf")
struct TLSGroupPlanTests {
    static func groups(
        _ names: [String], source: FindingSource, path: String, line: Int, setting: String,
        context: String = "server www.example.org:443"
    ) -> [Finding] {
        names.map {
            Fixture.finding(
                $0, usage: .group, source: source, path: path, line: line, context: context, setting: setting)
        }
    }

    static func plan(_ findings: [Finding], file: (String, String), openssl: String?) throws -> Plan {
        let policy = try PolicyProfile.bundled("nist-ir-8547")
        let result = try Assessor.assess(
            AssessmentInput(scan: Fixture.scan(), findings: findings),
            options: AssessmentOptions(profile: policy, asOf: Fixture.day("2026-11-27")))
        return MigrationPlanner.plan(
            PlanInput(
                findings: findings, assessment: result, profile: policy,
                files: InMemoryPlanFiles([ScanPath(file.0): Array(file.1.utf8)]),
                versionOverrides: openssl.map { ["openssl": $0] } ?? [:]))
    }

    static func input(_ findings: [Finding]) throws -> PlanInput {
        let policy = try PolicyProfile.bundled("nist-ir-8547")
        let result = try Assessor.assess(
            AssessmentInput(scan: Fixture.scan(), findings: findings),
            options: AssessmentOptions(profile: policy, asOf: Fixture.day("2026-11-27")))
        return PlanInput(findings: findings, assessment: result, profile: policy)
    }

    @Test(
        "OpenSSL 3.5: the hybrid goes first, every classical group the profile allows stays; each server's own syntax",
        arguments: [
            (
                FindingSource.nginx, "ssl_ecdh_curve", "    ssl_ecdh_curve X25519:prime256v1:secp521r1;\n",
                "+    ssl_ecdh_curve X25519MLKEM768:X25519:prime256v1:secp521r1;\n"
            ),
            (
                FindingSource.apache, "SSLOpenSSLConfCmd Groups",
                "\tSSLOpenSSLConfCmd Groups X25519:prime256v1:secp521r1\n",
                "+\tSSLOpenSSLConfCmd Groups X25519MLKEM768:X25519:prime256v1:secp521r1\n"
            ),
            (
                FindingSource.haproxy, "bind curves",
                "    bind :443 ssl crt a.pem curves X25519:prime256v1:secp521r1 alpn h2\n",
                "+    bind :443 ssl crt a.pem curves X25519MLKEM768:X25519:prime256v1:secp521r1 alpn h2\n"
            ),
            (
                FindingSource.opensslConf, "Groups", "Groups = X25519:prime256v1:secp521r1\n",
                "+Groups = X25519MLKEM768:X25519:prime256v1:secp521r1\n"
            ),
        ])
    func hybridFirst(source: FindingSource, setting: String, line: String, expected: String) throws {
        let findings = Self.groups(
            ["X25519", "prime256v1", "secp521r1"], source: source, path: "etc/x.conf", line: 1, setting: setting)
        let plan = try Self.plan(findings, file: ("etc/x.conf", line), openssl: "3.5.1")
        let action = try #require(plan.actions.first { $0.software == source.rawValue })
        #expect(action.patch?.diff.contains(expected) == true, "\(action.patch?.diff ?? action.patchWithheld ?? "")")
        #expect(action.retires.isEmpty)
        #expect(Set(action.keeps.map(\.algorithm)) == ["X25519", "prime256v1", "secp521r1"])
        #expect(plan.action("upgrade:openssl") == nil)
    }

    @Test("OpenSSL 3.0: no patch for a classical list; the plan says the installed version cannot accept it")
    func oldOpenSSL() throws {
        let findings = Self.groups(
            ["secp384r1", "prime256v1"], source: .nginx, path: "etc/nginx/site", line: 1,
            setting: "ssl_conf_command Groups")
        let plan = try Self.plan(
            findings, file: ("etc/nginx/site", "ssl_conf_command Groups secp384r1:prime256v1;\n"), openssl: "3.0.11")
        let action = try #require(plan.actions.first { $0.kind == .keyExchange })
        #expect(action.patch == nil)
        #expect(action.patchWithheld?.contains("cannot accept X25519MLKEM768 (added in 3.5)") == true)
        #expect(action.prerequisites.first?.label.contains("installed: 3.0.11") == true)
        #expect(action.dependsOn == ["upgrade:openssl"])
        #expect(plan.actions.first?.id == "upgrade:openssl")
    }

    @Test("a client openssl.cnf offering only secp521r1 keeps it: the server drops no group the profile allows")
    func clientCompatibility() throws {
        var findings = Self.groups(
            ["X25519", "secp521r1"], source: .nginx, path: "etc/x.conf", line: 1, setting: "ssl_ecdh_curve")
        findings += Self.groups(
            ["secp521r1"], source: .opensslConf, path: "etc/ssl/openssl.cnf", line: 9, setting: "Groups",
            context: "system_default")
        findings += Self.groups(
            ["X25519"], source: .opensslConf, path: "etc/pki/openssl.cnf", line: 3, setting: "Groups",
            context: "system_default")
        let plan = try Self.plan(findings, file: ("etc/x.conf", "ssl_ecdh_curve X25519:secp521r1;\n"), openssl: "3.5.0")
        let action = try #require(plan.actions.first { $0.software == "nginx" })
        #expect(action.patch?.diff.contains("+ssl_ecdh_curve X25519MLKEM768:X25519:secp521r1;") == true)
        #expect(action.compatibility.isEmpty)
        let dropped = TLSGroupActionBuilder.compatibility(
            offered: ["X25519MLKEM768", "X25519"], server: findings[0],
            context: PlanContext(input: try Self.input(findings)))
        #expect(dropped.map(\.peer) == ["etc/ssl/openssl.cnf (system_default)"])
    }

    @Test("a group list on one line is found after its keyword, whatever surrounds it")
    func replaceList() {
        #expect(
            TLSGroupActionBuilder.replacingList(
                in: "ssl_conf_command Groups a:b;", after: "ssl_conf_command Groups", with: "x")
                == "ssl_conf_command Groups x;")
        #expect(TLSGroupActionBuilder.replacingList(in: "Groups=a:b", after: "Groups", with: "x") == "Groups=x")
        #expect(TLSGroupActionBuilder.replacingList(in: "# Groups a", after: "Groups", with: "x") == nil)
        #expect(TLSGroupActionBuilder.replacingList(in: "curves", after: "bind curves", with: "x") == nil)
    }
}
