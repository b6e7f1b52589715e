import ArgumentParser

/// `pqscout`: find the cryptography in a tree, record it, and judge it against post-quantum timelines.
@main
struct PQScoutCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pqscout",
        // Short lines: the help is read on 80-column terminals, and a sentence should not break mid-way.
        abstract: "Inventory cryptography for the post-quantum migration.",
        discussion: """
            Finds algorithms in configs, certificates and keys; judges, scores, plans.

            Exit status: 0 done; 1 a --fail-on threshold was met;
            2 an input or the store cannot be read; 64 bad usage.
            """,
        version: PQScoutVersion.string,
        subcommands: [
            ScanCommand.self, ScansCommand.self, InventoryCommand.self, AssessCommand.self, PlanCommand.self,
            EffectiveCommand.self, CatalogCommand.self, ReportCommand.self, DiffCommand.self, ImportCommand.self,
            PushCommand.self, VendorCommand.self,
        ]
    )
}
