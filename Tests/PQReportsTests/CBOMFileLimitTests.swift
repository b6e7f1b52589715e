import Foundation
import PQModel
import Testing

@testable import PQReports

/// How large a CBOM file may be: `import` streams it, so only a runaway input is refused; a document held whole
/// (a UTF-16 or UTF-32 one, decoded whole) keeps the whole-document limit.
@Suite("CBOM files: the size limits")
struct CBOMFileLimitTests {
    static let document = #"{"bomFormat":"CycloneDX","specVersion":"1.6","components":[]}"#

    static func write(_ bytes: Data) throws -> String {
        let path = Fixtures.temporaryPath("limit.cdx.json")
        try bytes.write(to: URL(fileURLWithPath: path))
        return path
    }

    static func reason(_ attempt: () throws(CBOMFileError) -> CBOMDocument) -> String? {
        do {
            _ = try attempt()
            return nil
        } catch {
            guard case .notCBOM(let problem) = error else { return "unreadable: \(error)" }
            return problem.reason
        }
    }

    @Test("the streamed limit is far above the whole-document one: a 1.8 GB CBOM of a scan imports")
    func streamedLimitAboveWholeLimit() {
        #expect(CBOMImporter.maxStreamedBytes >= 16 * CBOMImporter.maxBytes)
        #expect(CBOMImporter.maxStreamedBytes > 1_800_000_000)
    }

    @Test("a document of exactly the limit opens; one byte more is refused, naming the limit")
    func exactLimit() throws {
        let bytes = Data(Self.document.utf8)
        let path = try Self.write(bytes)
        let opened = Self.reason { () throws(CBOMFileError) in try CBOMImporter.open(file: path, limit: bytes.count) }
        #expect(opened == nil)
        let refused = Self.reason { () throws(CBOMFileError) in
            try CBOMImporter.open(file: path, limit: bytes.count - 1)
        }
        #expect(refused == "the document is more than the \(bytes.count - 1) bytes accepted")
    }

    @Test("a streamed document larger than the whole-document limit opens when the streamed limit allows it")
    func streamedPastWholeLimit() throws {
        let bytes = Data(Self.document.utf8)
        let path = try Self.write(bytes)
        let reason = Self.reason { () throws(CBOMFileError) in
            try CBOMImporter.open(file: path, limit: bytes.count, wholeLimit: 10)
        }
        #expect(reason == nil)
    }

    @Test("a UTF-16 document is decoded whole, so the whole-document limit still holds for it")
    func utf16KeepsWholeLimit() throws {
        var bytes = Data([0xFF, 0xFE])
        bytes.append(Self.document.data(using: .utf16LittleEndian)!)
        let path = try Self.write(bytes)
        let opened = Self.reason { () throws(CBOMFileError) in
            try CBOMImporter.open(file: path, limit: 1_000_000, wholeLimit: bytes.count)
        }
        #expect(opened == nil)
        let refused = Self.reason { () throws(CBOMFileError) in
            try CBOMImporter.open(file: path, limit: 1_000_000, wholeLimit: bytes.count - 1)
        }
        #expect(refused?.contains("decoded whole, so it may be at most \(bytes.count - 1) bytes") == true)
        #expect(refused?.contains("convert it to UTF-8") == true)
    }

    @Test(
        "an endless device is read only to the limit, not forever",
        .timeLimit(.minutes(1)), .enabled(if: FileManager.default.fileExists(atPath: "/dev/zero")))
    func endlessDevice() {
        let reason = Self.reason { () throws(CBOMFileError) in
            try CBOMImporter.open(file: "/dev/zero", limit: 1_000_000)
        }
        #expect(reason == "the document is more than the 1000000 bytes accepted")
    }
}
