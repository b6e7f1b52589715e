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
    static func encode(_ header: AssessmentResult, chunkSize: Int = chunkSize) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // The gate's findings are rows (`AssessmentRecording.finish`): the document keeps how many there are.
        encoder.userInfo[GateOutcome.encodesCount] = true
        let pieces = Pieces()
        var bare = header
        bare.findings = []
        bare.systems = []
        try splice(encoder.encode(bare), key: "systems", into: pieces) {
            for (offset, system) in header.systems.enumerated() {
                if offset > 0 { pieces.append(comma) }
                try encode(system, encoder: encoder, chunkSize: max(1, chunkSize), into: pieces)
            }
        }
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
        let marker = Data("\"\(key)\":[]".utf8)
        guard let range = encoded.firstRange(of: marker),
            encoded[range.upperBound...].firstRange(of: marker) == nil
        else {
            throw EncodingError.invalidValue(
                key, .init(codingPath: [], debugDescription: "no single \(key) in the assessment's document"))
        }
        pieces.append(encoded[..<(range.upperBound - 1)])
        try items()
        pieces.append(encoded[(range.upperBound - 1)...])
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
