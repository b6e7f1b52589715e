import PQModel

/// The legacy `ipsec.conf` (ipsec.conf(5)): `config setup`, `conn <name>` and `ca <name>` sections at the start
/// of a line, `key=value` parameters indented below them, `include` of further files, `conn %default`
/// defaults and `also=` references.
enum IPsecConf {
    struct Parameter: Sendable {
        var value: String
        var path: ScanPath
        var line: Int
    }

    struct Section: Sendable {
        var kind: String
        var name: String
        var path: ScanPath
        var line: Int
        var parameters: [(key: String, parameter: Parameter)] = []
    }

    static let maxIncludeDepth = 8

    static func scan(_ input: ScanInput, scanner: StrongSwanScanner, _ out: inout ConfigFindings) {
        var sections: [Section] = []
        read(input.bytes, path: input.path, tree: input.context.tree, depth: 0, &sections, &out)
        var conns: [String: Section] = [:]
        var defaults: [(key: String, parameter: Parameter)] = []
        for section in sections where section.kind == "conn" {
            if section.name == "%default" {
                defaults += section.parameters
            } else {
                if conns[section.name] != nil {
                    out.problem("conn \(section.name.prefix(60)) defined twice", line: section.line, file: section.path)
                }
                conns[section.name] = section
            }
        }
        for section in sections where section.kind == "conn" && section.name != "%default" {
            var visited: Set<String> = []
            let resolved = resolve(section.name, conns: conns, visited: &visited, &out)
            var settings: [String: Parameter] = [:]
            for (key, parameter) in defaults { settings[key] = parameter }
            for (key, parameter) in resolved { settings[key] = parameter }
            let ignored = settings["auto"]?.value.lowercased() == "ignore"
            let context = "conn \(section.name)"
            for (setting, defaultList) in [
                ("ike", StrongSwanScanner.defaultIKE), ("esp", StrongSwanScanner.defaultESP), ("ah", ""),
            ] {
                if let parameter = settings[setting] {
                    let place = ConfigFindings.Place(
                        path: parameter.path, line: parameter.line, context: context, effective: !ignored)
                    scanner.emit(
                        list: parameter.value, setting: setting, place: place,
                        defaultList: defaultList.isEmpty ? StrongSwanScanner.defaultESP : defaultList,
                        strictByDefault: false, &out)
                } else if !defaultList.isEmpty {
                    let place = ConfigFindings.Place(
                        path: section.path, line: section.line, context: context, effective: !ignored, origin: .default)
                    scanner.emit(
                        proposal: IKEProposal(defaultList), setting: setting, place: place,
                        note: StrongSwanScanner.defaultNote + "; \(setting)= is not set", &out)
                }
            }
        }
    }

    /// A conn's parameters with `also=` references expanded in place (the conn's own settings win).
    static func resolve(
        _ name: String, conns: [String: Section], visited: inout Set<String>, _ out: inout ConfigFindings
    ) -> [(key: String, parameter: Parameter)] {
        guard let section = conns[name], visited.insert(name).inserted, visited.count <= 32 else { return [] }
        var merged: [(key: String, parameter: Parameter)] = []
        for (key, parameter) in section.parameters where key == "also" {
            for target in parameter.value.split(separator: " ") {
                if conns[String(target)] == nil {
                    out.problem("also=\(target.prefix(60)) names no conn", line: parameter.line, file: parameter.path)
                    continue
                }
                if visited.contains(String(target)) {
                    out.problem("also=\(target.prefix(60)) makes a loop", line: parameter.line, file: parameter.path)
                    continue
                }
                merged += resolve(String(target), conns: conns, visited: &visited, &out)
            }
        }
        merged += section.parameters.filter { $0.key != "also" }
        return merged
    }

    static func read(
        _ bytes: [UInt8], path: ScanPath, tree: (any TreeReader)?, depth: Int, _ sections: inout [Section],
        _ out: inout ConfigFindings
    ) {
        for (number, raw) in ConfigLines.split(bytes) {
            let uncommented = ConfigLines.stripComment(raw)
            let text = ConfigLines.trim(uncommented)
            if text.isEmpty { continue }
            let indented = raw.first == " " || raw.first == "\t"
            if !indented {
                let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
                switch words.first ?? "" {
                case "conn", "ca":
                    guard words.count == 2 else {
                        out.problem("\(words[0]) needs exactly one name", line: number, file: path)
                        sections.append(Section(kind: "invalid", name: "", path: path, line: number))
                        continue
                    }
                    sections.append(Section(kind: words[0], name: words[1], path: path, line: number))
                case "config":
                    sections.append(Section(kind: "config", name: words.dropFirst().joined(), path: path, line: number))
                case "version":
                    continue
                case "include":
                    guard words.count >= 2 else {
                        out.problem("include without a file", line: number, file: path)
                        continue
                    }
                    include(words[1], from: path, line: number, tree: tree, depth: depth, &sections, &out)
                default:
                    out.problem("unexpected text at the start of a line", line: number, file: path)
                }
                continue
            }
            guard let equals = text.firstIndex(of: "=") else {
                out.problem("expected key=value", line: number, file: path)
                continue
            }
            guard !sections.isEmpty else {
                out.problem("parameter outside any section", line: number, file: path)
                continue
            }
            let key = text[text.startIndex..<equals].trimmingWhitespace().lowercased()
            let value = ConfigLines.unquote(text[text.index(after: equals)...].trimmingWhitespace())
            sections[sections.count - 1].parameters.append(
                (key, Parameter(value: value, path: path, line: number)))
        }
    }

    static func include(
        _ pattern: String, from path: ScanPath, line: Int, tree: (any TreeReader)?, depth: Int,
        _ sections: inout [Section], _ out: inout ConfigFindings
    ) {
        guard let tree else { return }
        guard depth < maxIncludeDepth else {
            out.problem("includes nested deeper than \(maxIncludeDepth)", line: line, file: path)
            return
        }
        for target in ConfigLines.resolve(pattern, from: ConfigText.directory(of: path), tree: tree)
        where target != path && !out.included.contains(target) {
            guard let bytes = ConfigLines.read(target, tree: tree) else { continue }
            out.included.insert(target)
            read(bytes, path: target, tree: tree, depth: depth + 1, &sections, &out)
        }
    }
}
