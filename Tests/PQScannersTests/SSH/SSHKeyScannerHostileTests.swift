import Foundation
import PQModel
import PQTestSupport
import Testing

@testable import PQScanners

@Suite("SSH key scanner: hostile input")
struct SSHKeyScannerHostileTests {
    typealias T = SSHTestSupport

    @Test(
        "every truncation of a blob is malformed, never a finding or a crash",
        arguments: [
            "id_rsa.pub", "id_dsa.pub", "ecdsa521_key.pub", "id_ed25519-cert.pub", "ssh_host_ecdsa_key-cert.pub",
        ])
    func truncations(name: String) throws {
        let blob = try T.blob(ofFixture: name)
        let type = String(decoding: try T.fixture(name), as: UTF8.self).split(separator: " ")[0]
        for length in 0..<blob.count {
            let prefix = Array(blob.prefix(length))
            if SSHKeyType.isCertificateName(String(type)) {
                #expect(throws: Never.self) { _ = SSHCertificate.parse(blob: prefix) }
                if case .success = SSHCertificate.parse(blob: prefix) {
                    Issue.record("\(name) cut at \(length) parsed")
                }
            } else if case .success = SSHPublicKey.parse(blob: prefix) {
                Issue.record("\(name) cut at \(length) parsed")
            }
            guard length > 0 else { continue }
            let output = T.scan(name, T.line(String(type), prefix))
            #expect(output.findings.isEmpty, "\(name) cut at \(length)")
            #expect(output.diagnostics.count == 1, "\(name) cut at \(length)")
        }
    }

    @Test("every truncation of a private key envelope before its private section is malformed")
    func privateKeyTruncations() throws {
        let text = String(decoding: try T.fixture("id_ed25519"), as: UTF8.self)
        let body = text.split(separator: "\n").dropFirst().dropLast().joined()
        let decoded = try #require(Data(base64Encoded: body).map { [UInt8]($0) })
        var reader = SSHWireReader(decoded)
        _ = try reader.raw(15, "magic")
        for field in ["cipher", "kdf", "kdf options"] { _ = try reader.string(field) }
        _ = try reader.uint32("count")
        _ = try reader.string("public key")
        let envelopeEnd = reader.offset + 4 + 8  // the section's length and its two check words
        for length in 0..<envelopeEnd {
            let cut = Data(decoded.prefix(length)).base64EncodedString()
            let output = T.scan(
                "id_ed25519", "\(OpenSSHPrivateKey.beginMarker)\n\(cut)\n\(OpenSSHPrivateKey.endMarker)\n")
            #expect(output.findings.isEmpty, "cut at \(length)")
            #expect(output.diagnostics.map(\.reason) == [.malformed], "cut at \(length)")
        }
    }

    @Test("huge length fields are refused before any read")
    func hugeLengths() {
        var writer = SSHWireWriter()
        writer.string("ssh-ed25519")
        writer.uint32(.max)
        writer.raw(T.bytes(8))
        guard case .failure(let error) = SSHPublicKey.parse(blob: writer.bytes) else {
            Issue.record("accepted a 4 GiB length")
            return
        }
        #expect(error.code == "bad-length")
        var type = SSHWireWriter()
        type.uint32(0xFFFF_FFF0)
        #expect(throws: Never.self) { _ = SSHCertificate.parse(blob: type.bytes) }
    }

    @Test("random bytes under every kind of name: no crash, at most one diagnostic, nothing invented")
    func randomBytes() {
        var random = SeededGenerator(seed: 0x5353_484B_4559)
        let names = ["id_ed25519.pub", "authorized_keys", "known_hosts", "id_rsa", "whatever"]
        for round in 0..<200 {
            let length = Int(random.next() % 600)
            var bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            if round % 3 == 0 { bytes = Array("ssh-ed25519 ".utf8) + bytes }
            if round % 5 == 0 { bytes = Array("\(OpenSSHPrivateKey.beginMarker)\n".utf8) + bytes }
            let output = T.scan(names[round % names.count], bytes)
            #expect(output.diagnostics.count <= 1)
            #expect(output.findings.isEmpty)
        }
    }

    /// Mutates fixtures at the byte level and inside their decoded blobs (so the wire parser, not just base64,
    /// sees the damage). A fixed seed keeps the run repeatable.
    @Test("fixed-seed fuzz over every fixture")
    func fuzz() throws {
        var random = SeededGenerator(seed: 20_260_821)
        for name in try T.fixtureNames() {
            let original = try T.fixture(name)
            let lineCount = original.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).count
            for _ in 0..<40 {
                var bytes = original
                switch random.next() % 4 {
                case 0 where !bytes.isEmpty:
                    bytes[Int(random.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: random.next())
                case 1 where !bytes.isEmpty:
                    bytes.remove(at: Int(random.next() % UInt64(bytes.count)))
                case 2:
                    bytes.insert(
                        UInt8(truncatingIfNeeded: random.next()), at: Int(random.next() % UInt64(bytes.count + 1)))
                default:
                    bytes = Self.mutateFirstBlob(bytes, using: &random)
                }
                let output = T.scan(name, bytes)
                #expect(output.diagnostics.count <= 1, "\(name)")
                for finding in output.findings {
                    #expect((finding.line ?? 0) >= 1 && (finding.line ?? 0) <= lineCount + 1, "\(name)")
                }
            }
        }
    }

    /// Flips one byte inside the first base64 token that decodes, and writes it back encoded.
    static func mutateFirstBlob(_ bytes: [UInt8], using random: inout SeededGenerator) -> [UInt8] {
        let text = String(decoding: bytes, as: UTF8.self)
        for token in text.split(whereSeparator: { $0 == " " || $0 == "\n" }) where token.hasPrefix("AAAA") {
            guard var blob = Data(base64Encoded: String(token)).map({ [UInt8]($0) }), !blob.isEmpty else { continue }
            blob[Int(random.next() % UInt64(blob.count))] ^= UInt8(truncatingIfNeeded: random.next() | 1)
            return Array(text.replacingOccurrences(of: token, with: Data(blob).base64EncodedString()).utf8)
        }
        return bytes
    }
}
