import Foundation
import Testing

/// Docs/commands.md is every command's own `--help`, generated, so the documented synopses cannot drift from the
/// options the commands take. `PQSCOUT_RECORD_SNAPSHOTS=1` rewrites it (and still fails, as golden files do).
@Suite("Docs/commands.md is the commands' own help")
struct CommandDocsTests {
    static let docs = repositoryRoot.appendingPathComponent("Docs/commands.md")

    /// Every command path, found by following each help page's SUBCOMMANDS section.
    static func commandPaths() throws -> [[String]] {
        var paths: [[String]] = []
        var pending: [[String]] = [[]]
        while let path = pending.first {
            pending.removeFirst()
            paths.append(path)
            for child in try subcommands(of: path) where child != "help" { pending.append(path + [child]) }
        }
        return paths
    }

    static func help(_ path: [String]) throws -> String {
        let outcome = try PQScoutBinary.run(["help"] + path, environment: ["COLUMNS": "100"])
        return String(decoding: outcome.stdout, as: UTF8.self)
    }

    static func subcommands(of path: [String]) throws -> [String] {
        let text = try help(path)
        guard let section = text.range(of: "SUBCOMMANDS:\n") else { return [] }
        return text[section.upperBound...].split(separator: "\n").compactMap { line in
            guard line.hasPrefix("  "), !line.hasPrefix("   "), let word = line.split(separator: " ").first else {
                return nil
            }
            return word.hasPrefix("See") ? nil : String(word)
        }
    }

    static func generated() throws -> String {
        var out = """
            # Command reference

            Generated from each command's own `--help` by `CommandDocsTests` (re-record with
            `PQSCOUT_RECORD_SNAPSHOTS=1 swift test --filter CommandDocsTests`): what is written here is what the
            commands accept. Exit status: 0 done; 1 a `--fail-on` threshold was met; 2 an input or the store cannot be
            read; 64 bad usage.

            """
        for path in try commandPaths() {
            out += "\n## pqscout\(path.map { " " + $0 }.joined())\n\n```text\n"
            out += try help(path).trimmingCharacters(in: .whitespacesAndNewlines) + "\n```\n"
        }
        return out
    }

    @Test("every command's help, in order, equals Docs/commands.md")
    func upToDate() throws {
        let text = try Self.generated()
        if ProcessInfo.processInfo.environment["PQSCOUT_RECORD_SNAPSHOTS"] == "1" {
            try Data(text.utf8).write(to: Self.docs)
            Issue.record("recorded Docs/commands.md; run the tests again without PQSCOUT_RECORD_SNAPSHOTS")
            return
        }
        let current = try String(contentsOf: Self.docs, encoding: .utf8)
        #expect(
            current == text,
            "Docs/commands.md is stale: PQSCOUT_RECORD_SNAPSHOTS=1 swift test --filter CommandDocsTests")
        #expect(text.contains("## pqscout vendor check"), "nested commands are listed")
    }
}
