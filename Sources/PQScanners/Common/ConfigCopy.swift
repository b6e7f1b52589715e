import PQModel

/// A configuration outside the configuration folders of its system: a repository of infrastructure code, a home
/// directory, a download, scanned as part of the running host. It is a copy, deployed on another system, so the
/// files it names (a certificate, an include, a host key, `/etc/passwd`) are that system's: one the scanned tree
/// lacks is not known to be missing there, and one of the same name on the scanning host, outside the scan roots,
/// is not it. Docs/user-guide.md, *Live host or image*.
public enum ConfigCopy {
    /// Folders of a system where its programs' configurations live (FHS: `etc/`; `usr/local/etc/`,
    /// `usr/local/apache2/conf/` of a container image; `opt/<package>/`), relative to the system root.
    static let systemFolders = ["etc", "usr", "opt"]

    /// True when the file is not in one of `systemFolders` (after the root label). Scanner-side paths are
    /// relative to the system root, so `etc/nginx` scanned alone is still in `etc/`.
    public static func isCopy(_ path: ScanPath) -> Bool {
        let label = ConfigText.rootLabel(of: path)
        var components = path.bytes.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true)
        if !label.isEmpty { components = Array(components.dropFirst()) }
        guard components.count >= 2, let first = components.first else { return true }
        return !systemFolders.contains { first.elementsEqual($0.utf8) }
    }

    /// The tree a file's scanners see: through `View` for a copy, `base` itself otherwise. The scan and a
    /// rescan's check of what the scan listed both ask here, so they see the same files.
    public static func tree(_ base: any TreeReader, seenFrom path: ScanPath) -> any TreeReader {
        isCopy(path) ? View(base: base) : base
    }

    /// Why a file a copy names is not known to be missing, for notes (one per finding: kept short).
    static let reason = "not in the scanned tree; the configuration is a copy, outside etc/, usr/, opt/"

    /// The tree as a copy sees it: the scan roots' files, none of the scanning host's outside them.
    public struct View: TreeReader {
        public let base: any TreeReader

        public init(base: any TreeReader) { self.base = base }

        public func files(matching pattern: String) -> [ScanPath] {
            base.files(matching: pattern).filter { !base.isOutsideRoot($0) }
        }

        public func read(_ path: ScanPath) -> Result<[UInt8], Diagnostic> {
            base.isOutsideRoot(path) ? .failure(Self.hostFile(path)) : base.read(path)
        }

        public func read(_ path: ScanPath, upTo limit: Int64) -> Result<[UInt8], Diagnostic> {
            base.isOutsideRoot(path) ? .failure(Self.hostFile(path)) : base.read(path, upTo: limit)
        }

        public func isOutsideRoot(_ path: ScanPath) -> Bool { base.isOutsideRoot(path) }
        public func reportedName(_ path: ScanPath) -> ScanPath { base.reportedName(path) }

        static func hostFile(_ path: ScanPath) -> Diagnostic {
            Diagnostic(
                path: path, reason: .unreadable,
                detail: "a file of the scanning host, not of the system this configuration copy is deployed to")
        }
    }
}
