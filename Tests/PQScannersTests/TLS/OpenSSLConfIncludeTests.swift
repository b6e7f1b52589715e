import Foundation
import PQModel
import Testing

@testable import PQScanners

/// `.include` as OpenSSL follows it (config(5), "Directives"), held to the real thing: each case is a small tree
/// written to a scratch folder, and `openssl ciphers -v` runs under its `openssl.cnf` with that folder as working
/// directory, so a relative path resolves there as the model resolves it against the scanned root (`/`).
@Suite("OpenSSL config: .include as OpenSSL follows it")
struct OpenSSLConfIncludeTests {
    static let head = OpenSSLConfScanner.exampleChain + "CipherString = AES128-SHA\n"

    static func suites(_ cipherString: String) -> [UInt8] {
        Array("[system_default_sect]\nCipherString = \(cipherString)\n".utf8)
    }

    /// A case: its files by root-relative path (`@ROOT@` in a file stands for the root: the scratch folder for
    /// OpenSSL, `/` for the model), and whether the model reports the relative path it had to place.
    struct Case: Sendable {
        var name: String
        var files: [String: [UInt8]]
        var relative = false
    }

    static let cases: [Case] = [
        Case(
            name: "a glob is a file name, not expanded",
            files: [
                "etc/ssl/openssl.cnf": Array((head + ".include @ROOT@/etc/ssl/conf.d/*.cnf\n").utf8),
                "etc/ssl/conf.d/a.cnf": suites("AES256-SHA"),
            ]),
        Case(
            name: "a directory: its .cnf and .conf files",
            files: [
                "etc/ssl/openssl.cnf": Array((head + ".include @ROOT@/etc/ssl/conf.d\n").utf8),
                "etc/ssl/conf.d/a.cnf": suites("AES256-SHA"),
                "etc/ssl/conf.d/b.conf": Array("[system_default_sect]\nCiphersuites = TLS_AES_128_GCM_SHA256\n".utf8),
            ]),
        // The order of a directory's files is the file system's (readdir(3)); every case here holds in any order.
        Case(
            name: "a directory's other files are not read",
            files: [
                "etc/ssl/openssl.cnf": Array((head + ".include @ROOT@/etc/ssl/conf.d\n").utf8),
                "etc/ssl/conf.d/a.cnf": Array("# nothing\n".utf8),
                "etc/ssl/conf.d/c.txt": suites("AES256-SHA"),
                "etc/ssl/conf.d/d.cnf.bak": suites("AES256-SHA"),
            ]),
        Case(
            name: "a file read from a directory includes a file, but not a directory",
            files: [
                "etc/ssl/openssl.cnf": Array((head + ".include @ROOT@/etc/ssl/conf.d\n").utf8),
                "etc/ssl/conf.d/a.cnf": Array(
                    ".include @ROOT@/etc/ssl/one.cnf\n.include @ROOT@/etc/ssl/more\n".utf8),
                "etc/ssl/more/b.cnf": suites("AES256-SHA"),
                "etc/ssl/one.cnf": suites("AES128-GCM-SHA256"),
            ]),
        Case(
            name: "a directory's next file is read at the end of a file its file includes, before the rest of it",
            files: [
                "etc/ssl/openssl.cnf": Array((head + ".include @ROOT@/etc/ssl/conf.d\n").utf8),
                "etc/ssl/conf.d/a.cnf": Array(
                    ".include @ROOT@/etc/ssl/one.cnf\nCipherString = AES256-SHA\n".utf8),
                "etc/ssl/conf.d/b.cnf": suites("AES128-GCM-SHA256"),
                "etc/ssl/one.cnf": Array("[system_default_sect]\n".utf8),
            ]),
        Case(
            name: "a directory named while one is listed is skipped",
            files: [
                "etc/ssl/openssl.cnf": Array((head + ".include @ROOT@/etc/ssl/conf.d\n").utf8),
                "etc/ssl/conf.d/a.cnf": Array(".include @ROOT@/etc/ssl/more\n".utf8),
                "etc/ssl/conf.d/b.cnf": suites("AES128-GCM-SHA256"),
                "etc/ssl/more/c.cnf": suites("AES256-SHA"),
            ]),
        Case(
            name: "a relative path from the working directory, not the file's own",
            files: [
                "etc/ssl/openssl.cnf": Array((head + ".include tls.cnf\n").utf8),
                "etc/ssl/tls.cnf": suites("AES256-SHA"),
                "tls.cnf": suites("AES128-GCM-SHA256"),
            ], relative: true),
        Case(
            name: ".pragma includedir goes in front of a relative path",
            files: [
                "etc/ssl/openssl.cnf": Array(
                    (".pragma includedir:@ROOT@/etc/ssl/policy\n" + head + ".include tls.cnf\n").utf8),
                "etc/ssl/policy/tls.cnf": suites("AES256-SHA"),
                "tls.cnf": suites("AES128-GCM-SHA256"),
            ]),
        Case(
            name: ".pragma abspath:on refuses a relative path, and OpenSSL loads nothing",
            files: [
                "etc/ssl/openssl.cnf": Array((".pragma abspath:on\n" + head + ".include tls.cnf\n").utf8),
                "tls.cnf": suites("AES256-SHA"),
            ]),
        Case(
            name: "a missing file is skipped",
            files: [
                "etc/ssl/openssl.cnf": Array((head + ".include @ROOT@/etc/ssl/nowhere.cnf\n").utf8)
            ]),
    ]

    @Test("the system_default suites match openssl ciphers under the same tree", arguments: cases.indices)
    func matchesOpenSSL(index: Int) throws {
        let testCase = Self.cases[index]
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("pqscout-include-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        var tree: [ScanPath: [UInt8]] = [:]
        for (path, bytes) in testCase.files {
            let file = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(
                at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            let text = String(decoding: bytes, as: UTF8.self)
            try Data(text.replacingOccurrences(of: "@ROOT@", with: root.path).utf8).write(to: file)
            tree[ScanPath(path)] = Array(text.replacingOccurrences(of: "@ROOT@", with: "").utf8)
        }
        let conf = root.appendingPathComponent("etc/ssl/openssl.cnf")
        let run = try SystemDefaultOracleTests.run(["ciphers", "-v"], conf: conf, directory: root)
        try #require(run.status == 0, "\(testCase.name): openssl ciphers failed")
        let expected = run.out.split(separator: "\n").map {
            $0.split(whereSeparator: { $0 == " " }).joined(separator: " ")
        }

        let path = ScanPath("etc/ssl/openssl.cnf")
        let parser = OpenSSLConfParser(path: path, bytes: tree[path] ?? [], tree: MemoryTree(contents: tree))
        let system = SystemTLSConfig.read(parser, path: path)
        let expansion = try CipherStringExpander.expand(
            cipherString: system.cipherString?.value, ciphersuites: system.ciphersuites?.value
        ).get()
        #expect(expansion.suites.map(\.verboseLine) == expected, "\(testCase.name): \(parser.diagnostics)")
        #expect(
            parser.diagnostics.contains { $0.detail.contains("is relative") } == testCase.relative,
            "\(testCase.name): \(parser.diagnostics)")
    }

    /// The names in a directory in the order `readdir(3)` gives them: the order OpenSSL reads them in.
    static func readdirOrder(_ directory: URL) -> [String] {
        guard let handle = opendir(directory.path) else { return [] }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
                String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != ".", name != ".." { names.append(name) }
        }
        return names
    }

    @Test(
        "two files of one directory set a name differently: OpenSSL keeps the one readdir gives last; PQScout says so"
    )
    func directoryOrder() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("pqscout-order-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let directory = root.appendingPathComponent("etc/ssl/conf.d")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let values = ["a.cnf": "AES256-SHA", "b.cnf": "AES128-GCM-SHA256", "c.cnf": "AES128-GCM-SHA256"]
        for (name, value) in values { try Data(Self.suites(value)).write(to: directory.appendingPathComponent(name)) }
        let main = Self.head + ".include \(directory.path)\n"
        try Data(main.utf8).write(to: root.appendingPathComponent("etc/ssl/openssl.cnf"))

        // The real thing: the value OpenSSL keeps is the one of the file readdir gives last.
        let order = Self.readdirOrder(directory)
        try #require(Set(order) == Set(values.keys))
        let kept = try #require(values[order.last ?? ""])
        let run = try SystemDefaultOracleTests.run(
            ["ciphers", "-v"], conf: root.appendingPathComponent("etc/ssl/openssl.cnf"))
        try #require(run.status == 0)
        let inForce = run.out.split(separator: "\n").map { $0.split(separator: " ").first.map(String.init) ?? "" }
        let expected = try CipherStringExpander.expand(cipherString: kept, ciphersuites: nil).get()
        #expect(inForce == expected.suites.map(\.name), "readdir order \(order)")

        // The model reads by name and says the order decides: once, at b.cnf, where the value first changes.
        var tree: [ScanPath: [UInt8]] = [:]
        tree[ScanPath("etc/ssl/openssl.cnf")] = Array((Self.head + ".include /etc/ssl/conf.d\n").utf8)
        for (name, value) in values { tree[ScanPath("etc/ssl/conf.d/" + name)] = Self.suites(value) }
        let parser = OpenSSLConfParser(
            path: ScanPath("etc/ssl/openssl.cnf"), bytes: tree[ScanPath("etc/ssl/openssl.cnf")] ?? [],
            tree: MemoryTree(contents: tree))
        let unknown = parser.diagnostics.filter { $0.detail.contains("readdir(3)") }
        #expect(unknown.map(\.path) == [ScanPath("etc/ssl/conf.d/b.cnf")], "\(parser.diagnostics)")
        #expect(parser.value("CipherString", in: "system_default_sect")?.value == "AES128-GCM-SHA256")

        // The same value in every file: nothing to say.
        var same = tree
        for name in values.keys { same[ScanPath("etc/ssl/conf.d/" + name)] = Self.suites("AES256-SHA") }
        let agreeing = OpenSSLConfParser(
            path: ScanPath("etc/ssl/openssl.cnf"), bytes: same[ScanPath("etc/ssl/openssl.cnf")] ?? [],
            tree: MemoryTree(contents: same))
        #expect(!agreeing.diagnostics.contains { $0.detail.contains("readdir(3)") })

        // Two hostile files disagreeing on 1,000 names: a bounded number of diagnostics, the last one saying so.
        var many = tree
        many[ScanPath("etc/ssl/conf.d/a.cnf")] = Array((0..<1000).map { "k\($0) = 1\n" }.joined().utf8)
        many[ScanPath("etc/ssl/conf.d/b.cnf")] = Array((0..<1000).map { "k\($0) = 2\n" }.joined().utf8)
        let hostile = OpenSSLConfParser(
            path: ScanPath("etc/ssl/openssl.cnf"), bytes: many[ScanPath("etc/ssl/openssl.cnf")] ?? [],
            tree: MemoryTree(contents: many))
        let said = hostile.diagnostics.filter { $0.detail.contains("readdir(3)") }
        #expect(said.count == OpenSSLConfParser.maxOrderUnknown)
        #expect(said.last?.detail.contains("not listed") == true)
    }

    @Test("a path with glob characters matches only itself")
    func escaped() {
        #expect(OpenSSLConfParser.escapedForGlob("etc/ssl/a*b?[c]\\d") == "etc/ssl/a\\*b\\?\\[c]\\\\d")
        #expect(OpenSSLConfParser.escapedForGlob("etc/ssl/plain.cnf") == "etc/ssl/plain.cnf")
        let tree = MemoryTree(contents: [
            ScanPath("etc/ssl/*.cnf"): Self.suites("AES256-SHA"), ScanPath("etc/ssl/a.cnf"): Self.suites("AES256-SHA"),
        ])
        let parser = OpenSSLConfParser(
            path: ScanPath("etc/ssl/openssl.cnf"), bytes: Array((Self.head + ".include /etc/ssl/*.cnf\n").utf8),
            tree: tree)
        #expect(
            parser.sections["system_default_sect"]?.map(\.path) == [
                ScanPath("etc/ssl/openssl.cnf"), ScanPath("etc/ssl/*.cnf"),
            ])
    }
}
