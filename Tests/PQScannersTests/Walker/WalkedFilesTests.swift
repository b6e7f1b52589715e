import Foundation
import PQModel
import PQTestSupport
import Testing

@testable import PQScanners

#if canImport(Glibc)
    import Glibc
#endif

@Suite("WalkedFiles: the packed file table gives back every file exactly")
struct WalkedFilesTests {
    /// What `stat` says of a walked file, made the way the walker made every file before the table was packed.
    func statted(_ file: WalkedFile) throws -> WalkedFile {
        var info = stat()
        let absolute = String(decoding: file.absolute, as: UTF8.self)
        #expect(lstat(absolute, &info) == 0, "\(absolute)")
        let system = try #require(file.system)
        return WalkedFile(
            path: file.path, absolute: file.absolute, size: Int64(info.st_size), modified: TreeWalker.mtime(info),
            systemPath: file.systemPath, system: system, identity: FileIdentity(info))
    }

    @Test("a walk's files, with and without a label, equal what stat says of each, field by field")
    func walkRoundTrip() throws {
        let tree = try ScratchTree()
        try tree.file("etc/ssh/sshd_config", "Port 22\n")
        try tree.file("etc/nginx/nginx.conf", String(repeating: "x", count: 300))
        try tree.file("a.pem")
        try tree.file("etc.d/b", "bb")
        // Before 1970: the modification time is rebuilt from negative nanoseconds.
        let old = try tree.file("old.pem")
        var times = [timespec(tv_sec: -86_401, tv_nsec: 250_000_000), timespec(tv_sec: -86_401, tv_nsec: 250_000_000)]
        #expect(utimensat(AT_FDCWD, old, &times, 0) == 0)
        for label in ["", "host-a"] {
            let walk = try TreeWalker().walk(root: tree.root, label: Array(label.utf8)).get()
            #expect(walk.files.count == 5)
            #expect(walk.files.isSortedAndUnique)
            for file in walk.files {
                let expected = try statted(file)
                #expect(file.path == expected.path)
                #expect(file.systemPath == expected.systemPath)
                #expect(file.absolute == expected.absolute)
                #expect(file.size == expected.size)
                #expect(file.modified == expected.modified)
                #expect(file.identity == expected.identity)
                #expect(file.system === expected.system)
                #expect(Array(walk.files.path(at: walk.files.firstIndex(of: file) ?? -1)) == file.path.bytes)
            }
            let prefix = label.isEmpty ? "" : label + "/"
            #expect(walk.files.map(\.path.display).first == prefix + "a.pem")
            #expect(walk.files.first { $0.path.display.hasSuffix("old.pem") }?.modified == -86_401 + 0.25)
        }
    }

    @Test("files built by hand (no identity, an absolute path of their own) come back whole, among packed ones")
    func handMadeFiles() throws {
        let tree = try ScratchTree()
        try tree.file("z/one")
        try tree.file("z/two")
        let walked = try TreeWalker().walk(root: tree.root).get().files
        let byHand = [
            WalkedFile(path: ScanPath("m/x"), absolute: Array("/elsewhere/x".utf8), size: 7, modified: 3.5),
            WalkedFile(path: ScanPath("a/y"), absolute: [], size: 0, modified: 0),
        ]
        var mixed = WalkedFiles()
        mixed.append(byHand[0])
        mixed.append(contentsOf: walked)
        mixed.append(byHand[1])
        #expect(Array(mixed) == [byHand[0]] + Array(walked) + [byHand[1]])
        #expect(mixed[0].absolute == Array("/elsewhere/x".utf8))
        #expect(mixed[0].identity == nil)
        #expect(mixed[3].size == 0)
        #expect(!mixed.isSortedAndUnique)
        mixed.sortByPath()
        #expect(mixed.map(\.path.display) == ["a/y", "m/x", "z/one", "z/two"])
        #expect(mixed[1].absolute == Array("/elsewhere/x".utf8))
        #expect(mixed[2].identity == walked[0].identity)
        #expect(mixed.isSortedAndUnique)
    }

    @Test("two walks joined keep each file's system root and label; sorting is by bytes and stable (seeded)")
    func joinedAndSorted() throws {
        let first = try ScratchTree()
        let second = try ScratchTree()
        var random = SeededGenerator(seed: 20)
        var names = Set<String>()
        while names.count < 200 {
            let depth = Int.random(in: 1...3, using: &random)
            let parts = (0..<depth).map { _ in ["a", "a.b", "a-b", "b", "é", "Z"].randomElement(using: &random) ?? "x" }
            names.insert(parts.joined(separator: "/") + "/f\(Int.random(in: 0..<9, using: &random))")
        }
        for name in names {
            try first.file(name)
            try second.file(name)
        }
        let one = try TreeWalker().walk(root: first.root, label: Array("one".utf8)).get().files
        let two = try TreeWalker().walk(root: second.root, label: Array("two".utf8)).get().files
        #expect(one.map(\.path.bytes) == one.map(\.path.bytes).sorted { $0.lexicographicallyPrecedes($1) })
        let joined = WalkedFiles(concatenating: [two, one])
        #expect(Array(joined) == Array(two) + Array(one))
        #expect(joined.first?.system === two.first?.system)
        #expect(joined.last?.system === one.last?.system)
        #expect(joined.first?.systemPath == two.first?.systemPath)
        var sorted = joined
        sorted.sortByPath()
        #expect(Array(sorted) == Array(one) + Array(two))
        // The same path twice: the sort keeps them in the order given.
        var twice = WalkedFiles([two[0], one[0]])
        twice.append(
            WalkedFile(path: one[0].path, absolute: Array("/other".utf8), size: 1, modified: 0))
        twice.sortByPath()
        #expect(twice.map(\.absolute) == [one[0].absolute, Array("/other".utf8), two[0].absolute])
    }
}
