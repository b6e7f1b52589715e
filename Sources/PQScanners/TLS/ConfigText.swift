import PQModel

/// Shared pieces of the text-config parsers (nginx, Apache, HAProxy, openssl.cnf): line splitting with limits,
/// include resolution through the walked tree, and the diagnostics every parser emits the same way.
enum ConfigText {
    /// Longest line a parser reads; a longer one (a 10 MB single line) is reported and skipped, not parsed.
    static let maxLineBytes = 64 * 1024
    /// Include nesting limit: deeper means a loop or a hostile tree.
    static let maxIncludeDepth = 16
    /// Most files one include may pull in (`include /etc/nginx/conf.d/*`), and in total per scan.
    static let maxIncludedFiles = 512

    /// True when a path a config names had bytes that are not UTF-8: the lenient decoding put U+FFFD in their
    /// place, so the tree is searched for another name than the daemon opens, and a file not found there may well
    /// exist. Such a lookup tells nothing (a file written with U+FFFD itself is taken the same way).
    static func lostBytes(_ path: String) -> Bool {
        path.unicodeScalars.contains("\u{FFFD}")
    }

    static let lostBytesReason = "a name not UTF-8, which PQScout cannot look up"

    /// Lines with 1-based numbers, decoded leniently (invalid UTF-8 becomes U+FFFD), long lines reported.
    static func lines(_ bytes: [UInt8], path: ScanPath, diagnostics: inout [Diagnostic]) -> [(Int, Substring)] {
        var skipped: [Int] = []
        return lines(bytes, path: path, diagnostics: &diagnostics, skipped: &skipped)
    }

    /// The same, with the numbers of the long lines skipped that are not comments (`#` first): a line the daemon
    /// reads and PQScout did not, so what the daemon makes of the file is not known.
    static func lines(
        _ bytes: [UInt8], path: ScanPath, diagnostics: inout [Diagnostic], skipped: inout [Int]
    ) -> [(Int, Substring)] {
        var out: [(Int, Substring)] = []
        var number = 0
        var start = 0
        let count = bytes.count
        while start <= count {
            number += 1
            var end = start
            while end < count, bytes[end] != 0x0A { end += 1 }
            if end - start > maxLineBytes {
                diagnostics.append(
                    Diagnostic(
                        path: path, reason: .tooLarge,
                        detail:
                            "line \(number): \(end - start) bytes, over the \(maxLineBytes)-byte line limit; skipped"))
                let first = bytes[start..<end].firstIndex { $0 != 0x20 && $0 != 0x09 }
                if first.map({ bytes[$0] != UInt8(ascii: "#") }) ?? false { skipped.append(number) }
            } else if end > start {
                var lineEnd = end
                if bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                out.append((number, Substring(String(decoding: bytes[start..<lineEnd], as: UTF8.self))))
            }
            if end >= count { break }
            start = end + 1
        }
        return out
    }

    /// Maps a path from a config (absolute, or relative to `prefix`) to a glob over root-relative paths.
    /// `/etc/nginx/conf.d/*.conf` → `etc/nginx/conf.d/*.conf`; `sites-enabled/*` with prefix `etc/nginx` →
    /// `etc/nginx/sites-enabled/*`. Absolute paths are resolved inside the scan root, never outside it.
    ///
    /// `label` is the walk's root label (`1-webfarm`) when several roots are scanned together: an absolute path
    /// then resolves under that root's label, as every path of that tree carries it.
    static func rootPattern(_ written: String, prefix: String, label: String = "") -> String {
        var path = written
        if path.hasPrefix("/") {
            while path.hasPrefix("/") { path.removeFirst() }
            if !label.isEmpty { path = label + "/" + path }
        } else {
            path = prefix.isEmpty ? path : prefix + "/" + path
        }
        var parts: [Substring] = []
        for part in path.split(separator: "/") {
            if part == "." { continue }
            if part == ".." {
                if !parts.isEmpty { parts.removeLast() }
                continue
            }
            parts.append(part)
        }
        return parts.joined(separator: "/")
    }

    /// The root label of a path from a multi-root scan (`1-webfarm` of `1-webfarm/etc/nginx/nginx.conf`; see
    /// `ScanUseCase`), or "" for a single-root scan.
    static func rootLabel(of path: ScanPath) -> String {
        let text = String(decoding: path.bytes, as: UTF8.self)
        guard let slash = text.firstIndex(of: "/") else { return "" }
        let first = text[..<slash]
        guard let dash = first.firstIndex(of: "-"), dash > first.startIndex,
            first[..<dash].allSatisfy({ $0.isASCII && $0.isNumber })
        else { return "" }
        return String(first)
    }

    /// The directory of a root-relative path (`etc/nginx/nginx.conf` → `etc/nginx`).
    static func directory(of path: ScanPath) -> String {
        let text = String(decoding: path.bytes, as: UTF8.self)
        guard let slash = text.lastIndex(of: "/") else { return "" }
        return String(text[..<slash])
    }

    /// Files an include names: a glob, a file, or (OpenSSL `.include`, Apache `Include dir`) a directory's files.
    static func includeTargets(_ pattern: String, tree: any TreeReader, directoryAllowed: Bool) -> [ScanPath] {
        var matches = tree.files(matching: pattern)
        if matches.isEmpty, directoryAllowed, !pattern.contains("*"), !pattern.contains("?") {
            matches = tree.files(matching: pattern + "/*")
        }
        return Array(matches.prefix(maxIncludedFiles))
    }

    /// `ScanOutput.startNote` for nginx or httpd (`daemon`), whose parsers list what they did not read without
    /// naming the daemon: `nginx -t` and `apachectl -t` fail where it says the daemon refuses.
    static func startNote(daemon: String, refusals: [String], notRead: [String]) -> String? {
        ScanOutput.startNote(
            program: daemon, refuses: "\(daemon) refuses to start", refusals: refusals,
            notRead: notRead.map { "\($0), which \(daemon) reads" })
    }

    /// Root-relative display of a path for notes.
    static func text(_ path: ScanPath) -> String { path.display }
}

/// What reading one nginx or httpd configuration found, the bookkeeping both parsers share. Both daemons read
/// their whole configuration at start and stop at its first error, so the parser records where the daemon stops
/// (`startRefusals`) and what it reads that PQScout did not (`notRead`); the scanner then reports nothing of the
/// configuration in force.
///
/// Includes: at most `maxIncludedFiles` files read in all, and a file that includes itself, directly or through
/// others, reported as a loop on the line that includes it. The same file included again elsewhere (a
/// `snippets/ssl.conf` in every server block) is read again, as nginx and Apache do: only the files being read
/// right now, the chain of includes, make a loop.
struct ConfigReading {
    private var reading: [ScanPath] = []
    private var included = 0
    /// The includes skipped as loops, where they are: nginx and Apache do not start with one (Apache stops at
    /// depth 128, "There appears to be a recursion"; nginx 1.22 recurses until it crashes).
    private(set) var loops: [String] = []
    /// Some file was not read because `maxIncludedFiles` were: what the daemon makes of the rest is not known.
    private(set) var stopped = false
    /// Where the daemon stops, each also a diagnostic (`refuse`).
    private var refusals: [String] = []
    /// What the daemon reads that PQScout did not, each naming the place.
    var unread: [String] = []

    /// Where the daemon stops as it reads the configuration: `refuse`'s places, then the include loops.
    var startRefusals: [String] { refusals + loops }
    /// What the daemon reads that PQScout did not: what it makes of the configuration is then not known.
    var notRead: [String] {
        unread + (stopped ? ["the files past the first \(ConfigText.maxIncludedFiles) included"] : [])
    }

    /// Records a place the daemon stops at, with its diagnostic.
    mutating func refuse(_ path: ScanPath, _ detail: String, _ diagnostics: inout [Diagnostic]) {
        diagnostics.append(Diagnostic(path: path, reason: .malformed, detail: detail))
        refusals.append("\(path.display) \(detail)")
    }

    /// Marks a file as being read (the main file, or an included one), until `leave`.
    mutating func enter(_ path: ScanPath) {
        reading.append(path)
    }

    /// The file `enter` last named is read to its end.
    mutating func leave() {
        reading.removeLast()
    }

    /// The files of one include directive that may be read, in order.
    mutating func admit(
        _ files: [ScanPath], keyword: String, at path: ScanPath, line: Int, diagnostics: inout [Diagnostic]
    ) -> [ScanPath] {
        var admitted: [ScanPath] = []
        for file in files {
            if reading.contains(file) {
                diagnostics.append(
                    Diagnostic(
                        path: path, reason: .linkLoop,
                        detail: "line \(line): \(keyword) of \(file.display), which is including it (loop); skipped"))
                loops.append(
                    "\(path.display) line \(line): \(keyword) of \(file.display), which is including it (loop)")
                continue
            }
            included += 1
            guard included <= ConfigText.maxIncludedFiles else {
                stopped = true
                break
            }
            admitted.append(file)
        }
        return admitted
    }
}

/// A parsed directive that may hold a block of others (nginx, Apache): what the file walk below needs of it.
protocol NestedDirective {
    var path: ScanPath { get }
    var children: [Self]? { get }
}

extension ConfigText {
    /// Every file a parsed configuration was read from: a file some main configuration includes is reported by
    /// that configuration, not again on its own.
    static func paths<Directive: NestedDirective>(_ directives: [Directive]) -> Set<ScanPath> {
        var out = Set<ScanPath>()
        for directive in directives {
            out.insert(directive.path)
            if let children = directive.children { out.formUnion(paths(children)) }
        }
        return out
    }
}
