import PQModel

/// Patch generation as pure functions over the scanned file's bytes: each returns the unified diff (paths
/// relative to the scan root, for `patch -p1`) or the reason there is none.
public enum PlanPatcher {
    /// The text of a 1-based line of a scanned file, without its newline.
    public static func lineText(path: ScanPath, line: Int, files: any PlanFileSource) -> String? {
        guard let bytes = files.bytes(of: path), let text = TextFileLines(bytes: bytes), line >= 1,
            line <= text.lines.count
        else { return nil }
        return text.lines[line - 1]
    }

    /// Replaces the value of the directive on `line`, keeping indentation, keyword spelling, separator and
    /// trailer. `terminator` ends the value (`;` in nginx).
    public static func replaceValue(
        path: ScanPath, line: Int, keyword: String, value: String, terminator: Character? = nil,
        files: any PlanFileSource
    ) -> (PlanPatch?, String?) {
        guard let bytes = files.bytes(of: path) else { return (nil, "\(path.display) could not be read back") }
        guard let text = TextFileLines(bytes: bytes) else { return (nil, "\(path.display) is not UTF-8 text") }
        guard line >= 1, line <= text.lines.count,
            let parsed = ConfigDirectiveLine(text.lines[line - 1], keyword: keyword, terminator: terminator)
        else { return (nil, "\(path.display):\(line) no longer holds \(keyword): re-scan") }
        let edit = LineEdit(start: line - 1, removeCount: 1, insert: [parsed.with(value: value)])
        guard let diff = text.unifiedDiff(path: path.display, edits: [edit]) else {
            return (nil, "the line already reads so")
        }
        return (PlanPatch(path: path.display, diff: diff), nil)
    }

    /// Deletes `line` (a `+name` line left empty by a removal).
    public static func deleteLine(path: ScanPath, line: Int, files: any PlanFileSource) -> (PlanPatch?, String?) {
        guard let bytes = files.bytes(of: path), let text = TextFileLines(bytes: bytes) else {
            return (nil, "\(path.display) could not be read back as text")
        }
        guard line >= 1, line <= text.lines.count,
            let diff = text.unifiedDiff(path: path.display, edits: [LineEdit(start: line - 1, removeCount: 1)])
        else { return (nil, "\(path.display):\(line) is out of range: re-scan") }
        return (PlanPatch(path: path.display, diff: diff), nil)
    }

    /// The comment the planner puts above a line it adds, so a reader of the file knows where it came from.
    public static let addedComment = "# Added by the post-quantum migration plan (pqscout plan): hybrid first"

    /// Adds an OpenSSH directive where it takes effect: sshd_config before the first `Include`, `Match` or
    /// directive after the opening comments (sshd keeps the first value it reads); ssh_config at the end of a
    /// final `Host *` block, or a new `Host *` block (ssh keeps the first value, so host-specific blocks above
    /// still win).
    public static func insertOpenSSH(path: ScanPath, server: Bool, directive: String, files: any PlanFileSource)
        -> (PlanPatch?, String?)
    {
        guard let bytes = files.bytes(of: path) else { return (nil, "\(path.display) could not be read back") }
        guard let text = TextFileLines(bytes: bytes) else { return (nil, "\(path.display) is not UTF-8 text") }
        let cr = text.usesCRLF ? "\r" : ""
        var edit: LineEdit
        if server {
            var index = 0
            while index < text.lines.count {
                let trimmed = text.lines[index].trimmingCharacters()
                guard trimmed.isEmpty || trimmed.hasPrefix("#") else { break }
                index += 1
            }
            edit = LineEdit(start: index, insert: [addedComment + cr, directive + cr, cr])
        } else {
            var lastHost: Int?
            for (index, line) in text.lines.enumerated() {
                let words = line.trimmingCharacters().split(whereSeparator: { $0 == " " || $0 == "\t" })
                if let first = words.first, first.lowercased() == "host" || first.lowercased() == "match" {
                    lastHost = words.count == 2 && words[1] == "*" && first.lowercased() == "host" ? index : nil
                }
            }
            if let host = lastHost {
                let indent =
                    text.lines[(host + 1)...].first { !$0.trimmingCharacters().isEmpty }
                    .map { String($0.prefix { $0 == " " || $0 == "\t" }) } ?? "    "
                var end = text.lines.count
                while end > host + 1, text.lines[end - 1].trimmingCharacters().isEmpty { end -= 1 }
                edit = LineEdit(start: end, insert: [indent + addedComment + cr, indent + directive + cr])
            } else {
                edit = LineEdit(
                    start: text.lines.count,
                    insert: [cr, "Host *" + cr, "    " + addedComment + cr, "    " + directive + cr])
            }
        }
        guard let diff = text.unifiedDiff(path: path.display, edits: [edit]) else { return (nil, "nothing to add") }
        return (PlanPatch(path: path.display, diff: diff), nil)
    }
}

extension String {
    /// Without leading and trailing blanks (spaces, tabs, `\r`).
    func trimmingCharacters() -> String {
        let blanks: Set<Character> = [" ", "\t", "\r"]
        guard let start = firstIndex(where: { !blanks.contains($0) }),
            let end = lastIndex(where: { !blanks.contains($0) })
        else { return "" }
        return String(self[start...end])
    }
}

extension PlanPatcher {
    /// The edits a diff made by `TextFileLines.unifiedDiff` describes, against the original file.
    public static func edits(of diff: String) -> [LineEdit] {
        var edits: [LineEdit] = []
        var oldIndex = 0
        var current: LineEdit?
        func flush() {
            if let edit = current { edits.append(edit) }
            current = nil
        }
        for line in TextFileLines.splitLines(diff) {
            if line.hasPrefix("@@ ") {
                flush()
                let old = line.dropFirst(4).prefix { $0 != " " }
                let parts = old.split(separator: ",")
                let start = parts.first.flatMap { Int($0) } ?? 1
                let count = parts.count > 1 ? Int(parts[1]) ?? 0 : 1
                oldIndex = count == 0 ? start : max(0, start - 1)
            } else if line.hasPrefix("--- ") || line.hasPrefix("+++ ") || line.hasPrefix("\\") {
                continue
            } else if line.hasPrefix("-") {
                if current == nil { current = LineEdit(start: oldIndex) }
                current?.removeCount += 1
                oldIndex += 1
            } else if line.hasPrefix("+") {
                if current == nil { current = LineEdit(start: oldIndex) }
                current?.insert.append(String(line.dropFirst()))
            } else if line.hasPrefix(" ") {
                flush()
                oldIndex += 1
            }
        }
        flush()
        return edits
    }

    /// One diff per file combining every action's patch for it (each was made against the scanned file), so
    /// `patch -p1 < all.patch` applies the whole plan at once. Edits that overlap keep the first action's.
    /// - Returns: the combined patches, and the ids of actions whose edits collided with an earlier action's.
    public static func combine(_ actions: [PlanAction], files: any PlanFileSource) -> (
        patches: [PlanPatch], collisions: [String]
    ) {
        var order: [String] = []
        var byPath: [String: [(id: String, edits: [LineEdit])]] = [:]
        for action in actions {
            guard let patch = action.patch else { continue }
            if byPath[patch.path] == nil { order.append(patch.path) }
            byPath[patch.path, default: []].append((action.id, edits(of: patch.diff)))
        }
        var patches: [PlanPatch] = []
        var collisions: [String] = []
        for path in order {
            guard let entries = byPath[path], let bytes = files.bytes(of: ScanPath(path)),
                let text = TextFileLines(bytes: bytes)
            else { continue }
            var taken: [LineEdit] = []
            for entry in entries {
                let clashes = entry.edits.contains { edit in
                    taken.contains { other in
                        let a = edit.start..<(edit.start + max(edit.removeCount, 1))
                        let b = other.start..<(other.start + max(other.removeCount, 1))
                        return a.overlaps(b) || (edit.start == other.start)
                    }
                }
                if clashes { collisions.append(entry.id) } else { taken += entry.edits }
            }
            if let diff = text.unifiedDiff(path: path, edits: taken) {
                patches.append(PlanPatch(path: path, diff: diff))
            }
        }
        return (patches, collisions)
    }
}
