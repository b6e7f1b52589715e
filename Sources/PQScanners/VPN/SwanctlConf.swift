import PQModel

/// `swanctl.conf` (swanctl.conf(5)) in strongSwan's settings syntax: nested `name { ... }` sections,
/// `key = value` lines, `include` of further files, `name : template { }` inheritance, `#` comments.
enum SwanctlConf {
    final class Node {
        let name: String
        let path: ScanPath
        let line: Int
        var templates: [String]
        var values: [String: IPsecConf.Parameter] = [:]
        var children: [Node] = []

        init(name: String, path: ScanPath, line: Int, templates: [String] = []) {
            self.name = name
            self.path = path
            self.line = line
            self.templates = templates
        }

        func child(_ name: String) -> Node? { children.last { $0.name == name } }

        /// A value of this node or, failing that, of the sibling sections it names as templates.
        func value(_ key: String, siblings: [Node], depth: Int = 0) -> IPsecConf.Parameter? {
            if let own = values[key] { return own }
            guard depth < 8 else { return nil }
            for template in templates {
                if let base = siblings.last(where: { $0.name == template && $0 !== self }),
                    let found = base.value(key, siblings: siblings, depth: depth + 1)
                {
                    return found
                }
            }
            return nil
        }

        func inheritedChildren(siblings: [Node], depth: Int = 0) -> [Node] {
            var all = children
            guard depth < 8 else { return all }
            for template in templates {
                if let base = siblings.last(where: { $0.name == template && $0 !== self }) {
                    all += base.inheritedChildren(siblings: siblings, depth: depth + 1)
                }
            }
            return all
        }
    }

    static func scan(_ input: ScanInput, scanner: StrongSwanScanner, _ out: inout ConfigFindings) {
        let root = Node(name: "", path: input.path, line: 0)
        var stack = [root]
        read(input.bytes, path: input.path, tree: input.context.tree, depth: 0, &stack, &out)
        if stack.count > 1, let open = stack.last {
            out.problem("section \(open.name.prefix(60)) is never closed", line: open.line, file: open.path)
        }
        let siblings = root.children.filter { $0.name == "connections" }.flatMap(\.children)
        for connection in siblings {
            let context = "connections.\(connection.name)"
            emit(
                connection.value("proposals", siblings: siblings), node: connection, setting: "proposals",
                context: context, defaultList: StrongSwanScanner.defaultIKE, scanner: scanner, &out)
            let children = connection.inheritedChildren(siblings: siblings).filter { $0.name == "children" }
            for group in children {
                for child in group.children {
                    let childContext = context + ".children.\(child.name)"
                    emit(
                        child.value("esp_proposals", siblings: group.children), node: child, setting: "esp_proposals",
                        context: childContext, defaultList: StrongSwanScanner.defaultESP, scanner: scanner, &out)
                    if let ah = child.value("ah_proposals", siblings: group.children) {
                        emit(
                            ah, node: child, setting: "ah_proposals", context: childContext,
                            defaultList: StrongSwanScanner.defaultESP, scanner: scanner, &out)
                    }
                }
            }
        }
    }

    static func emit(
        _ parameter: IPsecConf.Parameter?, node: Node, setting: String, context: String, defaultList: String,
        scanner: StrongSwanScanner, _ out: inout ConfigFindings
    ) {
        if let parameter {
            scanner.emit(
                list: parameter.value, setting: setting,
                place: ConfigFindings.Place(path: parameter.path, line: parameter.line, context: context),
                defaultList: defaultList, strictByDefault: true, &out)
        } else {
            scanner.emit(
                proposal: IKEProposal(defaultList), setting: setting,
                place: ConfigFindings.Place(path: node.path, line: node.line, context: context, origin: .default),
                note: StrongSwanScanner.defaultNote + "; \(setting) is not set", &out)
        }
    }

    static func read(
        _ bytes: [UInt8], path: ScanPath, tree: (any TreeReader)?, depth: Int, _ stack: inout [Node],
        _ out: inout ConfigFindings
    ) {
        for (number, raw) in ConfigLines.split(bytes) {
            var rest = Substring(ConfigLines.trim(ConfigLines.stripComment(raw)))
            while !rest.isEmpty {
                if rest.hasPrefix("}") {
                    if stack.count > 1 {
                        stack.removeLast()
                    } else {
                        out.problem("} without an open section", line: number, file: path)
                    }
                    rest = Substring(rest.dropFirst().trimmingWhitespace())
                    continue
                }
                if rest.hasPrefix("include ") || rest.hasPrefix("include\t") {
                    let target = ConfigLines.unquote(rest.dropFirst(8).trimmingWhitespace())
                    include(target, from: path, line: number, tree: tree, depth: depth, &stack, &out)
                    break
                }
                let brace = rest.firstIndex(of: "{")
                let equals = rest.firstIndex(of: "=")
                if let brace, equals.map({ brace < $0 }) ?? true {
                    let header = rest[rest.startIndex..<brace]
                    let parts = header.split(separator: ":", maxSplits: 1)
                    let name = parts.first.map { $0.trimmingWhitespace() } ?? ""
                    let templates =
                        parts.count > 1
                        ? parts[1].split(separator: ",").map { $0.trimmingWhitespace() } : []
                    if name.isEmpty { out.problem("section without a name", line: number, file: path) }
                    guard stack.count < 64, let parent = stack.last else {
                        out.problem("sections nested too deeply", line: number, file: path)
                        return
                    }
                    let node = Node(name: name, path: path, line: number, templates: templates)
                    parent.children.append(node)
                    stack.append(node)
                    rest = Substring(rest[rest.index(after: brace)...].trimmingWhitespace())
                    continue
                }
                guard let equals else {
                    out.problem("expected key = value, name {, or }", line: number, file: path)
                    break
                }
                let key = rest[rest.startIndex..<equals].trimmingWhitespace()
                var value = rest[rest.index(after: equals)...]
                var remainder: Substring = ""
                if let close = value.firstIndex(of: "}"), !value.hasPrefix("\"") {
                    remainder = value[close...]
                    value = value[value.startIndex..<close]
                }
                stack.last?.values[key] = IPsecConf.Parameter(
                    value: ConfigLines.unquote(value.trimmingWhitespace()), path: path, line: number)
                rest = remainder
            }
        }
    }

    static func include(
        _ pattern: String, from path: ScanPath, line: Int, tree: (any TreeReader)?, depth: Int, _ stack: inout [Node],
        _ out: inout ConfigFindings
    ) {
        guard let tree else { return }
        guard depth < IPsecConf.maxIncludeDepth else {
            out.problem("includes nested deeper than \(IPsecConf.maxIncludeDepth)", line: line, file: path)
            return
        }
        for target in ConfigLines.resolve(pattern, from: ConfigText.directory(of: path), tree: tree)
        where target != path && !out.included.contains(target) {
            guard let bytes = ConfigLines.read(target, tree: tree) else { continue }
            out.included.insert(target)
            read(bytes, path: target, tree: tree, depth: depth + 1, &stack, &out)
        }
    }
}
