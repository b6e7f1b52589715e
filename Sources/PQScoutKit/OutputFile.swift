import Foundation
import PQReports

/// Every file PQScout writes for a reader (a report, a plan, its patches and asset lists) is written here.
///
/// Whole, through a temporary name renamed over the target: a reader never sees half a file, and a symbolic link
/// planted under the target's name is replaced, never followed.
public enum OutputFile {
    /// Writes `data` to `path`.
    /// - Throws: `PQScoutError` with `code` (kind `.input`): "cannot write PATH: <why>".
    public static func write(_ data: Data, to path: String, code: String) throws(PQScoutError) {
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw PQScoutError(
                code: code, kind: .input, reason: "cannot write \(path): \(PQScoutError.describe(error))")
        }
    }

    /// Writes what `body` writes to `path` as it comes, through a temporary name in the same directory renamed over
    /// the target once `body` is done (so, as `write`, a reader never sees half a file and a link is replaced). On
    /// failure the temporary file is removed and the target left as it was.
    /// - Throws: what `body` throws when it is a `PQScoutError`; otherwise `PQScoutError` with `code`.
    public static func stream(to path: String, code: String, _ body: (ReportOutput) throws -> Void)
        throws(PQScoutError)
    {
        let target = URL(fileURLWithPath: path)
        let temporary = target.deletingLastPathComponent()
            .appendingPathComponent(".\(target.lastPathComponent).pqscout-\(UUID().uuidString)")
        func failure(_ error: any Error) -> PQScoutError {
            try? FileManager.default.removeItem(at: temporary)
            if let known = error as? PQScoutError { return known }
            return PQScoutError(
                code: code, kind: .input, reason: "cannot write \(path): \(PQScoutError.describe(error))")
        }
        // Registered before it exists: a SIGINT or SIGTERM from here on removes it before the process dies.
        OutputsBeingWritten.shared.add(temporary.path)
        defer { OutputsBeingWritten.shared.remove(temporary.path) }
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            let reason = String(cString: strerror(errno))
            throw PQScoutError(code: code, kind: .input, reason: "cannot write \(path): \(reason)")
        }
        do {
            let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
            defer { try? handle.close() }
            let output = ReportOutput.file(handle)
            try body(output)
            try output.flush()
            try handle.synchronize()
        } catch {
            throw failure(error)
        }
        guard rename(temporary.path, target.path) == 0 else {
            throw failure(POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO))
        }
    }

    /// `write(_:to:code:)` of UTF-8 text.
    public static func write(_ text: String, to path: String, code: String) throws(PQScoutError) {
        try write(Data(text.utf8), to: path, code: code)
    }
}

/// The temporary files `OutputFile.stream` is writing, removed if SIGINT or SIGTERM stops the process.
///
/// Why: a report killed half-way (Ctrl-C on a CBOM of a million files, a CI job's timeout) left its partial output
/// beside the target as `.NAME.pqscout-UUID`, up to the report's size. The handler removes what is registered, says
/// so on stderr, and exits 128 + the signal's number (130, 143), as a stopped scan does.
final class OutputsBeingWritten: @unchecked Sendable {
    static let shared = OutputsBeingWritten()
    // `lock` guards `paths` and `installed`; the handlers run on `queue`, the writers on their own threads.
    private let lock = NSLock()
    private var paths: Set<String> = []
    private var installed: [DispatchSourceSignal] = []
    private let queue = DispatchQueue(label: "pqscout.output-interruption")

    func add(_ path: String) {
        lock.withLock {
            paths.insert(path)
            if installed.isEmpty { install() }
        }
    }

    func remove(_ path: String) {
        lock.withLock { _ = paths.remove(path) }
    }

    /// Called with `lock` held, once: from then on the two signals reach the handler instead of ending the process.
    private func install() {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { [self] in
                let removed: Int = lock.withLock {
                    for path in paths { unlink(path) }
                    defer { paths.removeAll() }
                    return paths.count
                }
                let name = number == SIGINT ? "SIGINT" : "SIGTERM"
                FileHandle.standardError.write(
                    Data("pqscout: \(name): stopped; \(removed) partial output file(s) removed\n".utf8))
                // As a stopped scan does (`ScanInterruption`): `_exit`, with the writer still running on another
                // thread. A signal raised here would wait: libdispatch's threads block signals.
                _exit(128 + number)
            }
            source.resume()
            installed.append(source)
        }
    }
}
