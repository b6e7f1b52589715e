import ArgumentParser
import PQScoutKit

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Record a CycloneDX 1.6/1.7 CBOM made by another tool as a scan of its own."
    )

    @OptionGroup var store: StoreOptions

    @Argument(help: ArgumentHelp("The CBOM (CycloneDX JSON).", valueName: "file.cdx.json"))
    var file: String

    @Option(help: "Output format.")
    var format: ScanFormat = .table

    func run() throws {
        do {
            let scan = try ImportUseCase.run(ImportRequest(file: file, storePath: store.path))
            switch format {
            case .table:
                let summary = try InventoryUseCase.summaryCounts(storePath: store.path, scanID: scan.id)
                Console.out(
                    Presentation.scanSummary(
                        summary.scan, diagnosticsByReason: summary.diagnosticsByReason, storePath: store.path))
            case .json:
                let output = BufferedOutput()
                try InventoryUseCase.streamSummaryJSON(storePath: store.path, scanID: scan.id, write: output.write)
                output.flush()
            }
        } catch {
            throw Failure.exit(error)
        }
    }
}
