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

    @Test(arguments: [true, false])
    func overallSystemLinesLeftOutAreWrittenFromTheSystems(met: Bool) throws {
        let whole = try gated(met: met)
        let mean = try #require(whole.overall.adjustments.last)
        #expect(mean.dimension == "mean" && whole.overall.adjustments.count == whole.systems.count + 1)
        var header = whole
        header.systems = []
        header.overall.adjustments = [mean]
        header.overall.systemLinesLeftOut = true
        // A line reads no adjustment of its system: handed over trimmed, the same bytes.
        let trimmed = whole.systems.map { system in
            var bare = system
            bare.adjustments = []
            return bare
        }
        var text = ""
        try AssessmentJSON.write(
            header, findings: { body in for item in whole.findings { try body(item) } },
            systems: { body in for item in whole.systems { try body(item) } },
            systemLines: { body in for item in trimmed { try body(item) } }, to: { text += $0 })
        #expect(text == (try AssessmentJSON.render(whole)))
        // Without `systemLines`, from the systems.
        text = ""
        try AssessmentJSON.write(
            header, findings: { body in for item in whole.findings { try body(item) } },
            systems: { body in for item in whole.systems { try body(item) } }, to: { text += $0 })
        #expect(text == (try AssessmentJSON.render(whole)))
    }

    @Test func piecesAreTheDocumentWithoutFindingsOrSystems() throws {
        var result = try #require(try Fixtures.assessed().assessment)
        result.findings = []
        #expect(try written(result) == (try AssessmentJSON.render(result)))
        result.systems = []
        result.gate = nil
        #expect(try written(result) == (try AssessmentJSON.render(result)))
    }

    /// The sample's result with a `vulnerable` gate met by its findings in force at that threshold (several, in
    /// inventory order), or by none.
    func gated(met: Bool) throws -> AssessmentResult {
        var result = try #require(try Fixtures.assessed().assessment)
        let refs = GateOutcome(threshold: .vulnerable, count: 0).findings(in: result.findings)
        #expect(refs.count > 2 && refs.count < result.findings.count)
        result.gate = GateOutcome(threshold: .vulnerable, met: met, findings: met ? refs : [])
        return result
    }

    @Test(arguments: [true, false])
    func gateFindingsHeldOrHandedOverAreTheDocument(met: Bool) throws {
        let whole = try gated(met: met)
        #expect(try written(whole) == (try AssessmentJSON.render(whole)))
        // Counted only, the gate's findings handed over by a closure: the same bytes.
        let refs = try #require(whole.gate?.findings)
        var counted = whole
        counted.gate = GateOutcome(threshold: .vulnerable, count: refs.count)
        var text = ""
        try AssessmentJSON.write(
            counted, findings: { body in for item in whole.findings { try body(item) } },
            gated: { body in for ref in refs { try body(ref) } }, to: { text += $0 })
        #expect(text == (try AssessmentJSON.render(whole)))
        #expect(!text.contains("\"count\""))
    }

    @Test func gateCountIsWrittenOnlyWhenAskedAndReadBackFromTheFindingsOtherwise() throws {
        let whole = try gated(met: true)
        let gate = try #require(whole.gate)
        let plain = JSONEncoder()
        plain.outputFormatting = [.sortedKeys]
        let printed = try plain.encode(gate)
        #expect(!String(decoding: printed, as: UTF8.self).contains("\"count\""))
        #expect(try JSONDecoder().decode(GateOutcome.self, from: printed) == gate)
        let stored = JSONEncoder()
        stored.outputFormatting = [.sortedKeys]
        stored.userInfo[GateOutcome.encodesCount] = true
        let left = GateOutcome(threshold: .vulnerable, count: gate.count)
        let decoded = try JSONDecoder().decode(GateOutcome.self, from: try stored.encode(left))
        #expect(decoded == left && decoded.met && decoded.findingsLeftOut)
        var restored = whole
        restored.gate = decoded
        restored.restoreGateFindings()
        #expect(restored.gate == gate)
    }
}
