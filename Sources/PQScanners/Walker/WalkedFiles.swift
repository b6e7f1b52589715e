import PQModel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The files of one or more walks, packed: one byte buffer holds every path, and a file costs its path, an end
/// offset and its `stat` identity (about 50 bytes and its path). A `WalkedFile` is made when one is asked for.
///
/// Why: a million `WalkedFile` values, each with a path and a system path of its own on the heap, took about 250
/// bytes a file, 246 MB of a 1M-file scan's 371 MB (issue 20: every command under 300 MB at a million files). A
/// walked file's system path is its path without the walk's label, and its size and modification time are in its
/// identity, so neither is kept twice here.
public struct WalkedFiles: RandomAccessCollection, Sendable, Equatable, ExpressibleByArrayLiteral {
    /// Files that share a system root and a label, from `start` to the next segment's start.
    private struct Segment: Sendable {
        var start: Int
        var system: SystemRoot
        /// The path's bytes before its system path: empty, or the label and a slash.
        var prefix: [UInt8]
    }

    private var paths: [UInt8] = []
    /// Where each file's path ends in `paths`; it starts where the one before ends.
    private var pathEnds: [Int] = []
    private var identities: [FileIdentity] = []
    private var segments: [Segment] = []
    /// Files the packed form cannot rebuild exactly (built by hand: no identity, an absolute path of their own, no
    /// system root), kept whole by position. A walk makes none.
    private var irregular: [Int: WalkedFile] = [:]

    public init() {}

    public init(arrayLiteral elements: WalkedFile...) {
        self.init(elements)
    }

    public init<Files: Sequence>(_ files: Files) where Files.Element == WalkedFile {
        for file in files { append(file) }
    }

    /// The files of several walks, one after the other.
    public init(concatenating parts: [WalkedFiles]) {
        for part in parts { append(contentsOf: part) }
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { pathEnds.count }

    public subscript(position: Int) -> WalkedFile {
        if !irregular.isEmpty, let file = irregular[position] { return file }
        let range = pathRange(position)
        let segment = segments[segmentIndex(of: position)]
        let identity = identities[position]
        return WalkedFile(
            path: ScanPath(bytes: Array(paths[range])), size: identity.size,
            modified: Self.modified(identity.modifiedNanos),
            systemPath: Array(paths[(range.lowerBound + segment.prefix.count)..<range.upperBound]),
            system: segment.system, identity: identity)
    }

    /// A file's path without making a `WalkedFile`: what lookups by path compare.
    public func path(at position: Int) -> ArraySlice<UInt8> {
        paths[pathRange(position)]
    }

    /// How the path at `position` orders against `bytes`: negative before, zero equal, positive after (bytewise,
    /// as `lexicographicallyPrecedes`, by `memcmp`: the generic comparison was 17% of a realistic tree's scan).
    public func comparePath(at position: Int, with bytes: [UInt8]) -> Int {
        Self.compare(paths, pathRange(position), bytes)
    }

    /// True when the path at `position` starts with `prefix`.
    public func pathStarts(at position: Int, with prefix: [UInt8]) -> Bool {
        let range = pathRange(position)
        guard range.count >= prefix.count else { return false }
        return Self.compare(paths, range.lowerBound..<(range.lowerBound + prefix.count), prefix) == 0
    }

    /// `comparePath(at:with:)` over any bytes: a range of `buffer` against `bytes`.
    static func compare(_ buffer: [UInt8], _ range: Range<Int>, _ bytes: [UInt8]) -> Int {
        buffer.withUnsafeBufferPointer { whole in
            bytes.withUnsafeBufferPointer { other in
                let shared = Swift.min(range.count, other.count)
                if shared > 0, let left = whole.baseAddress, let right = other.baseAddress {
                    let order = memcmp(left + range.lowerBound, right, shared)
                    if order != 0 { return Int(order) }
                }
                return range.count - other.count
            }
        }
    }

    public mutating func append(_ file: WalkedFile) {
        let position = pathEnds.count
        paths += file.path.bytes
        pathEnds.append(paths.count)
        guard let identity = file.identity, let system = file.system, let prefix = Self.packedPrefix(of: file),
            file.size == identity.size, file.modified == Self.modified(identity.modifiedNanos)
        else {
            identities.append(FileIdentity(device: 0, inode: 0, size: 0, modifiedNanos: 0, changedNanos: 0))
            irregular[position] = file
            return
        }
        identities.append(identity)
        if let last = segments.last, last.system === system, last.prefix == prefix { return }
        segments.append(Segment(start: position, system: system, prefix: prefix))
    }

    public mutating func append(contentsOf other: WalkedFiles) {
        let offset = pathEnds.count
        let byteOffset = paths.count
        paths += other.paths
        pathEnds += other.pathEnds.lazy.map { $0 + byteOffset }
        identities += other.identities
        for segment in other.segments {
            var moved = segment
            moved.start += offset
            if let last = segments.last, last.system === moved.system, last.prefix == moved.prefix { continue }
            segments.append(moved)
        }
        for (position, file) in other.irregular { irregular[position + offset] = file }
    }

    /// Sorts by path (bytes), keeping files of the same path in their order.
    public mutating func sortByPath() {
        guard segments.count <= 1 else {
            // Several walks: rare and small (each root is sorted on its own); sorting whole files is simplest.
            self = WalkedFiles(
                enumerated().sorted { ($0.element.path, $0.offset) < ($1.element.path, $1.offset) }.map(\.element))
            return
        }
        let order = paths.withUnsafeBufferPointer { bytes in
            Array(indices).sorted { left, right in
                let order = Self.compare(bytes, pathRange(left), pathRange(right))
                return order < 0 || (order == 0 && left < right)
            }
        }
        guard zip(order, order.dropFirst()).contains(where: { $0 > $1 }) else { return }
        var sorted = WalkedFiles()
        sorted.paths.reserveCapacity(paths.count)
        sorted.pathEnds.reserveCapacity(pathEnds.count)
        sorted.identities.reserveCapacity(identities.count)
        // One segment (or none): it now starts at the first file.
        sorted.segments = segments.map { Segment(start: 0, system: $0.system, prefix: $0.prefix) }
        for (position, original) in order.enumerated() {
            sorted.paths += paths[pathRange(original)]
            sorted.pathEnds.append(sorted.paths.count)
            sorted.identities.append(identities[original])
            if let file = irregular[original] { sorted.irregular[position] = file }
        }
        self = sorted
    }

    /// True when the paths are in strictly increasing order (sorted, each path once).
    public var isSortedAndUnique: Bool {
        paths.withUnsafeBufferPointer { bytes in
            indices.dropFirst().allSatisfy { Self.compare(bytes, pathRange($0 - 1), pathRange($0)) < 0 }
        }
    }

    public static func == (lhs: WalkedFiles, rhs: WalkedFiles) -> Bool {
        lhs.count == rhs.count && zip(lhs, rhs).allSatisfy { $0 == $1 }
    }

    // MARK: - Layout

    private func pathRange(_ position: Int) -> Range<Int> {
        (position == 0 ? 0 : pathEnds[position - 1])..<pathEnds[position]
    }

    private func segmentIndex(of position: Int) -> Int {
        var low = 0
        var high = segments.count
        while high - low > 1 {
            let middle = (low + high) / 2
            if segments[middle].start <= position { low = middle } else { high = middle }
        }
        return low
    }

    /// The bytes a file's path has before its system path, when the path is that prefix and the system path.
    private static func packedPrefix(of file: WalkedFile) -> [UInt8]? {
        guard file.absoluteIsDerived else { return nil }
        let path = file.path.bytes
        let systemPath = file.systemPath
        guard !systemPath.isEmpty, path.suffix(systemPath.count).elementsEqual(systemPath) else { return nil }
        let prefix = Array(path.dropLast(systemPath.count))
        guard prefix.isEmpty || (prefix.count >= 2 && prefix.last == UInt8(ascii: "/")) else { return nil }
        return prefix
    }

    /// The modification time as the walker gives it (`TreeWalker.mtime`), from the identity's nanoseconds.
    private static func modified(_ nanos: Int64) -> Double {
        var seconds = nanos / 1_000_000_000
        var rest = nanos % 1_000_000_000
        if rest < 0 {
            seconds -= 1
            rest += 1_000_000_000
        }
        return Double(seconds) + Double(rest) / 1e9
    }

    private static func compare(_ bytes: UnsafeBufferPointer<UInt8>, _ left: Range<Int>, _ right: Range<Int>) -> Int {
        let shared = Swift.min(left.count, right.count)
        for offset in 0..<shared {
            let a = bytes[left.lowerBound + offset]
            let b = bytes[right.lowerBound + offset]
            if a != b { return a < b ? -1 : 1 }
        }
        return left.count == right.count ? 0 : (left.count < right.count ? -1 : 1)
    }
}
