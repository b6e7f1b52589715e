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
        let data: Data
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: request.file)
            if let size = attributes[.size] as? NSNumber, size.intValue > CBOMImporter.maxBytes {
                throw PQScoutError(
                    code: "import.too-large", kind: .input,
                    reason: "\(request.file) is larger than \(CBOMImporter.maxBytes) bytes")
            }
            data = try Data(contentsOf: url)
        } catch let error as PQScoutError {
            throw error
        } catch {
            throw PQScoutError(
                code: "import.unreadable", kind: .input,
                reason: "cannot read \(request.file): \(PQScoutError.describe(error))")
        }
        let imported: ImportedInventory
        do {
            imported = try CBOMImporter.parse(data, fallbackPath: ScanPath(url.lastPathComponent))
        } catch {
            throw PQScoutError(code: "import.not-cbom", kind: .input, reason: "\(request.file): \(error.reason)")
        }
        let store = try StoreAccess.open(request.storePath, create: true)
        let hash = Digest.sha256Hex(Array(data))
        let now = Date()
        let files = imported.paths.map { FileRecord(path: $0, size: 0, modified: now, sha256: hash) }
        return try StoreAccess.perform(request.storePath) {
            let scanID = try store.beginScan(
                roots: [request.file], host: request.host ?? "imported", toolVersion: ToolInfo.version, startedAt: now,
                kind: .import)
            do {
                try store.record(
                    scanID: scanID,
                    batch: ScanBatch(
                        files: files,
                        output: ScanOutput(
                            findings: imported.findings, assets: imported.assets, diagnostics: imported.diagnostics)))
            } catch {
                try? store.finishScan(scanID: scanID, finishedAt: Date(), counts: ScanCounts(), complete: false)
                throw PQScoutError(
                    code: "import.refused", kind: .input,
                    reason: "\(request.file): the store refused the imported inventory: \(PQScoutError.describe(error))"
                )
            }
            var counts = try store.counts(scanID: scanID)
            counts.filesExamined = files.count
            try store.finishScan(scanID: scanID, finishedAt: Date(), counts: counts, complete: true)
            guard let record = try store.scan(id: scanID) else {
                throw PQScoutError(code: "store.lost-scan", kind: .input, reason: "scan \(scanID) vanished")
            }
            return record
        }
    }
}
