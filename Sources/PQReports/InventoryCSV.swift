import PQModel

/// Findings as RFC 4180 CSV, one row per finding, columns in the JSON contract's order.
public enum InventoryCSV {
    public static let columns = Finding.CodingKeys.allCases.map(\.stringValue)

    public static func render(_ findings: [Finding]) -> String {
        var out = columns.joined(separator: ",") + "\r\n"
        for finding in findings {
            let fields: [String?] = [
                finding.path.display, finding.line.map(String.init), finding.source.rawValue, finding.setting,
                finding.usage.rawValue, finding.algorithm, finding.canonical, finding.oid,
                finding.keyBits.map(String.init), finding.curve, finding.quantumStatus.rawValue, finding.context,
                finding.effective ? "true" : "false", finding.origin.rawValue, finding.asset, finding.note,
            ]
            out += fields.map { escape($0 ?? "") }.joined(separator: ",") + "\r\n"
        }
        return out
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
