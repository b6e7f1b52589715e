import Foundation
import PQModel

/// Reads OpenSSL configuration files (config(5)): `[section]` headers, `name = value` pairs, `#` comments,
/// `\` line continuations, quotes, and `.include` (with or without `=`, of a file or a directory), following
/// includes through the walked tree. Values are read as OpenSSL's NCONF reads them (config(5), "Settings"):
/// quotes and `\` escapes, and variables (`$name`, `${name}`, `$(name)`, `$section::name`) expanded when the line
/// is read, from the values set above it (the current section, then the default one), never again. A variable
/// with no value, an unclosed brace or a value past 64 KiB is an error at which OpenSSL stops and loads nothing
/// (`refusal`): its applications then run with the library's defaults, as `openssl ciphers` does. `$ENV::name`
/// reads the environment of each program that loads the file, which a scan cannot know: such a value is kept as
/// written, with a diagnostic.
///
/// Keys of an included file land in the section in force at the `.include`, which is how RHEL's
/// `[crypto_policy] .include = /etc/crypto-policies/back-ends/opensslcnf.config` works.
///
/// An `.include` path is taken as written (config(5), checked with `openssl ciphers` on 3.0): no glob, a file or
/// a directory's `*.cnf`/`*.conf`, a missing one skipped. A relative path gets `.pragma includedir:` in front; one
/// still relative is resolved by OpenSSL against the working directory of the program that loads the file, which
/// a scan cannot know: PQScout reads it from `/`, a system service's working directory, and says so. Under
/// `.pragma abspath:on` a relative path makes OpenSSL load nothing.
struct OpenSSLConfParser {
    struct Pair: Sendable, Hashable {
        var key: String
        var value: String
        var path: ScanPath
        var line: Int
    }

    /// Section name (as written) → pairs in order. The unnamed default section is "" (`[default]` is the same).
    var sections: [String: [Pair]] = [:]
    var diagnostics: [Diagnostic] = []
    /// Where OpenSSL stops loading the file, if it does: nothing of it is then in force.
    private(set) var refusal: Diagnostic?
    private var visited: Set<ScanPath> = []
    private var includedFiles = 0
    /// `.pragma dollarid:on`: `$` is part of a name, and only `${...}` and `$(...)` expand.
    private var dollarID = false
    /// The section in force: a file included inside a section adds to it, and a `[section]` in an included file
    /// stays in force after it (NCONF keeps one for the whole load).
    private var section = ""
    /// `.pragma abspath:on`: a relative `.include` path is an error.
    private var absolutePathsOnly = false
    /// `.pragma includedir:DIR`: put in front of a relative `.include` path.
    private var includeDirectory: String?
    /// Section → name → the value set last: what a variable reads (a lookup per reference, not a search).
    private var latest: [String: [String: String]] = [:]
    /// The files of the directory being listed, and section → name → the pair one of them set last: two of them
    /// setting one name differently is a choice OpenSSL makes by the directory's own order, which the scan lacks.
    private var listedFiles: Set<ScanPath> = []
    private var setByListedFile: [String: [String: Pair]] = [:]
    /// Such disagreements said for the directory being listed; a hostile pair of files could make one per line.
    private var orderUnknownSaid = 0
    static let maxOrderUnknown = 16

    /// config(5): "It is an error if the value ends up longer than 64k."
    static let maxValueLength = 65536

    init(path: ScanPath, bytes: [UInt8], tree: (any TreeReader)?) {
        read(main: path, bytes: bytes, tree: tree)
    }

    /// The value of a key in a section (last one wins, as in OpenSSL's NCONF), case-sensitively on the section.
    func value(_ key: String, in section: String) -> Pair? {
        sections[section]?.last { $0.key == key }
    }

    /// One file being read: its logical lines (continuations joined) and how far it is read.
    private struct OpenFile {
        var path: ScanPath
        var lines: [(Int, Substring)]
        var next = 0

        /// The next logical line and its first line's number; nil at the end of the file.
        mutating func nextLine() -> (number: Int, text: String)? {
            guard next < lines.count else { return nil }
            let number = lines[next].0
            var joined = ""
            while next < lines.count {
                var line = String(lines[next].1)
                next += 1
                guard line.hasSuffix("\\") else { return (number, joined + line) }
                line.removeLast()
                joined += line
            }
            return (number, joined)
        }
    }

    /// What an `.include` line leads to.
    private enum Inclusion {
        case nothing
        case file(ScanPath)
        /// A directory's `*.cnf` and `*.conf` files, in order.
        case directory([ScanPath])
    }

    /// Reads the file and its includes in the order OpenSSL's `def_load_bio` does (OpenSSL 3.0,
    /// crypto/conf/conf_def.c): an included file is read to its end, then the one that included it goes on. Only
    /// one directory is listed at a time, and at the end of *any* file while it is, the directory's next file is
    /// read (so a file a directory's file includes is followed by the directory's other files, before the rest
    /// of its includer); a directory named while one is being listed is skipped.
    private mutating func read(main path: ScanPath, bytes: [UInt8], tree: (any TreeReader)?) {
        var current = open(path, bytes: bytes)
        var suspended: [OpenFile] = []
        // The directory being listed: the files not read yet. nil when none is.
        var directory: [ScanPath]? = nil
        while refusal == nil {
            if let (number, text) = current.nextLine() {
                switch handle(text, number: number, path: current.path, tree: tree, listing: directory != nil) {
                case .nothing:
                    break
                case .file(let file):
                    guard let opened = open(file, tree: tree, depth: suspended.count, from: current.path, number)
                    else { break }
                    suspended.append(current)
                    current = opened
                case .directory(var files):
                    listedFiles = Set(files)
                    setByListedFile = [:]
                    orderUnknownSaid = 0
                    while !files.isEmpty {
                        let first = files.removeFirst()
                        guard let opened = open(first, tree: tree, depth: suspended.count, from: current.path, number)
                        else { continue }
                        directory = files
                        suspended.append(current)
                        current = opened
                        break
                    }
                }
                continue
            }
            if var rest = directory {
                var opened: OpenFile? = nil
                while opened == nil, !rest.isEmpty {
                    opened = open(
                        rest.removeFirst(), tree: tree, depth: suspended.count - 1, from: current.path, nil)
                }
                if let opened {
                    directory = rest
                    current = opened
                    continue
                }
                directory = nil
                listedFiles = []
            }
            guard let includer = suspended.popLast() else { return }
            current = includer
        }
    }

    private mutating func open(_ path: ScanPath, bytes: [UInt8]) -> OpenFile {
        visited.insert(path)
        guard ByteSearch.isText(bytes) else {
            diagnostics.append(Diagnostic(path: path, reason: .malformed, detail: "binary data, not an OpenSSL config"))
            return OpenFile(path: path, lines: [])
        }
        return OpenFile(path: path, lines: ConfigText.lines(bytes, path: path, diagnostics: &diagnostics))
    }

    /// An included file, ready to read; nil when it is not read (already read: a loop; too deep; the budget of
    /// included files spent; unreadable).
    private mutating func open(
        _ file: ScanPath, tree: (any TreeReader)?, depth: Int, from path: ScanPath, _ number: Int?
    ) -> OpenFile? {
        guard let tree, !visited.contains(file) else { return nil }
        guard depth < ConfigText.maxIncludeDepth else {
            diagnostics.append(
                Diagnostic(
                    path: path, reason: .tooDeep, detail: "line \(number ?? 0): .include nested too deep"))
            return nil
        }
        includedFiles += 1
        guard includedFiles <= ConfigText.maxIncludedFiles else { return nil }
        switch tree.read(file) {
        case .success(let bytes): return open(file, bytes: bytes)
        case .failure(let diagnostic):
            diagnostics.append(diagnostic)
            return nil
        }
    }

    /// One line, read as `def_load_bio` reads it (OpenSSL 3.0, crypto/conf/conf_def.c): a `[section]`, a
    /// `.pragma`, an `.include`, or `name = value` (`section::name = value` sets it in that section). A name is
    /// made of the characters `isNameByte` takes; anything else where a name or its `=` should be makes OpenSSL
    /// stop loading the file (checked with `openssl ciphers`: `key with space = 1` or a line of words does).
    /// - Parameter listing: a directory is being listed (its `.include` of a directory is skipped).
    private mutating func handle(
        _ rawLine: String, number: Int, path: ScanPath, tree: (any TreeReader)?, listing: Bool
    ) -> Inclusion {
        let line = Array(Self.stripComment(rawLine).trimmingWhitespace().utf8)
        if line.isEmpty { return .nothing }
        func text(_ range: Range<Int>) -> String { String(decoding: line[range], as: UTF8.self) }
        if line[0] == UInt8(ascii: "[") {
            // Words of name characters with blanks between, up to `]`; what follows the `]` is not read.
            let start = skipBlanks(line, 1)
            var word = start
            var end = start
            while true {
                end = nameEnd(line, word)
                let next = skipBlanks(line, end)
                if next < line.count, line[next] == UInt8(ascii: "]") { break }
                guard next < line.count, next != word else {
                    refuse("a section header OpenSSL cannot read (no ']' after its name)", path: path, number: number)
                    return .nothing
                }
                word = next
            }
            switch expand(text(start..<end), section: "") {
            case .value(let name): section = name == "default" ? "" : name
            case .environment: section = text(start..<end)
            case .refused(let reason): refuse(reason, path: path, number: number)
            }
            return .nothing
        }
        var nameStart = 0
        var end = nameEnd(line, 0)
        var target = section
        if end + 1 < line.count, line[end] == UInt8(ascii: ":"), line[end + 1] == UInt8(ascii: ":") {
            target = text(0..<end)
            nameStart = end + 2
            end = nameEnd(line, nameStart)
        }
        let name = text(nameStart..<end)
        var rest = skipBlanks(line, end)
        let equals = rest < line.count && line[rest] == UInt8(ascii: "=")
        // A directive is its word followed by anything: `.include=x`, `.include x`, even `.includex = y`.
        func directive(_ word: String) -> Bool {
            name.hasPrefix(word) && (rest != nameStart + word.utf8.count || equals)
        }
        let isPragma = directive(".pragma")
        if isPragma || directive(".include") {
            if equals { rest = skipBlanks(line, rest + 1) }
            let argument = text(rest..<line.count)
            if isPragma {
                pragma(Substring(argument), path: path, number: number)
                return .nothing
            }
            // The path is a value like any other (NCONF's `str_copy`): quotes, escapes and variables.
            switch expand(argument, section: target) {
            case .value(let expanded):
                return include(expanded, from: path, number: number, tree: tree, listing: listing)
            case .environment(let name):
                unknownEnvironment(name, in: ".include", outcome: "not followed", path: path, number: number)
            case .refused(let reason):
                refuse(reason, path: path, number: number)
            }
            return .nothing
        }
        guard equals else {
            refuse("neither 'name = value' nor a section, as OpenSSL reads a line", path: path, number: number)
            return .nothing
        }
        let written = text(skipBlanks(line, rest + 1)..<line.count)
        var value: String
        switch expand(written, section: target) {
        case .value(let expanded):
            value = expanded
        case .environment(let variable):
            unknownEnvironment(variable, in: name, outcome: "kept as written", path: path, number: number)
            value = written
        case .refused(let reason):
            refuse(reason, path: path, number: number)
            return .nothing
        }
        let pair = Pair(key: name, value: value, path: path, line: number)
        if listedFiles.contains(path) {
            if let earlier = setByListedFile[target]?[name], earlier.path != path, earlier.value != value {
                orderUnknown(pair, earlier: earlier, section: target)
            }
            setByListedFile[target, default: [:]][name] = pair
        }
        sections[target, default: []].append(pair)
        latest[target, default: [:]][name] = value
        return .nothing
    }

    /// Two files of one `.include`d directory set a name differently. OpenSSL reads a directory's files in the order
    /// `readdir(3)` gives them (`OPENSSL_DIR_read`), which depends on the file system that holds them and is not
    /// kept by a copy of the tree; PQScout reads them by name, so the value it reports may not be the one in force.
    private mutating func orderUnknown(_ pair: Pair, earlier: Pair, section: String) {
        orderUnknownSaid += 1
        guard orderUnknownSaid <= Self.maxOrderUnknown else { return }
        let more = orderUnknownSaid == Self.maxOrderUnknown ? " (further such names in this directory not listed)" : ""
        let place = section.isEmpty ? "" : " in [\(section.prefix(80))]"
        diagnostics.append(
            Diagnostic(
                path: pair.path, reason: .unsupported,
                detail:
                    "line \(pair.line): \(pair.key.prefix(80))\(place) is also set, to another value, by "
                    + "\(earlier.path.display) line \(earlier.line), a file of the same .include'd directory: which "
                    + "of the two OpenSSL keeps depends on the order its directory listing (readdir(3)) gives them, "
                    + "which a scan does not know; PQScout takes the one last by name" + more))
    }

    /// `.pragma [=] name:value`: `dollarid` and `abspath` take on, true, off or false; `includedir` a directory;
    /// others are ignored. A pragma without a name or a value, or a flag with another value, stops the load.
    private mutating func pragma(_ argument: Substring, path: ScanPath, number: Int) {
        guard let colon = argument.firstIndex(of: ":"), colon != argument.startIndex,
            argument.index(after: colon) != argument.endIndex
        else {
            refuse("a .pragma OpenSSL cannot read (name:value)", path: path, number: number)
            return
        }
        let name = argument[..<colon].trimmingWhitespace()
        let value = argument[argument.index(after: colon)...].trimmingWhitespace()
        func flag() -> Bool? {
            switch value.lowercased() {
            case "on", "true": return true
            case "off", "false": return false
            default:
                refuse(".pragma \(name) takes on, true, off or false", path: path, number: number)
                return nil
            }
        }
        switch name {
        case "dollarid": if let on = flag() { dollarID = on }
        case "abspath": if let on = flag() { absolutePathsOnly = on }
        case "includedir": includeDirectory = String(value)
        default: break
        }
    }

    /// The characters OpenSSL takes in a name (`eat_alpha_numeric`, its table of `CONF_ALNUM_PUNCT`): ASCII
    /// letters and digits, `_` and `!%&*+,-./;?@^|~`, a `\`-escaped character, and `$` under
    /// `.pragma dollarid:on`. Checked with `openssl ciphers` for every printable ASCII character.
    private func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "$"): return dollarID
        default: return Self.namePunctuation.contains(byte)
        }
    }

    private static let namePunctuation = Set("_!%&*+,-./;?@^|~".utf8)

    /// The position past a name starting at `start`.
    private func nameEnd(_ line: [UInt8], _ start: Int) -> Int {
        var index = start
        while index < line.count {
            if line[index] == UInt8(ascii: "\\") {
                index = min(index + 2, line.count)
            } else if isNameByte(line[index]) {
                index += 1
            } else {
                break
            }
        }
        return index
    }

    private func skipBlanks(_ line: [UInt8], _ start: Int) -> Int {
        var index = start
        while index < line.count, [0x20, 0x09, 0x0D, 0x0A].contains(line[index]) { index += 1 }
        return index
    }

    /// A value (or an `.include` path) that names an environment variable the file's `[ENV]` section does not set.
    private mutating func unknownEnvironment(
        _ name: String, in what: String, outcome: String, path: ScanPath, number: Int
    ) {
        diagnostics.append(
            Diagnostic(
                path: path, reason: .unsupported,
                detail: "line \(number): \(what) reads $ENV::\(name) from the environment of each program that loads "
                    + "OpenSSL, which the scan cannot know: \(outcome)"))
    }

    /// Where OpenSSL stops loading: nothing of the file is in force.
    private mutating func refuse(_ reason: String, path: ScanPath, number: Int) {
        let refused = Diagnostic(
            path: path, reason: .malformed,
            detail: "line \(number): \(reason): OpenSSL stops loading the file there, so its applications run with "
                + "the library's defaults")
        refusal = refused
        diagnostics.append(refused)
    }

    /// What a value reads as.
    enum Expansion: Equatable {
        case value(String)
        /// It names this environment variable, not set in the file's `[ENV]` section.
        case environment(String)
        /// OpenSSL refuses the file at this value, for this reason.
        case refused(String)
    }

    /// A value as NCONF's `str_copy` makes it (config(5), "Settings"): `'...'` with `\` escaping the next
    /// character, `"..."` with `""` for a quote, `\r \n \b \t` and `\`-escaped characters outside quotes, and
    /// variables expanded outside quotes from the values set so far.
    func expand(_ written: String, section: String) -> Expansion {
        // On the UTF-8 bytes: every byte the syntax gives a meaning to is ASCII, and the length OpenSSL limits is
        // in bytes.
        let text = Array(written.utf8)
        var out: [UInt8] = []
        var index = 0
        func byte(_ character: Unicode.Scalar) -> UInt8 { UInt8(ascii: character) }
        func isNameByte(_ value: UInt8) -> Bool {
            (value >= byte("a") && value <= byte("z")) || (value >= byte("A") && value <= byte("Z"))
                || (value >= byte("0") && value <= byte("9")) || value == byte("_") || (dollarID && value == byte("$"))
        }
        func name(_ range: Range<Int>) -> String { String(decoding: text[range], as: UTF8.self) }
        while index < text.count {
            let current = text[index]
            if current == byte("'") {
                index += 1
                while index < text.count, text[index] != byte("'") {
                    if text[index] == byte("\\") {
                        index += 1
                        if index == text.count { break }
                    }
                    out.append(text[index])
                    index += 1
                }
                if index < text.count { index += 1 }
            } else if current == byte("\"") {
                index += 1
                while index < text.count {
                    if text[index] == byte("\"") {
                        guard index + 1 < text.count, text[index + 1] == byte("\"") else { break }
                        index += 1
                    }
                    out.append(text[index])
                    index += 1
                }
                if index < text.count { index += 1 }
            } else if current == byte("\\") {
                index += 1
                guard index < text.count else { break }
                switch text[index] {
                case byte("r"): out.append(byte("\r"))
                case byte("n"): out.append(byte("\n"))
                case byte("b"): out.append(8)
                case byte("t"): out.append(byte("\t"))
                default: out.append(text[index])
                }
                index += 1
            } else if current == byte("$"),
                !dollarID || (index + 1 < text.count && (text[index + 1] == byte("{") || text[index + 1] == byte("(")))
            {
                var cursor = index + 1
                var close: UInt8?
                if cursor < text.count, text[cursor] == byte("{") { close = byte("}") }
                if cursor < text.count, text[cursor] == byte("(") { close = byte(")") }
                if close != nil { cursor += 1 }
                var start = cursor
                while cursor < text.count, isNameByte(text[cursor]) { cursor += 1 }
                var scope = section
                if cursor + 1 < text.count, text[cursor] == byte(":"), text[cursor + 1] == byte(":") {
                    scope = name(start..<cursor)
                    cursor += 2
                    start = cursor
                    while cursor < text.count, isNameByte(text[cursor]) { cursor += 1 }
                }
                let variable = name(start..<cursor)
                if let close {
                    guard cursor < text.count, text[cursor] == close else {
                        return .refused("no close brace after $\(close == byte("}") ? "{" : "(")\(variable)")
                    }
                    cursor += 1
                }
                if scope == "default" { scope = "" }
                // NCONF looks in the section, then (for `ENV`) in the environment, then in the default section.
                if let value = latest[scope]?[variable] {
                    out.append(contentsOf: value.utf8)
                } else if scope == "ENV" {
                    return .environment(variable)
                } else if let value = latest[""]?[variable] {
                    out.append(contentsOf: value.utf8)
                } else {
                    let shown = scope == section ? variable : "\(scope.isEmpty ? "default" : scope)::\(variable)"
                    return .refused("variable $\(shown) has no value above this line")
                }
                guard out.count <= Self.maxValueLength else {
                    return .refused("the value grows past 64 KiB by its variables")
                }
                index = cursor
            } else {
                out.append(current)
                index += 1
            }
        }
        return .value(String(decoding: out, as: UTF8.self))
    }

    /// Where an `.include` of this path leads, as OpenSSL's `process_include` finds it.
    private mutating func include(
        _ target: String, from path: ScanPath, number: Int, tree: (any TreeReader)?, listing: Bool
    ) -> Inclusion {
        var written = target
        if !written.hasPrefix("/"), let includeDirectory {
            written = includeDirectory.hasSuffix("/") ? includeDirectory + written : includeDirectory + "/" + written
        }
        if !written.hasPrefix("/") {
            if absolutePathsOnly {
                refuse(".include of a relative path under .pragma abspath:on", path: path, number: number)
                return .nothing
            }
            diagnostics.append(
                Diagnostic(
                    path: path, reason: .unsupported,
                    detail:
                        "line \(number): .include \(target.prefix(120)) is relative: OpenSSL resolves it against the working "
                        + "directory of each program that loads the file (or $OPENSSL_CONF_INCLUDE), which the scan "
                        + "cannot know; read from /, a system service's working directory (systemd.exec(5))"))
            written = "/" + written
        }
        guard let tree else { return .nothing }
        // Taken as written: OpenSSL does not expand globs, so `*` in the path is a file name's own character.
        let literal = Self.escapedForGlob(
            ConfigText.rootPattern(written, prefix: "", label: ConfigText.rootLabel(of: path)))
        if let file = tree.files(matching: literal).first { return .file(file) }
        // A directory: its `*.cnf` and `*.conf` files, not its subdirectories (config(5)).
        let files = tree.files(matching: literal + "/*").filter { ["cnf", "conf"].contains($0.lowercasedExtension) }
        guard !files.isEmpty else { return .nothing }
        return listing ? .nothing : .directory(Array(files.prefix(ConfigText.maxIncludedFiles)))
    }

    /// A path as an fnmatch(3) pattern that matches only itself.
    static func escapedForGlob(_ path: String) -> String {
        guard path.contains(where: { "*?[\\".contains($0) }) else { return path }
        var out = ""
        for character in path {
            if "*?[\\".contains(character) { out.append("\\") }
            out.append(character)
        }
        return out
    }

    static func stripComment(_ line: String) -> String {
        var inQuote: Character?
        var previous: Character = " "
        for (offset, character) in line.enumerated() {
            if let quote = inQuote {
                if character == quote, previous != "\\" { inQuote = nil }
            } else if character == "\"" || character == "'" {
                inQuote = character
            } else if character == "#", previous != "\\" {
                return String(line.prefix(offset))
            }
            previous = character
        }
        return line
    }
}
