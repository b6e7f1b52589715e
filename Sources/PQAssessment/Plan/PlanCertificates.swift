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
/// as bytes in one buffer and a fixed-size record, the text certificates share (issuer, key) once. Held as
/// assets they were the plan's largest holding on certificate-heavy trees (about 1 KB each, with their details;
/// 400,000 of them at a million files).
public struct PlanCertificates: Sendable {
    struct Record {
        /// Where the id starts in `text`; the subject follows it.
        var start: Int
        var idLength: Int32
        var subjectLength: Int32
        var notAfter: Date
        /// Numbers in `shared`.
        var issuer: Int32
        var current: Int32
        var replaces: Int32
        var isCA: Bool?
        var selfSigned: Bool
        /// Id and subject are ASCII: their byte order is their order as strings.
        var ascii: Bool
    }

    private var text: [UInt8] = []
    private var records: [Record] = []
    /// Record numbers by id, the first record of an id only (`sealed`).
    private var byID: [Int32] = []
    private var sealedCount = 0
    private var shared: [String] = []
    private var sharedNumbers: [String: Int32] = [:]

    public init() {}

    /// The certificates among `assets` (the first asset of an id counts).
    public init(_ assets: some Sequence<Asset>) {
        for asset in assets { add(asset) }
    }

    /// Adds `asset` when it is a certificate with details; a later asset of an id already held is not found.
    public mutating func add(_ asset: Asset) {
        guard let certificate = PlanCertificate(asset) else { return }
        let start = text.count
        text.append(contentsOf: certificate.id.utf8)
        text.append(contentsOf: certificate.subject.utf8)
        records.append(
            Record(
                start: start, idLength: Int32(certificate.id.utf8.count),
                subjectLength: Int32(certificate.subject.utf8.count), notAfter: certificate.notAfter,
                issuer: number(certificate.issuer), current: number(certificate.current),
                replaces: number(certificate.replaces), isCA: certificate.isCA, selfSigned: certificate.selfSigned,
                ascii: text[start...].allSatisfy { $0 < 0x80 }))
    }

    public var count: Int { records.count }

    /// The certificate `number` (`0..<count`, in the order added).
    public subscript(number: Int) -> PlanCertificate {
        let record = records[number]
        return PlanCertificate(
            id: string(record.start, Int(record.idLength)), subject: subject(number),
            issuer: shared[Int(record.issuer)], notAfter: record.notAfter, isCA: record.isCA,
            selfSigned: record.selfSigned, current: shared[Int(record.current)],
            replaces: shared[Int(record.replaces)])
    }

    /// The subject of certificate `number`, without making the rest.
    public func subject(_ number: Int) -> String {
        let record = records[number]
        return string(record.start + Int(record.idLength), Int(record.subjectLength))
    }

    /// The issuer of certificate `number`, without making the rest.
    public func issuer(_ number: Int) -> String { shared[Int(records[number].issuer)] }

    /// The name an action of certificate `number` has: its subject, or its asset id when the subject is empty.
    public func name(_ number: Int) -> String {
        let record = records[number]
        return record.subjectLength == 0 ? string(record.start, Int(record.idLength)) : subject(number)
    }

    /// `name(left) < name(right)` as strings, comparing bytes where both are ASCII (the same order, without
    /// making either string).
    public func nameIsBefore(_ left: Int, _ right: Int) -> Bool {
        let one = records[left]
        let two = records[right]
        guard one.ascii, two.ascii else { return name(left) < name(right) }
        let first = nameBytes(one)
        let second = nameBytes(two)
        return text.withUnsafeBufferPointer { buffer in
            let a = UnsafeBufferPointer(rebasing: buffer[first])
            let b = UnsafeBufferPointer(rebasing: buffer[second])
            return a.lexicographicallyPrecedes(b)
        }
    }

    /// True when the names of `left` and `right` are equal strings.
    public func sameName(_ left: Int, _ right: Int) -> Bool {
        !nameIsBefore(left, right) && !nameIsBefore(right, left)
    }

    /// The number of the first certificate added with asset id `id`.
    public mutating func number(of id: String) -> Int? {
        if sealedCount != records.count { seal() }
        var key = id
        return key.withUTF8 { wanted in
            text.withUnsafeBufferPointer { buffer in
                var low = 0
                var high = byID.count
                while low < high {
                    let middle = (low + high) / 2
                    let record = records[Int(byID[middle])]
                    let held = UnsafeBufferPointer(
                        rebasing: buffer[record.start..<record.start + Int(record.idLength)])
                    if held.lexicographicallyPrecedes(wanted) { low = middle + 1 } else { high = middle }
                }
                guard low < byID.count else { return nil }
                let record = records[Int(byID[low])]
                let held = UnsafeBufferPointer(rebasing: buffer[record.start..<record.start + Int(record.idLength)])
                return held.elementsEqual(wanted) ? Int(byID[low]) : nil
            }
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

    /// Sorts the record numbers by id bytes (ids are looked up by their bytes: an asset id is compared as stored),
    /// keeping the first record of each id.
    private mutating func seal() {
        let records = records
        byID = text.withUnsafeBufferPointer { buffer in
            func id(_ number: Int32) -> UnsafeBufferPointer<UInt8> {
                let record = records[Int(number)]
                return UnsafeBufferPointer(rebasing: buffer[record.start..<record.start + Int(record.idLength)])
            }
            var order = Array(0..<Int32(records.count))
            order.sort { left, right in
                let a = id(left)
                let b = id(right)
                if a.elementsEqual(b) { return left < right }
                return a.lexicographicallyPrecedes(b)
            }
            var kept: [Int32] = []
            kept.reserveCapacity(order.count)
            for number in order where kept.last.map({ !id($0).elementsEqual(id(number)) }) ?? true {
                kept.append(number)
            }
            return kept
        }
        sealedCount = records.count
    }

    private func nameBytes(_ record: Record) -> Range<Int> {
        record.subjectLength == 0
            ? record.start..<record.start + Int(record.idLength)
            : record.start + Int(record.idLength)..<record.start + Int(record.idLength) + Int(record.subjectLength)
    }

    private func string(_ start: Int, _ length: Int) -> String {
        text.withUnsafeBufferPointer {
            String(decoding: UnsafeBufferPointer(rebasing: $0[start..<start + length]), as: UTF8.self)
        }
    }

    private mutating func number(_ string: String) -> Int32 {
        if let known = sharedNumbers[string] { return known }
        let number = Int32(shared.count)
        shared.append(string)
        sharedNumbers[string] = number
        return number
    }
}
