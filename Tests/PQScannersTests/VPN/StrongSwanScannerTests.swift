import PQModel
import Testing

@testable import PQScanners

@Suite("strongSwan scanner: ipsec.conf and swanctl.conf proposals, ML-KEM and RFC 9370")
struct StrongSwanScannerTests {
    let scanner = StrongSwanScanner()

    func tree() throws -> MemoryTree {
        try MailVPNFixtures.tree([
            "etc/ipsec.conf": "vpn/ipsec.conf", "etc/ipsec.d/partner.conf": "vpn/ipsec.d/partner.conf",
            "etc/swanctl/swanctl.conf": "vpn/swanctl/swanctl.conf",
            "etc/swanctl/conf.d/site.conf": "vpn/swanctl/conf.d/site.conf",
        ])
    }

    @Test("also= brings a strict hybrid IKE proposal: one finding per algorithm, ke1_/ke2_ as additional exchanges")
    func hybridViaAlso() throws {
        let out = try MailVPNFixtures.scan(scanner, "etc/ipsec.conf", in: tree())
        let ike = out.findings.filter { $0.context == "conn office" && $0.setting == "ike" }
        #expect(ike.map(\.algorithm) == ["aes256gcm16", "prfsha384", "x25519", "ke1_mlkem768", "ke2_mlkem1024"])
        #expect(ike.allSatisfy { $0.origin == .file && $0.line == 12 }, "strict (!): no default appended")
        let kem = try #require(ike.first { $0.algorithm == "ke1_mlkem768" })
        #expect(kem.canonical == "ML-KEM-768" && kem.quantumStatus == .resistant && kem.usage == .keyExchange)
        #expect(kem.note?.contains("RFC 9370") == true)
        #expect(ike.first { $0.algorithm == "ke2_mlkem1024" }?.note?.contains("optional") == true)
        let x25519 = try #require(ike.first { $0.algorithm == "x25519" })
        #expect(
            x25519.quantumStatus == .vulnerable && x25519.note?.contains("recorded traffic stays protected") == true)
    }

    @Test("the template conn with auto=ignore is reported as not in force")
    func ignoredTemplate() throws {
        let out = try MailVPNFixtures.scan(scanner, "etc/ipsec.conf", in: tree())
        let base = out.findings.filter { $0.context == "conn pq-base" }
        #expect(!base.isEmpty && base.allSatisfy { !$0.effective })
    }

    @Test("conn %default supplies ike=/esp=; without ! strongSwan's default proposal is appended (origin default)")
    func defaultInheritance() throws {
        let out = try MailVPNFixtures.scan(scanner, "etc/ipsec.conf", in: tree())
        let legacy = out.findings.filter { $0.context == "conn legacy" && $0.setting == "ike" }
        let written = legacy.filter { $0.origin == .file }
        #expect(written.map(\.algorithm) == ["aes128", "sha1", "modp1024"])
        #expect(written.allSatisfy { $0.line == 7 })
        #expect(written.first { $0.algorithm == "modp1024" }?.quantumStatus == .broken)
        #expect(written.first { $0.algorithm == "sha1" }?.canonical == "HMAC-SHA1", "sha1 as integrity is HMAC")
        let appended = legacy.filter { $0.origin == .default }
        #expect(appended.contains { $0.algorithm == "modp2048" && $0.keyBits == 2048 })
        #expect(appended.first?.note?.contains("not strict") == true)
    }

    @Test("include brings conns from ipsec.d; the fragment reports them with its own path; ICV-suffixed names resolve")
    func includedConn() throws {
        let main = try MailVPNFixtures.scan(scanner, "etc/ipsec.conf", in: tree())
        #expect(!main.findings.contains { $0.context == "conn partner" }, "the fragment's own scan reports it")
        let out = try MailVPNFixtures.scan(scanner, "etc/ipsec.d/partner.conf", in: tree())
        #expect(out.diagnostics.isEmpty)
        let partner = out.findings.filter { $0.context == "conn partner" }
        #expect(partner.allSatisfy { $0.path == ScanPath("etc/ipsec.d/partner.conf") })
        #expect(partner.first { $0.algorithm == "aes128gcm12" }?.canonical == "AES-128-GCM")
        #expect(partner.first { $0.algorithm == "modp768" }?.quantumStatus == .broken)
        #expect(partner.first { $0.algorithm == "3des" }?.quantumStatus == .broken)
        #expect(!partner.contains { $0.setting == "ike" && $0.origin == .default }, "the ! ends the whole list")
        #expect(partner.first { $0.setting == "esp" && $0.algorithm == "mlkem768" }?.canonical == "ML-KEM-768")
    }

    @Test("an also= loop and a missing also= target are one diagnostic; the scan goes on")
    func alsoProblems() throws {
        let out = try MailVPNFixtures.scan(scanner, "etc/ipsec.conf", in: tree())
        #expect(out.diagnostics.count == 1)
        let detail = try #require(out.diagnostics.first?.detail)
        #expect(detail.contains("makes a loop") && detail.contains("names no conn"))
        #expect(out.findings.contains { $0.context == "conn loop" })
    }

    @Test("swanctl.conf: templates, children, the default keyword and included sections")
    func swanctl() throws {
        let out = try MailVPNFixtures.scan(
            scanner, ["etc/swanctl/swanctl.conf", "etc/swanctl/conf.d/site.conf"], in: tree())
        let roadwarrior = out.findings.filter { $0.context == "connections.roadwarrior" }
        #expect(roadwarrior.map(\.algorithm) == ["aes256", "sha384", "ecp384", "ke1_mlkem768"], "inherited from base")
        let net = out.findings.filter { $0.context == "connections.roadwarrior.children.net" }
        #expect(net.filter { $0.origin == .file }.map(\.algorithm) == ["aes256gcm16", "ke1_mlkem1024"])
        #expect(net.contains { $0.origin == .default }, "the default keyword appends the default proposals")
        let old = out.findings.filter { $0.context == "connections.roadwarrior.children.old" }
        #expect(old.map(\.algorithm) == ["aes128", "sha1", "modp2048"], "swanctl lists are strict")
        #expect(old.first?.line == 13)
        let site = out.findings.filter { $0.context == "connections.site" }
        #expect(site.first?.path == ScanPath("etc/swanctl/conf.d/site.conf"))
        #expect(site.map(\.algorithm) == ["aes128", "sha256", "curve25519"])
        let defaults = out.findings.filter { $0.context == "connections.defaults" }
        #expect(!defaults.isEmpty && defaults.allSatisfy { $0.origin == .default })
        #expect(
            !out.findings.contains {
                $0.algorithm.contains("not-a-real-secret") || ($0.note ?? "").contains("not-a-real")
            })
        #expect(out.diagnostics.isEmpty)
    }

    @Test("proposal keywords map to transform types as strongSwan's keyword table does")
    func keywordKinds() {
        let proposal = IKEProposal("aes256gcm16-prfsha384-sha256-ecp256-ke3_mlkem512-esn")
        #expect(proposal.transforms.map(\.kind) == [.encryption, .prf, .integrity, .keyExchange, .keyExchange, .esn])
        #expect(proposal.transforms.map(\.round) == [0, 0, 0, 0, 3, 0])
        #expect(IKEProposal("ke8_mlkem768").transforms.first?.round == 0, "only ke1_ to ke7_ exist (RFC 9370)")
    }
}
