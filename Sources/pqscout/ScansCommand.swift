import ArgumentParser
import PQScoutKit

struct ScansCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scans",
        abstract: "List the scans kept in the inventory, with their status (complete or incomplete)."
    )

    @OptionGroup var store: StoreOptions

    func run() throws {
        do {
            Console.out(Presentation.scans(try InventoryUseCase.scans(storePath: store.path), width: Console.width))
        } catch {
            throw Failure.exit(error)
        }
    }
}
