import Foundation
import PQCatalog
import PQModel
import Testing

@testable import PQScanners

#if canImport(Glibc)
    import Glibc
#endif

/// Fixture access for the mail, VPN and Java scanners, and an in-memory tree for their includes.
enum MailVPNFixtures {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func bytes(_ relative: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: folder.appendingPathComponent(relative)))
    }

    /// A tree whose files sit at the given scan paths, read from fixture files.
    static func tree(_ files: [String: String]) throws -> MemoryTree {
        var contents: [ScanPath: [UInt8]] = [:]
        for (path, fixture) in files { contents[ScanPath(path)] = try bytes(fixture) }
        return MemoryTree(contents: contents)
    }

    /// Scans one file of a tree with its scanner, the tree as context.
    static func scan(_ scanner: any FileScanner, _ path: String, in tree: MemoryTree) throws -> ScanOutput {
        let bytes = try #require(tree.contents[ScanPath(path)])
        return scanner.scan(ScanInput(path: ScanPath(path), bytes: bytes, context: ScanContext(tree: tree)))
    }

    /// Scans several files of a tree and joins their outputs, as a scan of the whole tree would.
    static func scan(_ scanner: any FileScanner, _ paths: [String], in tree: MemoryTree) throws -> ScanOutput {
        var joined = ScanOutput()
        for path in paths { joined.append(try scan(scanner, path, in: tree)) }
        return joined
    }

    static func scan(_ scanner: any FileScanner, text: String, path: String) -> ScanOutput {
        scanner.scan(ScanInput(path: ScanPath(path), bytes: Array(text.utf8)))
    }
}

/// A `TreeReader` over files held in memory, matching patterns with fnmatch(3) like the walked tree does.
struct MemoryTree: TreeReader {
    let contents: [ScanPath: [UInt8]]
    /// Files the tree holds that cannot be read (the tests run as root, whom no file mode stops).
    var unreadable: Set<ScanPath> = []

    func files(matching pattern: String) -> [ScanPath] {
        Set(contents.keys).union(unreadable).filter { fnmatch(pattern, $0.display, FNM_PATHNAME) == 0 }.sorted()
    }

    func read(_ path: ScanPath) -> Result<[UInt8], Diagnostic> {
        if unreadable.contains(path) {
            return .failure(Diagnostic(path: path, reason: .unreadable, detail: "Permission denied"))
        }
        guard let bytes = contents[path] else {
            return .failure(Diagnostic(path: path, reason: .unreadable, detail: "not in the tree"))
        }
        return .success(bytes)
    }
}

extension ScanOutput {
    /// Findings for one setting, in order.
    func findings(_ setting: String) -> [Finding] { findings.filter { $0.setting == setting } }
    func algorithms(_ setting: String) -> [String] { findings(setting).map(\.algorithm) }
}
