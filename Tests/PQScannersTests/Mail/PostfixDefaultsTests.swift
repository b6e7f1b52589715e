import Foundation
import PQModel
import Testing

@testable import PQScanners

/// Postfix's built-in values by release (`PostfixDefaults`): the release installed here is held to its own
/// `postconf -d`; the others come from `mail_params.h` at their release tags, and a scan picks the release its
/// package database names.
@Suite("Postfix defaults by release")
struct PostfixDefaultsTests {
    static let postconf = "/usr/sbin/postconf"

    /// `postconf ARGUMENTS`: exit status, standard output and error; nil when Postfix is not installed.
    static func run(_ arguments: [String]) throws -> (status: Int32, out: String, err: String)? {
        guard FileManager.default.isExecutableFile(atPath: postconf) else { return nil }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("pqs-postconf-\(UUID())")
        let outFile = scratch.appendingPathExtension("out")
        let errFile = scratch.appendingPathExtension("err")
        _ = FileManager.default.createFile(atPath: outFile.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errFile.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outFile)
            try? FileManager.default.removeItem(at: errFile)
        }
        let out = try FileHandle(forWritingTo: outFile)
        let err = try FileHandle(forWritingTo: errFile)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: postconf)
        process.arguments = arguments
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try out.close()
        try err.close()
        return (
            process.terminationStatus, try String(contentsOf: outFile, encoding: .utf8),
            try String(contentsOf: errFile, encoding: .utf8)
        )
    }

    /// The installed Postfix's release (`postconf -d mail_version`); nil when Postfix is not installed.
    static func installed() throws -> OpenSSLVersion? {
        guard let run = try run(["-d", "-h", "mail_version"]) else { return nil }
        return OpenSSLVersion(parsing: run.out.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    static func words(_ text: String) -> [Substring] { text.split(whereSeparator: \.isWhitespace) }

    @Test("postconf -d of the installed Postfix agrees with the built-in values of its release")
    func agreesWithPostconf() throws {
        guard let release = try Self.installed() else {
            print("skipped: \(Self.postconf) is not installed (.ci/run installs postfix)")
            return
        }
        let openssl = OpenSSLVersion(parsing: CipherStringExpander.libraryVersion) ?? .assumed
        let values = PostfixDefaults.values(postfix: release, openssl: openssl)
        for name in values.keys.sorted() {
            let run = try #require(try Self.run(["-d", "-h", name]))
            #expect(!run.err.contains("unknown parameter"), "\(name) is not a parameter of Postfix \(release)")
            #expect(Self.words(run.out) == Self.words(values[name] ?? ""), "\(name) of Postfix \(release)")
        }
        // A parameter the release does not have is left out, not given a value it never had.
        let ffdhe = try #require(try Self.run(["-d", "-h", "tls_ffdhe_auto_groups"]))
        #expect(ffdhe.err.contains("unknown parameter") == (values["tls_ffdhe_auto_groups"] == nil))
    }

    /// (Postfix package version, OpenSSL package version, the server's groups in order, whether DHE-DSS suites are
    /// offered at the default grade).
    static let releases: [(String, String, [String], Bool)] = [
        // 3.7: no FFDHE list (a setting of it does nothing), secp521r1 before secp384r1, the old cipher lists.
        ("3.7.11-0+deb12u1", "3.0.19-1", ["X25519", "X448", "P-256", "P-521", "P-384"], true),
        // 3.8: the FFDHE list and the cipher lists' exclusions.
        ("3.8.6-1", "3.0.19-1", ["X25519", "X448", "P-256", "P-521", "P-384", "FFDHE-4096"], false),
        // 3.10 with OpenSSL 3.5: its own list, without the hybrid group OpenSSL 3.5 would offer by default.
        ("3.10.4-1", "3.5.1-1", ["X25519", "X448", "P-256", "P-384", "P-521", "FFDHE-4096"], false),
        // 3.11 built with OpenSSL 3.5: OpenSSL's default list, the hybrid group first.
        ("2:3.11.0-1", "3.5.1-1", ["ML-KEM-768+X25519"], false),
    ]

    @Test("a scan takes the defaults of the Postfix release its packages name", arguments: releases.indices)
    func scanByRelease(index: Int) {
        let (postfix, openssl, groups, dss) = Self.releases[index]
        let out = TLS.scan(
            PostfixScanner(), "etc/postfix/main.cf",
            text: "smtpd_tls_security_level = may\ntls_ffdhe_auto_groups = ffdhe4096\n",
            software: [TLS.package("postfix", postfix)] + TLS.openssl(openssl))
        let offered = out.findings("tls_eecdh_auto_curves").filter { $0.context == "smtpd" && $0.effective }
        #expect(Array(offered.compactMap(\.canonical).prefix(groups.count)) == groups, "Postfix \(postfix)")
        if groups.count > 1 { #expect(offered.count == groups.count, "Postfix \(postfix)") }
        let suites = out.findings("smtpd_tls_ciphers").filter { $0.usage == .cipherSuite }.map(\.algorithm)
        #expect(!suites.isEmpty)
        #expect(suites.contains { $0.contains("_DSS_") } == dss, "Postfix \(postfix)")
    }
}
