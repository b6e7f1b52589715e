import Foundation
import PQModel

/// What `InventoryStore.record(scanID:batch:)` writes in one transaction: the files examined and what they yielded.
///
/// A scan is written as a sequence of batches so a scan killed half-way keeps every batch it committed. Every
/// finding's path must have a `FileRecord`, in this batch or an earlier batch of the same scan; diagnostics and
/// software records carry their own paths (a skipped file has no hash).
public struct ScanBatch: Sendable, Hashable {
    public var files: [FileRecord]
    public var output: ScanOutput
    /// Links inside the tree recorded as aliases of their targets (Docs/store.md, `path_aliases`).
    public var aliases: [PathAlias]

    public init(files: [FileRecord] = [], output: ScanOutput = ScanOutput(), aliases: [PathAlias] = []) {
        self.files = files
        self.output = output
        self.aliases = aliases
    }
}

/// One regular file a scan examined, as the store keeps it.
public struct FileRecord: Sendable, Hashable {
    /// Path relative to the scan root, as raw bytes (stored as a BLOB and as its escaped display text).
    public var path: ScanPath
    public var size: Int64
    /// Modification time; the store keeps it to the millisecond.
    public var modified: Date
    /// SHA-256 of the content, 64 hex digits (FIPS 180-4); `noDigest` for a file that holds secrets (a WireGuard
    /// or swanctl config, ipsec.secrets, a private key), whose digest would let guesses of a weak secret be tested.
    public var sha256: String

    /// 64 zeros: no digest kept. The schema's CHECK wants 64 hex digits, and no file has this SHA-256.
    public static let noDigest = String(repeating: "0", count: 64)

    public init(path: ScanPath, size: Int64, modified: Date, sha256: String) {
        self.path = path
        self.size = size
        self.modified = modified
        self.sha256 = sha256
    }
}

/// Which findings of one scan `InventoryStore.findings(_:)` returns. Every filter left nil matches everything.
public struct FindingQuery: Sendable, Hashable {
    public var scanID: Int64
    public var usage: Usage?
    public var status: QuantumStatus?
    /// Only findings whose path matches (`PathPattern`, over the escaped display path).
    public var pathPattern: PathPattern?
    public var source: FindingSource?

    public init(
        scanID: Int64, usage: Usage? = nil, status: QuantumStatus? = nil, pathPattern: PathPattern? = nil,
        source: FindingSource? = nil
    ) {
        self.scanID = scanID
        self.usage = usage
        self.status = status
        self.pathPattern = pathPattern
        self.source = source
    }
}

extension ScanBatch {
    /// The asset ids findings name that this batch does not record itself, each once, in the findings' order: the
    /// names a backend must find recorded by an earlier batch (or refuse) and link to the scan.
    var assetsNamedElsewhere: [String] {
        let inBatch = Set(output.assets.map(\.id))
        var named: [String] = []
        var seen: Set<String> = []
        for finding in output.findings {
            if let id = finding.asset, !inBatch.contains(id), seen.insert(id).inserted { named.append(id) }
        }
        return named
    }
}
