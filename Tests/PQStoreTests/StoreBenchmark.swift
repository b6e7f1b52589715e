import Foundation
import PQModel
import Testing

@testable import PQStore

@Suite("Bulk inserts")
struct StoreBenchmark {
    @Test("50,000 findings recorded in batches of 5,000 all come back, in path, line, recording order")
    func bulkInsert() throws {
        try Sample.withTemporaryStorePath { path in
            let store = try InventoryStore(path: path)
            let scanID = try Sample.begin(store)
            let batches = InventoryStore.benchmarkBatches(count: 50_000, batchSize: 5_000)
            #expect(batches.count == 10)
            for batch in batches { try store.record(scanID: scanID, batch: batch) }

            let recorded = batches.flatMap(\.output.findings)
            let expected = recorded.enumerated().sorted { left, right in
                if left.element.path != right.element.path { return left.element.path < right.element.path }
                if left.element.line != right.element.line {
                    return (left.element.line ?? 0) < (right.element.line ?? 0)
                }
                return left.offset < right.offset
            }.map(\.element)
            let stored = try store.findings(FindingQuery(scanID: scanID))
            #expect(stored.count == 50_000)
            #expect(stored == expected)
            let counts = try store.counts(scanID: scanID)
            #expect(counts.findings == 50_000)
            #expect(counts.filesExamined == 2_500)
            #expect(counts.byStatus.values.reduce(0, +) == 50_000)
            #expect(try Sample.int(store, "SELECT count(DISTINCT ordinal) FROM findings") == 50_000)
        }
    }

    /// Not a timed test: it prints the rate for the lead to read. Run it in a release build:
    /// `PQSCOUT_BENCH=1 swift test -c release --filter StoreBenchmark`.
    @Test(
        "benchmark: findings recorded per second (PQSCOUT_BENCH=1)",
        .enabled(if: ProcessInfo.processInfo.environment["PQSCOUT_BENCH"] == "1"))
    func benchmark() throws {
        let count = Int(ProcessInfo.processInfo.environment["PQSCOUT_BENCH_COUNT"] ?? "") ?? 200_000
        let rate = try InventoryStore.benchmarkInserts(count: count)
        print("PQStore benchmark: \(count) findings, \(Int(rate)) findings/s (target 200000)")
        #expect(rate > 0)
    }
}
