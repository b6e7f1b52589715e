import Foundation
import PQModel
import PQTestSupport
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
