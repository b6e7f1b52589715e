/// What one scanner returns for one file: findings, the assets they belong to, and diagnostics.
public struct ScanOutput: Sendable, Hashable {
    public var findings: [Finding]
    public var assets: [Asset]
    public var diagnostics: [Diagnostic]
    public var software: [Software]
    /// Assets of other walked files that this file's findings name (the certificate a vhost serves, a HostKey): the
    /// walk records them with their own file, which may sit in a later batch than these findings, and the store
    /// refuses a finding naming an asset it has not recorded. The scan writes one only when no batch so far, this
    /// one included, has recorded it, so the first description stays the file's own wherever one batch holds both.
    public var linkedAssets: [Asset] = []

    public init(
        findings: [Finding] = [], assets: [Asset] = [], diagnostics: [Diagnostic] = [], software: [Software] = []
    ) {
        self.findings = findings
        self.assets = assets
        self.diagnostics = diagnostics
        self.software = software
    }

    public var isEmpty: Bool { findings.isEmpty && assets.isEmpty && diagnostics.isEmpty && software.isEmpty }

    public mutating func append(_ other: ScanOutput) {
        findings += other.findings
        assets += other.assets
        diagnostics += other.diagnostics
        software += other.software
        linkedAssets += other.linkedAssets.filter { !linkedAssets.contains($0) }
    }
}
