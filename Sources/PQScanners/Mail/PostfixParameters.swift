import PQModel

/// Postfix parameters as `main.cf` (postconf(5)) and `master.cf` `-o` overrides set them, with `$name`
/// expansion and Postfix's defaults for what is unset.
struct PostfixParameters {
    struct Value {
        var text: String
        var path: ScanPath
        var line: Int
    }

    private(set) var values: [String: Value] = [:]

    /// The Postfix release that reads the file, and its built-in values (`PostfixDefaults`).
    let release: OpenSSLVersion
    let defaults: [String: String]

    /// - Parameter openssl: the OpenSSL it is built with (the one in force).
    init(release: OpenSSLVersion = PostfixDefaults.assumed, openssl: OpenSSLVersion = .assumed) {
        self.release = release
        defaults = PostfixDefaults.values(postfix: release, openssl: openssl)
    }

    /// Sets a parameter; a later setting of the same name replaces the earlier one (postconf(5)).
    mutating func set(_ name: String, _ text: String, path: ScanPath, line: Int) {
        values[name] = Value(text: text, path: path, line: line)
    }

    func isSet(_ name: String) -> Bool { values[name] != nil }

    /// The raw text: set, else the default, else "".
    func raw(_ name: String) -> String { values[name]?.text ?? defaults[name] ?? "" }

    /// Why Postfix cannot evaluate a parameter.
    enum ExpansionFailure: Error, Equatable {
        /// `$a` reaches `$a` again (the names in order, the repeated one last). Postfix's `mac_expand` recurses
        /// until its nesting limit and the daemon stops: `postconf -x` prints "unreasonable macro call nesting"
        /// and "fatal: macro processing error" (checked with Postfix 3.7's postconf).
        case loop([String])
        /// More than `maxNesting` nested references without a loop: the same fatal error in Postfix.
        case tooDeep
        /// The value grows past `maxExpansionWork` (references that double at each level): PQScout does not
        /// evaluate it (Docs/limits.md).
        case tooLarge

        var reason: String {
            switch self {
            case .loop(let names):
                return "$" + names.joined(separator: " → $")
                    + " is a loop: Postfix stops with \"fatal: macro processing error\""
            case .tooDeep:
                return "more than \(PostfixParameters.maxNesting) nested $name references: Postfix stops with "
                    + "\"fatal: macro processing error\""
            case .tooLarge:
                return "the $name references expand past \(PostfixParameters.maxExpansionWork) characters; "
                    + "PQScout does not evaluate it (Docs/limits.md)"
            }
        }
    }

    /// Postfix's own limit on nested macro calls (`mac_expand.c`: "unreasonable macro call nesting").
    static let maxNesting = 100
    /// The characters and references one evaluation may add through references (the parameter's own text is not
    /// counted); a real main.cf needs a few hundred. Without it a file of a few lines (`a = $b $b`, `b = $c $c`,
    /// ...) expands to gigabytes.
    static let maxExpansionWork = 65_536

    /// The value with `$name`, `${name}`, `$(name)`, `${name?text}` and `${name:text}` expanded; "" when Postfix
    /// could not evaluate it (`evaluate` says why; the scanner checks the parameters a daemon reads first).
    func expanded(_ name: String) -> String { (try? evaluate(name)) ?? "" }

    /// The value as the daemon evaluates it, or why Postfix stops instead.
    func evaluate(_ name: String) throws(ExpansionFailure) -> String {
        var stack = [name]
        var budget = Self.maxExpansionWork
        return try expand(raw(name), stack: &stack, budget: &budget)
    }

    private func expand(_ text: String, stack: inout [String], budget: inout Int) throws(ExpansionFailure) -> String {
        guard text.contains("$") else {
            if stack.count > 1 { budget -= text.count }
            guard budget >= 0 else { throw .tooLarge }
            return text
        }
        func reference(_ name: String) throws(ExpansionFailure) -> String {
            if let seen = stack.firstIndex(of: name) { throw .loop(Array(stack[seen...]) + [name]) }
            guard stack.count < Self.maxNesting else { throw .tooDeep }
            // Each reference costs one, so references that produce nothing are bounded too.
            budget -= 1
            guard budget >= 0 else { throw .tooLarge }
            stack.append(name)
            defer { stack.removeLast() }
            return try expand(raw(name), stack: &stack, budget: &budget)
        }
        var result = ""
        var literal = 0
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            guard character == "$" else {
                result.append(character)
                literal += 1
                index = text.index(after: index)
                continue
            }
            let next = text.index(after: index)
            guard next < text.endIndex else {
                result.append("$")
                break
            }
            if text[next] == "$" {
                result.append("$")
                literal += 1
                index = text.index(after: next)
                continue
            }
            if text[next] == "{" || text[next] == "(" {
                let close: Character = text[next] == "{" ? "}" : ")"
                guard let end = text[next...].firstIndex(of: close) else {
                    result.append(contentsOf: text[index...])
                    literal += text[index...].count
                    break
                }
                let inner = String(text[text.index(after: next)..<end])
                index = text.index(after: end)
                if let mark = inner.firstIndex(where: { $0 == "?" || $0 == ":" }) {
                    let name = String(inner[inner.startIndex..<mark])
                    let alternative = String(inner[inner.index(after: mark)...])
                    // Postfix tests the parameter's value as written, without expanding it (mac_expand's test
                    // mode): `d = ${d?yes}` is "yes", not a loop (postconf -x agrees).
                    let present = !raw(name).isEmpty
                    if (inner[mark] == "?") == present {
                        result += try expand(alternative, stack: &stack, budget: &budget)
                    }
                } else {
                    result += try reference(inner)
                }
                continue
            }
            let nameEnd = text[next...].firstIndex { !($0.isLetter || $0.isNumber || $0 == "_") } ?? text.endIndex
            let name = String(text[next..<nameEnd])
            if name.isEmpty {
                result.append("$")
            } else {
                result += try reference(name)
            }
            index = nameEnd
        }
        // Only this level's own text: what a reference produced was counted where it was written. The parameter's
        // own text is not counted (the file's line limit bounds it): only what references add can grow without end.
        if stack.count > 1 { budget -= literal }
        guard budget >= 0 else { throw .tooLarge }
        return result
    }

    /// Where a parameter's value comes from, for a finding.
    func place(_ name: String, context: String?, effective: Bool) -> ConfigFindings.Place {
        if let value = values[name] {
            return ConfigFindings.Place(path: value.path, line: value.line, context: context, effective: effective)
        }
        return ConfigFindings.Place(line: nil, context: context, effective: effective, origin: .default)
    }

    // MARK: - main.cf

    /// Reads `main.cf`: `name = value`, continuation lines start with white space, `#` comment lines.
    /// Returns the names set more than once, with the line of each earlier (ignored) setting.
    @discardableResult
    mutating func readMain(_ bytes: [UInt8], path: ScanPath, _ out: inout ConfigFindings) -> [(String, Int)] {
        var shadowed: [(String, Int)] = []
        for (line, text) in Self.logicalLines(bytes) {
            guard let equals = text.firstIndex(of: "=") else {
                out.problem("expected name = value", line: line, file: path)
                continue
            }
            let name = text[text.startIndex..<equals].trimmingWhitespace()
            guard !name.isEmpty, !name.contains(" ") else {
                out.problem("bad parameter name", line: line, file: path)
                continue
            }
            if let earlier = values[name] { shadowed.append((name, earlier.line)) }
            let value = text[text.index(after: equals)...].trimmingWhitespace()
            set(name, value, path: path, line: line)
        }
        return shadowed
    }

    /// Logical lines: a line starting with white space continues the previous one; `#` lines are comments.
    static func logicalLines(_ bytes: [UInt8]) -> [(Int, String)] {
        logicalLinesWithParts(bytes).map { ($0.line, $0.text) }
    }

    /// Logical lines with the physical lines they were joined from.
    static func logicalLinesWithParts(
        _ bytes: [UInt8]
    ) -> [(line: Int, text: String, parts: [(line: Int, text: String)])] {
        var lines: [(line: Int, text: String, parts: [(line: Int, text: String)])] = []
        for (number, raw) in ConfigLines.split(bytes) {
            let trimmed = ConfigLines.trim(raw)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            if let first = raw.first, first == " " || first == "\t", !lines.isEmpty {
                lines[lines.count - 1].text += " " + trimmed
                lines[lines.count - 1].parts.append((number, trimmed))
            } else {
                lines.append((number, trimmed, [(number, trimmed)]))
            }
        }
        return lines
    }
}
