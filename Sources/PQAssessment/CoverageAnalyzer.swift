import PQModel

/// States what the assessment could not look at, so "not evaluated" never reads as "nothing found".
///
/// From the scan's counts and diagnostics (files skipped or not parsed, each with its reason), the findings (which
/// sources produced any; algorithms the catalog does not know), and the scanners this build registers (a
/// configuration format without a scanner was not evaluated at all).
public enum CoverageAnalyzer {
    /// Configuration formats PQScout assesses and what each covers: every configuration source described.
    public static var configurationFormats: [(source: String, what: String)] {
        FindingSourceDescription.holding(.configuration).map { ($0.source.rawValue, $0.title) }
    }

    /// Diagnostic reasons that mean the walker did not read the file at all.
    static let skippedReasons: Set<Diagnostic.Reason> = [
        .tooLarge, .specialFile, .linkOutsideRoot, .linkLoop, .brokenLink, .unreadable, .vanished, .tooDeep,
    ]

    /// - Parameter scannedSources: the finding sources the build's scanners write (`ScannerRegistry.sources`); nil
    ///   when unknown (then formats without findings are reported as "none found or not scanned").
    public static func analyze(
        scan: ScanRecord, findings: [Finding], diagnostics: [Diagnostic], software: [Software],
        scannedSources: [String]?
    ) -> AssessmentCoverage {
        var sources: [String: Int] = [:]
        var unknown: [String: Int] = [:]
        for finding in findings {
            sources[finding.source.rawValue, default: 0] += 1
            if finding.canonical == nil { unknown[finding.algorithm, default: 0] += 1 }
        }
        return analyze(
            scan: scan, sources: sources, unknownAlgorithms: unknown, diagnostics: diagnostics, software: software,
            scannedSources: scannedSources)
    }

    /// `analyze(scan:findings:...)` from the findings' counts, kept as they were read: findings per source, and per
    /// algorithm the catalog does not know (`canonical` nil).
    public static func analyze(
        scan: ScanRecord, sources: [String: Int], unknownAlgorithms unknown: [String: Int], diagnostics: [Diagnostic],
        software: [Software], scannedSources: [String]?
    ) -> AssessmentCoverage {
        var gaps: [AssessmentCoverage.Gap] = []
        if scan.status != .complete {
            gaps.append(
                .init(
                    kind: "scan", subject: "scan \(scan.id)",
                    reason: "the scan is incomplete (interrupted): files it did not reach were not evaluated"))
        }
        var skippedPaths = Set<String>()
        var unparsablePaths = Set<String>()
        for diagnostic in diagnostics {
            let path = diagnostic.path.display
            if skippedReasons.contains(diagnostic.reason) {
                skippedPaths.insert(path)
                gaps.append(
                    .init(
                        kind: "file", subject: path,
                        reason: "skipped (\(diagnostic.reason.rawValue)): \(diagnostic.detail)"))
            } else {
                unparsablePaths.insert(path)
                gaps.append(
                    .init(
                        kind: "file", subject: path,
                        reason: "not parsed (\(diagnostic.reason.rawValue)): \(diagnostic.detail)"))
            }
        }
        for (algorithm, count) in unknown {
            gaps.append(
                .init(
                    kind: "algorithm", subject: algorithm,
                    reason: "not in the catalog (\(count) finding(s)): assumed quantum-vulnerable until classified"))
        }
        let registered = scannedSources.map(Set.init)
        for format in configurationFormats where sources[format.source] == nil {
            if let registered, !registered.contains(format.source) {
                gaps.append(
                    .init(
                        kind: "format", subject: format.source,
                        reason: "not evaluated: this build has no \(format.what) scanner"))
            } else if registered == nil {
                gaps.append(
                    .init(
                        kind: "format", subject: format.source,
                        reason: "no \(format.what) findings: none in the tree, or not scanned by this build"))
            }
        }
        if software.isEmpty {
            gaps.append(
                .init(
                    kind: "software", subject: "installed packages",
                    reason: "no package database was read: library versions (PQ capability) not evaluated"))
        }
        return AssessmentCoverage(
            scanComplete: scan.status == .complete, filesExamined: scan.counts.filesExamined,
            filesWithFindings: scan.counts.filesWithFindings, filesSkipped: skippedPaths.count,
            filesUnparsable: unparsablePaths.count, sources: sources, gaps: gaps.sorted())
    }
}
