import ArgumentParser
import PQScoutKit

struct CatalogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog",
        abstract: "Show what PQScout knows about an algorithm, by any of its names or its OID."
    )

    @Argument(
        help: ArgumentHelp(
            "A name (X25519MLKEM768, ssh-ed25519, aes128-ctr) or a dotted OID.", valueName: "name-or-oid"))
    var query: String?

    @Flag(help: "List every algorithm in the catalog.")
    var list = false

    func validate() throws {
        if list == (query != nil) { throw ValidationError("give either a name or OID, or --list") }
    }

    func run() throws {
        if list {
            Console.out(Presentation.catalogList(width: Console.width))
            return
        }
        do {
            Console.out(Presentation.catalogEntry(try CatalogUseCase.entry(query ?? "")))
        } catch {
            throw Failure.exit(error)
        }
    }
}
