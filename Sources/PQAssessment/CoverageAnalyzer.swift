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

    /// How many `file` gaps (one per diagnostic) the coverage lists, the first in `Gap`'s order; the rest are
    /// counted (`gapsLeftOut`). A hostile tree leaves hundreds of thousands of diagnostics, which the stored
    /// assessment, the table and every report would otherwise each hold; `pqscout inventory` lists them all.
    public static let listedFileGaps = 1_000

    /// `analyze(scan:findings:...)` from the findings' counts, kept as they were read: findings per source, and per
    /// algorithm the catalog does not know (`canonical` nil).
    public static func analyze(
        scan: ScanRecord, sources: [String: Int], unknownAlgorithms unknown: [String: Int], diagnostics: [Diagnostic],
        software: [Software], scannedSources: [String]?
    ) -> AssessmentCoverage {
        analyze(
            scan: scan, sources: sources, unknownAlgorithms: unknown, forEachDiagnostic: inPathOrder(diagnostics),
            software: software, scannedSources: scannedSources)
    }

    /// A walk of `diagnostics` in path order, recording order within a path, as a store hands them over: a path's
    /// diagnostics are then next to each other, as `analyze(...forEachDiagnostic:...)` needs them.
    static func inPathOrder(_ diagnostics: [Diagnostic]) -> (_ body: (Diagnostic) -> Void) -> Void {
        let byPath = diagnostics.enumerated().sorted { ($0.element.path, $0.offset) < ($1.element.path, $1.offset) }
        return { body in for (_, diagnostic) in byPath { body(diagnostic) } }
    }

    /// `analyze(...)` with the diagnostics walked, never held: `forEachDiagnostic` hands them over in path order
    /// (the store's `forEachDiagnostic`), so a file's diagnostics come together and files are counted as they pass.
    public static func analyze<Failure: Error>(
        scan: ScanRecord, sources: [String: Int], unknownAlgorithms unknown: [String: Int],
        forEachDiagnostic: ((Diagnostic) -> Void) throws(Failure) -> Void, software: [Software],
        scannedSources: [String]?
    ) throws(Failure) -> AssessmentCoverage {
        var gaps: [AssessmentCoverage.Gap] = []
        if scan.status != .complete {
            gaps.append(
                .init(
                    kind: "scan", subject: "scan \(scan.id)",
                    reason: "the scan is incomplete (interrupted): files it did not reach were not evaluated"))
        }
        var files = FileGaps(listed: listedFileGaps)
        try forEachDiagnostic { diagnostic in files.add(diagnostic) }
        files.finish()
        gaps += files.kept
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
            filesWithFindings: scan.counts.filesWithFindings, filesSkipped: files.skipped,
            filesUnparsable: files.unparsable, sources: sources, gaps: gaps.sorted(), gapsLeftOut: files.leftOut)
    }

    /// The `file` gaps of diagnostics handed over in path order: files skipped and not parsed counted as their
    /// paths change, and the first `listed` gaps in `Gap`'s order kept, in a buffer of at most twice that.
    struct FileGaps {
        let listed: Int
        private(set) var kept: [AssessmentCoverage.Gap] = []
        private(set) var skipped = 0
        private(set) var unparsable = 0
        private(set) var leftOut = 0
        private var path: ScanPath?
        private var pathSkipped = false
        private var pathUnparsable = false

        init(listed: Int) {
            self.listed = listed
        }

        mutating func add(_ diagnostic: Diagnostic) {
            if diagnostic.path != path {
                count()
                path = diagnostic.path
            }
            let subject = diagnostic.path.display
            if skippedReasons.contains(diagnostic.reason) {
                pathSkipped = true
                keep(
                    .init(
                        kind: "file", subject: subject,
                        reason: "skipped (\(diagnostic.reason.rawValue)): \(diagnostic.detail)"))
            } else {
                pathUnparsable = true
                keep(
                    .init(
                        kind: "file", subject: subject,
                        reason: "not parsed (\(diagnostic.reason.rawValue)): \(diagnostic.detail)"))
            }
        }

        mutating func finish() {
            count()
            trim()
        }

        private mutating func count() {
            if pathSkipped { skipped += 1 }
            if pathUnparsable { unparsable += 1 }
            pathSkipped = false
            pathUnparsable = false
        }

        private mutating func keep(_ gap: AssessmentCoverage.Gap) {
            kept.append(gap)
            if kept.count >= 2 * max(listed, 1) { trim() }
        }

        /// Keeps the first `listed` by a stable sort: gaps of one subject stay in the order they came, as the sort
        /// of every gap would leave them.
        private mutating func trim() {
            guard kept.count > listed else { return }
            let ordered = kept.enumerated().sorted { ($0.element, $0.offset) < ($1.element, $1.offset) }
            leftOut += kept.count - listed
            kept = ordered.prefix(listed).map(\.element)
        }
    }
}
