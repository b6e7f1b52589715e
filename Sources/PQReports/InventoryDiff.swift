import Foundation
import PQModel

/// What changed between two scans, finding by finding, matched by identity rather than by row number.
///
/// A finding's identity is where it is and what it is: path, source, setting, usage, context, the algorithm as
/// written, and the asset (content-derived, so a renewed certificate is a different asset). Findings with the
/// same identity in both scans are the same finding; when a value around it differs (line, status, key size,
/// curve, whether it is in effect, note), it is *changed*. Then what is left at the same place (path, source,
/// setting, usage, context) is paired in order as changed too: a key replaced in place, a cipher list edited.
/// The rest is added or removed.
public struct InventoryDiff: Sendable, Hashable {
    public struct Change: Sendable, Hashable {
        public var before: Finding
        public var after: Finding
        /// Names of the contract fields that differ (`quantumStatus`, `line`, ...).
        public var fields: [String]
    }

    public var fromScan: Int64
    public var toScan: Int64
    public var added: [Finding]
    public var removed: [Finding]
    public var changed: [Change]
    public var unchanged: Int

    public var isEmpty: Bool { added.isEmpty && removed.isEmpty && changed.isEmpty }

    public static func compute(from: Int64, _ before: [Finding], to: Int64, _ after: [Finding]) -> InventoryDiff {
        struct Identity: Hashable {
            var place: Place
            var algorithm: String
            var asset: String?
        }
        struct Place: Hashable {
            var path: ScanPath
            var source: String
            var setting: String
            var usage: Usage
            var context: String?
        }
        func place(_ f: Finding) -> Place {
            Place(path: f.path, source: f.source.rawValue, setting: f.setting, usage: f.usage, context: f.context)
        }
        func identity(_ f: Finding) -> Identity { Identity(place: place(f), algorithm: f.algorithm, asset: f.asset) }

        var pending: [Identity: [Finding]] = [:]
        for finding in before.sorted(by: ReportOrder.finding) {
            pending[identity(finding), default: []].append(finding)
        }
        var changed: [Change] = []
        var unmatchedAfter: [Finding] = []
        var unchanged = 0
        for finding in after.sorted(by: ReportOrder.finding) {
            let key = identity(finding)
            guard var list = pending[key], !list.isEmpty else {
                unmatchedAfter.append(finding)
                continue
            }
            let previous = list.removeFirst()
            pending[key] = list
            let fields = differences(previous, finding)
            if fields.isEmpty {
                unchanged += 1
            } else {
                changed.append(Change(before: previous, after: finding, fields: fields))
            }
        }
        var leftByPlace: [Place: [Finding]] = [:]
        for finding in pending.values.flatMap({ $0 }).sorted(by: ReportOrder.finding) {
            leftByPlace[place(finding), default: []].append(finding)
        }
        var added: [Finding] = []
        for finding in unmatchedAfter {
            let key = place(finding)
            guard var list = leftByPlace[key], !list.isEmpty else {
                added.append(finding)
                continue
            }
            let previous = list.removeFirst()
            leftByPlace[key] = list
            changed.append(Change(before: previous, after: finding, fields: differences(previous, finding)))
        }
        let removed = leftByPlace.values.flatMap { $0 }.sorted(by: ReportOrder.finding)
        changed.sort { ReportOrder.finding($0.after, $1.after) }
        return InventoryDiff(
            fromScan: from, toScan: to, added: added, removed: removed, changed: changed, unchanged: unchanged)
    }

    /// `compute` over findings handed over one path at a time (`paths` calls its argument with each path's findings
    /// of the earlier and the later scan, paths in byte order): the same diff, holding one path's findings at a
    /// time besides what the diff lists. Every match is within one path (the identity and the place both hold
    /// it), and every list is in `ReportOrder.finding`'s order, which sorts by path first: so the diff of the
    /// whole is the diffs of the paths put end to end.
    public static func compute(
        from: Int64, to: Int64, paths: ((_ before: [Finding], _ after: [Finding]) throws -> Void) throws -> Void
    ) throws -> InventoryDiff {
        var diff = InventoryDiff(fromScan: from, toScan: to, added: [], removed: [], changed: [], unchanged: 0)
        try paths { before, after in
            let part = compute(from: from, before, to: to, after)
            diff.added += part.added
            diff.removed += part.removed
            diff.changed += part.changed
            diff.unchanged += part.unchanged
        }
        return diff
    }

    static func differences(_ a: Finding, _ b: Finding) -> [String] {
        var fields: [String] = []
        if a.line != b.line { fields.append("line") }
        if a.algorithm != b.algorithm { fields.append("algorithm") }
        if a.canonical != b.canonical { fields.append("canonical") }
        if a.oid != b.oid { fields.append("oid") }
        if a.keyBits != b.keyBits { fields.append("keyBits") }
        if a.curve != b.curve { fields.append("curve") }
        if a.quantumStatus != b.quantumStatus { fields.append("quantumStatus") }
        if a.effective != b.effective { fields.append("effective") }
        if a.origin != b.origin { fields.append("origin") }
        if a.asset != b.asset { fields.append("asset") }
        if a.note != b.note { fields.append("note") }
        return fields
    }

    // MARK: - Output

    public enum Format: Sendable {
        case text, json
    }

    /// How many findings a written diff lists of each kind.
    public struct Totals: Sendable, Hashable {
        public var added = 0
        public var removed = 0
        public var changed = 0
        public var unchanged = 0

        public init(added: Int = 0, removed: Int = 0, changed: Int = 0, unchanged: Int = 0) {
            self.added = added
            self.removed = removed
            self.changed = changed
            self.unchanged = unchanged
        }
    }

    /// Plain text for the terminal: one line per change, control characters removed.
    public func text() throws -> String {
        try rendered(.text)
    }

    /// JSON: `{"from", "to", "added": [findings], "removed": [...], "changed": [{"before", "after", "fields"}],
    /// "unchanged"}`, keys sorted, pretty-printed as `ReportJSONEncoder` prints.
    public func json() throws -> String {
        try rendered(.json)
    }

    private func rendered(_ format: Format) throws -> String {
        let data = try ReportOutput.collect { output in
            let writer = try Writer(from: fromScan, to: toScan, format: format)
            defer { writer.remove() }
            try writer.add(self)
            try writer.finish(to: output)
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Writes the diff of the paths `paths` hands over (as `compute(from:to:paths:)` takes them) in `format`, the
    /// bytes `text()` or `json()` give for the whole: one path's findings in memory at a time, each list parked in
    /// a temporary file until the counts that head the text, or the JSON's sorted keys, let it out.
    public static func write(
        from: Int64, to: Int64, format: Format,
        paths: ((_ before: [Finding], _ after: [Finding]) throws -> Void) throws -> Void, to output: ReportOutput
    ) throws -> Totals {
        let writer = try Writer(from: from, to: to, format: format)
        defer { writer.remove() }
        try paths { before, after in try writer.add(compute(from: from, before, to: to, after)) }
        try writer.finish(to: output)
        return writer.totals
    }

    /// The lists of a diff, rendered as its parts come and parked, then written out in order.
    final class Writer {
        let from: Int64
        let to: Int64
        let format: Format
        private(set) var totals = Totals()
        private let added: SpillFile
        private let removed: SpillFile
        private let changed: SpillFile
        private let encoder = ReportJSONEncoder.make()

        init(from: Int64, to: Int64, format: Format) throws {
            self.from = from
            self.to = to
            self.format = format
            added = try SpillFile()
            removed = try SpillFile()
            changed = try SpillFile()
        }

        struct ChangeBody: Encodable {
            var before: Finding
            var after: Finding
            var fields: [String]
        }

        /// Parks a part's lists after those of the parts before it.
        func add(_ part: InventoryDiff) throws {
            switch format {
            case .text:
                _ = try added.append(part.added.map { "+ " + Self.describe($0) + "\n" }.joined())
                _ = try removed.append(part.removed.map { "- " + Self.describe($0) + "\n" }.joined())
                _ = try changed.append(
                    part.changed.map {
                        "~ " + Self.describe($0.after) + "  (" + $0.fields.joined(separator: ", ") + "; was "
                            + Self.describe($0.before) + ")\n"
                    }.joined())
            case .json:
                _ = try added.append(try elements(part.added, after: totals.added))
                _ = try removed.append(try elements(part.removed, after: totals.removed))
                _ = try changed.append(
                    try elements(
                        part.changed.map { ChangeBody(before: $0.before, after: $0.after, fields: $0.fields) },
                        after: totals.changed))
            }
            totals.added += part.added.count
            totals.removed += part.removed.count
            totals.changed += part.changed.count
            totals.unchanged += part.unchanged
        }

        /// A part's elements as they stand inside the document's array (one encode for the part, not one per
        /// element: twice as fast), `after` being how many of the array come before them.
        private func elements<T: Encodable>(_ values: [T], after: Int) throws -> String {
            guard !values.isEmpty else { return "" }
            // `[\n    a,\n    b\n  ]` at depth 2: the elements are what lies between its first and last line.
            let array = try ReportJSONEncoder.nested(values, indent: 2, encoder: encoder)
            return (after == 0 ? "" : ",\n    ") + array.dropFirst(6).dropLast(4)
        }

        func finish(to output: ReportOutput) throws {
            switch format {
            case .text:
                try output.write(
                    "Scan \(from) → scan \(to): \(totals.added) added, \(totals.removed) removed, "
                        + "\(totals.changed) changed, \(totals.unchanged) unchanged\n")
                try added.copyAll(to: output)
                try removed.copyAll(to: output)
                try changed.copyAll(to: output)
            case .json:
                // Keys in sorted order, as the whole document's encoder writes them.
                func array(_ key: String, _ spill: SpillFile, count: Int) throws {
                    try output.write("\n  \"\(key)\" : ")
                    if count == 0 {
                        try output.write(try ReportJSONEncoder.nested([Finding](), indent: 2, encoder: encoder))
                    } else {
                        try output.write("[\n    ")
                        try spill.copyAll(to: output)
                        try output.write("\n  ]")
                    }
                    try output.write(",")
                }
                try output.write("{")
                try array("added", added, count: totals.added)
                try array("changed", changed, count: totals.changed)
                try output.write("\n  \"from\" : \(from),")
                try array("removed", removed, count: totals.removed)
                try output.write("\n  \"to\" : \(to),\n  \"unchanged\" : \(totals.unchanged)\n}\n")
            }
        }

        func remove() {
            added.remove()
            removed.remove()
            changed.remove()
        }

        static func describe(_ f: Finding) -> String {
            var text = "\(f.path.display)" + (f.line.map { ":\($0)" } ?? "") + "  \(f.setting)  "
            text += (f.canonical ?? f.algorithm)
            if let bits = f.keyBits { text += " \(bits)" }
            if let curve = f.curve { text += " \(curve)" }
            text += "  \(f.quantumStatus.rawValue)"
            if let context = f.context { text += "  [\(context)]" }
            return TextTable.clean(text)
        }
    }

    /// Why a scan has nothing to compare with: it is the first scan of its roots.
    public static func nothingToCompareNote(to: Int64) -> String {
        "scan \(to) is the first scan of its roots; name an earlier scan with --from to compare"
    }

    /// `text()` when there is nothing to compare.
    public static func nothingToCompareText(to: Int64) -> String {
        "Nothing to compare: \(nothingToCompareNote(to: to)).\n"
    }

    /// `json()` when there is nothing to compare: `{"from": null, "to", "added": [], ..., "note"}`, keys sorted.
    public static func nothingToCompareJSON(to: Int64) throws -> String {
        struct Body: Encodable {
            var from: Int64?
            var to: Int64
            var added: [Finding] = []
            var removed: [Finding] = []
            var changed: [Finding] = []
            var unchanged = 0
            var note: String

            enum CodingKeys: String, CodingKey { case from, to, added, removed, changed, unchanged, note }

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(from, forKey: .from)  // null, not left out: the key is part of the shape
                try container.encode(to, forKey: .to)
                try container.encode(added, forKey: .added)
                try container.encode(removed, forKey: .removed)
                try container.encode(changed, forKey: .changed)
                try container.encode(unchanged, forKey: .unchanged)
                try container.encode(note, forKey: .note)
            }
        }
        let body = Body(to: to, note: nothingToCompareNote(to: to))
        return String(decoding: try ReportJSONEncoder.make().encode(body), as: UTF8.self) + "\n"
    }
}
