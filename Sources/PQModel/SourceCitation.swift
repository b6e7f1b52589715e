import Foundation

/// What a reader is shown of a fact's source: the public citation alone.
///
/// The catalog and policy data keep, beside each citation, the project's own notes on how the fact was checked
/// (a verification mark ✅ ◐ ❓ and the section of the reference notes that records it). Those notes are for the
/// maintainers who keep the data true; a report an auditor signs cites the public document (title, section, RFC,
/// date) and never an internal file, so every source shown to a reader passes through `citation(_:)`.
public enum SourceCitation {
    static let marks: Set<Character> = ["✅", "◐", "❓"]

    /// The public citation of `raw`. Dropped: parentheses that are notes on checking (they name the reference
    /// notes, or say "from memory", "not re-read", "secondary"), clauses that state such a note or an open question
    /// (❓), and the bare marks. A parenthesis naming the reference notes with the public source inside,
    /// "standards.md §4.1 (IANA TLS Supported Groups)", keeps the public source.
    public static func citation(_ raw: String) -> String {
        let section = #"standards\.md\s*§[0-9A-Za-z.]+(?:\s*,\s*§[0-9A-Za-z.]+)*"#
        let text = raw.replacingOccurrences(
            of: section + #"\s*\(([^()]*)\)"#, with: "$1", options: .regularExpression)
        var kept = ""
        var clause = ""
        var clauseIsNote = false
        var group = ""
        var depth = 0
        func endClause(_ separator: String) {
            if !clauseIsNote { kept += clause + separator }
            clause = ""
            clauseIsNote = false
        }
        var characters = Array(text)
        characters.append(" ")
        var index = 0
        while index < characters.count - 1 {
            let character = characters[index]
            defer { index += 1 }
            if depth > 0 {
                group.append(character)
                if character == "(" { depth += 1 }
                if character == ")" {
                    depth -= 1
                    if depth == 0 {
                        clause += publicPart(of: group)
                        group = ""
                    }
                }
                continue
            }
            if character == "(" {
                depth = 1
                group = "("
            } else if (character == ";" || character == ".") && characters[index + 1] == " " {
                if isNote(clause) { clauseIsNote = true }
                endClause(String(character))
            } else if character == "❓" {
                clauseIsNote = true
            } else if !marks.contains(character) {
                clause.append(character)
            }
        }
        if depth > 0, !isNote(group) { clause += group }
        if isNote(clause) { clauseIsNote = true }
        endClause("")
        return tidy(kept.replacingOccurrences(of: section, with: "", options: .regularExpression))
    }

    /// A parenthesis without the notes in it: "(RFC 9151, Apr 2022, ✅ standards.md §7b)" → "(RFC 9151, Apr 2022)";
    /// nothing when every part is a note.
    static func publicPart(of group: String) -> String {
        guard isNote(group) else { return String(group.filter { !marks.contains($0) }) }
        let inner = group.dropFirst().dropLast()
        guard !inner.contains("(") else { return "" }
        var parts: [String] = []
        var current = ""
        for character in inner {
            if character == "," || character == ";" {
                parts.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        parts.append(current)
        let kept = parts.filter { !isNote($0) }.map { $0.filter { !marks.contains($0) } }
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return kept.isEmpty ? "" : "(" + kept.joined(separator: ", ") + ")"
    }

    /// True when the text is one of the project's own notes on how a fact was checked.
    static func isNote(_ text: String) -> Bool {
        ["standards.md", "from memory", "not re-read", "not read", "secondary", "first of the month"].contains {
            text.contains($0)
        }
    }

    /// True when the text still carries a note or a mark: what `citation(_:)` never returns.
    public static func isInternal(_ text: String) -> Bool {
        isNote(text) || text.contains(where: marks.contains)
    }

    private static func tidy(_ text: String) -> String {
        var result = text
        let pairs = [
            ("  ", " "), (" ;", ";"), (" ,", ","), (" .", "."), (" )", ")"), ("( ", "("), (";;", ";"), ("()", ""),
            (" :", ":"),
            (",;", ";"), (";,", ";"),
        ]
        for (from, to) in pairs {
            while result.contains(from) { result = result.replacingOccurrences(of: from, with: to) }
        }
        let separators: Set<Character> = [";", ",", "—", ":", " "]
        while let last = result.last, separators.contains(last) { result.removeLast() }
        while let first = result.first, separators.contains(first) { result.removeFirst() }
        return result
    }
}
