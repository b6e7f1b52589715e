import PQModel

/// The `-o` options systemd gives sshd on its command line, where the service unit passes any.
///
/// RHEL 8 applies its crypto policy to sshd this way: `sshd.service` reads
/// `EnvironmentFile=-/etc/crypto-policies/back-ends/opensshserver.config`, which sets
/// `CRYPTO_POLICY='-oCiphers=... -oMACs=... -oKexAlgorithms=...'`, then `EnvironmentFile=-/etc/sysconfig/sshd`
/// (where `CRYPTO_POLICY=` opts out), and starts `sshd -D $OPTIONS $CRYPTO_POLICY`. sshd reads each `-o` as a
/// configuration line before its configuration file (sshd.c, `case 'o'`), and a keyword keeps its first value
/// (servconf.c), so these lines win over `sshd_config` outside `Match` blocks, as the lines at the top of the file
/// would. RHEL 9 includes the policy from `sshd_config.d/50-redhat.conf` instead, which the loader reads as an include.
///
/// systemd's rules (systemd.exec(5), systemd.service(5)): a later `EnvironmentFile` overrides an earlier one and any
/// `Environment=`; a leading `-` lets the file be missing; `$NAME` in `ExecStart` is the variable split at white
/// space into words, `${NAME}` one word; an empty `ExecStart=` clears the ones before it. Drop-ins
/// (`sshd.service.d/*.conf`) and `ExecStart` lines other than the last are not read.
enum SSHDServiceUnit {
    /// Where systemd finds the unit, the administrator's copy first.
    static let unitPaths = [
        "/etc/systemd/system/sshd.service", "/usr/lib/systemd/system/sshd.service", "/lib/systemd/system/sshd.service",
    ]

    /// Environment files read per unit; a real unit names two. A hostile unit naming one file thousands of times
    /// reads it once, and a unit naming thousands of files reads the first ones.
    static let maxEnvironmentFiles = 16

    /// One `-o` option: its configuration line, and where its text was written.
    struct Option: Sendable, Hashable {
        var line: OpenSSHConfigLine
        var path: ScanPath
        var lineNumber: Int
        /// The unit whose `ExecStart` gives it.
        var unit: ScanPath
    }

    /// The `-o` options of the unit found in `tree` (scanned under `label` in a multi-root scan), in order.
    static func options(tree: any TreeReader, label: String) -> [Option] {
        func inTree(_ absolute: String) -> ScanPath {
            ScanPath(ConfigText.rootPattern(absolute, prefix: "", label: label))
        }
        for unitPath in unitPaths {
            guard case .success(let bytes) = tree.read(inTree(unitPath)) else { continue }
            let unit = inTree(unitPath)
            var variables: [String: (value: String, path: ScanPath, line: Int)] = [:]
            var fileVariables: [String: (value: String, path: ScanPath, line: Int)] = [:]
            var execStart: (text: String, line: Int)?
            var inService = false
            var environmentFiles: [ScanPath: [String: (value: String, line: Int)]] = [:]
            for (index, raw) in KeyValueFile.lines(bytes).enumerated() {
                let text = raw.trimmingWhitespace()
                if text.hasPrefix("[") {
                    inService = text == "[Service]"
                    continue
                }
                guard inService, !text.hasPrefix("#"), !text.hasPrefix(";"), let equals = text.firstIndex(of: "=")
                else { continue }
                let key = text[..<equals].trimmingWhitespace()
                let value = text[text.index(after: equals)...].trimmingWhitespace()
                switch key {
                case "Environment":
                    for word in words(value) {
                        guard let split = word.firstIndex(of: "=") else { continue }
                        variables[String(word[..<split])] = (String(word[word.index(after: split)...]), unit, index + 1)
                    }
                case "EnvironmentFile":
                    let name = value.hasPrefix("-") ? String(value.dropFirst()) : value
                    guard name.hasPrefix("/") else { continue }
                    let file = inTree(name)
                    if environmentFiles[file] == nil {
                        guard environmentFiles.count < Self.maxEnvironmentFiles else { continue }
                        // A missing file (the `-` prefix allows it) counts too, as an empty one.
                        guard case .success(let content) = tree.read(file) else {
                            environmentFiles[file] = [:]
                            continue
                        }
                        environmentFiles[file] = KeyValueFile.assignments(content)
                    }
                    for (name, assignment) in environmentFiles[file] ?? [:] {
                        fileVariables[name] = (assignment.value, file, assignment.line)
                    }
                case "ExecStart":
                    execStart = value.isEmpty ? nil : (value, index + 1)
                default:
                    continue
                }
            }
            // Variables from files override `Environment=`.
            variables.merge(fileVariables) { $1 }
            guard let execStart else { return [] }
            return commandLine(execStart.text, variables: variables, unit: unit, unitLine: execStart.line)
        }
        return []
    }

    /// The `-o` options of an `ExecStart` command line after systemd's variable expansion.
    static func commandLine(
        _ text: String, variables: [String: (value: String, path: ScanPath, line: Int)], unit: ScanPath, unitLine: Int
    ) -> [Option] {
        var arguments: [(word: String, path: ScanPath, line: Int)] = []
        for word in words(text).dropFirst() {
            if word.hasPrefix("${"), word.hasSuffix("}") {
                let name = String(word.dropFirst(2).dropLast())
                if let variable = variables[name] { arguments.append((variable.value, variable.path, variable.line)) }
            } else if word.hasPrefix("$"), !word.hasPrefix("$$") {
                guard let variable = variables[String(word.dropFirst())] else { continue }
                for part in variable.value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }) {
                    arguments.append((String(part), variable.path, variable.line))
                }
            } else {
                arguments.append((word, unit, unitLine))
            }
        }
        var options: [Option] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            guard argument.word.hasPrefix("-o") else { continue }
            var text = String(argument.word.dropFirst(2))
            if text.isEmpty, index < arguments.count {
                text = arguments[index].word
                index += 1
            }
            guard case .success(let line) = OpenSSHConfigLine.parse(Substring(text)) else { continue }
            options.append(Option(line: line, path: argument.path, lineNumber: argument.line, unit: unit))
        }
        return options
    }

    /// Words split at white space, quotes grouping (as systemd splits a command line); quotes are removed.
    static func words(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        var quote: Character?
        var inWord = false
        for character in text {
            if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
            } else if character == "\"" || character == "'" {
                quote = character
                inWord = true
            } else if character == " " || character == "\t" {
                if inWord { words.append(current) }
                current = ""
                inWord = false
            } else {
                current.append(character)
                inWord = true
            }
        }
        if inWord { words.append(current) }
        return words
    }
}
