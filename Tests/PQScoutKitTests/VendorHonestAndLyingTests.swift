import Foundation
import PQModel
import PQScoutKit
import Testing

/// Issue 17's acceptance: an honest and a lying vendor whose evidence is real tools' output (certificate chains made
/// by `openssl` here, configurations in nginx's, sshd's and WireGuard's own syntax, a dpkg status file naming the
/// libraries), checked end to end through `vendor check`.
@Suite(
    "Vendor check: an honest and a lying vendor built with openssl",
    .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl"), "needs /usr/bin/openssl"))
struct VendorHonestAndLyingTests {
    typealias Support = PlanUseCaseTests
    static let asOf = CalendarDay("2026-11-27")

    /// Both vendors' trees and claims files in a fresh temporary folder.
    struct Vendors {
        let work: URL
        var honestClaims: String { work.appendingPathComponent("honest.yaml").path }
        var liarClaims: String { work.appendingPathComponent("liar.yaml").path }
        var honestTree: String { work.appendingPathComponent("honest").path }
        var liarTree: String { work.appendingPathComponent("liar").path }
        /// Line of the liar's SHA-1 intermediate (the second certificate) in its full-chain file.
        let intermediateLine: Int

        func run(profile: String? = nil) throws -> VendorCheckOutcome {
            try VendorCheckUseCase.run(
                VendorCheckRequest(
                    claimsFiles: [honestClaims, liarClaims], evidencePaths: [honestTree, liarTree], profile: profile,
                    asOf: VendorHonestAndLyingTests.asOf))
        }
    }

    static func openssl(_ arguments: [String], in work: URL) throws {
        let made = try Support.run("/usr/bin/openssl", arguments, in: work)
        #expect(made.status == 0, "openssl \(arguments.joined(separator: " ")): \(made.output)")
    }

    /// A root, an intermediate signed with `intermediateDigest`, and a leaf: `leaf.pem` + `int.pem` is the chain file.
    static func chain(_ prefix: String, key: [String], digest: String, intermediateDigest: String, in work: URL)
        throws -> String
    {
        try "basicConstraints=critical,CA:true\n".write(
            to: work.appendingPathComponent("ca.ext"), atomically: true, encoding: .utf8)
        try openssl(
            ["req", "-x509", "-newkey"] + key + [
                "-nodes", "-keyout", "\(prefix)root.key", "-out", "\(prefix)root.pem", "-subj", "/CN=\(prefix) Root",
                "-days", "3650", "-\(digest)",
            ], in: work)
        for (name, issuer, signer) in [("int", "root", intermediateDigest), ("leaf", "int", digest)] {
            try openssl(
                ["req", "-newkey"] + key + [
                    "-nodes", "-keyout", "\(prefix)\(name).key", "-out", "\(prefix)\(name).csr", "-subj",
                    "/CN=\(prefix) \(name)",
                ], in: work)
            try openssl(
                [
                    "x509", "-req", "-in", "\(prefix)\(name).csr", "-CA", "\(prefix)\(issuer).pem", "-CAkey",
                    "\(prefix)\(issuer).key", "-set_serial", name == "int" ? "2" : "3", "-\(signer)", "-days", "365",
                    "-out", "\(prefix)\(name).pem",
                ] + (name == "int" ? ["-extfile", "ca.ext"] : []), in: work)
        }
        let leaf = try String(contentsOf: work.appendingPathComponent("\(prefix)leaf.pem"), encoding: .utf8)
        let intermediate = try String(contentsOf: work.appendingPathComponent("\(prefix)int.pem"), encoding: .utf8)
        return leaf + intermediate
    }

    static func put(_ text: String, _ path: String, in work: URL) throws {
        let url = work.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    static func dpkg(openssh: String, openssl: String) -> String {
        """
        Package: openssh-server
        Status: install ok installed
        Architecture: amd64
        Source: openssh
        Version: 1:\(openssh)-1
        Description: secure shell (SSH) server (test entry)

        Package: libssl3t64
        Status: install ok installed
        Architecture: amd64
        Source: openssl
        Version: \(openssl)-1
        Description: Secure Sockets Layer toolkit (test entry)


        """
    }

    /// nginx: line 4 serves the chain, line 6 the groups, line 7 the TLS 1.2 suites.
    static func nginx(groups: String, ciphers: String) -> String {
        """
        http {
            server {
                listen 443 ssl;
                ssl_certificate /etc/nginx/ui-fullchain.pem;
                ssl_protocols TLSv1.2 TLSv1.3;
                ssl_ecdh_curve \(groups);
                ssl_ciphers \(ciphers);
            }
        }

        """
    }

    static let sshd = """
        KexAlgorithms mlkem768x25519-sha256,curve25519-sha256
        HostKeyAlgorithms ssh-ed25519,rsa-sha2-512
        Ciphers aes256-gcm@openssh.com,chacha20-poly1305@openssh.com
        MACs hmac-sha2-512-etm@openssh.com
        RequiredRSASize 3072

        """

    static let sshClaim = """
          ssh:
            supported: [mlkem768x25519-sha256, curve25519-sha256, ssh-ed25519, rsa-sha2-512,
                        aes256-gcm@openssh.com, chacha20-poly1305@openssh.com, hmac-sha2-512-etm@openssh.com]
            defaults: [mlkem768x25519-sha256, curve25519-sha256]
            configurable: true
            hybrid: true

        """

    static func make() throws -> Vendors {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("pqscout-vendors-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        // A WireGuard interface needs a key; this one is a fixed test pattern made at run time, never shipped.
        let wireguard =
            "[Interface]\nPrivateKey = \(Data(repeating: 0x5A, count: 32).base64EncodedString())\nListenPort = 51820\n"

        // Honest: ECDSA P-384 all the way up, ECDHE over the claimed X25519/P-384, OpenSSL 3.5 and OpenSSH 10.0.
        let honestChain = try chain(
            "h", key: ["ec", "-pkeyopt", "ec_paramgen_curve:P-384"], digest: "sha384", intermediateDigest: "sha384",
            in: work)
        try put(honestChain, "honest/etc/nginx/ui-fullchain.pem", in: work)
        try put(
            nginx(groups: "X25519MLKEM768:X25519:secp384r1", ciphers: "ECDHE-ECDSA-AES256-GCM-SHA384"),
            "honest/etc/nginx/nginx.conf", in: work)
        try put(sshd, "honest/etc/ssh/sshd_config", in: work)
        try put(wireguard, "honest/etc/wireguard/wg0.conf", in: work)
        try put(dpkg(openssh: "10.0p1", openssl: "3.5.4"), "honest/var/lib/dpkg/status", in: work)
        try put(
            """
            vendor: Harbor Networks
            product: EdgeOne
            version: "2.0"
            category: networking
            cbomProvided: true
            supportEndsOn: 2034-12-31
            excluded: [SHA-1, MD5]
            protocols:
              tls-server:
                supported: [X25519MLKEM768, SecP384r1MLKEM1024, X25519, P-384, ECDSA-SHA384, AES-256-GCM,
                            TLSv1.2, TLSv1.3]
                defaults: [X25519MLKEM768, X25519, ECDSA-SHA384]
                configurable: true
                hybrid: true
            \(sshClaim)
              ipsec:
                supported: [X25519, ChaCha20-Poly1305]
                configurable: false
                hybrid: false
                pqShipsOn: 2028-06-30

            """, "honest.yaml", in: work)

        // Liar: an RSA-2048 leaf behind an ML-DSA-65 claim, a SHA-1 intermediate behind "no SHA-1 anywhere",
        // OpenSSL 3.0 behind "configurable" TLS, WireGuard behind "configurable" VPN, support ending before PQ.
        let liarChain = try chain(
            "l", key: ["rsa:2048"], digest: "sha256", intermediateDigest: "sha1", in: work)
        try put(liarChain, "liar/etc/nginx/ui-fullchain.pem", in: work)
        try put(
            // Its OpenSSL 3.0 would refuse a list naming X25519MLKEM768 (nginx would not start at all), so the liar
            // ships what 3.0 accepts and claims the hybrid anyway.
            nginx(groups: "X25519:prime256v1", ciphers: "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-SHA"),
            "liar/etc/nginx/nginx.conf", in: work)
        try put(sshd, "liar/etc/ssh/sshd_config", in: work)
        try put(wireguard, "liar/etc/wireguard/wg0.conf", in: work)
        try put(dpkg(openssh: "10.0p1", openssl: "3.0.13"), "liar/var/lib/dpkg/status", in: work)
        try put(
            """
            vendor: Shade <script>alert(1)</script> Systems
            product: "SecureGate ![x](http://evil.example/p.png)"
            version: "7"
            category: networking
            cbomProvided: true
            supportEndsOn: 2029-12-31
            excluded: [SHA-1]
            validations: ["FIPS 204 <img src=x onerror=alert(1)>", "[click](javascript:alert(1)) | col"]
            protocols:
              tls-server:
                supported: [X25519MLKEM768, X25519, ML-DSA-65, AES-256-GCM, TLSv1.2, TLSv1.3]
                defaults: [X25519MLKEM768, ML-DSA-65]
                configurable: true
                hybrid: true
            \(sshClaim)
              ipsec:
                supported: [X25519, ChaCha20-Poly1305]
                configurable: true
                pqShipsOn: 2031-06-30

            """, "liar.yaml", in: work)
        let lines = liarChain.split(separator: "\n", omittingEmptySubsequences: false)
        let begins = lines.indices.filter { lines[$0].hasPrefix("-----BEGIN CERTIFICATE") }
        return Vendors(work: work, intermediateLine: (begins.dropFirst().first ?? 0) + 1)
    }

    @Test("the honest vendor is accused of nothing, under either profile (ECDHE over claimed X25519/P-384 included)")
    func honestVendor() throws {
        let vendors = try Self.make()
        defer { try? FileManager.default.removeItem(at: vendors.work) }
        for profile in ["nist-ir-8547", "cnsa-2.0"] {
            let honest = try #require(try vendors.run(profile: profile).assessments.first)
            #expect(honest.contradictions.isEmpty, "\(profile): \(honest.contradictions.map(\.sentence))")
            #expect(!honest.checks.contains { $0.state == .contradicted })
        }
        let honest = try #require(try vendors.run().assessments.first)
        let verified = honest.checks.filter { $0.state == .verified }.map(\.key)
        for key in ["hybrid-ml-kem (tls-server)", "no-broken-crypto (tls-server)", "algorithms-configurable (ssh)"] {
            #expect(verified.contains(key), "\(key) not verified: \(verified)")
        }
    }

    @Test("every lie is caught, with proof naming file, line and algorithm")
    func lyingVendor() throws {
        let vendors = try Self.make()
        defer { try? FileManager.default.removeItem(at: vendors.work) }
        let liar = try #require(try vendors.run().assessments.last)
        func find(_ kind: ContradictionKind, _ use: ClaimedProtocol, _ path: String, _ line: Int?) -> Contradiction? {
            liar.contradictions.first { $0.kind == kind && $0.protocol == use && $0.path == path && $0.line == line }
        }
        let all = liar.contradictions.map(\.sentence).joined(separator: "\n")
        // 1. Certificates: ML-DSA-65 claimed on by default, the served leaf is RSA-2048.
        let leaf = find(.certificateNotAsClaimed, .tlsServer, "etc/nginx/nginx.conf", 4)
        #expect(leaf?.claim.contains("ML-DSA-65") == true && leaf?.proof.contains("RSA-2048") == true, "\(all)")
        // 2. Chains: the intermediate in the chain file is SHA-1 with RSA, named in words, never an OID.
        let sha1 = find(.excludedInForce, .tlsServer, "etc/nginx/ui-fullchain.pem", vendors.intermediateLine)
        #expect(sha1?.proof.contains("2nd certificate") == true, "\(all)")
        #expect(sha1?.proof.contains("SHA-1 with RSA") == true, "\(all)")
        #expect(!all.contains("1.2.840."), "a raw OID in a proof: \(all)")
        // The HMAC-SHA1 of a CBC suite also breaks "no SHA-1 anywhere"; the AES-128-CBC is not claimed.
        #expect(find(.excludedInForce, .tlsServer, "etc/nginx/nginx.conf", 7)?.proof.contains("HMAC-SHA1") == true)
        let cbc = find(.unclaimedAlgorithm, .tlsServer, "etc/nginx/nginx.conf", 7)
        #expect(liar.contradictions.contains { $0.kind == .unclaimedAlgorithm && $0.proof.contains("AES-128-CBC") })
        #expect(cbc != nil)
        // 3. Agility: WireGuard fixes its algorithms; OpenSSL 3.0 knows no PQ algorithm.
        let wireguard = find(.notConfigurable, .ipsec, "etc/wireguard/wg0.conf", nil)
        #expect(wireguard?.proof.contains("WireGuard") == true && wireguard?.proof.contains("X25519") == true)
        let library = find(.notConfigurable, .tlsServer, "var/lib/dpkg/status", nil)
        #expect(library?.proof.contains("libssl3t64 3.0.13") == true, "\(all)")
        // 4. Hybrid claimed for TLS, but the server offers X25519 and P-256 only.
        let hybrid = liar.contradictions.filter { $0.kind == .hybridNotOffered && $0.protocol == .tlsServer }
        #expect(hybrid.contains { $0.path.hasSuffix("etc/nginx/nginx.conf") }, "\(hybrid)")
        // Every contradiction names a file, and each settles its row.
        for item in liar.contradictions {
            #expect(!item.path.isEmpty && item.requirement != nil, "\(item)")
            let row = liar.checks.first { $0.requirement == item.requirement && $0.protocol == item.protocol }
            #expect(row?.state == .contradicted && row?.verdict != .meets, "\(item.kind): \(String(describing: row))")
        }
        // 6. End of support: supported until 2029, IPsec PQ arrives 2031.
        let support = try #require(liar.checks.first { $0.requirement == "pq-within-support" })
        #expect(support.verdict == .gap && support.explanation.contains("never PQ-ready in its life"))
        let honestSupport = try #require(
            try vendors.run().assessments.first?.checks.first {
                $0.requirement == "pq-within-support"
            })
        #expect(honestSupport.verdict == .meets)
    }

    @Test("profiles apply: CNSA 2.0 counts only ML-KEM-1024, so ML-KEM-768 no longer meets hybrid-ml-kem")
    func cnsaNeedsMLKEM1024() throws {
        let vendors = try Self.make()
        defer { try? FileManager.default.removeItem(at: vendors.work) }
        let nist = try #require(try vendors.run().assessments.last?.checks.first { $0.key == "hybrid-ml-kem (ssh)" })
        #expect(nist.verdict == .meets && nist.state == .verified)
        let cnsa = try #require(
            try vendors.run(profile: "cnsa-2.0").assessments.last?.checks.first { $0.key == "hybrid-ml-kem (ssh)" })
        #expect(cnsa.verdict == .gap)
        #expect(cnsa.explanation.contains("kem-not-cnsa"), "\(cnsa.explanation)")
    }

    @Test("the side-by-side table: four states, no contradicted cell reads meets, ranked by evidence")
    func table() throws {
        let vendors = try Self.make()
        defer { try? FileManager.default.removeItem(at: vendors.work) }
        let comparison = try vendors.run().comparison
        #expect(comparison.state(row: "hybrid-ml-kem (tls-server)", vendor: 0) == .verified)
        #expect(comparison.state(row: "hybrid-ml-kem (tls-server)", vendor: 1) == .contradicted)
        #expect(comparison.state(row: "cbom-delivered", vendor: 1) == .claimedOnly)
        #expect(comparison.state(row: "pq-signature-path", vendor: 1) == .notClaimed)
        let standings = comparison.standings
        #expect(standings.map(\.rank) == [1, 2])
        #expect(standings[0].contradicted == 0 && standings[1].contradicted >= 4)
        let markdown = Presentation.vendorMarkdown(comparison)
        let html = Presentation.vendorHTML(comparison)
        let cells = markdown.split(separator: "\n").flatMap { $0.split(separator: "|") }
        #expect(cells.contains { $0.contains("contradicted (") })
        for cell in cells where cell.contains("contradicted (") {
            #expect(!cell.contains("meets"), "a contradicted cell reads meets: \(cell)")
        }
        #expect(html.contains("<td class=\"contradicted\">contradicted"))
        #expect(!html.contains("<td class=\"contradicted\">contradicted (1): meets"))
        let json = try Presentation.vendorJSON(comparison)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let rows = try #require(object["comparison"] as? [[String: Any]])
        let tls = try #require(rows.first { $0["requirement"] as? String == "hybrid-ml-kem (tls-server)" })
        #expect(tls["states"] as? [String] == ["verified", "contradicted"])
        #expect((tls["verdicts"] as? [String])?.last == "gap")
    }

    @Test("issue 21: a vendor's markup is inert in Markdown, HTML and JSON")
    func escaping() throws {
        let vendors = try Self.make()
        defer { try? FileManager.default.removeItem(at: vendors.work) }
        let comparison = try vendors.run().comparison
        let markdown = Presentation.vendorMarkdown(comparison)
        // Escaped brackets (`\[click\](...)`) make no link; only an unescaped `[` opens one.
        #expect(markdown.contains("\\[click\\]") && !markdown.contains(" [click]"))
        for live in ["<script", "<img", "![x](", "http://evil"] {
            #expect(!markdown.contains(live), "Markdown carries \(live)")
        }
        #expect(markdown.contains("&lt;script&gt;") && markdown.contains("\\!\\[x\\]"))
        #expect(markdown.contains("\\| col"), "a pipe in a validation must not open a column")
        let html = Presentation.vendorHTML(comparison)
        #expect(!html.contains("<script") && !html.contains("<img"))
        let json = try Presentation.vendorJSON(comparison)
        #expect(!json.contains("<") && !json.contains(">") && json.contains("\\u003cscript\\u003e"))
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        let vendor = (object?["vendors"] as? [[String: Any]])?.last?["claims"] as? [String: Any]
        #expect(vendor?["vendor"] as? String == "Shade <script>alert(1)</script> Systems", "JSON keeps the value")
    }
}
