import Foundation
import PQCatalog
import PQModel

/// Collects one config file's findings and problems for the mail, VPN and Java scanners.
///
/// Every name goes through the catalog; a name it does not know keeps `canonical = nil`, is reported as
/// `vulnerable` with the project's standard note, and stays visible as written. Problems found while parsing
/// (an unterminated block, a bad value) are gathered and become one diagnostic for the file at `finish()`,
/// naming the line of each, so a bad file costs one diagnostic and the rest of it is still read.
struct ConfigFindings {
    static let unknownNote = "not in the catalog; assumed quantum-vulnerable until classified"

    let path: ScanPath
    let source: FindingSource
    let catalog: Catalog
    var output = ScanOutput()
    private var problems: [String] = []
    /// Files an include reached while this file was read.
    var included: Set<ScanPath> = []

    init(path: ScanPath, source: FindingSource, catalog: Catalog) {
        self.path = path
        self.source = source
        self.catalog = catalog
    }

    /// Records a problem at a line (of `file`, when it is not the scanned file itself).
    mutating func problem(_ detail: String, line: Int?, file: ScanPath? = nil) {
        var text = ""
        if let file, file != path { text += file.display + " " }
        if let line { text += "line \(line): " }
        problems.append(text + detail)
    }

    /// The id of the service asset this file describes, once `service(_:)` has been called.
    private(set) var serviceID: String?

    /// Records the file as a service asset (`kind: service`), the one every finding without an asset of its own
    /// belongs to. Its id is `ServiceAssetID`'s, the scheme every config scanner shares.
    mutating func service(_ name: String, protocol: String) {
        let id = ServiceAssetID.make(source: source, path: path, name: name)
        serviceID = id
        output.assets.append(Asset(id: id, kind: .service, algorithm: `protocol`))
    }

    /// The output with at most one `.malformed` diagnostic listing the first problems.
    mutating func finish() -> ScanOutput {
        if let serviceID {
            for index in output.findings.indices where output.findings[index].asset == nil {
                output.findings[index].asset = serviceID
            }
        }
        if !problems.isEmpty {
            var detail = problems.prefix(3).joined(separator: "; ")
            if problems.count > 3 { detail += "; and \(problems.count - 3) more" }
            output.diagnostics.append(Diagnostic(path: path, reason: .malformed, detail: detail))
            problems.removeAll()
        }
        return output
    }

    /// Adds one finding for an algorithm as written, judged by the catalog entry given (nil: unknown).
    mutating func add(
        at place: Place, setting: String, usage: Usage, algorithm: String, entry: AlgorithmEntry?,
        keyBits: Int? = nil, curve: String? = nil, status: QuantumStatus? = nil, oid: String? = nil,
        note: String? = nil, asset: String? = nil
    ) {
        var notes: [String] = []
        if let note { notes.append(note) }
        if entry == nil, status == nil { notes.append(Self.unknownNote) }
        output.findings.append(
            Finding(
                path: place.path ?? path, line: place.line, source: source, setting: setting, usage: usage,
                algorithm: algorithm, canonical: entry?.canonical, oid: oid ?? entry?.oids.first, keyBits: keyBits,
                curve: curve, quantumStatus: status ?? entry?.status(keyBits: keyBits) ?? .vulnerable,
                context: place.context, effective: place.effective, origin: place.origin, asset: asset,
                note: notes.isEmpty ? nil : notes.joined(separator: "; ")))
    }

    /// Where a setting sits: file (nil: the scanned file), line, block, whether it is in force, and its origin.
    struct Place: Sendable, Hashable {
        var path: ScanPath?
        var line: Int?
        var context: String?
        var effective = true
        var origin: Origin = .file

        init(
            path: ScanPath? = nil, line: Int?, context: String? = nil, effective: Bool = true,
            origin: Origin = .file
        ) {
            self.path = path
            self.line = line
            self.context = context
            self.effective = effective
            self.origin = origin
        }
    }
}

/// Which file a finding belongs to when a configuration spans several files.
///
/// The store records findings against files of the scan, so each file reports the settings written in it: the
/// main file (`dovecot.conf`, `ipsec.conf`, `swanctl.conf`) is read with everything it includes, to know the
/// context and what is in force, and keeps only the findings located in itself plus the defaults; a fragment
/// (`conf.d/10-ssl.conf`, `ipsec.d/x.conf`) is read through the main file that includes it and keeps its own.
/// A fragment no main file includes is read on its own, its findings marked not in force.
enum ConfigOwnership {
    /// The main file next to a fragment's folder (`etc/dovecot/conf.d/10-ssl.conf` → `etc/dovecot/dovecot.conf`).
    static func owner(of path: ScanPath, mainName: String, tree: (any TreeReader)?) -> (ScanPath, [UInt8])? {
        guard let tree else { return nil }
        let folder = ConfigText.directory(of: path)
        let parent = ConfigText.directory(of: ScanPath(folder))
        let candidate = ScanPath(parent.isEmpty ? mainName : parent + "/" + mainName)
        guard candidate != path, let bytes = ConfigLines.read(candidate, tree: tree) else { return nil }
        return (candidate, bytes)
    }

    /// The output of reading a main file, cut down to what one file of it reports: a fragment keeps the findings
    /// written in it; the main file keeps the rest (its own, defaults, and values from the system `openssl.cnf`).
    static func keep(_ full: ScanOutput, for path: ScanPath, isMain: Bool, fragments: Set<ScanPath>) -> ScanOutput {
        var output = full
        if isMain {
            output.findings = full.findings.filter { $0.path == path || !fragments.contains($0.path) }
        } else {
            output.findings = full.findings.filter { $0.path == path }
            output.diagnostics = []
        }
        return output
    }

    /// Marks a stand-alone fragment's findings as not in force.
    static func orphan(_ output: ScanOutput, mainName: String) -> ScanOutput {
        var copy = output
        copy.markNotInForce("no \(mainName) in the scanned tree includes this file")
        return copy
    }
}

/// Text helpers shared by the line-oriented config formats.
enum ConfigLines {
    /// The file's lines as (1-based number, text without the line end). Bytes that are not UTF-8 are replaced,
    /// which is harmless for keywords and keeps the line count right.
    static func split(_ bytes: [UInt8]) -> [(number: Int, text: Substring)] {
        let text = String(decoding: bytes, as: UTF8.self)
        var lines: [(Int, Substring)] = []
        var number = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            var line = raw
            if line.last == "\r" { line = line.dropLast() }
            lines.append((number, line))
        }
        if let last = lines.last, last.1.isEmpty, number > 0 { lines.removeLast() }
        return lines
    }

    /// The text before an unquoted comment character.
    static func stripComment(_ line: Substring, markers: Set<Character> = ["#"]) -> Substring {
        var quote: Character?
        for index in line.indices {
            let character = line[index]
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if markers.contains(character) {
                return line[line.startIndex..<index]
            }
        }
        return line
    }

    static func trim(_ text: Substring) -> String { text.trimmingWhitespace() }

    /// Removes one pair of surrounding double or single quotes.
    static func unquote(_ text: String) -> String {
        guard text.count >= 2, let first = text.first, first == "\"" || first == "'", text.last == first else {
            return text
        }
        return String(text.dropFirst().dropLast())
    }

    /// Files of the tree a path written in a config names: absolute paths are taken from the scan root
    /// (`/etc/x` → `etc/x`), then with leading directories dropped (a tree rooted at `/etc`); relative paths
    /// are taken from `directory`. Globs (`*.conf`) match through the tree's fnmatch.
    static func resolve(_ written: String, from directory: String, tree: any TreeReader) -> [ScanPath] {
        guard !written.isEmpty, written.utf8.count < 4096 else { return [] }
        if written.hasPrefix("/") {
            // A multi-root scan labels each root (`1-webfarm/etc/...`): look under the label first.
            let label = ConfigText.rootLabel(of: ScanPath(directory + "/x"))
            if !label.isEmpty {
                let labelled = tree.files(matching: ConfigText.rootPattern(written, prefix: "", label: label))
                if !labelled.isEmpty { return labelled }
            }
            var components = written.split(separator: "/").map(String.init)
            while !components.isEmpty {
                let found = tree.files(matching: components.joined(separator: "/"))
                if !found.isEmpty { return found }
                components.removeFirst()
                if components.count < 2 { break }
            }
            return []
        }
        let pattern = directory.isEmpty ? written : directory + "/" + written
        return tree.files(matching: pattern)
    }

    /// The bytes of a file reached through the tree; nil when it cannot be read.
    static func read(_ path: ScanPath, tree: any TreeReader) -> [UInt8]? {
        if case .success(let bytes) = tree.read(path) { return bytes }
        return nil
    }
}
