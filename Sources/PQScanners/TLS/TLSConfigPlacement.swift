import PQModel

/// Where a TLS configuration file sits, and whether the daemon reads it: the main file, a fragment a main file
/// includes (reported by the main file), or a file nothing puts in force: a `sites-available` entry nothing
/// enables, a vhost or server-block file with no root config above it (an Ansible role, a config repository), a
/// snippet, a package's leftover copy (`*.dpkg-old`, `*.rpmnew`, `*.bak`). Those are still reported, parsed alone
/// with the daemon's defaults for the missing layers, every finding `effective: false` with a note saying why.
enum TLSConfigPlacement {
    /// Suffixes of copies a package manager or an editor leaves next to a config file; no daemon reads them.
    static let leftoverSuffixes = [
        ".dpkg-old", ".dpkg-dist", ".dpkg-new", ".dpkg-bak", ".ucf-old", ".ucf-dist", ".rpmnew", ".rpmsave", ".rpmorig",
        ".bak", ".orig", ".old", "~",
    ]

    /// The leftover suffix of a file name, if it has one.
    static func leftover(_ name: String) -> String? {
        leftoverSuffixes.first { name.hasSuffix($0) && name.count > $0.count }
    }

    /// Is the path inside one of the daemon's configuration folders (`nginx/sites-available/`, `apache2/conf.d/`)?
    ///
    /// Compared as path components in bytes: the nginx and Apache claims ask it of every text file in the tree.
    static func inFolder(_ path: ScanPath, daemons: [String], folders: [String]) -> Bool {
        let components = path.bytes.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        // A daemon folder and a config folder under it, with a file (or folder) below: `/daemon/folder/`.
        guard components.count >= 3 else { return false }
        for index in 0..<(components.count - 2)
        where daemons.contains(where: { components[index].elementsEqual($0.utf8) }) {
            if folders.contains(where: { components[index + 1].elementsEqual($0.utf8) }) { return true }
        }
        return false
    }

    /// Does the file name look like configuration a content sniff may claim (`.conf`, Jinja templates)?
    static func configLikeName(_ name: String) -> Bool {
        [".conf", ".conf.j2", ".j2", ".tmpl", ".template", ".vhost", ".site", ".cfg"].contains { name.hasSuffix($0) }
    }

    /// The nearest main file above a fragment (`etc/nginx/sites-available/x` → `etc/nginx/nginx.conf`), up to
    /// three folders up.
    static func owner(of path: ScanPath, mainNames: [String], tree: (any TreeReader)?) -> (ScanPath, [UInt8])? {
        guard let tree else { return nil }
        var folder = ConfigText.directory(of: path)
        for _ in 0..<3 {
            for name in mainNames {
                for candidate in [folder.isEmpty ? name : folder + "/" + name, folder + "/conf/" + name]
                where candidate != path.display {
                    if case .success(let bytes) = tree.read(ScanPath(candidate)) { return (ScanPath(candidate), bytes) }
                }
            }
            guard !folder.isEmpty else { break }
            folder = ConfigText.directory(of: ScanPath(folder))
        }
        return nil
    }

    /// An `X-available/name` file that `X-enabled/` holds (Debian's a2ensite and the nginx habit link it under the
    /// same name; the walk reads the link's target, so a copy with the same bytes counts too).
    static func enabledCopy(of path: ScanPath, bytes: [UInt8], tree: (any TreeReader)?) -> Bool {
        guard let tree, path.display.contains("-available/") else { return false }
        let folder = ConfigText.directory(of: path)
        let enabled = folder.replacingOccurrences(of: "-available", with: "-enabled")
        for file in tree.files(matching: enabled + "/*") {
            if file.lastComponent == path.lastComponent { return true }
            if case .success(let other) = tree.read(file), other == bytes { return true }
        }
        return false
    }

    /// Why a file outside every main file is not in force, in words for the note.
    static func reason(_ path: ScanPath, daemon: String, mainName: String, hasOwner: Bool) -> String {
        let name = String(decoding: path.lastComponent, as: UTF8.self)
        if let suffix = leftover(name) {
            return "a package's or editor's leftover copy (\(suffix)): \(daemon) does not read it"
        }
        if path.display.contains("-available/") {
            return "not enabled: nothing in the matching -enabled folder links it and \(mainName) does not include it"
        }
        return hasOwner
            ? "\(mainName) does not include this file: not in force (parsed alone with \(daemon)'s defaults)"
            : "no \(mainName) above this file in the scanned tree: not in force (parsed alone with \(daemon)'s defaults)"
    }

    /// Marks every finding not in force with the reason; keeps only the parser's diagnostics (a certificate a
    /// file not in force names is no daemon's problem).
    static func notInForce(_ output: ScanOutput, reason: String, diagnostics: [Diagnostic]) -> ScanOutput {
        var copy = output
        copy.markNotInForce(reason)
        copy.diagnostics = diagnostics
        return copy
    }
}
