import PQModel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads one walked file safely: opened below its system root without following a link on the way and without
/// blocking, checked again
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
        // Below the system root, one component at a time: a directory swapped for a link since the walk makes
        // the open fail rather than read a file outside the root (issue 21).
        let descriptor =
            file.system.map { $0.openFile(file.systemPath) }
            ?? TreeWalker.withCString(file.absolute) {
                open($0, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
            }
        guard descriptor >= 0 else {
            let code = errno
            return .skipped(
                Diagnostic(
                    path: file.path,
                    reason: code == ENOENT || code == ELOOP || code == ENOTDIR ? .vanished : .unreadable,
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
        // Sized from fstat, so a small file costs one small allocation (a zeroed 256 KiB buffer per file
        // measured as a large share of a 50,000-file scan); the limit still holds if the file grows.
        let expected = Int(min(max(Int64(info.st_size), 0), maxFileSize)) + 1
        let buffer = UnsafeMutableRawBufferPointer.allocate(
            byteCount: min(256 * 1024, max(4096, expected)), alignment: 1)
        defer { buffer.deallocate() }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(min(expected, headSize))
        var atEnd = false
        if let failure = fill(
            &bytes, atEnd: &atEnd, upTo: headSize, buffer: buffer, sizeAtOpen: Int(info.st_size),
            descriptor: descriptor, path: file.path)
        {
            return .skipped(failure)
        }
        guard wantsRest(bytes[...]) else { return .notClaimed }
        let cap = Int(min(maxFileSize, Int64(Int.max / 2))) + 1
        bytes.reserveCapacity(expected)
        if let failure = fill(
            &bytes, atEnd: &atEnd, upTo: cap, buffer: buffer, sizeAtOpen: Int(info.st_size),
            descriptor: descriptor, path: file.path)
        {
            return .skipped(failure)
        }
        return .contents(bytes)
    }

    private func fill(
        _ bytes: inout [UInt8], atEnd: inout Bool, upTo count: Int, buffer: UnsafeMutableRawBufferPointer,
        sizeAtOpen: Int, descriptor: Int32, path: ScanPath
    ) -> Diagnostic? {
        guard let base = buffer.baseAddress else { return nil }
        while !atEnd, bytes.count < count {
            let want = min(buffer.count, count - bytes.count)
            var got = 0
            repeat {
                got = Glibc.read(descriptor, base, want)
            } while got < 0 && errno == EINTR
            if got < 0 {
                return Diagnostic(
                    path: path, reason: .unreadable, detail: "read failed: " + String(cString: strerror(errno)))
            }
            if got == 0 {
                atEnd = true
            } else {
                bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[0..<got]))
                // Holding the size fstat reported: skip the read that would only say "end of file". A file
                // that grows after its fstat is read as it was then.
                if bytes.count == sizeAtOpen { atEnd = true }
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
