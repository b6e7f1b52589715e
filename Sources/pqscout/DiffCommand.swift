import ArgumentParser
import PQScoutKit

enum DiffFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "List findings added, removed and changed between two scans.",
        discussion: """
            Findings are matched by identity (path, setting, usage, context, algorithm, asset), not by row.
            Defaults: --to is the latest complete scan (of --host, when given), --from the scan of the same
            roots and host before it.
            """
    )

    @OptionGroup var store: StoreOptions

    @Option(help: ArgumentHelp("The earlier scan.", valueName: "id"))
    var from: Int64?

    @Option(help: ArgumentHelp("The later scan.", valueName: "id"))
    var to: Int64?

    @OptionGroup var host: HostOptions

    @Option(help: "Output format.")
    var format: DiffFormat = .text

    func run() throws {
        do {
            let output = BufferedOutput()
            try DiffUseCase.write(
                DiffRequest(storePath: store.path, fromScan: from, toScan: try host.scan(to, storePath: store.path)),
                format: format == .json ? .json : .text, write: output.write)
            output.flush()
        } catch {
            throw Failure.exit(error)
        }
    }
}
