import PQModel

/// Reads the packages installed in a scanned tree from its package databases, so scanners can tell which
/// version of OpenSSH (or OpenSSL, nginx, ...) reads the configuration files they see.
///
/// Read: dpkg (`var/lib/dpkg/status`, Debian Policy §5.6 control fields; only `Status: install ok installed`)
/// and apk (`lib/apk/db/installed`, `P:` name and `V:` version lines per package, apk-tools' "installed
/// database" format). Not read yet: rpm (`var/lib/rpm/rpmdb.sqlite`), because SQL lives only in PQStore
/// (ARCHITECTURE.md); its presence is reported as one diagnostic so the gap is visible.
public enum InstalledSoftware {
    /// The database files read, relative to the scan root.
    public static let dpkgStatus = ScanPath("var/lib/dpkg/status")
    public static let apkInstalled = ScanPath("lib/apk/db/installed")
    public static let rpmSQLite = ScanPath("var/lib/rpm/rpmdb.sqlite")

    /// Every installed package the tree's databases list, in database order, and the problems met.
    public static func read(from tree: any TreeReader) -> (software: [Software], diagnostics: [Diagnostic]) {
        var software: [Software] = []
        var diagnostics: [Diagnostic] = []
        let readers: [(ScanPath, ([UInt8], ScanPath) -> [Software])] = [
            (dpkgStatus, { parseDpkgStatus($0, sourcePath: $1) }),
            (apkInstalled, { parseApkInstalled($0, sourcePath: $1) }),
        ]
        for (path, parse) in readers {
            guard !tree.files(matching: path.display).isEmpty else { continue }
            switch tree.read(path) {
            case .failure(let diagnostic): diagnostics.append(diagnostic)
            case .success(let bytes):
                let found = parse(bytes, path)
                if found.isEmpty, !bytes.isEmpty {
                    diagnostics.append(
                        Diagnostic(path: path, reason: .malformed, detail: "no installed package could be read"))
                }
                software += found
            }
        }
        if !tree.files(matching: rpmSQLite.display).isEmpty {
            diagnostics.append(
                Diagnostic(
                    path: rpmSQLite, reason: .unsupported,
                    detail: "the rpm database is not read yet; give --openssh-version for OpenSSH defaults"))
        }
        return (software, diagnostics)
    }

    /// dpkg's status file: RFC 822-style paragraphs; keeps packages whose Status ends in `installed`.
    public static func parseDpkgStatus(_ bytes: [UInt8], sourcePath: ScanPath) -> [Software] {
        paragraphs(bytes).compactMap { fields in
            guard let name = fields["package"], let version = fields["version"],
                let status = fields["status"], status.split(separator: " ").last == "installed"
            else { return nil }
            return Software(name: name, version: version, sourcePath: sourcePath)
        }
    }

    /// apk's installed database: one paragraph per package, `P:` name, `V:` version.
    public static func parseApkInstalled(_ bytes: [UInt8], sourcePath: ScanPath) -> [Software] {
        var out: [Software] = []
        var name: String?
        var version: String?
        func flush() {
            if let name, let version { out.append(Software(name: name, version: version, sourcePath: sourcePath)) }
            name = nil
            version = nil
        }
        for line in lines(bytes) {
            if line.isEmpty {
                flush()
            } else if line.hasPrefix("P:") {
                name = String(line.dropFirst(2))
            } else if line.hasPrefix("V:") {
                version = String(line.dropFirst(2))
            }
        }
        flush()
        return out
    }

    /// Lines as text, invalid UTF-8 repaired (names and versions are ASCII; descriptions need not be).
    private static func lines(_ bytes: [UInt8]) -> [Substring] {
        String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? $0.dropLast() : $0
        }
    }

    /// Paragraphs of `Field: value` lines; continuation lines (leading space) are skipped, keys lower-cased.
    private static func paragraphs(_ bytes: [UInt8]) -> [[String: String]] {
        var out: [[String: String]] = []
        var current: [String: String] = [:]
        for line in lines(bytes) {
            if line.isEmpty {
                if !current.isEmpty { out.append(current) }
                current = [:]
                continue
            }
            guard let first = line.first, first != " ", first != "\t", let colon = line.firstIndex(of: ":") else {
                continue
            }
            let key = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].drop { $0 == " " || $0 == "\t" }
            current[key] = String(value)
        }
        if !current.isEmpty { out.append(current) }
        return out
    }
}
