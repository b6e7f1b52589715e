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

    /// Postfix 3.6+ defaults (postconf(5), `proto/postconf.proto`) for the parameters the scanner reads.
    static let defaults: [String: String] = [
        "smtpd_tls_security_level": "", "smtp_tls_security_level": "",
        "smtpd_tls_protocols": ">=TLSv1", "smtpd_tls_mandatory_protocols": ">=TLSv1",
        "smtp_tls_protocols": ">=TLSv1", "smtp_tls_mandatory_protocols": ">=TLSv1",
        "smtpd_tls_ciphers": "medium", "smtpd_tls_mandatory_ciphers": "medium",
        "smtp_tls_ciphers": "medium", "smtp_tls_mandatory_ciphers": "medium",
        "smtpd_tls_exclude_ciphers": "", "smtpd_tls_mandatory_exclude_ciphers": "",
        "smtp_tls_exclude_ciphers": "", "smtp_tls_mandatory_exclude_ciphers": "",
        "tls_high_cipherlist": "aNULL:-aNULL:HIGH:@STRENGTH",
        "tls_medium_cipherlist": "aNULL:-aNULL:HIGH:MEDIUM:+RC4:@STRENGTH",
        "tls_low_cipherlist": "aNULL:-aNULL:HIGH:MEDIUM:LOW:+RC4:@STRENGTH",
        "tls_export_cipherlist": "aNULL:-aNULL:HIGH:MEDIUM:LOW:EXPORT:+RC4:@STRENGTH",
        "tls_null_cipherlist": "eNULL:!aNULL",
        "tls_eecdh_auto_curves": "X25519 X448 prime256v1 secp384r1 secp521r1",
        "tls_ffdhe_auto_groups": "ffdhe2048 ffdhe3072",
        "smtpd_tls_dh1024_param_file": "",
        "config_directory": "/etc/postfix",
    ]

    init() {}

    /// Sets a parameter; a later setting of the same name replaces the earlier one (postconf(5)).
    mutating func set(_ name: String, _ text: String, path: ScanPath, line: Int) {
        values[name] = Value(text: text, path: path, line: line)
    }

    func isSet(_ name: String) -> Bool { values[name] != nil }

    /// The raw text: set, else the default, else "".
    func raw(_ name: String) -> String { values[name]?.text ?? Self.defaults[name] ?? "" }

    /// The value with `$name`, `${name}`, `$(name)`, `${name?text}` and `${name:text}` expanded.
    func expanded(_ name: String) -> String { expand(raw(name), depth: 0) }

    func expand(_ text: String, depth: Int) -> String {
        guard depth < 16 else { return "" }  // a loop ($a = $a) or absurd nesting: Postfix refuses it too
        guard text.contains("$") else { return text }
        var result = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            guard character == "$" else {
                result.append(character)
                index = text.index(after: index)
                continue
            }
            var next = text.index(after: index)
            guard next < text.endIndex else {
                result.append("$")
                break
            }
            if text[next] == "$" {
                result.append("$")
                index = text.index(after: next)
                continue
            }
            if text[next] == "{" || text[next] == "(" {
                let close: Character = text[next] == "{" ? "}" : ")"
                guard let end = text[next...].firstIndex(of: close) else {
                    result.append(contentsOf: text[index...])
                    break
                }
                let inner = String(text[text.index(after: next)..<end])
                index = text.index(after: end)
                if let mark = inner.firstIndex(where: { $0 == "?" || $0 == ":" }) {
                    let name = String(inner[inner.startIndex..<mark])
                    let alternative = String(inner[inner.index(after: mark)...])
                    let present = !expand(raw(name), depth: depth + 1).isEmpty
                    if (inner[mark] == "?") == present { result += expand(alternative, depth: depth + 1) }
                } else {
                    result += expand(raw(inner), depth: depth + 1)
                }
                continue
            }
            let nameEnd = text[next...].firstIndex { !($0.isLetter || $0.isNumber || $0 == "_") } ?? text.endIndex
            let name = String(text[next..<nameEnd])
            if name.isEmpty {
                result.append("$")
            } else {
                result += expand(raw(name), depth: depth + 1)
            }
            next = nameEnd
            index = next
        }
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
