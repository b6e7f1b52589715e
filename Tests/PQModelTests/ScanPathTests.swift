import Foundation
import PQModel
import Testing

@Suite("ScanPath: lossless text form of byte paths")
struct ScanPathTests {
    @Test("valid UTF-8 stays as written")
    func utf8Unchanged() {
        #expect(ScanPath("etc/ssl/certs/ca-é.pem").display == "etc/ssl/certs/ca-é.pem")
    }

    @Test("invalid bytes become \\xHH and a backslash is doubled")
    func escapes() {
        let path = ScanPath(bytes: Array("odd\n".utf8) + [0xFF] + Array("\\name.pem".utf8))
        #expect(path.display == "odd\n\\xFF\\\\name.pem")
    }

    @Test("escape then unescape gives the same bytes, for random byte strings")
    func roundTrip() {
        var generator = SeededGenerator(seed: 42)
        for _ in 0..<2000 {
            let length = Int.random(in: 0..<24, using: &generator)
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let text = ScanPath.escape(bytes)
            #expect(ScanPath.unescape(text) == bytes)
        }
    }

    @Test("overlong and surrogate encodings are escaped, not passed through")
    func rejectsMalformedUTF8() {
        #expect(ScanPath(bytes: [0xC0, 0xAF]).display == "\\xC0\\xAF")
        #expect(ScanPath(bytes: [0xED, 0xA0, 0x80]).display == "\\xED\\xA0\\x80")
    }

    @Test("JSON carries the escaped form and decodes back to the bytes")
    func codable() throws {
        let path = ScanPath(bytes: [0x61, 0xFE, 0x5C])
        let data = try JSONEncoder().encode([path])
        #expect(String(decoding: data, as: UTF8.self) == #"["a\\xFE\\\\"]"#)
        #expect(try JSONDecoder().decode([ScanPath].self, from: data) == [path])
    }

    @Test("extension is lower-cased; none for dotfiles")
    func extensions() {
        #expect(ScanPath("a/B.PEM").lowercasedExtension == "pem")
        #expect(ScanPath("a/.bashrc").lowercasedExtension == "")
        #expect(ScanPath("a/noext").lowercasedExtension == "")
    }
}

/// A small deterministic generator (SplitMix64) so fuzz-style tests repeat.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
