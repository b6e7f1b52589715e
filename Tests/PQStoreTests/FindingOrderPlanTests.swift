import Foundation
import GRDB
import PQModel
import Synchronization
import Testing

@testable import PQStore

/// The inventory's order (file path, line, ordinal) is read by walking the files in path order and each file's
/// findings by `findings_by_file` (migration `v10-findings-by-file`), never by sorting every finding: at a million
/// files, SQLite's sort wrote a 23 GB temporary b-tree before a single finding came out.
@Suite("Findings in the inventory's order without a sort of every finding (v10-findings-by-file)")
struct FindingOrderPlanTests {
    @Test("each SQLite reader of findings in the inventory's order has a query plan without a temporary b-tree")
    func noTemporaryBTree() throws {
        let store = try InventoryStore.inMemory()
        let scanID = try AssessedFindingStreamTests.scan(store)
        let result = try AssessedFindingStreamTests.assessment(store, scanID: scanID)
        let assessmentID = try store.recordAssessment(result, createdAt: Sample.started)
        let secondScanID = try AssessedFindingStreamTests.scan(store)
        let writer = try #require(store.sqliteWriter)
        var count = 0
        let statements = try Self.statements(of: writer) {
            try store.forEachFinding(FindingQuery(scanID: scanID)) { _ in count += 1 }
            try store.forEachFinding(FindingQuery(scanID: scanID, usage: .keyExchange)) { _ in count += 1 }
            try store.forEachFindingWithCertificate(scanID: scanID) { _, _ in count += 1 }
            try store.forEachJudgedFinding(scanID: scanID, assessmentID: assessmentID) { _, _ in count += 1 }
            _ = try store.findings(FindingQuery(scanID: scanID))
            try store.forEachAssessedFinding(assessmentID: assessmentID, order: .inventory) { _ in count += 1 }
            // `diff`'s walk of two scans, each from its own cursor.
            try store.forEachPathOfScans(scanID, secondScanID) { first, second in count += first.count + second.count }
        }
        #expect(count > 0)

        let ordered = statements.filter { $0.contains("ORDER BY files.path, findings.line") }
        #expect(ordered.count >= 6)
        for sql in ordered {
            let plan = try writer.read { db in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql).map { row -> String in row["detail"] }
            }
            #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "\(sql)\n\(plan.joined(separator: "\n"))")
            #expect(plan.contains { $0.contains("findings_by_file") }, "\(sql)\n\(plan.joined(separator: "\n"))")
        }
        // The judged rows in finding order, beside the findings (`forEachJudgedFinding`) or for the gate
        // (`AssessedFindingOrder.inventory`): through `v11-judged-by-finding`'s index, not a sort (8 GB at 1M).
        let judged = statements.filter {
            $0.contains("FROM assessment_findings") && $0.contains("ORDER BY finding_index")
        }
        #expect(judged.count >= 2)
        for sql in judged {
            let plan = try writer.read { db in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql).map { row -> String in row["detail"] }
            }
            #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "\(sql)\n\(plan.joined(separator: "\n"))")
            #expect(
                plan.contains { $0.contains("assessment_findings_by_finding") },
                "\(sql)\n\(plan.joined(separator: "\n"))")
        }
    }

    @Test("an assessment's judged findings are copied from the stage in rank order by counting, not by a window")
    func stageCopiedWithoutAWindow() throws {
        let store = try InventoryStore.inMemory()
        let scanID = try AssessedFindingStreamTests.scan(store)
        let result = try AssessedFindingStreamTests.assessment(store, scanID: scanID)
        let writer = try #require(store.sqliteWriter)
        var assessmentID: Int64 = 0
        let statements = try Self.statements(of: writer) {
            assessmentID = try store.recordAssessment(result, createdAt: Sample.started)
        }
        // `row_number() OVER` buffered every judged finding in a temporary table before the copy (8.6 GB at 1M).
        let copies = statements.filter { $0.hasPrefix("INSERT INTO assessment_findings") }
        #expect(copies.count == 1)
        #expect(copies.allSatisfy { $0.contains("pqs_next_position()") && !$0.contains("OVER") }, "\(copies)")
        var positions: [Int] = []
        try store.forEachAssessedFinding(assessmentID: assessmentID) { positions.append($0.position) }
        #expect(positions == Array(0..<result.findings.count))
        var stored: [FindingAssessment] = []
        try store.forEachAssessedFinding(assessmentID: assessmentID) { stored.append($0.assessment) }
        // `recordAssessment` keeps the result's order (`AssessmentRecording.Order.asAdded`); the stage's key is it.
        #expect(stored == result.findings)
    }

    /// The statements (arguments expanded) `body` runs on the store's one connection (a `DatabaseQueue`, so the
    /// trace sees them all).
    static func statements(of writer: DatabaseQueue, _ body: () throws -> Void) throws -> [String] {
        let statements = Mutex<[String]>([])
        writer.inDatabase { db in
            db.trace(options: .statement) { event in
                if case .statement(let statement) = event {
                    let sql = statement.expandedSQL
                    statements.withLock { $0.append(sql) }
                }
            }
        }
        defer { writer.inDatabase { db in db.trace(options: .statement, nil) } }
        try body()
        return statements.withLock { $0 }
    }
}
