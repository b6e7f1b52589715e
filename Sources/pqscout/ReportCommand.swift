import ArgumentParser
import Foundation
import PQModel
import PQScoutKit

extension ReportFormat: ExpressibleByArgument {}
extension CBOMSpecVersion: ExpressibleByArgument {}

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a report of a scan: CycloneDX CBOM, SARIF, HTML, Markdown, CSV or JSON.",
        discussion: "Docs/reports.md describes each format and how the inventory maps onto CBOM and SARIF."
    )

    @OptionGroup var store: StoreOptions

    @Option(help: "Output format.")
    var format: ReportFormat = .html

    @Option(name: .shortAndLong, help: ArgumentHelp("Write to this file instead of stdout.", valueName: "file"))
    var output: String?

    @Option(help: ArgumentHelp("The scan to report (see `pqscout scans`); the latest by default.", valueName: "id"))
    var scan: Int64?

    @OptionGroup var host: HostOptions

    @Option(help: ArgumentHelp("CycloneDX specification version of a CBOM (default 1.6).", valueName: "1.6|1.7"))
    var spec: CBOMSpecVersion?

    @Flag(help: "Add the migration plan (as `pqscout plan` makes it) to the HTML and Markdown reports.")
    var plan = false

    @Flag(
        help: ArgumentHelp(
            "One table of every host's latest complete scan (files, findings, assets, assessment), and the fleet's "
                + "total (html, md or json)."))
    var fleet = false

    /// An option the chosen format would ignore is refused, so nobody believes it took effect.
    func validate() throws {
        if spec != nil, format != .cbom {
            throw ValidationError("--spec applies to --format cbom only, not \(format.rawValue)")
        }
        if fleet, scan != nil || host.host != nil || plan || spec != nil {
            throw ValidationError(
                "--fleet reports every host's latest scan; it takes no --scan, --host, --plan or --spec")
        }
        if fleet, !ReportUseCase.fleetFormats.contains(format) {
            throw ValidationError("--fleet writes --format html, md or json, not \(format.rawValue)")
        }
        if plan, format != .html, format != .md {
            throw ValidationError("--plan applies to --format html and md only, not \(format.rawValue)")
        }
    }

    func run() throws {
        do {
            if fleet {
                try write(try ReportUseCase.renderFleet(storePath: store.path, format: format))
                return
            }
            let scan = try host.scan(scan, storePath: store.path)
            let shown = try InventoryUseCase.shownScan(storePath: store.path, requested: scan)
            let request = ReportRequest(
                storePath: store.path, scanID: scan, format: format, cbomSpec: spec ?? .v1_6, includePlan: plan)
            // Written as it is made: a CBOM of 1.78 million findings is never one value in memory.
            if let output {
                try ReportUseCase.write(request, toFile: output)
                Console.error("pqscout: wrote \(output)")
            } else {
                try ReportUseCase.writeToStandardOutput(request)
            }
            Console.error("pqscout: reported \(Presentation.scanLine(shown))")
        } catch {
            throw Failure.exit(error)
        }
    }

    private func write(_ data: Data) throws(PQScoutError) {
        if let output {
            try OutputFile.write(data, to: output, code: "report.write")
            Console.error("pqscout: wrote \(output)")
        } else {
            FileHandle.standardOutput.write(data)
        }
    }
}
