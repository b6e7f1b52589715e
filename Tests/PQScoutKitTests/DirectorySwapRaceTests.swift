import Foundation
import PQModel
import PQScoutKit
import Testing

/// Swaps a directory of the scanned tree for a link to a directory outside it, and back, until told to stop.
final class DirectorySwapper: @unchecked Sendable {
    // `stopped` and `swaps` are guarded by `lock`; the thread only renames and links inside its own scratch tree.
    private let lock = NSLock()
    private var stopped = false
    private var swaps = 0
    private let directory: String
    private let outside: String
    private let finished = DispatchSemaphore(value: 0)
    private var running = false

    init(directory: String, outside: String) {
        self.directory = directory
        self.outside = outside
    }

    func start() -> Thread {
        let thread = Thread { [self] in
            while !isStopped {
                // rename(2) and symlink(2) each replace the name atomically; the walk sees one or the other.
                rename(directory, directory + ".real")
                symlink(outside, directory)
                usleep(200)
                unlink(directory)
                rename(directory + ".real", directory)
                lock.withLock { swaps += 1 }
            }
            finished.signal()
        }
        lock.withLock { running = true }
        thread.start()
        return thread
    }

    var isStopped: Bool { lock.withLock { stopped } }
    var count: Int { lock.withLock { swaps } }
    /// Stops the thread and waits for it, so the tree is back in place before it is removed.
    func stop() {
        let wasRunning = lock.withLock {
            stopped = true
            defer { running = false }
            return running
        }
        if wasRunning { finished.wait() }
    }
}

@Suite("Directory swap race: nothing outside the root is ever read (issue 21, item 4)")
struct DirectorySwapRaceTests {
    @Test("a directory swapped for a link to the outside while scans run never yields an outside file")
    func swapDuringScans() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("pqscout-race-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: base) }
        let certificates = repositoryRoot.appendingPathComponent("sample-inventories/webfarm/etc/ssl/certs")
        let inside = base.appendingPathComponent("root/etc/d")
        let outside = base.appendingPathComponent("outside")
        try FileManager.default.createDirectory(at: inside, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        for index in 0..<40 {
            try FileManager.default.copyItem(
                at: certificates.appendingPathComponent("www.example.org.pem"),
                to: inside.appendingPathComponent("c\(index).pem"))
            try FileManager.default.copyItem(
                at: certificates.appendingPathComponent("pq.example.org.pem"),
                to: outside.appendingPathComponent("c\(index).pem"))
        }
        let store = temporaryStore()
        defer { try? FileManager.default.removeItem(atPath: store) }
        // The outside certificate's asset, learnt from a scan of the outside directory itself.
        let outsideScan = try ScanUseCase().run(ScanRequest(roots: [outside.path], storePath: store))
        let outsideAssets = Set(
            try InventoryUseCase.document(InventoryRequest(storePath: store, scanID: outsideScan.id)).findings
                .compactMap(\.asset))
        try #require(!outsideAssets.isEmpty)

        let swapper = DirectorySwapper(directory: inside.path, outside: outside.path)
        _ = swapper.start()
        defer { swapper.stop() }
        var scans = 0
        var insideSeen = 0
        let deadline = Date().addingTimeInterval(4)
        while Date() < deadline || scans < 3 {
            // Image and live-subtree scans: the outside lies beyond the root in both.
            let system: SystemRootChoice = scans % 2 == 0 ? .image : .path(base.path)
            let record = try ScanUseCase().run(
                ScanRequest(roots: [base.appendingPathComponent("root").path], storePath: store, system: system))
            let document = try InventoryUseCase.document(InventoryRequest(storePath: store, scanID: record.id))
            let assets = Set(document.findings.compactMap(\.asset))
            #expect(assets.isDisjoint(with: outsideAssets), "scan \(scans) recorded a file from outside the root")
            #expect(!document.findings.contains { $0.path.display.contains("outside") })
            insideSeen += document.findings.isEmpty ? 0 : 1
            scans += 1
        }
        swapper.stop()
        // The race really ran: the directory was swapped many times, and scans still read the real files.
        #expect(swapper.count > 10)
        #expect(insideSeen > 0)
    }
}
