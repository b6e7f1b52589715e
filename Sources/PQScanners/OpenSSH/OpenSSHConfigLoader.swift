import PQModel

/// One step of reading a configuration with its includes, in the order OpenSSH reads them.
struct OpenSSHConfigEvent: Sendable, Hashable {
    enum Kind: Sendable, Hashable {
        /// A directive line.
        case setting(OpenSSHConfigLine)
        /// A `Match` (sshd, ssh) or `Host` (ssh) line: the start of a conditional block.
        case block(OpenSSHConfigLine, text: String)
        /// The lines of an included file follow; when it ends, the includer's block state comes back.
        case enterInclude
        case leaveInclude
    }

    let kind: Kind
    let path: ScanPath
    let line: Int
}

/// Reads a configuration file and everything it includes through the scanned tree, as OpenSSH would.
///
/// Absolute `Include` paths are taken inside the scan root; relative ones are resolved as OpenSSH does
/// (`servconf.c`: relative to `/etc/ssh`; `readconf.c`: `~/.ssh` for a user's config, `/etc/ssh` for the system
/// one). Glob results are read in sorted order (glob(3)).
///
/// Includes are bounded as OpenSSH bounds them, and then some: OpenSSH follows an include cycle until it passes 16
/// levels (`SERVCONF_MAX_DEPTH`, `READCONF_MAX_DEPTH`) and then exits with "Too many recursive configuration
/// includes" (servconf.c `parse_server_config_depth`, readconf.c `read_config_file_depth`, OpenSSH 9.2). So the
/// first cycle or the 17th level is a refusal: one diagnostic, and no further Include is followed (the lines of the
/// files already open are still read, for the inventory). A fan-out without a cycle (each of N files including a
/// glob of N more) is legal for OpenSSH but grows as N^depth: after `maxIncludedFiles` file reads the loader stops
/// following includes, with a diagnostic, so a hostile tree cannot hold a scan (issue 21, item 1).
struct OpenSSHConfigLoader {
    /// The longest line read; a longer one is a diagnostic (OpenSSH itself has no limit, a scanner needs one).
    static let maxLineLength = 64 * 1024
    static let maxDepth = 16
    /// Included files read per configuration, counting re-reads; far above any real configuration (a crypto-policy
    /// setup reads 3), far below what makes a scan slow.
    static let maxIncludedFiles = 512

    let tree: (any TreeReader)?
    let program: OpenSSHProgram
    /// The home directory (root-relative) of a user's `~/.ssh/config`; nil for the system-wide file.
    let home: ScanPath?
    private(set) var events: [OpenSSHConfigEvent] = []
    private(set) var diagnostics: [Diagnostic] = []
    /// Every file read, in order (the main file first).
    private(set) var filesRead: [ScanPath] = []
    private var stack: [ScanPath] = []
    /// Why OpenSSH would refuse this configuration's includes (cycle, depth); no Include is followed after it.
    private(set) var refusal: String?
    /// True once an include budget is spent; no Include is followed after it.
    private(set) var stopped = false
    /// What of the configuration was not read though OpenSSH reads it, as "FILE line N (why), which sshd reads": a
    /// file holding a NUL byte, a line over the length limit or not UTF-8 that is not a comment.
    private(set) var notRead: [String] = []
    private var includedReads = 0
    /// Bytes of files already read, so a file included many times is read from the tree once.
    private var cache: [ScanPath: [UInt8]] = [:]
    private var globs: [String: [ScanPath]] = [:]

    init(tree: (any TreeReader)?, program: OpenSSHProgram, home: ScanPath? = nil) {
        self.tree = tree
        self.program = program
        self.home = home
    }

    /// A line OpenSSH ignores whatever its bytes: its first word starts with `#` (argv_split stops at a comment),
    /// so skipping it changes nothing.
    static func isComment(_ line: ArraySlice<UInt8>) -> Bool {
        line.first { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") && $0 != UInt8(ascii: "\r") }
            == UInt8(ascii: "#")
    }

    /// Reads `bytes` as the file at `path`, following its includes.
    mutating func load(path: ScanPath, bytes: [UInt8]) {
        guard stack.count < Self.maxDepth else { return }
        stack.append(path)
        if !filesRead.contains(path) { filesRead.append(path) }
        defer { stack.removeLast() }
        if let nul = bytes.firstIndex(of: 0) {
            let line = bytes[..<nul].reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
            diagnostics.append(
                Diagnostic(
                    path: path, reason: .malformed,
                    detail: "line \(line): binary content (NUL byte); not an OpenSSH configuration, not read"))
            notRead.append("\(path.display) from line \(line) on (a NUL byte), which \(program.name) reads")
            return
        }
        var lineNumber = 0
        for rawLine in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            guard rawLine.count <= Self.maxLineLength else {
                diagnostics.append(
                    Diagnostic(
                        path: path, reason: .tooLarge,
                        detail: "line \(lineNumber): \(rawLine.count) bytes, over the \(Self.maxLineLength)-byte "
                            + "line limit; line skipped"))
                if !Self.isComment(rawLine) {
                    notRead.append(
                        "\(path.display) line \(lineNumber) (over the line limit), which \(program.name) reads")
                }
                continue
            }
            guard let text = String(validating: rawLine, as: UTF8.self) else {
                diagnostics.append(
                    Diagnostic(
                        path: path, reason: .malformed, detail: "line \(lineNumber): not UTF-8 text; line skipped"))
                if !Self.isComment(rawLine) {
                    notRead.append("\(path.display) line \(lineNumber) (not UTF-8 text), which \(program.name) reads")
                }
                continue
            }
            guard let parsed = OpenSSHConfigLine.parse(Substring(text)) else { continue }
            switch parsed {
            case .failure(.noArgument(let keyword)):
                diagnostics.append(
                    Diagnostic(
                        path: path, reason: .malformed,
                        detail: "line \(lineNumber): no argument after keyword \"\(keyword)\"; OpenSSH refuses this"))
            case .failure(.badQuotes):
                diagnostics.append(
                    Diagnostic(
                        path: path, reason: .malformed,
                        detail: "line \(lineNumber): unbalanced quotes; OpenSSH refuses this line"))
            case .success(let line):
                handle(line, text: text, path: path, lineNumber: lineNumber)
            }
        }
    }

    private mutating func handle(_ line: OpenSSHConfigLine, text: String, path: ScanPath, lineNumber: Int) {
        if line.key == "match" || (line.key == "host" && program == .client) {
            let written = text.trimmingWhitespace()
            events.append(OpenSSHConfigEvent(kind: .block(line, text: written), path: path, line: lineNumber))
        } else if line.key == "include" {
            for argument in line.arguments { include(argument, from: path, line: lineNumber) }
        } else {
            events.append(OpenSSHConfigEvent(kind: .setting(line), path: path, line: lineNumber))
        }
    }

    private mutating func include(_ argument: String, from path: ScanPath, line: Int) {
        guard !stopped else { return }
        guard let tree else {
            diagnostics.append(
                Diagnostic(
                    path: path, reason: .unsupported,
                    detail: "line \(line): Include \(argument) not followed: no scanned tree to read it from"))
            return
        }
        guard let pattern = resolve(argument, label: ConfigText.rootLabel(of: path)) else {
            diagnostics.append(
                Diagnostic(
                    path: path, reason: .unsupported,
                    detail: "line \(line): Include \(argument): a home directory that cannot be known offline"))
            return
        }
        let matches = globs[pattern] ?? tree.files(matching: pattern)
        globs[pattern] = matches
        if matches.isEmpty, !OpenSSHPattern.hasWildcard(argument), !argument.contains("[") {
            diagnostics.append(
                Diagnostic(
                    path: path, reason: .unreadable,
                    detail: "line \(line): Include \(argument): no such regular file in the scanned tree"))
        }
        for target in matches {
            guard !stopped else { return }
            if stack.contains(target) || stack.count >= Self.maxDepth {
                let why =
                    stack.contains(target)
                    ? "Include cycle: \(target.display) is already being read"
                    : "Include \(target.display): more than \(Self.maxDepth) nested includes"
                let words =
                    (program == .server ? "sshd refuses to start " : "ssh refuses to run ")
                    + "(\"Too many recursive configuration includes\"); no further Include followed"
                refusal = why
                stopped = true
                diagnostics.append(
                    Diagnostic(
                        path: path, reason: stack.contains(target) ? .malformed : .tooDeep,
                        detail: "line \(line): \(why); \(words)"))
                return
            }
            guard includedReads < Self.maxIncludedFiles else {
                stopped = true
                diagnostics.append(
                    Diagnostic(
                        path: path, reason: .tooLarge,
                        detail: "line \(line): Include \(argument): more than \(Self.maxIncludedFiles) included files "
                            + "read for one configuration; no further Include followed"))
                return
            }
            includedReads += 1
            let read: Result<[UInt8], Diagnostic>
            if let cached = cache[target] {
                read = .success(cached)
            } else {
                read = tree.read(target)
                if case .success(let bytes) = read { cache[target] = bytes }
            }
            switch read {
            case .failure(let problem):
                diagnostics.append(
                    Diagnostic(
                        path: path, reason: problem.reason,
                        detail: "line \(line): Include \(target.display): \(problem.detail)"))
            case .success(let bytes):
                events.append(OpenSSHConfigEvent(kind: .enterInclude, path: target, line: 0))
                load(path: target, bytes: bytes)
                events.append(OpenSSHConfigEvent(kind: .leaveInclude, path: target, line: 0))
            }
        }
    }

    /// The root-relative fnmatch pattern an Include argument names, or nil when it needs an unknown home. In a
    /// scan of several roots the tree names each root's files under its label (`1-web/etc/ssh/...`): a system path
    /// is looked up under the including file's `label`; `home` already holds it.
    func resolve(_ argument: String, label: String = "") -> String? {
        var full: String
        let root = label.isEmpty ? "" : "/" + label
        if argument.hasPrefix("/") {
            full = root + argument
        } else if argument.hasPrefix("~") {
            guard program == .client, let home, argument.hasPrefix("~/") else { return nil }
            full = "/" + home.display + String(argument.dropFirst())
        } else if program == .client, let home {
            full = "/" + home.display + "/.ssh/" + argument
        } else {
            full = root + "/etc/ssh/" + argument
        }
        var parts: [Substring] = []
        for part in full.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            // `..` stops at the root, which is the label's folder in a scan of several roots.
            case "..": if parts.count > (label.isEmpty ? 0 : 1) { parts.removeLast() }
            default: parts.append(part)
            }
        }
        return parts.joined(separator: "/")
    }
}

extension OpenSSHProgram {
    /// The program's name as an administrator types it: `sshd`, `ssh`.
    var name: String { self == .server ? "sshd" : "ssh" }
}
