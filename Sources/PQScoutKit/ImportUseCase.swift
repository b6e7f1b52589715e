import Foundation
import PQModel
import PQReports
import PQScanners
import PQStore

/// What `pqscout import` reads and where it records it.
public struct ImportRequest: Sendable {
    /// A CycloneDX 1.6 or 1.7 JSON document (`.cdx.json`).
    public var file: String
    public var storePath: String
    /// Recorded as the scan's host; defaults to `imported`.
    public var host: String?
    /// Rows recorded per batch (each batch is one transaction of the store).
    public var batchRows = CBOMImporter.batchRows

    public init(file: String, storePath: String = "pqscout.db", host: String? = nil) {
        self.file = file
        self.storePath = storePath
        self.host = host
    }
}

/// `pqscout import`: a CBOM made by another tool (or by PQScout) recorded as a scan of its own, so it can be
/// listed, reported, assessed and compared like any scan.
///
/// The scan's root is the CBOM's file path; each path an occurrence names is recorded as a file of the scan
/// with size 0 and the SHA-256 of the CBOM itself (the store needs a hash, and the CBOM is what was read).
public enum ImportUseCase {
    public static func run(_ request: ImportRequest) throws(PQScoutError) -> ScanRecord {
        let url = URL(fileURLWithPath: request.file)
        let (document, hash) = try open(request.file)
        let store = try StoreAccess.open(request.storePath, create: true)
        let now = Date()
        return try StoreAccess.perform(request.storePath) {
            let scanID = try store.beginScan(
                roots: [request.file], host: request.host ?? "imported", toolVersion: ToolInfo.version, startedAt: now,
                kind: .import)
            do {
                // Batch by batch, as a scan records (issue 20), from the file read again in pieces: no part of the
                // import holds the whole document.
                try CBOMImporter.read(
                    document, fallbackPath: ScanPath(url.lastPathComponent), batchRows: request.batchRows
                ) { batch in
                    try store.record(
                        scanID: scanID,
                        batch: ScanBatch(
                            files: files(of: batch.findings, modified: now, sha256: hash),
                            output: ScanOutput(
                                findings: batch.findings, assets: batch.assets, diagnostics: batch.diagnostics)))
                }
            } catch {
                try? store.finishScan(scanID: scanID, finishedAt: Date(), counts: ScanCounts(), complete: false)
                throw PQScoutError(
                    code: "import.refused", kind: .input,
                    reason: "\(request.file): the store refused the imported inventory: \(PQScoutError.describe(error))"
                )
            }
            // The store counts each path once, however many batches named it: the files the import "examined".
            let counts = try store.counts(scanID: scanID)
            try store.finishScan(scanID: scanID, finishedAt: Date(), counts: counts, complete: true)
            guard let record = try store.scan(id: scanID) else {
                throw PQScoutError(code: "store.lost-scan", kind: .input, reason: "scan \(scanID) vanished")
            }
            return record
        }
    }

    /// The document checked, and the SHA-256 of its bytes, both from one read of the file in pieces.
    private static func open(_ file: String) throws(PQScoutError) -> (CBOMDocument, String) {
        let hash = Digest.Stream()
        let document = try CBOMFile.open(
            file, limit: CBOMImporter.maxStreamedBytes,
            codes: CBOMFile.Codes(
                tooLarge: "import.too-large", unreadable: "import.unreadable", notCBOM: "import.not-cbom"),
            eachChunk: hash.update)
        return (document, hash.finish())
    }

    /// A file record for each path the findings name, once: a batch's files. A path an earlier batch recorded is
    /// recorded again and keeps its first row (the store's rule for a file several batches reach).
    private static func files(of findings: [Finding], modified: Date, sha256: String) -> [FileRecord] {
        var seen = Set<ScanPath>()
        return findings.compactMap { finding in
            guard seen.insert(finding.path).inserted else { return nil }
            return FileRecord(path: finding.path, size: 0, modified: modified, sha256: sha256)
        }
    }
}
