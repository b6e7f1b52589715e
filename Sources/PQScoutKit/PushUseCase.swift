import Foundation
import PQModel
import PQStore

/// What `pqscout push` copies: scans of one store (an air-gapped host's SQLite file) into another (the fleet's
/// PostgreSQL database, or any store).
public struct PushRequest: Sendable {
    /// The store to read: a file, or a URL.
    public var sourcePath: String
    /// The store to write (`--db`).
    public var targetPath: String
    /// The scans to copy; nil copies every complete scan.
    public var scanIDs: [Int64]?

    public init(sourcePath: String, targetPath: String, scanIDs: [Int64]? = nil) {
        self.sourcePath = sourcePath
        self.targetPath = targetPath
        self.scanIDs = scanIDs
    }
}

/// What a push did, scan by scan.
public struct PushOutcome: Sendable {
    /// A scan copied: its id in the source and its new id in the target.
    public struct Copied: Sendable, Hashable {
        public let sourceID: Int64
        public let targetID: Int64
        public let host: String
        public let findings: Int
    }

    /// A scan already in the target (same host, start time, roots and kind): not copied again.
    public struct AlreadyThere: Sendable, Hashable {
        public let sourceID: Int64
        public let targetID: Int64
        public let host: String
    }

    public var copied: [Copied] = []
    public var alreadyThere: [AlreadyThere] = []
    /// Incomplete scans left behind when copying every scan.
    public var incomplete: [Int64] = []
}

/// `pqscout push`: copies complete scans with every row they own — files, findings, assets, diagnostics, software,
/// aliases and assessments — into another store, under new ids.
///
/// Idempotent: a scan the target already holds complete (same host, start time to the millisecond, roots and kind)
/// is reported and skipped, so pushing the same file twice, or after a failure, copies each scan once. A scan is
/// written as the target's own scans are (batches, then finished last), so one that fails half-way is left
/// incomplete and is deleted before the error is reported.
public enum PushUseCase {
    /// Findings per batch: one transaction each, bounded memory for any size of scan.
    static let findingsPerBatch = 10_000

    public static func run(_ request: PushRequest) throws(PQScoutError) -> PushOutcome {
        let source = try StoreAccess.open(request.sourcePath, create: false)
        let target = try StoreAccess.open(request.targetPath, create: true)
        let sourceScans = try StoreAccess.perform(request.sourcePath) { try source.scans() }
        var chosen: [ScanRecord]
        var outcome = PushOutcome()
        if let ids = request.scanIDs {
            chosen = []
            for id in ids {
                guard let scan = sourceScans.first(where: { $0.id == id }) else {
                    throw PQScoutError(
                        code: "push.no-scan", kind: .usage,
                        reason: "there is no scan \(id) in \(StoreAccess.label(request.sourcePath)); `pqscout scans "
                            + "--db \(StoreAccess.label(request.sourcePath))` lists them")
                }
                guard scan.status == .complete else {
                    throw PQScoutError(
                        code: "push.incomplete", kind: .usage,
                        reason: "scan \(id) in \(StoreAccess.label(request.sourcePath)) is incomplete; only complete "
                            + "scans are pushed")
                }
                chosen.append(scan)
            }
        } else {
            chosen = sourceScans.filter { $0.status == .complete }
            outcome.incomplete = sourceScans.filter { $0.status != .complete }.map(\.id)
        }
        let targetScans = try StoreAccess.perform(request.targetPath) { try target.scans() }
        for scan in chosen {
            if let existing = targetScans.first(where: { isSameScan($0, scan) }) {
                outcome.alreadyThere.append(.init(sourceID: scan.id, targetID: existing.id, host: scan.host))
                continue
            }
            let newID = try StoreAccess.perform(request.targetPath) { try copy(scan, from: source, to: target) }
            outcome.copied.append(
                .init(sourceID: scan.id, targetID: newID, host: scan.host, findings: scan.counts.findings))
        }
        return outcome
    }

    /// The same scan of the same host: the identity a pushed scan keeps (its id changes).
    static func isSameScan(_ stored: ScanRecord, _ scan: ScanRecord) -> Bool {
        stored.status == .complete && stored.host == scan.host && stored.kind == scan.kind
            && stored.roots == scan.roots
            && Int64((stored.startedAt.timeIntervalSince1970 * 1000).rounded(.down))
                == Int64((scan.startedAt.timeIntervalSince1970 * 1000).rounded(.down))
    }

    /// Copies one scan and returns its id in the target; a failure deletes the partial copy.
    private static func copy(_ scan: ScanRecord, from source: InventoryStore, to target: InventoryStore) throws
        -> Int64
    {
        let id = try target.beginScan(
            roots: scan.roots, host: scan.host, toolVersion: scan.toolVersion, startedAt: scan.startedAt,
            kind: scan.kind)
        do {
            // Assets and files first, a page at a time: every finding of a later batch then finds its file and
            // asset recorded.
            try source.forEachFilePage(scanID: scan.id) { files in
                try target.record(scanID: id, batch: ScanBatch(files: files, output: ScanOutput()))
            }
            try source.forEachAssetPage(scanID: scan.id) { assets in
                try target.record(scanID: id, batch: ScanBatch(output: ScanOutput(assets: assets)))
            }
            // Findings, then diagnostics (in their order, which the copy's numbering keeps), from their cursors:
            // each full batch recorded as it fills, the rest with the scan's last batch.
            func inBatches<Row>(
                _ rows: WritableKeyPath<ScanOutput, [Row]>, _ walk: ((Row) throws -> Void) throws -> Void
            )
                throws -> [Row]
            {
                var output = ScanOutput()
                output[keyPath: rows].reserveCapacity(findingsPerBatch)
                try walk { row in
                    output[keyPath: rows].append(row)
                    if output[keyPath: rows].count == findingsPerBatch {
                        try target.record(scanID: id, batch: ScanBatch(output: output))
                        output[keyPath: rows].removeAll(keepingCapacity: true)
                    }
                }
                return output[keyPath: rows]
            }
            let findings = try inBatches(\.findings) { try source.forEachFinding(FindingQuery(scanID: scan.id), $0) }
            let diagnostics = try inBatches(\.diagnostics) { try source.forEachDiagnostic(scanID: scan.id, $0) }
            try target.record(
                scanID: id,
                batch: ScanBatch(
                    output: ScanOutput(
                        findings: findings, diagnostics: diagnostics, software: try source.software(scanID: scan.id)),
                    aliases: try source.aliases(scanID: scan.id)))
            // Each assessment's judged findings and systems are walked across, never held: a large scan's are
            // millions of rows.
            for assessment in try source.assessmentHeaders(scanID: scan.id) {
                try target.recordAssessment(copying: assessment, from: source, scanID: id)
            }
            // Last: until now the copy reads as incomplete, and a later push would not take it for this scan.
            try target.finishScan(
                scanID: id, finishedAt: scan.finishedAt ?? scan.startedAt, counts: scan.counts, complete: true)
            return id
        } catch {
            _ = try? target.deleteScan(id: id)
            throw error
        }
    }
}
