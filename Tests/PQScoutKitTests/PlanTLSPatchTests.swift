import Foundation
import PQModel
import PQScoutKit
import Testing

/// The TLS servers' patches, checked by the real programs Debian ships here (nginx, HAProxy, Apache httpd, and the
/// OpenSSL they link, 3.0 on Debian 12): a list with X25519MLKEM768 is refused by them, the plan's patch is
/// accepted, and the classical-only lists get no patch at all ("the installed version cannot accept it").
@Suite("Plan patches for nginx, HAProxy and Apache, checked with nginx -t, haproxy -c and apache2 -t")
struct PlanTLSPatchTests {
    typealias Support = PlanUseCaseTests

    static let tlsFixtures = repositoryRoot.appendingPathComponent("Tests/PQScannersTests/Fixtures/tls")

    /// The OpenSSL installed here (`OpenSSL 3.0.19 27 Jan 2026`): what the servers below link.
    static func installedOpenSSL() throws -> String {
        let output = try Support.run("/usr/bin/openssl", ["version"]).output
        return output.split(separator: " ").dropFirst().first.map(String.init) ?? "3.0.0"
    }

    static func available(_ program: String) -> Bool { FileManager.default.isExecutableFile(atPath: program) }

    /// Copies a tree, scans it, plans, applies all.patch to a second copy; returns both copies and the plan.
    static func planAndPatch(_ source: URL) throws -> (work: URL, before: URL, after: URL, plan: Plan) {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("pqscout-tls-\(UUID().uuidString)")
        let before = work.appendingPathComponent("before")
        let after = work.appendingPathComponent("after")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: source, to: before)
        try FileManager.default.copyItem(at: source, to: after)
        let store = work.appendingPathComponent("plan.db").path
        _ = try ScanUseCase().run(ScanRequest(roots: [after.path], storePath: store))
        let version = try installedOpenSSL()
        let outcome = try PlanUseCase.run(
            PlanRequest(storePath: store, asOf: CalendarDay("2026-11-27"), opensslVersion: version))
        let patches = work.appendingPathComponent("patches")
        _ = try PlanUseCase.writePatches(outcome, to: patches.path)
        let applied = try Support.run(
            "/usr/bin/patch", ["-p1", "--forward", "--batch"], in: after,
            input: patches.appendingPathComponent("all.patch"))
        #expect(applied.status == 0, "patch: \(applied.output)")
        let first = try InventoryUseCase.document(InventoryRequest(storePath: store, scanID: 1)).findings
        _ = try ScanUseCase().run(ScanRequest(roots: [after.path], storePath: store))
        let second = try InventoryUseCase.document(InventoryRequest(storePath: store, scanID: 2)).findings
        Support.expectRetired(outcome.plan.actions.filter { $0.patch != nil }, before: first, after: second)
        return (work, before, after, outcome.plan)
    }

    static func edit(_ file: URL, _ change: (String) -> String) throws {
        let text = try String(contentsOf: file, encoding: .utf8)
        try Data(change(text).utf8).write(to: file)
    }

    static func selfSignedPair(in work: URL) throws -> (cert: String, key: String) {
        let cert = work.appendingPathComponent("test.crt").path
        let key = work.appendingPathComponent("test.key").path
        let made = try Support.run(
            "/usr/bin/openssl",
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=t",
                "-days", "1", "-keyout", key, "-out", cert,
            ])
        #expect(made.status == 0, "openssl req: \(made.output)")
        return (cert, key)
    }

    @Test("nginx: the dead X25519MLKEM768 list is made acceptable, nginx -t agrees; the classical list waits")
    func nginx() throws {
        let (work, before, after, plan) = try Self.planAndPatch(
            repositoryRoot.appendingPathComponent("sample-inventories/webfarm"))
        defer { try? FileManager.default.removeItem(at: work) }
        let www = try #require(
            plan.actions.first { $0.id.hasPrefix("key-exchange:nginx:etc/nginx/sites-enabled/www.example.org#") })
        #expect(www.patch != nil)
        #expect(www.retires.map(\.algorithm) == ["X25519MLKEM768"])
        #expect(www.prerequisites.contains { $0.requirement.contains("OpenSSL >= 3.5") && $0.satisfied == false })
        // The intranet server does not start: its RSA-1024 certificate fails the system @SECLEVEL=2 ("ee key too
        // small"), so none of its settings is in force and there is no key exchange of it to plan.
        #expect(
            !plan.actions.contains {
                $0.id.hasPrefix("key-exchange:nginx:etc/nginx/sites-enabled/intranet.example.org#")
            })
        #expect(plan.action("upgrade:openssl")?.phase == .prerequisites)

        guard Self.available("/usr/sbin/nginx") else {
            Issue.record("nginx is not installed (apt-get install nginx-light); the real-program check was skipped")
            return
        }
        let pair = try Self.selfSignedPair(in: work)
        func check(_ tree: URL) throws -> (status: Int32, output: String) {
            let site = tree.appendingPathComponent("etc/nginx/sites-enabled/www.example.org")
            try Self.edit(site) { text in
                text.split(separator: "\n", omittingEmptySubsequences: false).compactMap { line -> String? in
                    if line.contains("ssl_certificate_key") { return nil }
                    if line.contains("ssl_certificate ") {
                        return "    ssl_certificate \(pair.cert); ssl_certificate_key \(pair.key);"
                    }
                    return line.replacingOccurrences(of: "api.example.org", with: "127.0.0.1")
                }.joined(separator: "\n")
            }
            let conf = tree.appendingPathComponent("test-nginx.conf")
            try Data(
                "pid \(tree.path)/nginx.pid;\nerror_log stderr;\nevents {}\nhttp {\n    include \(site.path);\n}\n".utf8
            ).write(to: conf)
            return try Support.run(
                "/usr/sbin/nginx", ["-t", "-q", "-p", tree.path, "-c", conf.path, "-g", "user root;"])
        }
        let refused = try check(before)
        #expect(refused.status != 0, "nginx accepted X25519MLKEM768 on this OpenSSL: \(refused.output)")
        let accepted = try check(after)
        #expect(accepted.status == 0, "nginx -t rejected the patched site: \(accepted.output)")
    }

    @Test("HAProxy: ssl-default-bind-curves without the unknown group passes haproxy -c; bind curves waits")
    func haproxy() throws {
        let (work, before, after, plan) = try Self.planAndPatch(Self.tlsFixtures.appendingPathComponent("haproxy"))
        defer { try? FileManager.default.removeItem(at: work) }
        let global = try #require(
            plan.actions.first { $0.software == "haproxy" && $0.patch != nil && $0.kind == .keyExchange })
        #expect(global.patch?.diff.contains("+    ssl-default-bind-curves X25519:P-256\n") == true)
        // The :8443 bind's own curves are not in force while the global list stops HAProxy (every bind is set up at
        // start): the plan makes HAProxy start, and the scan after it plans that bind.
        let bind = plan.actions.filter { $0.software == "haproxy" && $0.kind == .keyExchange && $0.patch == nil }
        #expect(bind.isEmpty, "\(bind.map(\.title))")

        guard Self.available("/usr/sbin/haproxy") else {
            Issue.record("haproxy is not installed (apt-get install haproxy); the real-program check was skipped")
            return
        }
        func check(_ tree: URL) throws -> (status: Int32, output: String) {
            let cfg = tree.appendingPathComponent("etc/haproxy/haproxy.cfg")
            try Self.edit(cfg) { text in
                text.replacingOccurrences(
                    of: "crt-base /etc/haproxy/certs", with: "crt-base \(tree.path)/etc/haproxy/certs"
                )
                .replacingOccurrences(of: "verify required ca-file /etc/ssl/certs/ca.pem", with: "verify none")
            }
            return try Support.run("/usr/sbin/haproxy", ["-c", "-q", "-f", cfg.path])
        }
        let refused = try check(before)
        #expect(refused.status != 0, "haproxy accepted X25519MLKEM768 on this OpenSSL: \(refused.output)")
        let accepted = try check(after)
        #expect(accepted.status == 0, "haproxy -c rejected the patched config: \(accepted.output)")
    }

    @Test("Apache: SSLOpenSSLConfCmd Groups patched; apache2 -t accepts the file and OpenSSL the new group list")
    func apache() throws {
        let (work, _, after, plan) = try Self.planAndPatch(Self.tlsFixtures.appendingPathComponent("apache"))
        defer { try? FileManager.default.removeItem(at: work) }
        let groups = try #require(
            plan.actions.first { $0.software == "apache" && $0.patch != nil && $0.kind == .keyExchange })
        let diff = try #require(groups.patch?.diff)
        #expect(diff.contains("+\t\tSSLOpenSSLConfCmd Groups X25519\n"))
        let curves = plan.actions.first { $0.locations.contains { $0.path.hasSuffix("mods-enabled/ssl.conf") } }
        #expect(curves?.patch == nil)

        // mod_ssl applies SSLOpenSSLConfCmd at start-up, after `-t`: the list itself goes to the same libssl.
        let refused = try Support.run(
            "/usr/bin/openssl", ["s_client", "-groups", "X25519MLKEM768:X25519", "-connect", "127.0.0.1:9"])
        #expect(refused.output.contains("cannot be set") || refused.output.contains("failed"))
        let accepted = try Support.run(
            "/usr/bin/openssl", ["s_client", "-groups", "X25519", "-connect", "127.0.0.1:9"])
        #expect(!accepted.output.contains("cannot be set"), "\(accepted.output)")

        guard Self.available("/usr/sbin/apache2") else {
            Issue.record("apache2 is not installed (apt-get install apache2); the real-program check was skipped")
            return
        }
        let root = after.appendingPathComponent("etc/apache2")
        try Self.edit(root.appendingPathComponent("apache2.conf")) {
            $0.replacingOccurrences(of: "ServerRoot \"/etc/apache2\"", with: "ServerRoot \"\(root.path)\"")
        }
        try Self.edit(root.appendingPathComponent("sites-enabled/default-ssl.conf")) {
            $0.replacingOccurrences(of: "/etc/ssl/", with: "\(after.path)/etc/ssl/")
        }
        let syntax = try Support.run(
            "/usr/sbin/apache2",
            [
                "-t", "-d", root.path, "-f", root.appendingPathComponent("apache2.conf").path, "-C",
                "LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so", "-C",
                "LoadModule ssl_module /usr/lib/apache2/modules/mod_ssl.so", "-C", "ErrorLog /dev/null",
            ])
        #expect(syntax.status == 0, "apache2 -t: \(syntax.output)")
    }
}
