import PQCatalog
import PQModel

/// Reads the scanned files' bytes for patch generation. PQAssessment may not read the disk (it is pure): the Kit
/// passes a reader over the scanned tree, tests pass bytes in memory.
public protocol PlanFileSource: Sendable {
    /// The bytes of a scanned file by its path relative to the scan root; nil when it cannot be read.
    func bytes(of path: ScanPath) -> [UInt8]?
}

/// Takes the rows of a plan's long asset lists as the planner makes them (`PlanInput.assetRows`), so 400,000
/// certificate rows never sit in the plan. PQAssessment does no I/O: the caller's sink writes them.
public protocol PlanAssetRowSink: AnyObject, Sendable {
    /// One row of the list of the merged action `list` (its id), in the list's order.
    func add(_ row: PlanAsset, list: String)
}

/// Files held in memory, for tests and for callers that already read them.
public struct InMemoryPlanFiles: PlanFileSource {
    public var files: [ScanPath: [UInt8]]

    public init(_ files: [ScanPath: [UInt8]] = [:]) { self.files = files }

    public func bytes(of path: ScanPath) -> [UInt8]? { files[path] }
}

/// Everything the planner reads: one scan's inventory, the policy verdict of each finding under the profile, and
/// its files.
public struct PlanInput: Sendable {
    /// In the store's order: `judgements` and every `FindingRef.index` point into it.
    public var findings: PlanFindings
    /// The scan's certificates, found by asset id (the certificate builder's; no other asset is read).
    public var certificates: PlanCertificates
    public var software: [Software]
    /// Each finding's verdict and waiver (`Assessor.judge`, or taken from a full assessment).
    public var judgements: FindingJudgements
    public var profile: PolicyProfile
    public var files: any PlanFileSource
    /// Versions the caller knows better than the tree's package database: `["openssh": "9.2"]`.
    public var versionOverrides: [String: String]
    /// Set when `findings` holds only some of the scan's findings (`PlanInput.gathering`): the position of each in
    /// the scan's ordered findings, ascending. The plan's `FindingRef.index` values are then these positions. Nil
    /// when `findings` is the whole scan.
    public var findingIndexes: [Int]?
    /// Where the certificate builder writes the rows of each merged list longer than `PlanAssetList.inlineLimit`
    /// as it makes them; the action then keeps only what its document shows (`PlanAssetList.allPlaces`). Set only
    /// by a caller that writes every such list to a CSV file (`plan --output`, `--assets-dir`) and needs no full
    /// `retires` (no `--since`); nil keeps every list whole in the plan.
    public var assetRows: (any PlanAssetRowSink)?

    /// The finding at `index` in the scan's ordered findings, when the input holds it.
    public func finding(atScanIndex index: Int) -> Finding? {
        guard let positions = findingIndexes else { return findings.indices.contains(index) ? findings[index] : nil }
        var low = 0
        var high = positions.count
        while low < high {
            let middle = (low + high) / 2
            if positions[middle] < index { low = middle + 1 } else { high = middle }
        }
        return low < positions.count && positions[low] == index ? findings[low] : nil
    }

    public init(
        findings: [Finding], assets: [Asset] = [], software: [Software] = [], judgements: FindingJudgements,
        profile: PolicyProfile, files: any PlanFileSource = InMemoryPlanFiles(),
        versionOverrides: [String: String] = [:]
    ) {
        self.findings = PlanFindings(findings)
        self.certificates = PlanCertificates(assets)
        self.software = software
        self.judgements = judgements
        self.profile = profile
        self.files = files
        self.versionOverrides = versionOverrides
    }

    /// The input for a full assessment of `findings` (its verdicts and waivers are what the planner reads).
    public init(
        findings: [Finding], assets: [Asset] = [], software: [Software] = [], assessment: AssessmentResult,
        profile: PolicyProfile, files: any PlanFileSource = InMemoryPlanFiles(),
        versionOverrides: [String: String] = [:]
    ) {
        self.init(
            findings: findings, assets: assets, software: software,
            judgements: FindingJudgements(assessment, findings: findings), profile: profile, files: files,
            versionOverrides: versionOverrides)
    }
}

/// A `major.minor[.patch]` version read from a package version (`1:9.2p1-2+deb12u3` → 9.2, `3.0.11-1~deb12u2` →
/// 3.0.11). Comparable, so a rule can say "needs >= 9.9".
public struct SoftwareVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var parts: [Int]

    public init(_ parts: [Int]) { self.parts = parts }

    public init?(_ text: String) {
        var rest = Substring(text)
        if let colon = rest.firstIndex(of: ":"), rest[..<colon].allSatisfy(\.isNumber) {
            rest = rest[rest.index(after: colon)...]
        }
        var numbers: [Int] = []
        var current = ""
        for char in rest {
            if char.isASCII, char.isNumber {
                current.append(char)
            } else if char == ".", !current.isEmpty {
                numbers.append(Int(current.prefix(6)) ?? 0)
                current = ""
            } else {
                break
            }
        }
        if !current.isEmpty { numbers.append(Int(current.prefix(6)) ?? 0) }
        guard !numbers.isEmpty else { return nil }
        parts = numbers
    }

    public var description: String { parts.map(String.init).joined(separator: ".") }

    public static func < (lhs: SoftwareVersion, rhs: SoftwareVersion) -> Bool {
        for index in 0..<max(lhs.parts.count, rhs.parts.count) {
            let left = index < lhs.parts.count ? lhs.parts[index] : 0
            let right = index < rhs.parts.count ? rhs.parts[index] : 0
            if left != right { return left < right }
        }
        return false
    }
}
