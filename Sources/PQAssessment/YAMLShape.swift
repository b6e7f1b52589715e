import Foundation
import PQModel
import Yams

/// The expected shape of a YAML document, checked node by node so a typo is reported with its file, line and the
/// valid choices (`policy.yaml:12: unknown key 'familes'; valid choices: families, primitives, ...`).
///
/// Yams' Decodable path reports a coding path but no line; composing the node tree keeps libyaml's marks.
indirect enum YAMLShape: Sendable {
    case string
    case int
    case bool
    case day
    /// One of a closed set, compared case-insensitively; the value is normalised to the set's spelling.
    case choice([String])
    /// A name the catalog knows, or a pattern ending in `*`.
    case catalogName(Set<String>)
    case list(YAMLShape)
    case object([String: YAMLShape], required: [String])
    /// Free keys, each value of one shape.
    case map(YAMLShape)
}

/// Reads YAML into JSON-compatible values, validating against a `YAMLShape`.
struct YAMLReader {
    let file: String
    let text: String
    /// When set, every mapping read through an `.object` shape also gets this key holding its 1-based line, so a
    /// later semantic check (a claimed default missing from the supported list) can still name the line.
    var lineKey: String? = nil

    /// Nesting and alias budgets, checked on the event stream before Yams builds a tree (YAMLBudget).
    var budget = YAMLBudget()

    func read(_ shape: YAMLShape) throws(AssessmentError) -> Any {
        if let exceeded = budget.check(text) {
            throw AssessmentError(code: exceeded.code, reason: "\(file):\(exceeded.line): \(exceeded.message)")
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw AssessmentError(code: "yaml.syntax", reason: "\(file): \(Self.describe(error))")
        } catch {
            throw AssessmentError(code: "yaml.syntax", reason: "\(file): \(error)")
        }
        guard let root else { throw AssessmentError(code: "yaml.empty", reason: "\(file): the file is empty") }
        return try value(root, shape, key: "document")
    }

    func fail(_ node: Node?, _ message: String) -> AssessmentError {
        let line = node?.mark.map { ":\($0.line)" } ?? ""
        return AssessmentError(code: "yaml.invalid", reason: "\(file)\(line): \(message)")
    }

    func value(_ node: Node, _ shape: YAMLShape, key: String) throws(AssessmentError) -> Any {
        switch shape {
        case .string:
            guard let text = node.scalar?.string else { throw fail(node, "'\(key)' must be a single value") }
            return text
        case .int:
            guard let text = node.scalar?.string, let number = Int(text) else {
                throw fail(node, "'\(key)' must be a whole number")
            }
            return number
        case .bool:
            switch node.scalar?.string.lowercased() {
            case "true", "yes", "on": return true
            case "false", "no", "off": return false
            default: throw fail(node, "'\(key)' must be true or false")
            }
        case .day:
            guard let text = node.scalar?.string, CalendarDay(text) != nil else {
                throw fail(node, "'\(key)' must be a date written YYYY-MM-DD")
            }
            return text
        case .choice(let choices):
            guard let text = node.scalar?.string else { throw fail(node, "'\(key)' must be a single value") }
            guard let found = choices.first(where: { $0.lowercased() == text.lowercased() }) else {
                throw fail(node, "'\(text)' is not a valid \(key); valid choices: \(choices.joined(separator: ", "))")
            }
            return found
        case .catalogName(let names):
            guard let text = node.scalar?.string else { throw fail(node, "'\(key)' must be a single value") }
            if text.hasSuffix("*") || names.contains(text.lowercased()) { return text }
            let close = names.filter { Self.distance($0, text.lowercased()) <= 2 }.sorted().prefix(5)
            throw fail(
                node,
                "'\(text)' is not an algorithm the catalog knows"
                    + (close.isEmpty ? "" : "; did you mean: \(close.joined(separator: ", "))")
                    + " (`pqscout catalog --list` shows every name; end a pattern with * to match a prefix)")
        case .list(let element):
            if node.scalar != nil, case .list = shape {
                // A single value where a list is expected reads as a one-element list.
                return [try value(node, element, key: key)]
            }
            guard let sequence = node.sequence else { throw fail(node, "'\(key)' must be a list") }
            var out: [Any] = []
            for item in sequence { out.append(try value(item, element, key: key)) }
            return out
        case .object(let fields, let required):
            guard let mapping = node.mapping else { throw fail(node, "'\(key)' must be a mapping of keys to values") }
            var out: [String: Any] = [:]
            for (keyNode, valueNode) in mapping {
                guard let name = keyNode.scalar?.string else { throw fail(keyNode, "keys must be plain names") }
                guard let fieldShape = fields[name] else {
                    throw fail(
                        keyNode,
                        "unknown key '\(name)' in \(key); valid choices: \(fields.keys.sorted().joined(separator: ", "))"
                    )
                }
                out[name] = try value(valueNode, fieldShape, key: name)
            }
            for name in required where out[name] == nil {
                throw fail(node, "\(key) lacks the required key '\(name)'")
            }
            if let lineKey, let line = node.mark?.line { out[lineKey] = line }
            return out
        case .map(let element):
            guard let mapping = node.mapping else { throw fail(node, "'\(key)' must be a mapping of keys to values") }
            var out: [String: Any] = [:]
            for (keyNode, valueNode) in mapping {
                guard let name = keyNode.scalar?.string else { throw fail(keyNode, "keys must be plain names") }
                out[name] = try value(valueNode, element, key: name)
            }
            return out
        }
    }

    /// Decodes validated values through their Codable form.
    static func decode<T: Decodable>(_ type: T.Type, from value: Any, file: String) throws(AssessmentError) -> T {
        do {
            let data = try JSONSerialization.data(withJSONObject: value)
            return try JSONDecoder().decode(T.self, from: data)
        } catch {
            throw AssessmentError(code: "yaml.invalid", reason: "\(file): \(error)")
        }
    }

    static func describe(_ error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return "line \(mark.line): \(problem)"
        default:
            return "\(error)".split(separator: "\n").first.map(String.init) ?? "unreadable YAML"
        }
    }

    /// Levenshtein distance, for "did you mean" hints on short names.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        if abs(a.count - b.count) > 2 { return 3 }
        var previous = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in stride(from: 1, through: b.count, by: 1) {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
