import Foundation
import PQModel
import PQReports
import Testing

/// The official schemas, through the project's own checks (`scripts/validate-cbom`, `scripts/validate-sarif`): CycloneDX 1.6 and 1.7 from
/// cyclonedx-python-lib, SARIF 2.1.0 from OASIS. Skipped only when python3 is missing.
@Suite(
    "CBOM and SARIF outputs are valid under the official schemas",
    .enabled(if: SharedCheck.pythonAvailable, SharedCheck.missing)
)
struct SchemaTests {
    static let inputs = ["sample", "tls", "hostile"]

    static func input(_ name: String) throws -> ReportInput {
        switch name {
        case "tls": Fixtures.tls()
        case "hostile": Fixtures.hostile()
        default: try Fixtures.sample()
        }
    }

    @Test("validate-cbom accepts the CBOM 1.6 and 1.7", arguments: inputs, CBOMSpecVersion.allCases)
    func cbom(_ name: String, _ spec: CBOMSpecVersion) throws {
        let data = try CycloneDXRenderer(spec: spec).render(try Self.input(name), context: Fixtures.context)
        let result = try SharedCheck.run("validate-cbom", on: data, name: "\(name).cdx.json")
        #expect(result.status == 0, "\(name) \(spec.rawValue): \(result.output)")
        #expect(result.output.contains("valid CycloneDX \(spec.rawValue)"))
    }

    @Test("validate-sarif accepts the SARIF log", arguments: inputs)
    func sarif(_ name: String) throws {
        let data = try SARIFRenderer().render(try Self.input(name), context: Fixtures.context)
        let result = try SharedCheck.run("validate-sarif", on: data, name: "\(name).sarif")
        #expect(result.status == 0, "\(name): \(result.output)")
        #expect(result.output.contains("valid SARIF 2.1.0"))
    }

    @Test("validate-cbom rejects a document that breaks the schema, so the check can fail")
    func rejects() throws {
        let bad = Data(
            #"{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"cryptographic-asset","name":"x","cryptoProperties":{"assetType":"bogus"}}]}"#
                .utf8)
        let result = try SharedCheck.run("validate-cbom", on: bad, name: "bad.cdx.json")
        #expect(result.status != 0)
    }
}
