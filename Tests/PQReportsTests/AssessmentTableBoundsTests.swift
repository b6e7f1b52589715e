import Foundation
import PQModel
import PQReports
import Testing

/// The console table lists at most `limit` of each list (findings, overruns, expired certificates, waived findings,
/// systems) and counts the rest: a 1M-file tree has 200,000 systems, and printing them all held a line of each and
/// rendered a 36 MB table (a peak of 328 MiB for `assess` at 1M).
@Suite("The assessment table is bounded: the first few of each list, the lowest-scoring systems")
struct AssessmentTableBoundsTests {
    static func systems(_ count: Int, from result: AssessmentResult) throws -> [AgilityScore] {
        let one = try #require(result.systems.first)
        return (0..<count).map { number in
            var score = one
            score.system.id = String(format: "nginx:srv/site%03d.conf", number)
            score.score = (number * 37) % 101
            return score
        }
    }

    @Test("more systems than the limit: the lowest-scoring, by score then id; fewer: all, in id order")
    func systemsBounded() throws {
        let result = try #require(try Fixtures.assessed().assessment)
        let scores = try Self.systems(120, from: result)
        var highlights = AssessmentHighlights(limit: 50)
        // Scored out of id order, as an assessment scores each system when its last finding is judged.
        for position in (0..<120).reversed() { highlights.add(scores[position], position: position) }
        #expect(highlights.systemCount == 120 && highlights.systemsLeftOut == 70)
        let expected = scores.indices.sorted { (scores[$0].score, $0) < (scores[$1].score, $1) }.prefix(50)
        #expect(highlights.systems.map(\.id) == expected.map { scores[$0].system.id })
        let shown = AssessmentHighlights.shown(scores.map(AssessmentHighlights.SystemLine.init), limit: 50)
        #expect(shown.lines == highlights.systems && shown.leftOut == 70)

        var few = AssessmentHighlights(limit: 50)
        for position in (0..<20).reversed() { few.add(scores[position], position: position) }
        #expect(few.systems.map(\.id) == scores.prefix(20).map(\.system.id))
        #expect(few.systemsLeftOut == 0)

        var header = result
        header.systems = []
        let text = AssessmentText.render(header, highlights: highlights, width: 120)
        #expect(text.contains("The 50 lowest-scoring of 120 systems"))
        #expect(text.components(separatedBy: "nginx:srv/site").count - 1 == 50)
        // The same table from a result that holds its systems.
        var whole = result
        whole.systems = scores
        let held = AssessmentText.render(whole, highlights: AssessmentHighlights(limit: 50), width: 120)
        #expect(held.contains("The 50 lowest-scoring of 120 systems"))
        #expect(held.components(separatedBy: "nginx:srv/site").count - 1 == 50)
    }

    @Test("findings of expired certificates: the first in inventory order are listed, the rest counted")
    func expiredBounded() throws {
        let result = try #require(try Fixtures.assessed().assessment)
        let one = try #require(result.findings.first)
        var highlights = AssessmentHighlights(limit: 5)
        let findings = (0..<12).map { number -> FindingAssessment in
            var item = one
            item.finding.index = number
            item.finding.path = String(format: "etc/ssl/certs/c%02d.pem", number)
            item.finding.line = nil
            item.expired = CalendarDay("2020-01-01")
            return item
        }
        // Two out of inventory order: they still count among the first.
        for item in findings.dropFirst(2) + findings.prefix(2) { highlights.add(item) }
        #expect(highlights.expiredCount == 12)
        #expect(highlights.expired.map(\.finding.index) == [0, 1, 2, 3, 4])
        let text = AssessmentText.render(result, highlights: highlights, width: 120)
        #expect(text.contains("... and 7 more findings of expired certificates"))
        #expect(!text.contains("c05.pem"))
    }
}
