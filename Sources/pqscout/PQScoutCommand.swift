import ArgumentParser

/// `pqscout`: find the cryptography in a tree, record it, and judge it against post-quantum timelines.
@main
struct PQScoutCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pqscout",
        abstract: "Inventory the cryptography in configuration, certificates and keys, for the post-quantum migration.",
        discussion: """
            Exit status: 0 done; 1 a --fail-on threshold was met; 2 an input or the store cannot be read;
            64 bad usage.
            """,
        version: PQScoutVersion.string,
        subcommands: [
            ScanCommand.self, ScansCommand.self, InventoryCommand.self, AssessCommand.self, PlanCommand.self,
            EffectiveCommand.self, CatalogCommand.self, ReportCommand.self, DiffCommand.self, ImportCommand.self,
            VendorCommand.self,
        ]
    )
}
