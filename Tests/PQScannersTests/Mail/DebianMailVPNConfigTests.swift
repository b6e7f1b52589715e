import Foundation
import PQModel
import Testing

@testable import PQScanners

/// The default configs Debian's packages ship, fetched by `scripts/fetch-debian-configs-mail` into
/// `.build-debian-configs/` (not committed). Each test skips, saying so, when the folder is absent.
enum DebianMailVPNConfigs {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(".build-debian-configs")

    static func available(_ package: String) -> Bool {
        FileManager.default.fileExists(atPath: root.appendingPathComponent(package).path)
    }

    static let skipNote: Comment = "run scripts/fetch-debian-configs-mail first (.build-debian-configs/ is absent)"

    static func bytes(_ package: String, _ relative: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: root.appendingPathComponent(package).appendingPathComponent(relative)))
    }

    /// Every regular file under a package folder's subfolder, keyed by the scan path it gets in the tree.
    static func files(_ package: String, under folder: String, as prefix: String) throws -> [ScanPath: [UInt8]] {
        let base = root.appendingPathComponent(package).appendingPathComponent(folder)
        var result: [ScanPath: [UInt8]] = [:]
        guard let walker = FileManager.default.enumerator(atPath: base.path) else { return result }
        for case let relative as String in walker {
            let url = base.appendingPathComponent(relative)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue
            else { continue }
            result[ScanPath(prefix + relative)] = [UInt8](try Data(contentsOf: url))
        }
        return result
    }

    /// Scans a tree with the standard registry, as a scan of the root would.
    static func scan(_ tree: MemoryTree) -> [ScanPath: ScanOutput] {
        var outputs: [ScanPath: ScanOutput] = [:]
        for (path, bytes) in tree.contents {
            outputs[path] = ScannerRegistry.standard.scan(
                ScanInput(path: path, bytes: bytes, context: ScanContext(tree: tree)))
        }
        return outputs
    }
}

@Suite("Debian's default mail and VPN configs")
struct DebianMailVPNConfigTests {
    @Test(
        "postfix: main.cf as postinst writes it offers TLS 1.0-1.3 and the medium grade at level may",
        .enabled(if: DebianMailVPNConfigs.available("postfix"), DebianMailVPNConfigs.skipNote))
    func postfix() throws {
        let main =
            try DebianMailVPNConfigs.bytes("postfix", "usr/share/postfix/main.cf.debian")
            + DebianMailVPNConfigs.bytes("postfix", "usr/share/postfix/main.cf.tls")
        let master = try DebianMailVPNConfigs.bytes("postfix", "usr/share/postfix/master.cf.dist")
        // postinst makes the snakeoil pair (make-ssl-cert); an RSA-2048 test certificate stands in for it.
        let snakeoil = try MailVPNFixtures.bytes("x509/rsa2048-selfsigned.pem")
        let tree = MemoryTree(contents: [
            ScanPath("etc/postfix/main.cf"): main, ScanPath("etc/postfix/master.cf"): master,
            ScanPath("etc/ssl/certs/ssl-cert-snakeoil.pem"): snakeoil,
        ])
        let outputs = DebianMailVPNConfigs.scan(tree)
        let out = try #require(outputs[ScanPath("etc/postfix/main.cf")])
        #expect(out.diagnostics.allSatisfy { $0.reason == .unreadable && $0.detail.contains("snakeoil") })
        let protocols = out.findings("smtpd_tls_protocols")
        #expect(protocols.map(\.algorithm) == ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"])
        #expect(protocols.allSatisfy { $0.origin == .default })
        // OpenSSL 3.0 refuses TLS 1.0 and 1.1 at security level 1, but Postfix sets level 0 for opportunistic TLS.
        #expect(protocols.filter(\.effective).map(\.algorithm) == ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"])
        let ciphers = out.findings("smtpd_tls_ciphers")
        #expect(!ciphers.isEmpty && ciphers.allSatisfy { $0.origin == .default })
        #expect(ciphers.contains { $0.effective } && ciphers.contains { !$0.effective })
        #expect(out.findings("smtp_tls_protocols").count == 4)
        let masterOut = try #require(outputs[ScanPath("etc/postfix/master.cf")])
        #expect(masterOut.findings.isEmpty, "Debian's master.cf has its TLS -o lines commented out")
        #expect(masterOut.diagnostics.isEmpty)
    }

    @Test(
        "dovecot-core: ssl = yes with Dovecot's defaults and the shipped 4096-bit DH file",
        .enabled(if: DebianMailVPNConfigs.available("dovecot-core"), DebianMailVPNConfigs.skipNote))
    func dovecot() throws {
        var contents = try DebianMailVPNConfigs.files("dovecot-core", under: "usr/share/dovecot", as: "etc/dovecot/")
        contents[ScanPath("usr/share/dovecot/dh.pem")] = try DebianMailVPNConfigs.bytes(
            "dovecot-core", "usr/share/dovecot/dh.pem")
        let tree = MemoryTree(contents: contents)
        let outputs = DebianMailVPNConfigs.scan(tree)
        var out = ScanOutput()
        for (_, output) in outputs { out.append(output) }
        #expect(out.diagnostics.allSatisfy { $0.reason == .unreadable }, "\(out.diagnostics.map(\.detail))")
        #expect(out.findings("ssl_min_protocol").map(\.algorithm) == ["TLSv1.2", "TLSv1.3"])
        #expect(out.findings("ssl_cipher_list").first?.origin == .default)
        let dh = try #require(out.findings("ssl_dh").first)
        #expect(dh.keyBits == 4096 && dh.path == ScanPath("etc/dovecot/conf.d/10-ssl.conf"))
        #expect(out.diagnostics.contains { $0.detail.contains("/etc/dovecot/private/dovecot.pem") })
    }

    @Test(
        "strongswan-starter and -swanctl: the shipped configs define no connection, so offer nothing",
        .enabled(
            if: DebianMailVPNConfigs.available("strongswan-starter")
                && DebianMailVPNConfigs.available("strongswan-swanctl"),
            DebianMailVPNConfigs.skipNote))
    func strongswan() throws {
        let tree = MemoryTree(contents: [
            ScanPath("etc/ipsec.conf"): try DebianMailVPNConfigs.bytes("strongswan-starter", "etc/ipsec.conf"),
            ScanPath("etc/swanctl/swanctl.conf"): try DebianMailVPNConfigs.bytes(
                "strongswan-swanctl", "etc/swanctl/swanctl.conf"),
        ])
        for (path, out) in DebianMailVPNConfigs.scan(tree) {
            #expect(out.findings.isEmpty, "\(path)")
            #expect(out.diagnostics.isEmpty, "\(path): \(out.diagnostics.map(\.detail))")
            #expect(out.assets.contains { $0.kind == .service }, "\(path) is recorded as a service")
        }
    }

    @Test(
        "openvpn: the sample server offers the 2.6 default data ciphers, TLS 1.2+ and a dh file it names",
        .enabled(if: DebianMailVPNConfigs.available("openvpn"), DebianMailVPNConfigs.skipNote))
    func openvpn() throws {
        let folder = "usr/share/doc/openvpn/examples/sample-config-files/"
        let tree = MemoryTree(contents: [
            ScanPath("etc/openvpn/server.conf"): try DebianMailVPNConfigs.bytes("openvpn", folder + "server.conf"),
            ScanPath("etc/openvpn/client.conf"): try DebianMailVPNConfigs.bytes("openvpn", folder + "client.conf"),
        ])
        let outputs = DebianMailVPNConfigs.scan(tree)
        let server = try #require(outputs[ScanPath("etc/openvpn/server.conf")])
        #expect(server.diagnostics.allSatisfy { $0.reason == .unreadable }, "ca.crt, server.crt ... are not shipped")
        #expect(server.diagnostics.contains { $0.detail.contains("dh2048.pem") })
        #expect(server.algorithms("data-ciphers") == ["AES-256-GCM", "AES-128-GCM", "CHACHA20-POLY1305"])
        #expect(server.algorithms("tls-version-min") == ["TLSv1.2", "TLSv1.3"])
        #expect(server.findings("tls-version-min").allSatisfy { $0.origin == .default })
        let client = try #require(outputs[ScanPath("etc/openvpn/client.conf")])
        #expect(client.findings("data-ciphers").allSatisfy { $0.origin == .default })
        #expect(client.diagnostics.allSatisfy { $0.reason == .unreadable })
    }
}
