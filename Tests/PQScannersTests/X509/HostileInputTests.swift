import Foundation
import PQModel
import PQTestSupport
import Testing

@testable import PQScanners

@Suite("X.509 family on hostile input")
struct HostileInputTests {
    private func scanAll(_ path: String, _ bytes: [UInt8]) -> [ScanOutput] {
        X509Fixtures.allScanners.map { $0.scan(ScanInput(path: ScanPath(path), bytes: bytes)) }
    }

    @Test("a DER certificate truncated at every length is a diagnostic, never a finding or a crash")
    func truncation() throws {
        let der = try X509Fixtures.bytes("ecdsa-p256.der")
        let scanner = X509Fixtures.certificateScanner
        for length in 0..<der.count {
            let output = scanner.scan(ScanInput(path: ScanPath("t.der"), bytes: Array(der.prefix(length))))
            #expect(output.findings.isEmpty, "length \(length)")
            #expect(output.diagnostics.count == 1, "length \(length)")
            #expect(throws: DERError.self) { try CertificateParser.parse(der: Array(der.prefix(length))) }
        }
    }

    @Test("10 000 nested SEQUENCEs and a 0x84FFFFFFFF length are refused")
    func nestingAndLength() throws {
        var nested: [UInt8] = [0x05, 0x00]
        for _ in 0..<10_000 {
            let count = nested.count
            nested =
                [
                    0x30, 0x84, UInt8(count >> 24 & 0xFF), UInt8(count >> 16 & 0xFF), UInt8(count >> 8 & 0xFF),
                    UInt8(count & 0xFF),
                ] + nested
        }
        #expect(throws: DERError.self) { try CertificateParser.parse(der: nested) }
        #expect(throws: DERError.self) { try PublicKeyInfo.parse(der: nested) }
        for output in scanAll("n.der", nested) { #expect(output.findings.isEmpty) }

        let huge: [UInt8] = [0x30, 0x84, 0xFF, 0xFF, 0xFF, 0xFF, 0x30, 0x00]
        #expect(throws: DERError.self) { try CertificateParser.parse(der: huge) }
        for output in scanAll("h.crt", huge) { #expect(output.findings.isEmpty) }
        #expect(throws: DERError.self) { try CertificateParser.parse(der: [0x30, 0x85, 1, 0, 0, 0, 0]) }
        #expect(throws: DERError.self) { try CertificateParser.parse(der: [0x30, 0x80, 0x00, 0x00]) }
    }

    @Test("random bytes and 6 MB of base64 zeros on one line end as diagnostics")
    func noise() throws {
        var rng = SeededGenerator(seed: 42)
        for round in 0..<200 {
            let bytes = (0..<Int.random(in: 0...600, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let outputs = scanAll("r\(round).crt", bytes)
            #expect(outputs[0].findings.isEmpty)
            #expect(outputs[0].diagnostics.count == 1)
        }
        let zeros =
            Array("-----BEGIN CERTIFICATE-----\n".utf8) + [UInt8](repeating: UInt8(ascii: "A"), count: 6_000_000)
            + Array("\n-----END CERTIFICATE-----\n".utf8)
        let output = X509Fixtures.certificateScanner.scan(ScanInput(path: ScanPath("z.pem"), bytes: zeros))
        #expect(output.findings.isEmpty)
        #expect(output.diagnostics.map(\.reason) == [.malformed])
    }

    @Test("fuzz: 3000 seeded mutations of fixtures give findings or diagnostics and never crash")
    func fuzz() throws {
        let seeds: [(String, [UInt8])] = try [
            "ecdsa-p256.der", "ed25519.pem", "rsa2048-pkcs8-testkey.der", "ec-p256-sec1-testkey.pem", "chain-der.p7c",
            "dhparam1024.pem", "mlkem768-pkcs8-testkey.pem",
        ].map { ($0, try X509Fixtures.bytes($0)) }
        var rng = SeededGenerator(seed: 0x5EED)
        for iteration in 0..<3000 {
            let (name, original) = seeds[iteration % seeds.count]
            var bytes = original
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                guard !bytes.isEmpty else { break }
                let at = Int.random(in: 0..<bytes.count, using: &rng)
                switch Int.random(in: 0..<5, using: &rng) {
                case 0: bytes[at] = UInt8.random(in: 0...255, using: &rng)
                case 1: bytes[at] ^= 1 << UInt8.random(in: 0..<8, using: &rng)
                case 2: bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...64, using: &rng)))
                case 3: bytes.insert(contentsOf: bytes[at..<min(bytes.count, at + 16)], at: at)
                default: bytes = Array(bytes.prefix(at))
                }
            }
            let path = "fuzz/" + name
            var produced = false
            for scanner in X509Fixtures.allScanners
            where scanner.claim(path: ScanPath(path), head: bytes.prefix(4096)) != .none {
                let output = scanner.scan(ScanInput(path: ScanPath(path), bytes: bytes))
                #expect(output.diagnostics.count <= 1)
                produced = produced || !output.findings.isEmpty || !output.diagnostics.isEmpty
            }
            _ = produced  // a mutation can turn a file into something no scanner claims; that is fine
        }
    }
}
