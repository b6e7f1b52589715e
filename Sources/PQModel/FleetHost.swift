import Foundation

/// One host of a fleet's store as `pqscout inventory --fleet` shows it: its latest complete scan and how many of
/// that scan's findings match the filters, by quantum status (issue 20: "which hosts still offer RSA key exchange").
public struct FleetHost: Codable, Sendable, Hashable {
    public var host: String
    public var scanID: Int64
    public var startedAt: Date
    /// Findings of the scan that match the filters.
    public var findings: Int
    /// `findings` by quantum status raw value; statuses with none are absent.
    public var byStatus: [String: Int]

    public init(host: String, scanID: Int64, startedAt: Date, findings: Int, byStatus: [String: Int]) {
        self.host = host
        self.scanID = scanID
        self.startedAt = startedAt
        self.findings = findings
        self.byStatus = byStatus
    }
}
