import Foundation
import PQModel
import Testing

@testable import PQScanners

/// Short name used by the TLS tests.
typealias TLS = TLSTestSupport

/// Walks a fixture tree under `Fixtures/tls/` as a scan does and runs one scanner on one of its files.
enum TLSTestSupport {
    static func fixtureRoot(_ name: String) throws -> String {
        let url = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        return url.appendingPathComponent("tls").appendingPathComponent(name).path
    }

    /// The tree rooted at `root`, walked with the default options.
    static func tree(root: String) throws -> WalkedTree {
        let walk = try TreeWalker().walk(root: root).get()
        return WalkedTree(files: walk.files, maxFileSize: WalkOptions.defaultMaxFileSize)
    }

    /// Scans `file` (root-relative) of a tree rooted at `root` with `scanner`.
    static func scan(
        root: String, file: String, scanner: any FileScanner, software: [Software] = []
    ) throws -> ScanOutput {
        let tree = try tree(root: root)
        let path = ScanPath(file)
        let bytes = try tree.read(path).get()
        return scanner.scan(
            ScanInput(path: path, bytes: bytes, context: ScanContext(tree: tree, software: software)))
    }

    static func fixture(_ name: String, file: String, scanner: any FileScanner, software: [Software] = []) throws
        -> ScanOutput
    {
        try scan(root: fixtureRoot(name), file: file, scanner: scanner, software: software)
    }

    /// A package record, as the dpkg reader produces it: what picks a program's release-dependent defaults.
    static func package(_ name: String, _ version: String) -> Software {
        Software(name: name, version: version, sourcePath: InstalledSoftware.dpkgStatus)
    }

    /// A package record naming an OpenSSL version, as the package readers produce it.
    static func openssl(_ version: String) -> [Software] {
        [package("libssl3t64", version)]
    }

    /// Scans one file given as text, with the installed packages as its only context (no tree around it).
    static func scan(_ scanner: any FileScanner, _ path: String, text: String, software: [Software]) -> ScanOutput {
        scanner.scan(
            ScanInput(path: ScanPath(path), bytes: Array(text.utf8), context: ScanContext(software: software)))
    }

    /// Findings of one service (by its `context`) and usage.
    static func findings(_ output: ScanOutput, context: String, usage: Usage? = nil) -> [Finding] {
        output.findings.filter { $0.context == context && (usage == nil || $0.usage == usage) }
    }

    /// Would this service offer this algorithm (an effective finding of it)?
    static func offers(_ output: ScanOutput, _ context: String, _ algorithm: String) -> Bool {
        output.findings.contains { $0.context == context && $0.algorithm == algorithm && $0.effective }
    }

    static func dump(_ output: ScanOutput) -> String {
        var lines: [String] = []
        for f in output.findings {
            lines.append(
                "\(f.context ?? "-") | \(f.path):\(f.line ?? 0) \(f.setting) \(f.usage.rawValue) \(f.algorithm) "
                    + "\(f.canonical ?? "nil") \(f.quantumStatus.rawValue) eff=\(f.effective) \(f.origin.rawValue) "
                    + "\(f.note ?? "")")
        }
        for d in output.diagnostics { lines.append("DIAG \(d.path) \(d.reason.rawValue) \(d.detail)") }
        return lines.joined(separator: "\n")
    }
}
