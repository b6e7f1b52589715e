import Foundation
import PQModel
import Testing

@testable import PQStore

/// The reads a report makes so it never holds every asset or a whole assessment document: the certificates in
/// the order the reports list them (`forEachCertificate`, `assetCounts`), the diagnostics likewise
/// (`forEachDiagnostic`, `diagnosticCounts`), and an assessment's summary with each
/// score adjustment's findings trimmed (`latestAssessmentSummary(findingsPerAdjustment:)`), on both backends; on
/// PostgreSQL with two rows per fetch, so every walk crosses fetches.
@Suite("Report reads: certificates in report order, trimmed assessment summaries")
struct ReportReadTests {
    static func store(_ kind: StoreKind) throws -> InventoryStore {
        try AssessedFindingStreamTests.store(kind)
    }

    /// A certificate asset expiring at `notAfter` (nil: a certificate without details).
    static func certificate(_ id: String, notAfter: Date?) -> Asset {
        var asset = Sample.certificate
        asset.id = "sha256:" + id
        asset.certificate?.subject = "CN=\(id)"
        if let notAfter { asset.certificate?.notAfter = notAfter } else { asset.certificate = nil }
        return asset
    }

    /// Certificates recorded out of order: two expiring at the same time (ordered by id), one without details
    /// (last), beside a key (not a certificate).
    static let certificates: [Asset] = [
        certificate("e", notAfter: Date(timeIntervalSince1970: 1_900_000_000)),
        certificate("b", notAfter: nil),
        certificate("d", notAfter: Date(timeIntervalSince1970: 1_800_000_000.25)),
        certificate("a", notAfter: Date(timeIntervalSince1970: 1_900_000_000)),
        certificate("c", notAfter: Date(timeIntervalSince1970: 1_700_000_000)),
        certificate("f", notAfter: Date(timeIntervalSince1970: 1_800_000_000.5)),
    ]

    @Test(
        "certificates come soonest expiry first, then by id, without details last, at most the limit",
        arguments: StoreKind.available)
    func certificatesInReportOrder(kind: StoreKind) throws {
        let store = try Self.store(kind)
        let scanID = try Sample.begin(store)
        try store.record(
            scanID: scanID,
            batch: ScanBatch(
                files: [Sample.file("certs/a.pem")],
                output: ScanOutput(
                    findings: [Sample.finding("certs/a.pem", asset: Self.certificates[0].id)],
                    assets: Self.certificates + [Sample.key])))

        var walked: [Asset] = []
        try store.forEachCertificate(scanID: scanID) { walked.append($0) }
        #expect(walked.map(\.id) == ["c", "d", "f", "a", "e", "b"].map { "sha256:" + $0 })
        // The same assets the whole read gives, in the order the reports sort them.
        let whole = try store.assets(scanID: scanID).filter { $0.kind == .certificate }.sorted {
            ($0.certificate?.notAfter ?? .distantFuture, $0.id) < ($1.certificate?.notAfter ?? .distantFuture, $1.id)
        }
        #expect(walked == whole)

        var first: [Asset] = []
        try store.forEachCertificate(scanID: scanID, limit: 3) { first.append($0) }
        #expect(first == Array(whole.prefix(3)))
        var none = 0
        try store.forEachCertificate(scanID: scanID, limit: 0) { _ in none += 1 }
        #expect(none == 0)

        let counts = try store.assetCounts(scanID: scanID)
        #expect(counts.assets == 7 && counts.certificates == 6)
        #expect(counts.assets == (try store.assets(scanID: scanID)).count)
        let empty = try Sample.begin(store)
        #expect(try store.assetCounts(scanID: empty) == (0, 0))
    }

    @Test(
        "diagnostics come by path bytes, then recording order, at most the limit, with their counts by reason",
        arguments: StoreKind.available)
    func diagnosticsInReportOrder(kind: StoreKind) throws {
        let store = try Self.store(kind)
        let scanID = try Sample.begin(store)
        // Out of order, one path twice, and a path whose first byte (0xC3, "é") sorts after every ASCII one.
        let recorded = [
            Diagnostic(path: ScanPath("z.pem"), reason: .malformed, detail: "second"),
            Diagnostic(path: ScanPath("é.pem"), reason: .empty, detail: "empty"),
            Diagnostic(path: ScanPath("a.pem"), reason: .tooLarge, detail: "big"),
            Diagnostic(path: ScanPath("z.pem"), reason: .malformed, detail: "first"),
            Diagnostic(path: ScanPath("m.pem"), reason: .malformed, detail: "bad"),
        ]
        try store.record(scanID: scanID, batch: ScanBatch(output: ScanOutput(diagnostics: recorded)))

        var walked: [Diagnostic] = []
        try store.forEachDiagnostic(scanID: scanID) { walked.append($0) }
        #expect(walked == [recorded[2], recorded[4], recorded[0], recorded[3], recorded[1]])
        #expect(walked == (try store.diagnostics(scanID: scanID)))
        var first: [Diagnostic] = []
        try store.forEachDiagnostic(scanID: scanID, limit: 3) { first.append($0) }
        #expect(first == Array(walked.prefix(3)))
        var none = 0
        try store.forEachDiagnostic(scanID: scanID, limit: 0) { _ in none += 1 }
        #expect(none == 0)

        #expect(try store.diagnosticCounts(scanID: scanID) == [.malformed: 3, .empty: 1, .tooLarge: 1])
        #expect(try store.diagnosticCounts(scanID: try Sample.begin(store)) == [:])
    }

    /// An assessment whose systems' adjustments hold `sizes` findings each, and whose overall score holds the
    /// largest; `sizes` large enough makes a document of several megabytes (several chunks of the blob read).
    static func assessment(scanID: Int64, sizes: [Int]) -> AssessmentResult {
        var result = AssessmentStoreTests.result(scanID: scanID)
        func refs(_ count: Int, _ tag: String) -> [FindingRef] {
            (0..<count).map { index in
                FindingRef(
                    index: index,
                    finding: Sample.finding(
                        "etc/\(tag)/\"findings\"/\(index).conf", line: index, algorithm: "x[\(index)]"))
            }
        }
        let system = result.systems[0]
        result.systems = sizes.enumerated().map { number, size in
            var score = system
            score.system.id = "system-\(number)"
            score.adjustments = [
                ScoreAdjustment(
                    dimension: "pq-ready-material", points: -10, reason: "r", findings: refs(size, "a\(number)")),
                ScoreAdjustment(dimension: "legacy-in-force", points: 0, reason: "none", findings: []),
                ScoreAdjustment(
                    dimension: "certificate-lifetime", points: 0, reason: "b", findings: refs(size / 2, "b")),
            ]
            return score
        }
        result.overall.adjustments = [
            ScoreAdjustment(
                dimension: "system", points: 0, reason: "findings \"in\" [brackets]",
                findings: refs(sizes.max() ?? 0, "o"))
        ]
        return result
    }

    /// `result` as a trimmed read gives it back: each adjustment's first `keep` findings and their number.
    static func trimmed(_ result: AssessmentResult, keep: Int) -> AssessmentResult {
        func trim(_ list: [ScoreAdjustment]) -> [ScoreAdjustment] {
            list.map { adjustment in
                var out = adjustment
                out.findings = Array(adjustment.findings.prefix(keep))
                out.findingTotal = adjustment.findings.count
                return out
            }
        }
        var out = result
        out.findings = []
        // The gate's findings are rows too: a summary has their number.
        out.gate = result.gate.map { GateOutcome(threshold: $0.threshold, count: $0.count) }
        out.systems = result.systems.map { system in
            var score = system
            score.adjustments = trim(system.adjustments)
            return score
        }
        out.overall.adjustments = trim(result.overall.adjustments)
        return out
    }

    @Test(
        "a summary read with findingsPerAdjustment keeps each adjustment's first findings and their number",
        arguments: StoreKind.available, [0, 3])
    func trimmedSummary(kind: StoreKind, keep: Int) throws {
        let store = try Self.store(kind)
        let scanID = try Sample.begin(store)
        // 12,000 references make a document of about 3 MB: the SQLite read crosses several 1 MB chunks.
        let result = Self.assessment(scanID: scanID, sizes: [2, 8_000, 0, 12_000])
        try store.recordAssessment(result, createdAt: Sample.started)

        let summary = try #require(try store.latestAssessmentSummary(scanID: scanID, findingsPerAdjustment: keep))
        // The systems are rows (v9), read trimmed from their cursor.
        var expected = Self.trimmed(result, keep: keep)
        let systems = expected.systems
        expected.systems = []
        #expect(summary.result == expected)
        var read: [AgilityScore] = []
        try store.forEachAssessedSystem(assessmentID: summary.id, findingsPerAdjustment: keep) { read.append($0) }
        #expect(read == systems)
        let whole = try #require(try store.latestAssessmentSummary(scanID: scanID))
        #expect(whole.result.overall == result.overall)
        var untrimmed: [AgilityScore] = []
        try store.forEachAssessedSystem(assessmentID: whole.id) { untrimmed.append($0) }
        #expect(untrimmed == result.systems)
        #expect(untrimmed.allSatisfy { $0.adjustments.allSatisfy { $0.findingTotal == nil } })
    }

    @Test("the trimmer leaves strings, other lists and the top-level findings alone, fed a byte at a time or whole")
    func trimmerEdges() throws {
        let document = """
            {"findings":[1,2,3,4],"note":"\\"findings\\":[1,2,3] \\\\","systems":[{"adjustments":[
            {"findings":[{"a":[1,2,3]},{"b":"]},{"},{"c":3}],"reason":"x"},{"findings":[],"x":[[1],[2]]},
            {"reason":"r","findings":[ 7 , 8 ]}]}],"overall":{"adjustments":[{"findings":[[1,2],[3]]}]}}
            """
        let expected = """
            {"findings":[1,2,3,4],"note":"\\"findings\\":[1,2,3] \\\\","systems":[{"adjustments":[
            {"findings":[{"a":[1,2,3]},{"b":"]},{"}],"findingTotal":3,"reason":"x"},{"findings":[],"findingTotal":0,"x":[[1],[2]]},
            {"reason":"r","findings":[ 7 , 8 ],"findingTotal":2}]}],"overall":{"adjustments":[{"findings":[[1,2],[3]],"findingTotal":2}]}}
            """
        var whole = AssessmentDocumentTrimmer(keep: 2)
        whole.feed(document.utf8)
        #expect(String(decoding: whole.trimmed, as: UTF8.self) == expected)
        var bytewise = AssessmentDocumentTrimmer(keep: 2)
        for byte in document.utf8 { bytewise.feed([byte]) }
        #expect(bytewise.trimmed == whole.trimmed)
        var none = AssessmentDocumentTrimmer(keep: 0)
        none.feed(document.utf8)
        let kept = try JSONSerialization.jsonObject(with: Data(none.trimmed)) as? [String: Any]
        let adjustments = (kept?["systems"] as? [[String: Any]])?.first?["adjustments"] as? [[String: Any]]
        #expect(adjustments?.map { ($0["findings"] as? [Any])?.count } == [0, 0, 0])
        #expect(adjustments?.map { $0["findingTotal"] as? Int } == [3, 0, 2])
        #expect((kept?["findings"] as? [Int]) == [1, 2, 3, 4])
    }
}
