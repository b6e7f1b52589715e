import PQModel

/// One nginx directive: `name args...;` or `name args... { children }`, with the file and line it came from.
struct NginxDirective: Sendable, Hashable, NestedDirective {
    var name: String
    var args: [String]
    var path: ScanPath
    var line: Int
    /// nil for a simple directive; the block's contents for `http {`, `server {`, ...
    var children: [NginxDirective]?
}

/// Parses nginx configuration (https://nginx.org/en/docs/beginners_guide.html#conf_structure, ngx_conf_file.c):
/// whitespace-separated tokens, `;` ends a directive, `{` `}` delimit blocks, `#` starts a comment, single and
/// double quotes with backslash escapes, and `include` with globs relative to the prefix (the directory of
/// `nginx.conf`), absolute paths resolved inside the scan root.
///
/// Damage never stops a parse: an unbalanced `}` is dropped, an unclosed block is closed at the end of the file,
/// an unterminated quote ends the file, a line over 64 KiB is skipped; each costs one diagnostic with file and line.
/// The damage nginx itself will not start with is also in `startRefusals`, and what nginx reads that PQScout
/// skipped in `notRead`: the scanner then reports nothing of the configuration in force (`NginxScanner`).
struct NginxConfigParser {
    var diagnostics: [Diagnostic] = []
    /// Where nginx stops with `[emerg]` as it reads the configuration (`nginx -t` fails): a block never closed, a
    /// stray `}`, a directive without its `;`, a quote never closed, an `include` of a path without a glob (`*?[`,
    /// ngx_conf_include) that names no file of the tree, an include loop. Unknown directives are not among them:
    /// PQScout does not know every module's.
    var startRefusals: [String] { reading.startRefusals }
    /// What nginx reads that PQScout did not (a line over 64 KiB, an included file it could not read, includes past
    /// its limits): what nginx makes of the configuration is then not known.
    var notRead: [String] { reading.notRead }
    private let tree: (any TreeReader)?
    private let prefix: String
    private var reading = ConfigReading()

    init(tree: (any TreeReader)?, prefix: String) {
        self.tree = tree
        self.prefix = prefix
    }

    /// Parses a file and everything it includes, returning its top-level directives.
    mutating func parse(path: ScanPath, bytes: [UInt8], depth: Int = 0) -> [NginxDirective] {
        reading.enter(path)
        defer { reading.leave() }
        guard ByteSearch.isText(bytes) else {
            diagnostics.append(Diagnostic(path: path, reason: .malformed, detail: "binary data, not an nginx config"))
            reading.unread.append("\(path.display) (binary data)")
            return []
        }
        let tokens = tokenize(path: path, bytes: bytes)
        var stack: [(directive: NginxDirective, children: [NginxDirective])] = []
        var top: [NginxDirective] = []
        var words: [(String, Int)] = []

        func append(_ directive: NginxDirective) {
            if stack.isEmpty { top.append(directive) } else { stack[stack.count - 1].children.append(directive) }
        }

        for token in tokens {
            switch token.kind {
            case .word:
                words.append((token.text, token.line))
            case .semicolon:
                guard let first = words.first else { continue }
                let directive = NginxDirective(
                    name: first.0, args: words.dropFirst().map(\.0), path: path, line: first.1, children: nil)
                words = []
                if directive.name == "include", directive.args.count != 1 {
                    refuse(path, "line \(directive.line): invalid number of arguments in 'include'")
                } else if directive.name == "include", let pattern = directive.args.first {
                    for included in include(pattern, from: directive, depth: depth) { append(included) }
                } else {
                    append(directive)
                }
            case .open:
                let line = words.first?.1 ?? token.line
                let directive = NginxDirective(
                    name: words.first?.0 ?? "", args: words.dropFirst().map(\.0), path: path, line: line,
                    children: [])
                words = []
                stack.append((directive, []))
            case .close:
                if !words.isEmpty {
                    refuse(path, "line \(words[0].1): directive '\(words[0].0)' is missing its ';'")
                    words = []
                }
                guard case (var directive, let children)? = stack.popLast() else {
                    refuse(path, "line \(token.line): unexpected '}'")
                    continue
                }
                directive.children = children
                append(directive)
            }
        }
        if let first = words.first {
            refuse(path, "line \(first.1): directive '\(first.0)' is missing its ';' at the end of the file")
        }
        while case (var directive, let children)? = stack.popLast() {
            refuse(path, "line \(directive.line): block '\(directive.name)' is never closed with '}'")
            directive.children = children
            append(directive)
        }
        return top
    }

    private mutating func include(_ pattern: String, from directive: NginxDirective, depth: Int) -> [NginxDirective] {
        guard let tree else { return [] }
        guard depth < ConfigText.maxIncludeDepth else {
            diagnostics.append(
                Diagnostic(
                    path: directive.path, reason: .tooDeep, detail: "line \(directive.line): include nested too deep"))
            reading.unread.append("\(directive.path.display) line \(directive.line) (an include nested too deep)")
            return []
        }
        let glob = ConfigText.rootPattern(pattern, prefix: prefix, label: ConfigText.rootLabel(of: directive.path))
        var out: [NginxDirective] = []
        let targets = ConfigText.includeTargets(glob, tree: tree, directoryAllowed: false)
        // Without a glob character nginx opens the one file (ngx_conf_include): missing, or a directory, it stops
        // ("open() failed", "pread() failed"). A glob that matches nothing is fine.
        if targets.isEmpty, ConfigText.lostBytes(pattern) {
            reading.unread.append(
                "\(directive.path.display) line \(directive.line) (include \(pattern): \(ConfigText.lostBytesReason))")
        } else if targets.isEmpty, !pattern.contains(where: { "*?[".contains($0) }) {
            if ConfigCopy.isCopy(directive.path) {
                reading.unread.append(
                    "\(directive.path.display) line \(directive.line) (include \(pattern): "
                        + "\(ConfigCopy.reason))")
            } else {
                refuse(directive.path, "line \(directive.line): include \(pattern) names no file in the scanned tree")
            }
        }
        let files = reading.admit(
            targets, keyword: "include", at: directive.path, line: directive.line, diagnostics: &diagnostics)
        for file in files {
            switch tree.read(file) {
            case .success(let bytes): out += parse(path: file, bytes: bytes, depth: depth + 1)
            case .failure(let diagnostic):
                diagnostics.append(diagnostic)
                reading.unread.append("\(file.display) (\(diagnostic.reason.rawValue))")
            }
        }
        return out
    }

    /// A place nginx stops reading the configuration: a diagnostic, and a reason it does not start.
    private mutating func refuse(_ path: ScanPath, _ detail: String) {
        reading.refuse(path, detail, &diagnostics)
    }

    // MARK: - Tokens

    struct Token {
        enum Kind { case word, semicolon, open, close }
        var kind: Kind
        var text: String
        var line: Int
    }

    private mutating func tokenize(path: ScanPath, bytes: [UInt8]) -> [Token] {
        var tokens: [Token] = []
        var current: [UInt8] = []
        var currentLine = 0
        var inWord = false
        var quote: UInt8?
        var quoteLine = 0
        var tooLong = false

        func flush() {
            if inWord {
                tokens.append(Token(kind: .word, text: String(decoding: current, as: UTF8.self), line: currentLine))
            }
            current.removeAll(keepingCapacity: true)
            inWord = false
        }

        var skipped: [Int] = []
        defer { reading.unread += skipped.map { "\(path.display) line \($0) (over 64 KiB)" } }
        for (number, text) in ConfigText.lines(bytes, path: path, diagnostics: &diagnostics, skipped: &skipped) {
            var utf8 = Array(text.utf8)
            utf8.append(0x0A)
            var index = 0
            while index < utf8.count {
                let byte = utf8[index]
                index += 1
                if let open = quote {
                    if byte == 0x5C, index < utf8.count {  // backslash escape
                        current.append(utf8[index])
                        index += 1
                    } else if byte == open {
                        quote = nil
                    } else {
                        current.append(byte)
                    }
                    if current.count > ConfigText.maxLineBytes, !tooLong {
                        tooLong = true
                        diagnostics.append(
                            Diagnostic(
                                path: path, reason: .tooLarge, detail: "line \(quoteLine): quoted string over 64 KiB"))
                    }
                    continue
                }
                switch byte {
                case 0x20, 0x09, 0x0A, 0x0D:
                    flush()
                case 0x3B:
                    flush()
                    tokens.append(Token(kind: .semicolon, text: ";", line: number))
                case 0x7B:
                    flush()
                    tokens.append(Token(kind: .open, text: "{", line: number))
                case 0x7D:
                    flush()
                    tokens.append(Token(kind: .close, text: "}", line: number))
                case 0x23 where !inWord:
                    flush()
                    index = utf8.count  // comment to the end of the line
                case 0x22 where !inWord, 0x27 where !inWord:
                    inWord = true
                    currentLine = number
                    quote = byte
                    quoteLine = number
                default:
                    if !inWord {
                        inWord = true
                        currentLine = number
                    }
                    if byte == 0x5C, index < utf8.count, utf8[index] != 0x0A {
                        current.append(utf8[index])
                        index += 1
                    } else {
                        current.append(byte)
                    }
                }
            }
        }
        if quote != nil {
            refuse(path, "line \(quoteLine): quoted string never closed; the rest of the file is that string")
            current = []
            inWord = false
        }
        flush()
        return tokens
    }
}
