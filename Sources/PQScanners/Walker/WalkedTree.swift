import PQModel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A `TreeReader` over the files one walk accepted, and the one place where a path a config names is resolved:
/// through the tree's links (aliases) inside the system root, and, for a part of the running system
/// (`pqscout scan /etc`), to files outside the scan root that are read for linking but not inventoried.
///
/// Paths are scanner-side names (`WalkedFile.path`): the label, then the path relative to the system root, so an
/// absolute path from a config maps to a name by dropping its `/` (`ConfigText.rootPattern`). Nothing outside the
/// system root is ever reached, and for an image nothing outside the walked files at all.
public struct WalkedTree: TreeReader {
    /// Sorted by path: a glob looks only at the files under its literal prefix, and a path is found by binary
    /// search (issue 20, point 4). No separate index by path: at a million files a dictionary of them cost as much
    /// memory as the files themselves.
    private let files: WalkedFiles
    /// File links inside the tree: link path → real path.
    private let fileAliases: [ScanPath: ScanPath]
    /// The same links sorted by link path: a glob looks only at those under its literal prefix (a tree of 30
    /// systems has hundreds of `sites-enabled` and certificate-hash links, and every lookup tested each).
    private let sortedFileAliases: [(path: [UInt8], target: ScanPath)]
    /// Directory links inside the tree: link path → real path (bytes, scanner-side names).
    private let directoryAliases: [(path: [UInt8], target: [UInt8])]
    private let reader: FileReader
    private let system: SystemRoot?
    private let rootInSystem: [UInt8]
    private let label: [UInt8]
    private let live: Bool

    /// Most files one lookup outside the scan root returns (as `ConfigText.maxIncludedFiles`).
    static let maxOutsideMatches = 512

    /// A tree of a walk: its files, aliases and system root.
    public init(walk: WalkResult, maxFileSize: Int64) {
        self.init(
            files: walk.files, aliases: walk.aliases, system: walk.system, rootInSystem: walk.rootInSystem,
            label: walk.label, live: walk.live, maxFileSize: maxFileSize)
    }

    /// A tree of files alone (no links, nothing outside them).
    public init(files: WalkedFiles, maxFileSize: Int64) {
        self.init(
            files: files, aliases: [], system: nil, rootInSystem: [], label: [], live: false, maxFileSize: maxFileSize)
    }

    /// A tree of files alone (no links, nothing outside them).
    public init(files: [WalkedFile], maxFileSize: Int64) {
        self.init(files: WalkedFiles(files), maxFileSize: maxFileSize)
    }

    private init(
        files: WalkedFiles, aliases: [PathAlias], system: SystemRoot?, rootInSystem: [UInt8], label: [UInt8],
        live: Bool, maxFileSize: Int64
    ) {
        // A walk's files come sorted; sorting them again would copy a million of them.
        self.files = files.isSortedAndUnique ? files : Self.sortedUnique(files)
        var fileAliases: [ScanPath: ScanPath] = [:]
        var directoryAliases: [(path: [UInt8], target: [UInt8])] = []
        for alias in aliases {
            switch alias.kind {
            case .file: fileAliases[alias.path] = alias.target
            case .directory: directoryAliases.append((alias.path.bytes, alias.target.bytes))
            }
        }
        // Longest first, so the nearest link on a path is taken.
        self.directoryAliases = directoryAliases.sorted { $0.path.count > $1.path.count }
        self.fileAliases = fileAliases
        sortedFileAliases = fileAliases.map { ($0.key.bytes, $0.value) }.sorted {
            $0.path.lexicographicallyPrecedes($1.path)
        }
        self.reader = FileReader(maxFileSize: maxFileSize)
        self.system = system
        self.rootInSystem = rootInSystem
        self.label = label
        self.live = live
    }

    // MARK: - TreeReader

    public func files(matching pattern: String) -> [ScanPath] {
        var found = Set(ownFiles(matching: pattern))
        let bytes = Array(pattern.utf8)
        let prefix = Self.literalPrefix(bytes)
        var low = 0
        var high = sortedFileAliases.count
        while low < high {
            let middle = (low + high) / 2
            if sortedFileAliases[middle].path.lexicographicallyPrecedes(prefix) {
                low = middle + 1
            } else {
                high = middle
            }
        }
        for (alias, target) in sortedFileAliases[low...].prefix(while: { $0.path.starts(with: prefix) })
        where Self.matches(pattern, alias) && position(of: target) != nil {
            found.insert(target)
        }
        for alias in directoryAliases where bytes.starts(with: alias.path + [UInt8(ascii: "/")]) {
            let rewritten = alias.target + bytes[alias.path.count...]
            found.formUnion(ownFiles(matching: String(decoding: rewritten, as: UTF8.self)))
        }
        if found.isEmpty { found.formUnion(resolvedFiles(matching: bytes)) }
        return found.sorted()
    }

    /// The walked file at a path (an alias leads to its target), or, for a part of the running system, a file
    /// outside the scan root that a config names.
    public func file(at path: ScanPath) -> WalkedFile? {
        if let position = position(of: path) { return files[position] }
        if let target = fileAliases[path], let position = position(of: target) { return files[position] }
        guard let system, let relative = systemRelative(path.bytes), case .resolved(let real) = system.resolve(relative)
        else { return nil }
        if let position = position(of: named(real)) { return files[position] }
        guard live, !SystemRoot.isWithin(real, rootInSystem) else { return nil }
        var info = stat()
        guard system.status(real, &info), info.st_mode & S_IFMT == S_IFREG else { return nil }
        return WalkedFile(
            path: named(real), absolute: system.hostPath(real), size: Int64(info.st_size),
            modified: TreeWalker.mtime(info), systemPath: real, system: system, identity: FileIdentity(info))
    }

    /// True when `path` leads to a file outside the scan root (read for linking, not inventoried as the tree's
    /// own), by its own name or through links (Dovecot's `private/dovecot.pem -> /etc/ssl/certs/...`).
    public func isOutsideRoot(_ path: ScanPath) -> Bool {
        guard live, let file = file(at: path) else { return false }
        return position(of: file.path) == nil
    }

    public func reportedName(_ path: ScanPath) -> ScanPath {
        var walk = WalkResult()
        walk.label = label
        walk.rootInSystem = rootInSystem
        return walk.reportedPath(path)
    }

    public func read(_ path: ScanPath) -> Result<[UInt8], Diagnostic> {
        read(path, with: reader)
    }

    public func read(_ path: ScanPath, upTo limit: Int64) -> Result<[UInt8], Diagnostic> {
        read(path, with: limit > reader.maxFileSize ? FileReader(maxFileSize: limit) : reader)
    }

    private func read(_ path: ScanPath, with reader: FileReader) -> Result<[UInt8], Diagnostic> {
        guard let file = file(at: path) else {
            return .failure(
                Diagnostic(path: path, reason: .unreadable, detail: "not a regular file inside the scanned tree"))
        }
        switch reader.read(file, headSize: Int.max / 4, wantsRest: { _ in true }) {
        case .contents(let bytes): return .success(bytes)
        case .skipped(let diagnostic): return .failure(diagnostic)
        case .notClaimed: return .success([])
        }
    }

    // MARK: - Lookup

    /// The position of the walked file at exactly this path.
    private func position(of path: ScanPath) -> Int? {
        let low = firstPosition(notBefore: path.bytes)
        return low < files.count && files.comparePath(at: low, with: path.bytes) == 0 ? low : nil
    }

    /// The first position whose path does not come before `bytes`.
    private func firstPosition(notBefore bytes: [UInt8]) -> Int {
        var low = 0
        var high = files.count
        while low < high {
            let middle = (low + high) / 2
            if files.comparePath(at: middle, with: bytes) < 0 { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The bytes that make a pattern a glob (fnmatch(3)), and `\\` that escapes one.
    private static let globSpecial: Set<UInt8> = [
        UInt8(ascii: "*"), UInt8(ascii: "?"), UInt8(ascii: "["), UInt8(ascii: "\\"),
    ]

    /// A glob's bytes before its first special character (the whole of a plain path).
    private static func literalPrefix(_ pattern: [UInt8]) -> [UInt8] {
        Array(pattern.prefix { !globSpecial.contains($0) })
    }

    /// Files sorted by path, one per path (the last given wins, as a dictionary by path would keep it).
    private static func sortedUnique(_ files: WalkedFiles) -> WalkedFiles {
        var sorted = files
        sorted.sortByPath()
        var out: [WalkedFile] = []
        for file in sorted {
            if let last = out.last, last.path == file.path { out[out.count - 1] = file } else { out.append(file) }
        }
        return WalkedFiles(out)
    }

    /// The walked files matching a pattern: only those under the pattern's literal prefix are tested.
    private func ownFiles(matching pattern: String) -> [ScanPath] {
        let bytes = Array(pattern.utf8)
        guard let firstSpecial = bytes.firstIndex(where: { Self.globSpecial.contains($0) }) else {
            return position(of: ScanPath(bytes: bytes)) != nil ? [ScanPath(bytes: bytes)] : []
        }
        let prefix = Array(bytes[..<firstSpecial])
        var out: [ScanPath] = []
        var position = firstPosition(notBefore: prefix)
        while position < files.count, files.pathStarts(at: position, with: prefix) {
            let path = Array(files.path(at: position))
            if Self.matches(pattern, path) { out.append(ScanPath(bytes: path)) }
            position += 1
        }
        return out
    }

    /// Files found by resolving the pattern's directory through the system root: a directory reached through
    /// links the walk did not list, or (live system) outside the scan root. Only the last component may be a glob.
    private func resolvedFiles(matching pattern: [UInt8]) -> [ScanPath] {
        guard let system, let relative = systemRelative(pattern) else { return [] }
        var parts = SystemRoot.components(relative)
        guard let last = parts.popLast() else { return [] }
        let directoryPart = SystemRoot.join(parts)
        guard !directoryPart.contains(where: { Self.globSpecial.contains($0) }),
            case .resolved(let directory) = system.resolve(directoryPart)
        else { return [] }
        var names: [[UInt8]]
        if last.contains(where: { Self.globSpecial.contains($0) }) {
            let descriptor = system.openDirectory(directory)
            guard descriptor >= 0 else { return [] }
            defer { close(descriptor) }
            let lastPattern = String(decoding: last, as: UTF8.self)
            names = (TreeWalker.listDirectory(descriptor) ?? []).filter {
                Self.matches(lastPattern, $0, slashes: false)
            }
        } else {
            names = [last]
        }
        names.sort { $0.lexicographicallyPrecedes($1) }
        var out: [ScanPath] = []
        for name in names.prefix(Self.maxOutsideMatches) {
            let candidate = directory.isEmpty ? name : directory + [UInt8(ascii: "/")] + name
            guard case .resolved(let real) = system.resolve(candidate) else { continue }
            if position(of: named(real)) != nil {
                out.append(named(real))
            } else if live, !SystemRoot.isWithin(real, rootInSystem) {
                var info = stat()
                if system.status(real, &info), info.st_mode & S_IFMT == S_IFREG { out.append(named(real)) }
            }
        }
        return out
    }

    /// The path relative to the system root of a scanner-side name (the label dropped), or nil for another label's.
    private func systemRelative(_ name: [UInt8]) -> [UInt8]? {
        guard !label.isEmpty else { return name }
        if name == label { return [] }
        guard name.starts(with: label + [UInt8(ascii: "/")]) else { return nil }
        return Array(name[(label.count + 1)...])
    }

    private func named(_ systemPath: [UInt8]) -> ScanPath {
        ScanPath(bytes: label).appending(systemPath)
    }

    private static func matches(_ pattern: String, _ path: [UInt8], slashes: Bool = true) -> Bool {
        TreeWalker.withCString(path) { fnmatch(pattern, $0, slashes ? FNM_PATHNAME : 0) == 0 }
    }
}
