import Foundation
import PQModel

/// `--format csv`: every finding with every contract field (`InventoryCSV`: RFC 4180, formulas defused).
public struct CSVReportRenderer: ReportRenderer {
    public var format: ReportFormat { .csv }

    public init() {}

    public func render(_ input: ReportInput, context: RenderContext) throws -> Data {
        try ReportOutput.collect { try write(input, context: context, to: $0) }
    }

    public func streams(assessed: Bool) -> Bool { true }

    /// One row per finding, written as it comes from `orderedFindings`.
    public func write(_ input: ReportInput, context: RenderContext, to output: ReportOutput) throws {
        try InventoryCSV.write(input.orderedFindings, aliases: input.aliases, to: output)
    }
}

/// `--format json`: the inventory document of Docs/json-output.md.
public struct JSONReportRenderer: ReportRenderer {
    public var format: ReportFormat { .json }

    public init() {}

    public func render(_ input: ReportInput, context: RenderContext) throws -> Data {
        try ReportOutput.collect { try write(input, context: context, to: $0) }
    }

    public func streams(assessed: Bool) -> Bool { true }

    /// The document of `InventoryJSON.render`, written as the findings come from `orderedFindings`
    /// (`InventoryJSON.stream`).
    public func write(_ input: ReportInput, context: RenderContext, to output: ReportOutput) throws {
        // By path, then detail: one path's at a time.
        let diagnostics: ((Diagnostic) throws -> Void) throws -> Void = { body in
            try input.orderedDiagnostics.walkByPath { group in
                let sorted = group.enumerated().sorted {
                    ($0.element.detail, $0.offset) < ($1.element.detail, $1.offset)
                }
                for (_, diagnostic) in sorted { try body(diagnostic) }
            }
        }
        try InventoryJSON.stream(scan: input.scan, diagnostics: diagnostics, write: output.write) { body in
            try input.orderedFindings.walk(body)
        }
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
