import Foundation
import PQModel

extension InventoryStore {
    /// The fleet as it stands, one row per host ordered by host: its latest complete host scan with the figures the
    /// scan recorded, and that scan's newest assessment (profile, score, gate, verdicts) when it has one.
    ///
    /// One SQL query on either backend, reading the scans' rows and the assessments' columns: its cost grows with
    /// the hosts, never with their findings (`report --fleet`, the HTML report's fleet section).
    public func fleetSummary() throws(StoreError) -> [FleetScanSummary] {
        try backend.fleetSummary().sorted { $0.host < $1.host }
    }
}

/// The query behind `fleetSummary`, the same on both backends but for how a JSON member is read.
enum FleetSummarySQL {
    /// `verdicts` reads `summary.byState` of `a.document` as JSON text (`json_extract` on SQLite, `#>` on
    /// PostgreSQL). A host's latest complete scan is its greatest id, as `latestCompleteScanID(host:)` picks it.
    static func query(verdicts: String) -> String {
        """
        SELECT s.*, a.id AS assessment_id, a.profile AS assessment_profile, a.overall_score AS assessment_score,
            a.gate_met AS assessment_gate_met, \(verdicts) AS assessment_by_verdict
        FROM scans s
        LEFT JOIN assessments a ON a.id = (SELECT max(id) FROM assessments WHERE scan_id = s.id)
        WHERE s.id IN (SELECT max(id) FROM scans WHERE status = 'complete' AND kind = 'scan' GROUP BY host)
        ORDER BY s.id
        """
    }

    /// One row's summary from its scan and its assessment's columns (nil `assessmentID`: never assessed).
    static func summary(
        scan: ScanRecord, assessmentID: Int64?, profile: String?, score: Int?, gateMet: Int?, byVerdict: String?
    ) throws(StoreError) -> FleetScanSummary {
        var assessment: FleetAssessmentSummary?
        if let assessmentID, let profile, let score {
            let verdicts: [String: Int]
            do {
                verdicts =
                    try byVerdict.map { try JSONDecoder().decode([String: Int].self, from: Data($0.utf8)) } ?? [:]
            } catch {
                throw StoreError(
                    code: StoreError.corrupt, reason: "assessment \(assessmentID) has an unreadable summary: \(error)")
            }
            assessment = FleetAssessmentSummary(
                assessmentID: assessmentID, profile: profile, overallScore: score, gateMet: gateMet.map { $0 == 1 },
                byVerdict: verdicts)
        }
        return FleetScanSummary(
            host: scan.host, scanID: scan.id, startedAt: scan.startedAt, finishedAt: scan.finishedAt,
            files: scan.counts.filesExamined, findings: scan.counts.findings, byStatus: scan.counts.byStatus,
            assets: scan.counts.assets, assessment: assessment)
    }
}
