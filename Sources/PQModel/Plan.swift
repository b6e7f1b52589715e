/// The migration plan (`pqscout plan`, Docs/plan.md): phases in a documented order, each with its deadline, and
/// the concrete actions that retire findings. Its JSON form (`--format json`) is a contract: field names are fixed.
public struct Plan: Codable, Sendable, Hashable {
    public static let currentSchemaVersion = 1

    public var schemaVersion: Int
    public var scanID: Int64
    public var profile: String
    public var profileTitle: String
    public var asOf: CalendarDay
    /// Phases in execution order; each lists its actions' ids.
    public var phases: [PlanPhase]
    /// Every action, in plan order (phase, then deadline, then dependency order).
    public var actions: [PlanAction]
    /// Set by `--since SCAN`: how far the actions planned for that scan have come.
    public var progress: PlanProgressReport?
    /// Facts the planner could not establish (unknown versions, unreadable files), in words.
    public var notes: [String]
    /// The versions the plan was made for, by family (`openssh`, `openssl`, `strongswan`): from the flags or the
    /// tree's package database. `--since` judges an upgrade done by these, not by a line that vanished.
    public var installedVersions: [String: String]?

    public init(
        scanID: Int64, profile: String, profileTitle: String, asOf: CalendarDay, phases: [PlanPhase],
        actions: [PlanAction], progress: PlanProgressReport? = nil, notes: [String] = []
    ) {
        self.schemaVersion = Self.currentSchemaVersion
        self.scanID = scanID
        self.profile = profile
        self.profileTitle = profileTitle
        self.asOf = asOf
        self.phases = phases
        self.actions = actions
        self.progress = progress
        self.notes = notes
    }

    /// The action with this id, if the plan has it.
    public func action(_ id: String) -> PlanAction? { actions.first { $0.id == id } }
}

/// The phases, in the order Docs/plan.md explains: what must exist first, what is at risk today (recorded traffic),
/// what is already broken, then trust anchors and signatures, then the rest.
public enum PlanPhaseKind: String, Codable, Sendable, CaseIterable, Comparable {
    case prerequisites
    case keyExchange = "key-exchange"
    case classicallyBroken = "classically-broken"
    case signatures = "signatures-and-pki"
    case longTail = "long-tail"

    public var order: Int { Self.allCases.firstIndex(of: self) ?? 0 }

    public static func < (lhs: PlanPhaseKind, rhs: PlanPhaseKind) -> Bool { lhs.order < rhs.order }
}

/// One phase: why it sits where it does, the source behind it, and its deadline (the earliest of its actions').
public struct PlanPhase: Codable, Sendable, Hashable {
    public var kind: PlanPhaseKind
    public var title: String
    public var rationale: String
    public var source: String
    public var deadline: CalendarDay?
    public var actions: [String]

    public init(
        kind: PlanPhaseKind, title: String, rationale: String, source: String, deadline: CalendarDay?,
        actions: [String]
    ) {
        self.kind = kind
        self.title = title
        self.rationale = rationale
        self.source = SourceCitation.citation(source)
        self.deadline = deadline
        self.actions = actions
    }
}

/// What kind of change an action is; part of its stable id.
public enum PlanActionKind: String, Codable, Sendable, CaseIterable {
    case upgrade
    case keyExchange = "key-exchange"
    case removeBroken = "remove-broken"
    case certificateReissue = "certificate-reissue"
    case keyRotation = "key-rotation"
    case replaceAlgorithm = "replace-algorithm"
}

/// A place an action touches: a file, the line of the setting (nil when the setting is unset and a line is
/// added), and the block it sits in.
public struct PlanLocation: Codable, Sendable, Hashable {
    public var path: String
    public var line: Int?
    public var context: String?

    public init(path: String, line: Int? = nil, context: String? = nil) {
        self.path = path
        self.line = line
        self.context = context
    }

    public var label: String {
        var text = line.map { "\(path):\($0)" } ?? path
        if let context { text += " (\(context))" }
        return text
    }
}

/// Something that must hold before (part of) an action can be done: a software version, another action.
public struct PlanPrerequisite: Codable, Sendable, Hashable {
    public var requirement: String
    /// What the inventory shows installed; nil when unknown.
    public var installed: String?
    /// True met, false not met, nil unknown.
    public var satisfied: Bool?
    public var note: String?

    public init(requirement: String, installed: String? = nil, satisfied: Bool? = nil, note: String? = nil) {
        self.requirement = requirement
        self.installed = installed
        self.satisfied = satisfied
        self.note = note
    }

    public var label: String {
        var text = requirement + "; installed: " + (installed ?? "unknown")
        if let satisfied { text += satisfied ? " (met)" : " (not met)" }
        if let note { text += ". " + note }
        return text
    }
}

/// A peer found in the same inventory that the change could cut off: it would lose its last common algorithm.
public struct PlanCompatibilityIssue: Codable, Sendable, Hashable {
    /// The peer, as `path (context)`: an ssh_config Host block, a known_hosts entry, ...
    public var peer: String
    public var setting: String
    /// The peer's algorithms for that setting.
    public var peerAlgorithms: [String]
    public var detail: String

    public init(peer: String, setting: String, peerAlgorithms: [String], detail: String) {
        self.peer = peer
        self.setting = setting
        self.peerAlgorithms = peerAlgorithms
        self.detail = detail
    }
}

/// A rough size, with the reasoning that led to it (Docs/plan.md, "Effort").
public struct PlanEffort: Codable, Sendable, Hashable {
    public enum Size: String, Codable, Sendable, CaseIterable {
        case small
        case medium
        case large
    }

    public var size: Size
    public var hours: Double
    public var reasoning: String

    public init(size: Size, hours: Double, reasoning: String) {
        self.size = size
        self.hours = hours
        self.reasoning = reasoning
    }
}

/// A unified diff against the scanned file (paths `a/<path>` and `b/<path>`, so `patch -p1` applies it from the
/// scan root).
public struct PlanPatch: Codable, Sendable, Hashable {
    public var path: String
    public var diff: String

    public init(path: String, diff: String) {
        self.path = path
        self.diff = diff
    }
}

/// One concrete, checkable, reversible change.
public struct PlanAction: Codable, Sendable, Hashable {
    /// Stable across scans: derived from the kind, the software, the file, the block and the setting (or the
    /// certificate's subject), never from a row number, so `--since` can match actions of two scans.
    public var id: String
    public var kind: PlanActionKind
    public var phase: PlanPhaseKind
    public var title: String
    /// The assessed system (Docs/scoring.md, "Systems") the action changes.
    public var system: String
    /// The software family whose syntax the change uses: `openssh`, `x509`, `nginx`, ...
    public var software: String
    public var locations: [PlanLocation]
    /// The findings the action removes.
    public var retires: [FindingRef]
    /// Findings deliberately kept (the classical fallback beside a hybrid), so nobody mistakes them for forgotten.
    public var keeps: [FindingRef]
    public var rule: String?
    public var ruleSource: String?
    public var deadline: CalendarDay?
    /// Why this deadline: the policy state and date it comes from.
    public var deadlineReason: String
    public var prerequisites: [PlanPrerequisite]
    /// The change in the software's own words (the new directive, the algorithm to re-issue with).
    public var change: String
    public var patch: PlanPatch?
    /// Why there is no patch (the installed version cannot accept the change, the file is binary, ...).
    public var patchWithheld: String?
    public var verify: [String]
    public var rollback: [String]
    public var effort: PlanEffort
    /// Actions that must be done first.
    public var dependsOn: [String]
    /// Actions that wait for this one.
    public var dependents: [String]
    public var compatibility: [PlanCompatibilityIssue]
    /// Set when the default plan keeps a setting because a known peer needs it (a `Host`/`Match` block, a
    /// strongSwan conn, a Postfix policy entry): who must upgrade or retire first. The default patch then leaves
    /// the peer's algorithms alone; `optInPatch` holds the scoped change.
    public var blockedOn: String?
    /// The scoped change for a peer, written as `optin-NN-<id>.patch` and never part of `all.patch`: apply it
    /// once the peer named in `blockedOn` has moved.
    public var optInPatch: PlanPatch?
    /// For an upgrade: the family and the version that meets it. `--since` marks the upgrade done when the later
    /// scan's version reaches it.
    public var requiredVersion: PlanVersionRequirement?
    /// Set when the action stands for the same change over many assets (Docs/plan.md, "Identical actions become
    /// one"): how many, and each asset's own row, or the CSV file that lists them.
    public var assetList: PlanAssetList?

    public init(
        id: String, kind: PlanActionKind, phase: PlanPhaseKind, title: String, system: String, software: String,
        locations: [PlanLocation], retires: [FindingRef], keeps: [FindingRef] = [], rule: String? = nil,
        ruleSource: String? = nil, deadline: CalendarDay? = nil, deadlineReason: String = "",
        prerequisites: [PlanPrerequisite] = [], change: String, patch: PlanPatch? = nil,
        patchWithheld: String? = nil, verify: [String] = [], rollback: [String] = [], effort: PlanEffort,
        dependsOn: [String] = [], dependents: [String] = [], compatibility: [PlanCompatibilityIssue] = [],
        blockedOn: String? = nil, optInPatch: PlanPatch? = nil, requiredVersion: PlanVersionRequirement? = nil,
        assetList: PlanAssetList? = nil
    ) {
        self.id = id
        self.kind = kind
        self.phase = phase
        self.title = title
        self.system = system
        self.software = software
        self.locations = locations
        self.retires = retires
        self.keeps = keeps
        self.rule = rule
        self.ruleSource = ruleSource.map(SourceCitation.citation)
        self.deadline = deadline
        self.deadlineReason = deadlineReason
        self.prerequisites = prerequisites
        self.change = change
        self.patch = patch
        self.patchWithheld = patchWithheld
        self.verify = verify
        self.rollback = rollback
        self.effort = effort
        self.dependsOn = dependsOn
        self.dependents = dependents
        self.compatibility = compatibility
        self.blockedOn = blockedOn
        self.optInPatch = optInPatch
        self.requiredVersion = requiredVersion
        self.assetList = assetList
    }
}

/// The assets one aggregated action covers. A plan for 20,000 identical certificates holds one action whose list
/// names them all: inline for a few, in a CSV file beside the plan for more (`file`).
public struct PlanAssetList: Codable, Sendable, Hashable {
    /// Lists of up to this many assets stay in the plan itself; longer ones go to a CSV file when the plan is
    /// written to a file or `--assets-dir` names a folder.
    public static let inlineLimit = 3
    /// How many of a merged action's places the plan document shows before "… (N in all)".
    public static let shownPlaces = 3
    /// How many of a merged action's retired findings the plan document names before "…".
    public static let shownFindings = 12

    /// How many assets the action covers.
    public var count: Int
    /// How many findings it retires over all of them.
    public var findings: Int
    /// The CSV file listing every asset, as the plan document reaches it (`plan-assets/<name>.csv`); nil while
    /// the assets are listed in the plan itself.
    public var file: String?
    /// Every asset, one row each; left out of the JSON document when `file` holds them. When `allPlaces` is set,
    /// only the first `inlineLimit`: the rest went to the CSV file as the planner made them.
    public var assets: [PlanAsset]?
    /// Set when the planner wrote this list's rows out as it made them (`PlanInput.assetRows`) and the action
    /// keeps only the places and findings its document shows: how many places it touches in all. Never encoded.
    public var allPlaces: Int?
    /// With `allPlaces`: how many findings the action retires in all (its `retires` holds the first ones).
    public var allRetires: Int?

    enum CodingKeys: String, CodingKey {
        case count, findings, file, assets
    }

    public init(
        count: Int, findings: Int, file: String? = nil, assets: [PlanAsset]?, allPlaces: Int? = nil,
        allRetires: Int? = nil
    ) {
        self.count = count
        self.findings = findings
        self.file = file
        self.assets = assets
        self.allPlaces = allPlaces
        self.allRetires = allRetires
    }
}

extension PlanAction {
    /// How many places the action touches, those of a list written out as it was made included.
    public var placeCount: Int { assetList?.allPlaces ?? locations.count }
    /// How many findings the action retires, those of a list written out as it was made included.
    public var retireCount: Int { assetList?.allRetires ?? retires.count }
}

/// One asset of an aggregated action: what a single action would have said about it.
public struct PlanAsset: Codable, Sendable, Hashable {
    /// The id the action would have had alone (`certificate-reissue:CN=host1.example.org`): stable across scans.
    public var action: String
    /// The certificate's subject, or the system the setting belongs to.
    public var name: String
    /// What it uses now, with its parameters (`RSA-2048`, `ECDSA P-256`, `TLSv1.2`).
    public var current: String
    public var locations: [PlanLocation]
    /// A certificate's last valid day.
    public var expires: CalendarDay?
    public var deadline: CalendarDay?
    /// How many findings the change retires on this asset.
    public var findings: Int

    public init(
        action: String, name: String, current: String, locations: [PlanLocation], expires: CalendarDay? = nil,
        deadline: CalendarDay?, findings: Int
    ) {
        self.action = action
        self.name = name
        self.current = current
        self.locations = locations
        self.expires = expires
        self.deadline = deadline
        self.findings = findings
    }
}

/// A software family at a minimum version (`openssh` 9.9): the goal of an upgrade action.
public struct PlanVersionRequirement: Codable, Sendable, Hashable {
    public var family: String
    public var minimum: String

    public init(family: String, minimum: String) {
        self.family = family
        self.minimum = minimum
    }
}

/// How far one action planned for an earlier scan has come.
public enum PlanProgressState: String, Codable, Sendable, CaseIterable {
    case done
    case partlyDone = "partly-done"
    case open
}

/// One earlier action's state in a later scan (`--since`).
public struct PlanActionProgress: Codable, Sendable, Hashable {
    public var id: String
    public var title: String
    public var state: PlanProgressState
    /// Findings the action was to retire in the earlier scan.
    public var retiredBefore: Int
    /// How many of them the later scan still has.
    public var remaining: Int

    public init(id: String, title: String, state: PlanProgressState, retiredBefore: Int, remaining: Int) {
        self.id = id
        self.title = title
        self.state = state
        self.retiredBefore = retiredBefore
        self.remaining = remaining
    }
}

/// `--since SCAN`: the earlier scan's actions, each marked done, partly done or open by the later scan.
public struct PlanProgressReport: Codable, Sendable, Hashable {
    public var sinceScanID: Int64
    public var actions: [PlanActionProgress]

    public init(sinceScanID: Int64, actions: [PlanActionProgress]) {
        self.sinceScanID = sinceScanID
        self.actions = actions
    }

    public func count(_ state: PlanProgressState) -> Int { actions.filter { $0.state == state }.count }
}
