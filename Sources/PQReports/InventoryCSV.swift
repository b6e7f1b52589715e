import PQModel

/// Findings as RFC 4180 CSV, one row per finding, columns in the JSON contract's order, then `aliases`: the
/// other paths (links inside the tree) that name the finding's file, separated by `;`.
public enum InventoryCSV {
    public static let columns = Finding.CodingKeys.allCases.map(\.stringValue) + ["aliases"]

    public static func render(_ findings: [Finding], aliases: [PathAlias] = []) -> String {
        var out = header
        var names: [ScanPath: String] = [:]
        for finding in findings { out += row(finding, aliases: aliasNames(finding.path, aliases, cache: &names)) }
        return out
    }

    /// The bytes of `render`, written a row at a time as the findings come (in the order given).
    public static func write(_ findings: ReportFindings, aliases: [PathAlias] = [], to output: ReportOutput) throws {
        try output.write(header)
        // Findings come path by path: the last path's alias names are all the cache needs.
        var last: (path: ScanPath, names: String)?
        try findings.walk { finding in
            if last?.path != finding.path {
                var none: [ScanPath: String] = [:]
                last = (finding.path, aliasNames(finding.path, aliases, cache: &none))
            }
            try output.write(row(finding, aliases: last?.names ?? ""))
        }
    }

    static var header: String { columns.joined(separator: ",") + "\r\n" }

    static func row(_ finding: Finding, aliases: String) -> String {
        let fields: [String?] = [
            finding.path.display, finding.line.map(String.init), finding.source.rawValue, finding.setting,
            finding.usage.rawValue, finding.algorithm, finding.canonical, finding.oid,
            finding.keyBits.map(String.init), finding.curve, finding.quantumStatus.rawValue, finding.context,
            finding.effective ? "true" : "false", finding.origin.rawValue, finding.asset, finding.note, aliases,
        ]
        return fields.map { escape($0 ?? "") }.joined(separator: ",") + "\r\n"
    }

    static func aliasNames(_ path: ScanPath, _ aliases: [PathAlias], cache: inout [ScanPath: String]) -> String {
        guard !aliases.isEmpty else { return "" }
        if let known = cache[path] { return known }
        let text = PathAlias.names(of: path, in: aliases).map(\.display).joined(separator: ";")
        cache[path] = text
        return text
    }

    /// Quotes a field when it holds a comma, quote or line break; and defuses spreadsheet formulas (a leading `=`,
    /// `+`, `-`, `@`, tab or CR, OWASP's list), because file names and subjects come from the scanned tree.
    ///
    /// Tests are on Unicode scalars, not `Character`s: `"\r\n"` is one `Character` that equals neither `"\r"` nor
    /// `"\n"`, so a CR LF in a file name slipped through unquoted and started a new row.
    static func escape(_ field: String) -> String {
        var value = field
        if let first = value.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { value = "'" + value }
        guard value.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else {
            return value
        }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
