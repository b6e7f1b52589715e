import Foundation
import Testing

@testable import PQScanners

@Suite("SHA-256 and SSH key fingerprints")
struct SHA256Tests {
    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    @Test("FIPS 180-4 example vectors")
    func knownVectors() {
        #expect(
            Self.hex(Digest.sha256(Array("abc".utf8)))
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            Self.hex(Digest.sha256(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        let long =
            "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrs"
            + "mnopqrstnopqrstu"
        #expect(
            Self.hex(Digest.sha256(Array(long.utf8)))
                == "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")
    }

    /// Expected values from Python's hashlib over bytes `i % 251`; the lengths straddle the padding boundaries.
    @Test(
        "lengths around the 55/56/64-byte padding boundaries",
        arguments: [
            (0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            (1, "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
            (55, "463eb28e72f82e0a96c0a4cc53690c571281131f672aa229e0d45ae59b598b59"),
            (56, "da2ae4d6b36748f2a318f23e7ab1dfdf45acdc9d049bd80e59de82a60895f562"),
            (63, "29af2686fd53374a36b0846694cc342177e428d1647515f078784d69cdb9e488"),
            (64, "fdeab9acf3710362bd2658cdc9a29e8f9c757fcf9811603a8c447cd1d9151108"),
            (65, "4bfd2c8b6f1eec7a2afeb48b934ee4b2694182027e6d0fc075074f2fabb31781"),
            (119, "da18797ed7c3a777f0847f429724a2d8cd5138e6ed2895c3fa1a6d39d18f7ec6"),
            (120, "f52b23db1fbb6ded89ef42a23ce0c8922c45f25c50b568a93bf1c075420bbb7c"),
            (127, "92ca0fa6651ee2f97b884b7246a562fa71250fedefe5ebf270d31c546bfea976"),
            (128, "471fb943aa23c511f6f72f8d1652d9c880cfa392ad80503120547703e56a2be5"),
            (1000, "4e4c294b331f7a2099a379bec34b9f9fc03dc46ab465d998f4d683da53487e6d"),
        ])
    func boundaries(length: Int, expected: String) {
        let message = (0..<length).map { UInt8($0 % 251) }
        #expect(Self.hex(Digest.sha256(message)) == expected)
        #expect(Digest.sha256Hex(message) == expected)
    }

    @Test("fingerprints match ssh-keygen -l -E sha256 for every public key fixture")
    func matchesSSHKeygen() throws {
        let listing = String(decoding: try SSHTestSupport.fixture("fingerprints.txt"), as: UTF8.self)
        var checked = 0
        for line in listing.split(separator: "\n") {
            let fields = line.split(separator: " ")
            try #require(fields.count == 2)
            let name = String(fields[0])
            guard !name.hasSuffix("-cert.pub") else { continue }  // ssh-keygen prints the certified key's
            let blob = try SSHTestSupport.blob(ofFixture: name)
            #expect(SSHKeyFingerprint.openSSH(of: blob) == String(fields[1]), "\(name)")
            checked += 1
        }
        #expect(checked >= 10)
    }

    @Test("the asset id is the hex of the same digest the OpenSSH fingerprint shows in base64")
    func assetIDAgreesWithFingerprint() throws {
        let blob = try SSHTestSupport.blob(ofFixture: "id_ed25519.pub")
        let base64 = String(SSHKeyFingerprint.openSSH(of: blob).dropFirst("SHA256:".count))
        let digest = try #require(Data(base64Encoded: base64 + "="))
        #expect(SSHKeyFingerprint.assetID(of: blob) == "sha256:" + Self.hex([UInt8](digest)))
    }
}
