import ArgumentParser
import PQModel
import PQScoutKit

enum PlanFormat: String, ExpressibleByArgument, CaseIterable {
    case md, html, json
}

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Write the migration plan: phased, dated actions with patches against the scanned files.",
        discussion: """
            Exit status: 0 done; 2 the store, a policy or the patch directory cannot be read or written; \
            64 bad usage. Docs/plan.md explains the phases, the actions and how to apply the patches.
            """
    )

    @OptionGroup var store: StoreOptions

    @Option(help: ArgumentHelp("The scan to plan for (default: the latest complete one).", valueName: "id"))
    var scan: Int64?

    @Option(
        help: ArgumentHelp("Bundled policy profile (default nist-ir-8547).", valueName: "profile"),
        completion: .list(AssessUseCase.profiles))
    var profile: String?

    @Option(help: ArgumentHelp("A custom policy profile in YAML (instead of --profile).", valueName: "file"))
    var policy: String?

    @Option(help: ArgumentHelp("System category the profile dates separately.", valueName: "category"))
    var category: String?

    @Option(help: ArgumentHelp("Plan as of this day, YYYY-MM-DD (default: today, UTC).", valueName: "date"))
    var asOf: CalendarDay?

    @Option(help: "Output format.")
    var format: PlanFormat = .md

    @Option(help: ArgumentHelp("An earlier scan: mark its actions done, partly done or open.", valueName: "id"))
    var since: Int64?

    @Option(
        help: ArgumentHelp("Write the patches (one per action, and all.patch) into this directory.", valueName: "dir"))
    var patch: String?

    @Flag(help: "With --patch: replace the patches, all.patch and README a plan wrote in a folder that is not empty.")
    var force = false

    @Option(help: ArgumentHelp("The OpenSSH version to plan for when the tree names none.", valueName: "X.Y"))
    var opensshVersion: String?

    @Option(help: ArgumentHelp("The OpenSSL version to plan for when the tree names none.", valueName: "X.Y.Z"))
    var opensslVersion: String?

    @Option(
        help: ArgumentHelp(
            "Another installed version to plan for, as family=version (strongswan=6.0.1).", valueName: "family=X.Y"))
    var softwareVersion: [String] = []

    @Option(help: ArgumentHelp("Read the scanned files from this copy of the tree.", valueName: "path"))
    var root: String?

    func run() throws {
        var versions: [String: String] = [:]
        for pair in softwareVersion {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw ValidationError("--software-version takes family=version, e.g. strongswan=6.0.1")
            }
            versions[parts[0].lowercased()] = parts[1]
        }
        do {
            let outcome = try PlanUseCase.run(
                PlanRequest(
                    storePath: store.path, scanID: scan, profile: profile, policyFile: policy, category: category,
                    asOf: asOf, since: since, opensshVersion: opensshVersion,
                    opensslVersion: opensslVersion, softwareVersions: versions, root: root))
            switch format {
            case .md: Console.out(Presentation.planMarkdown(outcome.plan))
            case .html: Console.out(Presentation.planHTML(outcome.plan))
            case .json: Console.out(try Presentation.planJSON(outcome.plan))
            }
            if let patch {
                let written = try PlanUseCase.writePatches(outcome, to: patch, force: force)
                Console.error("pqscout: wrote \(written.count) file(s) to \(patch)")
            }
        } catch let error as PQScoutError {
            throw Failure.exit(error)
        }
    }
}
