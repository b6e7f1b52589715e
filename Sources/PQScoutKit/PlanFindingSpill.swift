import Foundation
import PQAssessment
import PQModel

/// The planner's kept findings parked in a temporary file (`PlanFindingCoding`'s bytes), with only each one's
/// offset in memory: on the benchmark trees they were most of `plan`'s heap and grew with the tree (two per
/// certificate, one per TLS server's protocol line).
///
/// The builders read them in passes over the whole list, so reads go through one block of the file kept in memory
/// (`blockSize`); findings not yet written are read from the write buffer. The file is unlinked as soon as it is
/// open, so nothing is left behind however the run ends.
public final class PlanFindingSpill: PlanFindingTable, @unchecked Sendable {
    // Unchecked: every access to the fields below holds `lock`.
    private let lock = NSLock()
    private var handle: FileHandle?
    /// Where each finding starts; one ends where the next starts (the last at `written + pending.count`).
    private var offsets: [UInt64] = []
    /// Encoded findings not yet in the file: they start at `written`.
    private var pending: [UInt8] = []
    private var written: UInt64 = 0
    /// The part of the file read last, and where it starts.
    private var block: [UInt8] = []
    private var blockStart: UInt64 = 0
    private var failure: (any Error)?
    /// How much is written at once, and read at once.
    let blockSize: Int

    public init(blockSize: Int = 1 << 18) { self.blockSize = max(blockSize, 1) }

    deinit { try? handle?.close() }

    public var count: Int { lock.withLock { offsets.count } }

    public func append(_ finding: Finding) {
        lock.withLock {
            offsets.append(written + UInt64(pending.count))
            PlanFindingCoding.encode(finding, into: &pending)
            if pending.count >= blockSize { flush() }
        }
    }

    public func finding(at index: Int) -> Finding {
        lock.withLock {
            let start = offsets[index]
            let end = index + 1 < offsets.count ? offsets[index + 1] : written + UInt64(pending.count)
            if start >= written {
                let from = Int(start - written)
                let to = Int(end - written)
                return decoded(pending.withUnsafeBytes { UnsafeRawBufferPointer(rebasing: $0[from..<to]) })
            }
            if start < blockStart || end > blockStart + UInt64(block.count) { read(from: start, through: end) }
            let from = Int(start - blockStart)
            let to = Int(end - blockStart)
            guard to <= block.count else { return decoded(nil) }
            return decoded(block.withUnsafeBytes { UnsafeRawBufferPointer(rebasing: $0[from..<to]) })
        }
    }

    /// The first error met while parking or reading findings, if any: the plan made from them is then wrong and
    /// must not be shown.
    public var error: (any Error)? { lock.withLock { failure } }

    /// Called with `lock` held.
    private func decoded(_ bytes: UnsafeRawBufferPointer?) -> Finding {
        if let bytes, let finding = PlanFindingCoding.decode(bytes) { return finding }
        if failure == nil { failure = CocoaError(.fileReadCorruptFile) }
        // A stand-in, never shown: the caller checks `error` before using the plan.
        return Finding(
            path: ScanPath(""), source: FindingSource(rawValue: ""), setting: "", usage: .hash, algorithm: "",
            quantumStatus: .broken)
    }

    /// Moves the pending bytes to the file. Called with `lock` held.
    private func flush() {
        guard !pending.isEmpty, failure == nil else { return }
        do {
            let handle = try self.handle ?? open()
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(pending))
            written += UInt64(pending.count)
            pending.removeAll(keepingCapacity: true)
        } catch {
            failure = error
        }
    }

    /// Reads the file from `start` (at least to `end`, at most `blockSize` past `start`) into `block`. Called with
    /// `lock` held.
    private func read(from start: UInt64, through end: UInt64) {
        block = []
        blockStart = start
        guard let handle, failure == nil else { return }
        do {
            try handle.seek(toOffset: start)
            let length = Int(max(end - start, UInt64(blockSize)))
            let available = Int(min(UInt64(length), written - start))
            block = try [UInt8](handle.read(upToCount: available) ?? Data())
        } catch {
            failure = error
        }
    }

    private func open() throws -> FileHandle {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "pqscout-plan-findings-\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600])
        else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path]) }
        let handle = try FileHandle(forUpdating: url)
        // Unlinked at once: the open handle keeps the file until it is closed, and no run leaves it behind.
        try? FileManager.default.removeItem(at: url)
        self.handle = handle
        return handle
    }
}
