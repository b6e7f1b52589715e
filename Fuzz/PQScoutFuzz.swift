// libFuzzer harnesses for every PQScout parser, in one binary: PQSCOUT_FUZZ names the harness.
//
// Built by scripts/fuzz with `swiftc -sanitize=fuzzer,address -parse-as-library` against the library modules
// (compiled with the same flags), so coverage reaches the parsers. Not a SwiftPM target: libFuzzer supplies `main`,
// which an executable target cannot link beside its own. Each harness hands the input to one parser exactly as a
// scan or a command would; a crash, hang or sanitizer report is a bug, a diagnostic or thrown error is fine.
import Foundation
import PQAssessment
import PQCatalog
import PQModel
import PQReports
import PQScanners

/// One harness: the scanners it drives and the paths it presents the input under (the path selects the format).
struct Harness {
    let name: String
    let scanners: [any FileScanner]
    let paths: [String]
    /// For the YAML and JSON readers, which take text rather than a file.
    let reader: (([UInt8]) -> Void)?

    init(_ name: String, _ scanners: [any FileScanner], _ paths: [String]) {
        self.name = name
        self.scanners = scanners
        self.paths = paths
        self.reader = nil
    }

    init(_ name: String, reader: @escaping ([UInt8]) -> Void) {
        self.name = name
        self.scanners = []
        self.paths = []
        self.reader = reader
    }

    func run(_ bytes: [UInt8]) {
        if let reader {
            reader(bytes)
            return
        }
        // One (scanner, path) pair per execution, chosen by the input's length: mutations insert and erase bytes
        // all the time, so every pair sees every shape of input, and an execution costs one parse instead of
        // scanners x paths (the der-pem harness was nine parses per input).
        let pairs = scanners.count * paths.count
        let choice = bytes.count % pairs
        let scanner = scanners[choice / paths.count]
        let path = paths[choice % paths.count]
        let input = ScanInput(
            path: ScanPath(path), bytes: bytes, options: ScanOptions(pkcs12Passwords: ["changeit"]),
            context: ScanContext())
        _ = scanner.scan(input)
    }

    /// Every harness. Names are what scripts/fuzz and Docs/limits.md list.
    static let all: [Harness] = [
        Harness(
            "der-pem", [CertificateScanner(), KeyScanner(), DHParametersScanner()],
            ["etc/ssl/certs/a.pem", "etc/ssl/certs/a.der", "etc/ssl/private/a.key"]),
        Harness("pkcs7", [CertificateScanner()], ["etc/ssl/certs/chain.p7b"]),
        Harness("pkcs12", [CertificateScanner(), KeyScanner()], ["etc/ssl/private/store.p12"]),
        Harness(
            "ssh-wire", [SSHKeyScanner()],
            [
                "home/u/.ssh/id_ed25519.pub", "home/u/.ssh/id_ed25519", "home/u/.ssh/authorized_keys",
                "etc/ssh/ssh_host_ed25519_key-cert.pub",
            ]),
        Harness("jks", [JavaKeystoreScanner()], ["etc/java/keystore.jks", "etc/java/cacerts"]),
        Harness("openssh", [OpenSSHConfigScanner()], ["etc/ssh/sshd_config", "etc/ssh/ssh_config"]),
        Harness("nginx", [NginxScanner()], ["etc/nginx/nginx.conf"]),
        Harness("apache", [ApacheScanner()], ["etc/apache2/apache2.conf"]),
        Harness("haproxy", [HAProxyScanner()], ["etc/haproxy/haproxy.cfg"]),
        Harness("openssl-cnf", [OpenSSLConfScanner()], ["etc/ssl/openssl.cnf"]),
        Harness("postfix", [PostfixScanner()], ["etc/postfix/main.cf", "etc/postfix/master.cf"]),
        Harness("dovecot", [DovecotScanner()], ["etc/dovecot/dovecot.conf"]),
        Harness(
            "strongswan", [StrongSwanScanner()], ["etc/swanctl/swanctl.conf", "etc/ipsec.conf", "etc/ipsec.secrets"]),
        Harness("openvpn", [OpenVPNScanner()], ["etc/openvpn/server.conf"]),
        Harness("wireguard", [WireGuardScanner()], ["etc/wireguard/wg0.conf"]),
        Harness("java-security", [JavaSecurityScanner()], ["etc/java-21-openjdk/security/java.security"]),
        // The installed-package databases of a scanned image (dpkg's status, apk's installed, one rpm header, an
        // rpm Berkeley DB), read before any scanner runs: one of them is chosen by the input's length.
        Harness("package-db") { bytes in
            let source = ScanPath("var/lib/dpkg/status")
            switch bytes.count % 4 {
            case 0: _ = InstalledSoftware.parseDpkgStatus(bytes, sourcePath: source)
            case 1: _ = InstalledSoftware.parseApkInstalled(bytes, sourcePath: source)
            case 2: _ = InstalledSoftware.parseRPMHeader(bytes, sourcePath: source)
            default: _ = RPMBerkeleyDB.headerBlobs(bytes)
            }
        },
        Harness("yaml-claims") { bytes in
            _ = try? ClaimsLoader.claims(yaml: String(decoding: bytes, as: UTF8.self), file: "c.yaml")
        },
        Harness("yaml-policy") { bytes in
            _ = try? PolicyLoader.profile(yaml: String(decoding: bytes, as: UTF8.self), file: "p.yaml")
        },
        Harness("yaml-waivers") { bytes in
            _ = try? PolicyLoader.waivers(yaml: String(decoding: bytes, as: UTF8.self), file: "w.yaml")
        },
        Harness("cbom-import") { bytes in
            _ = try? CBOMImporter.parse(Data(bytes), fallbackPath: ScanPath("bom.json"))
        },
        // Differential: the streaming tokenizer `pqscout import` reads with must agree with `JSONDecoder` (through
        // `JSONValue.parse`) on every input, value for value, in pieces of any size; a disagreement traps.
        Harness("json-stream") { bytes in
            let data = Data(bytes)
            let whole = try? JSONValue.parse(data)
            let streamed = try? JSONValue.parseStreamed(data, pieceBytes: 1 + bytes.count % 7)
            if whole != streamed {
                fatalError(
                    "JSONValue.parseStreamed disagrees with JSONValue.parse: \(String(describing: whole)) vs \(String(describing: streamed))"
                )
            }
        },
    ]
}

nonisolated(unsafe) var selected: Harness?

/// Picks the harness from PQSCOUT_FUZZ; with PQSCOUT_FUZZ_SEEDS set, writes the scanners' own examples there as seed
/// files and exits (scripts/fuzz adds the test fixtures).
@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>)
    -> Int32
{
    let environment = ProcessInfo.processInfo.environment
    let name = environment["PQSCOUT_FUZZ"] ?? ""
    guard let harness = Harness.all.first(where: { $0.name == name }) else {
        FileHandle.standardError.write(
            Data("PQSCOUT_FUZZ must name a harness: \(Harness.all.map(\.name).joined(separator: " "))\n".utf8))
        exit(2)
    }
    if let directory = environment["PQSCOUT_FUZZ_SEEDS"] {
        var count = 0
        for scanner in harness.scanners {
            for example in scanner.examples {
                count += 1
                _ = FileManager.default.createFile(
                    atPath: "\(directory)/example-\(scanner.id)-\(count)", contents: Data(example.contents))
            }
        }
        print("\(count) example seeds for \(name)")
        exit(0)
    }
    _ = Catalog.shared
    selected = harness
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    selected?.run(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
