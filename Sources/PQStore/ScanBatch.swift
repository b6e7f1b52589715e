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
    /// Rows an earlier scan recorded for files this batch did not scan again (a rescan, issue 20): the store copies
    /// them under this scan, in SQL, numbered where a full scan would have written them among the batch's own rows.
    public var reused: ReusedRows?

    public init(files: [FileRecord] = [], output: ScanOutput = ScanOutput(), aliases: [PathAlias] = []) {
        self.files = files
        self.output = output
        self.aliases = aliases
    }
}

/// What a batch copies from an earlier scan of the same tree for the files it reuses (`ScanBatch.reused`).
///
/// The copy gives the running scan exactly the rows a full scan would write: the reused files' file rows (a path
/// this scan already recorded keeps its row, as in a full scan), links to their assets (which the store already
/// holds), and their findings, diagnostics and software, each a span of the earlier scan's ordinals placed at an
/// index of the batch's own rows, so ordinals run in the walk's order as a full scan numbers them.
public struct ReusedRows: Sendable, Hashable {
    /// The earlier scan, complete, whose rows are copied.
    public var scanID: Int64
    /// Paths whose file rows are copied, in the walk's order.
    public var files: [ScanPath] = []
    /// Reused files whose metadata moved while their content did not: their rows are copied, then given these
    /// records' size, modification time and digest.
    public var refreshed: [FileRecord] = []
    /// Assets the reused files' rows name or record; linked to this scan.
    public var assets: [String] = []
    public var findings: [Span] = []
    public var diagnostics: [Span] = []
    public var software: [Span] = []

    public init(scanID: Int64) {
        self.scanID = scanID
    }

    public var isEmpty: Bool {
        files.isEmpty && assets.isEmpty && findings.isEmpty && diagnostics.isEmpty && software.isEmpty
    }

    /// `count` rows of the earlier scan from ordinal `first` on, to be numbered before the batch's own row `at`
    /// (`at` equal to the number of own rows: after all of them).
    public struct Span: Sendable, Hashable {
        public var at: Int
        public var first: Int64
        public var count: Int64

        public init(at: Int, first: Int64, count: Int64) {
            self.at = at
            self.first = first
            self.count = count
        }
    }
}

/// Numbers a batch's own rows of one table and the spans it copies, in the order a full scan numbers them: call
/// `ordinal(at:)` for the own rows 0, 1, 2, ..., then `copies()`.
struct OrdinalPlan {
    /// One copy: `count` rows from the earlier scan's ordinal `first` on, numbered from `target` on.
    struct Copy: Equatable {
        var first: Int64
        var count: Int64
        var target: Int64
    }

    private var spans: ArraySlice<ReusedRows.Span>
    private var next: Int64
    private var planned: [Copy] = []

    init(first: Int64, spans: [ReusedRows.Span]) {
        self.next = first
        self.spans = spans[...]
    }

    /// The ordinal of the batch's own row `index`.
    mutating func ordinal(at index: Int) -> Int64 {
        place(before: index)
        defer { next += 1 }
        return next
    }

    /// Every copy, the spans after the last own row placed; spans that continue each other in both scans (reused
    /// files side by side, the common case) merged into one, so a batch of unchanged files is one statement.
    mutating func copies() -> [Copy] {
        place(before: Int.max)
        return planned
    }

    private mutating func place(before index: Int) {
        while let span = spans.first, span.at <= index {
            spans = spans.dropFirst()
            guard span.count > 0 else { continue }
            if let last = planned.last, last.first + last.count == span.first, last.target + last.count == next {
                planned[planned.count - 1].count += span.count
            } else {
                planned.append(Copy(first: span.first, count: span.count, target: next))
            }
            next += span.count
        }
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
