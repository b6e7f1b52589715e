import Foundation
import PQCatalog
import PQModel
import Testing

@testable import PQAssessment

@Suite("Claims files: the schema, and errors that name the line")
struct ClaimsLoaderTests {
    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("sample-inventories/vendors")

    func error(_ yaml: String) -> AssessmentError? {
        do {
            _ = try ClaimsLoader.claims(yaml: yaml, file: "c.yaml")
            return nil
        } catch {
            return error
        }
    }

    @Test("both sample claims files parse, with protocols in order and lines kept")
    func samplesParse() throws {
        let honest = try ClaimsLoader.claims(
            file: Self.samples.appendingPathComponent("northwind-edgegate.claims.yaml").path)
        #expect(honest.title == "Northwind Networks EdgeGate 4.2")
        #expect(honest.category == "networking")
        #expect(honest.cbomProvided == true)
        #expect(honest.protocols.map(\.protocol) == [.tlsServer, .tlsClient, .ssh, .ipsec, .firmwareSigning])
        let ssh = try #require(honest.claim(.ssh))
        #expect(ssh.defaults == ["mlkem768x25519-sha256", "curve25519-sha256"])
        #expect(ssh.hybrid == true && ssh.configurable == true)
        #expect(ssh.pqShipsOn == CalendarDay("2025-10-01"))
        #expect(ssh.line == 12)
        #expect(honest.claim(.firmwareSigning)?.evidence == ["fw/signer.pem"])
        let boxwall = try ClaimsLoader.claims(
            file: Self.samples.appendingPathComponent("boxwall-securebox.claims.yaml").path)
        #expect(boxwall.cbomProvided == false)
        #expect(boxwall.claim(.dataAtRest)?.configurable == nil)
        // Schema additions: the end of support, and a product-wide exclusion that holds for every protocol.
        #expect(boxwall.supportEndsOn == CalendarDay("2029-12-31"))
        #expect(boxwall.protocols.allSatisfy { $0.excluded == ["SHA-1"] })
    }

    @Test("excluded: product-wide and per protocol, merged; unknown names refused with their line")
    func excluded() throws {
        let claims = try ClaimsLoader.claims(
            yaml: "vendor: A\nproduct: B\nexcluded: [SHA-1]\nprotocols:\n  ssh:\n    excluded: [ssh-rsa, SHA-1]\n",
            file: "e.yaml")
        #expect(claims.claim(.ssh)?.excluded == ["SHA-1", "ssh-rsa"])
        #expect(claims.supportEndsOn == nil)
        #expect(throws: AssessmentError.self) {
            try ClaimsLoader.claims(
                yaml: "vendor: A\nproduct: B\nexcluded: [SHA-9]\nprotocols:\n  ssh: {}\n", file: "e.yaml")
        }
    }

    @Test("a misspelt key names its line and the valid keys")
    func unknownKey() {
        let found = error("vendor: A\nproduct: B\nprotocols:\n  ssh:\n    suported: [X25519]\n")
        #expect(found?.reason.hasPrefix("c.yaml:5: unknown key 'suported'") == true)
        #expect(found?.reason.contains("supported") == true)
    }

    @Test("an unknown protocol names the valid protocols")
    func unknownProtocol() {
        let found = error("vendor: A\nproduct: B\nprotocols:\n  telnet: {}\n")
        #expect(found?.reason.hasPrefix("c.yaml:4: unknown key 'telnet'") == true)
        #expect(found?.reason.contains("firmware-signing") == true)
    }

    @Test("an algorithm the catalog does not know names its line and close names")
    func unknownAlgorithm() {
        let found = error("vendor: A\nproduct: B\nprotocols:\n  ssh:\n    supported: [X25519, ML-DSA-86]\n")
        #expect(found?.reason.hasPrefix("c.yaml:5:") == true)
        #expect(found?.reason.contains("ml-dsa-87") == true)
    }

    @Test("a bad date, a bad category and a missing vendor are refused with their lines")
    func badValues() {
        #expect(
            error("vendor: A\nproduct: B\nprotocols:\n  ssh:\n    pqShipsOn: 2026-02-30\n")?.reason
                .hasPrefix("c.yaml:5: 'pqShipsOn' must be a date") == true)
        let category = error("vendor: A\nproduct: B\ncategory: toasters\nprotocols:\n  ssh: {}\n")
        #expect(category?.reason.hasPrefix("c.yaml:3:") == true)
        #expect(category?.reason.contains("networking") == true)
        #expect(
            error("product: B\nprotocols:\n  ssh: {}\n")?.reason.contains("lacks the required key 'vendor'") == true)
    }

    @Test("a default that is not supported names the protocol's line")
    func defaultNotSupported() {
        let found = error(
            "vendor: A\nproduct: B\nprotocols:\n  tls-server:\n    supported: [X25519]\n    defaults: [X25519MLKEM768]\n"
        )
        #expect(
            found?.reason == "c.yaml:5: tls-server lists X25519MLKEM768 in defaults but not in supported; "
                + "a default must be supported")
    }

    @Test("two spellings of one algorithm count as the same default")
    func spellings() throws {
        let claims = try ClaimsLoader.claims(
            yaml: "vendor: A\nproduct: B\nprotocols:\n  ssh:\n    supported: [X25519MLKEM768]\n"
                + "    defaults: [mlkem768x25519-sha256]\n",
            file: "c.yaml")
        #expect(claims.protocols.count == 1)
    }

    @Test("no protocols, a syntax error, an empty file and deep nesting are refused")
    func hostile() {
        #expect(error("vendor: A\nproduct: B\nprotocols: {}\n")?.reason.contains("names no protocol") == true)
        #expect(error("vendor: [A\n")?.code == "yaml.syntax")
        #expect(error("")?.code == "yaml.empty")
        #expect(error(String(repeating: "[", count: 10_000))?.code == "yaml.too-deep")
        #expect(error("- just\n- a list\n")?.code == "yaml.invalid")
    }
}

@Suite("Claims from a delivered inventory (a CBOM's findings)")
struct InventoryClaimsTests {
    @Test("findings are placed by source, by words in their path, then by job; hybrids mark hybrid support")
    func placement() throws {
        let findings = [
            Fixture.finding(
                "mlkem768x25519-sha256", usage: .keyExchange, source: "openssh", path: "etc/ssh/sshd_config"),
            Fixture.finding("ML-DSA-87", usage: .signature, source: "cbom", path: "firmware/signer.pem"),
            Fixture.finding("X25519MLKEM768", usage: .group, source: "cbom", path: "product.cdx.json"),
            Fixture.finding("AES-256-GCM", usage: .cipher, source: "cbom", path: "product.cdx.json"),
            Fixture.finding("1.2.3.4.5", usage: .signature, source: "cbom", path: "opt/ipsec/ike.conf"),
        ]
        let claims = InventoryClaims.claims(findings: findings, vendor: "V", product: "P", file: "p.cdx.json")
        #expect(claims.origin == .cbom && claims.cbomProvided == true)
        #expect(claims.protocols.map(\.protocol) == [.tlsServer, .ssh, .ipsec, .firmwareSigning, .dataAtRest])
        #expect(claims.claim(.ssh)?.supported == ["ML-KEM-768+X25519"])
        #expect(claims.claim(.ssh)?.hybrid == true)
        #expect(claims.claim(.tlsServer)?.hybrid == true)
        #expect(claims.claim(.ipsec)?.supported == ["1.2.3.4.5"])
        #expect(claims.claim(.firmwareSigning)?.defaults.isEmpty == true)
        let checks = try VendorChecker.assess(
            claims, profile: PolicyProfile.bundled("cnsa-2.0"), asOf: Fixture.day("2026-11-27")
        ).checks
        #expect(checks.first { $0.requirement == "pq-signature-path" }?.verdict == .meets)
        #expect(checks.first { $0.requirement == "cbom-delivered" }?.verdict == .meets)
        #expect(checks.first { $0.requirement == "algorithms-configurable" }?.verdict == .unverifiable)
    }
}
