import Foundation
import PQModel

/// The JSON document `assessments.document` holds: an assessment without its findings (nor its gate's, whose
/// number it keeps as `gate.count`), compact and key-sorted.
///
/// Encoded in pieces, the same bytes as one `JSONEncoder.encode` of the whole: each system, each of its
/// adjustments, and the findings an adjustment cites a few thousand at a time, written where their empty form
/// stands. A whole encode built a tree of every finding an adjustment cites (about 550 bytes each, then the bytes
/// twice over: 230 MB for 80,000 certificates whose document is 37 MB); the pieces hold one chunk's tree at a time
/// beside the document's bytes.
enum AssessmentDocument {
    /// Findings an adjustment cites, encoded at a time.
    static let chunkSize = 4096

    /// The document of `header` (its findings are not read: they are rows).
    /// - Parameter systemLines: when the overall score's line for each system is left out
    ///   (`AgilityScore.systemLinesLeftOut`), hands them over in the systems' order; they are written before its
    ///   `mean` line, as one `JSONEncoder.encode` of the whole score would write them.
    static func encode(
        _ header: AssessmentResult, chunkSize: Int = chunkSize,
        systemLines: (((ScoreAdjustment) throws -> Void) throws -> Void)? = nil
    ) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // The gate's findings are rows (`AssessmentRecording.finish`): the document keeps how many there are.
        encoder.userInfo[GateOutcome.encodesCount] = true
        let pieces = Pieces()
        var bare = header
        bare.findings = []
        bare.systems = []
        var arrays: [(key: String, items: () throws -> Void)] = [
            (
                "systems",
                {
                    for (offset, system) in header.systems.enumerated() {
                        if offset > 0 { pieces.append(comma) }
                        try encode(system, encoder: encoder, chunkSize: max(1, chunkSize), into: pieces)
                    }
                }
            )
        ]
        if header.overall.systemLinesLeftOut {
            guard let systemLines else {
                throw EncodingError.invalidValue(
                    header.overall,
                    .init(codingPath: [], debugDescription: "the overall score's system lines were not handed over"))
            }
            // The only adjustments of the bare document: its systems are empty.
            bare.overall.adjustments = []
            arrays.append(
                (
                    "adjustments",
                    {
                        var first = true
                        func write(_ line: ScoreAdjustment) throws {
                            if !first { pieces.append(comma) }
                            first = false
                            pieces.append(try encoder.encode(line))
                        }
                        try systemLines(write)
                        for line in header.overall.adjustments { try write(line) }
                    }
                ))
        }
        try splice(encoder.encode(bare), arrays, into: pieces)
        return pieces.joined()
    }

    /// The document of one system (`assessment_systems.document`): the bytes it has inside an assessment's
    /// document, encoded in the same pieces.
    static func encode(_ score: AgilityScore, chunkSize: Int = chunkSize) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let pieces = Pieces()
        try encode(score, encoder: encoder, chunkSize: max(1, chunkSize), into: pieces)
        return pieces.joined()
    }

    private static let comma = Data(",".utf8)

    private static func encode(
        _ score: AgilityScore, encoder: JSONEncoder, chunkSize: Int, into pieces: Pieces
    ) throws {
        var bare = score
        bare.adjustments = []
        try splice(encoder.encode(bare), key: "adjustments", into: pieces) {
            for (offset, adjustment) in score.adjustments.enumerated() {
                if offset > 0 { pieces.append(comma) }
                var plain = adjustment
                plain.findings = []
                try splice(encoder.encode(plain), key: "findings", into: pieces) {
                    var start = adjustment.findings.startIndex
                    while start < adjustment.findings.endIndex {
                        let end = min(start + chunkSize, adjustment.findings.endIndex)
                        if start > adjustment.findings.startIndex { pieces.append(comma) }
                        // `[a,b]` without its brackets.
                        let chunk = try encoder.encode(Array(adjustment.findings[start..<end]))
                        pieces.append(chunk.dropFirst().dropLast())
                        start = end
                    }
                }
            }
        }
    }

    /// Writes `encoded` (an object whose array `key` is empty) with that array's items written by `items` between
    /// its brackets. The key must be one of the object's own, not of a nested value: a string value cannot hold the
    /// marker (its quotes are escaped), and the caller empties the only array under that key.
    private static func splice(
        _ encoded: Data, key: String, into pieces: Pieces, items: () throws -> Void
    ) throws {
        try withoutActuallyEscaping(items) { items in try splice(encoded, [(key, items)], into: pieces) }
    }

    /// `splice(_:key:into:items:)` of several arrays, each key once in `encoded`, in whatever order they stand.
    private static func splice(
        _ encoded: Data, _ arrays: [(key: String, items: () throws -> Void)], into pieces: Pieces
    ) throws {
        var found: [(range: Range<Data.Index>, items: () throws -> Void)] = []
        for (key, items) in arrays {
            let marker = Data("\"\(key)\":[]".utf8)
            guard let range = encoded.firstRange(of: marker),
                encoded[range.upperBound...].firstRange(of: marker) == nil
            else {
                throw EncodingError.invalidValue(
                    key, .init(codingPath: [], debugDescription: "no single \(key) in the assessment's document"))
            }
            found.append((range, items))
        }
        var start = encoded.startIndex
        for (range, items) in found.sorted(by: { $0.range.lowerBound < $1.range.lowerBound }) {
            pieces.append(encoded[start..<(range.upperBound - 1)])
            try items()
            start = range.upperBound - 1
        }
        pieces.append(encoded[start...])
    }

    /// The document's bytes as they are written, joined once into one string at the end. A class: the closures that
    /// write items append to it while `splice` does.
    private final class Pieces {
        private var parts: [Data] = []
        private var count = 0

        func append(_ piece: Data) {
            guard !piece.isEmpty else { return }
            parts.append(piece)
            count += piece.count
        }

        /// One string of every piece, built in place: no growing buffer that copies itself.
        func joined() -> String {
            String(unsafeUninitializedCapacity: count) { buffer in
                var at = 0
                for part in parts {
                    part.withUnsafeBytes { raw in
                        _ = UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(buffer)[at...])
                            .initializeMemory(as: UInt8.self, from: raw.bindMemory(to: UInt8.self))
                    }
                    at += part.count
                }
                return at
            }
        }
    }
}
