import PQModel
import Testing

@testable import PQScanners

@Suite("WireGuard scanner: X25519 is vulnerable, a PresharedKey protects recorded traffic")
struct WireGuardScannerTests {
    let scanner = WireGuardScanner()

    @Test("interface and peers are X25519 key agreements; the peer with a PSK says so, the other says why it matters")
    func peers() throws {
        let bytes = try MailVPNFixtures.bytes("vpn/wireguard/wg0.conf")
        let out = scanner.scan(ScanInput(path: ScanPath("etc/wireguard/wg0.conf"), bytes: bytes))
        let exchanges = out.findings.filter { $0.algorithm == "X25519" }
        #expect(exchanges.count == 3)
        #expect(exchanges.allSatisfy { $0.quantumStatus == .vulnerable && $0.curve == "Curve25519" })
        let laptop = try #require(out.findings.first { $0.context == "[Peer] #1" && $0.setting == "PublicKey" })
        #expect(laptop.note?.contains("protects") == true || laptop.note?.contains("keeps recorded traffic") == true)
        let psk = try #require(out.findings("PresharedKey").first)
        #expect(psk.quantumStatus == .resistant && psk.line == 11)
        let phone = try #require(out.findings.first { $0.context == "[Peer] #2" })
        #expect(phone.note?.contains("no PresharedKey") == true)
        #expect(out.diagnostics.isEmpty)
    }

    @Test("keys never appear in findings")
    func noKeys() throws {
        let bytes = try MailVPNFixtures.bytes("vpn/wireguard/wg0.conf")
        let out = scanner.scan(ScanInput(path: ScanPath("etc/wireguard/wg0.conf"), bytes: bytes))
        let keys = String(decoding: bytes, as: UTF8.self).split(separator: "\n").compactMap { line -> String? in
            guard line.contains("Key ="), let value = line.split(separator: "=", maxSplits: 1).last else { return nil }
            return value.trimmingCharacters(in: .whitespaces)
        }
        #expect(keys.count == 4)
        for finding in out.findings {
            for key in keys {
                #expect(!finding.algorithm.contains(key) && !(finding.note ?? "").contains(key))
            }
        }
    }

    @Test("a short key, a peer without PublicKey and an unknown section: one diagnostic, findings kept")
    func bad() throws {
        let bytes = try MailVPNFixtures.bytes("vpn/wireguard/wg-bad.conf")
        let out = scanner.scan(ScanInput(path: ScanPath("etc/wireguard/wg-bad.conf"), bytes: bytes))
        #expect(out.diagnostics.count == 1)
        let detail = try #require(out.diagnostics.first?.detail)
        #expect(detail.contains("line 2") && detail.contains("[Bogus]"))
        #expect(!detail.contains("dG9vLXNob3J0"), "the diagnostic does not repeat the key")
        #expect(!out.findings.isEmpty)
    }
}
