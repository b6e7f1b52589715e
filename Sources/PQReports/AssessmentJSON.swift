import Foundation
import PQModel

/// The JSON document of `assess --format json`: one `AssessmentResult` (Docs/policies.md, Docs/scoring.md).
public enum AssessmentJSON {
    /// Pretty, key-sorted JSON ending in a newline: the same assessment gives the same bytes.
    public static func render(_ result: AssessmentResult) throws -> String {
        let encoder = ReportJSONEncoder.make()
        var whole = result
        let systems = result.systems
        whole.overall = try result.overall.restoringSystemLines { body in for system in systems { try body(system) } }
        return String(decoding: try encoder.encode(whole), as: UTF8.self) + "\n"
    }

    /// Writes the bytes `render(_:)` returns in pieces, each judged finding and each system encoded alone, so the
    /// whole document (2.2 GB for 1.78 million findings) is never one string in memory.
    public static func write(_ result: AssessmentResult, to write: (String) -> Void) throws {
        let findings = result.findings
        try self.write(result, findings: { body in for item in findings { try body(item) } }, to: write)
    }

    /// `write(_:to:)` with the findings handed over by `findings` (a cursor over stored rows, in their order)
    /// instead of read from `result.findings`, which is not read; the gate's findings by `gated` (in inventory
    /// order) when given, instead of from `result.gate`, whose findings are then not read; likewise the systems by
    /// `systems` when given. When the overall score's line for each system is left out
    /// (`AgilityScore.systemLinesLeftOut`), they are written from the systems `systemLines` hands over (in the
    /// result's order; their adjustments are not read, so they may be trimmed), else from the systems.
    public static func write(
        _ result: AssessmentResult, findings: ((FindingAssessment) throws -> Void) throws -> Void,
        gated: (((FindingRef) throws -> Void) throws -> Void)? = nil,
        systems: (((AgilityScore) throws -> Void) throws -> Void)? = nil,
        systemLines: (((AgilityScore) throws -> Void) throws -> Void)? = nil, to write: (String) -> Void
    ) throws {
        let encoder = ReportJSONEncoder.make()
        // Each piece indented as it stands in the whole document: every line but the first and the empty ones
        // (an empty array's) shifted right. On bytes: splitting and joining Strings doubled the CPU time.
        func encoded<T: Encodable>(_ value: T, indent: Int) throws -> String {
            let data = try encoder.encode(value)
            var out: [UInt8] = []
            out.reserveCapacity(data.count + data.count / 4)
            data.withUnsafeBytes { raw in
                let bytes = raw.bindMemory(to: UInt8.self)
                for (offset, byte) in bytes.enumerated() {
                    out.append(byte)
                    guard byte == UInt8(ascii: "\n"), offset + 1 < bytes.count, bytes[offset + 1] != byte else {
                        continue
                    }
                    out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent))
                }
            }
            return String(decoding: out, as: UTF8.self)
        }
        // The document without its long arrays; each is written where its empty form stands. Keys at the top
        // level are the only ones indented by two spaces, so each marker occurs once; the gate's findings are the
        // first key indented by four after the gate's own.
        var header = result
        header.findings = []
        header.systems = []
        header.gate?.findings = []
        if result.overall.systemLinesLeftOut { header.overall.adjustments = [] }
        var rest = Substring(try encoded(header, indent: 0))
        func array<T: Encodable>(
            _ key: String, indent: Int = 2, after parent: String? = nil, _ forEach: ((T) throws -> Void) throws -> Void
        ) throws {
            let margin = String(repeating: " ", count: indent)
            let inner = String(repeating: " ", count: indent + 2)
            let marker = "\n\(margin)\"\(key)\" : " + (try encoded([T](), indent: indent))
            let start = parent.flatMap { rest.range(of: $0)?.upperBound } ?? rest.startIndex
            guard parent == nil || start != rest.startIndex, let range = rest[start...].range(of: marker) else {
                throw EncodingError.invalidValue(
                    key, .init(codingPath: [], debugDescription: "no \(key) in the assessment's document"))
            }
            write(String(rest[..<range.lowerBound]) + "\n\(margin)\"\(key)\" : ")
            var first = true
            // The items come from a closure that calls back: `write` is only called while `forEach` runs.
            try withoutActuallyEscaping(write) { write in
                try forEach { item in
                    write((first ? "[\n" : ",\n") + inner + (try encoded(item, indent: indent + 2)))
                    first = false
                }
            }
            if first {
                write(try encoded([T](), indent: indent))
            } else {
                write("\n\(margin)]")
            }
            rest = rest[range.upperBound...]
        }
        try array("findings", findings)
        if let gate = result.gate {
            let held = gate.findings
            try array(
                "findings", indent: 4, after: "\n  \"gate\" : {",
                gated ?? { (body: (FindingRef) throws -> Void) in for ref in held { try body(ref) } })
        }
        let held = result.systems
        let forEachSystem = systems ?? { (body: (AgilityScore) throws -> Void) in for item in held { try body(item) } }
        if result.overall.systemLinesLeftOut {
            let scored = systemLines ?? forEachSystem
            let mean = result.overall.adjustments
            try array("adjustments", indent: 4, after: "\n  \"overall\" : {") {
                (body: (ScoreAdjustment) throws -> Void) in
                try scored { try body(.systemLine($0)) }
                for line in mean { try body(line) }
            }
        }
        try array("systems", forEachSystem)
        write(String(rest) + "\n")
    }

    /// The `--explain SYSTEM --format json` form: the explained scores, each with every adjustment.
    public static func render(_ scores: [AgilityScore]) throws -> String {
        let encoder = ReportJSONEncoder.make()
        return String(decoding: try encoder.encode(scores), as: UTF8.self) + "\n"
    }

    /// Reads a document back.
    public static func parse(_ data: Data) throws -> AssessmentResult {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(AssessmentResult.self, from: data)
    }
}
