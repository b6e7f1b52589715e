/// One more name for a file or directory of the tree: a symbolic link inside the tree whose target is inside it
/// too. The target's content is recorded once, under its real path; the alias keeps the link's path for reports
/// and for the configs that name it (Debian's `sites-enabled/x -> ../sites-available/x`, `/etc/ssl/certs/<hash>.0`).
public struct PathAlias: Codable, Sendable, Hashable, Comparable {
    /// The link's path, relative to the scan root (as findings' paths are).
    public var path: ScanPath
    /// The real path it leads to, in the same naming.
    public var target: ScanPath
    public var kind: Kind

    /// What the link leads to.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case file
        case directory
    }

    public init(path: ScanPath, target: ScanPath, kind: Kind) {
        self.path = path
        self.target = target
        self.kind = kind
    }

    public static func < (lhs: PathAlias, rhs: PathAlias) -> Bool { lhs.path < rhs.path }
}

extension PathAlias {
    /// The other names of a path: file links to it, and the same path reached through a directory link
    /// (`etc/ssl/certs/a.pem` for `etc/pki/tls/certs/a.pem` when `etc/ssl/certs -> ../pki/tls/certs`), sorted.
    public static func names(of path: ScanPath, in aliases: [PathAlias]) -> [ScanPath] {
        var out: [ScanPath] = []
        for alias in aliases {
            switch alias.kind {
            case .file:
                if alias.target == path { out.append(alias.path) }
            case .directory:
                let prefix = alias.target.bytes.isEmpty ? [] : alias.target.bytes + [UInt8(ascii: "/")]
                if path.bytes.count > prefix.count, path.bytes.starts(with: prefix) {
                    out.append(alias.path.appending(Array(path.bytes[prefix.count...])))
                }
            }
        }
        return out.sorted()
    }
}
