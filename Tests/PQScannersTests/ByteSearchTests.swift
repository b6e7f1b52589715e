import PQTestSupport
import Testing

@testable import PQScanners

/// The byte searches every claim runs on the head of every file, against the String searches they replaced.
@Suite("ByteSearch")
struct ByteSearchTests {
    /// Lower-cases ASCII letters only, as the byte search does (`İ` and the Kelvin sign stay as they are).
    static func asciiLowered(_ text: String) -> String {
        String(
            String.UnicodeScalarView(
                text.unicodeScalars.map { scalar in
                    (0x41...0x5A).contains(scalar.value) ? Unicode.Scalar(scalar.value | 0x20) ?? scalar : scalar
                }))
    }

    @Test("containsIgnoringASCIICase agrees with a String search on random ASCII and non-ASCII text")
    func caseInsensitiveAgreesWithString() throws {
        var generator = SeededGenerator(seed: 0xB17E_5EA2)
        let alphabet = Array("sSlLeEnNgGiI xé\u{130}\u{212A}<>".unicodeScalars)
        for _ in 0..<2000 {
            let length = Int.random(in: 0...24, using: &generator)
            var scalars = String.UnicodeScalarView()
            for _ in 0..<length { scalars.append(try #require(alphabet.randomElement(using: &generator))) }
            let text = String(scalars)
            for needle in ["sslengine", "SSL", "gin", "Ne"] {
                let expected = Self.asciiLowered(text).contains(needle.lowercased())
                #expect(
                    ByteSearch.containsIgnoringASCIICase(Array(text.utf8), needle) == expected, "\(text) / \(needle)")
            }
        }
        #expect(ByteSearch.containsIgnoringASCIICase(Array("  SSLEngine on".utf8), "sslengine"))
        #expect(!ByteSearch.containsIgnoringASCIICase(Array("SSLEngin".utf8), "sslengine"))
    }

    @Test("containsAny finds any of its needles")
    func containsAny() {
        #expect(ByteSearch.containsAny(Array("listen 443 ssl;".utf8), ["ssl_", " ssl"]))
        #expect(!ByteSearch.containsAny(Array("listen 80;".utf8), ["ssl_", " ssl"]))
    }
}
