import Foundation
import PQModel
import PQReports
import Testing

/// `assess --format json` writes the document in pieces; the pieces must be the whole-document bytes.
@Suite struct AssessmentJSONStreamTests {
    func written(_ result: AssessmentResult) throws -> String {
        var text = ""
        try AssessmentJSON.write(result) { text += $0 }
        return text
    }

    @Test func piecesAreTheDocumentOfTheAssessedSample() throws {
        let result = try #require(try Fixtures.assessed().assessment)
        #expect(result.findings.count > 1 && result.systems.count > 1)
        #expect(try written(result) == (try AssessmentJSON.render(result)))
    }

    @Test func systemsFromACursorAreTheDocumentsSystems() throws {
        let result = try #require(try Fixtures.assessed().assessment)
        var header = result
        header.systems = []
        var text = ""
        try AssessmentJSON.write(
            header, findings: { body in for item in result.findings { try body(item) } },
            systems: { body in for item in result.systems { try body(item) } }, to: { text += $0 })
        #expect(text == (try AssessmentJSON.render(result)))
    }

    @Test func piecesAreTheDocumentWithoutFindingsOrSystems() throws {
        var result = try #require(try Fixtures.assessed().assessment)
        result.findings = []
        #expect(try written(result) == (try AssessmentJSON.render(result)))
        result.systems = []
        result.gate = nil
        #expect(try written(result) == (try AssessmentJSON.render(result)))
    }
}
