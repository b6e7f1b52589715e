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

    @OptionGroup var host: HostOptions

    @Option(help: ArgumentHelp("Only findings of this usage.", valueName: "usage"))
    var usage: Usage?

    @Option(help: ArgumentHelp("Only findings with this quantum status.", valueName: "status"))
    var status: QuantumStatus?

    @Option(
        help: ArgumentHelp("Only findings whose path matches this path pattern (etc/ssl, *.pem).", valueName: "glob"))
    var path: String?

    @Flag(
        help: ArgumentHelp(
            "Per host of the store, count the findings of its latest complete scan that match the filters."))
    var fleet = false

    @Option(help: "Output format.")
    var format: InventoryFormat = .table

    func validate() throws {
        if fleet, scan != nil || host.host != nil {
            throw ValidationError("--fleet reads every host's latest scan; it takes no --scan or --host")
        }
        if fleet, format == .csv { throw ValidationError("--fleet writes a table or JSON") }
    }

    func run() throws {
        do {
            if fleet {
                let hosts = try InventoryUseCase.fleet(
                    InventoryRequest(
                        storePath: store.path, usage: usage, status: status, pathPattern: path.map(PathPattern.init)))
                Console.out(
                    format == .json
                        ? try Presentation.fleetJSON(hosts) : Presentation.fleet(hosts, width: Console.width))
                return
            }
            let request = InventoryRequest(
                storePath: store.path, scanID: try host.scan(scan, storePath: store.path), usage: usage,
                status: status, pathPattern: path.map(PathPattern.init))
            // Streamed, the bytes of the whole-document form: 1.78 million findings are never all in memory.
            let shown = try InventoryUseCase.shownScan(storePath: store.path, requested: request.scanID)
            Console.error("pqscout: \(Presentation.scanLine(shown))")
            var streamed = request
            streamed.scanID = shown.id
            let output = BufferedOutput()
            switch format {
            case .json: try InventoryUseCase.streamJSON(streamed, write: output.write)
            case .csv: try InventoryUseCase.streamCSV(streamed, write: output.write)
            case .table: try InventoryUseCase.streamTable(streamed, width: Console.width, write: output.write)
            }
            output.flush()
        } catch {
            throw Failure.exit(error)
        }
    }
}
