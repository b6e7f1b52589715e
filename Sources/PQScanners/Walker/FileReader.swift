import PQModel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads one walked file safely: opened without following a link and without blocking, checked again
/// with `fstat` after opening (the file may have been swapped for a FIFO since the walk), and never
/// read past the size limit, even if it grows while we read.
public struct FileReader: Sendable {
    public let maxFileSize: Int64

    public init(maxFileSize: Int64) {
        self.maxFileSize = maxFileSize
    }

    /// What reading produced.
    public enum Outcome {
        /// The head was read and `wantsRest` declined: nothing here for the scanners.
        case notClaimed
        /// The whole file (the head alone when the file is that short).
        case contents([UInt8])
        case skipped(Diagnostic)
    }

    /// Reads the first `headSize` bytes, asks `wantsRest` whether any scanner claims them, and only then
    /// reads the rest: large files nobody claims cost one small read.
    public func read(_ file: WalkedFile, headSize: Int, wantsRest: (ArraySlice<UInt8>) -> Bool) -> Outcome {
        if file.size > maxFileSize {
            return .skipped(
                Diagnostic(
                    path: file.path, reason: .tooLarge,
                    detail: "\(file.size) bytes; the limit is \(maxFileSize) (--max-file-size)"))
        }
        let descriptor = TreeWalker.withCString(file.absolute) {
            open($0, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        }
        guard descriptor >= 0 else {
            let code = errno
            return .skipped(
                Diagnostic(
                    path: file.path, reason: code == ENOENT ? .vanished : .unreadable,
                    detail: String(cString: strerror(code))))
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            return .skipped(
                Diagnostic(
                    path: file.path, reason: .specialFile,
                    detail: "no longer a regular file when opened; not read"))
        }
        var bytes: [UInt8] = []
        var atEnd = false
        if let failure = fill(&bytes, atEnd: &atEnd, upTo: headSize, descriptor: descriptor, path: file.path) {
            return .skipped(failure)
        }
        guard wantsRest(bytes[...]) else { return .notClaimed }
        let cap = Int(min(maxFileSize + 1, Int64(Int.max / 2)))
        if let failure = fill(&bytes, atEnd: &atEnd, upTo: cap, descriptor: descriptor, path: file.path) {
            return .skipped(failure)
        }
        return .contents(bytes)
    }

    private func fill(
        _ bytes: inout [UInt8], atEnd: inout Bool, upTo count: Int, descriptor: Int32, path: ScanPath
    ) -> Diagnostic? {
        let chunk = 256 * 1024
        var buffer = [UInt8](repeating: 0, count: chunk)
        while !atEnd, bytes.count < count {
            let want = min(chunk, count - bytes.count)
            var got = 0
            repeat {
                got = buffer.withUnsafeMutableBytes { raw in
                    guard let base = raw.baseAddress else { return 0 }
                    return Glibc.read(descriptor, base, want)
                }
            } while got < 0 && errno == EINTR
            if got < 0 {
                return Diagnostic(
                    path: path, reason: .unreadable, detail: "read failed: " + String(cString: strerror(errno)))
            }
            if got == 0 {
                atEnd = true
            } else {
                bytes.append(contentsOf: buffer[0..<got])
            }
            if Int64(bytes.count) > maxFileSize {
                return Diagnostic(
                    path: path, reason: .tooLarge,
                    detail: "grew past the limit of \(maxFileSize) bytes while being read (--max-file-size)")
            }
        }
        return nil
    }
}
