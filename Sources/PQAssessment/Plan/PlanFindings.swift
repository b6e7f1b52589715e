import PQModel

/// Where the planner's kept findings live (`PlanInput.gathering`). On the benchmark trees they are the plan's largest
/// holding and grow with the tree (two per certificate, one per TLS server's protocol line): a caller that plans a
/// whole scan passes a table that parks them on disk (the Kit's `PlanFindingSpill`) and keeps an offset each.
/// PQAssessment does no I/O, so the default table holds them in memory.
public protocol PlanFindingTable: AnyObject, Sendable {
    var count: Int { get }
    /// Adds `finding` at index `count`.
    func append(_ finding: Finding)
    /// The finding added at `index` (`0..<count`), equal to the one added.
    func finding(at index: Int) -> Finding
}

/// The findings in memory, as given.
public final class InMemoryPlanFindingTable: PlanFindingTable, @unchecked Sendable {
    // Unchecked: the planner is single-threaded; a table is filled before it is read and never shared while filled.
    private var findings: [Finding]

    public init(_ findings: [Finding] = []) { self.findings = findings }

    public var count: Int { findings.count }
    public func append(_ finding: Finding) { findings.append(finding) }
    public func finding(at index: Int) -> Finding { findings[index] }
}

/// The planner's findings, read through their table: `context.findings[index]` whether they sit in memory or on
/// disk.
public struct PlanFindings: RandomAccessCollection, Sendable {
    public let table: any PlanFindingTable

    public init(_ table: any PlanFindingTable) { self.table = table }

    public init(_ findings: [Finding]) { self.table = InMemoryPlanFindingTable(findings) }

    public var startIndex: Int { 0 }
    public var endIndex: Int { table.count }
    public subscript(position: Int) -> Finding { table.finding(at: position) }
}

/// A finding as bytes and back, for a table that parks findings outside the heap: every field, in a fixed order,
/// strings as their UTF-8 length (LEB128) and bytes, so a decoded finding is equal (`==`) to the encoded one.
public enum PlanFindingCoding {
    public static func encode(_ finding: Finding, into out: inout [UInt8]) {
        bytes(finding.path.bytes, &out)
        number(finding.line, &out)
        string(finding.source.rawValue, &out)
        string(finding.setting, &out)
        string(finding.usage.rawValue, &out)
        string(finding.algorithm, &out)
        string(finding.canonical, &out)
        string(finding.oid, &out)
        number(finding.keyBits, &out)
        string(finding.curve, &out)
        string(finding.quantumStatus.rawValue, &out)
        string(finding.context, &out)
        out.append(finding.effective ? 1 : 0)
        string(finding.origin.rawValue, &out)
        string(finding.asset, &out)
        string(finding.note, &out)
    }

    /// The finding `encode` wrote at the start of `bytes`; nil when the bytes are not one (cut short, or a value a
    /// model enum does not know).
    public static func decode(_ bytes: UnsafeRawBufferPointer) -> Finding? {
        var reader = Reader(bytes: bytes)
        guard let path = reader.byteArray(), let line = reader.number(), let source = reader.string(),
            let setting = reader.string(), let usageText = reader.string(), let usage = Usage(rawValue: usageText),
            let algorithm = reader.string(), let canonical = reader.optionalString(),
            let oid = reader.optionalString(), let keyBits = reader.number(), let curve = reader.optionalString(),
            let statusText = reader.string(), let status = QuantumStatus(rawValue: statusText),
            let context = reader.optionalString(), let effective = reader.byte(), let originText = reader.string(),
            let origin = Origin(rawValue: originText), let asset = reader.optionalString(),
            let note = reader.optionalString()
        else { return nil }
        return Finding(
            path: ScanPath(bytes: path), line: line, source: FindingSource(rawValue: source), setting: setting,
            usage: usage, algorithm: algorithm, canonical: canonical, oid: oid, keyBits: keyBits, curve: curve,
            quantumStatus: status, context: context, effective: effective != 0, origin: origin, asset: asset,
            note: note)
    }

    private static func varint(_ value: UInt64, _ out: inout [UInt8]) {
        var rest = value
        while rest >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        out.append(UInt8(rest))
    }

    private static func bytes(_ value: some Collection<UInt8>, _ out: inout [UInt8]) {
        varint(UInt64(value.count), &out)
        out.append(contentsOf: value)
    }

    /// 0 for nil, else 1 + the length, then the bytes.
    private static func string(_ value: String?, _ out: inout [UInt8]) {
        guard let value else { return out.append(0) }
        varint(UInt64(value.utf8.count) + 1, &out)
        out.append(contentsOf: value.utf8)
    }

    private static func string(_ value: String, _ out: inout [UInt8]) { string(Optional(value), &out) }

    /// 0 for nil, else 1 then the value's bits (zigzag, so negatives stay short).
    private static func number(_ value: Int?, _ out: inout [UInt8]) {
        guard let value else { return out.append(0) }
        out.append(1)
        varint(UInt64(bitPattern: Int64((value << 1) ^ (value >> (Int.bitWidth - 1)))), &out)
    }

    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var offset = 0

        mutating func byte() -> UInt8? {
            guard offset < bytes.count else { return nil }
            defer { offset += 1 }
            return bytes[offset]
        }

        mutating func varint() -> UInt64? {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while shift < 64, let next = byte() {
                value |= UInt64(next & 0x7F) << shift
                if next < 0x80 { return value }
                shift += 7
            }
            return nil
        }

        mutating func slice(_ count: UInt64) -> UnsafeRawBufferPointer? {
            guard count <= UInt64(bytes.count - offset) else { return nil }
            defer { offset += Int(count) }
            return UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + Int(count)])
        }

        mutating func byteArray() -> [UInt8]? {
            guard let count = varint(), let slice = slice(count) else { return nil }
            return Array(slice)
        }

        /// nil when cut short; `.some(nil)` for an absent string.
        mutating func optionalString() -> String?? {
            guard let marker = varint() else { return nil }
            guard marker > 0 else { return .some(nil) }
            guard let slice = slice(marker - 1) else { return nil }
            return .some(String(decoding: slice, as: UTF8.self))
        }

        mutating func string() -> String? {
            guard let value = optionalString() else { return nil }
            return value
        }

        mutating func number() -> Int?? {
            guard let marker = byte() else { return nil }
            guard marker > 0 else { return .some(nil) }
            guard let raw = varint() else { return nil }
            return .some(Int(Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))))
        }
    }
}
