import PQModel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The directory a scanned system's absolute paths mean: the image itself for a copy of a system, `/` for the
/// running host. Absolute links and absolute paths written in configs resolve against it, never past it.
///
/// Everything is opened relative to one directory descriptor, one component at a time with `O_NOFOLLOW`
/// (`O_DIRECTORY` for every directory), so a directory swapped for a link while a scan runs makes the open fail
/// instead of reaching outside the root (issue 21, item 4). Links are resolved here, in user space, with `..`
/// clamped at the root and absolute targets restarting at it, the way `chroot` would see them.
public final class SystemRoot: @unchecked Sendable {
    // Immutable after init; the descriptor is only read (openat, fstatat, readlinkat are thread-safe).
    /// Real absolute path of the system root on this host ("/" for the running system).
    public let path: [UInt8]
    private let descriptor: Int32

    /// Most links one resolution follows, as Linux's own limit (path_resolution(7): 40).
    static let maxLinks = 40

    /// Opens a system root.
    /// - Parameter path: a directory; links in it are resolved by the host (it is the user's own argument).
    public init?(path: String) {
        guard let real = TreeWalker.realPath(Array(path.utf8)) else { return nil }
        let fd = TreeWalker.withCString(real) { open($0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        guard fd >= 0 else { return nil }
        self.path = real
        self.descriptor = fd
    }

    deinit { close(descriptor) }

    /// True for the running host's root.
    public var isHost: Bool { path == [UInt8(ascii: "/")] }

    /// The host path of a system-relative path, for messages.
    public func hostPath(_ relative: [UInt8]) -> [UInt8] {
        if relative.isEmpty { return path }
        return isHost ? [UInt8(ascii: "/")] + relative : path + [UInt8(ascii: "/")] + relative
    }

    /// A host path (already real) relative to this root, or nil when it lies outside.
    public func relative(ofHost host: [UInt8]) -> [UInt8]? {
        if host == path { return [] }
        if isHost { return host.first == UInt8(ascii: "/") ? Array(host.dropFirst()) : nil }
        guard host.count > path.count, host.starts(with: path), host[path.count] == UInt8(ascii: "/") else {
            return nil
        }
        return Array(host[(path.count + 1)...])
    }

    // MARK: - Opening

    /// Opens a directory below the root, component by component, never through a link. -1 with errno on failure.
    public func openDirectory(_ relative: [UInt8]) -> Int32 {
        var current = fcntl(descriptor, F_DUPFD_CLOEXEC, 0)
        guard current >= 0 else { return -1 }
        for component in Self.components(relative) {
            let next = TreeWalker.withCString(component) {
                openat(current, $0, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            }
            let saved = errno
            close(current)
            guard next >= 0 else {
                errno = saved
                return -1
            }
            current = next
        }
        return current
    }

    /// Opens a file below the root for reading without following a link anywhere on the way, without blocking
    /// (a FIFO swapped in is not waited on). -1 with errno on failure.
    public func openFile(_ relative: [UInt8]) -> Int32 {
        var parts = Self.components(relative)
        guard let name = parts.popLast() else {
            errno = EISDIR
            return -1
        }
        let directory = openDirectory(Self.join(parts))
        guard directory >= 0 else { return -1 }
        defer { close(directory) }
        return TreeWalker.withCString(name) {
            openat(directory, $0, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        }
    }

    /// `lstat` of a path below the root: its directory is opened safely, the last component is not followed.
    public func status(_ relative: [UInt8], _ info: inout stat) -> Bool {
        var parts = Self.components(relative)
        guard let name = parts.popLast() else { return fstat(descriptor, &info) == 0 }
        let directory = openDirectory(Self.join(parts))
        guard directory >= 0 else { return false }
        defer { close(directory) }
        return TreeWalker.withCString(name) { fstatat(directory, $0, &info, AT_SYMLINK_NOFOLLOW) } == 0
    }

    /// The text of a link below the root, or nil.
    func linkText(_ relative: [UInt8]) -> [UInt8]? {
        var parts = Self.components(relative)
        guard let name = parts.popLast() else { return nil }
        let directory = openDirectory(Self.join(parts))
        guard directory >= 0 else { return nil }
        defer { close(directory) }
        return Self.linkText(in: directory, name)
    }

    /// The text of the link `name` in an open directory, or nil.
    private static func linkText(in directory: Int32, _ name: [UInt8]) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = TreeWalker.withCString(name) { pointer in
            buffer.withUnsafeMutableBufferPointer { out -> Int in
                out.withMemoryRebound(to: CChar.self) { chars -> Int in
                    guard let base = chars.baseAddress else { return -1 }
                    return readlinkat(directory, pointer, base, chars.count)
                }
            }
        }
        guard count > 0, count < buffer.count else { return nil }
        return Array(buffer[0..<count])
    }

    // MARK: - Resolution

    /// Where a path leads once every link on it is resolved inside this root.
    public enum Resolution: Equatable {
        /// The real path, relative to the root ("" for the root itself); what is there may still be anything.
        case resolved([UInt8])
        /// A component does not exist (or is not a directory where one is needed).
        case missing
        /// More than `maxLinks` links: a loop.
        case loop
    }

    /// Resolves `relative` (which may hold links, `.` and `..`) the way a process chrooted here would: absolute
    /// link targets restart at the root and `..` never climbs above it.
    public func resolve(_ relative: [UInt8]) -> Resolution {
        var done: [[UInt8]] = []
        var pending = Array(Self.components(relative).reversed())
        var links = 0
        // The directory `done` names, kept open and stepped down one component at a time, so a resolution costs a
        // few calls per component instead of reopening every prefix from the root (quadratic in the depth, and 4%
        // of a benchmark scan). -1 until needed, and again after `..` or an absolute link.
        var directory: Int32 = -1
        defer { if directory >= 0 { close(directory) } }
        while let component = pending.popLast() {
            if component == [UInt8(ascii: ".")] { continue }
            if component == [UInt8(ascii: "."), UInt8(ascii: ".")] {
                if !done.isEmpty {
                    done.removeLast()
                    if directory >= 0 { close(directory) }
                    directory = -1
                }
                continue
            }
            if directory < 0 {
                directory = openDirectory(Self.join(done))
                guard directory >= 0 else { return .missing }
            }
            var info = stat()
            let found = TreeWalker.withCString(component) { fstatat(directory, $0, &info, AT_SYMLINK_NOFOLLOW) }
            guard found == 0 else { return .missing }
            let kind = info.st_mode & S_IFMT
            if kind == S_IFLNK {
                links += 1
                guard links <= Self.maxLinks, let target = Self.linkText(in: directory, component) else {
                    return links > Self.maxLinks ? .loop : .missing
                }
                if target.first == UInt8(ascii: "/") {
                    done = []
                    close(directory)
                    directory = -1
                }
                pending += Self.components(target).reversed()
                continue
            }
            if !pending.isEmpty, kind != S_IFDIR { return .missing }
            done.append(component)
            if !pending.isEmpty {
                let next = TreeWalker.withCString(component) {
                    openat(directory, $0, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                }
                close(directory)
                // A directory that does not open leaves -1: a `..` next needs nothing from it, and any other
                // component reopens the path and fails there.
                directory = next
            }
        }
        return .resolved(Self.join(done))
    }

    // MARK: - Path bytes

    /// The non-empty components of a slash-separated path.
    static func components(_ path: [UInt8]) -> [[UInt8]] {
        path.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true).map(Array.init)
    }

    static func join(_ components: [[UInt8]]) -> [UInt8] {
        Array(components.joined(separator: [UInt8(ascii: "/")]))
    }

    /// True when `path` is `directory` or lies below it (both relative to the root; "" is the root).
    static func isWithin(_ path: [UInt8], _ directory: [UInt8]) -> Bool {
        if directory.isEmpty || path == directory { return true }
        return path.count > directory.count && path.starts(with: directory)
            && path[directory.count] == UInt8(ascii: "/")
    }
}
