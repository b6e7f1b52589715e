import Foundation
import PQModel

/// What one file's scanners asked of the rest of the tree: the paths they read or looked at, and the patterns they
/// listed with what each matched. A rescan reuses the file's results only while every one of these answers is
/// unchanged (issue 20): a scanner's output depends on nothing else in the tree, since `TreeReader` is its only way
/// to reach another file.
public struct TreeReads: Sendable, Hashable {
    /// Paths given to `read`, `isOutsideRoot` or `file(at:)`, in first-asked order.
    public var paths: [ScanPath] = []
    /// Patterns given to `files(matching:)`, each with the paths it returned.
    public var listings: [Listing] = []

    public struct Listing: Sendable, Hashable {
        public var pattern: String
        public var matches: [ScanPath]

        public init(pattern: String, matches: [ScanPath]) {
            self.pattern = pattern
            self.matches = matches
        }
    }

    public init(paths: [ScanPath] = [], listings: [Listing] = []) {
        self.paths = paths
        self.listings = listings
    }

    public var isEmpty: Bool { paths.isEmpty && listings.isEmpty }

    /// Adds another record's answers, each once.
    public mutating func merge(_ other: TreeReads) {
        for path in other.paths where !paths.contains(path) { paths.append(path) }
        for listing in other.listings where !listings.contains(listing) { listings.append(listing) }
    }
}

/// A `TreeReader` that forwards to another and writes down every question asked of it (`TreeReads`), so a rescan
/// knows which files one file's results depend on. One per scanned file; a lock keeps it safe should a scanner
/// ever ask from several threads.
public final class RecordingTree: TreeReader, @unchecked Sendable {
    // `log` is only touched under `lock`; `base` is immutable.
    public let base: any TreeReader
    private let lock = NSLock()
    private var log = TreeReads()
    private var seenPaths: Set<ScanPath> = []

    public init(base: any TreeReader) {
        self.base = base
    }

    /// Everything asked so far.
    public var reads: TreeReads {
        lock.lock()
        defer { lock.unlock() }
        return log
    }

    /// Records answers asked through another recorder on this file's behalf (a memo shared across files).
    public func absorb(_ other: TreeReads) {
        lock.lock()
        defer { lock.unlock() }
        for path in other.paths { note(path) }
        for listing in other.listings where !log.listings.contains(listing) { log.listings.append(listing) }
    }

    public func files(matching pattern: String) -> [ScanPath] {
        let matches = base.files(matching: pattern)
        lock.lock()
        defer { lock.unlock() }
        let listing = TreeReads.Listing(pattern: pattern, matches: matches)
        if !log.listings.contains(listing) { log.listings.append(listing) }
        return matches
    }

    public func read(_ path: ScanPath) -> Result<[UInt8], Diagnostic> {
        noteLocked(path)
        return base.read(path)
    }

    public func read(_ path: ScanPath, upTo limit: Int64) -> Result<[UInt8], Diagnostic> {
        noteLocked(path)
        return base.read(path, upTo: limit)
    }

    public func isOutsideRoot(_ path: ScanPath) -> Bool {
        noteLocked(path)
        return base.isOutsideRoot(path)
    }

    public func reportedName(_ path: ScanPath) -> ScanPath {
        // A pure function of the root and label, which the rescan's fingerprint covers.
        base.reportedName(path)
    }

    private func noteLocked(_ path: ScanPath) {
        lock.lock()
        defer { lock.unlock() }
        note(path)
    }

    private func note(_ path: ScanPath) {
        if seenPaths.insert(path).inserted { log.paths.append(path) }
    }
}
