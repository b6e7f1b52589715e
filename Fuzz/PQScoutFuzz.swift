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

    /// Seeds a reader harness writes itself, having no scanner examples.
    let seeds: [[UInt8]]

    init(_ name: String, _ scanners: [any FileScanner], _ paths: [String]) {
        self.name = name
        self.scanners = scanners
        self.paths = paths
        self.reader = nil
        self.seeds = []
    }

    init(_ name: String, seeds: [String] = [], reader: @escaping ([UInt8]) -> Void) {
        self.name = name
        self.scanners = []
        self.paths = []
        self.reader = reader
        self.seeds = seeds.map { Array($0.utf8) }
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
        // The files beside a config that decide what is in force: sshd's systemd unit and its drop-ins, the
        // environment files it names, os-release and the crypto policy's OpenSSL line (`PROFILE=SYSTEM`). The input
        // up to its first NUL is the unit; the rest is every other file.
        Harness("system-files", seeds: SystemFilesTree.seeds) { bytes in
            let tree = SystemFilesTree(bytes)
            let context = ScanContext(tree: tree)
            if bytes.count % 2 == 0 {
                let config = ScanPath("etc/ssh/sshd_config")
                _ = OpenSSHConfigScanner().scan(
                    ScanInput(
                        path: config, bytes: tree.files[config] ?? [], options: ScanOptions(opensshVersion: "8.0"),
                        context: context))
            } else {
                let config = ScanPath("etc/nginx/nginx.conf")
                _ = NginxScanner().scan(
                    ScanInput(path: config, bytes: tree.files[config] ?? [], options: ScanOptions(), context: context))
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

/// A tree of a few fixed configs and the system files the fuzzer writes (`system-files`).
struct SystemFilesTree: TreeReader {
    let files: [ScanPath: [UInt8]]

    init(_ bytes: [UInt8]) {
        let split = bytes.firstIndex(of: 0) ?? bytes.count
        let unit = Array(bytes[..<split])
        let rest = split < bytes.count ? Array(bytes[(split + 1)...]) : []
        var files: [ScanPath: [UInt8]] = [
            ScanPath("etc/ssh/sshd_config"): Array("Ciphers aes128-ctr\nMatch User a\n  MACs hmac-sha2-256\n".utf8),
            ScanPath("etc/nginx/nginx.conf"): Array(
                "http { server { listen 443 ssl; ssl_ciphers PROFILE=SYSTEM:!RC4; } }\n".utf8),
            ScanPath("usr/lib/systemd/system/sshd.service"): unit,
        ]
        for path in [
            "etc/sysconfig/sshd", "etc/default/ssh", "etc/systemd/system/sshd.service.d/override.conf",
            "etc/crypto-policies/back-ends/opensshserver.config", "etc/crypto-policies/back-ends/openssl.config",
            "etc/os-release",
        ] {
            files[ScanPath(path)] = rest
        }
        self.files = files
    }

    func files(matching pattern: String) -> [ScanPath] {
        files.keys.filter { fnmatch(pattern, $0.display, FNM_PATHNAME) == 0 }.sorted()
    }

    func read(_ path: ScanPath) -> Result<[UInt8], Diagnostic> {
        guard let bytes = files[path] else {
            return .failure(Diagnostic(path: path, reason: .unreadable, detail: "absent"))
        }
        return .success(bytes)
    }

    static let seeds = [
        "[Service]\nEnvironmentFile=-/etc/crypto-policies/back-ends/opensshserver.config\n"
            + "EnvironmentFile=-/etc/sysconfig/sshd\nExecStart=/usr/sbin/sshd -D $OPTIONS $CRYPTO_POLICY\n\u{0}"
            + "CRYPTO_POLICY='-oCiphers=aes256-gcm@openssh.com,aes256-ctr -oMACs=hmac-sha2-256'\nOPTIONS=\"-o x\"\n",
        "[Service]\nEnvironment=\"A=-oKexAlgorithms=curve25519-sha256\"\nExecStart=/usr/sbin/sshd -D ${A} \\\n -o Ciphers=x\n"
            + "\u{0}[Service]\nExecStart=\nExecStart=/usr/sbin/sshd -D $SSHD_OPTS\nEnvironment=\n"
            + "SSHD_OPTS='-o MACs=hmac-sha1'\n",
        "[Unit]\n\u{0}ID=rhel\nVERSION_ID=\"9.4\"\nID_LIKE=\"fedora\"\n"
            + "@SECLEVEL=2:kEECDH:kRSA:kEDH:kPSK:kDHEPSK:kECDHEPSK:-aDSS:-3DES:!DES:!RC4:!RC2:!IDEA:-SEED:!eNULL:!aNULL\n",
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
        for seed in harness.seeds {
            count += 1
            _ = FileManager.default.createFile(atPath: "\(directory)/seed-\(count)", contents: Data(seed))
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
