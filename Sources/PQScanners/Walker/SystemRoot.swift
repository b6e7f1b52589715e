import Foundation
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
    /// This root's key in `HeldDirectories` (a serial number, never reused, unlike an object's address).
    let serial: Int

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
        self.serial = HeldDirectories.shared.newSerial()
    }

    deinit {
        HeldDirectories.shared.release(serial)
        close(descriptor)
    }

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
    /// The caller owns (and closes) the descriptor. Each component is opened in its parent's held descriptor
    /// (`inDirectory`), so opening many directories of one tree costs one `openat` each, not one per component.
    public func openDirectory(_ relative: [UInt8]) -> Int32 {
        var parts = Self.components(relative)
        guard let last = parts.popLast() else { return fcntl(descriptor, F_DUPFD_CLOEXEC, 0) }
        return inDirectory(Self.join(parts)) { parent in
            TreeWalker.withCString(last) { openat(parent, $0, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) }
        } ?? -1
    }

    /// Opens a file below the root for reading without following a link anywhere on the way, without blocking
    /// (a FIFO swapped in is not waited on). -1 with errno on failure.
    public func openFile(_ relative: [UInt8]) -> Int32 {
        var parts = Self.components(relative)
        guard let name = parts.popLast() else {
            errno = EISDIR
            return -1
        }
        return inDirectory(Self.join(parts)) { directory in
            TreeWalker.withCString(name) {
                openat(directory, $0, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
            }
        } ?? -1
    }

    /// `lstat` of a path below the root: its directory is opened safely, the last component is not followed.
    public func status(_ relative: [UInt8], _ info: inout stat) -> Bool {
        var parts = Self.components(relative)
        guard let name = parts.popLast() else { return fstat(descriptor, &info) == 0 }
        var found = stat()
        let done =
            inDirectory(Self.join(parts)) { directory in
                TreeWalker.withCString(name) { fstatat(directory, $0, &found, AT_SYMLINK_NOFOLLOW) } == 0
            } ?? false
        if done { info = found }
        return done
    }

    /// The text of a link below the root, or nil.
    func linkText(_ relative: [UInt8]) -> [UInt8]? {
        var parts = Self.components(relative)
        guard let name = parts.popLast() else { return nil }
        return inDirectory(Self.join(parts)) { Self.linkText(in: $0, name) } ?? nil
    }

    /// Runs `body` with a descriptor of the directory `relative`, opened as `openDirectory` opens it the first
    /// time and then held (`HeldDirectories`): a scan reads files of the same few directories over and over, and
    /// opening each one again from the root, a component at a time, cost more system calls than the reading (13 of
    /// them for a file five directories down; 70,000 `openat` and 92,000 `close` for 4,125 files).
    ///
    /// A held descriptor keeps naming the directory it opened, wherever that directory goes: a name swapped for a
    /// link after the first open still leads nowhere new, and a directory moved away is the one the walk listed.
    /// nil (with errno) when the directory does not open.
    private func inDirectory<T>(_ relative: [UInt8], _ body: (Int32) -> T) -> T? {
        if relative.isEmpty { return body(descriptor) }
        let held: HeldDirectories.Handle
        if let found = HeldDirectories.shared.handle(serial, relative) {
            held = found
        } else {
            // Opened in its parent's held descriptor: the parents are held too, up to the root.
            let opened = openDirectory(relative)
            guard opened >= 0 else { return nil }
            held = HeldDirectories.Handle(opened)
            HeldDirectories.shared.hold(held, serial, relative)
        }
        // errno is what `body` left, even if the last reference to an evicted handle closes it on the way out.
        var code: Int32 = 0
        let result = withExtendedLifetime(held) { () -> T in
            let value = body(held.descriptor)
            code = errno
            return value
        }
        errno = code
        return result
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
        while let component = pending.popLast() {
            if component == [UInt8(ascii: ".")] { continue }
            if component == [UInt8(ascii: "."), UInt8(ascii: ".")] {
                if !done.isEmpty { done.removeLast() }
                continue
            }
            // Looked up in the held descriptor of the directory `done` names: a resolution costs one `fstatat`
            // per component (and a `readlinkat` per link), not a reopening of every prefix from the root.
            var info = stat()
            var target: [UInt8]?
            let found =
                inDirectory(Self.join(done)) { directory -> Bool in
                    guard
                        TreeWalker.withCString(component, { fstatat(directory, $0, &info, AT_SYMLINK_NOFOLLOW) })
                            == 0
                    else { return false }
                    if info.st_mode & S_IFMT == S_IFLNK { target = Self.linkText(in: directory, component) }
                    return true
                } ?? false
            guard found else { return .missing }
            let kind = info.st_mode & S_IFMT
            if kind == S_IFLNK {
                links += 1
                guard links <= Self.maxLinks, let target else { return links > Self.maxLinks ? .loop : .missing }
                if target.first == UInt8(ascii: "/") { done = [] }
                pending += Self.components(target).reversed()
                continue
            }
            if !pending.isEmpty, kind != S_IFDIR { return .missing }
            done.append(component)
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

/// Directory descriptors held for `SystemRoot.inDirectory`, shared by every root of a process so their number has
/// one bound however many roots a scan has (`pqscout scan host-*` opens one root per host).
final class HeldDirectories: @unchecked Sendable {
    // `entries` and `nextSerial` are guarded by `lock`; a Handle's descriptor is only read.
    static let shared = HeldDirectories()
    /// Most descriptors held at once. Two scanning threads go through a tree in path order, so the directories in
    /// use at any time are few; the bound keeps far below any descriptor limit.
    static let capacity = 64

    /// One open directory, closed when the last user lets go (a thread may still be using one just evicted).
    final class Handle: Sendable {
        let descriptor: Int32
        init(_ descriptor: Int32) { self.descriptor = descriptor }
        deinit { close(descriptor) }
    }

    private struct Key: Hashable {
        let root: Int
        let path: [UInt8]
    }

    private let lock = NSLock()
    private var entries: [Key: Handle] = [:]
    private var nextSerial = 0

    func newSerial() -> Int {
        lock.withLock {
            nextSerial += 1
            return nextSerial
        }
    }

    func handle(_ root: Int, _ path: [UInt8]) -> Handle? {
        lock.withLock { entries[Key(root: root, path: path)] }
    }

    func hold(_ handle: Handle, _ root: Int, _ path: [UInt8]) {
        // Released outside the lock: the last release closes a descriptor.
        var evicted: [Key: Handle] = [:]
        lock.withLock {
            if entries.count >= Self.capacity { swap(&evicted, &entries) }
            entries[Key(root: root, path: path)] = handle
        }
        _ = evicted
    }

    /// Lets go of every directory a root holds (its `deinit`).
    func release(_ root: Int) {
        var released: [Handle] = []
        lock.withLock {
            for key in entries.keys where key.root == root {
                if let handle = entries.removeValue(forKey: key) { released.append(handle) }
            }
        }
        _ = released
    }

    /// How many descriptors are held now, in all or for one root (tests).
    var count: Int { lock.withLock { entries.count } }
    func count(root: Int) -> Int { lock.withLock { entries.keys.filter { $0.root == root }.count } }
}
