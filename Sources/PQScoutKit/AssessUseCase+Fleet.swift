import Foundation
import PQModel
import PQStore

extension AssessUseCase {
    /// `pqscout assess --fleet`: every host's latest complete scan assessed in turn with the same request (its
    /// `scanID` is ignored), each through `run` as `assess --host` would, and recorded with its scan. Returns one
    /// summary per host, ordered by host; `onHost` is told of each as it is done (a long fleet shows progress).
    ///
    /// One host's result is dropped once summarised, so memory is that of the largest host's assessment.
    public static func runFleet(
        _ request: AssessRequest, onHost: (FleetScanSummary) -> Void = { _ in }
    ) throws(PQScoutError) -> [FleetScanSummary] {
        let store = try StoreAccess.open(request.storePath, create: false)
        let hosts = try StoreAccess.perform(request.storePath) { try store.fleetSummary() }
        guard !hosts.isEmpty else {
            throw PQScoutError(
                code: "assess.empty", kind: .input,
                reason:
                    "\(StoreAccess.label(request.storePath)) holds no complete host scan yet; run `pqscout scan PATH` first"
            )
        }
        var summaries: [FleetScanSummary] = []
        for var host in hosts {
            var one = request
            one.scanID = host.scanID
            one.explain = nil
            let outcome = try run(one)
            host.assessment = FleetAssessmentSummary(
                assessmentID: outcome.assessmentID, profile: outcome.result.profile,
                overallScore: outcome.result.overall.score, gateMet: outcome.result.gate?.met,
                byVerdict: outcome.result.summary.byState)
            onHost(host)
            summaries.append(host)
        }
        return summaries
    }
}
