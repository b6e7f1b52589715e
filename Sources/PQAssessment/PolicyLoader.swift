import Foundation
import PQCatalog
import PQModel

/// Reads custom policy profiles and waiver files from YAML (schemas in Docs/policies.md).
public enum PolicyLoader {
    /// A profile: a bundled id, or a custom YAML file.
    /// - Throws: `AssessmentError` `assess.unknown-profile` (with the valid ids), or the loader's errors.
    public static func bundled(_ id: String) throws(AssessmentError) -> PolicyProfile {
        do {
            return try PolicyProfile.bundled(id)
        } catch let error as CatalogError {
            throw AssessmentError(code: "assess.unknown-profile", reason: error.reason)
        } catch {
            throw AssessmentError(code: "assess.unknown-profile", reason: "\(error)")
        }
    }

    static func matchShape(catalog: Catalog) -> YAMLShape {
        let families = Array(Set(catalog.entries.map(\.family))).sorted()
        let names = catalog.knownNames
        return .object(
            [
                "families": .list(.choice(families)),
                "primitives": .list(.choice(Primitive.allCases.map(\.rawValue))),
                "usages": .list(.choice(Usage.allCases.map(\.rawValue))),
                "algorithms": .list(.catalogName(names)),
                "exceptAlgorithms": .list(.catalogName(names)),
                "quantumStatus": .list(.choice(QuantumStatus.allCases.map(\.rawValue))),
                "minStrength": .int, "maxStrength": .int,
            ], required: [])
    }

    static func profileShape(catalog: Catalog) -> YAMLShape {
        let rule: YAMLShape = .object(
            [
                "id": .string, "summary": .string, "match": matchShape(catalog: catalog),
                "categories": .list(.string), "deprecatedFrom": .day, "disallowedFrom": .day,
                "datesFromCategory": .bool, "binding": .bool, "source": .string,
                "example": .object(
                    [
                        "algorithm": .string, "usage": .choice(Usage.allCases.map(\.rawValue)), "keyBits": .int,
                        "curve": .string, "source": .string,
                    ], required: ["algorithm", "usage"]),
            ], required: ["id", "summary", "match", "source"])
        let category: YAMLShape = .object(
            ["id": .string, "title": .string, "deprecatedFrom": .day, "disallowedFrom": .day, "source": .string],
            required: ["id", "title", "source"])
        let preference: YAMLShape = .object(
            [
                "purpose": .choice(PolicyPreference.Purpose.allCases.map(\.rawValue)), "prefer": .list(.string),
                "summary": .string, "source": .string,
            ], required: ["purpose", "prefer", "summary", "source"])
        return .object(
            [
                "id": .string, "title": .string, "authority": .string, "document": .string, "binding": .bool,
                "scope": .string, "verification": .string, "categories": .list(category), "defaultCategory": .string,
                "categoryBySource": .map(.string), "rules": .list(rule), "preferences": .list(preference),
                "notes": .list(.string),
            ], required: ["id", "title", "authority", "document", "binding", "verification", "rules"])
    }

    /// Parses a custom policy profile.
    /// - Parameters:
    ///   - text: the YAML.
    ///   - file: the name errors give (the path as the user wrote it).
    /// - Throws: `AssessmentError` naming the file and line, and the valid choices for a misspelt key or value.
    public static func profile(yaml text: String, file: String, catalog: Catalog = .shared) throws(AssessmentError)
        -> PolicyProfile
    {
        let reader = YAMLReader(file: file, text: text)
        let value = try reader.read(profileShape(catalog: catalog))
        let profile = try YAMLReader.decode(PolicyProfile.self, from: value, file: file)
        let categories = Set(profile.categories.map(\.id))
        func bad(_ message: String) -> AssessmentError {
            AssessmentError(code: "yaml.invalid", reason: "\(file): \(message)")
        }
        if let id = profile.defaultCategory, !categories.contains(id) {
            throw bad(
                "defaultCategory '\(id)' is not a category; valid choices: \(categories.sorted().joined(separator: ", "))"
            )
        }
        for (source, id) in profile.categoryBySource where !categories.contains(id) {
            throw bad(
                "categoryBySource maps \(source) to '\(id)', not a category; valid choices: "
                    + categories.sorted().joined(separator: ", "))
        }
        var ids = Set<String>()
        for rule in profile.rules {
            guard ids.insert(rule.id).inserted else { throw bad("two rules are named '\(rule.id)'") }
            for id in rule.categories ?? [] where !categories.contains(id) {
                throw bad(
                    "rule \(rule.id) names category '\(id)'; valid choices: "
                        + (categories.isEmpty
                            ? "(the profile defines none)" : categories.sorted().joined(separator: ", ")))
            }
            if rule.datesFromCategory && profile.categories.isEmpty {
                throw bad("rule \(rule.id) takes its dates from the category, but the profile defines no categories")
            }
            if !rule.datesFromCategory && rule.deprecatedFrom == nil && rule.disallowedFrom == nil {
                throw bad(
                    "rule \(rule.id) has no deprecatedFrom, disallowedFrom or datesFromCategory: it would never fire")
            }
            if let deprecated = rule.deprecatedFrom, let disallowed = rule.disallowedFrom, disallowed < deprecated {
                throw bad("rule \(rule.id) is disallowed (\(disallowed)) before it is deprecated (\(deprecated))")
            }
        }
        return profile
    }

    /// Reads a custom policy file from disk.
    public static func profile(file path: String, catalog: Catalog = .shared) throws(AssessmentError) -> PolicyProfile {
        try profile(yaml: read(path), file: path, catalog: catalog)
    }

    static let waiverShape: YAMLShape = .object(
        [
            "waivers": .list(
                .object(
                    [
                        "id": .string,
                        "selector": .object(
                            [
                                "path": .string, "algorithm": .string, "source": .string, "setting": .string,
                                "usage": .choice(Usage.allCases.map(\.rawValue)), "context": .string, "rule": .string,
                                "system": .string,
                            ], required: []),
                        "owner": .string, "reason": .string, "expires": .day,
                    ], required: ["id", "selector", "owner", "reason", "expires"]))
        ], required: ["waivers"])

    /// Parses a waiver file.
    /// - Throws: `AssessmentError` naming the file and line; an empty selector or a duplicate id is refused.
    public static func waivers(yaml text: String, file: String) throws(AssessmentError) -> [Waiver] {
        let value = try YAMLReader(file: file, text: text).read(waiverShape)
        struct File: Decodable { var waivers: [Waiver] }
        let waivers = try YAMLReader.decode(File.self, from: value, file: file).waivers
        var ids = Set<String>()
        for waiver in waivers {
            guard ids.insert(waiver.id).inserted else {
                throw AssessmentError(code: "yaml.invalid", reason: "\(file): two waivers are named '\(waiver.id)'")
            }
            if waiver.selector.isEmpty {
                throw AssessmentError(
                    code: "yaml.invalid",
                    reason: "\(file): waiver \(waiver.id) has an empty selector (it would cover nothing); keys: "
                        + WaiverSelector.fieldNames.joined(separator: ", "))
            }
        }
        return waivers
    }

    /// Reads a waiver file from disk.
    public static func waivers(file path: String) throws(AssessmentError) -> [Waiver] {
        try waivers(yaml: read(path), file: path)
    }

    static func read(_ path: String) throws(AssessmentError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AssessmentError(code: "assess.unreadable", reason: "cannot read \(path)")
        }
        guard data.count <= 4 << 20 else {
            throw AssessmentError(code: "assess.unreadable", reason: "\(path) is larger than 4 MiB")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
