import PQModel
import Testing

@testable import PQScanners

@Suite("java.security scanner: what stays enabled")
struct JavaSecurityScannerTests {
    let scanner = JavaSecurityScanner()

    func scan(_ fixture: String, as path: String) throws -> ScanOutput {
        scanner.scan(ScanInput(path: ScanPath(path), bytes: try MailVPNFixtures.bytes(fixture)))
    }

    @Test("TLS: disabled versions, TLS_RSA_* and ECDH vanish; a DH keySize floor becomes keyBits; groups filtered")
    func tls() throws {
        let out = try scan("java/java.security", as: "usr/lib/jvm/java-21/conf/security/java.security")
        let tls = out.findings("jdk.tls.disabledAlgorithms")
        #expect(tls.filter { $0.usage == .protocolVersion }.map(\.algorithm) == ["TLSv1.2", "TLSv1.3", "DTLSv1.2"])
        #expect(tls.filter { $0.usage == .keyExchange }.map(\.algorithm) == ["DHE", "ECDHE", "DH"])
        #expect(tls.first { $0.algorithm == "DH" }?.keyBits == 2048)
        #expect(!tls.contains { $0.algorithm == "RC4_128" || $0.algorithm == "NULL" || $0.algorithm == "3DES_EDE_CBC" })
        #expect(tls.allSatisfy { $0.line == 15 && $0.origin == .file })
        let groups = out.findings("jdk.tls.namedGroups")
        #expect(groups.map(\.algorithm) == ["X25519MLKEM768", "x25519", "secp256r1", "ffdhe2048"])
        #expect(groups.first?.quantumStatus == .hybrid)
    }

    @Test("certpath: MD2/MD5 gone, SHA1 restricted but enabled, RSA from 2048 bits, an include resolved")
    func certpath() throws {
        let out = try scan("java/java.security", as: "usr/lib/jvm/java-21/conf/security/java.security")
        let certpath = out.findings("jdk.certpath.disabledAlgorithms")
        #expect(!certpath.contains { $0.algorithm == "MD5withRSA" || $0.algorithm == "MD2withRSA" })
        let sha1 = try #require(certpath.first { $0.algorithm == "SHA1withRSA" })
        #expect(sha1.note?.contains("restricted: SHA1 jdkCA & usage TLSServer") == true)
        #expect(sha1.quantumStatus == .broken)
        let rsa = try #require(certpath.first { $0.algorithm == "RSA" && $0.usage == .publicKey })
        #expect(rsa.keyBits == 2048 && rsa.quantumStatus == .vulnerable)
        #expect(certpath.contains { $0.algorithm == "ML-DSA-65" && $0.quantumStatus == .resistant })
    }

    @Test("jdk.jar.disabledAlgorithms unset in java.security takes JDK 21's value, marked default")
    func jarDefault() throws {
        let out = try scan("java/java.security", as: "usr/lib/jvm/java-21/conf/security/java.security")
        let jar = out.findings("jdk.jar.disabledAlgorithms")
        #expect(!jar.isEmpty && jar.allSatisfy { $0.origin == .default && $0.line == nil })
        #expect(jar.first { $0.algorithm == "RSA" }?.keyBits == 1024)
        #expect(jar.first { $0.algorithm == "RSA" }?.quantumStatus == .broken)
    }

    @Test("legacyAlgorithms are reported with whether they are also disabled")
    func legacy() throws {
        let out = try scan("java/java.security", as: "usr/lib/jvm/java-21/conf/security/java.security")
        let legacy = out.findings("jdk.tls.legacyAlgorithms")
        #expect(legacy.map(\.algorithm) == ["NULL", "anon", "RC4", "DES", "3DES_EDE_CBC"])
        #expect(legacy.allSatisfy { $0.note?.contains("also disabled") == true })
    }

    @Test("an override file: no JDK defaults; RSA keySize <= 1023 means 1024-bit keys pass; a bad constraint diagnosed")
    func override() throws {
        let out = try scan("java/override.security", as: "opt/app/override.security")
        #expect(out.findings("jdk.certpath.disabledAlgorithms").isEmpty)
        let tls = out.findings("jdk.tls.disabledAlgorithms")
        #expect(tls.contains { $0.algorithm == "TLSv1" && $0.quantumStatus == .broken })
        #expect(tls.first { $0.algorithm == "RSA" && $0.usage == .publicKey }?.keyBits == 1024)
        #expect(tls.first { $0.algorithm == "DH" }?.keyBits == 768)
        #expect(out.diagnostics.count == 1)
        #expect(out.diagnostics.first?.detail.contains("line 2") == true)
    }

    @Test("include fan-out: a property that includes itself 200 times is read once, not 200^4 times")
    func includeFanOut() {
        // The minimal case of the hang: at n = 60 this took over a minute when each include was expanded anew.
        let bomb =
            "a=" + Array(repeating: "include a", count: 200).joined(separator: ",") + ", MD5\n"
            + "jdk.tls.disabledAlgorithms=include a, TLSv1\n"
        let started = ContinuousClock.now
        let out = scanner.scan(ScanInput(path: ScanPath("opt/app/bomb.security"), bytes: Array(bomb.utf8)))
        #expect(ContinuousClock.now - started < .seconds(10))
        let tls = out.findings("jdk.tls.disabledAlgorithms")
        #expect(!tls.isEmpty)
        #expect(!tls.contains { $0.algorithm == "TLSv1" })
    }

    @Test("Properties syntax: continuations, escapes, : and space separators, ! comments")
    func properties() {
        let text = "! c\n# c\na = 1, \\\n   2\nb: x\\ty\nc z\nd\\=e=f\n"
        let properties = JavaProperties(Array(text.utf8))
        #expect(properties["a"]?.text == "1, 2")
        #expect(properties["a"]?.line == 3)
        #expect(properties["b"]?.text == "x\ty")
        #expect(properties["c"]?.text == "z")
        #expect(properties["d=e"]?.text == "f")
    }

    @Test("claims: java.security by name; other text only when a disabledAlgorithms property starts a line")
    func claims() {
        let property = Array("# JDK overrides\njdk.tls.disabledAlgorithms=SSLv3\n".utf8)[...]
        let prose = Array("Set jdk.tls.disabledAlgorithms in java.security to harden TLS.\n".utf8)[...]
        #expect(scanner.claim(path: ScanPath("etc/java-21-openjdk/security/java.security"), head: prose) == .name)
        #expect(scanner.claim(path: ScanPath("opt/app/override.properties"), head: property) == .content)
        #expect(scanner.claim(path: ScanPath("usr/share/doc/README"), head: prose) == .none)
    }
}
