import Foundation
import PQModel

/// A policy profile: dated rules about which algorithms may be used, each citing its source.
///
/// Profiles are data (`Resources/policies/*.json`, or a custom YAML file read by PQAssessment's `PolicyLoader`);
/// the evaluation lives in PQAssessment (`PolicyEvaluator`). Every rule says whether it binds anyone
/// (`binding`, `scope`) or is guidance, and where a fact rests on secondary sources the rule's `source` says so
/// (standards.md ◐/❓ marks), so a report never presents guidance as mandate.
public struct PolicyProfile: Codable, Sendable, Hashable {
    public var id: String
    public var title: String
    /// Issuing body: "NIST", "NSA", ...
    public var authority: String
    /// The document, its status and date: "NIST IR 8547 initial public draft, Nov 2024".
    public var document: String
    /// Default for rules that do not say.
    public var binding: Bool
    /// Who the profile binds when `binding` is true ("US National Security Systems").
    public var scope: String?
    /// How well the profile's facts are verified, in words, with the standards.md mark.
    public var verification: String
    public var categories: [PolicyCategory]
    /// The category used when none is asked for and `categoryBySource` has no entry.
    public var defaultCategory: String?
    /// Finding source → category, when the caller names none (`nginx` → web browsers/servers).
    public var categoryBySource: [String: String]
    /// Rules in order; the first that matches a finding decides.
    public var rules: [PolicyRule]
    /// What the profile prefers where several algorithms are allowed (CNSA 2.0: pure ML-KEM-1024; BSI/ANSSI-style
    /// guidance: hybrids). A preference never changes a verdict's state; it is reported beside it.
    public var preferences: [PolicyPreference]
    public var notes: [String]

    public init(
        id: String, title: String, authority: String, document: String, binding: Bool, scope: String? = nil,
        verification: String, categories: [PolicyCategory] = [], defaultCategory: String? = nil,
        categoryBySource: [String: String] = [:], rules: [PolicyRule], preferences: [PolicyPreference] = [],
        notes: [String] = []
    ) {
        self.id = id
        self.title = title
        self.authority = authority
        self.document = document
        self.binding = binding
        self.scope = scope
        self.verification = verification
        self.categories = categories
        self.defaultCategory = defaultCategory
        self.categoryBySource = categoryBySource
        self.rules = rules
        self.preferences = preferences
        self.notes = notes
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        title = try c.decode(String.self, forKey: .title)
        authority = try c.decode(String.self, forKey: .authority)
        document = try c.decode(String.self, forKey: .document)
        binding = try c.decode(Bool.self, forKey: .binding)
        scope = try c.decodeIfPresent(String.self, forKey: .scope)
        verification = try c.decode(String.self, forKey: .verification)
        categories = try c.decodeIfPresent([PolicyCategory].self, forKey: .categories) ?? []
        defaultCategory = try c.decodeIfPresent(String.self, forKey: .defaultCategory)
        categoryBySource = try c.decodeIfPresent([String: String].self, forKey: .categoryBySource) ?? [:]
        rules = try c.decode([PolicyRule].self, forKey: .rules)
        preferences = try c.decodeIfPresent([PolicyPreference].self, forKey: .preferences) ?? []
        notes = try c.decodeIfPresent([String].self, forKey: .notes) ?? []
    }

    /// The category with this id, or nil.
    public func category(_ id: String) -> PolicyCategory? { categories.first { $0.id == id } }

    // MARK: - Bundled profiles

    /// Ids of the profiles PQScout ships, default first.
    public static let bundledIDs = ["nist-ir-8547", "cnsa-2.0", "eu-pqc-roadmap", "uk-ncsc"]

    /// The default profile's id: NIST IR 8547 (issue 6).
    public static let defaultID = "nist-ir-8547"

    /// Loads a bundled profile by id.
    /// - Throws: `CatalogError` `policy.unknown` (with the valid ids) or `policy.unreadable`.
    public static func bundled(_ id: String) throws -> PolicyProfile {
        guard bundledIDs.contains(id),
            let url = Bundle.module.url(forResource: id, withExtension: "json", subdirectory: "policies")
        else {
            throw CatalogError(
                code: "policy.unknown",
                reason: "no policy profile named \(id); valid choices: \(bundledIDs.joined(separator: ", "))")
        }
        do {
            return try JSONDecoder().decode(PolicyProfile.self, from: Data(contentsOf: url))
        } catch {
            throw CatalogError(code: "policy.unreadable", reason: "bundled policy \(id) is unreadable: \(error)")
        }
    }

    /// Every bundled profile, in `bundledIDs` order.
    public static func allBundled() throws -> [PolicyProfile] { try bundledIDs.map { try bundled($0) } }
}

/// What a profile prefers for one purpose, among the algorithms it allows.
public struct PolicyPreference: Codable, Sendable, Hashable {
    /// What the preference is about.
    public enum Purpose: String, Codable, Sendable, CaseIterable {
        /// Key exchange, groups and KEMs.
        case keyEstablishment = "key-establishment"
        /// Signatures and signing keys.
        case signature
    }

    public var purpose: Purpose
    /// Canonical names preferred (case-insensitive; a trailing `*` matches any suffix).
    public var prefer: [String]
    /// The preference in words: "pure ML-KEM-1024".
    public var summary: String
    /// Document, section and date, with the standards.md verification mark.
    public var source: String

    public init(purpose: Purpose, prefer: [String], summary: String, source: String) {
        self.purpose = purpose
        self.prefer = prefer
        self.summary = summary
        self.source = source
    }
}

/// A class of systems a profile dates separately (CNSA 2.0's "web browsers/servers and cloud services").
public struct PolicyCategory: Codable, Sendable, Hashable {
    public var id: String
    public var title: String
    /// Dates for rules that take them from the category (`PolicyRule.deprecatedFrom` nil).
    public var deprecatedFrom: CalendarDay?
    public var disallowedFrom: CalendarDay?
    public var source: String

    public init(
        id: String, title: String, deprecatedFrom: CalendarDay? = nil, disallowedFrom: CalendarDay? = nil,
        source: String
    ) {
        self.id = id
        self.title = title
        self.deprecatedFrom = deprecatedFrom
        self.disallowedFrom = disallowedFrom
        self.source = source
    }
}

/// One dated rule: which findings it covers and from when they are deprecated and disallowed.
public struct PolicyRule: Codable, Sendable, Hashable {
    public var id: String
    /// What the rule covers, in words: "RSA signatures at 112-bit strength".
    public var summary: String
    public var match: PolicyMatch
    /// Categories the rule applies in; nil means all (and profiles without categories).
    public var categories: [String]?
    /// First day the covered findings are deprecated ("deprecated after 2030" → 2031-01-01). When nil and
    /// `datesFromCategory` is true, the category's date is used.
    public var deprecatedFrom: CalendarDay?
    /// First day the covered findings are disallowed.
    public var disallowedFrom: CalendarDay?
    /// Take missing dates from the category the finding is judged under.
    public var datesFromCategory: Bool
    /// Overrides the profile's `binding` for this rule.
    public var binding: Bool?
    /// Document, section, date, and the standards.md verification mark.
    public var source: String
    /// A finding this rule must cover: the rule's own test fixture (STYLE.md rule 9).
    public var example: RuleExample?

    public init(
        id: String, summary: String, match: PolicyMatch, categories: [String]? = nil,
        deprecatedFrom: CalendarDay? = nil, disallowedFrom: CalendarDay? = nil, datesFromCategory: Bool = false,
        binding: Bool? = nil, source: String, example: RuleExample? = nil
    ) {
        self.id = id
        self.summary = summary
        self.match = match
        self.categories = categories
        self.deprecatedFrom = deprecatedFrom
        self.disallowedFrom = disallowedFrom
        self.datesFromCategory = datesFromCategory
        self.binding = binding
        self.source = source
        self.example = example
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        summary = try c.decode(String.self, forKey: .summary)
        match = try c.decode(PolicyMatch.self, forKey: .match)
        categories = try c.decodeIfPresent([String].self, forKey: .categories)
        deprecatedFrom = try c.decodeIfPresent(CalendarDay.self, forKey: .deprecatedFrom)
        disallowedFrom = try c.decodeIfPresent(CalendarDay.self, forKey: .disallowedFrom)
        datesFromCategory = try c.decodeIfPresent(Bool.self, forKey: .datesFromCategory) ?? false
        binding = try c.decodeIfPresent(Bool.self, forKey: .binding)
        source = try c.decode(String.self, forKey: .source)
        example = try c.decodeIfPresent(RuleExample.self, forKey: .example)
    }
}

/// Which findings a rule covers. Every given criterion must hold; an absent one holds for all.
///
/// Names compare case-insensitively against the finding's canonical name (or its raw algorithm when the catalog
/// does not know it); a trailing `*` matches any suffix (`ML-DSA-87*` covers the composites that start with it).
public struct PolicyMatch: Codable, Sendable, Hashable {
    /// Catalog families (`RSA`, `ECDSA`, `FFDH`, `ECC`, ...).
    public var families: [String]?
    /// Catalog primitives (`signature`, `pke`, `key-agree`, `kem`, `curve`, `hash`, ...).
    public var primitives: [String]?
    public var usages: [Usage]?
    public var algorithms: [String]?
    /// Names excluded even when everything else matches (CNSA 2.0's own suite).
    public var exceptAlgorithms: [String]?
    public var quantumStatus: [QuantumStatus]?
    /// Classical security strength bounds in bits (SP 800-57), inclusive.
    public var minStrength: Int?
    public var maxStrength: Int?

    public init(
        families: [String]? = nil, primitives: [String]? = nil, usages: [Usage]? = nil, algorithms: [String]? = nil,
        exceptAlgorithms: [String]? = nil, quantumStatus: [QuantumStatus]? = nil, minStrength: Int? = nil,
        maxStrength: Int? = nil
    ) {
        self.families = families
        self.primitives = primitives
        self.usages = usages
        self.algorithms = algorithms
        self.exceptAlgorithms = exceptAlgorithms
        self.quantumStatus = quantumStatus
        self.minStrength = minStrength
        self.maxStrength = maxStrength
    }

    /// Field names, for error messages listing the valid choices.
    public static let fieldNames = [
        "families", "primitives", "usages", "algorithms", "exceptAlgorithms", "quantumStatus", "minStrength",
        "maxStrength",
    ]

    /// True when `name` matches one of `patterns` (case-insensitive; trailing `*` is a prefix match).
    public static func name(_ name: String, matchesAny patterns: [String]) -> Bool {
        let lowered = name.lowercased()
        return patterns.contains { pattern in
            let p = pattern.lowercased()
            if p.hasSuffix("*") { return lowered.hasPrefix(String(p.dropLast())) }
            return lowered == p
        }
    }
}

/// A finding a rule must cover, written like a scanner's output.
public struct RuleExample: Codable, Sendable, Hashable {
    public var algorithm: String
    public var usage: Usage
    public var keyBits: Int?
    public var curve: String?
    public var source: String?

    public init(algorithm: String, usage: Usage, keyBits: Int? = nil, curve: String? = nil, source: String? = nil) {
        self.algorithm = algorithm
        self.usage = usage
        self.keyBits = keyBits
        self.curve = curve
        self.source = source
    }
}
