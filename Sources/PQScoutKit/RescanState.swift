import Foundation
import PQModel
import PQScanners
import PQStore

/// What a scan leaves for the next scan of the same roots with the same settings (issue 20, "Rescans skip unchanged
/// files"): per walked file, its identity (`FileIdentity`), the SHA-256 of its content, what its scanners asked of
/// the rest of the tree (`TreeReads`, each path with the identity it had) and where its results lie among that scan's
/// rows (`RescanRows`): a reused file's rows are copied in the store, never decoded (Docs/store.md).
///
/// A rescan reuses a file's results only when the file is unchanged (same identity, or, when only its metadata
/// moved, the same content digest) and every file and listing its scanners looked at answers as before. Anything
/// else that can change a result is in the scan's fingerprint (`RescanFingerprint`), and a different fingerprint
/// reuses nothing.
///
/// The state is stored as a header (`InventoryStore.saveRescanState`) and parts written with the batches
/// (`saveRescanStatePart`); the layout is private to this file and named by `format`. A header that does not decode
/// is ignored (the rescan is then a full scan), and a part that does not decode ends the reuse at that part.
struct RescanEntry {
    /// The walked file's scanner-side name (label, then the path relative to the system root).
    var path: ScanPath
    var identity: FileIdentity
    /// SHA-256 (hex) of the content; nil for a file that holds secrets (no digest is stored for those, issue 21) or
    /// whose content was never read whole. Such a file is reused only while its identity is unchanged.
    var digest: String?
    /// The files its scanners read, each as `WalkedTree.file(at:)` resolved it then (nil: no such file).
    var reads: [ReadFile]
    var listings: [TreeReads.Listing]
    /// Where its results lie among the scan's rows.
    var rows: RescanRows

    struct ReadFile: Equatable {
        var path: ScanPath
        var resolved: ScanPath?
        var identity: FileIdentity?
    }
}

/// Where one file's results lie among the rows of the scan that made them: the file rows it recorded (its own and
/// those of included files its findings point at, by reported path), the assets it recorded or named, and a run
/// of ordinals in each of findings, diagnostics and software. A file's rows are contiguous in each table: a scan
/// writes each file's results together, in the walk's order.
struct RescanRows: Equatable {
    var files: [ScanPath] = []
    var assets: [String] = []
    var findings = Run()
    var diagnostics = Run()
    var software = Run()

    struct Run: Equatable {
        var first: Int64 = 0
        var count: Int64 = 0
    }
}

/// A previous scan's entries, read part by part in the order that scan walked its files, as this scan walks its
/// own: only a window of entries is in memory, never the whole state (50,000 files' state was 64 MiB and more).
///
/// An unchanged tree walks in the same order, so each file's entry is the next one; a file added since is found in
/// no entry, and entries of files deleted since are passed over. A file whose entry lies further ahead than the
/// window (a rename across the tree) is simply scanned again: the window bounds memory, not correctness.
final class PreviousRescanState {
    struct Entry {
        var identity: FileIdentity
        var digest: String?
        var reads: [RescanEntry.ReadFile]
        var listings: [TreeReads.Listing]
        var rows: RescanRows
    }

    /// How far ahead a file's entry is looked for.
    static let window = 8192

    let scanID: Int64
    /// The walk's signature and the entries and parts that scan stored.
    let header: RescanCodec.Header
    /// `RescanCodec.walkSignature` of that scan's walk.
    var walk: String { header.walk }
    private let readPart: (Int) throws(PQScoutError) -> [UInt8]?
    private var nextPart = 0
    private var exhausted = false
    /// Entries read and not yet passed, from `head` on; `position` finds them by path.
    private var buffer: [(path: ScanPath, entry: Entry)] = []
    private var head = 0
    private var position: [ScanPath: Int] = [:]

    /// Nil for a state this build cannot read (another format, a damaged header).
    init?(
        scanID: Int64, format: Int, state: [UInt8], readPart: @escaping (Int) throws(PQScoutError) -> [UInt8]?
    ) {
        guard format == RescanCodec.format, let header = RescanCodec.decodeHeader(state) else { return nil }
        self.scanID = scanID
        self.header = header
        self.readPart = readPart
    }

    /// The entries of these files, in order (nil: none kept, or not within the window); call with the files of
    /// the walk in the walk's order, batch after batch.
    func entries(for paths: [ScanPath]) throws(PQScoutError) -> [Entry?] {
        var found: [Entry?] = []
        found.reserveCapacity(paths.count)
        for path in paths {
            try fill()
            guard let index = position[path] else {
                found.append(nil)
                continue
            }
            found.append(buffer[index].entry)
            // The entries before it are files this walk did not meet where that one did: deleted, or moved.
            for passed in head...index { position[buffer[passed].path] = nil }
            head = index + 1
        }
        if head > Self.window {
            buffer.removeFirst(head)
            head = 0
            position = Dictionary(
                buffer.enumerated().map { ($0.element.path, $0.offset) }, uniquingKeysWith: { first, _ in first })
        }
        return found
    }

    /// Reads parts until a window of entries lies ahead, or none is left. A part that does not decode ends the
    /// reading: the files after it are scanned again.
    private func fill() throws(PQScoutError) {
        while buffer.count - head < Self.window, !exhausted {
            guard nextPart < header.parts, let bytes = try readPart(nextPart),
                let entries = RescanCodec.decodeEntries(bytes[...])
            else {
                exhausted = true
                return
            }
            nextPart += 1
            for (path, entry) in entries where position[path] == nil {
                position[path] = buffer.count
                buffer.append((path, entry))
            }
        }
    }
}

/// The layout (format 4). The header, kept in `rescan_states`: "PQRS", the walk's signature, the number of entries
/// and of parts. Each part (`rescan_state_parts`, one per batch of files) is one entry after another, each its path,
/// identity, digest, reads, listings and rows (`RescanRows`). Integers are little-endian (64-bit); byte strings
/// carry a 64-bit length.
enum RescanCodec {
    /// 4: where a file's results lie among the scan's rows, instead of the results themselves (3 kept them encoded,
    /// and its 64 MiB cap left 29,000 of the 50k benchmark tree's files out; 2 kept the entries in the one blob; 1
    /// had the results as JSON).
    static let format = 4
    static let magic: [UInt8] = Array("PQRS".utf8)
    /// The most a state holds on disk; the files past it are left out and scanned again next time. An entry is a
    /// few hundred bytes whatever the file's results (the 50k benchmark tree's state is under 20 MB), so only a
    /// tree of millions of files meets this.
    static let maximumStateBytes = 1024 * 1024 * 1024
    /// What `rescan_states` keeps of a state: the signature of what the walk itself recorded, and how many entries
    /// and parts the scan stored.
    struct Header: Equatable {
        var walk: String
        var entries: Int
        var parts: Int
    }

    static func encode(_ header: Header) -> [UInt8] {
        var out = magic
        put(Array(header.walk.utf8), &out)
        put(UInt64(header.entries), &out)
        put(UInt64(header.parts), &out)
        return out
    }

    static func decodeHeader(_ bytes: [UInt8]) -> Header? {
        var reader = Reader(rest: bytes[...])
        guard reader.take(magic.count).map(Array.init) == magic, let walk = reader.bytes(),
            let entries = reader.integer(), let parts = reader.integer(), reader.atEnd,
            entries <= UInt64(Int.max), parts <= UInt64(Int.max)
        else { return nil }
        return Header(walk: String(decoding: walk, as: UTF8.self), entries: Int(entries), parts: Int(parts))
    }

    /// A digest of what a scan records from its walk rather than from its files (walk and package diagnostics,
    /// installed software, aliases): a scan in which no file changed copies the earlier scan's rows only when this
    /// is the same too.
    static func walkSignature(diagnostics: [Diagnostic], software: [Software], aliases: [PathAlias]) -> String {
        Digest.sha256Hex(Array("\(diagnostics)\u{0}\(software)\u{0}\(aliases)".utf8))
    }

    /// The entry, framed for appending to a state.
    static func encode(_ entry: RescanEntry) -> [UInt8] {
        var body: [UInt8] = []
        put(entry.path.bytes, &body)
        put(entry.identity, &body)
        put(Array((entry.digest ?? "").utf8), &body)
        put(UInt64(entry.reads.count), &body)
        for read in entry.reads {
            put(read.path.bytes, &body)
            body.append(read.resolved == nil ? 0 : 1)
            put(read.resolved?.bytes ?? [], &body)
            body.append(read.identity == nil ? 0 : 1)
            put(read.identity ?? FileIdentity(device: 0, inode: 0, size: 0, modifiedNanos: 0, changedNanos: 0), &body)
        }
        put(UInt64(entry.listings.count), &body)
        for listing in entry.listings {
            put(Array(listing.pattern.utf8), &body)
            put(UInt64(listing.matches.count), &body)
            for match in listing.matches { put(match.bytes, &body) }
        }
        let rows = entry.rows
        put(UInt64(rows.files.count), &body)
        for file in rows.files { put(file.bytes, &body) }
        put(UInt64(rows.assets.count), &body)
        for asset in rows.assets { put(Array(asset.utf8), &body) }
        for run in [rows.findings, rows.diagnostics, rows.software] {
            put(UInt64(bitPattern: run.first), &body)
            put(UInt64(bitPattern: run.count), &body)
        }
        var framed: [UInt8] = []
        framed.reserveCapacity(body.count + 8)
        put(body, &framed)
        return framed
    }

    /// One part's entries in order; nil when the part is damaged.
    static func decodeEntries(_ bytes: ArraySlice<UInt8>) -> [(ScanPath, PreviousRescanState.Entry)]? {
        var reader = Reader(rest: bytes)
        var entries: [(ScanPath, PreviousRescanState.Entry)] = []
        while !reader.atEnd {
            guard let body = reader.bytes() else { return nil }
            var entry = Reader(rest: body)
            guard let path = entry.bytes(), let identity = entry.identity(), let digest = entry.bytes(),
                let readCount = entry.integer()
            else { return nil }
            var reads: [RescanEntry.ReadFile] = []
            for _ in 0..<min(readCount, UInt64(body.count)) {
                guard let readPath = entry.bytes(), let hasResolved = entry.byte(), let resolved = entry.bytes(),
                    let hasIdentity = entry.byte(), let readIdentity = entry.identity()
                else { return nil }
                reads.append(
                    RescanEntry.ReadFile(
                        path: ScanPath(bytes: Array(readPath)),
                        resolved: hasResolved == 1 ? ScanPath(bytes: Array(resolved)) : nil,
                        identity: hasIdentity == 1 ? readIdentity : nil))
            }
            guard let listingCount = entry.integer() else { return nil }
            var listings: [TreeReads.Listing] = []
            for _ in 0..<min(listingCount, UInt64(body.count)) {
                guard let pattern = entry.bytes(), let matchCount = entry.integer() else { return nil }
                var matches: [ScanPath] = []
                for _ in 0..<min(matchCount, UInt64(body.count)) {
                    guard let match = entry.bytes() else { return nil }
                    matches.append(ScanPath(bytes: Array(match)))
                }
                listings.append(TreeReads.Listing(pattern: String(decoding: pattern, as: UTF8.self), matches: matches))
            }
            var rows = RescanRows()
            guard let fileCount = entry.integer() else { return nil }
            for _ in 0..<min(fileCount, UInt64(body.count)) {
                guard let file = entry.bytes() else { return nil }
                rows.files.append(ScanPath(bytes: Array(file)))
            }
            guard let assetCount = entry.integer() else { return nil }
            for _ in 0..<min(assetCount, UInt64(body.count)) {
                guard let asset = entry.bytes() else { return nil }
                rows.assets.append(String(decoding: asset, as: UTF8.self))
            }
            var runs: [RescanRows.Run] = []
            for _ in 0..<3 {
                guard let first = entry.integer(), let count = entry.integer(), first <= UInt64(Int64.max),
                    count <= UInt64(Int64.max) - first
                else { return nil }
                runs.append(RescanRows.Run(first: Int64(first), count: Int64(count)))
            }
            rows.findings = runs[0]
            rows.diagnostics = runs[1]
            rows.software = runs[2]
            guard entry.atEnd else { return nil }
            entries.append(
                (
                    ScanPath(bytes: Array(path)),
                    PreviousRescanState.Entry(
                        identity: identity, digest: digest.isEmpty ? nil : String(decoding: digest, as: UTF8.self),
                        reads: reads, listings: listings, rows: rows)
                ))
        }
        return entries
    }

    // MARK: - Layout

    static func put(_ value: UInt64, _ out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }

    private static func put(_ bytes: [UInt8], _ out: inout [UInt8]) {
        put(UInt64(bytes.count), &out)
        out.append(contentsOf: bytes)
    }

    private static func put(_ identity: FileIdentity, _ out: inout [UInt8]) {
        put(identity.device, &out)
        put(identity.inode, &out)
        put(UInt64(bitPattern: identity.size), &out)
        put(UInt64(bitPattern: identity.modifiedNanos), &out)
        put(UInt64(bitPattern: identity.changedNanos), &out)
    }

    /// Reads the layout back; every read checks the bounds, so a damaged blob decodes to nil, never a trap.
    private struct Reader {
        var rest: ArraySlice<UInt8>

        var atEnd: Bool { rest.isEmpty }

        mutating func take(_ count: Int) -> ArraySlice<UInt8>? {
            guard count >= 0, rest.count >= count else { return nil }
            let taken = rest.prefix(count)
            rest = rest.dropFirst(count)
            return taken
        }

        mutating func byte() -> UInt8? { take(1)?.first }

        mutating func integer() -> UInt64? {
            guard let raw = take(8) else { return nil }
            var value: UInt64 = 0
            for (shift, byte) in raw.enumerated() { value |= UInt64(byte) << (8 * UInt64(shift)) }
            return value
        }

        mutating func bytes() -> ArraySlice<UInt8>? {
            guard let count = integer(), count <= UInt64(rest.count) else { return nil }
            return take(Int(count))
        }

        mutating func identity() -> FileIdentity? {
            guard let device = integer(), let inode = integer(), let size = integer(), let modified = integer(),
                let changed = integer()
            else { return nil }
            return FileIdentity(
                device: device, inode: inode, size: Int64(bitPattern: size), modifiedNanos: Int64(bitPattern: modified),
                changedNanos: Int64(bitPattern: changed))
        }
    }
}
