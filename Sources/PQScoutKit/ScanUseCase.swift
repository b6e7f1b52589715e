import Dispatch
import Foundation
import PQCatalog
import PQModel
import PQScanners
import PQStore

/// What to scan and where to record it.
public struct ScanRequest: Sendable {
    public var roots: [String]
    public var storePath: String
    /// Files larger than this are skipped with a diagnostic. Values past `maximumFileSizeLimit` read as that limit
    /// (`--max-file-size 9223372036854775807` trapped on `maxFileSize + 1`).
    public var maxFileSize: Int64 {
        get { storedMaxFileSize }
        set { storedMaxFileSize = Self.bounded(newValue) }
    }
    private var storedMaxFileSize: Int64
    static func bounded(_ size: Int64) -> Int64 { min(max(size, 0), maximumFileSizeLimit) }
    /// Follow links that stay inside the root (links out of it are never followed).
    public var followLinks: Bool
    /// Path patterns to skip (`PathPattern`, Docs/user-guide.md).
    public var excludes: [String]
    /// Passwords tried on every protected format (PKCS#12, encrypted PKCS#8, legacy encrypted PEM, JKS) after the empty
    /// one; `ScanPasswords.gather` collects them from a file and the environment. Never stored.
    public var pkcs12Passwords: [String]
    /// The OpenSSH version to assume when the tree's package database names none ("9.6").
    public var opensshVersion: String?
    /// Recorded with the scan; defaults to this machine's host name.
    public var host: String?
    /// The target's OpenSSL version for TLS settings when the tree has no package database (Docs/tls.md).
    public var opensslVersion: String?
    /// What absolute paths in the scanned trees mean (Docs/user-guide.md, "Live host or image").
    public var system: SystemRootChoice = .automatic
    /// The local user for ssh_config `Match localuser` (`--local-user`); nil: the user running PQScout.
    public var localUser: String?
    /// Scan every file even where the latest scan of the same roots and settings could lend its results (`--full`).
    public var full = false

    public static let defaultMaxFileSize = WalkOptions.defaultMaxFileSize
    /// The largest `maxFileSize` honoured: 1 TiB, far past memory, far from `Int64.max`, so `+ 1` cannot overflow.
    public static let maximumFileSizeLimit: Int64 = 1 << 40

    public init(
        roots: [String], storePath: String = "pqscout.db", maxFileSize: Int64 = ScanRequest.defaultMaxFileSize,
        followLinks: Bool = true, excludes: [String] = [], pkcs12Passwords: [String] = [],
        opensshVersion: String? = nil, opensslVersion: String? = nil, host: String? = nil,
        system: SystemRootChoice = .automatic
    ) {
        self.system = system
        self.opensshVersion = opensshVersion
        self.roots = roots
        self.storePath = storePath
        self.storedMaxFileSize = Self.bounded(maxFileSize)
        self.followLinks = followLinks
        self.excludes = excludes
        self.pkcs12Passwords = pkcs12Passwords
        self.host = host
        self.opensslVersion = opensslVersion
    }

    var walk: WalkOptions { WalkOptions(maxFileSize: maxFileSize, followLinks: followLinks, excludes: excludes) }

    /// The system root a scan root belongs to: nil when the root is its own (an image or a copy).
    func systemRoot(for root: String) throws(PQScoutError) -> SystemRoot? {
        let path: String
        switch system {
        case .image: return nil
        case .path(let given): path = given
        case .automatic:
            // A tree holding etc/ or usr/ is a system of its own (an image, a container layer, a copy).
            let ownSystem = ["etc", "usr"].contains { name in
                var isDirectory: ObjCBool = false
                return FileManager.default.fileExists(atPath: root + "/" + name, isDirectory: &isDirectory)
                    && isDirectory.boolValue
            }
            if ownSystem { return nil }
            path = "/"
        }
        guard let opened = SystemRoot(path: path) else {
            throw PQScoutError(
                code: "scan.system-root-unreadable", kind: .input,
                reason: "cannot open the system root \(path): \(String(cString: strerror(errno)))")
        }
        // `--system-root` equal to the scanned directory is the image case.
        return opened.relative(ofHost: Array(root.utf8)) == [] ? nil : opened
    }

    var options: ScanOptions {
        ScanOptions(
            pkcs12Passwords: pkcs12Passwords, opensshVersion: opensshVersion, opensslVersion: opensslVersion,
            localUser: localUser)
    }
}

/// What absolute paths (in links and configs) of the scanned trees resolve against.
public enum SystemRootChoice: Sendable, Hashable {
    /// A tree holding `etc/` or `usr/` is its own system root (an image); any other path is part of the running
    /// system, whose root is `/`.
    case automatic
    /// Every scanned tree is its own system root (`--image`): nothing of the host is ever read.
    case image
    /// This directory is the system root (`--system-root DIR`); scanned trees must lie inside it.
    case path(String)
}

/// A finished scan: its record as stored, and how much of it an earlier scan lent.
public struct ScanOutcome: Sendable {
    public var record: ScanRecord
    /// Files whose results were taken from `reusedFrom` instead of being scanned again (issue 20).
    public var filesReused: Int
    /// The earlier scan whose results could be reused (nil: none had the same roots, settings, installed software
    /// and PQScout build, or `--full`).
    public var reusedFrom: Int64?
}

/// How far a running scan has got, for a progress line.
public struct ScanProgress: Sendable {
    public let filesDone: Int
    public let filesTotal: Int
    public let findings: Int
}

/// The use case `pqscout scan`: walk → scan (in parallel) → store, in batches, marked complete last.
public struct ScanUseCase: Sendable {
    public let registry: ScannerRegistry
    /// Files scanned between two store transactions. Two batches are held at once (one scanned while the other is
    /// written): 512 files keep the 50k benchmark tree's scan at about 140 MiB against 180 MiB for 1,024, in the
    /// same time (Docs/performance.md).
    public var batchSize = 512
    /// Whether SIGINT and SIGTERM during the scan mark it interrupted (incomplete, with a finish time) before the
    /// process exits. For the command line; a program embedding the kit keeps its own signal handling.
    public var handlesSignals = false
    /// CPU seconds one file's scan may take before it is reported (Docs/limits.md). Parsers cannot be stopped
    /// part-way, so the budget is a diagnostic naming the file, and the scan goes on.
    public var perFileCPUSeconds = 10.0
    /// Told things worth a line on stderr that are not errors: a wait for another writer's lock on the store.
    public var notice: (@Sendable (String) -> Void)?

    public init(registry: ScannerRegistry = .standard) {
        self.registry = registry
    }

    /// Runs a scan and returns its record as stored.
    /// - Throws: `PQScoutError` when a root cannot be read, the store lies inside a scanned tree, or the
    ///   store cannot be opened or written. A bad file inside a tree is a diagnostic, never a throw.
    public func run(_ request: ScanRequest, progress: (@Sendable (ScanProgress) -> Void)? = nil) throws(PQScoutError)
        -> ScanRecord
    {
        try scan(request, progress: progress).record
    }

    /// Runs a scan, reusing what the latest scan of the same roots and settings found in files that have not
    /// changed (unless `request.full`), and returns its record with how many files were reused.
    ///
    /// The record is complete either way: every file's findings, assets, diagnostics and software are written under
    /// the new scan, equal to what a full scan writes. A file's results are reused only when its identity (device,
    /// inode, size, mtime, ctime) is unchanged, or its content digest when only the metadata moved, and every file
    /// and listing its scanners read answers as it did (`RescanState.swift`); anything else they depend on is in
    /// the fingerprint (`RescanFingerprint`).
    /// - Throws: as `run`.
    public func scan(_ request: ScanRequest, progress: (@Sendable (ScanProgress) -> Void)? = nil) throws(PQScoutError)
        -> ScanOutcome
    {
        guard !request.roots.isEmpty else {
            throw PQScoutError(code: "scan.no-root", kind: .usage, reason: "name at least one path to scan")
        }
        // Roots are recorded absolute, so `plan` run from another directory finds the files (issue 21).
        let roots = try request.roots.map(Self.absoluteRoot)
        let storeInside = try StoreLocation.ensureOutside(roots: roots, storePath: request.storePath)
        var walkOptions = request.walk
        walkOptions.skipHostPaths = Set(storeInside.map { Array($0.utf8) })
        var systems: [SystemRoot?] = []
        for root in roots { systems.append(try request.systemRoot(for: root)) }
        let prepared = Self.prepareRoots(
            roots, systems: systems, walker: TreeWalker(options: walkOptions), maxFileSize: request.maxFileSize)
        var walks: [WalkResult] = []
        for root in prepared {
            switch root.walk {
            case .success(let result): walks.append(result)
            case .failure(let error):
                throw PQScoutError(code: "scan.root-unreadable", kind: .input, reason: error.description)
            }
        }
        let store = try StoreAccess.open(request.storePath, create: true)
        let started = Date()
        let scanID = try StoreAccess.perform(request.storePath) {
            try store.beginScan(
                roots: roots, host: request.host ?? Self.hostName(),
                toolVersion: ToolInfo.version, startedAt: started)
        }
        let interruption = handlesSignals ? ScanInterruption(store: store, scanID: scanID) : nil
        defer { interruption?.remove() }
        // One tree per root: include patterns are relative to the root they appear under.
        var contexts: [ScanContext] = []
        var rootOfFile: [Int] = []
        // Installed software first: scanners need the version in force (OpenSSH, OpenSSL) before they judge. It is
        // read from the system root, so `scan /etc` on a live host knows the installed OpenSSH.
        var software: [Software] = []
        var softwareDiagnostics: [Diagnostic] = []
        var aliases: [PathAlias] = []
        var softwarePerRoot: [[Software]] = []
        for (index, walk) in walks.enumerated() {
            guard let tree = prepared[index].tree, let installed = prepared[index].installed else { continue }
            for item in installed.software {
                var reported = item
                reported.sourcePath = walk.reportedPath(item.sourcePath)
                if !software.contains(reported) { software.append(reported) }
            }
            softwareDiagnostics += installed.diagnostics.map { Self.reported($0, walk) }
            softwarePerRoot.append(installed.software)
            contexts.append(ScanContext(tree: tree, software: installed.software))
            rootOfFile += Array(repeating: index, count: walk.files.count)
            aliases += walk.aliases.map {
                PathAlias(path: walk.reportedPath($0.path), target: walk.reportedPath($0.target), kind: $0.kind)
            }
        }
        // One root's files are used as they are: joining copies every file.
        let files = walks.count == 1 ? walks[0].files : WalkedFiles(concatenating: walks.map(\.files))
        let walkDiagnostics = walks.flatMap(\.diagnostics) + softwareDiagnostics
        let fingerprint = RescanFingerprint.make(
            request: request, roots: roots, walks: walks, software: softwarePerRoot)
        var stored: InventoryStore.RescanState? = nil
        if !request.full, let fingerprint {
            stored = try StoreAccess.perform(request.storePath, { try store.rescanState(fingerprint: fingerprint) })
        }
        // A reader of the earlier scan's state from its first part; nil when there is none this build can read
        // (another format, a damaged header): the scan is then a full one.
        func previousState() -> PreviousRescanState? {
            guard let stored else { return nil }
            return PreviousRescanState(
                scanID: stored.scanID, format: stored.format, state: Array(stored.state)
            ) { (part: Int) throws(PQScoutError) -> [UInt8]? in
                try StoreAccess.perform(request.storePath) {
                    try store.rescanStatePart(scanID: stored.scanID, part: part)
                }
            }
        }
        var previous = previousState()
        let walkSignature = RescanCodec.walkSignature(
            diagnostics: walkDiagnostics, software: software, aliases: aliases)
        var reused = 0
        if let earlier = previous, earlier.walk == walkSignature,
            try Self.everyFileUnchanged(files, contexts, rootOfFile, earlier)
        {
            // Nothing changed: the earlier scan's rows are this scan's, shared (`ScanRowsSQL`); its state is copied.
            try StoreAccess.perform(request.storePath) {
                try store.shareScanRows(from: earlier.scanID, to: scanID)
                try store.copyRescanStateParts(from: earlier.scanID, to: scanID)
            }
            progress?(ScanProgress(filesDone: files.count, filesTotal: files.count, findings: 0))
            return try finish(
                request: request, store: store, scanID: scanID, files: files.count, fingerprint: fingerprint,
                state: earlier.header, interruption: interruption, reused: files.count, reusedFrom: earlier.scanID)
        }
        // The check read some of the state; the scan reads it again from its first part.
        if previous != nil { previous = previousState() }
        if !walkDiagnostics.isEmpty || !software.isEmpty || !aliases.isEmpty {
            try StoreAccess.perform(request.storePath) {
                try store.record(
                    scanID: scanID,
                    batch: ScanBatch(
                        files: [], output: ScanOutput(diagnostics: walkDiagnostics, software: software),
                        aliases: aliases))
            }
        }
        var keepsState = fingerprint != nil
        var stateBytes = 0
        var stateHeader = RescanCodec.Header(walk: walkSignature, entries: 0, parts: 0)
        // The ordinals the store gives this scan's rows, for the state's `RescanRows`: each table numbers its rows
        // from 0 in the order they are written, the walk's own rows first (`OrdinalPlan` in the store).
        var nextFinding: Int64 = 0
        var nextDiagnostic = Int64(walkDiagnostics.count)
        var nextSoftware = Int64(software.count)
        // Only for the progress line; the scan's counts are taken from the store at the end.
        var findingsSoFar = 0
        // Batch N is written on the writer queue while batch N+1 is scanned; at most one batch waits.
        let writer = BatchWriterQueue(store: store, scanID: scanID)
        var start = 0
        while start < files.count {
            let end = start + Self.nextBatchSize(remaining: files.count - start, limit: batchSize)
            let batchFiles = Array(files[start..<end])
            let earlier = try previous?.entries(for: batchFiles.map(\.path))
            let results = scanInParallel(
                batchFiles, contexts: (start..<end).map { contexts[rootOfFile[$0]] },
                walks: (start..<end).map { walks[rootOfFile[$0]] }, options: request.options,
                maxFileSize: request.maxFileSize, earlierEntries: earlier, keepsState: keepsState)
            var batch = ScanBatch(files: [], output: ScanOutput())
            var copied = ReusedRows(scanID: previous?.scanID ?? scanID)
            var copiedAssets: Set<String> = []
            // This batch's part of the state, written with the batch: the scan never holds the whole state.
            var statePart: [UInt8] = []
            for result in results {
                var rows = RescanRows()
                if let earlierRows = result.reused {
                    // Its rows are copied in the store, placed where a full scan would write them.
                    reused += 1
                    copied.files += earlierRows.files
                    if let refreshed = result.refreshed { copied.refreshed.append(refreshed) }
                    for asset in earlierRows.assets where copiedAssets.insert(asset).inserted {
                        copied.assets.append(asset)
                    }
                    copied.findings.append(
                        ReusedRows.Span(
                            at: batch.output.findings.count, first: earlierRows.findings.first,
                            count: earlierRows.findings.count))
                    copied.diagnostics.append(
                        ReusedRows.Span(
                            at: batch.output.diagnostics.count, first: earlierRows.diagnostics.first,
                            count: earlierRows.diagnostics.count))
                    copied.software.append(
                        ReusedRows.Span(
                            at: batch.output.software.count, first: earlierRows.software.first,
                            count: earlierRows.software.count))
                    rows.files = earlierRows.files
                    rows.assets = earlierRows.assets
                    rows.findings.count = earlierRows.findings.count
                    rows.diagnostics.count = earlierRows.diagnostics.count
                    rows.software.count = earlierRows.software.count
                } else if !result.output.isEmpty {
                    batch.files += result.records
                    batch.output.append(result.output)
                    rows.files = result.records.map(\.path)
                    rows.assets = Self.assetIDs(result.output)
                    rows.findings.count = Int64(result.output.findings.count)
                    rows.diagnostics.count = Int64(result.output.diagnostics.count)
                    rows.software.count = Int64(result.output.software.count)
                }
                rows.findings.first = nextFinding
                rows.diagnostics.first = nextDiagnostic
                rows.software.first = nextSoftware
                nextFinding += rows.findings.count
                nextDiagnostic += rows.diagnostics.count
                nextSoftware += rows.software.count
                findingsSoFar += Int(rows.findings.count)
                if var entry = result.stateEntry {
                    entry.rows = rows
                    let encoded = RescanCodec.encode(entry)
                    if stateBytes + encoded.count <= RescanCodec.maximumStateBytes {
                        statePart += encoded
                        stateBytes += encoded.count
                        stateHeader.entries += 1
                    }
                }
            }
            // Full: the rest of the files are scanned again next time.
            if stateBytes >= RescanCodec.maximumStateBytes * 15 / 16 { keepsState = false }
            if !copied.isEmpty { batch.reused = copied }
            // A linked file's asset travels with the batch that names it, once per batch (a reused file's assets are
            // copied): the store's upsert of an asset another batch recorded changes nothing (content-derived ids; a
            // private key wins over its public half whatever the order). Remembering every recorded asset id instead
            // took 80 MB at 600,000 assets (issue 20).
            var inBatch = Set(batch.output.assets.map(\.id)).union(copiedAssets)
            for asset in batch.output.linkedAssets where inBatch.insert(asset.id).inserted {
                batch.output.assets.append(asset)
            }
            batch.output.linkedAssets = []
            var part: (number: Int, bytes: [UInt8])? = nil
            if !statePart.isEmpty {
                part = (stateHeader.parts, statePart)
                stateHeader.parts += 1
            }
            try StoreAccess.perform(request.storePath) { try writer.enqueue(batch, statePart: part) }
            start = end
            progress?(ScanProgress(filesDone: end, filesTotal: files.count, findings: findingsSoFar))
        }
        try StoreAccess.perform(request.storePath) { try writer.finish() }
        return try finish(
            request: request, store: store, scanID: scanID, files: files.count, fingerprint: fingerprint,
            state: stateHeader, interruption: interruption, reused: reused, reusedFrom: previous?.scanID)
    }

    /// Leaves the state for the next rescan, marks the scan complete with the counts of its rows, and reads it back.
    private func finish(
        request: ScanRequest, store: InventoryStore, scanID: Int64, files: Int, fingerprint: String?,
        state: RescanCodec.Header, interruption: ScanInterruption?, reused: Int, reusedFrom: Int64?
    ) throws(PQScoutError) -> ScanOutcome {
        if let fingerprint {
            try StoreAccess.perform(request.storePath) {
                try store.saveRescanState(
                    scanID: scanID, fingerprint: fingerprint, format: RescanCodec.format,
                    state: Data(RescanCodec.encode(state)))
            }
        }
        let counts = try StoreAccess.perform(request.storePath) { try store.counts(scanID: scanID) }
        var finalCounts = counts
        finalCounts.filesExamined = files
        try StoreAccess.perform(request.storePath) {
            try store.finishScan(scanID: scanID, finishedAt: Date(), counts: finalCounts, complete: true)
        }
        interruption?.remove()
        if store.lockWaitSeconds >= 0.05 {
            notice?(
                "waited \(String(format: "%.1f", store.lockWaitSeconds)) s for other writers' locks on "
                    + request.storePath)
        }
        guard let record = try StoreAccess.perform(request.storePath, { try store.scan(id: scanID) }) else {
            throw PQScoutError(
                code: "store.lost-scan", kind: .input,
                reason: "scan \(scanID) vanished from \(StoreAccess.label(request.storePath))")
        }
        return ScanOutcome(record: record, filesReused: reused, reusedFrom: reusedFrom)
    }

    /// True when the earlier scan had exactly these files, each with the same identity and the same answers to
    /// everything its scanners read: then its rows are this scan's.
    static func everyFileUnchanged(
        _ files: WalkedFiles, _ contexts: [ScanContext], _ rootOfFile: [Int], _ previous: PreviousRescanState
    ) throws(PQScoutError) -> Bool {
        guard previous.header.entries == files.count else { return false }
        var start = 0
        while start < files.count {
            let end = min(start + 1024, files.count)
            // Every entry found in order, as many as files: no entry was passed over.
            let entries = try previous.entries(for: files[start..<end].map(\.path))
            for (offset, entry) in entries.enumerated() {
                let index = start + offset
                guard let entry, let identity = files[index].identity, identity == entry.identity,
                    let tree = contexts[rootOfFile[index]].tree as? WalkedTree,
                    unchanged(entry.reads, entry.listings, in: tree, for: files[index].path)
                else { return false }
            }
            start = end
        }
        return true
    }

    // MARK: - Parallel part

    struct FileResult: Sendable {
        var output = ScanOutput()
        var records: [FileRecord] = []
        /// Not scanned: its results are the earlier scan's rows named here, which the store copies.
        var reused: RescanRows?
        /// A reused file whose metadata moved while its content did not: its own file row, as this scan sees it.
        var refreshed: FileRecord?
        /// The file's entry for the next scan's reuse, its rows left for the batch to place; nil when none is kept.
        var stateEntry: RescanEntry?
    }

    /// Every asset a file's results record or name, each once: what a copy of its rows links to the scan.
    static func assetIDs(_ output: ScanOutput) -> [String] {
        var seen: Set<String> = []
        var ids: [String] = []
        for id in output.assets.map(\.id) + output.linkedAssets.map(\.id) + output.findings.compactMap(\.asset)
        where seen.insert(id).inserted {
            ids.append(id)
        }
        return ids
    }

    /// Records for the other files a scanner's findings point at (an `Include`d config), so every finding's
    /// file is in the inventory with its own size and digest.
    static func includedFileRecords(_ output: ScanOutput, besides path: ScanPath, tree: WalkedTree?) -> [FileRecord] {
        guard let tree else { return [] }
        var seen: Set<ScanPath> = [path]
        var records: [FileRecord] = []
        for finding in output.findings where !seen.contains(finding.path) {
            seen.insert(finding.path)
            guard let file = tree.file(at: finding.path), case .success(let bytes) = tree.read(finding.path) else {
                continue
            }
            records.append(
                FileRecord(
                    path: file.path, size: Int64(bytes.count), modified: Date(timeIntervalSince1970: file.modified),
                    sha256: contentDigest(bytes, path: file.path, output: output)))
        }
        return records
    }

    /// The SHA-256 recorded for a file, or `FileRecord.noDigest` (64 zeros) for a file that holds secrets: a plain
    /// digest of a config whose only unknown is a weak pre-shared key lets whoever holds the store test guesses
    /// offline (issue 21), so the store keeps none for those files (Docs/store.md).
    static func contentDigest(_ bytes: [UInt8], path: ScanPath, output: ScanOutput) -> String {
        let name = String(decoding: path.lastComponent, as: UTF8.self)
        if name.hasSuffix(".secrets") || name == "ipsec.secrets"
            || output.findings.contains(where: { $0.path == path && $0.source.described?.holdsSecrets == true })
        {
            return FileRecord.noDigest
        }
        return Digest.sha256Hex(bytes)
    }

    /// Files in the next batch: `limit`, fewer towards the end. The last batch is written after every file has been
    /// scanned, on one core while the other waits; so batches shrink to a quarter of what remains, and the scan ends
    /// on the write of a few dozen files instead of `limit` (a sixth of the wall time on 30 copies of `/etc`).
    static func nextBatchSize(remaining: Int, limit: Int) -> Int {
        max(1, min(remaining, limit, max(64, remaining / 4)))
    }

    /// One root, walked, with its tree and the software installed there; `tree` and `installed` are nil when the
    /// walk failed.
    struct PreparedRoot {
        var walk: Result<WalkResult, WalkError>
        var tree: WalkedTree?
        var installed: (software: [Software], diagnostics: [Diagnostic])?
    }

    /// Walks the roots and reads their installed software, one root per core: with 30 copies of `/etc` this was a
    /// tenth of the scan on one core while the other waited (issue 20). The results keep the roots' order.
    static func prepareRoots(_ roots: [String], systems: [SystemRoot?], walker: TreeWalker, maxFileSize: Int64)
        -> [PreparedRoot]
    {
        let slots = ResultSlots<PreparedRoot?>(count: roots.count, initial: nil)
        DispatchQueue.concurrentPerform(iterations: roots.count) { index in
            let root = roots[index]
            let label = roots.count > 1 ? Array("\(index + 1)-\(Self.lastComponent(root))".utf8) : []
            let walk = walker.walk(root: root, label: label, system: systems[index])
            var prepared = PreparedRoot(walk: walk)
            if case .success(let result) = walk {
                let tree = WalkedTree(walk: result, maxFileSize: maxFileSize)
                prepared.tree = tree
                prepared.installed = InstalledSoftware.read(
                    from: tree, label: String(decoding: result.label, as: UTF8.self),
                    rpmHeaders: RPMPackageDatabase.headerBlobs)
            }
            slots.set(index, prepared)
        }
        return slots.values.compactMap { $0 }
    }

    /// Reads and scans files on every core, or takes a file's results from the earlier scan where they still hold.
    /// Each worker writes only its own slot, so no lock is needed.
    func scanInParallel(
        _ files: [WalkedFile], contexts: [ScanContext], walks: [WalkResult], options: ScanOptions, maxFileSize: Int64,
        earlierEntries: [PreviousRescanState.Entry?]? = nil, keepsState: Bool = false
    ) -> [FileResult] {
        let reader = FileReader(maxFileSize: maxFileSize)
        let registry = self.registry
        let cpuBudget = perFileCPUSeconds
        let slots = ResultSlots(count: files.count, initial: FileResult())
        DispatchQueue.concurrentPerform(iterations: files.count) { index in
            let file = files[index]
            let tree = contexts[index].tree as? WalkedTree
            let earlier = earlierEntries?[index]
            // Unchanged by its identity, and so is everything its scanners read: reuse without opening the file.
            if let earlier, let tree, let identity = file.identity, identity == earlier.identity,
                Self.unchanged(earlier.reads, earlier.listings, in: tree, for: file.path)
            {
                var result = FileResult()
                result.reused = earlier.rows
                if keepsState {
                    result.stateEntry = RescanEntry(
                        path: file.path, identity: identity, digest: earlier.digest, reads: earlier.reads,
                        listings: earlier.listings, rows: RescanRows())
                }
                slots.set(index, result)
                return
            }
            var result = FileResult()
            var claimed: [(scanner: any FileScanner, claim: Claim)] = []
            let outcome = reader.read(file, headSize: ScannerRegistry.headSize) { head in
                claimed = registry.claims(path: file.path, head: head)
                return !claimed.isEmpty
            }
            var reads = TreeReads()
            var digest: String? = nil
            var keepEntry = true
            switch outcome {
            case .notClaimed:
                break
            case .skipped(let diagnostic)
            where diagnostic.reason == .tooLarge
                && contexts[index].software.contains(where: { $0.sourcePath == file.path }):
                // A package database past --max-file-size that `InstalledSoftware` read under its own limit: its
                // packages are in the scan, and no scanner claims it, so "too large" would say a file went unread.
                break
            case .skipped(let diagnostic):
                result.output.diagnostics.append(diagnostic)
                // A file that vanished or could not be opened may be back next time with the same identity.
                keepEntry = diagnostic.reason != .vanished && diagnostic.reason != .unreadable
            case .contents(let bytes):
                // Only the metadata moved (a touch, a copy over itself): the same content reuses the results.
                if let earlier, let tree, let known = earlier.digest, let identity = file.identity,
                    Self.unchanged(earlier.reads, earlier.listings, in: tree, for: file.path),
                    Digest.sha256Hex(bytes) == known
                {
                    var reusedResult = FileResult()
                    reusedResult.reused = earlier.rows
                    let ownPath = walks[index].reportedPath(file.path)
                    if earlier.rows.files.contains(ownPath) {
                        reusedResult.refreshed = FileRecord(
                            path: ownPath, size: Int64(bytes.count),
                            modified: Date(timeIntervalSince1970: file.modified), sha256: known)
                    }
                    if keepsState {
                        reusedResult.stateEntry = RescanEntry(
                            path: file.path, identity: identity, digest: known, reads: earlier.reads,
                            listings: earlier.listings, rows: RescanRows())
                    }
                    slots.set(index, reusedResult)
                    return
                }
                // Every question the scanners ask of the tree is written down, for the next rescan.
                // A configuration copy sees the scan roots only, not the scanning host's files (ConfigCopy).
                let seen = contexts[index].tree.map { ConfigCopy.tree($0, seenFrom: file.path) }
                let recorder = seen.map { RecordingTree(base: $0) }
                var context = contexts[index]
                if let recorder { context.tree = recorder }
                let cpuBefore = Self.threadCPUSeconds()
                result.output = registry.scan(
                    ScanInput(path: file.path, bytes: bytes, options: options, context: context), claimed: claimed)
                let cpu = Self.threadCPUSeconds() - cpuBefore
                if cpu > cpuBudget {
                    // The diagnostic is about this run (the budget, the machine's load), not the file: never reused.
                    keepEntry = false
                    result.output.diagnostics.append(
                        Diagnostic(
                            path: file.path, reason: .tooLarge,
                            detail: "scanning took \(String(format: "%.1f", cpu)) s of CPU, over the "
                                + "\(String(format: "%g", cpuBudget)) s per-file budget; its findings are kept"))
                }
                reads = recorder?.reads ?? TreeReads()
                if !result.output.isEmpty {
                    let record = FileRecord(
                        path: file.path, size: Int64(bytes.count), modified: Date(timeIntervalSince1970: file.modified),
                        sha256: Self.contentDigest(bytes, path: file.path, output: result.output))
                    if record.sha256 != FileRecord.noDigest { digest = record.sha256 }
                    result.records.append(record)
                    let included = Self.includedFileRecords(result.output, besides: file.path, tree: tree)
                    result.records += included
                    // The files findings point at are inputs too, however the scanner came to them.
                    reads.merge(TreeReads(paths: result.output.findings.map(\.path).filter { $0 != file.path }))
                }
            }
            Self.report(&result, walks[index])
            if keepsState, keepEntry, let tree, let identity = file.identity {
                let entry = RescanEntry(
                    path: file.path, identity: identity, digest: digest,
                    reads: reads.paths.map { path in
                        let found = tree.file(at: path)
                        return RescanEntry.ReadFile(path: path, resolved: found?.path, identity: found?.identity)
                    },
                    listings: reads.listings, rows: RescanRows())
                result.stateEntry = entry
            }
            slots.set(index, result)
        }
        return slots.values
    }

    /// True when every file a scan read still resolves to the same file with the same identity, and every listing
    /// still matches the same paths.
    static func unchanged(
        _ reads: [RescanEntry.ReadFile], _ listings: [TreeReads.Listing], in tree: WalkedTree, for path: ScanPath
    ) -> Bool {
        // A configuration copy listed the tree through ConfigCopy.View, which leaves out the host's files.
        let seen = ConfigCopy.tree(tree, seenFrom: path)
        for read in reads {
            let now = tree.file(at: read.path)
            guard now?.path == read.resolved, now?.identity == read.identity else { return false }
            // A file whose identity was never known cannot be vouched for.
            if now != nil, read.identity == nil { return false }
        }
        for listing in listings where seen.files(matching: listing.pattern) != listing.matches { return false }
        return true
    }

    // MARK: - Paths

    /// Maps a file's results from scanner-side names to the paths findings report (relative to the scan root;
    /// absolute for a file outside it that a config named). Identity for an image.
    static func report(_ result: inout FileResult, _ walk: WalkResult) {
        guard !walk.rootInSystem.isEmpty else { return }
        for index in result.output.findings.indices {
            result.output.findings[index].path = walk.reportedPath(result.output.findings[index].path)
        }
        result.output.diagnostics = result.output.diagnostics.map { reported($0, walk) }
        for index in result.output.software.indices {
            result.output.software[index].sourcePath = walk.reportedPath(result.output.software[index].sourcePath)
        }
        for index in result.records.indices {
            result.records[index].path = walk.reportedPath(result.records[index].path)
        }
    }

    static func reported(_ diagnostic: Diagnostic, _ walk: WalkResult) -> Diagnostic {
        var copy = diagnostic
        copy.path = walk.reportedPath(diagnostic.path)
        return copy
    }

    /// The absolute, real form of a root as typed (`.`, `../etc`, a link to a directory).
    static func absoluteRoot(_ root: String) throws(PQScoutError) -> String {
        guard let real = realpath(root, nil) else {
            throw PQScoutError(
                code: "scan.root-unreadable", kind: .input,
                reason: "cannot read \(root): \(String(cString: strerror(errno)))")
        }
        defer { free(real) }
        return String(cString: real)
    }

    // MARK: - Helpers

    static func lastComponent(_ path: String) -> String {
        let trimmed = path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path
        return trimmed.split(separator: "/").last.map(String.init) ?? trimmed
    }

    /// CPU time of the calling thread (`CLOCK_THREAD_CPUTIME_ID`): one file is scanned on one thread.
    static func threadCPUSeconds() -> Double {
        var time = timespec()
        guard clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time) == 0 else { return 0 }
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "unknown" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// Writes batches on a serial queue so the store works while the next batch is scanned.
final class BatchWriterQueue: @unchecked Sendable {
    // `failure` is written on the queue and read only after `group.wait()`, which orders the two.
    private let store: InventoryStore
    private let scanID: Int64
    private let queue = DispatchQueue(label: "pqscout.store-writer")
    private let group = DispatchGroup()
    private var failure: (any Error)?

    init(store: InventoryStore, scanID: Int64) {
        self.store = store
        self.scanID = scanID
    }

    /// Waits for the previous batch, rethrows its failure, then queues this one, with its part of the rescan state.
    func enqueue(_ batch: ScanBatch, statePart: (number: Int, bytes: [UInt8])? = nil) throws {
        try finish()
        queue.async(group: group) { [self] in
            do {
                try store.record(scanID: scanID, batch: batch)
                if let statePart {
                    try store.saveRescanStatePart(scanID: scanID, part: statePart.number, bytes: statePart.bytes)
                }
            } catch {
                failure = error
            }
        }
    }

    /// Waits until every queued batch is written, and rethrows the first failure.
    func finish() throws {
        group.wait()
        if let failure {
            self.failure = nil
            throw failure
        }
    }
}

/// Slots that concurrent workers fill, one index each.
final class ResultSlots<Value>: @unchecked Sendable {
    // Each worker of concurrentPerform writes only its own index of a buffer allocated once, and `values` is read
    // after concurrentPerform has returned. A Swift array held in a class would not do: every write is a mutating
    // access to the array itself (its uniqueness check and header), a data race ThreadSanitizer reports.
    private let storage: UnsafeMutableBufferPointer<Value>

    init(count: Int, initial: Value) {
        storage = .allocate(capacity: count)
        storage.initialize(repeating: initial)
    }

    deinit {
        storage.deinitialize()
        storage.deallocate()
    }

    func set(_ index: Int, _ value: Value) {
        storage[index] = value
    }

    var values: [Value] { Array(storage) }
}

/// SIGINT/SIGTERM during a scan: record it as interrupted (incomplete, with a finish time and the counts of the
/// batches committed) and exit 128 + the signal, instead of leaving a scan that looks still running.
final class ScanInterruption: @unchecked Sendable {
    // `sources` is set in init and cleared in `remove`, both on the scanning thread; handlers only read the store.
    private var sources: [DispatchSourceSignal] = []
    private let queue = DispatchQueue(label: "pqscout.scan-interruption")

    init(store: InventoryStore, scanID: Int64) {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler {
                // The batch being written (if any) commits first: the store's connection serialises calls.
                let counts = (try? store.counts(scanID: scanID)) ?? ScanCounts()
                try? store.finishScan(scanID: scanID, finishedAt: Date(), counts: counts, complete: false)
                let name = number == SIGINT ? "SIGINT" : "SIGTERM"
                FileHandle.standardError.write(
                    Data("pqscout: \(name): scan \(scanID) recorded as interrupted (incomplete)\n".utf8))
                // `_exit`, not `exit`: other threads are still scanning, and running the process's destructors
                // under them crashed (SIGSEGV) about one time in four. Everything worth keeping is committed.
                _exit(128 + number)
            }
            source.resume()
            sources.append(source)
        }
    }

    /// Restores the default dispositions; idempotent.
    func remove() {
        guard !sources.isEmpty else { return }
        for source in sources { source.cancel() }
        sources = []
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
