import Foundation
import PQModel
import PQTestSupport
import Testing

@testable import PQScanners

/// Test certificates made once per run with the `openssl` command (`req -x509 -newkey ... -nodes`): throwaway keys
/// in a temporary directory, never committed.
enum TestCertificates {
    struct Pair: Sendable {
        var certificatePEM: String
        var keyPEM: String
        var certificateDER: [UInt8]
        var keyType: String
    }

    static let opensslPath: String? = ["/usr/bin/openssl", "/usr/local/bin/openssl"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    static func run(_ path: String, _ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.environment = ["OPENSSL_CONF": "/dev/null", "PATH": "/usr/bin:/bin"]
        guard (try? process.run()) != nil else { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// `rsa:2048`, `rsa:1024`, `ec` (P-256) → a self-signed certificate and its key, in `directory`.
    static func make(_ spec: String, in directory: URL, name: String? = nil) -> Pair? {
        guard let openssl = opensslPath else { return nil }
        let name = name ?? spec.replacingOccurrences(of: ":", with: "")
        let cert = directory.appendingPathComponent("\(name).crt").path
        let key = directory.appendingPathComponent("\(name).key").path
        let der = directory.appendingPathComponent("\(name).der").path
        var arguments = [
            "req", "-x509", "-nodes", "-days", "2", "-subj", "/CN=localhost", "-keyout", key, "-out", cert,
        ]
        if spec == "ec" {
            arguments += ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-sha256"]
        } else {
            arguments += ["-newkey", spec, "-sha256"]
        }
        guard run(openssl, arguments) == 0, run(openssl, ["x509", "-in", cert, "-outform", "DER", "-out", der]) == 0,
            let certificate = try? String(contentsOfFile: cert, encoding: .utf8),
            let privateKey = try? String(contentsOfFile: key, encoding: .utf8),
            let bytes = FileManager.default.contents(atPath: der)
        else { return nil }
        return Pair(
            certificatePEM: certificate, keyPEM: privateKey, certificateDER: [UInt8](bytes),
            keyType: spec == "ec" ? "EC" : "RSA")
    }

    static func temporaryDirectory(_ label: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "pqscout-\(label)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// The in-force model (`TLSServerProbe.suites` + `TLSSuiteUsability`) against OpenSSL's own answer: real
/// handshakes in memory between a server built with the same settings and a client that offers everything.
@Suite("TLS in force: the suite model agrees with OpenSSL's handshakes")
struct TLSServerProbeTests {
    static let tokens = [
        "ALL", "HIGH", "MEDIUM", "LOW", "DEFAULT", "COMPLEMENTOFALL", "COMPLEMENTOFDEFAULT", "aNULL", "eNULL", "NULL",
        "ECDHE", "DHE", "EDH", "EECDH", "kRSA", "RSA", "ECDSA", "aECDSA", "aRSA", "PSK", "SRP", "AESGCM", "AES",
        "AES128", "AES256", "CHACHA20", "CAMELLIA", "ARIA", "SHA1", "SHA256", "SHA384", "MD5", "3DES", "RC4", "SEED",
        "DSS", "ADH", "AECDH", "kECDHE", "kDHE", "aNULL", "ECDHE+AESGCM", "DHE+AESGCM", "ECDHE+CHACHA20", "AES+SHA1",
        "kRSA+AESGCM", "ECDHE-RSA-AES128-GCM-SHA256", "AES128-SHA", "DHE-RSA-AES256-SHA", "ADH-AES256-GCM-SHA384",
        "PSK-AES128-CBC-SHA", "ECDHE-ECDSA-AES256-GCM-SHA384", "NULL-SHA256", "CCM", "AESCCM8",
    ]

    /// A random OpenSSL cipher string from real tokens and operators.
    static func randomCipherString(_ random: inout SeededGenerator) -> String {
        var parts: [String] = []
        for index in 0..<Int.random(in: 1...5, using: &random) {
            let token = tokens.randomElement(using: &random) ?? "ALL"
            let operators = index == 0 ? ["", "", ""] : ["", "!", "-", "+", ""]
            parts.append((operators.randomElement(using: &random) ?? "") + token)
        }
        if Bool.random(using: &random), Int.random(in: 0..<4, using: &random) == 0 { parts.append("@STRENGTH") }
        return parts.joined(separator: ":")
    }

    /// Every TLS <= 1.2 suite the server really negotiates at `version`: in TLS 1.2 offer the whole list, take what
    /// it picks, drop it, again; in TLS 1.0/1.1 each suite alone (a server may pick a suite it then cannot sign for).
    static func negotiated(
        _ cipherString: String, level: Int, dh: Bool, pair: TestCertificates.Pair, offer: [String],
        version: String = "TLSv1.2"
    ) -> Set<String> {
        var picked = Set<String>()
        if version != "TLSv1.2" {
            for name in offer {
                let result = TLSServerProbe.handshake(
                    cipherString: cipherString, ciphersuites: nil, groups: nil, securityLevel: level, automaticDH: dh,
                    certificatePEM: pair.certificatePEM, keyPEM: pair.keyPEM, version: version,
                    offerCiphers: name + ":@SECLEVEL=0", offerSuites: nil, offerGroups: nil)
                if case .success(let handshake) = result, handshake.cipher == name { picked.insert(name) }
            }
            return picked
        }
        var remaining = offer
        while !remaining.isEmpty {
            let result = TLSServerProbe.handshake(
                cipherString: cipherString, ciphersuites: nil, groups: nil, securityLevel: level, automaticDH: dh,
                certificatePEM: pair.certificatePEM, keyPEM: pair.keyPEM, version: "TLSv1.2",
                offerCiphers: remaining.joined(separator: ":") + ":@SECLEVEL=0", offerSuites: nil, offerGroups: nil)
            guard case .success(let handshake) = result, remaining.contains(handshake.cipher) else { break }
            picked.insert(handshake.cipher)
            remaining.removeAll { $0 == handshake.cipher }
        }
        return picked
    }

    @Test(
        "300 seeded cipher strings x security levels 0-3 x RSA/ECDSA certificates: in force = negotiated",
        .enabled(if: TestCertificates.opensslPath != nil, "needs the openssl command to make test certificates"))
    func randomized() throws {
        let directory = try TestCertificates.temporaryDirectory("probe")
        defer { try? FileManager.default.removeItem(at: directory) }
        let pairs = try ["rsa:2048", "ec"].map { try #require(TestCertificates.make($0, in: directory)) }
        var random = SeededGenerator(seed: 0x7E57_C1FE_12)
        var compared = 0
        var agreed = 0
        var disagreements: [String] = []
        var nonEmpty = 0
        for _ in 0..<300 {
            let cipherString = Self.randomCipherString(&random)
            let level = Int.random(in: 0...3, using: &random)
            let pair = pairs.randomElement(using: &random) ?? pairs[0]
            let dh = Bool.random(using: &random)
            let version =
                ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.2", "TLSv1.2"].randomElement(using: &random) ?? "TLSv1.2"
            let model = TLSServerProbe.suites(
                base: nil, cipherString: cipherString, ciphersuites: nil, securityLevel: level, minimum: version,
                maximum: version)
            guard case .success(let context) = model else {
                // OpenSSL rejects the string: a server cannot be built with it either.
                let handshake = TLSServerProbe.handshake(
                    cipherString: cipherString, ciphersuites: nil, groups: nil, securityLevel: level, automaticDH: dh,
                    certificatePEM: pair.certificatePEM, keyPEM: pair.keyPEM, version: "TLSv1.2",
                    offerCiphers: "ALL:@SECLEVEL=0", offerSuites: nil, offerGroups: nil)
                compared += 1
                if case .failure = handshake { agreed += 1 } else { disagreements.append("rejected \(cipherString)") }
                continue
            }
            // A certificate the level refuses stops the server: nothing is in force (the emitter's refusal).
            let certificate = try TLSServerProbe.checkCertificate(
                der: pair.certificateDER, base: nil, cipherString: cipherString, securityLevel: level
            ).get()
            let assets = TLSSuiteUsability.Assets(
                keyTypes: [pair.keyType], assumed: false, dhParameters: dh, ecdheGroup: true)
            let legacy = context.suites.filter { !$0.suite.isTLS13 }
            let inForce = Set(
                legacy.filter {
                    certificate.accepted && $0.usable && TLSSuiteUsability.serverReason($0.suite, assets: assets) == nil
                        && TLSSuiteUsability.serves($0.suite, version: version, level: context.securityLevel)
                }.map(\.suite.name))
            let real = Self.negotiated(
                cipherString, level: level, dh: dh, pair: pair, offer: legacy.map(\.suite.name), version: version)
            compared += 1
            if !inForce.isEmpty { nonEmpty += 1 }
            if inForce == real {
                agreed += 1
            } else {
                disagreements.append(
                    "\(cipherString) \(version) level \(level) \(pair.keyType) dh \(dh): model-only "
                        + "\(inForce.subtracting(real).sorted()) handshake-only \(real.subtracting(inForce).sorted())")
            }
        }
        print("TLS in-force model vs in-memory handshakes: \(agreed)/\(compared) agree (\(nonEmpty) non-empty)")
        #expect(compared >= 300)
        #expect(nonEmpty >= 100, "the random strings must exercise real suites, not only empty sets")
        #expect(disagreements.isEmpty, "\(disagreements.prefix(5))")
    }

    @Test(
        "versions: TLS 1.0/1.1 at level 1+ carry no certificate-authenticated suite; the model's versions match handshakes",
        .enabled(if: TestCertificates.opensslPath != nil, "needs the openssl command to make test certificates"))
    func versions() throws {
        let directory = try TestCertificates.temporaryDirectory("versions")
        defer { try? FileManager.default.removeItem(at: directory) }
        let pair = try #require(TestCertificates.make("rsa:2048", in: directory))
        let assets = TLSSuiteUsability.Assets(keyTypes: ["RSA"], assumed: false, dhParameters: false, ecdheGroup: true)
        var checked = 0
        for level in 0...2 {
            for cipherString in ["DEFAULT", "HIGH:!aNULL:!MD5", "ECDHE+AESGCM", "ECDHE:AES128-SHA", "ALL:@SECLEVEL=0"] {
                for version in ["TLSv1", "TLSv1.1", "TLSv1.2"] {
                    let context = try TLSServerProbe.suites(
                        base: nil, cipherString: cipherString, ciphersuites: nil, securityLevel: level,
                        minimum: version,
                        maximum: version
                    ).get()
                    let legacy = context.suites.filter { !$0.suite.isTLS13 }
                    let inForce = legacy.filter {
                        $0.usable && TLSSuiteUsability.serverReason($0.suite, assets: assets) == nil
                            && TLSSuiteUsability.serves($0.suite, version: version, level: context.securityLevel)
                    }
                    let modelSaysOn = context.usableVersions.contains(version) && !inForce.isEmpty
                    let real = Self.negotiated(
                        cipherString, level: level, dh: false, pair: pair, offer: legacy.map(\.suite.name),
                        version: version)
                    #expect(modelSaysOn == !real.isEmpty, "\(cipherString) level \(level) \(version) \(real.sorted())")
                    #expect(Set(inForce.map(\.suite.name)) == real, "\(cipherString) level \(level) \(version)")
                    checked += 1
                }
            }
        }
        #expect(checked == 45)
    }

    @Test(
        "a certificate the security level refuses is reported in OpenSSL's words",
        .enabled(if: TestCertificates.opensslPath != nil, "needs the openssl command to make test certificates"))
    func certificateLevel() throws {
        let directory = try TestCertificates.temporaryDirectory("level")
        defer { try? FileManager.default.removeItem(at: directory) }
        let pair = try #require(TestCertificates.make("rsa:2048", in: directory))
        let ok = try TLSServerProbe.checkCertificate(
            der: pair.certificateDER, base: nil, cipherString: "DEFAULT", securityLevel: 2
        ).get()
        #expect(ok.accepted && ok.keyType == "RSA" && ok.keyBits == 2048)
        let refused = try TLSServerProbe.checkCertificate(
            der: pair.certificateDER, base: nil, cipherString: "DEFAULT:@SECLEVEL=3", securityLevel: 1
        ).get()
        #expect(!refused.accepted)
        #expect(refused.refusal?.contains("ee key too small") == true)
        // The system string's level holds when the service's own string says nothing of it.
        let viaSystem = try TLSServerProbe.checkCertificate(
            der: pair.certificateDER, base: "DEFAULT:@SECLEVEL=3", cipherString: "HIGH", securityLevel: 1
        ).get()
        #expect(!viaSystem.accepted)
    }

    @Test(
        "the served key type is named from the certificate's key OID, the way suites are matched",
        .enabled(if: TestCertificates.opensslPath != nil, "needs the openssl command to make test certificates"))
    func keyTypeFromOID() throws {
        let directory = try TestCertificates.temporaryDirectory("keytype")
        defer { try? FileManager.default.removeItem(at: directory) }
        for (spec, oid, type) in [
            ("rsa:2048", "1.2.840.113549.1.1.1", "RSA"), ("ec", "1.2.840.10045.2.1", "EC"),
            ("ed25519", "1.3.101.112", "ED25519"), ("ed448", "1.3.101.113", "ED448"),
            ("rsa-pss", "1.2.840.113549.1.1.10", "RSA-PSS"),
        ] {
            let pair = try #require(TestCertificates.make(spec, in: directory), "\(spec)")
            let check = try TLSServerProbe.checkCertificate(
                der: pair.certificateDER, base: nil, cipherString: "DEFAULT", securityLevel: 0
            ).get()
            #expect(check.keyOID == oid && check.keyType == type, "\(spec): \(check.keyOID) \(check.keyType)")
        }
    }

    @Test("certificates are loaded into one shared context per lists and level, with a fresh context's answers")
    func sharedCertificateContexts() throws {
        let certificates = try X509Fixtures.allCertificates()
        #expect(certificates.count > 10)
        let lists: [(String?, String?, Int?)] = [
            (nil, "DEFAULT", 0), (nil, "DEFAULT", 2), (nil, "DEFAULT:@SECLEVEL=3", 1),
            ("DEFAULT:@SECLEVEL=3", "HIGH", 1), (nil, "NOSUCH", 1),
        ]
        for (base, list, level) in lists {
            for (name, der) in certificates {
                let shared = TLSServerProbe.checkCertificate(
                    der: der, base: base, cipherString: list, securityLevel: level)
                let own = TLSServerProbe.checkCertificateInOwnContext(
                    der: der, base: base, cipherString: list, securityLevel: level)
                #expect(shared == own, "\(name) \(list ?? "-") \(level ?? -1)")
            }
            // The memo is shared by the tests that run beside this one, and starts again empty when full: another
            // test's contexts can empty it between the last check and the question. A few tries, each right after a
            // check, tell "not remembered" from "remembered, then emptied by someone else".
            var remembered = false
            for _ in 0..<5 where !remembered {
                _ = TLSServerProbe.checkCertificate(
                    der: certificates[0].1, base: base, cipherString: list, securityLevel: level)
                remembered = TLSServerProbe.remembersCertificateContext(
                    base: base, cipherString: list, securityLevel: level)
            }
            #expect(remembered, "\(list ?? "-") \(level ?? -1)")
        }
    }
}
