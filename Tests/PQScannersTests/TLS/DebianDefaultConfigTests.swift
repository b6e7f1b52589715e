import Foundation
import PQModel
import Testing

@testable import PQScanners

/// The default configurations Debian's nginx, apache2 and haproxy packages ship, unpacked (not committed) by
/// `scripts/fetch-debian-configs`, which `.ci/run` calls before the tests. Each test copies the package files into
/// a scratch root, enables what the package's maintainer scripts or the documented first step enable
/// (`sites-enabled/default`; `a2enmod ssl`, `a2ensite default-ssl`; a `bind ... ssl` line), and asserts what the
/// services would offer with the OpenSSL of the same Debian release.
enum DebianConfigs {
    static var root: String {
        if let override = ProcessInfo.processInfo.environment["PQSCOUT_DEBIAN_CONFIGS"] { return override }
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        return package.appendingPathComponent(".build/debian-configs").path
    }

    static var available: Bool {
        FileManager.default.fileExists(atPath: root + "/etc/nginx/nginx.conf")
            && FileManager.default.fileExists(atPath: root + "/etc/apache2/apache2.conf")
            && FileManager.default.fileExists(atPath: root + "/etc/haproxy/haproxy.cfg")
    }

    /// The libssl package the script recorded (`libssl3 3.0.22-1~deb12u2`), as a package record.
    static var software: [Software] {
        guard let text = try? String(contentsOfFile: root + "/.libssl-version", encoding: .utf8) else { return [] }
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
        guard parts.count >= 2 else { return [] }
        return [Software(name: parts[0], version: parts[1], sourcePath: ScanPath("var/lib/dpkg/status"))]
    }

    /// Copies `etc/<dir>` of the unpacked packages into a fresh scratch root.
    static func copy(_ dir: String) throws -> ScratchTree {
        let tree = try ScratchTree()
        try FileManager.default.createDirectory(atPath: tree.root + "/etc", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: root + "/etc/" + dir, toPath: tree.root + "/etc/" + dir)
        return tree
    }

    /// Debian's postinst makes the snakeoil pair with make-ssl-cert; the packages do not hold it. An RSA-2048 test
    /// certificate (Fixtures/x509/rsa2048-selfsigned.pem) stands in, so the server can start.
    static func addSnakeoil(_ tree: ScratchTree) throws {
        let pem = try MailVPNFixtures.bytes("x509/rsa2048-selfsigned.pem")
        try tree.file("etc/ssl/certs/ssl-cert-snakeoil.pem", String(decoding: pem, as: UTF8.self))
    }

    static func enable(_ tree: ScratchTree, from: String, to: String) throws {
        let target = tree.root + "/" + to
        try FileManager.default.createDirectory(
            atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: tree.root + "/" + from, toPath: target)
    }

    static let skipMessage: Comment =
        "Debian default configs not unpacked: run scripts/fetch-debian-configs (CI does) or set PQSCOUT_DEBIAN_CONFIGS"
}

@Suite(
    "Debian's shipped nginx, apache2 and haproxy configs",
    .enabled(if: DebianConfigs.available, DebianConfigs.skipMessage))
struct DebianDefaultConfigTests {
    @Test("the OpenSSL of the Debian release is read from the recorded package")
    func opensslVersion() {
        let resolved = OpenSSLInForce.resolve(software: DebianConfigs.software)
        #expect(resolved.basis == .package)
    }

    @Test("nginx as installed: no TLS server, but http-level ssl_protocols would enable TLSv1 and TLSv1.1")
    func nginxAsInstalled() throws {
        let tree = try DebianConfigs.copy("nginx")
        try DebianConfigs.enable(tree, from: "etc/nginx/sites-available/default", to: "etc/nginx/sites-enabled/default")
        let output = try TLS.scan(
            root: tree.root, file: "etc/nginx/nginx.conf", scanner: NginxScanner(), software: DebianConfigs.software)
        #expect(Set(output.findings.compactMap(\.context)) == ["http (no TLS server yet)"])
        let versions = output.findings.filter { $0.usage == .protocolVersion }
        #expect(versions.map(\.algorithm) == ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"])
        #expect(versions.allSatisfy { !$0.effective && $0.setting == "ssl_protocols" })
        #expect(output.diagnostics.isEmpty)
    }

    @Test("nginx with the shipped TLS lines uncommented offers TLSv1-1.3, HIGH:!aNULL:!MD5 and no PQ group")
    func nginxWithTLS() throws {
        let tree = try DebianConfigs.copy("nginx")
        let site = try String(contentsOfFile: tree.root + "/etc/nginx/sites-available/default", encoding: .utf8)
            .replacingOccurrences(of: "# listen 443 ssl default_server;", with: "listen 443 ssl default_server;")
            .replacingOccurrences(of: "# include snippets/snakeoil.conf;", with: "include snippets/snakeoil.conf;")
        try tree.file("etc/nginx/sites-enabled/default", site)
        try DebianConfigs.addSnakeoil(tree)
        let output = try TLS.scan(
            root: tree.root, file: "etc/nginx/nginx.conf", scanner: NginxScanner(), software: DebianConfigs.software)
        let context = "server _:443"
        let versions = TLS.findings(output, context: context, usage: .protocolVersion)
        // Named, but OpenSSL 3.0 at security level 1 refuses TLS 1.0 and 1.1 (measured live on nginx 1.22).
        #expect(versions.map(\.algorithm) == ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"])
        #expect(versions.filter(\.effective).map(\.algorithm) == ["TLSv1.2", "TLSv1.3"])
        #expect(versions.first?.quantumStatus == .broken)
        #expect(versions.first?.note?.contains("refused at security level 1") == true)
        let suites = TLS.findings(output, context: context, usage: .cipherSuite).filter { $0.setting == "ssl_ciphers" }
        let expected = try #require(try CipherStringExpanderTests.cli("HIGH:!aNULL:!MD5"))
        #expect(suites.count == expected.filter { !$0.contains("TLSv1.3") }.count)
        #expect(suites.allSatisfy { $0.origin == .default })
        #expect(!TLS.offers(output, context, "X25519MLKEM768"))
        #expect(TLS.offers(output, context, "x25519"))
        // nginx sets no DH parameters by default: HIGH's DHE suites are named but never negotiated.
        #expect(suites.filter { $0.algorithm.hasPrefix("TLS_DHE_") }.allSatisfy { !$0.effective })
        #expect(suites.contains { $0.effective })
    }

    @Test("apache2 after a2enmod ssl + a2ensite default-ssl: TLSv1-1.3 and HIGH:!aNULL from mods-available/ssl.conf")
    func apache() throws {
        let tree = try DebianConfigs.copy("apache2")
        for file in ["ssl.conf", "ssl.load", "socache_shmcb.load"] {
            try DebianConfigs.enable(
                tree, from: "etc/apache2/mods-available/\(file)", to: "etc/apache2/mods-enabled/\(file)")
        }
        for file in ["000-default.conf", "default-ssl.conf"] {
            try DebianConfigs.enable(
                tree, from: "etc/apache2/sites-available/\(file)", to: "etc/apache2/sites-enabled/\(file)")
        }
        try DebianConfigs.addSnakeoil(tree)
        let output = try TLS.scan(
            root: tree.root, file: "etc/apache2/apache2.conf", scanner: ApacheScanner(),
            software: DebianConfigs.software)
        let context = try #require(output.findings.compactMap(\.context).first)
        #expect(context.hasPrefix("VirtualHost ") && context.hasSuffix(":443"))
        let versions = TLS.findings(output, context: context, usage: .protocolVersion)
        #expect(versions.map(\.algorithm) == ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"])
        #expect(versions.filter(\.effective).map(\.algorithm) == ["TLSv1.2", "TLSv1.3"])
        #expect(versions.first?.setting == "SSLProtocol")
        let suites = TLS.findings(output, context: context, usage: .cipherSuite).filter {
            $0.setting == "SSLCipherSuite"
        }
        let expected = try #require(try CipherStringExpanderTests.cli("HIGH:!aNULL"))
        #expect(suites.count == expected.filter { !$0.contains("TLSv1.3") }.count)
        #expect(!TLS.offers(output, context, "X25519MLKEM768"))
    }

    @Test("haproxy ships no TLS bind; one added takes the shipped ssl-default-bind-* settings")
    func haproxy() throws {
        let tree = try DebianConfigs.copy("haproxy")
        let shipped = try TLS.scan(
            root: tree.root, file: "etc/haproxy/haproxy.cfg", scanner: HAProxyScanner(),
            software: DebianConfigs.software)
        #expect(shipped.findings.isEmpty)
        let config = try String(contentsOfFile: tree.root + "/etc/haproxy/haproxy.cfg", encoding: .utf8)
        try tree.file("etc/haproxy/haproxy.cfg", config + "\nfrontend www\n\tbind :443 ssl crt site.pem\n")
        let output = try TLS.scan(
            root: tree.root, file: "etc/haproxy/haproxy.cfg", scanner: HAProxyScanner(),
            software: DebianConfigs.software)
        let context = "bind :443 (frontend www)"
        #expect(
            TLS.findings(output, context: context, usage: .protocolVersion).map(\.algorithm) == ["TLSv1.2", "TLSv1.3"])
        let suites = TLS.findings(output, context: context, usage: .cipherSuite)
        #expect(suites.filter { $0.setting == "ssl-default-bind-ciphers" }.count == 8)
        #expect(suites.filter { $0.setting == "ssl-default-bind-ciphersuites" }.count == 3)
        #expect(!TLS.offers(output, context, "X25519MLKEM768"))
    }
}
