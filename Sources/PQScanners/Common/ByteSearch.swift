#if canImport(Glibc)
    import Glibc
#endif

/// Substring search over bytes with libc's `memchr` and `memcmp`: claims run on every file of a tree, and the
/// generic `firstRange(of:)` measured as the scan's largest cost on a 50,000-file tree.
public enum ByteSearch {
    /// True when `needle` occurs in `haystack`.
    public static func contains<H: ContiguousCollection>(_ haystack: H, _ needle: [UInt8]) -> Bool
    where H.Element == UInt8 {
        firstIndex(of: needle, in: haystack) != nil
    }

    /// The offset (from the start of `haystack`) of the first occurrence of `needle`, or nil.
    public static func firstIndex<H: ContiguousCollection>(of needle: [UInt8], in haystack: H) -> Int?
    where H.Element == UInt8 {
        guard !needle.isEmpty else { return 0 }
        return haystack.withContiguousStorage { hay -> Int? in
            needle.withUnsafeBufferPointer { pin -> Int? in
                guard let hayBase = hay.baseAddress, let pinBase = pin.baseAddress, hay.count >= pin.count else {
                    return nil
                }
                let first = Int32(pin[0])
                var offset = 0
                let last = hay.count - pin.count
                while offset <= last {
                    guard let hit = memchr(hayBase + offset, first, last - offset + 1) else { return nil }
                    let at = UnsafeRawPointer(hit) - UnsafeRawPointer(hayBase)
                    if memcmp(hayBase + at, pinBase, pin.count) == 0 { return at }
                    offset = at + 1
                }
                return nil
            }
        }
    }
}

extension ByteSearch {
    /// True when any of the ASCII `needles` occurs in `haystack`.
    public static func containsAny<H: ContiguousCollection>(_ haystack: H, _ needles: [String]) -> Bool
    where H.Element == UInt8 {
        needles.contains { contains(haystack, Array($0.utf8)) }
    }

    /// True when the ASCII `needle` occurs in `haystack` in any mix of ASCII case (`SSLEngine`, `sslengine`).
    /// A non-ASCII byte never matches an ASCII one, so the search is exact on UTF-8 text.
    public static func containsIgnoringASCIICase<H: ContiguousCollection>(_ haystack: H, _ needle: String) -> Bool
    where H.Element == UInt8 {
        let pin = Array(needle.lowercased().utf8)
        guard !pin.isEmpty else { return true }
        return haystack.withContiguousStorage { hay -> Bool in
            guard hay.count >= pin.count else { return false }
            func lower(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }
            for start in 0...(hay.count - pin.count) where lower(hay[start]) == pin[0] {
                var offset = 1
                while offset < pin.count, lower(hay[start + offset]) == pin[offset] { offset += 1 }
                if offset == pin.count { return true }
            }
            return false
        }
    }

    /// True when the first 8 KiB hold no NUL byte: the one test every text format uses to turn binary noise away.
    public static func isText<H: ContiguousCollection>(_ bytes: H) -> Bool
    where H.Element == UInt8, H.SubSequence: ContiguousCollection, H.SubSequence.Element == UInt8 {
        !contains(bytes.prefix(8192), [0])
    }

    private static let begin = Array("-----BEGIN ".utf8)

    /// True when any `-----BEGIN <label>-----` of the given labels appears.
    public static func containsBegin(_ head: ArraySlice<UInt8>, labels: [String]) -> Bool {
        guard contains(head, begin) else { return false }
        return labels.contains { contains(head, Array("-----BEGIN \($0)-----".utf8)) }
    }
}

/// Collections whose bytes sit in one buffer (Array, ArraySlice, ContiguousArray).
public protocol ContiguousCollection: Collection {
    func withContiguousStorage<R>(_ body: (UnsafeBufferPointer<Element>) throws -> R) rethrows -> R
}

extension Array: ContiguousCollection {
    public func withContiguousStorage<R>(_ body: (UnsafeBufferPointer<Element>) throws -> R) rethrows -> R {
        try withUnsafeBufferPointer(body)
    }
}

extension ArraySlice: ContiguousCollection {
    public func withContiguousStorage<R>(_ body: (UnsafeBufferPointer<Element>) throws -> R) rethrows -> R {
        try withUnsafeBufferPointer(body)
    }
}
