import Foundation
import PQModel

extension InventoryStore {
    /// Measures how fast `record` stores findings: writes `count` synthetic findings (20 per file, `batchSize` per
    /// transaction) into a fresh WAL store in a temporary directory, deletes it, and returns findings per second.
    ///
    /// Only the `record` calls are timed. The scan needs at least 200,000 findings/s; run it in a release build
    /// (`PQSCOUT_BENCH=1 swift test -c release --filter StoreBenchmark`) for figures that mean anything.
    public static func benchmarkInserts(count: Int, batchSize: Int = 10_000) throws(StoreError) -> Double {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("pqscout-bench-\(UUID().uuidString)", isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw StoreError(code: StoreError.cannotOpen, reason: "cannot create \(directory.path): \(error)")
        }
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try InventoryStore(path: directory.appendingPathComponent("bench.db").path)
        let scanID = try store.beginScan(
            roots: ["/bench"], host: "bench", toolVersion: "bench", startedAt: Date(timeIntervalSince1970: 0))
        let batches = benchmarkBatches(count: count, batchSize: max(1, batchSize))
        let clock = ContinuousClock()
        var elapsed = Duration.zero
        for batch in batches {
            let start = clock.now
            try store.record(scanID: scanID, batch: batch)
            elapsed += clock.now - start
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return seconds > 0 ? Double(count) / seconds : .infinity
    }

    /// Synthetic batches: `count` findings spread 20 to a file, with the field mix a real scan has.
    static func benchmarkBatches(count: Int, batchSize: Int) -> [ScanBatch] {
        let statuses = QuantumStatus.allCases
        let usages = Usage.allCases
        var batches: [ScanBatch] = []
        var batch = ScanBatch()
        var fileNumber = -1
        for index in 0..<count {
            if index % 20 == 0 || batch.files.isEmpty {
                fileNumber += 1
                let path = ScanPath("etc/conf.d/file-\(fileNumber).conf")
                batch.files.append(
                    FileRecord(
                        path: path, size: 1_000, modified: Date(timeIntervalSince1970: 1_700_000_000),
                        sha256: String(repeating: "ab", count: 32)))
            }
            let path = batch.files[batch.files.count - 1].path
            batch.output.findings.append(
                Finding(
                    path: path, line: index % 20 + 1, source: .openssh, setting: "KexAlgorithms",
                    usage: usages[index % usages.count], algorithm: "curve25519-sha256", canonical: "X25519",
                    keyBits: index % 3 == 0 ? 2048 : nil, curve: index % 2 == 0 ? "Curve25519" : nil,
                    quantumStatus: statuses[index % statuses.count],
                    context: index % 5 == 0 ? "Match User backup" : nil,
                    note: index % 7 == 0 ? "not in the catalog; assumed quantum-vulnerable until classified" : nil))
            if batch.output.findings.count >= batchSize {
                batches.append(batch)
                batch = ScanBatch()
            }
        }
        if !batch.output.findings.isEmpty { batches.append(batch) }
        return batches
    }
}

extension InventoryStore {
    /// Measures the ingest rate of a fleet: `scans` scans written at once into the store at `location` (a
    /// PostgreSQL URL, or an SQLite path), each from its own thread and connection, `count` synthetic findings each
    /// in batches of `batchSize`, as `pqscout scan` writes them. Returns all findings over the wall time from the
    /// first `beginScan` to the last `finishScan`.
    ///
    /// Not a unit test: the figure depends on the machine and on what else runs (scripts/bench `--postgres`).
    public static func benchmarkConcurrentScans(location: String, scans: Int, count: Int, batchSize: Int = 10_000)
        throws(StoreError) -> Double
    {
        let batches = benchmarkBatches(count: count, batchSize: max(1, batchSize))
        let stores = try (0..<scans).map { _ throws(StoreError) in try InventoryStore(location: location) }
        let failure = BenchmarkFailure()
        let start = ContinuousClock.now
        DispatchQueue.concurrentPerform(iterations: scans) { index in
            do throws(StoreError) {
                let store = stores[index]
                let id = try store.beginScan(
                    roots: ["/bench"], host: "bench-\(index)", toolVersion: "bench", startedAt: Date())
                for batch in batches { try store.record(scanID: id, batch: batch) }
                try store.finishScan(
                    scanID: id, finishedAt: Date(), counts: ScanCounts(findings: count), complete: true)
            } catch {
                failure.set(error)
            }
        }
        let elapsed = ContinuousClock.now - start
        if let error = failure.error { throw error }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return seconds > 0 ? Double(scans * count) / seconds : .infinity
    }
}

/// The first error of the benchmark's threads.
private final class BenchmarkFailure: @unchecked Sendable {
    // `lock` guards `stored`.
    private let lock = NSLock()
    private var stored: StoreError?

    func set(_ error: StoreError) { lock.withLock { stored = stored ?? error } }
    var error: StoreError? { lock.withLock { stored } }
}
