/// The package headers of an rpm database kept in Berkeley DB's hash format (`var/lib/rpm/Packages`: RHEL 7 and 8,
/// CentOS 7, Amazon Linux 2), read from its pages without libdb, as rpm's own read-only backend (`bdb_ro`, rpm 4.16
/// and later) reads them.
///
/// The layout (Berkeley DB's `dbinc/db_page.h` and `dbinc/hash.h`): page 0 is the hash metadata page, whose magic
/// 0x061561 at byte 12 also gives the byte order, with the page size at byte 20 and the last page number at byte 32.
/// Every other page begins with a 26-byte header: next page at byte 16, the number of items at 20, `hf_offset` at 22,
/// the page type at 25. A hash page (type 2 or 13) lists its items' 2-byte offsets after the header, a key then its
/// data; an item is in the page (type 1: the bytes up to the previous item or the page's end, after the type byte)
/// or off it (type 3: the first overflow page at byte 4, the total length at byte 8), in a chain of overflow pages
/// (type 7) each holding `hf_offset` bytes from byte 26. The keys are rpm's record numbers; each data item is one
/// header blob (`headerExport`), the form `rpmdb.sqlite` stores too, so `InstalledSoftware.parseRPMHeader` reads it.
///
/// Hostile input: every offset and length is checked against its page, a page's bytes go into at most one blob,
/// every overflow page is taken at most once: the blobs together are never longer than the file.
public enum RPMBerkeleyDB {
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public var detail: String
        public var description: String { detail }
    }

    static let hashMagic: UInt32 = 0x0006_1561
    static let headerSize = 26

    /// Every data item of the database's hash pages, in page order.
    public static func headerBlobs(_ bytes: [UInt8]) -> Result<[[UInt8]], Failure> {
        guard bytes.count >= 512 else { return .failure(Failure(detail: "shorter than one Berkeley DB page")) }
        let little: Bool
        if word(bytes, 12, little: true) == hashMagic {
            little = true
        } else if word(bytes, 12, little: false) == hashMagic {
            little = false
        } else {
            return .failure(Failure(detail: "not a Berkeley DB hash database (no hash magic on its first page)"))
        }
        let pageSize = Int(word(bytes, 20, little: little))
        guard pageSize >= 512, pageSize <= 65_536, pageSize & (pageSize - 1) == 0 else {
            return .failure(Failure(detail: "page size \(pageSize) is not a Berkeley DB page size"))
        }
        let pages = min(Int(word(bytes, 32, little: little)) + 1, bytes.count / pageSize)
        var used = [Bool](repeating: false, count: pages)
        var blobs: [[UInt8]] = []
        for number in 1..<max(pages, 1) {
            let page = number * pageSize
            let type = bytes[page + 25]
            guard type == 2 || type == 13 else { continue }
            let entries = Int(half(bytes, page + 20, little: little))
            guard Self.headerSize + 2 * entries <= pageSize else { continue }
            // The bounds of item `index`: from its offset to the previous item's, or the page's end.
            func item(_ index: Int) -> Range<Int>? {
                let offset = Int(half(bytes, page + Self.headerSize + 2 * index, little: little))
                let end =
                    index == 0 ? pageSize : Int(half(bytes, page + Self.headerSize + 2 * (index - 1), little: little))
                guard offset >= Self.headerSize + 2 * entries, offset < end, end <= pageSize else { return nil }
                return (page + offset)..<(page + end)
            }
            // In a sound page each item lies below the one before it. A data item is taken only below every item
            // taken before it, so hostile offsets cannot make one page's bytes into many blobs: a page gives at most
            // its own size.
            var below = pageSize
            // Items are (key, data) pairs. Key 0 holds rpm's next record number, not a header.
            for pair in 0..<(entries / 2) {
                guard let key = item(2 * pair), let data = item(2 * pair + 1) else { continue }
                if bytes[key.lowerBound] == 1, key.count == 5,
                    bytes[(key.lowerBound + 1)..<key.upperBound].allSatisfy({
                        $0 == 0
                    })
                {
                    continue
                }
                switch bytes[data.lowerBound] {
                case 1:
                    guard data.upperBound - page <= below else { continue }
                    below = data.lowerBound - page
                    blobs.append(Array(bytes[(data.lowerBound + 1)..<data.upperBound]))
                case 3:
                    guard data.count >= 12 else { continue }
                    let first = Int(word(bytes, data.lowerBound + 4, little: little))
                    let length = Int(word(bytes, data.lowerBound + 8, little: little))
                    if let blob = overflow(
                        bytes, from: first, length: length, pageSize: pageSize, little: little, used: &used)
                    {
                        blobs.append(blob)
                    }
                default:
                    continue
                }
            }
        }
        return .success(blobs)
    }

    /// The bytes of an overflow chain, or nil when it leaves the file, loops, meets a page of another type or ends
    /// short of `length`.
    private static func overflow(
        _ bytes: [UInt8], from first: Int, length: Int, pageSize: Int, little: Bool, used: inout [Bool]
    ) -> [UInt8]? {
        guard length > 0, length <= bytes.count else { return nil }
        var blob: [UInt8] = []
        blob.reserveCapacity(length)
        var number = first
        while blob.count < length {
            guard number > 0, number < used.count, !used[number] else { return nil }
            used[number] = true
            let page = number * pageSize
            guard bytes[page + 25] == 7 else { return nil }
            let held = Int(half(bytes, page + 22, little: little))
            guard held <= pageSize - Self.headerSize else { return nil }
            blob += bytes[(page + Self.headerSize)..<(page + Self.headerSize + min(held, length - blob.count))]
            number = Int(word(bytes, page + 16, little: little))
            if held == 0 { return nil }
        }
        return blob
    }

    private static func word(_ bytes: [UInt8], _ at: Int, little: Bool) -> UInt32 {
        let four = bytes[at..<(at + 4)]
        return little
            ? four.reversed().reduce(0) { $0 << 8 | UInt32($1) }
            : four.reduce(0) { $0 << 8 | UInt32($1) }
    }

    private static func half(_ bytes: [UInt8], _ at: Int, little: Bool) -> UInt16 {
        little ? UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8 : UInt16(bytes[at]) << 8 | UInt16(bytes[at + 1])
    }
}
