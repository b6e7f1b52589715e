/// One edit of a text file by lines: remove `removeCount` lines starting at the 0-based `start`, put `insert`
/// there. `start == lineCount` appends.
public struct LineEdit: Sendable, Hashable {
    public var start: Int
    public var removeCount: Int
    public var insert: [String]

    public init(start: Int, removeCount: Int = 0, insert: [String] = []) {
        self.start = start
        self.removeCount = removeCount
        self.insert = insert
    }
}

/// A text file split into lines, as the planner edits it: bytes in, unified diff out (the `diff -u` format that
/// `patch -p1` reads: POSIX `diff`, GNU diffutils manual "Unified Format").
public struct TextFileLines: Sendable, Hashable {
    /// The lines without their `\n` (a `\r` of a CRLF file stays on the line, so edits keep the file's endings).
    public var lines: [String]
    public var endsWithNewline: Bool

    /// nil for bytes that are not UTF-8 text (or hold NUL): the planner never patches binary files.
    public init?(bytes: [UInt8]) {
        guard !bytes.contains(0), let text = String(validating: bytes, as: UTF8.self) else { return nil }
        var parts = Self.splitLines(text)
        endsWithNewline = bytes.isEmpty || bytes.last == UInt8(ascii: "\n")
        if endsWithNewline, !parts.isEmpty { parts.removeLast() }
        lines = parts
    }

    /// Splits on `\n` bytes. (Swift compares Characters, and `\r\n` is one Character, so `split(separator: "\n")`
    /// would leave a CRLF file in one piece.) A `\r` stays at the end of its line.
    public static func splitLines(_ text: String) -> [String] {
        text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map {
            String(decoding: $0, as: UTF8.self)
        }
    }

    public init(lines: [String], endsWithNewline: Bool = true) {
        self.lines = lines
        self.endsWithNewline = endsWithNewline
    }

    /// True when the file's lines end in CRLF: new lines then end in `\r` too.
    public var usesCRLF: Bool { lines.first?.hasSuffix("\r") == true }

    /// The file after the edits (sorted by start; overlapping edits are dropped, later ones losing).
    public func applying(_ edits: [LineEdit]) -> TextFileLines {
        var out: [String] = []
        var cursor = 0
        for edit in Self.normalized(edits, lineCount: lines.count) {
            out += lines[cursor..<edit.start]
            out += edit.insert
            cursor = edit.start + edit.removeCount
        }
        out += lines[cursor...]
        return TextFileLines(lines: out, endsWithNewline: endsWithNewline || out.count > lines.count)
    }

    /// The unified diff from this file to the file after `edits`, with three lines of context; nil when the
    /// edits change nothing.
    public func unifiedDiff(path: String, edits: [LineEdit], context: Int = 3) -> String? {
        var edits = Self.normalized(edits, lineCount: lines.count)
        // An append to a file without a final newline rewrites its last line, which gains one.
        if !endsWithNewline, !lines.isEmpty, let last = edits.last, last.start == lines.count {
            edits[edits.count - 1] = LineEdit(
                start: lines.count - 1, removeCount: 1, insert: [lines[lines.count - 1]] + last.insert)
        }
        // An edit that writes back the lines it removes is no change: a patch is never a no-op.
        edits = edits.filter { edit in
            (edit.removeCount > 0 || !edit.insert.isEmpty)
                && Array(lines[edit.start..<(edit.start + edit.removeCount)]) != edit.insert
        }
        guard !edits.isEmpty else { return nil }
        var groups: [[LineEdit]] = []
        for edit in edits {
            if let previous = groups.last?.last, edit.start - (previous.start + previous.removeCount) <= 2 * context {
                groups[groups.count - 1].append(edit)
            } else {
                groups.append([edit])
            }
        }
        let newEndsWithNewline = endsWithNewline || edits.contains { $0.start + $0.removeCount >= lines.count }
        let newCount = applying(edits).lines.count
        var text = "--- \(Self.headerName("a/" + path))\n+++ \(Self.headerName("b/" + path))\n"
        var delta = 0
        for group in groups {
            guard let first = group.first, let last = group.last else { continue }
            let from = max(0, first.start - context)
            let to = min(lines.count, last.start + last.removeCount + context)
            var body: [String] = []
            var oldLength = 0
            var newLength = 0
            var cursor = from
            let deltaBefore = delta
            var newIndex = from + delta
            func line(_ mark: Character, _ value: String, oldIndex: Int?, newIndex: Int?) {
                body.append(String(mark) + value)
                let oldLast = oldIndex.map { $0 == lines.count - 1 && !endsWithNewline } ?? false
                let newLast = newIndex.map { $0 == newCount - 1 && !newEndsWithNewline } ?? false
                if oldLast || newLast { body.append("\\ No newline at end of file") }
            }
            for edit in group {
                while cursor < edit.start {
                    line(" ", lines[cursor], oldIndex: cursor, newIndex: newIndex)
                    cursor += 1
                    newIndex += 1
                    oldLength += 1
                    newLength += 1
                }
                for index in edit.start..<(edit.start + edit.removeCount) {
                    line("-", lines[index], oldIndex: index, newIndex: nil)
                    oldLength += 1
                }
                for value in edit.insert {
                    line("+", value, oldIndex: nil, newIndex: newIndex)
                    newIndex += 1
                    newLength += 1
                }
                cursor = edit.start + edit.removeCount
                delta += edit.insert.count - edit.removeCount
            }
            while cursor < to {
                line(" ", lines[cursor], oldIndex: cursor, newIndex: newIndex)
                cursor += 1
                newIndex += 1
                oldLength += 1
                newLength += 1
            }
            let oldStart = oldLength == 0 ? from : from + 1
            let newFrom = from + deltaBefore
            let newStart = newLength == 0 ? newFrom : newFrom + 1
            text += "@@ -\(oldStart),\(oldLength) +\(newStart),\(newLength) @@\n"
            text += body.map { $0 + "\n" }.joined()
        }
        return text
    }

    /// A file name for a `---`/`+++` header. A name with a blank, a quote, a backslash or a control character
    /// is written in the C-quoted form GNU diff writes and GNU patch reads (`"a/x\ty"`; GNU diffutils manual,
    /// "Unified Format"): unquoted, `patch -p1` would cut the name at the blank and patch the wrong file or none.
    public static func headerName(_ name: String) -> String {
        let needsQuotes = name.unicodeScalars.contains {
            $0 == " " || $0 == "\"" || $0 == "\\" || $0.value < 0x20 || $0.value == 0x7F
        }
        guard needsQuotes else { return name }
        var out = "\""
        for scalar in name.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let octal = String(scalar.value, radix: 8)
                out += "\\" + String(repeating: "0", count: 3 - octal.count) + octal
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// Edits sorted by start, in range, without overlaps.
    static func normalized(_ edits: [LineEdit], lineCount: Int) -> [LineEdit] {
        var out: [LineEdit] = []
        var end = 0
        for edit in edits.sorted(by: { ($0.start, $0.removeCount) < ($1.start, $1.removeCount) }) {
            guard edit.start >= end, edit.start <= lineCount, edit.removeCount >= 0,
                edit.start + edit.removeCount <= lineCount
            else { continue }
            out.append(edit)
            end = edit.start + edit.removeCount
            if edit.removeCount == 0 { end = edit.start }
        }
        return out
    }
}
