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
    /// Section → name → the value set last: what a variable reads (a lookup per reference, not a search).
    private var latest: [String: [String: String]] = [:]

    /// config(5): "It is an error if the value ends up longer than 64k."
    static let maxValueLength = 65536

    init(path: ScanPath, bytes: [UInt8], tree: (any TreeReader)?) {
        var section = ""
        parse(path: path, bytes: bytes, tree: tree, section: &section, depth: 0)
    }

    /// The value of a key in a section (last one wins, as in OpenSSL's NCONF), case-sensitively on the section.
    func value(_ key: String, in section: String) -> Pair? {
        sections[section]?.last { $0.key == key }
    }

    private mutating func parse(
        path: ScanPath, bytes: [UInt8], tree: (any TreeReader)?, section: inout String, depth: Int
    ) {
        visited.insert(path)
        guard ByteSearch.isText(bytes) else {
            diagnostics.append(Diagnostic(path: path, reason: .malformed, detail: "binary data, not an OpenSSL config"))
            return
        }
        var pending = ""
        var pendingLine = 0
        for (number, raw) in ConfigText.lines(bytes, path: path, diagnostics: &diagnostics) {
            if refusal != nil { return }
            var line = String(raw)
            if pending.isEmpty { pendingLine = number }
            if line.hasSuffix("\\") {
                line.removeLast()
                pending += line
                continue
            }
            line = pending + line
            pending = ""
            handle(line, number: pendingLine, path: path, tree: tree, section: &section, depth: depth)
        }
        if !pending.isEmpty, refusal == nil {
            handle(pending, number: pendingLine, path: path, tree: tree, section: &section, depth: depth)
        }
    }

    private mutating func handle(
        _ rawLine: String, number: Int, path: ScanPath, tree: (any TreeReader)?, section: inout String, depth: Int
    ) {
        let line = Self.stripComment(rawLine).trimmingWhitespace()
        if line.isEmpty { return }
        if line.hasPrefix("[") {
            guard let close = line.firstIndex(of: "]") else {
                diagnostics.append(
                    Diagnostic(path: path, reason: .malformed, detail: "line \(number): section header without ']'"))
                return
            }
            section = line[line.index(after: line.startIndex)..<close].trimmingWhitespace()
            if section == "default" { section = "" }
            return
        }
        if line.hasPrefix(".include") {
            var target = line.dropFirst(".include".count).trimmingWhitespace()
            if target.hasPrefix("=") { target = target.dropFirst().trimmingWhitespace() }
            // The path is a value like any other (NCONF's `str_copy`): quotes, escapes and variables.
            switch expand(target, section: section) {
            case .value(let expanded):
                include(expanded, from: path, number: number, tree: tree, section: &section, depth: depth)
            case .environment(let name):
                unknownEnvironment(name, in: ".include", outcome: "not followed", path: path, number: number)
            case .refused(let reason):
                refuse(reason, path: path, number: number)
            }
            return
        }
        if line.hasPrefix(".pragma") {
            var pragma = line.dropFirst(".pragma".count).trimmingWhitespace()
            if pragma.hasPrefix("=") { pragma = pragma.dropFirst().trimmingWhitespace() }
            let parts = pragma.split(separator: ":", maxSplits: 1).map { $0.trimmingWhitespace() }
            if parts.count == 2, parts[0] == "dollarid" {
                dollarID = ["on", "true"].contains(parts[1].lowercased())
            }
            return
        }
        guard let equals = line.firstIndex(of: "=") else {
            diagnostics.append(
                Diagnostic(
                    path: path, reason: .malformed, detail: "line \(number): neither 'name = value' nor a section"))
            return
        }
        let key = line[..<equals].trimmingWhitespace()
        let written = line[line.index(after: equals)...].trimmingWhitespace()
        var value: String
        switch expand(written, section: section) {
        case .value(let expanded):
            value = expanded
        case .environment(let name):
            unknownEnvironment(name, in: key, outcome: "kept as written", path: path, number: number)
            value = written
        case .refused(let reason):
            refuse(reason, path: path, number: number)
            return
        }
        sections[section, default: []].append(Pair(key: key, value: value, path: path, line: number))
        latest[section, default: [:]][key] = value
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

    private mutating func include(
        _ target: String, from path: ScanPath, number: Int, tree: (any TreeReader)?, section: inout String, depth: Int
    ) {
        guard let tree else { return }
        guard depth < ConfigText.maxIncludeDepth else {
            diagnostics.append(
                Diagnostic(path: path, reason: .tooDeep, detail: "line \(number): .include nested too deep"))
            return
        }
        let pattern = ConfigText.rootPattern(
            target, prefix: ConfigText.directory(of: path), label: ConfigText.rootLabel(of: path))
        var targets = ConfigText.includeTargets(pattern, tree: tree, directoryAllowed: true)
        if !tree.files(matching: pattern).contains(where: { _ in true }) {
            // A directory include reads only `*.cnf` and `*.conf` files (config(5)).
            targets = targets.filter { ["cnf", "conf"].contains($0.lowercasedExtension) }
        }
        for file in targets where !visited.contains(file) {
            includedFiles += 1
            guard includedFiles <= ConfigText.maxIncludedFiles else { return }
            switch tree.read(file) {
            case .success(let bytes): parse(path: file, bytes: bytes, tree: tree, section: &section, depth: depth + 1)
            case .failure(let diagnostic): diagnostics.append(diagnostic)
            }
        }
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
