internal import CYaml
import Foundation

/// Checks a YAML text against nesting and alias budgets before anything builds a node tree from it.
///
/// Yams composes recursively and `Node` is destroyed recursively, so a few kilobytes of `- - - … x`, `? ? ? … x` or
/// a chain of aliases each wrapping the previous one run the process off its stack; and an alias that re-uses a
/// large list multiplies the work of every later step. Claims files are untrusted by design, so the budgets are
/// checked on libyaml's event stream, which nests exactly as the composer will (block sequences, complex keys,
/// flow collections and aliases alike) but holds no tree: nothing here recurses.
struct YAMLBudget {
    /// Deepest nesting of collections accepted; an alias counts as deep as the node it names. The schemas need 5.
    var maximumDepth = 64
    /// Nodes reached through aliases, counted as if each alias were written out in full. The schemas need no
    /// aliases; a few lists shared between protocols stay far below this.
    var maximumAliasExpansion = 10_000
    /// Most items in one list, or keys in one mapping. A product supports dozens of algorithms; a 4 MB claims file
    /// of 200,000 names is not a claim but a denial of service (it took minutes to judge).
    var maximumEntries = 10_000

    /// A budget exceeded: the 1-based line and what was exceeded.
    struct Exceeded: Error, Equatable {
        /// `yaml.too-deep` or `yaml.alias-budget`.
        let code: String
        let line: Int
        let message: String
    }

    private var depthMessage: String { "nested deeper than \(maximumDepth) levels; the schema needs far fewer" }

    private struct Frame {
        var anchor: String?
        var isMapping = false
        /// Child nodes so far (keys and values alike in a mapping).
        var children = 0
        /// Collections nested inside this one, deepest path.
        var height = 0
        var nodes = 0
    }

    /// Walks the event stream; stops at the first budget exceeded. A syntax error ends the check silently: the
    /// composer reports it with its own words and line.
    func check(_ text: String) -> Exceeded? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return nil }
        defer { yaml_parser_delete(&parser) }
        var bytes = Array(text.utf8)
        if bytes.isEmpty { return nil }
        return bytes.withUnsafeMutableBufferPointer { buffer -> Exceeded? in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            return walk(&parser)
        }
    }

    private func walk(_ parser: inout yaml_parser_t) -> Exceeded? {
        var stack: [Frame] = []
        /// Per anchor: the height and node count of the node it names.
        var anchors: [String: (height: Int, nodes: Int)] = [:]
        var expanded = 0
        var event = yaml_event_t()
        while true {
            guard yaml_parser_parse(&parser, &event) == 1 else { return nil }
            defer { yaml_event_delete(&event) }
            let line = Int(event.start_mark.line) + 1
            var finished: (anchor: String?, height: Int, nodes: Int)?
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return nil
            case YAML_SCALAR_EVENT:
                finished = (Self.string(event.data.scalar.anchor), 0, 1)
            case YAML_ALIAS_EVENT:
                // An undefined alias is the composer's error to report.
                let named = Self.string(event.data.alias.anchor).flatMap { anchors[$0] } ?? (0, 1)
                expanded += named.nodes
                if expanded > maximumAliasExpansion {
                    return Exceeded(
                        code: "yaml.alias-budget", line: line,
                        message: "aliases expand to more than \(maximumAliasExpansion) nodes; write the values out")
                }
                finished = (nil, named.height, named.nodes)
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                let anchor =
                    event.type == YAML_SEQUENCE_START_EVENT
                    ? event.data.sequence_start.anchor : event.data.mapping_start.anchor
                stack.append(Frame(anchor: Self.string(anchor), isMapping: event.type == YAML_MAPPING_START_EVENT))
                if stack.count > maximumDepth {
                    return Exceeded(code: "yaml.too-deep", line: line, message: depthMessage)
                }
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                if let frame = stack.popLast() { finished = (frame.anchor, frame.height + 1, frame.nodes + 1) }
            default:
                break
            }
            guard let node = finished else { continue }
            if stack.count + node.height > maximumDepth {
                return Exceeded(code: "yaml.too-deep", line: line, message: depthMessage + " (through an alias)")
            }
            if let anchor = node.anchor { anchors[anchor] = (node.height, node.nodes) }
            if !stack.isEmpty {
                stack[stack.count - 1].height = max(stack[stack.count - 1].height, node.height)
                stack[stack.count - 1].nodes += node.nodes
                stack[stack.count - 1].children += 1
                let top = stack[stack.count - 1]
                if (top.isMapping ? top.children / 2 : top.children) > maximumEntries {
                    return Exceeded(
                        code: "yaml.list-budget", line: line,
                        message: "a \(top.isMapping ? "mapping" : "list") of more than \(maximumEntries) entries")
                }
            }
        }
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }
}
