import Foundation
import PQModel
import PQScoutKit
import Testing

/// Issue 21 item 5, the plan's part: what a hostile file name, `server_name` or certificate subject can do to the
/// commands the plan tells an operator to run, to the terminal that prints it, to `patch -p1` and to Markdown.
/// Each case is the minimal case; the shell, `patch` and the renderers are the oracles.
@Suite("Plan output under hostile names: quoted commands, no control characters, patchable paths")
struct PlanInjectionTests {
    typealias Support = PlanUseCaseTests

    static let injected = "$(id>&2)"

    /// A tree with a certificate named `$(id>&2).pem` whose CN carries CR LF and a Markdown image, an nginx site
    /// whose `server_name` is `w$(id>&2)w`, and group lists in files whose names hold a tab, a blank, a newline,
    /// ESC and BEL. Scanned and planned for OpenSSL 3.5 so every group list gets a patch.
    static func hostilePlan() throws -> (work: URL, tree: URL, outcome: PlanOutcome) {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("pqscout-inj-\(UUID().uuidString)")
        let tree = work.appendingPathComponent("tree")
        let certs = tree.appendingPathComponent("etc/ssl/certs")
        let sites = tree.appendingPathComponent("etc/nginx/sites-enabled")
        try FileManager.default.createDirectory(at: certs, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: sites, withIntermediateDirectories: true)
        let made = try Support.run(
            "/usr/bin/openssl",
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", work.appendingPathComponent("k.pem").path,
                "-out", certs.appendingPathComponent("\(injected).pem").path, "-days", "30", "-subj",
                "/CN=a\r\n![x](https:\\/\\/e.invalid\\/x.png)\u{1B}[2J",
            ])
        #expect(made.status == 0, "\(made.output)")
        try Data("events {}\nhttp {\n    include /etc/nginx/sites-enabled/*;\n}\n".utf8)
            .write(to: tree.appendingPathComponent("etc/nginx/nginx.conf"))
        let site =
            "server {\n    listen 443 ssl;\n    server_name w\(injected)w;\n    ssl_ecdh_curve X25519:prime256v1;\n"
            + "    ssl_certificate /etc/ssl/certs/\(injected).pem;\n}\n"
        for name in ["hostile", "my site\tx", "new\nline", "e\u{1B}[31mred\u{07}"] {
            try Data(site.utf8).write(to: sites.appendingPathComponent(name))
        }
        let store = work.appendingPathComponent("p.db").path
        _ = try ScanUseCase().run(ScanRequest(roots: [tree.path], storePath: store))
        let outcome = try PlanUseCase.run(
            PlanRequest(storePath: store, asOf: CalendarDay("2026-11-27"), opensslVersion: "3.5.1"))
        return (work, tree, outcome)
    }

    @Test("verify commands: $(id>&2) from a file name or server_name reaches the shell as one literal word")
    func quotedCommands() throws {
        let (work, _, outcome) = try Self.hostilePlan()
        defer { try? FileManager.default.removeItem(at: work) }
        let commands = outcome.plan.actions.flatMap(\.verify).filter { $0.contains(Self.injected) }
        #expect(commands.count >= 2, "\(outcome.plan.actions.flatMap(\.verify))")
        for command in commands {
            // The real shell is the oracle: the command's first stage with its program replaced by printf must
            // print the injected text literally and run nothing.
            let stage = command.components(separatedBy: " | ")[0]
            let words = stage.drop { $0 != " " }
            let shell = try Support.run("/bin/sh", ["-c", "printf '[%s]\\n'" + words])
            #expect(!shell.output.contains("uid="), "ran: \(command)")
            #expect(shell.output.contains(Self.injected), "\(command) → \(shell.output)")
        }
        // The same strings in JSON and HTML (HTML-escaped) carry the quotes too.
        let json = try Presentation.planJSON(outcome.plan)
        #expect(json.contains("'w$(id>&2)w:443'"))
        let html = Presentation.planHTML(outcome.plan)
        #expect(html.contains("&#39;w$(id&gt;&amp;2)w:443&#39;"))
    }

    @Test("Markdown and HTML carry no ESC, BEL or raw CR; a CN with CR LF cannot start a Markdown line")
    func controlCharacters() throws {
        let (work, _, outcome) = try Self.hostilePlan()
        defer { try? FileManager.default.removeItem(at: work) }
        let markdown = Presentation.planMarkdown(outcome.plan)
        let html = Presentation.planHTML(outcome.plan)
        for output in [markdown, html] {
            #expect(!output.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{07}" || $0 == "\r" })
        }
        #expect(outcome.plan.actions.contains { $0.title.contains("![x]") || $0.change.contains("![x]") })
        #expect(!markdown.split(separator: "\n").contains { $0.hasPrefix("![x]") })
    }

    @Test("paths with a blank, a tab or a newline: all.patch uses GNU patch's quoted names and applies with -p1")
    func quotedDiffHeaders() throws {
        let (work, tree, outcome) = try Self.hostilePlan()
        defer { try? FileManager.default.removeItem(at: work) }
        let patches = work.appendingPathComponent("patches")
        _ = try PlanUseCase.writePatches(outcome, to: patches.path)
        let all = try String(contentsOf: patches.appendingPathComponent("all.patch"), encoding: .utf8)
        #expect(all.contains("--- \"a/etc/nginx/sites-enabled/my site\\tx\"\n"))
        #expect(all.contains("+++ \"b/etc/nginx/sites-enabled/new\\nline\"\n"))
        #expect(all.contains("--- \"a/etc/nginx/sites-enabled/e\\033[31mred\\007\"\n"))
        let applied = try Support.run(
            "/usr/bin/patch", ["-p1", "--batch", "--forward"], in: tree,
            input: patches.appendingPathComponent("all.patch"))
        #expect(applied.status == 0, "patch: \(applied.output)")
        for name in ["hostile", "my site\tx", "new\nline", "e\u{1B}[31mred\u{07}"] {
            let text = try String(
                contentsOf: tree.appendingPathComponent("etc/nginx/sites-enabled").appendingPathComponent(name),
                encoding: .utf8)
            #expect(text.contains("ssl_ecdh_curve X25519MLKEM768:X25519:prime256v1;"), "\(name)")
        }
    }
}
