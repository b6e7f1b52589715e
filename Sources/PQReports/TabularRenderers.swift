import Foundation
import PQModel

/// `--format csv`: every finding with every contract field (`InventoryCSV`: RFC 4180, formulas defused).
public struct CSVReportRenderer: ReportRenderer {
    public var format: ReportFormat { .csv }

    public init() {}

    public func render(_ input: ReportInput, context: RenderContext) throws -> Data {
        Data(InventoryCSV.render(input.sortedFindings, aliases: input.aliases).utf8)
    }
}

/// `--format json`: the inventory document of Docs/json-output.md.
public struct JSONReportRenderer: ReportRenderer {
    public var format: ReportFormat { .json }

    public init() {}

    public func render(_ input: ReportInput, context: RenderContext) throws -> Data {
        let document = InventoryDocument(
            scan: input.scan, findings: input.sortedFindings,
            diagnostics: input.diagnostics.sorted { $0.path != $1.path ? $0.path < $1.path : $0.detail < $1.detail })
        return Data(try InventoryJSON.render(document).utf8)
    }
}

/// The renderer for a format, with the options the command line offers.
public enum Reports {
    public static func renderer(_ format: ReportFormat, cbomSpec: CBOMSpecVersion = .v1_6) -> any ReportRenderer {
        switch format {
        case .cbom: CycloneDXRenderer(spec: cbomSpec)
        case .sarif: SARIFRenderer()
        case .html: HTMLRenderer()
        case .md: MarkdownRenderer()
        case .csv: CSVReportRenderer()
        case .json: JSONReportRenderer()
        }
    }
}
