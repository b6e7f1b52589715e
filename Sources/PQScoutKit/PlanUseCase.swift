import Foundation
import PQAssessment
import PQCatalog
import PQModel
import PQReports
import PQScanners
import PQStore

/// What `pqscout plan` asks for.
public struct PlanRequest: Sendable {
    public var storePath: String
    /// A scan id; nil means the latest complete scan.
    public var scanID: Int64?
    /// A bundled profile id; nil means the default (`nist-ir-8547`) unless `policyFile` is given.
    public var profile: String?
    public var policyFile: String?
    public var category: String?
    /// The day to plan on; nil means today (UTC).
    public var asOf: CalendarDay?
    /// An earlier scan: the plan then says which of that scan's actions are done, partly done or open.
    public var since: Int64?
    /// The OpenSSH version to plan for when the tree's package database names none (`9.2`).
    public var opensshVersion: String?
    /// The OpenSSL version to plan for when the tree's package database names none (`3.5.1`).
    public var opensslVersion: String?
    /// Other installed versions to plan for, by family: `["strongswan": "6.0.1"]`.
    public var softwareVersions: [String: String]
    /// Read the scanned files from here instead of the roots the scan recorded (a copy of the tree).
    public var root: String?
    /// The caller writes every asset list longer than `PlanAssetList.inlineLimit` to a CSV file
    /// (`listAssets(_:shownAs:rows:)`): the certificate lists' rows are then parked on disk as they are made
    /// (`PlanOutcome.assetRows`) and the plan keeps only what its document shows of them. Ignored with `since`,
    /// whose comparison reads every finding an action retires.
    public var filesAssetLists: Bool

    public init(
        storePath: String = "pqscout.db", scanID: Int64? = nil, profile: String? = nil, policyFile: String? = nil,
        category: String? = nil, asOf: CalendarDay? = nil, since: Int64? = nil, opensshVersion: String? = nil,
        opensslVersion: String? = nil, softwareVersions: [String: String] = [:], root: String? = nil,
        filesAssetLists: Bool = false
    ) {
        self.filesAssetLists = filesAssetLists
        self.softwareVersions = softwareVersions
        self.opensslVersion = opensslVersion
        self.storePath = storePath
        self.scanID = scanID
        self.profile = profile
        self.policyFile = policyFile
        self.category = category
        self.asOf = asOf
        self.since = since
        self.opensshVersion = opensshVersion
        self.root = root
    }
}

/// What `pqscout plan` gets back: the plan, and the combined patches (one per file) for `--patch`.
public struct PlanOutcome: Sendable {
    public var plan: Plan
    /// One diff per file, every action's edits together: `all.patch`.
    public var combinedPatches: [PlanPatch]
    /// The rows of the lists the plan holds only the first of (`PlanRequest.filesAssetLists`).
    public var assetRows: PlanAssetSpill?
}

/// One merged action's asset list as a CSV file: its name inside the assets folder, and its text.
public struct PlanAssetFile: Sendable, Hashable {
    public var name: String
    /// The file's text; empty when `parked` holds it.
    public var csv: String
    /// How many assets it lists (one row each).
    public var count: Int
    /// The action id whose rows `PlanOutcome.assetRows` parked: the file is written from there.
    public var parked: String?
}

/// The use case `pqscout plan`: assess the scan under the profile (not recorded), plan, compare with `--since`.
public enum PlanUseCase {
    /// - Throws: `PQScoutError`: `.usage` for an unknown profile or scan, `.input` for an unreadable store or policy.
    public static func run(_ request: PlanRequest, registry: ScannerRegistry = .standard) throws(PQScoutError)
        -> PlanOutcome
    {
        let assess = AssessRequest(
            storePath: request.storePath, profile: request.profile, policyFile: request.policyFile,
            category: request.category, asOf: request.asOf, record: false)
        let profile = try AssessUseCase.loadProfile(assess)
        let store = try StoreAccess.open(request.storePath, create: false)
        let asOf = request.asOf ?? CalendarDay(Date())
        let id = try StoreAccess.perform(request.storePath) {
            try InventoryUseCase.resolveScanID(request.scanID, store: store, storePath: request.storePath)
        }
        let rows = request.filesAssetLists && request.since == nil ? PlanAssetSpill() : nil
        var (plan, files, _) = try planScan(
            id, store: store, request: request, profile: profile, asOf: asOf, registry: registry, readFiles: true,
            assetRows: rows)
        if let error = rows?.error {
            throw PQScoutError(
                code: "plan.assets-dir", kind: .input,
                reason: "cannot park the asset lists in a temporary file: \(PQScoutError.describe(error))")
        }
        if let since = request.since {
            let (earlier, _, earlierInput) = try planScan(
                since, store: store, request: request, profile: profile, asOf: asOf, registry: registry,
                readFiles: false)
            // The later scan's findings are walked once more for the places the earlier actions retire: the
            // comparison holds those places, not the scan.
            var later = PlanProgressTracker.LaterFindings(earlier: earlier)
            try StoreAccess.perform(request.storePath) {
                try store.forEachFinding(FindingQuery(scanID: id)) { later.add($0) }
            }
            plan.progress = PlanProgressTracker.compare(
                earlier: earlier,
                wasInForce: { earlierInput.finding(atScanIndex: $0.index)?.effective ?? true }, later: plan,
                laterFindings: later)
        }
        let combined = PlanPatcher.combine(plan.actions, files: files)
        if !combined.collisions.isEmpty {
            plan.notes.append(
                "all.patch leaves out the edits of \(combined.collisions.joined(separator: ", ")): they touch the "
                    + "same lines as an earlier action; apply them after it and re-plan.")
        }
        return PlanOutcome(plan: plan, combinedPatches: combined.patches, assetRows: rows)
    }

    /// The plan of one scan, its files (for patches) and the planner's input (the findings it kept).
    static func planScan(
        _ id: Int64, store: InventoryStore, request: PlanRequest, profile: PolicyProfile, asOf: CalendarDay,
        registry: ScannerRegistry, readFiles: Bool, assetRows: PlanAssetSpill? = nil
    ) throws(PQScoutError) -> (Plan, any PlanFileSource, PlanInput) {
        let source = try StoreAccess.perform(request.storePath) { () throws -> AssessmentSource in
            let scan = try InventoryUseCase.existingScan(
                id, store: store, storePath: request.storePath, code: "plan.no-scan")
            // The planner reads verdicts only: no diagnostics (coverage) and no risk, agility or ordering. The
            // findings are walked from the store's cursor, never held as one array, each judged with its
            // certificate from the store's join: judging then holds only the certificates that issued one
            // (`issuerCertificates`), as `assess` does.
            var source = AssessmentSource(
                scan: scan, assets: try store.issuerCertificates(scanID: id),
                software: try store.software(scanID: id),
                scannedSources: registry.sources.map(\.rawValue)
            ) { body in try store.forEachFinding(FindingQuery(scanID: id), body) }
            source.forEachFindingWithCertificate = { body in try store.forEachFindingWithCertificate(scanID: id, body) }
            return source
        }
        let options = AssessmentOptions(profile: profile, category: request.category, asOf: asOf)
        let tree =
            readFiles
            ? ScannedTreeFiles(roots: request.root.map { [$0] } ?? source.scan.roots) { path in
                try store.file(scanID: id, path: path)?.sha256
            } : nil
        let files: any PlanFileSource = tree ?? InMemoryPlanFiles()
        var overrides = request.softwareVersions
        if let version = request.opensshVersion { overrides["openssh"] = version }
        if let version = request.opensslVersion { overrides["openssl"] = version }
        // The kept findings are parked on disk: held in memory they were most of the plan's heap.
        let kept = PlanFindingSpill()
        let input = try StoreAccess.perform(request.storePath) { () throws -> PlanInput in
            do {
                var input = try PlanInput.gathering(
                    source, options: options, files: files, versionOverrides: overrides, table: kept,
                    certificates: PlanCertificates())
                input.assetRows = assetRows
                // The certificate builder's certificates, walked from the store's cursor into a compact table, and
                // only now: judging's own holding (places, systems) is gone. Held as assets (about 1 KB each with
                // their details) they grew the plan's heap with the tree.
                input.certificates.reserveCapacity(try store.assetCounts(scanID: id).certificates)
                try store.forEachCertificate(scanID: id, limit: nil) { input.certificates.add($0) }
                return input
            } catch let error as AssessmentError {
                throw PQScoutError(code: error.code, kind: .usage, reason: error.reason)
            }
        }
        let plan = MigrationPlanner.plan(input)
        if let error = tree?.failures.first {
            try StoreAccess.perform(request.storePath) { () throws -> Void in throw error }
        }
        if let error = kept.error {
            throw PQScoutError(
                code: "plan.findings", kind: .input,
                reason: "cannot park the plan's findings in a temporary file: \(PQScoutError.describe(error))")
        }
        return (plan, files, input)
    }

    /// Writes `--patch DIR`: one `NN-<action>.patch` per action with a patch (each applies alone), `all.patch`
    /// (every edit, one diff per file), and `README` saying how to apply them.
    /// - Returns: the files written, relative to `directory`.
    ///
    /// A folder that already holds files is refused unless `force` is set; then the patches, `all.patch` and README
    /// a plan wrote there are removed first, so no stale `NN-*.patch` of an older plan is left beside the new ones.
    public static func writePatches(_ outcome: PlanOutcome, to directory: String, force: Bool = false)
        throws(PQScoutError)
        -> [String]
    {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw PQScoutError(
                    code: "plan.patch-dir", kind: .input,
                    reason: "cannot write patches to \(directory): it is a file, not a folder")
            }
            let present = (try? manager.contentsOfDirectory(atPath: directory)) ?? []
            if !present.isEmpty, !force {
                throw PQScoutError(
                    code: "plan.patch-dir-not-empty", kind: .input,
                    reason: "\(directory) is not empty; name a new folder, or add --force to replace the plan's files "
                        + "there")
            }
            if force {
                for name in present where name.hasSuffix(".patch") || name == "README" {
                    try? manager.removeItem(atPath: (directory as NSString).appendingPathComponent(name))
                }
            }
        }
        let code = "plan.patch-dir"
        do {
            try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
            var written: [String] = []
            var number = 0
            for action in outcome.plan.actions {
                guard let patch = action.patch else { continue }
                number += 1
                let name = String(format: "%02d-", number) + safeName(action.id) + ".patch"
                try OutputFile.write(patch.diff, to: (directory as NSString).appendingPathComponent(name), code: code)
                written.append(name)
            }
            // Opt-in patches change what a known peer needs: never in all.patch, named so nobody applies them
            // by a glob over NN-*.patch.
            var optIn = 0
            for action in outcome.plan.actions {
                guard let patch = action.optInPatch else { continue }
                optIn += 1
                let name = String(format: "optin-%02d-", optIn) + safeName(action.id) + ".patch"
                try OutputFile.write(patch.diff, to: (directory as NSString).appendingPathComponent(name), code: code)
                written.append(name)
            }
            let all = outcome.combinedPatches.map(\.diff).joined()
            try OutputFile.write(all, to: (directory as NSString).appendingPathComponent("all.patch"), code: code)
            written.append("all.patch")
            let readme = """
                Patches from `pqscout plan` for scan \(outcome.plan.scanID) (profile \(outcome.plan.profile), \
                as of \(outcome.plan.asOf)).
                Apply from the scan root: `patch -p1 --dry-run < all.patch`, then `patch -p1 < all.patch`.
                Each NN-*.patch is one action alone; all.patch is every action together. Undo with `patch -R -p1`.
                optin-NN-*.patch files are not in all.patch: each removes what a known peer still needs (a Host or \
                Match block, a conn to a named peer). Apply one only after that peer has been upgraded or retired.
                Check each service afterwards with the plan's verify commands (sshd -t, ssh -G, ...).

                """
            try OutputFile.write(readme, to: (directory as NSString).appendingPathComponent("README"), code: code)
            written.append("README")
            return written
        } catch let known as PQScoutError {
            throw known
        } catch {
            throw PQScoutError(
                code: "plan.patch-dir", kind: .input,
                reason: "cannot write patches to \(directory): \(PQScoutError.describe(error))")
        }
    }

    /// Moves every asset list longer than `PlanAssetList.inlineLimit` out of the plan into a CSV file: the action
    /// then names the file as `folder/<name>.csv` and the returned files hold the rows. Shorter lists stay inline.
    /// - Parameters:
    ///   - folder: how the plan document reaches the folder (`plan-assets` beside `--output`, or `--assets-dir`
    ///     as given).
    /// - Returns: the files to write, named by `PlanAssetsCSV.fileName` (no path separator, nothing from the data
    ///   but letters and digits).
    ///   - rows: the parked rows of the run (`PlanOutcome.assetRows`): a list parked there is written from there.
    public static func listAssets(_ plan: inout Plan, shownAs folder: String, rows: PlanAssetSpill? = nil)
        -> [PlanAssetFile]
    {
        var taken: Set<String> = []
        var files: [PlanAssetFile] = []
        let prefix = folder.hasSuffix("/") ? folder : folder + "/"
        for index in plan.actions.indices {
            guard let list = plan.actions[index].assetList, list.count > PlanAssetList.inlineLimit else { continue }
            let id = plan.actions[index].id
            let name = PlanAssetsCSV.fileName(for: id, taken: &taken)
            if list.allPlaces != nil, rows?.holds(id) == true {
                files.append(PlanAssetFile(name: name, csv: "", count: list.count, parked: id))
            } else {
                files.append(PlanAssetFile(name: name, csv: PlanAssetsCSV.render(list), count: list.count))
            }
            plan.actions[index].assetList?.file = prefix + name
        }
        return files
    }

    /// Writes the asset lists into `directory` (made when missing). Each file is written whole through a
    /// temporary name and renamed, so a reader never sees half a list and a symlink planted under a list's name is
    /// replaced, not followed.
    /// - Returns: the files written, relative to `directory`.
    /// - Throws: `PQScoutError` `plan.assets-dir` (kind `.input`) when the folder or a file cannot be written.
    public static func writeAssetFiles(
        _ files: [PlanAssetFile], to directory: String, rows: PlanAssetSpill? = nil
    ) throws(PQScoutError) -> [String] {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            for file in files {
                let path = (directory as NSString).appendingPathComponent(file.name)
                if let list = file.parked {
                    guard let rows else {
                        throw PQScoutError(
                            code: "plan.assets-dir", kind: .input,
                            reason: "the rows of \(file.name) were parked, but no parked rows were given")
                    }
                    try OutputFile.stream(to: path, code: "plan.assets-dir") { try rows.write(list, to: $0) }
                } else {
                    try OutputFile.write(file.csv, to: path, code: "plan.assets-dir")
                }
            }
            return files.map(\.name)
        } catch let known as PQScoutError {
            throw known
        } catch {
            throw PQScoutError(
                code: "plan.assets-dir", kind: .input,
                reason: "cannot write the asset lists to \(directory): \(PQScoutError.describe(error))")
        }
    }

    /// Writes the plan document to `path` whole (through a temporary name).
    /// - Throws: `PQScoutError` `plan.write` (kind `.input`).
    public static func writeDocument(_ text: String, to path: String) throws(PQScoutError) {
        try OutputFile.write(text, to: path, code: "plan.write")
    }

    /// A file name from an action id: letters, digits, `.`, `-` and `_` kept, the rest `_`, at most 120 bytes.
    static func safeName(_ id: String) -> String {
        let kept = id.unicodeScalars.map { scalar -> Character in
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || "._-".unicodeScalars.contains(scalar))
                ? Character(scalar) : "_"
        }
        return String(String(kept).prefix(120))
    }
}

/// The scanned files, read again through the walker (so the same safety rules hold: nothing outside the root, no
/// devices, the size cap) and only when their SHA-256 still matches what the scan recorded: a patch is made
/// against the bytes that were scanned, never against a file changed since.
///
/// The tree is walked the first time a file is asked for, not before: a plan with nothing to patch (the
/// benchmark's, all certificates) never walks it.
///
/// Each file's recorded digest is asked of the store when the file is read (`recorded`), not held for every file of
/// the scan: a plan patches a few files, and the table grew with the tree.
struct ScannedTreeFiles: PlanFileSource {
    let roots: [String]
    /// The digest the scan recorded for a path (nil when it recorded none).
    let recorded: @Sendable (ScanPath) throws -> String?
    let walked = WalkedOnce()
    let failures = Failures()

    /// The first error met asking the store for a digest: a file whose digest could not be read is not patched,
    /// and the plan is not shown.
    final class Failures: @unchecked Sendable {
        // Unchecked: `first` is accessed with `lock` held.
        private let lock = NSLock()
        private var stored: (any Error)?

        var first: (any Error)? { lock.withLock { stored } }

        func note(_ error: any Error) { lock.withLock { stored = stored ?? error } }
    }

    /// The walked trees, made once by the first reader; the lock keeps `bytes(of:)` safe from any thread.
    final class WalkedOnce: @unchecked Sendable {
        private let lock = NSLock()
        private var trees: [(label: [UInt8], tree: WalkedTree)]?

        func trees(_ roots: [String]) -> [(label: [UInt8], tree: WalkedTree)] {
            lock.lock()
            defer { lock.unlock() }
            if let trees { return trees }
            let walker = TreeWalker(options: WalkOptions())
            var made: [(label: [UInt8], tree: WalkedTree)] = []
            for (index, root) in roots.enumerated() {
                let label = roots.count > 1 ? Array("\(index + 1)-\(ScanUseCase.lastComponent(root))".utf8) : []
                if case .success(let walk) = walker.walk(root: root, label: label) {
                    made.append((label, WalkedTree(walk: walk, maxFileSize: WalkOptions.defaultMaxFileSize)))
                }
            }
            trees = made
            return made
        }
    }

    init(roots: [String], recorded: @escaping @Sendable (ScanPath) throws -> String?) {
        self.roots = roots
        self.recorded = recorded
    }

    /// The digests of `records` (the first record of a path counts).
    init(roots: [String], records: [FileRecord]) {
        let digests = Dictionary(records.map { ($0.path, $0.sha256) }) { first, _ in first }
        self.init(roots: roots) { digests[$0] }
    }

    func bytes(of path: ScanPath) -> [UInt8]? {
        for entry in walked.trees(roots) {
            guard case .success(let bytes) = entry.tree.read(path) else { continue }
            let expected: String?
            do {
                expected = try recorded(path)
            } catch {
                failures.note(error)
                return nil
            }
            // A file that holds secrets is recorded without a digest (ScanUseCase.contentDigest): nothing to compare.
            if let expected, expected != FileRecord.noDigest, expected != Digest.sha256Hex(bytes) {
                return nil
            }
            return bytes
        }
        return nil
    }
}

/// The plan's renderers, reached through the Kit so the executable imports one library.
extension Presentation {
    /// `plan --format md`.
    public static func planMarkdown(_ plan: Plan) -> String { PlanMarkdown.render(plan) }

    /// `plan --format html`: self-contained, everything escaped.
    public static func planHTML(_ plan: Plan) -> String { PlanHTML.render(plan) }

    /// `plan --format json`: the `Plan` value (Docs/plan.md).
    public static func planJSON(_ plan: Plan) throws(PQScoutError) -> String {
        do {
            return try PlanJSON.render(plan)
        } catch {
            throw PQScoutError(
                code: "output.json", kind: .input, reason: "cannot write JSON: \(PQScoutError.describe(error))")
        }
    }
}
