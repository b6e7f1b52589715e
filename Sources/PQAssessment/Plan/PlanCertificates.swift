import Foundation
import PQModel

/// One certificate as the certificate builder reads it: what names it, who signs it, when it expires and the key
/// it has now. Made on demand from `PlanCertificates`, which holds none of them.
public struct PlanCertificate: Sendable, Hashable {
    /// The asset id (`sha256:` and the DER's digest).
    public var id: String
    public var subject: String
    public var issuer: String
    public var notAfter: Date
    public var isCA: Bool?
    public var selfSigned: Bool
    /// The key with its size or curve, as a group names it (`RSA-2048`, `ECDSA P-256`).
    public var current: String
    /// The key's algorithm as the action's change names it (`RSA`).
    public var replaces: String

    public init(
        id: String, subject: String, issuer: String, notAfter: Date, isCA: Bool?, selfSigned: Bool, current: String,
        replaces: String
    ) {
        self.id = id
        self.subject = subject
        self.issuer = issuer
        self.notAfter = notAfter
        self.isCA = isCA
        self.selfSigned = selfSigned
        self.current = current
        self.replaces = replaces
    }

    /// The certificate an asset is; nil for an asset without certificate details.
    public init?(_ asset: Asset) {
        guard let details = asset.certificate else { return nil }
        id = asset.id
        subject = details.subject
        issuer = details.issuer
        notAfter = details.notAfter
        isCA = details.isCA
        selfSigned = details.selfSigned
        current = Self.current(asset)
        replaces = asset.canonical ?? asset.algorithm
    }

    /// The key algorithm with its size or curve, as a group names it.
    public static func current(_ asset: Asset) -> String {
        let name = asset.canonical ?? asset.algorithm
        // Ed25519 and Ed448 carry their curve in the name; ECDSA needs it spelled out.
        if let curve = asset.curve, !name.contains(where: \.isNumber) { return "\(name) \(curve)" }
        if let bits = asset.keyBits, !name.contains(where: \.isNumber) { return "\(name)-\(bits)" }
        return name
    }
}

/// The scan's certificates, found by asset id, held as compactly as the planner can: each one's id and subject
/// as bytes (a `sha256:` id as its 32 bytes) in chunks of one buffer and a fixed-size record, the text
/// certificates share (issuer, key) once. Held as assets they were the plan's largest holding on
/// certificate-heavy trees (about 1 KB each, with their details; 400,000 of them at a million files).
public struct PlanCertificates: Sendable {
    struct Record {
        /// Where the id starts: a chunk of `text` and the offset in it; the subject follows the id.
        var chunk: Int32
        var offset: Int32
        /// The id's length as held (32 when `packed`).
        var idLength: Int32
        var subjectLength: Int32
        var notAfter: Date
        /// Numbers in `shared`.
        var issuer: Int32
        var current: Int32
        var replaces: Int32
        var isCA: Bool?
        var selfSigned: Bool
        /// The subject is ASCII: its byte order is its order as a string.
        var ascii: Bool
        /// The id is `sha256:` and 64 lower-case hex digits, held as the 32 bytes they spell.
        var packed: Bool
    }

    /// Bytes in chunks of at most `chunkSize` (a certificate's bytes never span two): a growing buffer copied
    /// whole at each doubling would hold up to three times the text at that moment.
    private var text: [[UInt8]] = []
    static let chunkSize = 1 << 20
    private var records: [Record] = []
    /// Record numbers by id (packed ids first, each part by its bytes), the first record of an id only.
    private var byID: [Int32] = []
    private var sealedCount = 0
    private var shared: [String] = []
    private var sharedNumbers: [String: Int32] = [:]

    public init() {}

    /// The certificates among `assets` (the first asset of an id counts).
    public init(_ assets: some Sequence<Asset>) {
        for asset in assets { add(asset) }
    }

    /// Room for `count` certificates' records, made once instead of by doubling.
    public mutating func reserveCapacity(_ count: Int) { records.reserveCapacity(count) }

    /// Adds `asset` when it is a certificate with details; a later asset of an id already held is not found.
    public mutating func add(_ asset: Asset) {
        guard let certificate = PlanCertificate(asset) else { return }
        let packedID = Self.packed(certificate.id)
        let idLength = packedID?.count ?? certificate.id.utf8.count
        let length = idLength + certificate.subject.utf8.count
        if text.isEmpty || text[text.count - 1].count + length > Self.chunkSize {
            var chunk: [UInt8] = []
            chunk.reserveCapacity(max(Self.chunkSize, length))
            text.append(chunk)
        }
        let chunk = text.count - 1
        let offset = text[chunk].count
        if let packedID {
            text[chunk].append(contentsOf: packedID)
        } else {
            text[chunk].append(contentsOf: certificate.id.utf8)
        }
        text[chunk].append(contentsOf: certificate.subject.utf8)
        records.append(
            Record(
                chunk: Int32(chunk), offset: Int32(offset), idLength: Int32(idLength),
                subjectLength: Int32(certificate.subject.utf8.count), notAfter: certificate.notAfter,
                issuer: number(certificate.issuer), current: number(certificate.current),
                replaces: number(certificate.replaces), isCA: certificate.isCA, selfSigned: certificate.selfSigned,
                ascii: certificate.subject.utf8.allSatisfy { $0 < 0x80 }, packed: packedID != nil))
    }

    public var count: Int { records.count }

    /// The certificate `number` (`0..<count`, in the order added).
    public subscript(number: Int) -> PlanCertificate {
        let record = records[number]
        return PlanCertificate(
            id: id(number), subject: subject(number), issuer: shared[Int(record.issuer)], notAfter: record.notAfter,
            isCA: record.isCA, selfSigned: record.selfSigned, current: shared[Int(record.current)],
            replaces: shared[Int(record.replaces)])
    }

    /// The asset id of certificate `number`.
    public func id(_ number: Int) -> String {
        let record = records[number]
        return bytes(record, 0..<Int(record.idLength)) { id in
            record.packed ? Self.unpacked(id) : String(decoding: id, as: UTF8.self)
        }
    }

    /// The subject of certificate `number`, without making the rest.
    public func subject(_ number: Int) -> String {
        let record = records[number]
        return bytes(record, Int(record.idLength)..<Int(record.idLength + record.subjectLength)) {
            String(decoding: $0, as: UTF8.self)
        }
    }

    /// The issuer of certificate `number`, without making the rest.
    public func issuer(_ number: Int) -> String { shared[Int(records[number].issuer)] }

    /// The name an action of certificate `number` has: its subject, or its asset id when the subject is empty.
    public func name(_ number: Int) -> String {
        records[number].subjectLength == 0 ? id(number) : subject(number)
    }

    /// `name(left) < name(right)` as strings, comparing bytes where both are ASCII subjects (the same order,
    /// without making either string).
    public func nameIsBefore(_ left: Int, _ right: Int) -> Bool {
        let one = records[left]
        let two = records[right]
        guard one.ascii, two.ascii, one.subjectLength > 0, two.subjectLength > 0 else {
            return name(left) < name(right)
        }
        return bytes(one, Int(one.idLength)..<Int(one.idLength + one.subjectLength)) { first in
            bytes(two, Int(two.idLength)..<Int(two.idLength + two.subjectLength)) { second in
                first.lexicographicallyPrecedes(second)
            }
        }
    }

    /// True when the names of `left` and `right` are equal strings.
    public func sameName(_ left: Int, _ right: Int) -> Bool {
        !nameIsBefore(left, right) && !nameIsBefore(right, left)
    }

    /// Sorts the ids for `number(of:)` now, if certificates were added since: copies made afterwards look up
    /// without sorting again each.
    mutating func prepareLookups() {
        if sealedCount != records.count { seal() }
    }

    /// The number of the first certificate added with asset id `id`.
    public mutating func number(of id: String) -> Int? {
        if sealedCount != records.count { seal() }
        let packed = Self.packed(id)
        var wanted = packed ?? Array(id.utf8)
        let isPacked = packed != nil
        return wanted.withUnsafeMutableBufferPointer { mutable in
            let wanted = UnsafeBufferPointer(mutable)
            var low = 0
            var high = byID.count
            while low < high {
                let middle = (low + high) / 2
                if precedes(records[Int(byID[middle])], (isPacked, wanted)) { low = middle + 1 } else { high = middle }
            }
            guard low < byID.count else { return nil }
            let record = records[Int(byID[low])]
            guard record.packed == isPacked else { return nil }
            return bytes(record, 0..<Int(record.idLength)) { $0.elementsEqual(wanted) } ? Int(byID[low]) : nil
        }
    }

    /// The day certificate `number` expires.
    public func expires(_ number: Int) -> CalendarDay { CalendarDay(records[number].notAfter) }

    /// The role of certificate `number`: (is a CA, is self-signed).
    public func authority(_ number: Int) -> (isCA: Bool?, selfSigned: Bool) {
        (records[number].isCA, records[number].selfSigned)
    }

    /// The key of certificate `number` as a group names it.
    public func current(_ number: Int) -> String { shared[Int(records[number].current)] }

    /// True when the id of `record` sorts before `key` (packed ids first, then by bytes).
    private func precedes(_ record: Record, _ key: (packed: Bool, bytes: UnsafeBufferPointer<UInt8>)) -> Bool {
        if record.packed != key.packed { return record.packed }
        return bytes(record, 0..<Int(record.idLength)) { $0.lexicographicallyPrecedes(key.bytes) }
    }

    /// Sorts the record numbers by id (`precedes`), keeping the first record of each id.
    private mutating func seal() {
        var order = Array(0..<Int32(records.count))
        order.sort { left, right in
            let one = records[Int(left)]
            let two = records[Int(right)]
            let before = bytes(two, 0..<Int(two.idLength)) { precedes(one, (two.packed, $0)) }
            let after = bytes(one, 0..<Int(one.idLength)) { precedes(two, (one.packed, $0)) }
            return before || (!after && left < right)
        }
        var kept: [Int32] = []
        kept.reserveCapacity(order.count)
        for number in order {
            if let last = kept.last {
                let one = records[Int(last)]
                let two = records[Int(number)]
                let same =
                    one.packed == two.packed
                    && bytes(one, 0..<Int(one.idLength)) { a in
                        bytes(two, 0..<Int(two.idLength)) { b in a.elementsEqual(b) }
                    }
                if same { continue }
            }
            kept.append(number)
        }
        byID = kept
        sealedCount = records.count
    }

    /// The bytes `range` of `record` (relative to its start).
    private func bytes<Result>(_ record: Record, _ range: Range<Int>, _ body: (UnsafeBufferPointer<UInt8>) -> Result)
        -> Result
    {
        text[Int(record.chunk)].withUnsafeBufferPointer { buffer in
            let start = Int(record.offset)
            return body(UnsafeBufferPointer(rebasing: buffer[start + range.lowerBound..<start + range.upperBound]))
        }
    }

    /// The 32 bytes of a `sha256:` id of 64 lower-case hex digits; nil for any other id.
    static func packed(_ id: String) -> [UInt8]? {
        let utf8 = id.utf8
        guard utf8.count == 71, utf8.starts(with: "sha256:".utf8) else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(32)
        var high: UInt8?
        for byte in utf8.dropFirst(7) {
            let nibble: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = byte - UInt8(ascii: "a") + 10
            default: return nil
            }
            if let first = high {
                out.append(first << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        return out
    }

    /// The id `packed` made `bytes` from.
    static func unpacked(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text = Array("sha256:".utf8)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    private mutating func number(_ string: String) -> Int32 {
        if let known = sharedNumbers[string] { return known }
        let number = Int32(shared.count)
        shared.append(string)
        sharedNumbers[string] = number
        return number
    }
}
