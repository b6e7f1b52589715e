import Foundation

/// One host of a fleet's store as `pqscout report --fleet` and the HTML report's fleet section show it: its latest
/// complete scan, that scan's recorded figures, and the newest assessment of that scan when one was made.
///
/// Everything comes from the scan's row and the assessment's columns (`InventoryStore.fleetSummary()`), so a
/// fleet's view costs one row per host however many findings its scans hold.
public struct FleetScanSummary: Codable, Sendable, Hashable {
    public var host: String
    public var scanID: Int64
    public var startedAt: Date
    public var finishedAt: Date?
    /// Files the scan examined.
    public var files: Int
    public var findings: Int
    /// `findings` by quantum status raw value; statuses with none are absent.
    public var byStatus: [String: Int]
    public var assets: Int
    /// The newest assessment of the scan; nil when it was never assessed.
    public var assessment: FleetAssessmentSummary?

    public init(
        host: String, scanID: Int64, startedAt: Date, finishedAt: Date?, files: Int, findings: Int,
        byStatus: [String: Int], assets: Int, assessment: FleetAssessmentSummary? = nil
    ) {
        self.host = host
        self.scanID = scanID
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.files = files
        self.findings = findings
        self.byStatus = byStatus
        self.assets = assets
        self.assessment = assessment
    }
}

/// The headline of one assessment, for the fleet's table: its profile, overall score, gate and verdicts.
public struct FleetAssessmentSummary: Codable, Sendable, Hashable {
    /// The stored assessment's id; nil for one judged but not recorded.
    public var assessmentID: Int64?
    public var profile: String
    public var overallScore: Int
    /// Whether the gate (`--fail-on`) was met; nil when the assessment had no gate.
    public var gateMet: Bool?
    /// Findings by policy verdict state raw value (`summary.byState` of the assessment).
    public var byVerdict: [String: Int]

    public init(assessmentID: Int64?, profile: String, overallScore: Int, gateMet: Bool?, byVerdict: [String: Int]) {
        self.assessmentID = assessmentID
        self.profile = profile
        self.overallScore = overallScore
        self.gateMet = gateMet
        self.byVerdict = byVerdict
    }
}

/// The fleet's sum over its hosts, as the last row of `report --fleet`.
public struct FleetTotal: Codable, Sendable, Hashable {
    public var hosts: Int
    public var files: Int
    public var findings: Int
    public var byStatus: [String: Int]
    public var assets: Int
    /// Hosts whose latest scan has an assessment.
    public var assessedHosts: Int
    /// Assessed hosts whose gate was met (`--fail-on` tripped); hosts without a gate are not counted.
    public var gatesMet: Int
    public var byVerdict: [String: Int]

    public init(_ hosts: [FleetScanSummary]) {
        self.hosts = hosts.count
        files = hosts.reduce(0) { $0 + $1.files }
        findings = hosts.reduce(0) { $0 + $1.findings }
        assets = hosts.reduce(0) { $0 + $1.assets }
        byStatus = hosts.reduce(into: [:]) { sum, host in sum.merge(host.byStatus, uniquingKeysWith: +) }
        let assessed = hosts.compactMap(\.assessment)
        assessedHosts = assessed.count
        gatesMet = assessed.filter { $0.gateMet == true }.count
        byVerdict = assessed.reduce(into: [:]) { sum, assessment in sum.merge(assessment.byVerdict, uniquingKeysWith: +)
        }
    }
}
