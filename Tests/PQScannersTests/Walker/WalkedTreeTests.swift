import Foundation
import PQModel
import PQTestSupport
import Testing

@testable import PQScanners

#if canImport(Glibc)
    import Glibc
#endif

@Suite("WalkedTree: glob lookups through the sorted path table")
struct WalkedTreeTests {
    @Test("the indexed lookup returns exactly what fnmatch over every path returns (seeded)")
    func indexMatchesBruteForce() {
        var random = SeededGenerator(seed: 14)
        let parts = ["etc", "nginx", "conf.d", "ssl", "certs", "a.conf", "b.pem", "x[1]", "sites-enabled", "é"]
        var paths = Set<String>()
        for _ in 0..<3000 {
            let depth = Int.random(in: 1...5, using: &random)
            paths.insert((0..<depth).map { _ in parts.randomElement(using: &random) ?? "x" }.joined(separator: "/"))
        }
        let files = paths.map {
            WalkedFile(path: ScanPath($0), absolute: Array(("/x/" + $0).utf8), size: 1, modified: 0)
        }
        let tree = WalkedTree(files: files, maxFileSize: 1 << 20)
        let patterns = [
            "etc/*", "etc/nginx/*.conf", "etc/ssl/certs/*", "*", "*/*", "etc/nginx/conf.d/a.conf", "etc/x\\[1\\]/*",
            "etc/[ns]*/*", "ssl/?.pem", "é/*", "nowhere/*", "etc/nginx",
        ]
        for pattern in patterns {
            let expected = paths.filter { path in fnmatch(pattern, path, FNM_PATHNAME) == 0 }.map(ScanPath.init)
                .sorted()
            #expect(tree.files(matching: pattern) == expected, "\(pattern)")
        }
    }

    @Test(
        "files found by path through binary search, whatever the order given; a path given twice is one file, the last")
    func lookupByPath() {
        let names = ["etc/ssh/sshd_config", "etc/nginx/nginx.conf", "etc/a", "etc/nginx/conf.d/x.conf", "etc/b"]
        var files = names.map {
            WalkedFile(path: ScanPath($0), absolute: Array(("/x/" + $0).utf8), size: 1, modified: 0)
        }
        files.append(WalkedFile(path: ScanPath("etc/a"), absolute: Array("/y/etc/a".utf8), size: 2, modified: 0))
        for tree in [
            WalkedTree(files: files, maxFileSize: 1 << 20), WalkedTree(files: files.reversed(), maxFileSize: 1 << 20),
        ] {
            for name in names where name != "etc/a" {
                #expect(tree.file(at: ScanPath(name))?.absolute == Array(("/x/" + name).utf8), "\(name)")
            }
            #expect(tree.file(at: ScanPath("etc/nginx")) == nil)
            #expect(tree.file(at: ScanPath("etc/c")) == nil)
            #expect(tree.files(matching: "etc/*") == [ScanPath("etc/a"), ScanPath("etc/b")])
        }
        #expect(WalkedTree(files: files, maxFileSize: 1 << 20).file(at: ScanPath("etc/a"))?.size == 2)
        #expect(WalkedTree(files: files.reversed(), maxFileSize: 1 << 20).file(at: ScanPath("etc/a"))?.size == 1)
    }
}
