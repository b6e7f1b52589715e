import Foundation
import PQModel

/// Reads OpenSSL configuration files (config(5)): `[section]` headers, `name = value` pairs, `#` comments,
/// `\` line continuations, quotes, and `.include` (with or without `=`, of a file or a directory), following
/// includes through the walked tree. `$var` expansions are kept as written.
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

    /// Section name (as written) → pairs in order. The unnamed default section is "".
    var sections: [String: [Pair]] = [:]
    var diagnostics: [Diagnostic] = []
    private var visited: Set<ScanPath> = []
    private var includedFiles = 0

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
        if !pending.isEmpty {
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
            return
        }
        if line.hasPrefix(".include") {
            var target = line.dropFirst(".include".count).trimmingWhitespace()
            if target.hasPrefix("=") { target = target.dropFirst().trimmingWhitespace() }
            include(Self.unquote(target), from: path, number: number, tree: tree, section: &section, depth: depth)
            return
        }
        if line.hasPrefix(".pragma") { return }
        guard let equals = line.firstIndex(of: "=") else {
            diagnostics.append(
                Diagnostic(
                    path: path, reason: .malformed, detail: "line \(number): neither 'name = value' nor a section"))
            return
        }
        let key = line[..<equals].trimmingWhitespace()
        let value = Self.unquote(line[line.index(after: equals)...].trimmingWhitespace())
        sections[section, default: []].append(Pair(key: key, value: value, path: path, line: number))
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

    static func unquote(_ text: String) -> String {
        if text.count >= 2, let first = text.first, first == "\"" || first == "'", text.last == first {
            return String(text.dropFirst().dropLast())
        }
        return text
    }
}
