import ArgumentParser
import PQModel
import PQScoutKit

/// `pqscout vendor`: procurement checks of vendors' post-quantum claims.
struct VendorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vendor",
        abstract: "Check vendors' crypto-agility claims against a policy and against what they ship.",
        subcommands: [VendorCheckCommand.self]
    )
}

enum VendorFormat: String, ExpressibleByArgument, CaseIterable {
    case md, html, json
}

struct VendorCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Judge claims files: a verdict per requirement, contradictions with the evidence, a comparison.",
        discussion: """
            Each CLAIMS file is a vendor's claims in YAML (Docs/procurement.md), or its CycloneDX CBOM (JSON). Several give a side-by-side table. \
            --evidence scans a tree the vendor ships (appliance image, config bundle) into a temporary store, \
            deleted afterwards; --scan uses a scan already in --db. Give one --evidence or --scan per CLAIMS file, \
            in the same order.
            Exit status: 0 done; 2 a claims file, evidence tree or the store cannot be read; 64 bad usage.
            """
    )

    @Argument(help: ArgumentHelp("Vendor claims files (YAML, or a CycloneDX CBOM).", valueName: "claims"))
    var claims: [String] = []

    @Option(
        help: ArgumentHelp("A tree the vendor ships, scanned as evidence (repeat per claims file).", valueName: "path"))
    var evidence: [String] = []

    @Option(help: ArgumentHelp("A scan in --db to use as evidence (repeat per claims file).", valueName: "id"))
    var scan: [Int64] = []

    @OptionGroup var judgement: PolicyOptions

    @Option(help: "Output format.")
    var format: VendorFormat = .md

    @OptionGroup var store: StoreOptions

    func validate() throws {
        if claims.isEmpty { throw ValidationError("name at least one claims file") }
        if !evidence.isEmpty && !scan.isEmpty { throw ValidationError("give either --evidence or --scan, not both") }
    }

    func run() throws {
        do {
            let outcome = try VendorCheckUseCase.run(
                VendorCheckRequest(
                    claimsFiles: claims, evidencePaths: evidence, scanIDs: scan, storePath: store.path,
                    profile: judgement.profile, category: judgement.category, asOf: judgement.asOf))
            switch format {
            case .md: Console.out(Presentation.vendorMarkdown(outcome.comparison))
            case .html: Console.out(Presentation.vendorHTML(outcome.comparison))
            case .json: Console.out(try Presentation.vendorJSON(outcome.comparison))
            }
        } catch {
            throw Failure.exit(error)
        }
    }
}
