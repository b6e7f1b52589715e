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
    /// Path patterns (`PathPattern`, the dialect of every user-facing pattern). A matching directory is not entered.
    public var excludes: [String]
    /// Directories deeper than this are not entered (a diagnostic says so).
    public var maxDepth: Int
    /// Absolute host paths never walked (the store being written, when it lies inside the tree: `scan /`).
    public var skipHostPaths: Set<[UInt8]> = []

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
    /// The file's name for the scanners: the walk's label, then its path relative to the system root (for an
    /// image that is the scan root, so this is the path findings report; see `WalkResult.reportedPath`).
    public let path: ScanPath
    /// Absolute host path, for messages and for opening a file that has no system root.
    public var absolute: [UInt8] {
        guard let system, givenAbsolute.isEmpty else { return givenAbsolute }
        return system.hostPath(systemPath)
    }
    /// The absolute path as given, or empty when the system root and `systemPath` make it: kept for every file of
    /// a walk, a million of them took 66 MB (issue 20).
    private let givenAbsolute: [UInt8]
    public let size: Int64
    /// Modification time, seconds since 1970.
    public let modified: Double
    /// The path relative to `system`, for opening it safely below that root.
    public let systemPath: [UInt8]
    /// The root it is opened under.
    public let system: SystemRoot?
    /// What `stat` said, to tell a rescan whether the file may have changed; nil for a file built by hand, which a
    /// rescan never trusts.
    public let identity: FileIdentity?

    public init(
        path: ScanPath, absolute: [UInt8], size: Int64, modified: Double, systemPath: [UInt8] = [],
        system: SystemRoot? = nil, identity: FileIdentity? = nil
    ) {
        self.path = path
        self.givenAbsolute = system.map { $0.hostPath(systemPath) == absolute } == true ? [] : absolute
        self.size = size
        self.modified = modified
        self.systemPath = systemPath
        self.system = system
        self.identity = identity
    }

    /// A file of a walk, opened below its system root: its absolute path is the root's host path and `systemPath`.
    init(
        path: ScanPath, size: Int64, modified: Double, systemPath: [UInt8], system: SystemRoot, identity: FileIdentity
    ) {
        self.path = path
        self.givenAbsolute = []
        self.size = size
        self.modified = modified
        self.systemPath = systemPath
        self.system = system
        self.identity = identity
    }

    /// True when the absolute path is the system root's host path and `systemPath` (nothing of its own is kept).
    var absoluteIsDerived: Bool { givenAbsolute.isEmpty }

    public static func == (lhs: WalkedFile, rhs: WalkedFile) -> Bool {
        lhs.path == rhs.path && lhs.absolute == rhs.absolute && lhs.size == rhs.size && lhs.modified == rhs.modified
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(path)
        hasher.combine(absolute)
    }
}

/// Device, inode, size and the modification and change times (nanoseconds) of a file: a rescan reuses a file's
/// results without reading it only while all five are as they were (issue 20). The change time moves on every
/// write, `chmod` or rename, and cannot be set back by `touch`, so content rewritten with its old mtime still shows.
public struct FileIdentity: Sendable, Hashable {
    public var device: UInt64
    public var inode: UInt64
    public var size: Int64
    public var modifiedNanos: Int64
    public var changedNanos: Int64

    public init(device: UInt64, inode: UInt64, size: Int64, modifiedNanos: Int64, changedNanos: Int64) {
        self.device = device
        self.inode = inode
        self.size = size
        self.modifiedNanos = modifiedNanos
        self.changedNanos = changedNanos
    }

    public init(_ info: stat) {
        #if canImport(Darwin)
            let modified = info.st_mtimespec
            let changed = info.st_ctimespec
        #else
            let modified = info.st_mtim
            let changed = info.st_ctim
        #endif
        self.init(
            device: UInt64(truncatingIfNeeded: info.st_dev), inode: UInt64(truncatingIfNeeded: info.st_ino),
            size: Int64(info.st_size), modifiedNanos: Int64(modified.tv_sec) * 1_000_000_000 + Int64(modified.tv_nsec),
            changedNanos: Int64(changed.tv_sec) * 1_000_000_000 + Int64(changed.tv_nsec))
    }
}

/// The outcome of walking one root: the files to read, the links that are aliases of them, and the entries
/// skipped with their reasons.
public struct WalkResult: Sendable {
    public var files = WalkedFiles()
    /// Links inside the tree to files or directories inside it, named as `files` are; sorted by path.
    public var aliases: [PathAlias] = []
    public var diagnostics: [Diagnostic] = []
    /// The root absolute paths resolve against; nil only for a result built by hand.
    public var system: SystemRoot?
    /// The scan root relative to `system` ("" when the scan root is the system root, as for an image).
    public var rootInSystem: [UInt8] = []
    /// The walk's label ("" for a single root).
    public var label: [UInt8] = []
    /// True when `system` is the running host's view of a subtree (`pqscout scan /etc`): configs may then name
    /// files outside the scan root, which are read for linking but not inventoried.
    public var live = false

    public init() {}

    /// The path findings report for a scanner-side path: relative to the scan root (with the label), or, for a
    /// file outside the scan root that a config named, its absolute path on the system ("/etc/ssl/certs/x.pem").
    public func reportedPath(_ path: ScanPath) -> ScanPath {
        guard !rootInSystem.isEmpty else { return path }
        var rest = path.bytes
        if !label.isEmpty {
            guard rest.starts(with: label + [UInt8(ascii: "/")]) else { return path }
            rest.removeFirst(label.count + 1)
        }
        if rest == rootInSystem {
            return ScanPath(bytes: label.isEmpty ? ScanPath(bytes: rest).lastComponent : label)
        }
        if SystemRoot.isWithin(rest, rootInSystem) {
            return ScanPath(bytes: label).appending(Array(rest[(rootInSystem.count + 1)...]))
        }
        return ScanPath(bytes: [UInt8(ascii: "/")] + rest)
    }
}

/// Walks a tree with POSIX calls relative to directory descriptors (`openat`/`fdopendir`/`fstatat`):
/// `FileManager`'s enumerator measured several times slower on large trees here, it cannot report non-UTF-8
/// names losslessly, and a path-based walk can be sent outside the root by a directory swapped for a link.
///
/// Safety rules (ARCHITECTURE.md, "Scan semantics"): every directory is opened below the system root one
/// component at a time with `O_NOFOLLOW`; links are resolved inside the system root (`SystemRoot.resolve`) and
/// never walked: a link to something inside the scan root becomes an alias of it (the target is walked under its
/// real path, once), a link leaving the scan root is a diagnostic; FIFOs, sockets and devices are reported, never
/// opened; `.git` and excluded paths are not entered; nothing is ever written.
public struct TreeWalker: Sendable {
    public let options: WalkOptions
    private let excludes: [PathPattern]

    public init(options: WalkOptions = WalkOptions()) {
        self.options = options
        excludes = options.excludes.map(PathPattern.init)
    }

    /// Host directories of a running system that hold no files of their own (kernel views, runtime state), not
    /// entered when the system root is `/`.
    public static let hostVirtualDirectories: Set<[UInt8]> = Set(["proc", "sys", "dev", "run"].map { Array($0.utf8) })

    /// Walks `root` (a directory or a single file).
    /// - Parameters:
    ///   - label: prefix for reported paths when several roots are scanned together ("" for none).
    ///   - system: the system root `root` belongs to (`/` for a part of the running host); nil makes `root`
    ///     its own system root, as for an image or a copy (a single file's directory, for a file).
    /// - Returns: the files, sorted by path, their aliases and the diagnostics; or an error when the root cannot
    ///   be read at all.
    public func walk(root: String, label: [UInt8] = [], system: SystemRoot? = nil) -> Result<WalkResult, WalkError> {
        guard let realRoot = Self.realPath(Array(root.utf8)) else {
            return .failure(WalkError(path: root, reason: String(cString: strerror(errno))))
        }
        var info = stat()
        guard Self.fileStatus(realRoot, &info, followLinks: true) else {
            return .failure(WalkError(path: root, reason: String(cString: strerror(errno))))
        }
        let isFile = Self.kind(info) == S_IFREG
        guard isFile || Self.kind(info) == S_IFDIR else {
            return .failure(WalkError(path: root, reason: "not a directory or regular file"))
        }
        let systemRoot: SystemRoot
        if let system {
            systemRoot = system
        } else {
            let own = isFile ? Array(realRoot[..<(realRoot.lastIndex(of: UInt8(ascii: "/")) ?? 0)]) : realRoot
            guard let opened = SystemRoot(path: own.isEmpty ? "/" : String(decoding: own, as: UTF8.self)) else {
                return .failure(WalkError(path: root, reason: String(cString: strerror(errno))))
            }
            systemRoot = opened
        }
        guard let rootInSystem = systemRoot.relative(ofHost: realRoot) else {
            return .failure(
                WalkError(
                    path: root, reason: "outside the system root " + ScanPath.escape(systemRoot.path)))
        }
        var result = WalkResult()
        result.system = systemRoot
        result.rootInSystem = rootInSystem
        result.label = label
        result.live = system != nil
        if isFile {
            result.files.append(
                WalkedFile(
                    path: name(label, rootInSystem), absolute: realRoot, size: Int64(info.st_size),
                    modified: Self.mtime(info), systemPath: rootInSystem, system: systemRoot,
                    identity: FileIdentity(info)))
            return .success(result)
        }
        let walk = Walk(walker: self, system: systemRoot, rootInSystem: rootInSystem, label: label)
        walk.run(rootID: DirectoryID(info), into: &result)
        result.files.sortByPath()
        result.aliases.sort()
        return .success(result)
    }

    /// A scanner-side name: the label, then the system-relative path.
    func name(_ label: [UInt8], _ systemPath: [UInt8]) -> ScanPath {
        ScanPath(bytes: label).appending(systemPath)
    }

    /// The state of one directory walk.
    private struct Walk {
        let walker: TreeWalker
        let system: SystemRoot
        let rootInSystem: [UInt8]
        let label: [UInt8]

        /// The path relative to the scan root with the label: what excludes match and diagnostics report.
        func reported(_ systemPath: [UInt8]) -> ScanPath {
            let below = rootInSystem.isEmpty ? systemPath : Array(systemPath.dropFirst(rootInSystem.count + 1))
            return ScanPath(bytes: label).appending(below)
        }

        func run(rootID: DirectoryID, into result: inout WalkResult) {
            var visited = Set<DirectoryID>([rootID])
            // Explicit stack of paths (not descriptors: a wide tree would exhaust them); each directory is opened
            // again below the root and checked to be the one that was seen.
            var stack: [(path: [UInt8], id: DirectoryID, depth: Int)] = [(rootInSystem, rootID, 0)]
            while let (directory, expected, depth) = stack.popLast() {
                let descriptor = system.openDirectory(directory)
                guard descriptor >= 0 else {
                    let code = errno
                    result.diagnostics.append(
                        Diagnostic(
                            path: reported(directory),
                            reason: code == ENOENT || code == ELOOP ? .vanished : .unreadable,
                            detail: "directory: " + String(cString: strerror(code))))
                    continue
                }
                defer { close(descriptor) }
                var opened = stat()
                guard fstat(descriptor, &opened) == 0, DirectoryID(opened) == expected else {
                    result.diagnostics.append(
                        Diagnostic(
                            path: reported(directory), reason: .vanished,
                            detail: "directory replaced while the scan ran; not entered"))
                    continue
                }
                guard let entries = TreeWalker.listDirectory(descriptor) else {
                    result.diagnostics.append(
                        Diagnostic(
                            path: reported(directory), reason: .unreadable,
                            detail: "directory: " + String(cString: strerror(errno))))
                    continue
                }
                // Reverse order on the stack so directories are entered in name order: the same tree gives the
                // same diagnostics in the same order, whatever order readdir returned.
                var subdirectories: [(path: [UInt8], id: DirectoryID)] = []
                for name in entries.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
                    let systemPath = directory.isEmpty ? name : directory + [UInt8(ascii: "/")] + name
                    let path = reported(systemPath)
                    if name == Array(".git".utf8) || walker.isExcluded(path: path) { continue }
                    if system.isHost, directory.isEmpty, TreeWalker.hostVirtualDirectories.contains(name) { continue }
                    if walker.options.skipHostPaths.contains(system.hostPath(systemPath)) { continue }
                    var entry = stat()
                    guard TreeWalker.withCString(name, { fstatat(descriptor, $0, &entry, AT_SYMLINK_NOFOLLOW) }) == 0
                    else {
                        let reason: Diagnostic.Reason = errno == ENOENT ? .vanished : .unreadable
                        result.diagnostics.append(
                            Diagnostic(path: path, reason: reason, detail: String(cString: strerror(errno))))
                        continue
                    }
                    switch TreeWalker.kind(entry) {
                    case S_IFLNK:
                        link(systemPath, path: path, into: &result)
                    case S_IFDIR:
                        let id = DirectoryID(entry)
                        guard !visited.contains(id) else {
                            // Only a bind mount can show one directory twice now that links are not walked.
                            result.diagnostics.append(
                                Diagnostic(
                                    path: path, reason: .linkLoop,
                                    detail: "directory already scanned; not entered again"
                                ))
                            continue
                        }
                        guard depth + 1 <= walker.options.maxDepth else {
                            result.diagnostics.append(
                                Diagnostic(
                                    path: path, reason: .tooDeep,
                                    detail: "deeper than \(walker.options.maxDepth) directories"))
                            continue
                        }
                        visited.insert(id)
                        subdirectories.append((systemPath, id))
                    case S_IFREG:
                        result.files.append(
                            WalkedFile(
                                path: walker.name(label, systemPath), size: Int64(entry.st_size),
                                modified: TreeWalker.mtime(entry), systemPath: systemPath, system: system,
                                identity: FileIdentity(entry)))
                    case let kind:
                        result.diagnostics.append(
                            Diagnostic(
                                path: path, reason: .specialFile, detail: TreeWalker.describe(kind) + "; not opened"))
                    }
                }
                for subdirectory in subdirectories.reversed() {
                    stack.append((subdirectory.path, subdirectory.id, depth + 1))
                }
            }
        }

        /// A link: resolved inside the system root; an alias when it stays inside the scan root.
        func link(_ systemPath: [UInt8], path: ScanPath, into result: inout WalkResult) {
            guard walker.options.followLinks else { return }
            let resolved: [UInt8]
            switch system.resolve(systemPath) {
            case .loop:
                result.diagnostics.append(
                    Diagnostic(path: path, reason: .linkLoop, detail: "the link resolves to itself"))
                return
            case .missing:
                result.diagnostics.append(Diagnostic(path: path, reason: .brokenLink, detail: "target missing"))
                return
            case .resolved(let target):
                resolved = target
            }
            guard SystemRoot.isWithin(resolved, rootInSystem) else {
                result.diagnostics.append(
                    Diagnostic(
                        path: path, reason: .linkOutsideRoot,
                        detail: "points to " + ScanPath.escape(system.hostPath(resolved)) + ", outside the scan root"))
                return
            }
            var target = stat()
            guard system.status(resolved, &target) else {
                result.diagnostics.append(Diagnostic(path: path, reason: .brokenLink, detail: "target vanished"))
                return
            }
            switch TreeWalker.kind(target) {
            case S_IFDIR:
                result.aliases.append(
                    PathAlias(
                        path: walker.name(label, systemPath), target: walker.name(label, resolved), kind: .directory))
            case S_IFREG:
                result.aliases.append(
                    PathAlias(path: walker.name(label, systemPath), target: walker.name(label, resolved), kind: .file))
            default:
                // The special file itself is reported where it lies; its link adds nothing.
                break
            }
        }
    }

    // MARK: - Exclusion

    /// Folders above `path` were not excluded (they were entered), so the path itself is all there is to test.
    func isExcluded(path: ScanPath) -> Bool {
        guard !excludes.isEmpty else { return false }
        let display = path.display
        return excludes.contains { $0.matchesItself(display: display) }
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

    /// Entry names of an open directory, without "." and "..", or nil (errno set) when it cannot be read. The
    /// descriptor stays open (a duplicate is handed to `fdopendir`).
    static func listDirectory(_ descriptor: Int32) -> [[UInt8]]? {
        let copy = fcntl(descriptor, F_DUPFD_CLOEXEC, 0)
        guard copy >= 0 else { return nil }
        guard let handle = fdopendir(copy) else {
            close(copy)
            return nil
        }
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
