import Foundation
import PQTestSupport
import Testing

@testable import PQScanners

#if canImport(Glibc)
    import Glibc
#endif

/// `SystemRoot.resolve` against the kernel: where no link and no `..` leaves the root, resolving inside the root
/// must give what `realpath(3)` gives on the host, link for link, and fail where it fails.
@Suite("System root: links resolved as the kernel resolves them")
struct SystemRootResolveTests {
    static let names = ["a", "b", "c", "f", "l1", "l2"]

    /// A seeded tree of directories, files and relative links (to files, directories, missing names, each other
    /// and themselves) that never climb above the root.
    static func makeTree(_ root: String, generator: inout SeededGenerator) throws -> [[String]] {
        var directories: [[String]] = [[]]
        let manager = FileManager.default
        for _ in 0..<12 {
            let parent = directories.randomElement(using: &generator)!
            guard parent.count < 4 else { continue }
            let child = parent + [["a", "b", "c"].randomElement(using: &generator)!]
            try manager.createDirectory(atPath: path(root, child), withIntermediateDirectories: true)
            if !directories.contains(child) { directories.append(child) }
        }
        for directory in directories {
            if Bool.random(using: &generator) {
                _ = manager.createFile(atPath: path(root, directory + ["f"]), contents: Data("x".utf8))
            }
            for link in ["l1", "l2"] where Int.random(in: 0..<3, using: &generator) > 0 {
                // Up as far as this directory's depth allows, then down through names that may or may not exist
                // (no `..` after a name: that name may be a link leading higher, and the host would then leave
                // the root where `resolve` stops at it).
                var target = Array(repeating: "..", count: Int.random(in: 0...directory.count, using: &generator))
                for _ in 0..<Int.random(in: 0...3, using: &generator) {
                    target.append((names + [".", "missing"]).randomElement(using: &generator)!)
                }
                if target.isEmpty { target = [link] }  // a link to itself
                try? manager.createSymbolicLink(
                    atPath: path(root, directory + [link]), withDestinationPath: target.joined(separator: "/"))
            }
        }
        return directories
    }

    static func path(_ root: String, _ components: [String]) -> String {
        ([root] + components).joined(separator: "/")
    }

    @Test("seeded trees: every path resolves to realpath's answer, or is missing or a loop where realpath fails")
    func matchesRealpath() throws {
        var generator = SeededGenerator(seed: 20_261_206)
        var outcomes: [String: Int] = [:]
        for round in 0..<20 {
            let base = FileManager.default.temporaryDirectory.appendingPathComponent(
                "pqscout-resolve-\(getpid())-\(round)"
            ).path
            try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: base) }
            let root = String(cString: realpath(base, nil))
            let directories = try Self.makeTree(root, generator: &generator)
            let system = try #require(SystemRoot(path: root))
            for _ in 0..<150 {
                var query = directories.randomElement(using: &generator)!
                for _ in 0..<Int.random(in: 1...3, using: &generator) {
                    query.append((Self.names + ["."]).randomElement(using: &generator)!)
                }
                let relative = query.joined(separator: "/")
                let resolution = system.resolve(Array(relative.utf8))
                errno = 0
                let host = realpath(Self.path(root, query), nil)
                let failure = errno
                defer { free(host) }
                switch resolution {
                case .resolved(let real):
                    let plain = query.filter { $0 != "." }
                    outcomes[
                        real == Array(plain.joined(separator: "/").utf8) ? "direct" : "through a link", default: 0] += 1
                    let expected = host.map { String(cString: $0) }
                    let got = real.isEmpty ? root : root + "/" + String(decoding: real, as: UTF8.self)
                    #expect(expected == got, "\(relative)")
                case .missing:
                    outcomes["missing", default: 0] += 1
                    #expect(host == nil && (failure == ENOENT || failure == ENOTDIR), "\(relative): errno \(failure)")
                case .loop:
                    outcomes["loop", default: 0] += 1
                    #expect(host == nil && failure == ELOOP, "\(relative): errno \(failure)")
                }
            }
        }
        // The seeded trees reach every outcome, so the comparison above covers each.
        for outcome in ["direct", "through a link", "missing", "loop"] {
            #expect(outcomes[outcome, default: 0] > 20, "\(outcomes)")
        }
    }
}
