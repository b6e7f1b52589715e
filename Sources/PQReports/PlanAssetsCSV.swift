import PQModel

/// The list of a merged plan action's assets as RFC 4180 CSV (`plan-assets/<name>.csv`): one row per asset, so a
/// team can split 20,000 certificate re-issues among themselves in a spreadsheet. Fields go through the inventory's
/// escaper: subjects and paths come from the scanned tree and may hold commas, quotes, line breaks or formulas.
public enum PlanAssetsCSV {
    public static let columns = [
        "action", "asset", "now", "expires", "due", "findings", "path", "line", "context", "other places",
    ]

    /// The header line, CRLF included.
    public static var header: String { columns.joined(separator: ",") + "\r\n" }

    public static func render(_ list: PlanAssetList) -> String {
        var out = header
        for asset in list.assets ?? [] { out += row(asset) }
        return out
    }

    /// One asset's line, CRLF included.
    public static func row(_ asset: PlanAsset) -> String {
        let first = asset.locations.first
        let fields: [String] = [
            asset.action, asset.name, asset.current, asset.expires?.description ?? "",
            asset.deadline?.description ?? "", String(asset.findings), first?.path ?? "",
            first?.line.map(String.init) ?? "", first?.context ?? "",
            asset.locations.dropFirst().map(\.label).joined(separator: ";"),
        ]
        return fields.map(InventoryCSV.escape).joined(separator: ",") + "\r\n"
    }

    /// A file name for an action's list, made from its id: lower-case ASCII letters and digits, every other run
    /// of characters one `-`, at most 80 of them, then `.csv`; `-2`, `-3`, ... when the name is taken. Nothing of
    /// a scanned name can add a path separator, a dot-dot, a control character or a leading dash.
    public static func fileName(for actionID: String, taken: inout Set<String>) -> String {
        var stem = ""
        for scalar in actionID.unicodeScalars {
            if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                stem.unicodeScalars.append(Unicode.Scalar(UInt8(scalar.value)).lowercasedASCII)
            } else if !stem.isEmpty, !stem.hasSuffix("-") {
                stem += "-"
            }
        }
        while stem.hasSuffix("-") { stem.removeLast() }
        stem = String(stem.prefix(80))
        while stem.hasSuffix("-") { stem.removeLast() }
        if stem.isEmpty { stem = "assets" }
        var name = stem + ".csv"
        var number = 2
        while taken.contains(name) {
            name = "\(stem)-\(number).csv"
            number += 1
        }
        taken.insert(name)
        return name
    }
}

extension Unicode.Scalar {
    fileprivate var lowercasedASCII: Unicode.Scalar {
        ("A"..."Z").contains(self) ? Unicode.Scalar(value + 32) ?? self : self
    }
}
