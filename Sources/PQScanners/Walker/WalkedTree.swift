import PQModel

#if canImport(Glibc)
    import Glibc
#endif

/// A `TreeReader` over the files one walk accepted: includes can reach nothing the walk refused.
public struct WalkedTree: TreeReader {
    private let files: [WalkedFile]
    private let index: [ScanPath: Int]
    private let reader: FileReader

    public init(files: [WalkedFile], maxFileSize: Int64) {
        self.files = files
        var index: [ScanPath: Int] = [:]
        for (position, file) in files.enumerated() { index[file.path] = position }
        self.index = index
        self.reader = FileReader(maxFileSize: maxFileSize)
    }

    public func files(matching pattern: String) -> [ScanPath] {
        files.compactMap { file -> ScanPath? in
            let matched = TreeWalker.withCString(file.path.bytes) { fnmatch(pattern, $0, FNM_PATHNAME) == 0 }
            return matched ? file.path : nil
        }.sorted()
    }

    /// The walked file at a path, if the walk accepted one there.
    public func file(at path: ScanPath) -> WalkedFile? {
        index[path].map { files[$0] }
    }

    public func read(_ path: ScanPath) -> Result<[UInt8], Diagnostic> {
        guard let position = index[path] else {
            return .failure(
                Diagnostic(path: path, reason: .unreadable, detail: "not a regular file inside the scanned tree"))
        }
        switch reader.read(files[position], headSize: Int.max / 4, wantsRest: { _ in true }) {
        case .contents(let bytes): return .success(bytes)
        case .skipped(let diagnostic): return .failure(diagnostic)
        case .notClaimed: return .success([])
        }
    }
}
