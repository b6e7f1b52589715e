import PQModel

/// Reads the packages installed in a scanned tree from its package databases, so scanners can tell which
/// version of OpenSSH (or OpenSSL, nginx, ...) reads the configuration files they see.
///
/// Read: dpkg (`var/lib/dpkg/status`, Debian Policy §5.6 control fields; only `Status: install ok installed`)
/// and apk (`lib/apk/db/installed`, `P:` name and `V:` version lines per package, apk-tools' "installed
/// database" format), and rpm (`var/lib/rpm/rpmdb.sqlite`, rpm >= 4.16) when the caller passes a reader for its
/// header blobs: SQL lives only in PQStore (ARCHITECTURE.md), so the Kit hands in `RPMPackageDatabase.headerBlobs`
/// and this type parses the headers. Without a reader, an rpm database is one diagnostic so the gap is visible.
/// An older rpm database in Berkeley DB (`var/lib/rpm/Packages`, RHEL 7 and 8) is read from its pages
/// (`RPMBerkeleyDB`) when there is no `rpmdb.sqlite`.
public enum InstalledSoftware {
    /// The database files read, relative to the scan root.
    public static let dpkgStatus = ScanPath("var/lib/dpkg/status")
    public static let apkInstalled = ScanPath("lib/apk/db/installed")
    public static let rpmSQLite = ScanPath("var/lib/rpm/rpmdb.sqlite")
    /// rpm before 4.16 (RHEL 7 and 8): Berkeley DB, read when there is no `rpmdb.sqlite` (`RPMBerkeleyDB`).
    public static let rpmBerkeleyDB = ScanPath("var/lib/rpm/Packages")
    /// The size up to which a package database is read, whatever `--max-file-size` says for config files (a larger
    /// `--max-file-size` wins): a full server's rpm database is tens of MiB, past the 16 MiB default.
    public static let databaseSizeLimit: Int64 = 256 * 1024 * 1024

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
            switch tree.read(path, upTo: databaseSizeLimit) {
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
        func readHeaders(_ path: ScanPath, _ blobs: ([UInt8]) throws -> [[UInt8]]) {
            switch tree.read(path, upTo: databaseSizeLimit) {
            case .failure(let diagnostic): diagnostics.append(diagnostic)
            case .success(let bytes):
                do {
                    let headers = try blobs(bytes)
                    let found = headers.compactMap { parseRPMHeader($0, sourcePath: path) }
                    if found.count < headers.count {
                        diagnostics.append(
                            Diagnostic(
                                path: path, reason: .malformed,
                                detail:
                                    "\(headers.count - found.count) of \(headers.count) package headers not understood"
                            ))
                    }
                    software += found
                } catch {
                    diagnostics.append(Diagnostic(path: path, reason: .malformed, detail: "\(error)"))
                }
            }
        }
        let rpmBerkeleyDB = labelled(Self.rpmBerkeleyDB)
        let hasSQLite = !tree.files(matching: rpmSQLite.display).isEmpty
        if !hasSQLite, !tree.files(matching: rpmBerkeleyDB.display).isEmpty {
            readHeaders(rpmBerkeleyDB) { bytes in
                switch RPMBerkeleyDB.headerBlobs(bytes) {
                case .success(let blobs): return blobs
                case .failure(let failure): throw failure
                }
            }
        }
        if hasSQLite {
            if let rpmHeaders {
                readHeaders(rpmSQLite, rpmHeaders)
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
    ///
    /// Read as bytes, keeping only the three fields it needs: a host's status file is megabytes of descriptions,
    /// read by every scan of a part of the host (`pqscout scan /etc`), and splitting it as text was a third of the
    /// time of a scan of an empty directory. Field names are matched without regard to ASCII case; continuation
    /// lines (leading space or tab) and lines without a colon are skipped; blanks around a value are dropped.
    public static func parseDpkgStatus(_ bytes: [UInt8], sourcePath: ScanPath) -> [Software] {
        var out: [Software] = []
        var name: ArraySlice<UInt8>?
        var version: ArraySlice<UInt8>?
        var status: ArraySlice<UInt8>?
        func flush() {
            defer { (name, version, status) = (nil, nil, nil) }
            guard let name, let version, let status,
                status.split(separator: UInt8(ascii: " ")).last?.elementsEqual("installed".utf8) == true
            else { return }
            out.append(
                Software(
                    name: String(decoding: name, as: UTF8.self), version: String(decoding: version, as: UTF8.self),
                    sourcePath: sourcePath))
        }
        var start = bytes.startIndex
        while start < bytes.endIndex {
            let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.endIndex
            var line = bytes[start..<newline]
            start = newline == bytes.endIndex ? newline : newline + 1
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            if line.isEmpty {
                flush()
                continue
            }
            guard let first = line.first, first != UInt8(ascii: " "), first != UInt8(ascii: "\t"),
                let colon = line.firstIndex(of: UInt8(ascii: ":"))
            else { continue }
            let key = line[..<colon]
            // As dpkg: blanks around a value are not part of it.
            var value = line[(colon + 1)...].drop(while: isBlank)
            while let last = value.last, isBlank(last) { value = value.dropLast() }
            if asciiCaseInsensitiveEqual(key, "package") {
                name = value
            } else if asciiCaseInsensitiveEqual(key, "version") {
                version = value
            } else if asciiCaseInsensitiveEqual(key, "status") {
                status = value
            }
        }
        flush()
        return out
    }

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
    }

    private static func asciiCaseInsensitiveEqual(_ bytes: ArraySlice<UInt8>, _ lowercase: StaticString) -> Bool {
        guard bytes.count == lowercase.utf8CodeUnitCount else { return false }
        return lowercase.withUTF8Buffer { expected in
            zip(bytes, expected).allSatisfy { byte, want in
                (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte) == want
            }
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
}
