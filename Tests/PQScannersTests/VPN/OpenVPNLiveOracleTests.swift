import Foundation
import PQModel
import Testing

@testable import PQScanners

/// The live oracle for OpenVPN's control channel: for every suite, version and group PQScout reports for a server
/// configuration, a real `openvpn` server started with it on 127.0.0.1 and a real `openvpn` client limited to that
/// one suite, version or group (and at security level 0, so only the server decides). Every one reported in force
/// must complete the TLS handshake (the client logs "Control Channel: ..."), every one reported not in force must
/// not. `openssl s_client` cannot do this: OpenVPN wraps TLS in its own protocol.
///
/// A TCP server in OpenVPN's peer-to-peer mode serves one client and then restarts, and `--mode server` needs a
/// tun device, so each probe gets a server of its own (`--dev null`, a free port), a few at a time; each is killed
/// when its client has logged the handshake or given up.
@Suite("TLS in force: live OpenVPN control channel agrees with the findings", .serialized)
struct OpenVPNLiveOracleTests {
    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var lines: [String]
        /// The server runs under an openssl.cnf whose system default is `DEFAULT:@SECLEVEL=0`, and the scanned tree
        /// holds the same file as `etc/ssl/openssl.cnf`.
        var systemLevelZero = false
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "defaults (2.6: TLS 1.2 and up, OpenVPN's cipher list, profile legacy)", lines: []),
        Case(name: "TLS 1.0 allowed, profile legacy (level 1)", lines: ["tls-version-min 1.0"]),
        Case(
            name: "TLS 1.0 allowed, profile insecure (level 0)",
            lines: ["tls-version-min 1.0", "tls-cert-profile insecure"]),
        Case(
            name: "system openssl.cnf at level 0, no profile: legacy's level 1 holds", lines: ["tls-version-min 1.0"],
            systemLevelZero: true),
        Case(
            name: "profile insecure, tls-cipher moves the level back to 1",
            lines: ["tls-version-min 1.0", "tls-cert-profile insecure", "tls-cipher DEFAULT:@SECLEVEL=1"]),
        Case(name: "tls-cipher with @SECLEVEL=0", lines: ["tls-version-min 1.0", "tls-cipher DEFAULT:@SECLEVEL=0"]),
        Case(
            name: "profile preferred, IANA names, two groups",
            lines: [
                "tls-cert-profile preferred",
                "tls-cipher TLS-ECDHE-RSA-WITH-AES-128-GCM-SHA256:TLS-DHE-RSA-WITH-AES-256-GCM-SHA384:AES256-SHA",
                "tls-groups X25519:secp384r1",
            ]),
        Case(
            name: "TLS 1.3 only, one suite",
            lines: ["tls-version-min 1.3", "tls-ciphersuites TLS_CHACHA20_POLY1305_SHA256"]),
    ]

    static let openvpn = "/usr/sbin/openvpn"

    static var ready: Bool {
        FileManager.default.isExecutableFile(atPath: openvpn) && TestCertificates.opensslPath != nil
    }

    /// One claim of PQScout, as `openvpn` client options.
    struct Probe {
        var what: String
        var inForce: Bool
        var options: [String]
        /// Text the client's "Control Channel:" line must hold when the handshake completes.
        var expect: String?
    }

    static func probes(for findings: [Finding]) -> [Probe] {
        let tls13InForce = findings.contains {
            $0.usage == .protocolVersion && $0.algorithm == "TLSv1.3" && $0.effective
        }
        var out: [Probe] = []
        for finding in findings where finding.usage == .cipherSuite {
            guard let note = finding.note, let range = note.range(of: "OpenSSL name ") else { continue }
            let name = String(note[range.upperBound...].prefix { $0 != "," })
            let options =
                name.hasPrefix("TLS_")
                ? ["--tls-version-min", "1.3", "--tls-ciphersuites", name]
                : ["--tls-version-max", "1.2", "--tls-cipher", name + ":@SECLEVEL=0"]
            out.append(Probe(what: "suite \(name)", inForce: finding.effective, options: options, expect: " \(name),"))
        }
        let versions = ["TLSv1": "1.0", "TLSv1.1": "1.1", "TLSv1.2": "1.2", "TLSv1.3": "1.3"]
        for finding in findings where finding.usage == .protocolVersion {
            guard let version = versions[finding.algorithm] else { continue }
            out.append(
                Probe(
                    what: "version \(finding.algorithm)", inForce: finding.effective,
                    options: [
                        "--tls-version-min", version, "--tls-version-max", version, "--tls-cipher",
                        "ALL:COMPLEMENTOFALL:@SECLEVEL=0",
                    ],
                    expect: "Control Channel: \(finding.algorithm),"))
        }
        for finding in findings where finding.usage == .group {
            let options =
                tls13InForce
                ? ["--tls-version-min", "1.3", "--tls-groups", finding.algorithm]
                : ["--tls-version-max", "1.2", "--tls-cipher", "kEECDH:@SECLEVEL=0", "--tls-groups", finding.algorithm]
            out.append(
                Probe(what: "group \(finding.algorithm)", inForce: finding.effective, options: options, expect: nil))
        }
        return out
    }

    /// Starts a server with `config` on a free port and a client with `options`; the client's "Control Channel:"
    /// line, or nil when it logged none within 6 s.
    static func handshake(config: String, options: [String], dir: String, slot: Int, environment: [String])
        -> String?
    {
        let port = TLSLiveOracleTests.freePort()
        let serverLog = "\(dir)/server-\(slot).log"
        let clientLog = "\(dir)/client-\(slot).log"
        guard
            let server = TLSLiveOracleTests.Child.start(
                [openvpn, "--config", config, "--port", "\(port)"], output: serverLog, environment: environment)
        else { return nil }
        defer { server.halt() }
        // Not a test connection: the peer-to-peer server would take it for its one client and restart.
        var listening = false
        for _ in 0..<60 where server.poll() == nil {
            if let text = try? String(contentsOfFile: serverLog, encoding: .utf8),
                text.contains("Listening for incoming TCP connection")
            {
                listening = true
                break
            }
            usleep(50_000)
        }
        guard listening else { return nil }
        let client = [
            openvpn, "--dev", "null", "--tls-client", "--proto", "tcp-client", "--remote", "127.0.0.1", "\(port)",
            "--ca", "\(dir)/server.crt", "--cert", "\(dir)/client.crt", "--key", "\(dir)/client.key", "--verb", "3",
            "--tls-cert-profile", "insecure", "--tls-exit", "--connect-retry-max", "1",
        ]
        guard let child = TLSLiveOracleTests.Child.start(client + options, output: clientLog) else { return nil }
        defer { child.halt() }
        for _ in 0..<120 {
            let text = (try? String(contentsOfFile: clientLog, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.contains("Control Channel: ") }) {
                return String(line)
            }
            // A refused handshake resets the connection at once; the client would restart before giving up.
            if child.poll() != nil || text.contains("Connection reset") || text.contains("TLS Error") { return nil }
            usleep(50_000)
        }
        return nil
    }

    @Test(
        "every suite, version and group reported in force for the control channel completes a handshake; none other",
        .enabled(if: ready, "needs openvpn and openssl"))
    func live() throws {
        let directory = try TestCertificates.temporaryDirectory("live-openvpn")
        defer { try? FileManager.default.removeItem(at: directory) }
        let dir = directory.path
        // Self-signed on both sides, each the other's CA.
        _ = try #require(TestCertificates.make("rsa:2048", in: directory, name: "server"))
        _ = try #require(TestCertificates.make("rsa:2048", in: directory, name: "client"))
        let systemConfig =
            "openssl_conf = init\n[init]\nssl_conf = ssl\n[ssl]\nsystem_default = sys\n[sys]\n"
            + "CipherString = DEFAULT:@SECLEVEL=0\n"
        try systemConfig.write(toFile: "\(dir)/openssl.cnf", atomically: true, encoding: .utf8)
        let software = [
            Software(name: "libssl3", version: "3.0.19-1", sourcePath: ScanPath("var/lib/dpkg/status")),
            Software(name: "openvpn", version: "2.6.14-1", sourcePath: ScanPath("var/lib/dpkg/status")),
        ]
        var tally = TLSLiveOracleTests.Tally()
        for (number, one) in Self.cases.enumerated() {
            let text =
                ([
                    "dev null", "tls-server", "proto tcp-server", "local 127.0.0.1", "ca \(dir)/client.crt",
                    "cert \(dir)/server.crt", "key \(dir)/server.key", "dh none", "verb 3",
                ] + one.lines).joined(separator: "\n") + "\n"
            let config = "\(dir)/server-\(number).conf"
            try text.write(toFile: config, atomically: true, encoding: .utf8)

            // What PQScout says: the same files at the same paths, the configuration as etc/openvpn/server.conf.
            let relative = String(dir.dropFirst())
            var contents: [ScanPath: [UInt8]] = [:]
            for name in ["server.crt", "server.key", "client.crt"] {
                contents[ScanPath("\(relative)/\(name)")] = try #require(
                    FileManager.default.contents(atPath: "\(dir)/\(name)")
                ).map { $0 }
            }
            if one.systemLevelZero { contents[ScanPath("etc/ssl/openssl.cnf")] = Array(systemConfig.utf8) }
            let path = ScanPath("etc/openvpn/server.conf")
            contents[path] = Array(text.utf8)
            let output = OpenVPNScanner().scan(
                ScanInput(
                    path: path, bytes: Array(text.utf8),
                    context: ScanContext(tree: MemoryTree(contents: contents), software: software)))
            let probes = Self.probes(for: output.findings.filter { $0.context == "openvpn" })
            try #require(probes.count >= 4, "\(one): PQScout reports no TLS endpoint")

            // What OpenVPN does, a few probes at a time.
            let environment = [
                "OPENSSL_CONF=" + (one.systemLevelZero ? "\(dir)/openssl.cnf" : "/dev/null"),
                "PATH=/usr/bin:/bin:/usr/sbin:/sbin",
            ]
            let results = TLSLiveOracleTests.Results(probes.count)
            let width = 6
            DispatchQueue.concurrentPerform(iterations: width) { worker in
                var index = worker
                while index < probes.count {
                    let line = Self.handshake(
                        config: config, options: probes[index].options, dir: dir, slot: worker,
                        environment: environment)
                    results.set(index, (line == nil ? 1 : 0, line ?? ""))
                    index += width
                }
            }
            for (probe, (status, line)) in zip(probes, results.all) {
                let works = status == 0 && (probe.expect.map { line.contains($0) } ?? true)
                tally.record(
                    agrees: works == probe.inForce,
                    "\(one): \(probe.what) reported \(probe.inForce ? "in force" : "not in force"), handshake "
                        + (works ? "succeeded" : status == 0 ? "gave \(line.suffix(90))" : "failed"))
            }
        }
        print("live openvpn: \(tally.agreed)/\(tally.total) agree (\(Self.cases.count) configurations)")
        #expect(tally.total > Self.cases.count * 4)
        #expect(tally.failures.isEmpty, "\(tally.summary)")
    }
}
