/// What one scanner returns for one file: findings, the assets they belong to, and diagnostics.
public struct ScanOutput: Sendable, Hashable {
    public var findings: [Finding]
    public var assets: [Asset]
    public var diagnostics: [Diagnostic]
    public var software: [Software]

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
    }
}
