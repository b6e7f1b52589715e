/// What the assessment could and could not look at. "Not evaluated" is never reported as "nothing found".
public struct AssessmentCoverage: Codable, Sendable, Hashable {
    /// Something the assessment did not evaluate, and why.
    public struct Gap: Codable, Sendable, Hashable, Comparable {
        /// `file`, `format`, `algorithm`, `scan`, `software`.
        public var kind: String
        /// The path, format or algorithm concerned.
        public var subject: String
        public var reason: String

        public init(kind: String, subject: String, reason: String) {
            self.kind = kind
            self.subject = subject
            self.reason = reason
        }

        public static func < (lhs: Gap, rhs: Gap) -> Bool { (lhs.kind, lhs.subject) < (rhs.kind, rhs.subject) }
    }

    public var scanComplete: Bool
    public var filesExamined: Int
    public var filesWithFindings: Int
    /// Files the walker did not read (size, special file, link out of the tree, unreadable, ...).
    public var filesSkipped: Int
    /// Files read but not parsed (malformed, encrypted, unsupported, empty).
    public var filesUnparsable: Int
    /// Finding sources that produced at least one finding, with their counts.
    public var sources: [String: Int]
    /// In `Gap`'s order. Of the `file` gaps (one per diagnostic) only the first `CoverageAnalyzer.listedFileGaps`
    /// are listed: a hostile tree leaves hundreds of thousands, and the inventory lists every diagnostic.
    public var gaps: [Gap]
    /// The `file` gaps past those listed: counted, not listed.
    public var gapsLeftOut: Int

    public init(
        scanComplete: Bool, filesExamined: Int, filesWithFindings: Int, filesSkipped: Int, filesUnparsable: Int,
        sources: [String: Int], gaps: [Gap], gapsLeftOut: Int = 0
    ) {
        self.scanComplete = scanComplete
        self.filesExamined = filesExamined
        self.filesWithFindings = filesWithFindings
        self.filesSkipped = filesSkipped
        self.filesUnparsable = filesUnparsable
        self.sources = sources
        self.gaps = gaps
        self.gapsLeftOut = gapsLeftOut
    }

    private enum CodingKeys: String, CodingKey {
        case scanComplete, filesExamined, filesWithFindings, filesSkipped, filesUnparsable, sources, gaps, gapsLeftOut
    }

    /// Assessments stored before `gapsLeftOut` listed every gap: none was left out.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        scanComplete = try container.decode(Bool.self, forKey: .scanComplete)
        filesExamined = try container.decode(Int.self, forKey: .filesExamined)
        filesWithFindings = try container.decode(Int.self, forKey: .filesWithFindings)
        filesSkipped = try container.decode(Int.self, forKey: .filesSkipped)
        filesUnparsable = try container.decode(Int.self, forKey: .filesUnparsable)
        sources = try container.decode([String: Int].self, forKey: .sources)
        gaps = try container.decode([Gap].self, forKey: .gaps)
        gapsLeftOut = try container.decodeIfPresent(Int.self, forKey: .gapsLeftOut) ?? 0
    }
}
