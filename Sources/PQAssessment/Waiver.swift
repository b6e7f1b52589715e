import Foundation
import PQModel

/// An accepted risk: which findings, who owns the decision, why, and until when.
///
/// A waiver is honoured while the as-of date is on or before `expires`; after that the finding counts again and
/// the report says the waiver expired. A waived finding is still listed (with the waiver); no gate counts it.
public struct Waiver: Codable, Sendable, Hashable {
    public var id: String
    public var selector: WaiverSelector
    public var owner: String
    public var reason: String
    public var expires: CalendarDay

    public init(id: String, selector: WaiverSelector, owner: String, reason: String, expires: CalendarDay) {
        self.id = id
        self.selector = selector
        self.owner = owner
        self.reason = reason
        self.expires = expires
    }

    /// The waiver's effect on a finding it covers, on `asOf`.
    public func status(asOf: CalendarDay) -> WaiverStatus {
        WaiverStatus(id: id, owner: owner, reason: reason, expires: expires, honoured: asOf <= expires)
    }
}

/// Which findings a waiver covers. Every given field must match; at least one must be given.
public struct WaiverSelector: Codable, Sendable, Hashable {
    /// A `PathPattern` over the finding's path (`etc/ssl/certs/*.crt`).
    public var path: String?
    /// Canonical name or the algorithm as written; a trailing `*` matches any suffix.
    public var algorithm: String?
    public var source: String?
    public var setting: String?
    public var usage: Usage?
    public var context: String?
    /// `profile/rule` (or just `rule`) that decided the verdict.
    public var rule: String?
    /// A system id (`store:etc/ssl/certs`).
    public var system: String?

    public init(
        path: String? = nil, algorithm: String? = nil, source: String? = nil, setting: String? = nil,
        usage: Usage? = nil, context: String? = nil, rule: String? = nil, system: String? = nil
    ) {
        self.path = path
        self.algorithm = algorithm
        self.source = source
        self.setting = setting
        self.usage = usage
        self.context = context
        self.rule = rule
        self.system = system
    }

    /// Field names, for error messages listing the valid choices.
    public static let fieldNames = ["path", "algorithm", "source", "setting", "usage", "context", "rule", "system"]

    public var isEmpty: Bool {
        path == nil && algorithm == nil && source == nil && setting == nil && usage == nil && context == nil
            && rule == nil && system == nil
    }

    /// True when the selector covers the finding judged by `verdict` in `system`.
    public func matches(_ finding: Finding, verdict: PolicyVerdict?, system: String?) -> Bool {
        if isEmpty { return false }
        if let path, !PathPattern(path).matches(finding.path) { return false }
        if let algorithm {
            let names = [finding.canonical, finding.algorithm].compactMap { $0 }
            guard names.contains(where: { PolicyMatchName.matches($0, algorithm) }) else { return false }
        }
        if let source, source != finding.source.rawValue { return false }
        if let setting, setting.lowercased() != finding.setting.lowercased() { return false }
        if let usage, usage != finding.usage { return false }
        if let context, context != finding.context { return false }
        if let rule {
            guard let decided = verdict?.rule else { return false }
            guard decided == rule || decided.hasSuffix("/" + rule) else { return false }
        }
        if let wanted = self.system, wanted != system { return false }
        return true
    }
}

enum PolicyMatchName {
    static func matches(_ name: String, _ pattern: String) -> Bool {
        let lowered = name.lowercased()
        let p = pattern.lowercased()
        if p.hasSuffix("*") { return lowered.hasPrefix(String(p.dropLast())) }
        return lowered == p
    }
}
