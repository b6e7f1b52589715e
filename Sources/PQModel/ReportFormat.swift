/// The formats `pqscout report --format` writes (Docs/reports.md).
public enum ReportFormat: String, Sendable, CaseIterable, Codable {
    case cbom, sarif, html, md, csv, json

    /// The usual file name extension for `--output` suggestions and the docs.
    public var fileExtension: String {
        switch self {
        case .cbom: "cdx.json"
        case .sarif: "sarif"
        case .html: "html"
        case .md: "md"
        case .csv: "csv"
        case .json: "json"
        }
    }
}

/// The CycloneDX specification version a CBOM is written to (`report --format cbom --spec`).
public enum CBOMSpecVersion: String, Sendable, CaseIterable, Codable {
    case v1_6 = "1.6"
    case v1_7 = "1.7"
}
