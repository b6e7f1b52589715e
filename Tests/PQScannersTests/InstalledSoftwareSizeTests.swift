import Foundation
import PQModel
import Testing

@testable import PQScanners

/// A full server's rpm database is tens of MiB, past `--max-file-size`'s 16 MiB default, and was skipped as "too
/// large": the scan then knew no OpenSSH or OpenSSL version. Package databases have their own limit.
@Suite("InstalledSoftware: a package database larger than --max-file-size is read")
struct InstalledSoftwareSizeTests {
    @Test("a dpkg status file over the scan's file-size limit is read; over the database limit it is not")
    func largerThanTheFileLimit() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("pqscout-size-\(UUID())")
        defer { try? FileManager.default.removeItem(at: root) }
        let status = root.appendingPathComponent("var/lib/dpkg/status")
        try FileManager.default.createDirectory(
            at: status.deletingLastPathComponent(), withIntermediateDirectories: true)
        let text = (0..<100).map { "Package: pkg\($0)\nStatus: install ok installed\nVersion: 1.\($0)-1\n\n" }
            .joined()
        try text.write(to: status, atomically: true, encoding: .utf8)
        let limit: Int64 = 1_024
        let walk = try TreeWalker(options: WalkOptions(maxFileSize: limit)).walk(root: root.path).get()
        let tree = WalkedTree(walk: walk, maxFileSize: limit)
        guard case .failure(let refused) = tree.read(InstalledSoftware.dpkgStatus) else {
            Issue.record("a config-sized read of a \(text.utf8.count)-byte file should be refused")
            return
        }
        #expect(refused.reason == .tooLarge)
        let found = InstalledSoftware.read(from: tree)
        #expect(found.diagnostics.isEmpty)
        #expect(found.software.count == 100)
        // Through the recording tree a rescan uses, the same; and the database limit still holds.
        #expect(InstalledSoftware.read(from: RecordingTree(base: tree)).software.count == 100)
        guard case .failure(let tooLarge) = tree.read(InstalledSoftware.dpkgStatus, upTo: 512) else {
            Issue.record("a file over both limits should be refused")
            return
        }
        #expect(tooLarge.reason == .tooLarge)
    }
}
