import Foundation
import PQModel
import PQTestSupport
import Testing

@testable import PQReports

/// The streaming tokenizer `pqscout import` reads CBOMs with, held against `JSONValue.parse` (Foundation's
/// `JSONDecoder`, which read them whole before): the same values, the same documents refused, wherever the pieces
/// the document arrives in are cut.
@Suite("Streaming JSON tokenizer")
struct JSONStreamTests {
    /// What `JSONValue.parse` makes of a document, or nil when it refuses it.
    static func whole(_ bytes: [UInt8]) -> JSONValue? { try? JSONValue.parse(Data(bytes)) }

    static func streamed(_ bytes: [UInt8], pieceBytes: Int) -> JSONValue? {
        try? JSONValue.parseStreamed(Data(bytes), pieceBytes: pieceBytes)
    }

    /// Documents on every edge `JSONDecoder` has: what it accepts beyond RFC 8259 (trailing commas, a byte order
    /// mark, UTF-16, duplicate keys whose later values it never decodes) and what it refuses.
    static let edges: [String] = [
        "1", "-0", "1.0", "1e2", "1E2", "-1.5e-3", "01", "1.", ".5", "+1", "-", "9223372036854775807",
        "9223372036854775808", "-9223372036854775808", "-9223372036854775809", "1e15", "100000000000000000000",
        "0.1e1", "123456789012345678.0", "123456789012345678.5", "9007199254740993.0", "1e-400", "-0.0", "2.5",
        "1.5e", "1.e5", "0e1", "-01", "1.5.3", "1x", "[1,]", "{\"a\":1,}", "[,]", "{,}", "[1,,]", "[1 2]",
        "{\"a\":1,\"a\":2}", "{\"a\":{\"x\":1},\"a\":3}", "{\"a\":1,\"a\":\"\\q\"}", "{\"a\":1,\"a\":01}",
        "{\"a\":1,\"a\":[\"\\u12\"]}", "{\"a\":1,\"a\":\"\\u12\"}", "{\"a\":1,\"a\":tru}", "{\"a\":1,\"a\":[1 2]}",
        "{\"\\u00e9\":1,\"e\\u0301\":2}", "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"", "\"\\ud83d\\ude00\"",
        "\"\\u0000\"", "\"\\x\"", "\"\\/\"", " [1] ", "\u{0C}[1]", "[1] x", "true", "nul", "NaN", "{\"a\" 1}",
        "{1:2}", "\"a\tb\"", "\"é\"", "{\"a\":1}{", "[]]", "", " ", "[", "{\"a\":", "\"abc", "[\"a\\",
        "{\"k\":[{\"x\":null,\"y\":false,\"z\":[true,{}]}]}",
    ]

    static let binaryEdges: [[UInt8]] = [
        [0xEF, 0xBB, 0xBF] + Array("[1]".utf8), [0x5B, 0x22, 0xFF, 0x22, 0x5D], [0x5B, 0x22, 0xC3, 0x22, 0x5D],
        [0x5B, 0x22, 0xED, 0xA0, 0x80, 0x22, 0x5D], [0x5B, 0x00, 0x31, 0x00, 0x5D, 0x00],
        [0xFF, 0xFE, 0x5B, 0x00, 0x31, 0x00, 0x5D, 0x00], [0x5B, 0x31, 0x5D, 0x00],
        [0x5B, 0x22, 0xC0, 0x80, 0x22, 0x5D],
        [0x5B, 0x22, 0xF4, 0x90, 0x80, 0x80, 0x22, 0x5D], [0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D],
        Array("{\"a\":1,\"a\":\"".utf8) + [0xFF, 0x01] + Array("\"}".utf8),
    ]

    @Test("every edge case: the same value or the same refusal as JSONValue.parse, whatever the piece size")
    func edges() {
        for bytes in Self.edges.map({ Array($0.utf8) }) + Self.binaryEdges {
            let expected = Self.whole(bytes)
            for pieceBytes in [1, 2, 3, 5, 64 * 1024] {
                #expect(
                    Self.streamed(bytes, pieceBytes: pieceBytes) == expected,
                    "\(String(decoding: bytes, as: UTF8.self).debugDescription) in pieces of \(pieceBytes)")
            }
        }
    }

    /// Strings with escapes, surrogate pairs and multi-byte UTF-8, and numbers of every form: cut at every byte.
    static let mixed = #"""
        {"é😀\u00e9":"a\"b\\c\/d\b\f\n\r\t\u0041\ud83d\ude00 漢字 ✓ 𝄞","n":[0,-0,12,-3.25,6.02e23,1E-2,1e2,
          9223372036854775807,9223372036854775808,123456789012345678.0],"t":[true,false,null,{},[],""],
          "deep":{"a":[{"b":[{"c":"ü"}]}]},"dup":1,"dup":"\x"}
        """#

    @Test("a document with escapes, surrogates, multi-byte UTF-8 and numbers, cut into pieces of every size")
    func pieceBoundaries() throws {
        let bytes = Array(Self.mixed.utf8)
        let expected = try #require(Self.whole(bytes))
        for pieceBytes in 1...40 {
            #expect(Self.streamed(bytes, pieceBytes: pieceBytes) == expected, "pieces of \(pieceBytes)")
        }
    }

    @Test("random mutations of a CBOM: accepted and refused alike, with the same values (seeded)")
    func mutations() throws {
        let seed = Array(ImportTests.foreign.utf8)
        var generator = SeededGenerator(seed: 20)
        let alphabet = Array("{}[]\",:\\u0123456789-+.eE tfnrl\u{7F}".utf8) + [0x00, 0x0A, 0xC3, 0xA9, 0xFF, 0xED]
        var refused = 0
        for _ in 0..<1500 {
            var bytes = seed
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let at = Int.random(in: 0..<bytes.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: bytes[at] = alphabet.randomElement(using: &generator)!
                case 1: bytes.insert(alphabet.randomElement(using: &generator)!, at: at)
                default: bytes.remove(at: at)
                }
            }
            let expected = Self.whole(bytes)
            if expected == nil { refused += 1 }
            let pieceBytes = Int.random(in: 1...9, using: &generator)
            #expect(
                Self.streamed(bytes, pieceBytes: pieceBytes) == expected,
                "\(String(decoding: bytes, as: UTF8.self).debugDescription) in pieces of \(pieceBytes)")
        }
        #expect(refused > 100, "the mutations must reach the refusals too")
    }

    @Test("a CBOM cut short anywhere is refused as not JSON, in one line")
    func truncated() throws {
        let bytes = Array(ImportTests.foreign.utf8)
        for end in stride(from: 0, to: bytes.count - 1, by: 7) {
            do {
                _ = try CBOMImporter.parse(Data(bytes[..<end]), fallbackPath: ScanPath("x"))
                Issue.record("accepted a document cut at \(end)")
            } catch {
                #expect(error.reason == "not JSON: the file does not parse as a JSON document")
            }
        }
    }

    @Test("of duplicate keys the first counts, and a later one's value is only scanned, as JSONDecoder does")
    func duplicateKeys() throws {
        let text = #"""
            {"bomFormat":"CycloneDX","specVersion":"1.6","bomFormat":"SPDX","specVersion":"\q",
             "components":[{"type":"cryptographic-asset","name":"ML-KEM-768","name":"RSA","type":01,
               "cryptoProperties":{"assetType":"algorithm"},"evidence":{"occurrences":[{"location":"a"}]},
               "evidence":{"occurrences":[{"location":"b\u12zz\q"}]}}],
             "components":[{"name":"never read"}]}
            """#
        #expect((try? JSONValue.parse(Data(text.utf8))) != nil, "JSONDecoder accepts it")
        let imported = try CBOMImporter.parse(Data(text.utf8), fallbackPath: ScanPath("x"))
        #expect(imported.findings.map(\.algorithm) == ["ML-KEM-768"])
        #expect(imported.findings.map(\.path) == [ScanPath("a")])
    }

    @Test("a file is read in bounded pieces: no read asks for more than a chunk, however large the document")
    func boundedReads() throws {
        final class Recording: JSONByteSource, @unchecked Sendable {
            let data: Data
            var largest = 0
            init(_ data: Data) { self.data = data }
            func read(at offset: Int, count: Int) throws -> [UInt8] {
                largest = max(largest, count)
                return try JSONDataSource(data).read(at: offset, count: count)
            }
        }
        var text = #"{"bomFormat":"CycloneDX","specVersion":"1.6","components":["#
        for index in 0..<3000 {
            text += #"{"type":"cryptographic-asset","name":"ML-KEM-768","cryptoProperties":{"assetType":"algorithm"},"#
            text += #""evidence":{"occurrences":[{"location":"f\#(index)","line":\#(index + 1)}]}},"#
        }
        text += #"{"type":"library","name":"x"}]}"#
        let source = Recording(Data(text.utf8))
        #expect(source.data.count > 400_000)
        let document = try CBOMImporter.check(source)
        var findings = 0
        try CBOMImporter.read(document, fallbackPath: ScanPath("x")) { findings += $0.findings.count }
        #expect(findings == 3000)
        #expect(source.largest <= 64 * 1024)
        #expect(
            try CBOMImporter.parse(Data(text.utf8), fallbackPath: ScanPath("x")).findings.count == 3000)
    }

    @Test("a CBOM read from its file imports exactly as from memory, and its SHA-256 is the whole file's")
    func fromFile() throws {
        let data = try CycloneDXRenderer(spec: .v1_6).render(try Fixtures.sample(), context: Fixtures.context)
        let file = Fixtures.temporaryPath("stream.cdx.json")
        try data.write(to: URL(fileURLWithPath: file))
        var seen = Data()
        let document = try CBOMImporter.open(file: file) { seen.append(contentsOf: $0) }
        #expect(seen == data)
        let fromFile = try CBOMImporter.parse(document, fallbackPath: ScanPath("x"))
        let fromMemory = try CBOMImporter.parse(data, fallbackPath: ScanPath("x"))
        #expect(fromFile == fromMemory)
        #expect(!fromFile.findings.isEmpty && !fromFile.assets.isEmpty)
    }
}
