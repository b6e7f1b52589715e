import Foundation
import PQModel
import PQScoutKit
import Testing

/// Odd and hostile files around the planner: CRLF endings, bytes that are not UTF-8, markup in a certificate
/// subject. The plan is written in every format, patches keep the file's line endings, nothing crashes.
@Suite("PlanUseCase on odd files: CRLF, non-UTF-8 bytes, markup in names")
struct PlanHostileTreeTests {
    typealias Support = PlanUseCaseTests

    @Test("CRLF stays CRLF; a non-UTF-8 file gets no patch; markup from a subject is escaped in HTML and Markdown")
    func oddFiles() throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("pqscout-odd-\(UUID().uuidString)")
        let tree = work.appendingPathComponent("tree")
        let ssh = tree.appendingPathComponent("etc/ssh")
        try FileManager.default.createDirectory(at: ssh, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        try Data("# crlf\r\nKexAlgorithms ecdh-sha2-nistp256,curve25519-sha256\r\nPort 22\r\n".utf8)
            .write(to: ssh.appendingPathComponent("sshd_config"))
        try Data(
            [0x48, 0x6F, 0x73, 0x74, 0x20, 0xFF, 0x0A] + Array(" KexAlgorithms diffie-hellman-group14-sha256\n".utf8)
        )
        .write(to: ssh.appendingPathComponent("ssh_config"))
        let certs = tree.appendingPathComponent("etc/ssl")
        try FileManager.default.createDirectory(at: certs, withIntermediateDirectories: true)
        let made = try Support.run(
            "/usr/bin/openssl",
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", work.appendingPathComponent("k.pem").path,
                "-out", certs.appendingPathComponent("x.pem").path, "-days", "30", "-subj",
                "/CN=odd/O=<script>alert(1)<\\/script>`|*",
            ])
        #expect(made.status == 0, "\(made.output)")
        let store = work.appendingPathComponent("p.db").path
        _ = try ScanUseCase().run(ScanRequest(roots: [tree.path], storePath: store, opensshVersion: "9.9"))
        let outcome = try PlanUseCase.run(
            PlanRequest(storePath: store, asOf: CalendarDay("2026-11-27"), opensshVersion: "9.9"))
        let plan = outcome.plan
        let server = try #require(plan.actions.first { $0.patch?.path == "etc/ssh/sshd_config" })
        #expect(
            server.patch?.diff.contains(
                "+KexAlgorithms mlkem768x25519-sha256,sntrup761x25519-sha512@openssh.com,ecdh-sha2-nistp256,"
                    + "curve25519-sha256\r\n") == true
        )
        let client = plan.actions.filter { $0.locations.contains { $0.path == "etc/ssh/ssh_config" } }
        #expect(client.allSatisfy { $0.patch == nil })

        let html = Presentation.planHTML(plan)
        #expect(!html.contains("<script"))
        #expect(html.contains("&lt;script"))
        let markdown = Presentation.planMarkdown(plan)
        #expect(!markdown.contains("O=<script>alert(1)</script>`|*,"))
        let json = try Presentation.planJSON(plan)
        #expect(json.contains("alert(1)"))

        let directory = work.appendingPathComponent("patches")
        _ = try PlanUseCase.writePatches(outcome, to: directory.path)
        let applied = try Support.run(
            "/usr/bin/patch", ["-p1", "--batch", "--binary"], in: tree,
            input: directory.appendingPathComponent("all.patch"))
        #expect(applied.status == 0, "\(applied.output)")
        let patched = try Data(contentsOf: ssh.appendingPathComponent("sshd_config"))
        let text = String(decoding: patched, as: UTF8.self)
        #expect(
            text.contains(
                "KexAlgorithms mlkem768x25519-sha256,sntrup761x25519-sha512@openssh.com,ecdh-sha2-nistp256,"
                    + "curve25519-sha256\r\n"))
        #expect(text.components(separatedBy: "\r\n").count == 4)
    }
}
