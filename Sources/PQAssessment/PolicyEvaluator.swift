import PQCatalog
import PQModel

/// Judges findings against one policy profile on a given day: allowed, due, deprecated (since), disallowed (since).
///
/// Pure: a profile, a category choice and a catalog in, verdicts out. The first rule of the profile that matches a
/// finding decides (profiles list specific rows before catch-alls). Each verdict carries the rule, whether it
/// binds (`binding`, `scope`) and its source, so a report can never present guidance as a mandate.
public struct PolicyEvaluator: Sendable {
    public let profile: PolicyProfile
    /// The category every finding is judged under (`--category`); nil to infer one per finding.
    public let category: String?
    public let catalog: Catalog

    /// - Throws: `AssessmentError` `assess.unknown-category` naming the valid categories.
    public init(profile: PolicyProfile, category: String? = nil, catalog: Catalog = .shared) throws(AssessmentError) {
        if let category, profile.category(category) == nil {
            let valid = profile.categories.map(\.id)
            throw AssessmentError(
                code: "assess.unknown-category",
                reason: valid.isEmpty
                    ? "profile \(profile.id) has no categories; drop --category \(category)"
                    : "profile \(profile.id) has no category \(category); valid choices: "
                        + valid.joined(separator: ", "))
        }
        self.profile = profile
        self.category = category
        self.catalog = catalog
    }

    /// What a finding looks like to the rules: its catalog family and primitive, and its strength.
    public struct Subject: Sendable, Hashable {
        public var name: String
        public var rawAlgorithm: String
        public var family: String?
        public var primitive: String?
        public var usage: Usage
        public var quantumStatus: QuantumStatus
        public var strength: Int?
        public var source: String
    }

    /// The subject of a finding. `issuerStrength` supplies the strength of a certificate signature whose own finding
    /// carries no key size (the issuer's key decides it).
    public func subject(of finding: Finding, issuerStrength: Int? = nil) -> Subject {
        let entry = finding.canonical.flatMap { catalog.entry(named: $0) } ?? catalog.entry(named: finding.algorithm)
        let strength =
            SecurityStrength.bits(
                canonical: finding.canonical, family: entry?.family, keyBits: finding.keyBits, curve: finding.curve,
                catalog: catalog) ?? issuerStrength
        return Subject(
            name: finding.canonical ?? finding.algorithm, rawAlgorithm: finding.algorithm, family: entry?.family,
            primitive: entry?.primitive.rawValue, usage: finding.usage, quantumStatus: finding.quantumStatus,
            strength: strength, source: finding.source.rawValue)
    }

    /// The category a finding is judged under: `category` when given, else inferred from its source, else the
    /// profile's default. nil for profiles without categories.
    public func category(for source: String) -> (category: PolicyCategory, inferred: Bool)? {
        if let category, let found = profile.category(category) { return (found, false) }
        guard !profile.categories.isEmpty else { return nil }
        if let id = profile.categoryBySource[source], let found = profile.category(id) { return (found, true) }
        if let id = profile.defaultCategory, let found = profile.category(id) { return (found, true) }
        return nil
    }

    /// The first rule matching the subject in the category, or nil.
    public func rule(for subject: Subject, category: PolicyCategory?) -> PolicyRule? {
        profile.rules.first { rule in
            if let categories = rule.categories, let category, !categories.contains(category.id) { return false }
            return Self.matches(rule.match, subject)
        }
    }

    /// The rule's transition days in a category: its own dates, or the category's where the rule defers to it.
    public static func transitions(_ rule: PolicyRule, category: PolicyCategory?) -> (
        deprecated: CalendarDay?, disallowed: CalendarDay?
    ) {
        var deprecated = rule.deprecatedFrom
        var disallowed = rule.disallowedFrom
        if rule.datesFromCategory {
            deprecated = deprecated ?? category?.deprecatedFrom
            disallowed = disallowed ?? category?.disallowedFrom
        }
        return (deprecated, disallowed)
    }

    /// Judges one finding on `asOf`.
    public func evaluate(_ finding: Finding, asOf: CalendarDay, issuerStrength: Int? = nil) -> PolicyVerdict {
        evaluate(subject(of: finding, issuerStrength: issuerStrength), asOf: asOf)
    }

    /// Judges one subject on `asOf`, and says whether it is what the profile prefers for its purpose.
    public func evaluate(_ subject: Subject, asOf: CalendarDay) -> PolicyVerdict {
        var verdict = judge(subject, asOf: asOf)
        if let preference = preference(for: subject) {
            let preferred = preference.prefer.contains { Self.glob($0, matches: subject.name) }
            verdict.preferred = preferred
            verdict.preference = "\(preference.summary) (\(preference.source))"
            if !preferred { verdict.explanation += "; \(profile.id) prefers \(preference.summary)" }
        }
        return verdict
    }

    /// The profile's preference for the subject's purpose (key establishment or signature), if it states one.
    public func preference(for subject: Subject) -> PolicyPreference? {
        let purpose: PolicyPreference.Purpose
        if subject.usage == .keyExchange || subject.usage == .group || subject.primitive == "kem"
            || subject.primitive == "key-agree"
        {
            purpose = .keyEstablishment
        } else if subject.usage == .signature || subject.primitive == "signature" {
            purpose = .signature
        } else {
            return nil
        }
        return profile.preferences.first { $0.purpose == purpose }
    }

    /// Case-insensitive match of a pattern where `*` stands for any run of characters.
    static func glob(_ pattern: String, matches name: String) -> Bool {
        let parts = pattern.lowercased().split(separator: "*", omittingEmptySubsequences: false).map(String.init)
        var rest = Substring(name.lowercased())
        for (index, part) in parts.enumerated() {
            if index == 0 {
                guard rest.hasPrefix(part) else { return false }
                rest = rest.dropFirst(part.count)
            } else if index == parts.count - 1 {
                return part.isEmpty || rest.hasSuffix(part)
            } else if let range = rest.range(of: part) {
                rest = rest[range.upperBound...]
            } else {
                return false
            }
        }
        return rest.isEmpty
    }

    func judge(_ subject: Subject, asOf: CalendarDay) -> PolicyVerdict {
        let chosen = category(for: subject.source)
        let categoryID = chosen?.category.id
        let categoryText = chosen.map { " in category \($0.category.id)" + ($0.inferred ? " (inferred)" : "") } ?? ""
        guard let rule = rule(for: subject, category: chosen?.category) else {
            return PolicyVerdict(
                state: .allowed, profile: profile.id, category: categoryID, binding: false,
                source: profile.document,
                explanation: "no rule of \(profile.id)\(categoryText) restricts \(subject.name)")
        }
        let binding = rule.binding ?? profile.binding
        let scope = binding ? profile.scope : nil
        let kind = binding ? "binding" + (scope.map { " for \($0)" } ?? "") : "guidance"
        var source = rule.source
        if rule.datesFromCategory, let category = chosen?.category { source += " | " + category.source }
        let ruleName = "\(profile.id)/\(rule.id)"
        let strengthText =
            subject.strength.map { " (\($0)-bit)" }
            ?? (rule.match.minStrength != nil || rule.match.maxStrength != nil
                ? " (strength unknown; judged at \(Self.assumedStrength) bits)" : "")
        let dates = Self.transitions(rule, category: chosen?.category)
        var verdict = PolicyVerdict(
            state: .allowed, profile: profile.id, rule: ruleName, category: categoryID, binding: binding,
            scope: scope, source: source, explanation: "")
        let head = "\(subject.name)\(strengthText)"
        let tail = " under \(ruleName)\(categoryText), \(kind)"
        if let disallowed = dates.disallowed, asOf >= disallowed {
            verdict.state = .disallowed
            verdict.since = disallowed
            verdict.explanation = "\(head): disallowed since \(disallowed)\(tail)"
        } else if let deprecated = dates.deprecated, asOf >= deprecated {
            verdict.state = .deprecated
            verdict.since = deprecated
            verdict.explanation = "\(head): deprecated since \(deprecated)"
            if let disallowed = dates.disallowed {
                verdict.deadline = disallowed
                verdict.nextState = .disallowed
                verdict.daysLeft = asOf.days(until: disallowed)
                verdict.explanation += ", disallowed from \(disallowed) (\(asOf.days(until: disallowed)) days left)"
            }
            verdict.explanation += tail
        } else if let next = [dates.deprecated, dates.disallowed].compactMap({ $0 }).min() {
            verdict.state = .due
            verdict.deadline = next
            verdict.nextState = next == dates.deprecated ? .deprecated : .disallowed
            verdict.daysLeft = asOf.days(until: next)
            let word = verdict.nextState == .deprecated ? "deprecated" : "disallowed"
            verdict.explanation = "\(head): \(word) from \(next), \(asOf.days(until: next)) days left"
            if let disallowed = dates.disallowed, verdict.nextState == .deprecated {
                verdict.explanation += ", disallowed from \(disallowed)"
            }
            verdict.explanation += tail
        } else {
            verdict.explanation = "\(head): covered by \(ruleName) with no date\(categoryText)"
        }
        return verdict
    }

    /// The day a certificate valid until `notAfter` outlives under this finding's rule, if it does.
    ///
    /// The strongest transition on or before `notAfter` wins: valid past the disallow day reports "disallowed".
    public func overrun(
        _ subject: Subject, notAfter: CalendarDay, asOf: CalendarDay
    ) -> CertificateOverrun? {
        guard notAfter >= asOf else { return nil }
        let chosen = category(for: subject.source)
        guard let rule = rule(for: subject, category: chosen?.category) else { return nil }
        let dates = Self.transitions(rule, category: chosen?.category)
        let kind = (rule.binding ?? profile.binding) ? "binding" : "guidance"
        let name = "\(profile.id)/\(rule.id)"
        if let disallowed = dates.disallowed, notAfter >= disallowed {
            return CertificateOverrun(
                notAfter: notAfter, deadline: disallowed, state: .disallowed,
                message: "valid until \(notAfter), disallowed from \(disallowed) under \(name) (\(kind))")
        }
        if let deprecated = dates.deprecated, notAfter >= deprecated {
            return CertificateOverrun(
                notAfter: notAfter, deadline: deprecated, state: .deprecated,
                message: "valid until \(notAfter), deprecated from \(deprecated) under \(name) (\(kind))")
        }
        return nil
    }

    // MARK: - Matching

    /// The strength a finding of unknown strength is judged at (IR 8547's lowest row).
    public static let assumedStrength = 112

    static func matches(_ match: PolicyMatch, _ subject: Subject) -> Bool {
        if let statuses = match.quantumStatus, !statuses.contains(subject.quantumStatus) { return false }
        if let usages = match.usages, !usages.contains(subject.usage) { return false }
        if let families = match.families {
            guard let family = subject.family, families.contains(where: { $0.lowercased() == family.lowercased() })
            else { return false }
        }
        if let primitives = match.primitives {
            guard let primitive = subject.primitive, primitives.contains(primitive) else { return false }
        }
        if let names = match.algorithms,
            !PolicyMatch.name(subject.name, matchesAny: names)
                && !PolicyMatch.name(subject.rawAlgorithm, matchesAny: names)
        {
            return false
        }
        if let except = match.exceptAlgorithms, PolicyMatch.name(subject.name, matchesAny: except) { return false }
        // Unknown strength is judged at 112 bits, the lowest row of IR 8547's tables: the conservative reading.
        let strength = subject.strength ?? PolicyEvaluator.assumedStrength
        if let minimum = match.minStrength, strength < minimum { return false }
        if let maximum = match.maxStrength, strength > maximum { return false }
        return true
    }
}

/// A failure of an assessment's inputs (profile, category, policy or waiver file): a stable code and one line.
public struct AssessmentError: Error, Sendable, Hashable, CustomStringConvertible {
    public let code: String
    public let reason: String

    public init(code: String, reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { reason }
}
