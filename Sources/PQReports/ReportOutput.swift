import Foundation
import PQModel

/// Where a renderer writes its bytes as it makes them: a file or standard output through `sink`, or memory
/// (`collect`). Buffered, so a renderer can write a line at a time; a report of 1.78 million findings is never one
/// string in memory.
public final class ReportOutput {
    private var buffer: [UInt8] = []
    private let flushAt: Int
    private let sink: ([UInt8]) throws -> Void

    /// - Parameters:
    ///   - bufferSize: bytes held before they go to `sink`.
    ///   - sink: receives the bytes in order; what it throws comes out of `write` or `flush`.
    public init(bufferSize: Int = 1 << 20, sink: @escaping ([UInt8]) throws -> Void) {
        flushAt = max(1, bufferSize)
        self.sink = sink
        buffer.reserveCapacity(flushAt)
    }

    public func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= flushAt { try flush() }
    }

    public func write(_ bytes: Data) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= flushAt { try flush() }
    }

    /// Hands what is buffered to the sink; call it once the renderer is done.
    public func flush() throws {
        guard !buffer.isEmpty else { return }
        try sink(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// What `body` writes, as one value: the renderers' `render` (tests, small outputs).
    public static func collect(_ body: (ReportOutput) throws -> Void) throws -> Data {
        final class Box { var data = Data() }
        let box = Box()
        let output = ReportOutput(bufferSize: 64 << 10) { box.data.append(contentsOf: $0) }
        try body(output)
        try output.flush()
        return box.data
    }

    /// An output that writes to an open file handle.
    public static func file(_ handle: FileHandle) -> ReportOutput {
        ReportOutput { try handle.write(contentsOf: $0) }
    }
}

/// The findings a report shows, handed over one at a time in `ReportOrder.finding`'s order, as often as a
/// renderer walks them: from an array (tests, small inputs) or from a store cursor, so a report never needs every
/// finding in memory.
public struct ReportFindings: Sendable {
    private let cursor: @Sendable (_ body: (Finding) throws -> Void) throws -> Void

    private init(cursor: @escaping @Sendable (_ body: (Finding) throws -> Void) throws -> Void) {
        self.cursor = cursor
    }

    /// Calls `body` with each finding in report order.
    public func walk(_ body: (Finding) throws -> Void) throws { try cursor(body) }

    /// Findings held in memory, sorted once.
    public static func array(_ findings: [Finding]) -> ReportFindings {
        let sorted = findings.sorted(by: ReportOrder.finding)
        return ReportFindings { body in for finding in sorted { try body(finding) } }
    }

    /// Findings from a cursor that already gives the order wanted (`inventory --format csv` keeps the store's).
    public static func asGiven(
        _ cursor: @escaping @Sendable (_ body: (Finding) throws -> Void) throws -> Void
    ) -> ReportFindings {
        ReportFindings(cursor: cursor)
    }

    /// Findings from a cursor in the store's order (`InventoryStore.forEachFinding`: path bytes, line with none
    /// first, then recording order), put into report order one run of the same path and line at a time.
    ///
    /// Why this gives the bytes of sorting them all: `ReportOrder.finding` compares the path first as bytes (a
    /// `ScanPath`, as SQLite's BLOB and PostgreSQL's bytea compare it: no collation, no Unicode normalisation, so
    /// mixed case and non-ASCII names order the same on both sides), then the line with none counted as 0; so
    /// runs of one path and line never interleave in the sorted whole, and the rest of the order (source, setting,
    /// algorithm...: Swift `String` comparison, which normalises and so can disagree with SQL's byte order) is
    /// decided in Swift within the run. The sort is stable and the run arrives in recording order, as the whole
    /// array did. Memory: the largest run (the findings of one line of one file).
    public static func storeOrdered(
        _ cursor: @escaping @Sendable (_ body: (Finding) throws -> Void) throws -> Void
    ) -> ReportFindings {
        ReportFindings { body in
            var run: [Finding] = []
            func finishRun() throws {
                if run.count > 1 { run.sort(by: ReportOrder.finding) }
                for finding in run { try body(finding) }
                run.removeAll(keepingCapacity: true)
            }
            try cursor { finding in
                if let first = run.first, first.path != finding.path || (first.line ?? 0) != (finding.line ?? 0) {
                    try finishRun()
                }
                run.append(finding)
            }
            try finishRun()
        }
    }
}
