import Foundation
import PQAssessment
import PQCatalog
import PQModel
import PQScanners
import PQStore

/// What `pqscout vendor check` asks for.
public struct VendorCheckRequest: Sendable {
    /// Claims files (YAML, Docs/procurement.md, or a CycloneDX CBOM), one per vendor; several give a comparison.
    public var claimsFiles: [String]
    /// Evidence trees (an appliance image, a config bundle), paired in order with `claimsFiles`; each is scanned
    /// into a temporary store that is deleted afterwards, so vendor evidence never mixes with the `--db` inventory.
    public var evidencePaths: [String]
    /// Scans already in the `--db` store, paired in order with `claimsFiles` (instead of `evidencePaths`).
    public var scanIDs: [Int64]
    public var storePath: String
    /// A bundled profile id; nil means the default (`nist-ir-8547`).
    public var profile: String?
    /// The system category (CNSA 2.0's ids); nil to take each claims file's own.
    public var category: String?
    /// The day to judge on; nil means today (UTC).
    public var asOf: CalendarDay?

    public init(
        claimsFiles: [String], evidencePaths: [String] = [], scanIDs: [Int64] = [], storePath: String = "pqscout.db",
        profile: String? = nil, category: String? = nil, asOf: CalendarDay? = nil
    ) {
        self.claimsFiles = claimsFiles
        self.evidencePaths = evidencePaths
        self.scanIDs = scanIDs
        self.storePath = storePath
        self.profile = profile
        self.category = category
        self.asOf = asOf
    }
}

/// What `pqscout vendor check` gets back: one assessment per claims file, and the comparison of them all.
public struct VendorCheckOutcome: Sendable {
    public var assessments: [VendorAssessment]
    public var comparison: VendorComparison
}

/// The use case `pqscout vendor check`: read claims, optionally scan the vendor's evidence, judge both.
public enum VendorCheckUseCase {
    /// Runs the check.
    /// - Throws: `PQScoutError`: `.usage` for no claims, both `--evidence` and `--scan`, evidence or scans not
    ///   paired one per claims file, an unknown profile or category; `.input` for an unreadable or invalid claims
    ///   file (the reason names file and line), an unreadable evidence tree or store, or an unknown scan.
    public static func run(_ request: VendorCheckRequest, registry: ScannerRegistry = .standard) throws(PQScoutError)
        -> VendorCheckOutcome
    {
        guard !request.claimsFiles.isEmpty else {
            throw PQScoutError(code: "vendor.no-claims", kind: .usage, reason: "name at least one claims file")
        }
        if !request.evidencePaths.isEmpty && !request.scanIDs.isEmpty {
            throw PQScoutError(
                code: "vendor.evidence-and-scan", kind: .usage, reason: "give either --evidence or --scan, not both")
        }
        let pairs = request.evidencePaths.count + request.scanIDs.count
        if pairs != 0 && pairs != request.claimsFiles.count {
            throw PQScoutError(
                code: "vendor.unpaired", kind: .usage,
                reason:
                    "give one --evidence or --scan per claims file, in the same order (\(request.claimsFiles.count) "
                    + "claims file(s), \(pairs) evidence)")
        }
        let profile = try AssessUseCase.translate(.usage) { () throws(AssessmentError) in
            try PolicyLoader.bundled(request.profile ?? PolicyProfile.defaultID)
        }
        let asOf = request.asOf ?? CalendarDay(Date())
        let claims = try request.claimsFiles.map(readClaims)
        var assessments: [VendorAssessment] = []
        for (index, vendor) in claims.enumerated() {
            var evidence: (findings: [Finding], software: [Software], label: String)?
            if index < request.evidencePaths.count {
                evidence = try scanEvidence(request.evidencePaths[index], registry: registry)
            } else if index < request.scanIDs.count {
                evidence = try storedScan(request.scanIDs[index], storePath: request.storePath)
            }
            let assessment = try AssessUseCase.translate(.usage) { () throws(AssessmentError) in
                try VendorChecker.assess(
                    vendor, profile: profile, category: request.category, asOf: asOf, evidence: evidence?.findings,
                    software: evidence?.software ?? [], evidenceLabel: evidence?.label)
            }
            assessments.append(assessment)
        }
        return VendorCheckOutcome(assessments: assessments, comparison: VendorComparison(vendors: assessments))
    }

    /// Reads one claims file: a CycloneDX CBOM when it is JSON (a `.json` name, or a `{` first), else YAML.
    static func readClaims(_ path: String) throws(PQScoutError) -> VendorClaims {
        let head = FileHandle(forReadingAtPath: path).flatMap { handle in
            defer { try? handle.close() }
            return try? handle.read(upToCount: 256)
        }
        if path.lowercased().hasSuffix(".json") || head?.first(where: { !$0.isWhitespace }) == UInt8(ascii: "{") {
            return try cbomClaims(path)
        }
        return try AssessUseCase.translate(.input) { () throws(AssessmentError) in try ClaimsLoader.claims(file: path) }
    }

    /// Scans an evidence tree into a temporary store and returns its findings; the store is deleted afterwards.
    static func scanEvidence(_ root: String, registry: ScannerRegistry) throws(PQScoutError) -> (
        findings: [Finding], software: [Software], label: String
    ) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "pqscout-vendor-\(UUID().uuidString)", isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw PQScoutError(
                code: "vendor.temp", kind: .input,
                reason: "cannot make a temporary store in \(directory.path): \(PQScoutError.describe(error))")
        }
        defer { try? FileManager.default.removeItem(at: directory) }
        let storePath = directory.appendingPathComponent("evidence.db").path
        // Evidence is a vendor's shipped tree: its absolute paths and links mean the product's own files, never this
        // host's, whether or not the folder holds etc/ or usr/.
        var request = ScanRequest(roots: [root], storePath: storePath)
        request.system = .image
        let record = try ScanUseCase(registry: registry).run(request)
        let store = try StoreAccess.open(storePath, create: false)
        let (findings, software) = try StoreAccess.perform(storePath) {
            (try store.findings(FindingQuery(scanID: record.id)), try store.software(scanID: record.id))
        }
        return (
            findings, software,
            "scan of \(root): \(record.counts.filesExamined) files, \(findings.count) findings, "
                + "\(record.counts.diagnostics) diagnostics"
        )
    }

    /// The findings of a scan already in the store.
    static func storedScan(_ id: Int64, storePath: String) throws(PQScoutError) -> (
        findings: [Finding], software: [Software], label: String
    ) {
        let store = try StoreAccess.open(storePath, create: false)
        return try StoreAccess.perform(storePath) {
            let scan = try InventoryUseCase.existingScan(
                id, store: store, storePath: storePath, code: "vendor.no-scan", kind: .input)
            let findings = try store.findings(FindingQuery(scanID: id))
            return (
                findings, try store.software(scanID: id),
                "scan \(id) of \(scan.roots.joined(separator: ", ")) in \(storePath): \(findings.count) findings"
            )
        }
    }
}

extension UInt8 {
    fileprivate var isWhitespace: Bool { self == 0x20 || self == 0x0A || self == 0x0D || self == 0x09 }
}
