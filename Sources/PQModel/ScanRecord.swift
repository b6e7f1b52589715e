import Foundation

/// One scan as the inventory keeps it.
public struct ScanRecord: Codable, Sendable, Hashable {
    public enum Status: String, Codable, Sendable, CaseIterable {
        /// Still running, or killed before it finished: its rows are partial.
        case incomplete
        case complete
    }

    /// Where the rows came from: a scan of files on a host, or a CBOM imported from another tool. Commands default
    /// to the latest host scan, so an import never silently becomes "the" inventory.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case scan
        case `import`
    }

    public var id: Int64
    /// The roots as given on the command line.
    public var roots: [String]
    public var host: String
    public var toolVersion: String
    public var startedAt: Date
    public var finishedAt: Date?
    public var status: Status
    public var counts: ScanCounts
    public var kind: Kind

    public init(
        id: Int64, roots: [String], host: String, toolVersion: String, startedAt: Date, finishedAt: Date?,
        status: Status, counts: ScanCounts, kind: Kind = .scan
    ) {
        self.id = id
        self.roots = roots
        self.host = host
        self.toolVersion = toolVersion
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.status = status
        self.counts = counts
        self.kind = kind
    }

    private enum CodingKeys: String, CodingKey {
        case id, roots, host, toolVersion, startedAt, finishedAt, status, counts, kind
    }

    /// Documents written before scans had a kind read as host scans.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(Int64.self, forKey: .id)
        roots = try container.decode([String].self, forKey: .roots)
        host = try container.decode(String.self, forKey: .host)
        toolVersion = try container.decode(String.self, forKey: .toolVersion)
        startedAt = try container.decode(Date.self, forKey: .startedAt)
        finishedAt = try container.decodeIfPresent(Date.self, forKey: .finishedAt)
        status = try container.decode(Status.self, forKey: .status)
        counts = try container.decode(ScanCounts.self, forKey: .counts)
        kind = try container.decodeIfPresent(Kind.self, forKey: .kind) ?? .scan
    }
}

/// The figures a scan summary shows.
public struct ScanCounts: Codable, Sendable, Hashable {
    /// Regular files the walker handed to the scanners.
    public var filesExamined: Int
    /// Files that yielded at least one finding.
    public var filesWithFindings: Int
    public var findings: Int
    public var assets: Int
    public var diagnostics: Int
    /// Findings per quantum status (raw value → count).
    public var byStatus: [String: Int]

    public init(
        filesExamined: Int = 0, filesWithFindings: Int = 0, findings: Int = 0, assets: Int = 0,
        diagnostics: Int = 0, byStatus: [String: Int] = [:]
    ) {
        self.filesExamined = filesExamined
        self.filesWithFindings = filesWithFindings
        self.findings = findings
        self.assets = assets
        self.diagnostics = diagnostics
        self.byStatus = byStatus
    }
}

/// The JSON document `scan --format json` and `inventory --format json` print (Docs/json-output.md).
public struct InventoryDocument: Codable, Sendable {
    /// Bumped when a field changes meaning or goes away; adding a field does not bump it.
    public static let currentSchemaVersion = 1

    public var schemaVersion: Int
    public var scan: ScanRecord
    public var findings: [Finding]
    public var diagnostics: [Diagnostic]
    /// Links inside the tree recorded as aliases of their real paths (added with issue 14; absent in older
    /// documents, read as none).
    public var aliases: [PathAlias]

    public init(scan: ScanRecord, findings: [Finding], diagnostics: [Diagnostic], aliases: [PathAlias] = []) {
        self.schemaVersion = Self.currentSchemaVersion
        self.scan = scan
        self.findings = findings
        self.diagnostics = diagnostics
        self.aliases = aliases
    }

    private enum CodingKeys: String, CodingKey {
        case schemaVersion, scan, findings, diagnostics, aliases
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        schemaVersion = try container.decode(Int.self, forKey: .schemaVersion)
        scan = try container.decode(ScanRecord.self, forKey: .scan)
        findings = try container.decode([Finding].self, forKey: .findings)
        diagnostics = try container.decode([Diagnostic].self, forKey: .diagnostics)
        aliases = try container.decodeIfPresent([PathAlias].self, forKey: .aliases) ?? []
    }
}
