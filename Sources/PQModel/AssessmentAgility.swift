/// A unit whose crypto-agility is scored: an sshd, an nginx server block, a certificate directory.
///
/// Derived from findings (Docs/scoring.md, "Systems"): configuration findings group by source, file and block
/// (`context`); certificates and keys group by the directory that holds them.
public struct SystemRef: Codable, Sendable, Hashable, Comparable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// One configuration file (or one block of it) of one piece of software.
        case configuration
        /// A directory holding certificates (and perhaps keys).
        case certificateStore = "certificate-store"
        /// A directory holding keys only (SSH keys, private keys, DH parameters).
        case keyStore = "key-store"
    }

    /// Stable id used by `--explain`: `openssh:etc/ssh/sshd_config`, `nginx:etc/nginx/nginx.conf#server www:443`,
    /// `store:etc/ssl/certs`.
    public var id: String
    public var kind: Kind
    public var source: String
    /// The file (configuration) or directory (stores).
    public var path: String
    public var context: String?

    public init(id: String, kind: Kind, source: String, path: String, context: String? = nil) {
        self.id = id
        self.kind = kind
        self.source = source
        self.path = path
        self.context = context
    }

    public static func < (lhs: SystemRef, rhs: SystemRef) -> Bool { lhs.id < rhs.id }
}

/// One dimension's contribution to a score: the points, the reason, and the findings behind it.
public struct ScoreAdjustment: Codable, Sendable, Hashable {
    /// The dimension's id (Docs/scoring.md): `hybrid-pq-offered`, `certificate-lifetime`, ...
    public var dimension: String
    /// Points added (positive) or taken away (negative); 0 for a dimension that was looked at and left the score.
    public var points: Int
    /// False when the dimension could not be evaluated for this system (the reason says why): not a clean bill.
    public var evaluated: Bool
    public var reason: String
    public var findings: [FindingRef]
    /// How many findings are behind the points when `findings` holds only the first few (a report's read of a
    /// stored assessment, `InventoryStore.latestAssessmentSummary(scanID:findingsPerAdjustment:)`); nil when
    /// `findings` is every one, as an assessment makes and writes it.
    public var findingTotal: Int?

    public init(dimension: String, points: Int, evaluated: Bool = true, reason: String, findings: [FindingRef] = []) {
        self.dimension = dimension
        self.points = points
        self.evaluated = evaluated
        self.reason = SourceCitation.citation(reason)
        self.findings = findings
    }
}

/// A crypto-agility score, 0-100 with a grade, and every point explained.
public struct AgilityScore: Codable, Sendable, Hashable {
    public var system: SystemRef
    /// The score the adjustments start from (Docs/scoring.md).
    public var baseline: Int
    public var score: Int
    public var grade: String
    public var adjustments: [ScoreAdjustment]
    /// How many findings the system holds.
    public var findingCount: Int
    /// The Mosca inputs this system's findings were judged with (per-system overrides applied); nil for the scan.
    public var mosca: MoscaInputs?
    /// The policy category this system was judged under when one was set for it (`--system-category`).
    public var category: String?

    public init(
        system: SystemRef, baseline: Int, score: Int, grade: String, adjustments: [ScoreAdjustment],
        findingCount: Int, mosca: MoscaInputs? = nil, category: String? = nil
    ) {
        self.system = system
        self.baseline = baseline
        self.score = score
        self.grade = grade
        self.adjustments = adjustments
        self.findingCount = findingCount
        self.mosca = mosca
        self.category = category
    }

    /// Dimensions that could not be evaluated, in words.
    public var notEvaluated: [ScoreAdjustment] { adjustments.filter { !$0.evaluated } }

    /// True when this is a whole scan's score whose line for each system is left out of `adjustments`, which then
    /// holds only its `mean` line: an assessment that hands each system on as it is scored keeps no line per
    /// system (200,000 systems on a 1-million-file tree), and whoever writes the score puts them back from the
    /// systems (`restoringSystemLines`). Not encoded: a written score always holds its lines.
    public var systemLinesLeftOut = false

    private enum CodingKeys: String, CodingKey {
        case system, baseline, score, grade, adjustments, findingCount, mosca, category
    }

    /// The whole scan's score with its line for each system put back before its `mean` line, from the systems'
    /// scores in the result's order as `forEach` hands them over (`ScoreAdjustment.systemLine`); this score when
    /// no line was left out.
    public func restoringSystemLines(_ forEach: ((AgilityScore) throws -> Void) throws -> Void) rethrows
        -> AgilityScore
    {
        guard systemLinesLeftOut else { return self }
        var lines: [ScoreAdjustment] = []
        try forEach { lines.append(.systemLine($0)) }
        var out = self
        out.adjustments = lines + adjustments
        out.systemLinesLeftOut = false
        return out
    }
}

extension ScoreAdjustment {
    /// A system's line in the whole scan's score: 0 points, its score, grade and number of findings in words.
    public static func systemLine(id: String, score: Int, grade: String, findingCount: Int) -> ScoreAdjustment {
        ScoreAdjustment(
            dimension: "system", points: 0, reason: "\(id) scored \(score) (\(grade)), \(findingCount) findings")
    }

    /// `systemLine(id:score:grade:findingCount:)` of a system's score.
    public static func systemLine(_ score: AgilityScore) -> ScoreAdjustment {
        systemLine(id: score.system.id, score: score.score, grade: score.grade, findingCount: score.findingCount)
    }
}
