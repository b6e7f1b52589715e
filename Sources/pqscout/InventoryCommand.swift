import ArgumentParser
import PQModel
import PQScoutKit

struct InventoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inventory",
        abstract: "List the findings of a scan (the latest complete one by default)."
    )

    @OptionGroup var store: StoreOptions

    @Option(help: ArgumentHelp("The scan to list (see `pqscout scans`).", valueName: "id"))
    var scan: Int64?

    @Option(help: ArgumentHelp("Only findings of this usage.", valueName: "usage"))
    var usage: Usage?

    @Option(help: ArgumentHelp("Only findings with this quantum status.", valueName: "status"))
    var status: QuantumStatus?

    @Option(
        help: ArgumentHelp("Only findings whose path matches this path pattern (etc/ssl, *.pem).", valueName: "glob"))
    var path: String?

    @Option(help: "Output format.")
    var format: InventoryFormat = .table

    func run() throws {
        do {
            let request = InventoryRequest(
                storePath: store.path, scanID: scan, usage: usage, status: status,
                pathPattern: path.map(PathPattern.init))
            if format == .json {
                // Streamed, the bytes of the whole-document form: 1.78 million findings are never all in memory.
                let shown = try InventoryUseCase.shownScan(storePath: store.path, requested: scan)
                Console.error("pqscout: \(Presentation.scanLine(shown))")
                var streamed = request
                streamed.scanID = shown.id
                let output = BufferedOutput()
                try InventoryUseCase.streamJSON(streamed, write: output.write)
                output.flush()
                return
            }
            let document = try InventoryUseCase.document(request)
            Console.error("pqscout: \(Presentation.scanLine(document.scan))")
            switch format {
            case .table: Console.out(Presentation.table(document.findings, width: Console.width))
            case .csv: Console.out(Presentation.csv(document.findings, aliases: document.aliases))
            case .json: Console.out(try Presentation.json(document))
            }
        } catch {
            throw Failure.exit(error)
        }
    }
}
