import Foundation
import Testing

@Suite("pqscout plan: formats, patches and exit codes, through the built binary")
struct PlanCommandTests {
    @Test("--format json: phases in order, each action with id, deadline reason, verify and rollback")
    func json() throws {
        let (work, db) = try scannedSample()
        defer { try? FileManager.default.removeItem(at: work) }
        let outcome = try PQScoutBinary.run([
            "plan", "--db", db, "--as-of", "2026-11-27", "--openssh-version", "9.2", "--format", "json",
        ])
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        let plan = try #require(try JSONSerialization.jsonObject(with: outcome.stdout) as? [String: Any])
        #expect(plan["schemaVersion"] as? Int == 1)
        #expect(plan["asOf"] as? String == "2026-11-27")
        let phases = try #require(plan["phases"] as? [[String: Any]])
        let order = ["prerequisites", "key-exchange", "classically-broken", "signatures-and-pki", "long-tail"]
        let kinds = phases.compactMap { $0["kind"] as? String }
        #expect(kinds == order.filter(kinds.contains))
        #expect(kinds.first == "prerequisites")
        let actions = try #require(plan["actions"] as? [[String: Any]])
        #expect(actions.count > 10)
        for action in actions {
            for field in ["id", "kind", "phase", "title", "system", "deadlineReason", "change", "verify", "rollback"] {
                #expect(action[field] != nil, "\(action["id"] ?? "?") lacks \(field)")
            }
            let effort = action["effort"] as? [String: Any]
            #expect((effort?["reasoning"] as? String)?.isEmpty == false)
        }
        let ids = actions.compactMap { $0["id"] as? String }
        #expect(Set(ids).count == ids.count)
        #expect(ids.contains("upgrade:openssh:server"))
        #expect(ids.contains("key-exchange:openssh:etc/ssh/sshd_config:KexAlgorithms"))
    }

    @Test("md and html: the same actions; html is self-contained and escapes what came from files")
    func documents() throws {
        let (work, db) = try scannedSample()
        defer { try? FileManager.default.removeItem(at: work) }
        let md = try PQScoutBinary.run(["plan", "--db", db, "--as-of", "2026-11-27", "--openssh-version", "9.2"])
        #expect(md.status == 0)
        let markdown = String(decoding: md.stdout, as: UTF8.self)
        #expect(markdown.hasPrefix("# Post-quantum migration plan"))
        #expect(markdown.contains("```diff\n--- a/etc/ssh/sshd_config.d/10-hardening.conf"))
        let html = try PQScoutBinary.run([
            "plan", "--db", db, "--as-of", "2026-11-27", "--openssh-version", "9.2", "--format", "html",
        ])
        #expect(html.status == 0)
        let page = String(decoding: html.stdout, as: UTF8.self)
        #expect(page.hasPrefix("<!DOCTYPE html>"))
        #expect(!page.contains("<script"))
        #expect(!page.contains("src=\"http"))
        #expect(!page.contains("href=\"http"))
        #expect(page.contains("Host legacy-switch.mgmt"))
        #expect(page.contains("&gt;= 9.9"))
        #expect(!page.contains(">= 9.9"))
    }

    @Test("--patch DIR writes one patch per patched action, all.patch and a README")
    func patchDirectory() throws {
        let (work, db) = try scannedSample()
        defer { try? FileManager.default.removeItem(at: work) }
        let directory = work.appendingPathComponent("patches").path
        let outcome = try PQScoutBinary.run([
            "plan", "--db", db, "--as-of", "2026-11-27", "--openssh-version", "9.2", "--patch", directory,
        ])
        #expect(outcome.status == 0, "stderr: \(outcome.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        #expect(files.contains("all.patch"))
        #expect(files.contains("README"))
        #expect(files.contains { $0.hasPrefix("01-") && $0.hasSuffix(".patch") })
        let all = try String(contentsOfFile: directory + "/all.patch", encoding: .utf8)
        #expect(all.contains("+++ b/etc/ssh/sshd_config.d/10-hardening.conf"))
        #expect(outcome.stderr.contains("wrote"))
    }

    @Test("--since marks the earlier scan's actions; exit 64 for a bad profile, 2 for a missing store")
    func sinceAndErrors() throws {
        let (work, db) = try scannedSample()
        defer { try? FileManager.default.removeItem(at: work) }
        _ = try PQScoutBinary.run(["scan", sample, "--db", db])
        let since = try PQScoutBinary.run([
            "plan", "--db", db, "--as-of", "2026-11-27", "--since", "1", "--format", "json",
        ])
        #expect(since.status == 0, "stderr: \(since.stderr)")
        let plan = try #require(try JSONSerialization.jsonObject(with: since.stdout) as? [String: Any])
        let progress = try #require(plan["progress"] as? [String: Any])
        #expect(progress["sinceScanID"] as? Int == 1)
        let states = (progress["actions"] as? [[String: Any]] ?? []).compactMap { $0["state"] as? String }
        #expect(!states.isEmpty)
        #expect(states.allSatisfy { $0 == "open" })
        let badProfile = try PQScoutBinary.run(["plan", "--db", db, "--profile", "nope"])
        #expect(badProfile.status == 64)
        #expect(badProfile.stderr.hasPrefix("pqscout: "))
        let missing = try PQScoutBinary.run(["plan", "--db", work.appendingPathComponent("none.db").path])
        #expect(missing.status == 2)
        let badFormat = try PQScoutBinary.run(["plan", "--db", db, "--format", "pdf"])
        #expect(badFormat.status == 64)
    }
}
