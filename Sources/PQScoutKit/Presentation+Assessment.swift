import PQModel
import PQReports
import PQStore

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

    /// Writes the JSON document of an assessment in pieces, its findings read as `outcome.forEachFinding` hands
    /// them over and its gate's as `outcome.forEachGatedFinding` does (from the store when it was recorded): the
    /// same bytes as `assessmentJSON` of the whole result.
    public static func writeAssessmentJSON(_ outcome: AssessOutcome, to write: (String) -> Void)
        throws(PQScoutError)
    {
        do {
            try AssessmentJSON.write(
                outcome.result, findings: { body in try outcome.forEachFinding(body) },
                gated: { body in try outcome.forEachGatedFinding(body) },
                systems: { body in try outcome.forEachSystem(body) },
                systemLines: { body in try outcome.forEachSystem(findingsPerAdjustment: 0, body) }, to: write)
        } catch let error as PQScoutError {
            throw error
        } catch let error as StoreError {
            throw PQScoutError(code: error.code, kind: .input, reason: error.reason)
        } catch {
            throw PQScoutError(
                code: "output.json", kind: .input, reason: "cannot write JSON: \(PQScoutError.describe(error))")
        }
    }

    /// The table of an assessment, its findings from the highlights gathered as they were judged.
    public static func assessmentTable(_ outcome: AssessOutcome, width: Int = 80) -> String {
        AssessmentText.render(outcome.result, highlights: outcome.highlights, width: width)
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
