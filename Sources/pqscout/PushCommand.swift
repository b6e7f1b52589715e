import ArgumentParser
import PQScoutKit

struct PushCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "push",
        abstract: "Copy scans made offline (an SQLite store) into another store, such as the fleet's PostgreSQL.",
        discussion: """
            Copies every complete scan of SOURCE (or those named by --scan) with all its rows, under new ids.
            A scan the target already holds (same host, start time, roots and kind) is skipped, so a push can
            be repeated. Example: pqscout push host1.db --db postgresql://pqscout@db.example/fleet
            """
    )

    @OptionGroup var store: StoreOptions

    @Argument(help: ArgumentHelp("The store to copy from (an SQLite file or a URL).", valueName: "source"))
    var source: String

    @Option(help: ArgumentHelp("Only this scan of the source (repeatable).", valueName: "id"))
    var scan: [Int64] = []

    func run() throws {
        do {
            let outcome = try PushUseCase.run(
                PushRequest(sourcePath: source, targetPath: store.path, scanIDs: scan.isEmpty ? nil : scan))
            for copied in outcome.copied {
                Console.out(
                    "pushed scan \(copied.sourceID) of \(copied.host) as scan \(copied.targetID) "
                        + "(\(copied.findings) findings)")
            }
            for skipped in outcome.alreadyThere {
                Console.out("scan \(skipped.sourceID) of \(skipped.host) is already scan \(skipped.targetID); skipped")
            }
            if !outcome.incomplete.isEmpty {
                let ids = outcome.incomplete.map(String.init).joined(separator: ", ")
                Console.error("pqscout: left incomplete scan(s) \(ids) behind")
            }
        } catch {
            throw Failure.exit(error)
        }
    }
}
