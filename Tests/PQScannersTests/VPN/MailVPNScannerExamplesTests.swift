import PQModel
import PQTestSupport
import Testing

@testable import PQScanners

/// The examples each new scanner carries, and hostile input for all of them.
@Suite("Mail, VPN and Java scanners: their examples and hostile input")
struct MailVPNScannerExamplesTests {
    static let scanners: [any FileScanner] = [
        PostfixScanner(), DovecotScanner(), StrongSwanScanner(), OpenVPNScanner(), WireGuardScanner(),
        JavaSecurityScanner(), JavaKeystoreScanner(),
    ]

    @Test("every example behaves as it says", arguments: scanners.indices)
    func examples(index: Int) {
        let scanner = Self.scanners[index]
        #expect(!scanner.examples.isEmpty, "\(scanner.id) carries examples")
        for example in scanner.examples {
            let output = scanner.scan(ScanInput(path: ScanPath(example.path), bytes: example.contents))
            #expect(output.findings.isEmpty != example.expectsFindings, "\(scanner.id): \(example.name)")
            #expect(output.diagnostics.isEmpty != example.expectsDiagnostic, "\(scanner.id): \(example.name)")
            for algorithm in example.expectedAlgorithms {
                #expect(output.findings.contains { $0.algorithm == algorithm }, "\(scanner.id): \(example.name)")
            }
        }
    }

    @Test("the standard registry holds each of them", arguments: scanners.indices)
    func registered(index: Int) {
        #expect(ScannerRegistry.standard.scanners.contains { $0.id == Self.scanners[index].id })
    }

    @Test(
        "binary noise, NULs, a 256 KB line, deep nesting and unbalanced braces never crash", arguments: scanners.indices
    )
    func hostile(index: Int) {
        let scanner = Self.scanners[index]
        var generator = SeededGenerator(seed: 0x3A11_0021 &+ UInt64(index))
        let noise = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let inputs: [[UInt8]] = [
            [], noise, Array("x\0y\n".utf8), [UInt8](repeating: 0x61, count: 1 << 18),
            Array(String(repeating: "a {\n", count: 5000).utf8), Array(String(repeating: "}\n", count: 100).utf8),
            Array(String(repeating: "conn a\n also=a\n", count: 200).utf8),
            Array("[Peer]\n[Interface]\n=\n = = =\n<ca>\n".utf8),
            Array("a = $a$a$a$a${a}${a?$a}\nb = $(\nc = ${\n".utf8),
            JavaKeystoreScanner.jksMagic + [0, 0, 0, 1, 0xFF, 0xFF, 0xFF, 0xFF],
        ]
        for (number, bytes) in inputs.enumerated() {
            for name in [
                "main.cf", "master.cf", "dovecot.conf", "ipsec.conf", "swanctl.conf", "x.ovpn", "wg0.conf",
                "java.security", "k.jks",
            ] {
                let output = scanner.scan(ScanInput(path: ScanPath("etc/" + name), bytes: bytes))
                #expect(output.diagnostics.count <= 1, "\(scanner.id) input \(number) as \(name)")
            }
        }
    }
}

@Suite("Mail and VPN includes: cycles and globs that match their includer")
struct MailVPNIncludeCycleTests {
    @Test("twenty files that each include all of them are read once each, quickly")
    func globCycles() {
        var contents: [ScanPath: [UInt8]] = [:]
        contents[ScanPath("etc/dovecot/dovecot.conf")] = Array("!include conf.d/*.conf\n".utf8)
        contents[ScanPath("etc/ipsec.conf")] = Array("include ipsec.d/*.conf\n".utf8)
        contents[ScanPath("etc/swanctl/swanctl.conf")] = Array("include conf.d/*.conf\n".utf8)
        for index in 0..<20 {
            contents[ScanPath("etc/dovecot/conf.d/\(index).conf")] = Array(
                "!include *.conf\nssl_min_protocol = TLSv1.3\n".utf8)
            contents[ScanPath("etc/ipsec.d/\(index).conf")] = Array(
                "include *.conf\nconn c\(index)\n  ike=aes256-sha256-modp3072!\n".utf8)
            contents[ScanPath("etc/swanctl/conf.d/\(index).conf")] = Array("include *.conf\n".utf8)
        }
        let tree = MemoryTree(contents: contents)
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for (scanner, path) in [
                (DovecotScanner() as any FileScanner, "etc/dovecot/dovecot.conf"),
                (StrongSwanScanner(), "etc/ipsec.conf"), (StrongSwanScanner(), "etc/swanctl/swanctl.conf"),
                (StrongSwanScanner(), "etc/ipsec.d/3.conf"),
            ] {
                let bytes = contents[ScanPath(path)] ?? []
                let output = scanner.scan(
                    ScanInput(path: ScanPath(path), bytes: bytes, context: ScanContext(tree: tree)))
                #expect(output.diagnostics.count <= 1)
            }
        }
        #expect(elapsed < .seconds(20))
        let fragment = StrongSwanScanner().scan(
            ScanInput(
                path: ScanPath("etc/ipsec.d/3.conf"), bytes: contents[ScanPath("etc/ipsec.d/3.conf")] ?? [],
                context: ScanContext(tree: tree)))
        #expect(
            fragment.findings.filter { $0.context == "conn c3" && $0.setting == "ike" }.count == 3,
            "read once, not once per includer")
    }
}
