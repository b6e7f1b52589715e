import PQModel
import PQReports

/// The assessment's renderers, reached through the Kit so the executable imports one library.
extension Presentation {
    /// Writes `assessmentJSON(_:)`'s bytes in pieces (`AssessmentJSON.write`).
    public static func writeAssessmentJSON(_ result: AssessmentResult, to write: (String) -> Void)
        throws(PQScoutError)
    {
        do {
            try AssessmentJSON.write(result, to: write)
        } catch {
            throw PQScoutError(
                code: "output.json", kind: .input, reason: "cannot write JSON: \(PQScoutError.describe(error))")
        }
    }

    public static func assessmentJSON(_ result: AssessmentResult) throws(PQScoutError) -> String {
        do {
            return try AssessmentJSON.render(result)
        } catch {
            throw PQScoutError(
                code: "output.json", kind: .input, reason: "cannot write JSON: \(PQScoutError.describe(error))")
        }
    }

    public static func assessmentTable(_ result: AssessmentResult, width: Int = 80) -> String {
        AssessmentText.render(result, width: width)
    }

    public static func agilityJSON(_ scores: [AgilityScore]) throws(PQScoutError) -> String {
        do {
            return try AssessmentJSON.render(scores)
        } catch {
            throw PQScoutError(
                code: "output.json", kind: .input, reason: "cannot write JSON: \(PQScoutError.describe(error))")
        }
    }

    public static func agilityExplanation(_ scores: [AgilityScore]) -> String {
        scores.map(AssessmentText.explain).joined(separator: "\n")
    }
}
