import Foundation
import PQModel
import Testing

@testable import PQScanners

/// A scratch directory removed when the test ends.
final class ScratchTree {
    let root: String

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("pqscout-walk-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    @discardableResult
    func file(_ relative: String, _ contents: String = "x") throws -> String {
        let path = root + "/" + relative
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try contents.write(toFile: path, atomically: false, encoding: .utf8)
        return path
    }

    func link(_ relative: String, to target: String) throws {
        let path = root + "/" + relative
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: target)
    }
}

@Suite("TreeWalker: what the walk enters, reports and refuses")
struct TreeWalkerTests {
    func walk(_ tree: ScratchTree, _ options: WalkOptions = WalkOptions()) throws -> WalkResult {
        try TreeWalker(options: options).walk(root: tree.root).get()
    }

    func paths(_ result: WalkResult) -> [String] { result.files.map(\.path.display) }

    func reasons(_ result: WalkResult) -> [String: Diagnostic.Reason] {
        Dictionary(result.diagnostics.map { ($0.path.display, $0.reason) }, uniquingKeysWith: { a, _ in a })
    }

    @Test("regular files in nested folders, sorted, relative to the root; .git is skipped")
    func nested() throws {
        let tree = try ScratchTree()
        try tree.file("b/c/leaf.pem")
        try tree.file("a.txt")
        try tree.file(".git/config")
        #expect(paths(try walk(tree)) == ["a.txt", "b/c/leaf.pem"])
    }

    @Test("a directory link back up the tree is an alias, not a loop; the real directory is walked once")
    func linkLoop() throws {
        let tree = try ScratchTree()
        try tree.file("links/x.pem")
        try tree.link("links/loop", to: "../links")
        try tree.link("self", to: "self")
        let result = try walk(tree)
        #expect(paths(result) == ["links/x.pem"])
        #expect(reasons(result)["links/loop"] == nil)
        #expect(
            result.aliases == [PathAlias(path: ScanPath("links/loop"), target: ScanPath("links"), kind: .directory)])
        #expect(reasons(result)["self"] == .linkLoop)
    }

    @Test("links resolve inside the image: a file link is an alias, absolute targets stay in the root")
    func linksOutside() throws {
        let tree = try ScratchTree()
        try tree.file("good/a.pem")
        try tree.link("out", to: "/")
        try tree.link("zero.pem", to: "/dev/zero")
        try tree.link("inside.pem", to: "good/a.pem")
        try tree.link("absolute.pem", to: "/good/a.pem")
        try tree.link("escape.pem", to: "../../../../../../good/a.pem")
        try tree.link("dangling.pem", to: "nowhere")
        let result = try walk(tree)
        #expect(paths(result) == ["good/a.pem"])
        let aliases = Dictionary(uniqueKeysWithValues: result.aliases.map { ($0.path.display, $0.target.display) })
        #expect(
            aliases == [
                "inside.pem": "good/a.pem", "absolute.pem": "good/a.pem", "escape.pem": "good/a.pem", "out": "",
            ])
        // /dev/zero of the image, not of the host: there is none.
        #expect(reasons(result)["zero.pem"] == .brokenLink)
        #expect(reasons(result)["dangling.pem"] == .brokenLink)
        #expect(!result.diagnostics.contains { $0.path.display.hasPrefix("/") })
    }

    @Test("a part of the running system: a link leaving the scan root is reported, not followed")
    func liveLinkOutside() throws {
        let tree = try ScratchTree()
        try tree.file("sub/good/a.pem")
        try tree.file("elsewhere/b.pem")
        try tree.link("sub/out.pem", to: "../elsewhere/b.pem")
        try tree.link("sub/in.pem", to: "good/a.pem")
        let system = try #require(SystemRoot(path: tree.root))
        let result = try TreeWalker().walk(root: tree.root + "/sub", system: system).get()
        #expect(result.files.map(\.path.display) == ["sub/good/a.pem"])
        #expect(result.files.map { result.reportedPath($0.path).display } == ["good/a.pem"])
        #expect(reasons(result)["out.pem"] == .linkOutsideRoot)
        #expect(result.aliases.map { result.reportedPath($0.path).display } == ["in.pem"])
    }

    @Test("--no-follow-links leaves links inside the root alone")
    func noFollow() throws {
        let tree = try ScratchTree()
        try tree.file("good/a.pem")
        try tree.link("inside.pem", to: "good/a.pem")
        #expect(paths(try walk(tree, WalkOptions(followLinks: false))) == ["good/a.pem"])
    }

    @Test("FIFOs are reported as special files and never opened")
    func fifo() throws {
        let tree = try ScratchTree()
        #expect(mkfifo(tree.root + "/pipe.pem", 0o600) == 0)
        let result = try walk(tree)
        #expect(result.files.isEmpty)
        #expect(reasons(result)["pipe.pem"] == .specialFile)
    }

    @Test("--exclude matches a component anywhere, or a path pattern from the root")
    func excludes() throws {
        let tree = try ScratchTree()
        try tree.file("keep/a.pem")
        try tree.file("logs/big.log")
        try tree.file("var/cache/x.pem")
        try tree.file("var/lib/y.pem")
        let result = try walk(tree, WalkOptions(excludes: ["*.log", "var/cache"]))
        #expect(paths(result) == ["keep/a.pem", "var/lib/y.pem"])
    }

    @Test("what --exclude skips is exactly what the same pattern selects from a finished walk (one dialect)")
    func excludeAgreesWithFilter() throws {
        let tree = try ScratchTree()
        for path in [
            "etc/ssl/certs/a.pem", "etc/ssl/private/k.key", "etc/ssl2/b.pem", "etc/ssh/sshd_config",
            "etc/ssh/sshd_config.d/10.conf", "var/log/x.log", "var/cache/ssl/c.pem", "srv/www/ssl.conf",
            "weird [1]/a*b?.pem", "proc/self",
        ] {
            try tree.file(path)
        }
        let everything = paths(try walk(tree))
        for text in [
            "*.pem", "etc/ssl", "etc/ssl/", "ssl", "etc/*/private", "sshd_config*", "*/ssl/*", "weird \\[1\\]",
            "a\\*b?.pem", "[ev]*", "proc", "etc/ss?", "*", "nothing-here",
        ] {
            let pattern = PathPattern(text)
            let kept = paths(try walk(tree, WalkOptions(excludes: [text])))
            #expect(kept == everything.filter { !pattern.matches(display: $0) }, "pattern \(text)")
        }
    }

    @Test("a file name that is not UTF-8 is kept as bytes")
    func nonUTF8Name() throws {
        let tree = try ScratchTree()
        let name: [UInt8] = Array("odd\n".utf8) + [0xFF] + Array(".pem".utf8)
        let full = Array(tree.root.utf8) + [UInt8(ascii: "/")] + name
        let fd = TreeWalker.withCString(full) { open($0, O_CREAT | O_WRONLY, 0o600) }
        #expect(fd >= 0)
        close(fd)
        let result = try walk(tree)
        #expect(result.files.map(\.path.bytes) == [name])
        #expect(result.files.first?.path.display == "odd\n\\xFF.pem")
    }

    @Test("120 folders deep is walked; deeper than --max-depth is reported")
    func deep() throws {
        let tree = try ScratchTree()
        let deep = (1...120).map { "d\($0)" }.joined(separator: "/")
        try tree.file(deep + "/bottom.der")
        #expect(paths(try walk(tree)) == [deep + "/bottom.der"])
        let limited = try walk(tree, WalkOptions(maxDepth: 10))
        #expect(limited.files.isEmpty)
        #expect(limited.diagnostics.contains { $0.reason == .tooDeep })
    }

    @Test("a missing root is an error, not an empty walk")
    func missingRoot() {
        let result = TreeWalker().walk(root: "/nonexistent/pqscout/\(UUID().uuidString)")
        guard case .failure(let error) = result else {
            Issue.record("expected failure")
            return
        }
        #expect(error.description.contains("No such file"))
    }

    @Test("a single file can be the root")
    func fileRoot() throws {
        let tree = try ScratchTree()
        let path = try tree.file("one.pem")
        let result = try TreeWalker().walk(root: path).get()
        #expect(paths(result) == ["one.pem"])
    }
}

@Suite("FileReader: size limits and special files")
struct FileReaderTests {
    @Test("a file over the limit is skipped by its stat size, unread")
    func tooLarge() throws {
        let tree = try ScratchTree()
        try tree.file("big.pem", String(repeating: "a", count: 2000))
        let file = try TreeWalker().walk(root: tree.root).get().files[0]
        guard
            case .skipped(let diagnostic) = FileReader(maxFileSize: 1000).read(
                file, headSize: 16, wantsRest: { _ in true })
        else {
            Issue.record("expected a skip")
            return
        }
        #expect(diagnostic.reason == .tooLarge)
    }

    @Test("an unclaimed file is read only up to its head")
    func headOnly() throws {
        let tree = try ScratchTree()
        try tree.file("noise.bin", String(repeating: "z", count: 100_000))
        let file = try TreeWalker().walk(root: tree.root).get().files[0]
        var seen = 0
        let outcome = FileReader(maxFileSize: 1 << 20).read(file, headSize: 4096) { head in
            seen = head.count
            return false
        }
        #expect(seen == 4096)
        guard case .notClaimed = outcome else {
            Issue.record("expected notClaimed")
            return
        }
    }

    @Test("a file that vanished after the walk is a diagnostic")
    func vanished() throws {
        let tree = try ScratchTree()
        let path = try tree.file("gone.pem")
        let file = try TreeWalker().walk(root: tree.root).get().files[0]
        try FileManager.default.removeItem(atPath: path)
        guard
            case .skipped(let diagnostic) = FileReader(maxFileSize: 1000).read(
                file, headSize: 16, wantsRest: { _ in true })
        else {
            Issue.record("expected a skip")
            return
        }
        #expect(diagnostic.reason == .vanished)
    }
}

@Suite("TreeWalker: the same tree gives the same paths, whatever order links and targets were made in")
struct TreeWalkerOrderTests {
    /// A directory `z` and a link `a -> z` to it, made in the given order (readdir order follows creation on
    /// most file systems), plus a file link.
    func make(linkFirst: Bool) throws -> ScratchTree {
        let tree = try ScratchTree()
        if linkFirst { try tree.link("a", to: "z") }
        try tree.file("z/cert.pem")
        try tree.file("z/sub/key.pem")
        if !linkFirst { try tree.link("a", to: "z") }
        try tree.link("z/alias.pem", to: "cert.pem")
        return tree
    }

    @Test("a directory link and its target in either readdir order: identical files, aliases and diagnostics")
    func orderIndependent() throws {
        let results = try [true, false].map { linkFirst in
            let tree = try make(linkFirst: linkFirst)
            return try TreeWalker().walk(root: tree.root).get()
        }
        for result in results {
            #expect(result.files.map(\.path.display) == ["z/cert.pem", "z/sub/key.pem"])
            #expect(result.aliases.map(\.path.display) == ["a", "z/alias.pem"])
            #expect(result.diagnostics.isEmpty)
        }
    }

    @Test("paths given to skip (the store of `scan /`) are not walked")
    func skipsStore() throws {
        let tree = try ScratchTree()
        let store = try tree.file("var/pqscout.db")
        try tree.file("var/keep.pem")
        let real = try #require(TreeWalker.realPath(Array(store.utf8)))
        var options = WalkOptions()
        options.skipHostPaths = [real]
        let result = try TreeWalker(options: options).walk(root: tree.root).get()
        #expect(result.files.map(\.path.display) == ["var/keep.pem"])
    }

    @Test("--max-file-size at Int64.max reads a file instead of trapping")
    func largestLimit() throws {
        let tree = try ScratchTree()
        try tree.file("a.pem", "hello")
        let file = try #require(try TreeWalker().walk(root: tree.root).get().files.first)
        guard
            case .contents(let bytes) = FileReader(maxFileSize: Int64.max).read(
                file, headSize: 2, wantsRest: { _ in true })
        else {
            Issue.record("not read")
            return
        }
        #expect(bytes == Array("hello".utf8))
    }
}
