import Foundation
import PQCatalog
import PQModel
import Testing

@testable import PQScanners

/// Shared helpers for the SSH scanner tests: the fixture folder, a small catalog, and blob builders.
enum SSHTestSupport {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/ssh")

    static func fixture(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: fixtures.appendingPathComponent(name)))
    }

    static func fixtureNames() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: fixtures.path).filter { $0 != "README.md" }.sorted()
    }

    /// The catalog rows these tests need, written as the catalog helper will write them (canonical names from
    /// helper-context.md). The shipped catalog is filled in parallel, so tests never rely on it.
    static let catalog: Catalog = {
        func row(_ canonical: String, _ status: String, _ primitive: String = "signature", broken: Int? = nil) -> String
        {
            let floor = broken.map { ", \"brokenBelowBits\": \($0)" } ?? ""
            return """
                {"canonical": "\(canonical)", "family": "test", "primitive": "\(primitive)", "nistCategory": 0,
                 "quantumStatus": "\(status)", "oids": [], "names": {}, "source": "test"\(floor)}
                """
        }
        let rows = [
            row("RSA", "vulnerable", broken: 2048), row("DSA", "vulnerable", broken: 2048),
            row("ECDSA", "vulnerable"), row("Ed25519", "vulnerable"), row("Ed448", "vulnerable"),
            row("RSA-SHA1", "broken"), row("RSA-SHA256", "vulnerable"), row("RSA-SHA512", "vulnerable"),
            row("ECDSA-SHA256", "vulnerable"), row("ECDSA-SHA384", "vulnerable"),
            row("ML-DSA-44+Ed25519-SHA512", "hybrid"),
        ]
        do {
            return try Catalog(json: Data("{\"algorithms\": [\(rows.joined(separator: ","))]}".utf8))
        } catch {
            preconditionFailure("test catalog: \(error)")
        }
    }()

    static let scanner = SSHKeyScanner(catalog: catalog)

    static func scan(_ path: String, _ bytes: [UInt8]) -> ScanOutput {
        scanner.scan(ScanInput(path: ScanPath(path), bytes: bytes))
    }

    static func scan(_ path: String, _ text: String) -> ScanOutput { scan(path, Array(text.utf8)) }

    static func scanFixture(_ name: String) throws -> ScanOutput { scan(name, try fixture(name)) }

    /// The decoded blob of the first key line of a fixture.
    static func blob(ofFixture name: String) throws -> [UInt8] {
        let text = String(decoding: try fixture(name), as: UTF8.self)
        let fields = text.split(separator: " ")
        return try #require(fields.count > 1 ? Data(base64Encoded: String(fields[1])).map { [UInt8]($0) } : nil)
    }

    static func line(_ type: String, _ blob: [UInt8], comment: String = "test") -> String {
        "\(type) \(Data(blob).base64EncodedString()) \(comment)\n"
    }

    /// A key blob built field by field: `string type` then the given strings.
    static func keyBlob(_ type: String, _ fields: [[UInt8]]) -> [UInt8] {
        var writer = SSHWireWriter()
        writer.string(type)
        for field in fields { writer.string(field) }
        return writer.bytes
    }

    static func bytes(_ count: Int, _ value: UInt8 = 0x11) -> [UInt8] { [UInt8](repeating: value, count: count) }

    static func ecPoint(_ coordinate: Int) -> [UInt8] { [0x04] + bytes(2 * coordinate) }

    /// JSON of everything the scanner returned, to prove what it does not contain.
    static func json(_ output: ScanOutput) throws -> String {
        let encoder = JSONEncoder()
        let findings = try encoder.encode(output.findings)
        let assets = try encoder.encode(output.assets)
        let diagnostics = try encoder.encode(output.diagnostics)
        return [findings, assets, diagnostics].map { String(decoding: $0, as: UTF8.self) }.joined(separator: "\n")
    }
}
