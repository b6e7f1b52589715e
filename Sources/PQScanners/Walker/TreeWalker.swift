import PQModel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// How the walker treats the tree.
public struct WalkOptions: Sendable, Hashable {
    /// Files larger than this are skipped with a diagnostic (default 16 MiB).
    public var maxFileSize: Int64
    /// Follow symbolic links whose target stays inside the scan root. Links out of the root are never followed.
    public var followLinks: Bool
    /// Glob patterns (fnmatch): a pattern with a `/` matches the path relative to the root, one without
    /// matches any single path component. A matching directory is not entered.
    public var excludes: [String]
    /// Directories deeper than this are not entered (a diagnostic says so).
    public var maxDepth: Int

    public static let defaultMaxFileSize: Int64 = 16 * 1024 * 1024

    public init(
        maxFileSize: Int64 = WalkOptions.defaultMaxFileSize, followLinks: Bool = true, excludes: [String] = [],
        maxDepth: Int = 512
    ) {
        self.maxFileSize = maxFileSize
        self.followLinks = followLinks
        self.excludes = excludes
        self.maxDepth = maxDepth
    }
}

/// A regular file the walker found: where it is and what `stat` said of it.
public struct WalkedFile: Sendable, Hashable {
    /// Path relative to the scan root (what findings report).
    public let path: ScanPath
    /// Absolute path bytes, for opening.
    public let absolute: [UInt8]
    public let size: Int64
    /// Modification time, seconds since 1970.
    public let modified: Double
}

/// The outcome of walking one root: the files to read, and the entries skipped with their reasons.
public struct WalkResult: Sendable {
    public var files: [WalkedFile] = []
    public var diagnostics: [Diagnostic] = []
}

/// Walks a tree with POSIX calls (`opendir`/`readdir`/`lstat`): `FileManager`'s enumerator measured
/// several times slower on large trees here, and it cannot report non-UTF-8 names losslessly.
///
/// Safety rules (ARCHITECTURE.md, "Scan semantics"): links are resolved and followed only when their
/// target stays inside the root; FIFOs, sockets and devices are reported, never opened; `.git` and
/// excluded paths are not entered; every directory is entered once (by device and inode), so link
/// loops end; nothing is ever written.
public struct TreeWalker: Sendable {
    public let options: WalkOptions

    public init(options: WalkOptions = WalkOptions()) {
        self.options = options
    }

    /// Walks `root` (a directory or a single file).
    /// - Parameter label: prefix for reported paths when several roots are scanned together ("" for none).
    /// - Returns: the files, sorted by path, and the diagnostics; or nil when the root cannot be read at all.
    public func walk(root: String, label: [UInt8] = []) -> Result<WalkResult, WalkError> {
        guard let realRoot = Self.realPath(Array(root.utf8)) else {
            return .failure(WalkError(path: root, reason: String(cString: strerror(errno))))
        }
        var info = stat()
        guard Self.fileStatus(realRoot, &info, followLinks: true) else {
            return .failure(WalkError(path: root, reason: String(cString: strerror(errno))))
        }
        var result = WalkResult()
        if Self.kind(info) == S_IFREG {
            let name =
                label.isEmpty
                ? ScanPath(bytes: Array(realRoot.split(separator: UInt8(ascii: "/")).last ?? []))
                : ScanPath(bytes: label)
            result.files.append(
                WalkedFile(
                    path: name, absolute: realRoot, size: Int64(info.st_size),
                    modified: Self.mtime(info)))
            return .success(result)
        }
        guard Self.kind(info) == S_IFDIR else {
            return .failure(WalkError(path: root, reason: "not a directory or regular file"))
        }
        var visited = Set<DirectoryID>([DirectoryID(info)])
        // Explicit stack: 120-deep trees must not grow the call stack.
        var stack: [(absolute: [UInt8], relative: ScanPath, depth: Int)] = [(realRoot, ScanPath(bytes: label), 0)]
        while let (directory, relative, depth) = stack.popLast() {
            guard let entries = Self.listDirectory(directory) else {
                result.diagnostics.append(
                    Diagnostic(
                        path: relative, reason: .unreadable, detail: "directory: " + String(cString: strerror(errno))))
                continue
            }
            for name in entries {
                let path = relative.appending(name)
                let absolute = directory + [UInt8(ascii: "/")] + name
                if name == Array(".git".utf8) || isExcluded(path: path, name: name) { continue }
                var entry = stat()
                guard Self.fileStatus(absolute, &entry, followLinks: false) else {
                    let reason: Diagnostic.Reason = errno == ENOENT ? .vanished : .unreadable
                    result.diagnostics.append(
                        Diagnostic(path: path, reason: reason, detail: String(cString: strerror(errno))))
                    continue
                }
                var target = absolute
                var kind = Self.kind(entry)
                if kind == S_IFLNK {
                    guard let resolved = Self.realPath(absolute) else {
                        let detail = errno == ELOOP ? "the link resolves to itself" : "target missing"
                        result.diagnostics.append(
                            Diagnostic(path: path, reason: errno == ELOOP ? .linkLoop : .brokenLink, detail: detail))
                        continue
                    }
                    guard Self.isInside(resolved, root: realRoot) else {
                        result.diagnostics.append(
                            Diagnostic(
                                path: path, reason: .linkOutsideRoot,
                                detail: "points to " + ScanPath.escape(resolved) + ", outside the scan root"))
                        continue
                    }
                    guard options.followLinks else { continue }
                    guard Self.fileStatus(resolved, &entry, followLinks: false) else {
                        result.diagnostics.append(
                            Diagnostic(path: path, reason: .brokenLink, detail: "target vanished"))
                        continue
                    }
                    target = resolved
                    kind = Self.kind(entry)
                }
                switch kind {
                case S_IFDIR:
                    let id = DirectoryID(entry)
                    guard !visited.contains(id) else {
                        result.diagnostics.append(
                            Diagnostic(
                                path: path, reason: .linkLoop, detail: "directory already scanned; not entered again"))
                        continue
                    }
                    guard depth + 1 <= options.maxDepth else {
                        result.diagnostics.append(
                            Diagnostic(
                                path: path, reason: .tooDeep, detail: "deeper than \(options.maxDepth) directories"))
                        continue
                    }
                    visited.insert(id)
                    stack.append((target, path, depth + 1))
                case S_IFREG:
                    result.files.append(
                        WalkedFile(
                            path: path, absolute: target, size: Int64(entry.st_size), modified: Self.mtime(entry)))
                default:
                    result.diagnostics.append(
                        Diagnostic(path: path, reason: .specialFile, detail: Self.describe(kind) + "; not opened"))
                }
            }
        }
        result.files.sort { $0.path < $1.path }
        return .success(result)
    }

    // MARK: - Exclusion

    func isExcluded(path: ScanPath, name: [UInt8]) -> Bool {
        guard !options.excludes.isEmpty else { return false }
        let full = path.bytes + [0]
        let component = name + [0]
        for pattern in options.excludes {
            let matched: Bool =
                pattern.utf8.contains(UInt8(ascii: "/"))
                ? full.withUnsafeBufferPointer { buffer in
                    buffer.withMemoryRebound(to: CChar.self) { fnmatch(pattern, $0.baseAddress, 0) == 0 }
                }
                : component.withUnsafeBufferPointer { buffer in
                    buffer.withMemoryRebound(to: CChar.self) { fnmatch(pattern, $0.baseAddress, 0) == 0 }
                }
            if matched { return true }
        }
        return false
    }

    // MARK: - POSIX plumbing

    struct DirectoryID: Hashable {
        let device: UInt64
        let inode: UInt64
        init(_ info: stat) {
            device = UInt64(info.st_dev)
            inode = UInt64(info.st_ino)
        }
    }

    static func kind(_ info: stat) -> mode_t { info.st_mode & S_IFMT }

    static func mtime(_ info: stat) -> Double {
        #if canImport(Darwin)
            Double(info.st_mtimespec.tv_sec) + Double(info.st_mtimespec.tv_nsec) / 1e9
        #else
            Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
        #endif
    }

    static func describe(_ kind: mode_t) -> String {
        switch kind {
        case S_IFIFO: "a FIFO"
        case S_IFSOCK: "a socket"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        default: "not a regular file"
        }
    }

    static func fileStatus(_ path: [UInt8], _ info: inout stat, followLinks: Bool) -> Bool {
        withCString(path) { followLinks ? stat($0, &info) == 0 : lstat($0, &info) == 0 }
    }

    static func realPath(_ path: [UInt8]) -> [UInt8]? {
        withCString(path) { pointer -> [UInt8]? in
            guard let resolved = realpath(pointer, nil) else { return nil }
            defer { free(resolved) }
            let length = strlen(resolved)
            return resolved.withMemoryRebound(to: UInt8.self, capacity: length) {
                Array(UnsafeBufferPointer(start: $0, count: length))
            }
        }
    }

    static func isInside(_ path: [UInt8], root: [UInt8]) -> Bool {
        if path == root { return true }
        if root == [UInt8(ascii: "/")] { return path.first == UInt8(ascii: "/") }
        return path.count > root.count && path.starts(with: root) && path[root.count] == UInt8(ascii: "/")
    }

    /// Entry names of a directory, without "." and "..", or nil (errno set) when it cannot be opened.
    static func listDirectory(_ path: [UInt8]) -> [[UInt8]]? {
        guard let handle = withCString(path, { opendir($0) }) else { return nil }
        defer { closedir(handle) }
        var names: [[UInt8]] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw -> [UInt8] in
                let bytes = raw.bindMemory(to: UInt8.self)
                let length = bytes.firstIndex(of: 0) ?? bytes.count
                return Array(bytes[0..<length])
            }
            if name == [UInt8(ascii: ".")] || name == [UInt8(ascii: "."), UInt8(ascii: ".")] { continue }
            names.append(name)
        }
        return names
    }

    /// Calls `body` with the bytes as a NUL-terminated C string (file names are bytes, not text).
    static func withCString<T>(_ bytes: [UInt8], _ body: (UnsafePointer<CChar>) -> T) -> T {
        let terminated = bytes.map { CChar(bitPattern: $0) } + [0]
        return terminated.withUnsafeBufferPointer { buffer in
            // A non-empty array always has storage, so the base address is present.
            guard let base = buffer.baseAddress else { return body("") }
            return body(base)
        }
    }
}

/// A root named on the command line that cannot be walked at all.
public struct WalkError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "cannot read \(path): \(reason)" }
}
