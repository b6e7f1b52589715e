import Foundation
import PQModel

/// An assessment being recorded while it is judged: each judged finding is handed over as it is produced and goes
/// to the store in batches, so no list of every judged finding is held (1.78 million took 2.9 GB); so does each
/// scored system (`add(_:position:)`), as `assessment_systems` rows.
///
/// The batches are staged where only this recording sees them (a temporary table of the recording's own
/// connection) with their rank (`RiskRank`); `finish` then writes the assessment in one transaction: its document,
/// its shared parts, and its findings copied from the stage sorted by rank, so `assessment_findings.position` is
/// the rank in risk order as if the findings had been sorted in memory (the store sorts on disk). An assessment that
/// is never finished leaves nothing behind.
///
/// Not shareable between tasks: one judge feeds one recording.
public final class AssessmentRecording {
    /// Judged findings per staged batch.
    public static let defaultBatchSize = 10_000

    /// How the recorded findings are ordered.
    public enum Order: Sendable {
        /// By rank (`RiskRank`): highest risk first, ties in inventory order.
        case byRisk
        /// In the order they are added (a result already in its order, as `recordAssessment` takes it).
        case asAdded
    }

    let scanID: Int64
    private let staging: any AssessmentStaging
    private let order: Order
    private let batchSize: Int
    private var batch: [StagedFinding] = []
    private var parts: [SharedPart: Int] = [:]
    private var newParts: [(number: Int, document: String)] = []
    private var added = 0
    private var systems: [StagedSystem] = []
    private var systemBytes = 0
    private var systemsAdded = 0
    private var closed = false
    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    init(scanID: Int64, staging: any AssessmentStaging, order: Order, batchSize: Int) {
        self.scanID = scanID
        self.staging = staging
        self.order = order
        self.batchSize = max(1, batchSize)
        batch.reserveCapacity(self.batchSize)
    }

    deinit {
        if !closed { staging.discard() }
    }

    /// Findings added so far.
    public var count: Int { added }

    /// Takes one more judged finding; every `batchSize` of them go to the stage.
    public func add(_ assessed: FindingAssessment) throws(StoreError) {
        precondition(!closed, "a finished recording takes no more findings")
        let shared = SharedPart(assessed)
        let part: Int
        if let known = parts[shared] {
            part = known
        } else {
            part = parts.count
            parts[shared] = part
            do {
                newParts.append((part, String(decoding: try encoder.encode(shared), as: UTF8.self)))
            } catch {
                throw StoreError(code: StoreError.io, reason: "cannot encode a judged finding: \(error)")
            }
        }
        let sortKey =
            switch order {
            case .byRisk: assessed.rank
            case .asAdded: RiskRank(score: 0, index: added)
            }
        batch.append(StagedFinding(sortKey: sortKey, assessed: assessed, part: part))
        added += 1
        if batch.count >= batchSize { try flush() }
    }

    /// Takes one scored system and its place in the result's `systems` (systems may come in any order: an
    /// assessor scores each when its last finding is judged); staged as its document, a batch at a time.
    public func add(_ score: AgilityScore, position: Int) throws(StoreError) {
        precondition(!closed, "a finished recording takes no more systems")
        try stage(score, position: position)
    }

    private func stage(_ score: AgilityScore, position: Int) throws(StoreError) {
        precondition(position >= 0, "a system's position counts from 0")
        let document: String
        do {
            document = try AssessmentDocument.encode(score)
        } catch {
            throw StoreError(code: StoreError.io, reason: "cannot encode a scored system: \(error)")
        }
        systems.append(
            StagedSystem(
                position: position, systemID: score.system.id, score: score.score, grade: score.grade,
                findingCount: score.findingCount, document: document))
        systemBytes += document.utf8.count
        systemsAdded += 1
        if systems.count >= batchSize || systemBytes >= Self.systemBatchBytes { try flush() }
    }

    /// Bytes of system documents per staged batch: one system can cite tens of thousands of findings.
    static let systemBatchBytes = 4 << 20

    /// Writes the assessment: `result`'s document (its findings, if any, are not read: they were added; its
    /// systems, if any, are recorded as rows in their order, and then none may have been added; the overall
    /// score's line for each system, when left out, is written from the systems added) and every finding and system
    /// added, in one transaction.
    /// - Returns: The assessment's id.
    /// - Throws: `StoreError` `store.no-such-scan` when the scan is not in the store, or a write failure; nothing is
    ///   recorded then.
    public func finish(_ result: AssessmentResult, createdAt: Date) throws(StoreError) -> Int64 {
        precondition(!closed, "a recording is finished once")
        precondition(result.scanID == scanID, "the result of another scan")
        closed = true
        do throws(StoreError) {
            if !result.systems.isEmpty {
                precondition(systemsAdded == 0, "systems are either added or in the result")
                for (position, score) in result.systems.enumerated() { try stage(score, position: position) }
            }
            try flush()
            var header = result
            header.findings = []
            // The gate's findings are judged rows like the others (`GateOutcome.findings(in:)` picks them on
            // reading): held in the document, they were millions of references under `--fail-on vulnerable`.
            header.gate?.findings = []
            header.systems = []
            let document: String
            let staging = staging
            do {
                document = try AssessmentDocument.encode(header) { line in
                    try staging.forEachStagedSystem { id, score, grade, findingCount in
                        try line(.systemLine(id: id, score: score, grade: grade, findingCount: findingCount))
                    }
                }
            } catch let error as StoreError {
                throw error
            } catch {
                throw StoreError(code: StoreError.io, reason: "cannot encode the assessment: \(error)")
            }
            return try staging.commit(header: header, document: document, createdAt: createdAt)
        } catch {
            staging.discard()
            throw error
        }
    }

    /// Drops what was staged; nothing is recorded.
    public func discard() {
        guard !closed else { return }
        closed = true
        staging.discard()
    }

    private func flush() throws(StoreError) {
        guard !batch.isEmpty || !newParts.isEmpty || !systems.isEmpty else { return }
        do throws(StoreError) {
            if !batch.isEmpty || !newParts.isEmpty { try staging.stage(batch, parts: newParts) }
            if !systems.isEmpty { try staging.stage(systems) }
        } catch {
            closed = true
            staging.discard()
            throw error
        }
        batch.removeAll(keepingCapacity: true)
        newParts.removeAll()
        systems.removeAll(keepingCapacity: true)
        systemBytes = 0
    }
}

/// One judged finding on its way to `assessment_findings`: its sort key, the finding, and its part's number.
struct StagedFinding {
    var sortKey: RiskRank
    var assessed: FindingAssessment
    var part: Int
}

/// One scored system on its way to `assessment_systems`: its place in the result, id, score and document; its
/// grade and number of findings are staged beside them for its line in the overall score.
struct StagedSystem {
    var position: Int
    var systemID: String
    var score: Int
    var grade: String
    var findingCount: Int
    var document: String
}

/// What a backend does for an `AssessmentRecording`: keep batches where only the recording sees them, then write
/// the assessment in one transaction, or forget the batches.
protocol AssessmentStaging: AnyObject {
    /// Keeps a batch of findings and the parts first named in it (number, JSON document).
    func stage(_ findings: [StagedFinding], parts: [(number: Int, document: String)]) throws(StoreError)
    /// Keeps a batch of scored systems.
    func stage(_ systems: [StagedSystem]) throws(StoreError)
    /// Hands each system staged so far to `body` by position: its id, score, grade and number of findings.
    func forEachStagedSystem(
        _ body: (_ id: String, _ score: Int, _ grade: String, _ findingCount: Int) throws -> Void
    ) throws
    /// In one transaction: the assessment's row, its parts, its findings sorted by their key with positions from 0,
    /// its systems by position. Drops the stage.
    func commit(header: AssessmentResult, document: String, createdAt: Date) throws(StoreError) -> Int64
    /// Drops the stage; nothing is recorded.
    func discard()
}

/// What a judged finding holds beside its reference, system and expiry: the same few values for most findings
/// of a scan, stored once per assessment in `assessment_parts`.
struct SharedPart: Codable, Hashable {
    var quantumStatus: QuantumStatus
    var effective: Bool
    var verdict: PolicyVerdict
    var risk: RiskPriority
    var overrun: CertificateOverrun?
    var waiver: WaiverStatus?

    init(_ assessed: FindingAssessment) {
        quantumStatus = assessed.quantumStatus
        effective = assessed.effective
        verdict = assessed.verdict
        risk = assessed.risk
        overrun = assessed.overrun
        waiver = assessed.waiver
    }

    func assessment(of ref: FindingRef, system: String, expired: CalendarDay?) -> FindingAssessment {
        FindingAssessment(
            finding: ref, quantumStatus: quantumStatus, effective: effective, verdict: verdict, risk: risk,
            overrun: overrun, waiver: waiver, system: system, expired: expired)
    }
}

/// An `assessment_findings` row read back (`columns`, in that order, on either backend) made into a ranked judged
/// finding with its assessment's shared parts.
struct JudgedRowAssembler {
    static let columns =
        "finding_index, path, line, source, setting, algorithm, canonical, context, system, expired, part, position"

    /// One row's values, as each backend decodes them.
    struct Row {
        var findingIndex: Int
        var path: String
        var line: Int?
        var source: String
        var setting: String
        var algorithm: String
        var canonical: String?
        var context: String?
        var system: String
        var expired: String?
        var part: Int
        var position: Int
    }

    let assessmentID: Int64
    let parts: [Int: SharedPart]
    // FindingRef is made from a finding; every field is then set from the row.
    private let blank = FindingRef(
        index: 0,
        finding: Finding(
            path: ScanPath(bytes: []), source: "", setting: "", usage: .cipher, algorithm: "",
            quantumStatus: .vulnerable))

    /// The parts from their stored documents (`assessment_parts`: number, JSON).
    init(assessmentID: Int64, documents: [(part: Int, document: String)]) throws {
        self.assessmentID = assessmentID
        let decoder = JSONDecoder()
        var parts: [Int: SharedPart] = [:]
        for (number, text) in documents {
            parts[number] = try decoder.decode(SharedPart.self, from: Data(text.utf8))
        }
        self.parts = parts
    }

    /// - Throws: `StoreError` `store.corrupt` for a part the assessment does not hold or a day that is no day.
    func ranked(_ row: Row) throws(StoreError) -> RankedAssessment {
        guard let shared = parts[row.part] else {
            throw StoreError(
                code: StoreError.corrupt, reason: "assessment \(assessmentID) names a part \(row.part) it does not hold"
            )
        }
        var ref = blank
        ref.index = row.findingIndex
        ref.path = row.path
        ref.line = row.line
        ref.source = row.source
        ref.setting = row.setting
        ref.algorithm = row.algorithm
        ref.canonical = row.canonical
        ref.context = row.context
        var expired: CalendarDay? = nil
        if let text = row.expired {
            guard let day = CalendarDay(text) else {
                throw StoreError(code: StoreError.corrupt, reason: "assessment \(assessmentID) holds the day \(text)")
            }
            expired = day
        }
        return RankedAssessment(
            position: row.position, assessment: shared.assessment(of: ref, system: row.system, expired: expired))
    }
}

/// An `assessment_systems` row's document read back into a score.
enum AssessedSystemDocument {
    /// The rows' order: the result's (`position`), or by score then the result's.
    static func order(byScore: Bool) -> String { byScore ? "score, position" : "position" }

    /// With `keep`, each adjustment's findings trimmed to their first `keep` and counted in `findingTotal`
    /// (`AssessmentDocumentTrimmer`, whose rule finds a system's adjustments at the top of its document too).
    /// - Throws: `StoreError` `store.corrupt` for a document that is no score.
    static func decode(_ document: String, keep: Int?, decoder: JSONDecoder, assessmentID: Int64) throws(StoreError)
        -> AgilityScore
    {
        do {
            guard let keep else { return try decoder.decode(AgilityScore.self, from: Data(document.utf8)) }
            var trimmer = AssessmentDocumentTrimmer(keep: keep)
            trimmer.feed(document.utf8)
            return try decoder.decode(AgilityScore.self, from: Data(trimmer.trimmed))
        } catch {
            throw StoreError(
                code: StoreError.corrupt, reason: "assessment \(assessmentID) holds a system that is no score: \(error)"
            )
        }
    }
}
