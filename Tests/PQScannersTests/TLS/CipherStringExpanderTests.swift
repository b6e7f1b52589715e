import Foundation
import PQModel
import Testing

@testable import PQScanners

/// The expansion must match `openssl ciphers -v STRING` line for line, for real-world strings: Mozilla's
/// server-side TLS profiles, distribution and server defaults, and odd ones exercising every operator.
@Suite("CipherStringExpander: the same suites as `openssl ciphers -v`")
struct CipherStringExpanderTests {
    /// At least 40 strings (issue 4, point 5). Sources in the trailing comments.
    static let table: [String] = [
        // Mozilla server-side TLS 5.7, intermediate and old (ssl-config.mozilla.org)
        "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
            + "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
            + "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305",
        "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
            + "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
            + "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305:"
            + "ECDHE-ECDSA-AES128-SHA256:ECDHE-RSA-AES128-SHA256:ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA:"
            + "ECDHE-ECDSA-AES256-SHA384:ECDHE-RSA-AES256-SHA384:ECDHE-ECDSA-AES256-SHA:ECDHE-RSA-AES256-SHA:"
            + "DHE-RSA-AES128-SHA256:DHE-RSA-AES256-SHA256:AES128-GCM-SHA256:AES256-GCM-SHA384:AES128-SHA256:"
            + "AES256-SHA256:AES128-SHA:AES256-SHA:DES-CBC3-SHA",
        // Older Mozilla "modern" (v4) and "intermediate" (v4) strings still found in configs
        "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:"
            + "ECDHE-RSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
            + "ECDHE-ECDSA-AES256-SHA384:ECDHE-RSA-AES256-SHA384:ECDHE-ECDSA-AES128-SHA256:ECDHE-RSA-AES128-SHA256",
        // Server and distribution defaults
        "HIGH:!aNULL:!MD5",  // nginx ssl_ciphers default
        "DEFAULT",  // OpenSSL default
        "DEFAULT:@SECLEVEL=2",  // Debian/Ubuntu system_default
        "DEFAULT@SECLEVEL=2",  // Debian 10 openssl.cnf spelling
        "PROFILE=SYSTEM",  // Fedora/RHEL patched OpenSSL only: must fail on upstream
        "HIGH:MEDIUM:!MD5:!RC4:!3DES",  // Apache 2.4 ssl.conf (Debian)
        "HIGH:!aNULL",  // Apache 2.4 default-ssl.conf
        "ECDH+AESGCM:DH+AESGCM:ECDH+AES256:DH+AES256:ECDH+AES128:DH+AES:RSA+AESGCM:RSA+AES:!aNULL:!MD5:!DSS",
        "ECDHE+AESGCM:ECDHE+CHACHA20",
        "EECDH+AESGCM:EDH+AESGCM",  // cipherli.st
        "EECDH+AESGCM:EDH+AESGCM:AES256+EECDH:AES256+EDH",  // cipherli.st (older)
        "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384",  // HAProxy docs example
        "ALL:!EXPORT:!EXPORT40:!EXPORT56:!aNULL:!LOW:!RC4:@STRENGTH",
        "!aNULL:!eNULL:FIPS",  // RHEL FIPS-style
        "FIPS",
        "SUITEB128",
        "SUITEB192",
        "SUITEB128ONLY",
        // Operators: '+' (AND and move-to-end), '-', '!', '@STRENGTH', '@SECLEVEL', separators
        "ALL:@SECLEVEL=0",
        "ALL:COMPLEMENTOFALL",
        "COMPLEMENTOFDEFAULT",
        "aNULL",
        "eNULL",
        "ALL:-AES:+SHA1",
        "HIGH:+SHA1:@STRENGTH",
        "AESGCM:-ECDSA",
        "kRSA:!PSK",
        "ECDHE:!ECDSA:!SHA1",
        "AES256+ECDHE",
        "CHACHA20",
        "CAMELLIA:ARIA",
        "PSK",
        "SRP",
        "AESCCM8",
        "SHA256:SHA384",
        "TLSv1.2:!TLSv1.0",
        "HIGH, !aNULL, !MD5",
        "HIGH !aNULL !MD5",
        "MEDIUM",
        "LOW",
        "DES-CBC3-SHA",  // no 3DES in this build: "no cipher match"
        "RC4-SHA:@SECLEVEL=0",
        "NOT-A-CIPHER",
        "ECDHE-RSA-AES128-GCM-SHA256:NOT-A-CIPHER",
    ]

    /// `openssl ciphers -v STRING` with no configuration file; nil when the CLI reports an error.
    static func cli(_ string: String) throws -> [String]? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl", "ciphers", "-v", string]
        var environment = ProcessInfo.processInfo.environment
        environment["OPENSSL_CONF"] = "/dev/null"
        process.environment = environment
        let out = Pipe()
        process.standardOutput = out
        process.standardError = Pipe()
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map {
            $0.split(whereSeparator: { $0 == " " }).joined(separator: " ")
        }
    }

    @Test("the table has at least 40 strings")
    func tableSize() {
        #expect(Self.table.count >= 40)
    }

    @Test("each string expands to exactly the CLI's suites, in its order", arguments: table)
    func matchesCLI(string: String) throws {
        let expected = try Self.cli(string)
        let result = CipherStringExpander.expand(cipherString: string)
        switch (expected, result) {
        case (nil, .failure):
            break
        case (let lines?, .success(let expansion)):
            #expect(expansion.suites.map(\.verboseLine) == lines)
        case (nil, .success(let expansion)):
            Issue.record("CLI rejected \(string) but the expander gave \(expansion.suites.count) suites")
        case (let lines?, .failure(let failure)):
            Issue.record("CLI listed \(lines.count) suites for \(string) but the expander failed: \(failure.detail)")
        }
    }

    @Test("TLS 1.3 suite lists expand and reject like SSL_CTX_set_ciphersuites")
    func ciphersuites() throws {
        let two = CipherStringExpander.expand(
            cipherString: nil, ciphersuites: "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256")
        #expect((try? two.get().tls13.map(\.name)) == ["TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"])
        let none = CipherStringExpander.expand(cipherString: "HIGH", ciphersuites: "")
        #expect((try? none.get().tls13.isEmpty) == true)
        #expect((try? none.get().tls12.isEmpty) == false)
        let bad = CipherStringExpander.expand(cipherString: nil, ciphersuites: "TLS_NOT_A_SUITE")
        #expect((try? bad.get()) == nil)
    }

    @Test("suites carry IANA names and code points")
    func standardNames() throws {
        let expansion = try CipherStringExpander.expand(
            cipherString: "ECDHE-RSA-AES128-GCM-SHA256", ciphersuites: "TLS_AES_128_GCM_SHA256"
        ).get()
        let legacy = try #require(expansion.tls12.first)
        #expect(legacy.standardName == "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")
        #expect(legacy.codePoint == 0xC02F)
        #expect(legacy.keyExchange == "Kx=ECDH" && legacy.authentication == "Au=RSA")
        #expect(expansion.tls13.first?.codePoint == 0x1301)
    }

    @Test("hostile strings fail cleanly")
    func hostile() {
        #expect((try? CipherStringExpander.expand(cipherString: String(repeating: "A", count: 100_000)).get()) == nil)
        #expect((try? CipherStringExpander.expand(cipherString: "HIGH\u{0}").get()) == nil)
        #expect((try? CipherStringExpander.expand(cipherString: String(repeating: ":", count: 5000)).get()) == nil)
    }
}
