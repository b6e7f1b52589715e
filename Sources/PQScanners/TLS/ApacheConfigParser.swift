import Foundation
import PQModel

/// One Apache httpd directive or section (`<VirtualHost *:443>` … `</VirtualHost>`), with its file and line.
struct ApacheDirective: Sendable, Hashable, NestedDirective {
    /// As written; compare with `key`.
    var name: String
    var args: [String]
    var path: ScanPath
    var line: Int
    /// nil for a directive; the contents for a section.
    var children: [ApacheDirective]?

    /// Lower-cased name (httpd directive names are case-insensitive).
    var key: String { name.lowercased() }
}

/// Parses Apache httpd configuration (https://httpd.apache.org/docs/2.4/configuring.html): one directive per
/// line, `\` continues a line, `#` starts a comment line, arguments may be double-quoted, `<Section args>` …
/// `</Section>` nest. `Include` and `IncludeOptional` take globs or directories relative to `ServerRoot`.
/// `<IfModule>`, `<IfDefine>`, `<IfVersion>`, `<Directory>` and `<Location>` are read as if their condition held,
/// except negated ones (`<IfModule !mod_ssl.c>`), which are skipped.
struct ApacheConfigParser {
    var diagnostics: [Diagnostic] = []
    private let tree: (any TreeReader)?
    var serverRoot: String
    private var reading = ConfigReading()
    /// Where httpd stops with "Syntax error" as it reads the configuration (`apachectl -t` fails): a section never
    /// closed, closed by another's end tag or not opened, a header without `>`, an `Include` (not
    /// `IncludeOptional`) whose wildcard matches no file, an include loop. An `Include` inside a conditional
    /// section (`<IfModule>`, `<IfDefine>`, ...) is not among them: httpd skips it when the condition fails.
    var startRefusals: [String] { reading.startRefusals }
    /// What httpd reads that PQScout did not (a line over 64 KiB, an included file it could not read, a
    /// `${VARIABLE}` path, an `Include` of a path PQScout cannot tell from an empty directory): what httpd makes of
    /// the configuration is then not known.
    var notRead: [String] { reading.notRead }
    /// The file being parsed is included from inside a conditional section.
    private var insideCondition = false

    init(tree: (any TreeReader)?, serverRoot: String) {
        self.tree = tree
        self.serverRoot = serverRoot
    }

    mutating func parse(path: ScanPath, bytes: [UInt8], depth: Int = 0) -> [ApacheDirective] {
        reading.enter(path)
        defer { reading.leave() }
        guard ByteSearch.isText(bytes) else {
            diagnostics.append(Diagnostic(path: path, reason: .malformed, detail: "binary data, not an httpd config"))
            reading.unread.append("\(path.display) (binary data)")
            return []
        }
        var stack: [(ApacheDirective, [ApacheDirective])] = []
        var top: [ApacheDirective] = []
        func append(_ directive: ApacheDirective) {
            if stack.isEmpty { top.append(directive) } else { stack[stack.count - 1].1.append(directive) }
        }
        var pending = ""
        var pendingLine = 0
        var skipped: [Int] = []
        defer { reading.unread += skipped.map { "\(path.display) line \($0) (over 64 KiB)" } }
        for (number, raw) in ConfigText.lines(bytes, path: path, diagnostics: &diagnostics, skipped: &skipped) {
            if pending.isEmpty { pendingLine = number }
            var text = String(raw)
            if text.hasSuffix("\\") {
                text.removeLast()
                pending += text + " "
                continue
            }
            let line = (pending + text).trimmingWhitespace()
            pending = ""
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("</") {
                let name = line.dropFirst(2).prefix { $0 != ">" }.lowercased()
                guard let (open, children) = stack.popLast() else {
                    refuse(path, "line \(pendingLine): </\(name)> without an opening section")
                    continue
                }
                if open.key != name {
                    refuse(path, "line \(pendingLine): </\(name)> closes <\(open.name)> of line \(open.line)")
                }
                var closed = open
                closed.children = children
                append(closed)
                continue
            }
            if line.hasPrefix("<") {
                guard line.hasSuffix(">") else {
                    refuse(path, "line \(pendingLine): section header without '>'")
                    continue
                }
                let words = Self.words(String(line.dropFirst().dropLast()), path: path, line: pendingLine, &diagnostics)
                guard let name = words.first else { continue }
                stack.append(
                    (
                        ApacheDirective(
                            name: name, args: Array(words.dropFirst()), path: path, line: pendingLine, children: []), []
                    ))
                continue
            }
            let words = Self.words(line, path: path, line: pendingLine, &diagnostics)
            guard let name = words.first else { continue }
            let directive = ApacheDirective(name: name, args: Array(words.dropFirst()), path: path, line: pendingLine)
            switch directive.key {
            case "include", "includeoptional":
                let conditional = insideCondition || stack.contains { $0.0.key.hasPrefix("if") }
                if directive.key == "include", directive.args.count != 1, !conditional {
                    refuse(path, "line \(pendingLine): Include takes one argument")
                }
                for pattern in directive.args {
                    for included in include(pattern, from: directive, depth: depth, conditional: conditional) {
                        append(included)
                    }
                }
            case "serverroot":
                if let root = directive.args.first {
                    serverRoot = ConfigText.rootPattern(
                        root, prefix: "", label: ConfigText.rootLabel(of: directive.path))
                }
                append(directive)
            default:
                append(directive)
            }
        }
        while let (open, children) = stack.popLast() {
            refuse(path, "line \(open.line): <\(open.name)> is never closed")
            var closed = open
            closed.children = children
            append(closed)
        }
        return top
    }

    private mutating func include(
        _ pattern: String, from directive: ApacheDirective, depth: Int, conditional: Bool
    ) -> [ApacheDirective] {
        guard let tree else { return [] }
        let place = "\(directive.path.display) line \(directive.line)"
        guard depth < ConfigText.maxIncludeDepth else {
            diagnostics.append(
                Diagnostic(
                    path: directive.path, reason: .tooDeep, detail: "line \(directive.line): Include nested too deep"))
            reading.unread.append("\(place) (an Include nested too deep)")
            return []
        }
        var glob = ConfigText.rootPattern(
            pattern, prefix: serverRoot, label: ConfigText.rootLabel(of: directive.path))
        if glob.contains("${") {
            reading.unread.append("\(place) (\(directive.name) \(pattern): PQScout does not expand ${...})")
            return []
        }
        let wildcard = pattern.contains { "*?[".contains($0) }
        var files = tree.files(matching: glob)
        if files.isEmpty, !glob.contains("*") {
            glob += "/*"
            files = tree.files(matching: glob)
        }
        // httpd stops on an Include that matches nothing (ap_process_fnmatch_configs: "No matches for the
        // wildcard"; "Could not open configuration file"), unless the path is an empty directory, which the tree's
        // files do not show. IncludeOptional and conditional sections never stop it.
        if files.isEmpty, directive.key == "include", !conditional {
            if ConfigText.lostBytes(pattern) {
                reading.unread.append("\(place) (Include \(pattern): \(ConfigText.lostBytesReason))")
            } else if ConfigCopy.isCopy(directive.path) {
                reading.unread.append("\(place) (Include \(pattern): \(ConfigCopy.reason))")
            } else if wildcard {
                refuse(directive.path, "line \(directive.line): Include \(pattern) matches no file in the scanned tree")
            } else {
                reading.unread.append(
                    "\(place) (Include \(pattern) names no file in the scanned tree: httpd refuses to start unless it "
                        + "is an empty directory)")
            }
        }
        var out: [ApacheDirective] = []
        let admitted = reading.admit(
            Array(files.prefix(ConfigText.maxIncludedFiles)), keyword: "Include", at: directive.path,
            line: directive.line, diagnostics: &diagnostics)
        let outerCondition = insideCondition
        insideCondition = conditional
        defer { insideCondition = outerCondition }
        for file in admitted {
            switch tree.read(file) {
            case .success(let bytes): out += parse(path: file, bytes: bytes, depth: depth + 1)
            case .failure(let diagnostic):
                diagnostics.append(diagnostic)
                reading.unread.append("\(file.display) (\(diagnostic.reason.rawValue))")
            }
        }
        return out
    }

    /// A place httpd stops reading the configuration: a diagnostic, and a reason it does not start.
    private mutating func refuse(_ path: ScanPath, _ detail: String) {
        reading.refuse(path, detail, &diagnostics)
    }

    /// Splits arguments: whitespace-separated, double or single quotes group, backslash escapes a quote.
    static func words(_ line: String, path: ScanPath, line number: Int, _ diagnostics: inout [Diagnostic]) -> [String] {
        var out: [String] = []
        var current = ""
        var quote: Character?
        var inWord = false
        var escaped = false
        for character in line {
            if escaped {
                current.append(character)
                escaped = false
                continue
            }
            if character == "\\" {
                escaped = true
                continue
            }
            if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
                continue
            }
            if character == "\"" || character == "'", !inWord {
                quote = character
                inWord = true
            } else if character == " " || character == "\t" {
                if inWord { out.append(current) }
                current = ""
                inWord = false
            } else {
                current.append(character)
                inWord = true
            }
        }
        if quote != nil {
            diagnostics.append(
                Diagnostic(path: path, reason: .malformed, detail: "line \(number): quoted argument never closed"))
        }
        if inWord { out.append(current) }
        return out
    }
}
