import Foundation
import PQModel

/// An assessment being recorded while it is judged: each judged finding is handed over as it is produced and goes
/// to the store in batches, so no list of every judged finding is held (1.78 million took 2.9 GB).
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

    /// Writes the assessment: `result`'s document (its findings, if any, are not read: they were added) and every
    /// finding added, in one transaction.
    /// - Returns: The assessment's id.
    /// - Throws: `StoreError` `store.no-such-scan` when the scan is not in the store, or a write failure; nothing is
    ///   recorded then.
    public func finish(_ result: AssessmentResult, createdAt: Date) throws(StoreError) -> Int64 {
        precondition(!closed, "a recording is finished once")
        precondition(result.scanID == scanID, "the result of another scan")
        closed = true
        do throws(StoreError) {
            try flush()
            var header = result
            header.findings = []
            // The gate's findings are judged rows like the others (`GateOutcome.findings(in:)` picks them on
            // reading): held in the document, they were millions of references under `--fail-on vulnerable`.
            header.gate?.findings = []
            let document: String
            do {
                document = try AssessmentDocument.encode(header)
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
        guard !batch.isEmpty || !newParts.isEmpty else { return }
        do throws(StoreError) {
            try staging.stage(batch, parts: newParts)
        } catch {
            closed = true
            staging.discard()
            throw error
        }
        batch.removeAll(keepingCapacity: true)
        newParts.removeAll()
    }
}

/// One judged finding on its way to `assessment_findings`: its sort key, the finding, and its part's number.
struct StagedFinding {
    var sortKey: RiskRank
    var assessed: FindingAssessment
    var part: Int
}

/// What a backend does for an `AssessmentRecording`: keep batches where only the recording sees them, then write
/// the assessment in one transaction, or forget the batches.
protocol AssessmentStaging: AnyObject {
    /// Keeps a batch of findings and the parts first named in it (number, JSON document).
    func stage(_ findings: [StagedFinding], parts: [(number: Int, document: String)]) throws(StoreError)
    /// In one transaction: the assessment's row, its parts, its findings sorted by their key with positions from 0.
    /// Drops the stage.
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
