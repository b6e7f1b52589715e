import Foundation
import PQModel
import Testing

@testable import PQScanners

/// openssl.cnf values as OpenSSL reads them (config(5), "Settings": quotes, escapes, `$var` expansion), held to the
/// real thing: `openssl ciphers -v` with `OPENSSL_CONF` naming the file lists the suites its `system_default`
/// leaves in force, and a file OpenSSL refuses leaves the library's defaults.
@Suite("OpenSSL config: values and variables as OpenSSL reads them")
struct OpenSSLConfVariableTests {
    static let head = """
        openssl_conf = openssl_init
        [openssl_init]
        ssl_conf = ssl_sect
        [ssl_sect]
        system_default = system_default_sect

        """

    /// (name, the file, whether OpenSSL loads it).
    static let cases: [(String, String, Bool)] = [
        (
            "$name from the default section",
            "suites = AES128-SHA\n" + head + "[system_default_sect]\nCipherString = $suites\n", true
        ),
        (
            "${name}, $(name) and $section::name",
            "a = AES128-SHA\n" + head
                + "[vars]\nb = AES256\n[system_default_sect]\nCipherString = ${a}:$(vars::b)-SHA:${vars::b}-GCM-SHA384\n",
            true
        ),
        (
            "expanded when read: a later value does not count",
            "a = AES128-SHA\n" + head
                + "[system_default_sect]\nCipherString = $a\n[default]\na = AES256-SHA\n", true
        ),
        (
            "the current section first, then the default",
            "x = AES128-SHA\n" + head
                + "[vars]\nx = AES256-SHA\n[system_default_sect]\nCipherString = $vars::x:$x\n", true
        ),
        (
            "quotes and escapes",
            head
                + "[system_default_sect]\nCipherString = 'AES256-SHA:'\"AES128-SHA\"\\:AES128\\-GCM-SHA256\n", true
        ),
        (
            "dollarid: $ inside a name",
            ".pragma dollarid:on\na = AES128-SHA\n" + head + "[system_default_sect]\nCipherString = ${a}\n", true
        ),
        ("a variable with no value", head + "[system_default_sect]\nCipherString = $missing:AES128-SHA\n", false),
        (
            "a variable set below its use",
            head + "[system_default_sect]\nCipherString = $late\n[default]\nlate = AES128-SHA\n", false
        ),
        (
            "an unclosed brace", "a = AES128-SHA\n" + head + "[system_default_sect]\nCipherString = ${a:AES256-SHA\n",
            false
        ),
        ("a lone dollar", head + "[system_default_sect]\nCipherString = AES128-SHA:$\n", false),
        // Lines as `def_load_bio` reads them: a line it cannot read stops the load.
        ("a line of words", head + "[system_default_sect]\nCipherString = AES128-SHA\njust words\n", false),
        ("a section header without ']'", head + "[system_default_sect]\nCipherString = AES128-SHA\n[other\n", false),
        ("a name with a space", head + "[system_default_sect]\nCipherString = AES128-SHA\nkey word = 1\n", false),
        ("a name with '$'", head + "[system_default_sect]\nCipherString = AES128-SHA\nk$ = 1\n", false),
        ("a name in UTF-8", head + "[system_default_sect]\nCipherString = AES128-SHA\nk\u{E9} = 1\n", false),
        ("'$' in a section name", "a = b\n" + head + "[system_default_sect]\nCipherString = AES128-SHA\n[$a]\n", false),
        (
            "section::name sets the name in that section",
            head + "[system_default_sect]\nCipherString = AES128-SHA\n[other]\n"
                + "system_default_sect::CipherString = AES256-SHA\n", true
        ),
        (
            "a section header's words, and what follows its ']'",
            head + "[ other words ]\n[ system_default_sect ] ignored\nCipherString = AES256-SHA\n", true
        ),
        (
            "names of punctuation and escapes",
            head + "[system_default_sect]\nCipherString = AES128-SHA\nk!%&*+,-./;?@^|~_\\ x = 1\n=empty\n", true
        ),
        (
            ".pragma without a value",
            ".pragma dollarid:\n" + head + "[system_default_sect]\nCipherString = AES128-SHA\n", false
        ),
        (
            ".pragma flag of another value",
            ".pragma abspath:yes\n" + head + "[system_default_sect]\nCipherString = AES128-SHA\n", false
        ),
        (
            "an unknown .pragma is ignored",
            ".pragma = Unknown : thing\n.pragma dollarid:ON\n" + head
                + "[system_default_sect]\nCipherString = AES128-SHA\n", true
        ),
        (
            ".include alone is a name without '='",
            head + "[system_default_sect]\nCipherString = AES128-SHA\n.include\n", false
        ),
    ]

    /// `openssl ciphers -v` under this configuration file (none: `/dev/null`), spaces collapsed; nil when the CLI
    /// reports an error.
    static func cli(conf: URL?) throws -> [String]? {
        let run = try SystemDefaultOracleTests.run(["ciphers", "-v"], conf: conf)
        guard run.status == 0 else { return nil }
        return run.out.split(separator: "\n").map { $0.split(whereSeparator: { $0 == " " }).joined(separator: " ") }
    }

    @Test("the system_default suites match openssl ciphers under the same file", arguments: cases.indices)
    func matchesOpenSSL(index: Int) throws {
        let (name, text, loads) = Self.cases[index]
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pqscout-cnf-\(UUID().uuidString)")
        try Data(text.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let expected = try #require(try Self.cli(conf: file), "\(name): openssl ciphers failed")
        let defaults = try #require(try Self.cli(conf: nil))
        // The case says what OpenSSL does with the file: its own suites, or the defaults of a refused file.
        #expect((expected != defaults) == loads, "\(name)")

        let path = ScanPath("etc/ssl/openssl.cnf")
        let conf = OpenSSLConfParser(path: path, bytes: Array(text.utf8), tree: nil)
        #expect((conf.refusal == nil) == loads, "\(name): \(conf.diagnostics.map(\.detail))")
        let system = SystemTLSConfig.read(conf, path: path)
        let expansion = try CipherStringExpander.expand(
            cipherString: system.cipherString?.value, ciphersuites: system.ciphersuites?.value
        ).get()
        #expect(expansion.suites.map(\.verboseLine) == expected, "\(name)")
    }

    /// OpenSSL's table of name characters, held character by character: `kXk = 1` after the suites either leaves
    /// them in force or stops the load.
    @Test("a name with each printable ASCII character is read or refused as OpenSSL does", arguments: 33...126)
    func nameCharacter(code: Int) throws {
        let character = Character(Unicode.Scalar(UInt8(code)))
        let text = Self.head + "[system_default_sect]\nCipherString = AES128-SHA\nk\(character)k = 1\n"
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pqscout-cnf-\(UUID().uuidString)")
        try Data(text.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let loads = try #require(try Self.cli(conf: file)) != (try #require(try Self.cli(conf: nil)))
        let conf = OpenSSLConfParser(path: ScanPath("etc/ssl/openssl.cnf"), bytes: Array(text.utf8), tree: nil)
        #expect((conf.refusal == nil) == loads, "k\(character)k: \(conf.diagnostics.map(\.detail))")
    }

    @Test("a refused file is reported with its line, and its services get the library's defaults")
    func refusedFile() {
        let text = Self.head + "[system_default_sect]\nMinProtocol = TLSv1.3\nCipherString = $missing\n"
        let output = OpenSSLConfScanner().scan(
            ScanInput(
                path: ScanPath("etc/ssl/openssl.cnf"), bytes: Array(text.utf8),
                context: ScanContext(software: TLS.openssl("3.0.19-1"))))
        let refusal = output.diagnostics.first { $0.reason == .malformed }
        #expect(refusal?.detail.hasPrefix("line 8: variable $missing has no value") == true, "\(output.diagnostics)")
        #expect(!output.findings.isEmpty && output.findings.allSatisfy { $0.origin == .default })
        #expect(output.findings.contains { $0.algorithm == "TLSv1.2" && $0.effective })
    }

    @Test("$ENV::name is kept as written, with a diagnostic; the file's [ENV] section is read")
    func environment() {
        let parser = OpenSSLConfParser(
            path: ScanPath("etc/ssl/openssl.cnf"),
            bytes: Array("[ENV]\nHOME = /root\n[s]\na = $ENV::HOME/x\nb = $ENV::PQSCOUT_UNSET\n".utf8), tree: nil)
        #expect(parser.value("a", in: "s")?.value == "/root/x")
        #expect(parser.value("b", in: "s")?.value == "$ENV::PQSCOUT_UNSET")
        #expect(parser.refusal == nil)
        #expect(parser.diagnostics.map(\.reason) == [.unsupported])
    }

    @Test("quotes keep $ as written; escapes are read")
    func quotes() {
        let parser = OpenSSLConfParser(
            path: ScanPath("openssl.cnf"),
            bytes: Array("a = x\nb = '$a\\'' \"$a\"\"\" \\$a \\t$a\n".utf8), tree: nil)
        #expect(parser.value("b", in: "")?.value == "$a' $a\" $a \tx")
        #expect(parser.refusal == nil)
    }

    /// A hostile file's cost stays linear in its size: each reference is one lookup and the length is counted as
    /// the value grows (counting it anew per reference made this line billions of steps).
    @Test("a line of 30,000 references and a section of 20,000 names read in one pass")
    func manyReferences() {
        var text = "a = xy\n[s]\n"
        for index in 0..<20_000 { text += "k\(index) = $a\n" }
        text += "b = " + String(repeating: "$a", count: 30_000) + "\n"
        let parser = OpenSSLConfParser(path: ScanPath("openssl.cnf"), bytes: Array(text.utf8), tree: nil)
        #expect(parser.refusal == nil)
        #expect(parser.value("b", in: "s")?.value.utf8.count == 60_000)
        #expect(parser.value("k19999", in: "s")?.value == "xy")
    }

    @Test(".include takes its path through the same expansion; an undefined variable there refuses the file")
    func includePath() {
        let tree = MemoryTree(contents: [
            ScanPath("etc/ssl/policy/tls.cnf"): Array("[system_default_sect]\nCipherString = AES128-SHA\n".utf8)
        ])
        let main = Self.head + "[system_default_sect]\n"
        let included = OpenSSLConfParser(
            path: ScanPath("etc/ssl/openssl.cnf"),
            bytes: Array(("dir = /etc/ssl/policy\n" + main + ".include ${dir}/tls.cnf\n").utf8), tree: tree)
        #expect(included.refusal == nil)
        #expect(
            SystemTLSConfig.read(included, path: ScanPath("etc/ssl/openssl.cnf")).cipherString?.value == "AES128-SHA")
        let undefined = OpenSSLConfParser(
            path: ScanPath("etc/ssl/openssl.cnf"), bytes: Array((main + ".include $nowhere/tls.cnf\n").utf8),
            tree: tree)
        #expect(undefined.refusal?.detail.contains("$nowhere") == true)
    }

    @Test("a value grown past 64 KiB by its variables is refused")
    func tooLong() {
        var text = "a = " + String(repeating: "x", count: 40_000) + "\n"
        text += "b = $a$a\n"
        let parser = OpenSSLConfParser(path: ScanPath("openssl.cnf"), bytes: Array(text.utf8), tree: nil)
        #expect(parser.refusal?.detail.contains("64 KiB") == true)
        #expect(parser.value("b", in: "") == nil)
    }
}
