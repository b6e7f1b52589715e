import Foundation
import PQCatalog
import PQModel

/// Reads WireGuard interface configurations (`wg0.conf`, wg(8) "CONFIGURATION FILE FORMAT" and wg-quick(8)).
///
/// WireGuard has no algorithm negotiation: the Noise_IKpsk2 handshake is always X25519 key agreement,
/// ChaCha20-Poly1305 and BLAKE2s (whitepaper §5). So the inventory is one key-agreement finding per
/// interface and per peer, `vulnerable` to Shor's algorithm, plus the fixed data cipher. A peer's
/// `PresharedKey` mixes a 256-bit symmetric secret into the handshake (whitepaper §5.2, "psk2"), which keeps
/// recorded traffic confidential against a future quantum attacker as long as that key stays secret; the
/// peer's finding says whether it has one. Keys are checked for shape only and never copied into a finding.
public struct WireGuardScanner: FileScanner {
    public let id = "wireguard"
    public let sources: [FindingSource] = [.wireguard]
    /// A configuration may set nothing cryptographic; its own parse failures are reported by the scan.
    public let nothingFoundIsMalformed = false
    let catalog: Catalog

    /// - Parameter catalog: where names and statuses come from; tests pass a small one.
    public init(catalog: Catalog = .shared) {
        self.catalog = catalog
    }

    public func claim(path: ScanPath, head: ArraySlice<UInt8>) -> Claim {
        guard ByteSearch.isText(head) else { return .none }
        let name = String(decoding: path.lastComponent, as: UTF8.self)
        let hasInterface = ByteSearch.contains(head, Array("[Interface]".utf8))
        if name.hasPrefix("wg"), name.hasSuffix(".conf"), hasInterface || head.isEmpty { return .name }
        if name.hasSuffix(".conf"), ByteSearch.contains(path.bytes, Array("wireguard/".utf8)) { return .name }
        if hasInterface, ByteSearch.contains(head, Array("PrivateKey".utf8)) { return .content }
        return .none
    }

    static let peerPSKNote =
        "PresharedKey set: a 256-bit symmetric key mixed into the handshake (Noise IKpsk2) keeps recorded "
        + "traffic confidential against a quantum attacker while the key stays secret"
    static let peerNoPSKNote =
        "no PresharedKey: traffic recorded today can be decrypted once X25519 falls to a quantum computer"

    public func scan(_ input: ScanInput) -> ScanOutput {
        var out = ConfigFindings(path: input.path, source: .wireguard, catalog: catalog)
        guard input.looksLikeText else {
            out.problem("binary content in a WireGuard configuration", line: nil)
            return out.finish()
        }
        out.service(input.path.display, protocol: "WireGuard")
        let x25519 = catalog.entry(named: "X25519")
        let psk = catalog.entry(named: "PSK")
        var section: String?
        var peerCount = 0
        var peerStart: (line: Int, context: String)?
        var peerPublicKey: Int?
        var peerPSK: Int?

        func closePeer(_ out: inout ConfigFindings) {
            guard let start = peerStart else { return }
            let place = ConfigFindings.Place(line: peerPublicKey ?? start.line, context: start.context)
            out.add(
                at: place, setting: "PublicKey", usage: .keyExchange, algorithm: "X25519", entry: x25519,
                curve: "Curve25519", note: peerPSK == nil ? Self.peerNoPSKNote : Self.peerPSKNote)
            if let line = peerPSK {
                out.add(
                    at: ConfigFindings.Place(line: line, context: start.context), setting: "PresharedKey",
                    usage: .keyExchange, algorithm: "PSK", entry: psk, note: Self.peerPSKNote + " (key not recorded)")
            }
            if peerPublicKey == nil { out.problem("[Peer] without PublicKey", line: start.line) }
            peerStart = nil
            peerPublicKey = nil
            peerPSK = nil
        }

        var sawInterface = false
        for (number, raw) in ConfigLines.split(input.bytes) {
            let line = ConfigLines.trim(ConfigLines.stripComment(raw))
            if line.isEmpty { continue }
            if line.hasPrefix("[") {
                closePeer(&out)
                guard line.hasSuffix("]") else {
                    out.problem("unterminated section header", line: number)
                    section = nil
                    continue
                }
                let name = String(line.dropFirst().dropLast()).trimmingWhitespace()
                switch name.lowercased() {
                case "interface":
                    section = "Interface"
                    sawInterface = true
                case "peer":
                    section = "Peer"
                    peerCount += 1
                    peerStart = (number, "[Peer] #\(peerCount)")
                default:
                    section = nil
                    out.problem("unknown section [\(name.prefix(40))]", line: number)
                }
                continue
            }
            guard let equals = line.firstIndex(of: "=") else {
                out.problem("expected Key = Value", line: number)
                continue
            }
            let key = line[line.startIndex..<equals].trimmingWhitespace().lowercased()
            let value = line[line.index(after: equals)...].trimmingWhitespace()
            switch (section, key) {
            case (nil, _):
                out.problem("setting outside [Interface] or [Peer]", line: number)
            case ("Interface", "privatekey"):
                if !Self.isKey(value) { out.problem("PrivateKey is not a base64 32-byte key", line: number) }
                out.add(
                    at: ConfigFindings.Place(line: number, context: "[Interface]"), setting: "PrivateKey",
                    usage: .keyExchange, algorithm: "X25519", entry: x25519, curve: "Curve25519",
                    note: "the interface's static Curve25519 key (Noise IK); key not recorded")
            case ("Peer", "publickey"):
                if !Self.isKey(value) { out.problem("PublicKey is not a base64 32-byte key", line: number) }
                peerPublicKey = number
            case ("Peer", "presharedkey"):
                if !Self.isKey(value) { out.problem("PresharedKey is not a base64 32-byte key", line: number) }
                peerPSK = number
            default:
                break
            }
        }
        closePeer(&out)
        if sawInterface {
            out.add(
                at: ConfigFindings.Place(line: nil, context: "[Interface]", origin: .default), setting: "transport",
                usage: .cipher, algorithm: "ChaCha20-Poly1305", entry: catalog.entry(named: "ChaCha20-Poly1305"),
                note: "fixed by the WireGuard protocol (no negotiation)")
        }
        return out.finish()
    }

    /// A WireGuard key: 44 base64 characters decoding to 32 bytes (wg(8) "base64 encoded").
    static func isKey(_ value: String) -> Bool {
        guard value.utf8.count == 44, let data = Data(base64Encoded: value) else { return false }
        return data.count == 32
    }

    public var examples: [ScannerExample] {
        [
            ScannerExample(
                name: "interface and a peer with a preshared key", path: "etc/wireguard/wg0.conf",
                contents: Array(WireGuardExamples.withPSK.utf8), expectedAlgorithms: ["X25519", "PSK"]),
            ScannerExample(
                name: "a key outside any section", path: "etc/wireguard/wg1.conf",
                contents: Array("PrivateKey = x\n".utf8), expectsFindings: false, expectsDiagnostic: true),
        ]
    }
}

enum WireGuardExamples {
    /// Random test keys (never used anywhere), as wg(8) prints them.
    static let withPSK = """
        [Interface]
        PrivateKey = Q+T612HZpyTnDgxeGiDRQWTFCvJ0/9JyJjmvM4ZwSR4=
        ListenPort = 51820

        [Peer]
        PublicKey = tam9wT6w4xbWRVamf13pXk0WyOfDjmJ+OKLr1/iA9Vc=
        PresharedKey = ei+mvQYUIfQBJspTCLYDqtcCOBIH2gQeLQsVaSveoqc=
        AllowedIPs = 10.192.122.3/32

        """
}
