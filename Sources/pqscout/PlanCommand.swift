import ArgumentParser
import Foundation
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

    @OptionGroup var judgement: PolicyOptions

    @Option(help: ArgumentHelp("A custom policy profile in YAML (instead of --profile).", valueName: "file"))
    var policy: String?

    @Option(help: "Output format.")
    var format: PlanFormat = .md

    @Option(
        name: .shortAndLong,
        help: ArgumentHelp(
            "Write the plan to this file instead of stdout; long asset lists go to plan-assets/ beside it.",
            valueName: "file"))
    var output: String?

    @Option(
        help: ArgumentHelp(
            "Write long asset lists as CSV into this folder (default: plan-assets/ beside --output; without "
                + "either, the plan lists every asset itself).", valueName: "dir"))
    var assetsDir: String?

    @Option(help: ArgumentHelp("An earlier scan: mark its actions done, partly done or open.", valueName: "id"))
    var since: Int64?

    @Option(
        help: ArgumentHelp("Write the patches (one per action, and all.patch) into this directory.", valueName: "dir"))
    var patch: String?

    @Flag(help: "With --patch: replace the patches, all.patch and README a plan wrote in a folder that is not empty.")
    var force = false

    @Option(help: ArgumentHelp("The OpenSSH version to plan for when the tree names none.", valueName: "X.Y"))
    var opensshVersion: ReleaseVersion?

    @Option(help: ArgumentHelp("The OpenSSL version to plan for when the tree names none.", valueName: "X.Y.Z"))
    var opensslVersion: ReleaseVersion?

    @Option(
        help: ArgumentHelp(
            "Another installed version to plan for, as family=version (strongswan=6.0.1).", valueName: "family=X.Y"))
    var softwareVersion: [String] = []

    @Option(help: ArgumentHelp("Read the scanned files from this copy of the tree.", valueName: "path"))
    var root: String?

    /// Where the CSV lists go and how the plan names them: `--assets-dir` as given, else `plan-assets/` beside
    /// `--output` (named relative to the plan file, so the pair can move together); nil for a plan on stdout.
    var assetsFolder: (path: String, shown: String)? {
        if let assetsDir { return (assetsDir, assetsDir) }
        guard let output else { return nil }
        let parent = (output as NSString).deletingLastPathComponent
        return ((parent.isEmpty ? "." : parent) + "/plan-assets", "plan-assets")
    }

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
                    storePath: store.path, scanID: scan, profile: judgement.profile, policyFile: policy,
                    category: judgement.category, asOf: judgement.asOf, since: since,
                    opensshVersion: opensshVersion?.text,
                    opensslVersion: opensslVersion?.text, softwareVersions: versions, root: root,
                    filesAssetLists: assetsFolder != nil))
            var plan = outcome.plan
            var files: [PlanAssetFile] = []
            if let folder = assetsFolder {
                files = PlanUseCase.listAssets(&plan, shownAs: folder.shown, rows: outcome.assetRows)
            } else if plan.actions.contains(where: { ($0.assetList?.count ?? 0) > PlanAssetList.inlineLimit }) {
                Console.error(
                    "pqscout: long asset lists are printed in the plan; --output FILE or --assets-dir DIR writes "
                        + "them as CSV files instead")
            }
            let text: String
            switch format {
            case .md: text = Presentation.planMarkdown(plan)
            case .html: text = Presentation.planHTML(plan)
            case .json: text = try Presentation.planJSON(plan)
            }
            // The document first: an --output into a folder that does not exist fails before plan-assets/ (made
            // with its parents) could create that folder behind the user's back.
            if let output {
                try PlanUseCase.writeDocument(text, to: output)
                Console.error("pqscout: wrote \(output)")
            } else {
                Console.out(text)
            }
            if let folder = assetsFolder, !files.isEmpty {
                _ = try PlanUseCase.writeAssetFiles(files, to: folder.path, rows: outcome.assetRows)
                let rows = files.map(\.count).reduce(0, +)
                Console.error("pqscout: listed \(rows) asset(s) in \(files.count) file(s) in \(folder.path)")
            }
            if let patch {
                let written = try PlanUseCase.writePatches(outcome, to: patch, force: force)
                Console.error("pqscout: wrote \(written.count) file(s) to \(patch)")
            }
        } catch {
            throw Failure.exit(error)
        }
    }
}
