/// Files of `NAME=value` lines read by a program, not run by a shell: systemd's environment files
/// (systemd.exec(5), `EnvironmentFile=`) and os-release (os-release(5)), which follows the same rules. Comments start
/// with `#` or `;`; a value may be quoted, single quotes keeping everything and double quotes taking `\"` and `\\`;
/// a trailing backslash continues a line; the last assignment of a name counts.
enum KeyValueFile {
    /// The file's assignments with their line numbers; the last of a name counts.
    static func assignments(_ bytes: [UInt8]) -> [String: (value: String, line: Int)] {
        var assignments: [String: (value: String, line: Int)] = [:]
        for (index, raw) in lines(bytes).enumerated() {
            var text = raw.trimmingWhitespace()
            if text.hasPrefix("export ") { text = String(text.dropFirst(7)).trimmingWhitespace() }
            guard !text.hasPrefix("#"), !text.hasPrefix(";"), let equals = text.firstIndex(of: "=") else { continue }
            let name = text[..<equals].trimmingWhitespace()
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { continue }
            let value = text[text.index(after: equals)...].trimmingWhitespace()
            assignments[name] = (unquoted(value), index + 1)
        }
        return assignments
    }

    /// A value without its quotes: single quotes keep everything, double quotes take `\"` and `\\`.
    static func unquoted(_ value: String) -> String {
        guard let first = value.first, first == "'" || first == "\"", value.count >= 2, value.last == first else {
            return value
        }
        let inner = value.dropFirst().dropLast()
        guard first == "\"" else { return String(inner) }
        var out = ""
        var escaped = false
        for character in inner {
            if escaped {
                out.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                out.append(character)
            }
        }
        return out
    }

    /// Lines of a unit, environment or os-release file, a trailing backslash joining the next (systemd's continuation).
    static func lines(_ bytes: [UInt8]) -> [String] {
        var out: [String] = []
        var pending = ""
        for raw in bytes.prefix(1 << 20).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            var line = String(decoding: raw, as: UTF8.self)
            if line.hasSuffix("\r") { line.removeLast() }
            if line.hasSuffix("\\") {
                pending += line.dropLast() + " "
                out.append("")
                continue
            }
            out.append(pending + line)
            pending = ""
        }
        return out
    }
}
