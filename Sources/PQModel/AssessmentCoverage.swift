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
    public var gaps: [Gap]

    public init(
        scanComplete: Bool, filesExamined: Int, filesWithFindings: Int, filesSkipped: Int, filesUnparsable: Int,
        sources: [String: Int], gaps: [Gap]
    ) {
        self.scanComplete = scanComplete
        self.filesExamined = filesExamined
        self.filesWithFindings = filesWithFindings
        self.filesSkipped = filesSkipped
        self.filesUnparsable = filesUnparsable
        self.sources = sources
        self.gaps = gaps
    }
}
