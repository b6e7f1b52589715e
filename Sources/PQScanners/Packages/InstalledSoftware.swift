import PQModel

/// Reads the packages installed in a scanned tree from its package databases, so scanners can tell which
/// version of OpenSSH (or OpenSSL, nginx, ...) reads the configuration files they see.
///
/// Read: dpkg (`var/lib/dpkg/status`, Debian Policy §5.6 control fields; only `Status: install ok installed`)
/// and apk (`lib/apk/db/installed`, `P:` name and `V:` version lines per package, apk-tools' "installed
/// database" format), and rpm (`var/lib/rpm/rpmdb.sqlite`, rpm >= 4.16) when the caller passes a reader for its
/// header blobs: SQL lives only in PQStore (ARCHITECTURE.md), so the Kit hands in `RPMPackageDatabase.headerBlobs`
/// and this type parses the headers. Without a reader, an rpm database is one diagnostic so the gap is visible.
public enum InstalledSoftware {
    /// The database files read, relative to the scan root.
    public static let dpkgStatus = ScanPath("var/lib/dpkg/status")
    public static let apkInstalled = ScanPath("lib/apk/db/installed")
    public static let rpmSQLite = ScanPath("var/lib/rpm/rpmdb.sqlite")

    /// Every installed package the tree's databases list, in database order, and the problems met.
    ///
    /// The databases are looked up at their absolute places in the scanned system, through the tree: for an image
    /// that is inside the image; for a part of the running host (`pqscout scan /etc`) the host's own databases.
    /// - Parameters:
    ///   - label: the walk's root label in a multi-root scan (`1-webfarm`), "" for one root.
    ///   - rpmHeaders: turns the bytes of `rpmdb.sqlite` into its header blobs, or throws.
    public static func read(
        from tree: any TreeReader, label: String = "", rpmHeaders: (([UInt8]) throws -> [[UInt8]])? = nil
    ) -> (software: [Software], diagnostics: [Diagnostic]) {
        var software: [Software] = []
        var diagnostics: [Diagnostic] = []
        func labelled(_ path: ScanPath) -> ScanPath { label.isEmpty ? path : ScanPath(label + "/" + path.display) }
        let dpkgStatus = labelled(Self.dpkgStatus)
        let apkInstalled = labelled(Self.apkInstalled)
        let rpmSQLite = labelled(Self.rpmSQLite)
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
            if let rpmHeaders {
                switch tree.read(rpmSQLite) {
                case .failure(let diagnostic): diagnostics.append(diagnostic)
                case .success(let bytes):
                    do {
                        let headers = try rpmHeaders(bytes)
                        let found = headers.compactMap { parseRPMHeader($0, sourcePath: rpmSQLite) }
                        if found.count < headers.count {
                            diagnostics.append(
                                Diagnostic(
                                    path: rpmSQLite, reason: .malformed,
                                    detail:
                                        "\(headers.count - found.count) of \(headers.count) package headers not understood"
                                ))
                        }
                        software += found
                    } catch {
                        diagnostics.append(Diagnostic(path: rpmSQLite, reason: .malformed, detail: "\(error)"))
                    }
                }
            } else {
                diagnostics.append(
                    Diagnostic(
                        path: rpmSQLite, reason: .unsupported,
                        detail: "the rpm database is not read here; give --openssh-version for OpenSSH defaults"))
            }
        }
        return (software, diagnostics)
    }

    // MARK: - rpm headers

    /// rpm header tags (rpm's `rpmtag.h`): name, version, release, epoch.
    private enum RPMTag {
        static let name: UInt32 = 1000
        static let version: UInt32 = 1001
        static let release: UInt32 = 1002
        static let epoch: UInt32 = 1003
    }

    /// One rpm header blob as the sqlite backend stores it: 4-byte index count and data length (big-endian), the
    /// 16-byte index entries (tag, type, offset, count), then the data store. Returns nil for anything malformed.
    /// The version is written as dpkg writes it, `[epoch:]version-release`, so one version parser serves both.
    public static func parseRPMHeader(_ blob: [UInt8], sourcePath: ScanPath) -> Software? {
        func word(_ at: Int) -> UInt32? {
            guard at >= 0, at + 4 <= blob.count else { return nil }
            return blob[at..<(at + 4)].reduce(0) { $0 << 8 | UInt32($1) }
        }
        guard let entries = word(0), let dataLength = word(4), entries > 0, entries <= 0xFFFF,
            dataLength <= 0x0FFF_FFFF
        else { return nil }
        let dataStart = 8 + 16 * Int(entries)
        guard dataStart + Int(dataLength) <= blob.count else { return nil }
        let dataEnd = dataStart + Int(dataLength)
        var strings: [UInt32: String] = [:]
        var epoch: UInt32?
        for index in 0..<Int(entries) {
            let at = 8 + 16 * index
            guard let tag = word(at), let type = word(at + 4), let offset = word(at + 8) else { return nil }
            let start = dataStart + Int(offset)
            guard offset < dataLength else { continue }
            switch (tag, type) {
            case (RPMTag.name, 6), (RPMTag.version, 6), (RPMTag.release, 6):
                // STRING: NUL-terminated inside the data store.
                guard let end = blob[start..<dataEnd].firstIndex(of: 0) else { return nil }
                strings[tag] = String(decoding: blob[start..<end], as: UTF8.self)
            case (RPMTag.epoch, 4):
                epoch = word(start)
            default:
                continue
            }
        }
        guard let name = strings[RPMTag.name], let version = strings[RPMTag.version], !name.isEmpty else { return nil }
        var full = version
        if let release = strings[RPMTag.release], !release.isEmpty { full += "-" + release }
        if let epoch, epoch > 0 { full = "\(epoch):" + full }
        return Software(name: name, version: full, sourcePath: sourcePath)
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
