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
/// systemd's rules (systemd.unit(5), systemd.exec(5), systemd.service(5)):
/// - the unit file is the first found along the load path, `/etc/systemd/system` before `/usr/lib/systemd/system`;
///   Debian and Ubuntu name it `ssh.service` (`sshd.service` is its alias), Red Hat `sshd.service`;
/// - drop-ins (`<name>.d/*.conf`, for every name of the unit, in any directory of the load path) are read after the
///   unit, in the order of their file names whatever their directory; of two with one file name, the one earlier
///   on the load path is read and the other not;
/// - `Environment=`, `EnvironmentFile=` and `ExecStart=` given the empty string clear what came before;
/// - a later `EnvironmentFile` overrides an earlier one and any `Environment=`; a leading `-` lets the file be
///   missing;
/// - `$NAME` in `ExecStart` is the variable split at white space into words, `${NAME}` one word.
/// Debian's `SSHD_OPTS` in `/etc/default/ssh` reaches sshd the same way (`ExecStart=/usr/sbin/sshd -D $SSHD_OPTS`).
/// Not read: `ExecStart` lines other than the last (systemd refuses a notify service with two), drop-ins of every
/// service (`service.d/`), a unit masked by a link to `/dev/null`.
enum SSHDServiceUnit {
    /// systemd's load path for system units, the administrator's first (systemd.unit(5), "Unit File Load Path";
    /// in the order `systemd-analyze unit-paths` gives on Debian 12, whose systemd also reads `/lib/systemd/system`),
    /// without the directories only a running manager fills.
    static let unitDirectories = [
        "/etc/systemd/system", "/run/systemd/system", "/usr/local/lib/systemd/system", "/lib/systemd/system",
        "/usr/lib/systemd/system",
    ]
    /// The unit's names: Debian's and Ubuntu's first, then Red Hat's (also Debian's alias of `ssh.service`).
    static let unitNames = ["ssh.service", "sshd.service"]

    /// Environment files read per unit; a real unit names two. A hostile unit naming one file thousands of times
    /// reads it once, and a unit naming thousands of files reads the first ones.
    static let maxEnvironmentFiles = 16
    /// `EnvironmentFile=` lines kept per unit, a file named twice counting twice (systemd reads it twice).
    static let maxEnvironmentFileLines = 64
    /// Drop-ins read per unit; an administrator writes one or two.
    static let maxDropIns = 32

    /// One `-o` option: its configuration line, and where its text was written.
    struct Option: Sendable, Hashable {
        var line: OpenSSHConfigLine
        var path: ScanPath
        var lineNumber: Int
        /// The unit file or drop-in whose `ExecStart` gives it.
        var unit: ScanPath
    }

    /// A value and the file and line that set it.
    typealias Placed = (value: String, path: ScanPath, line: Int)

    /// The `-o` options of the unit found in `tree` (scanned under `label` in a multi-root scan), in order, and a
    /// diagnostic for each of its files that is there but cannot be read: what it says is then unknown, and the
    /// options may be missing some.
    static func options(tree: any TreeReader, label: String) -> (options: [Option], diagnostics: [Diagnostic]) {
        func inTree(_ absolute: String) -> ScanPath {
            ScanPath(ConfigText.rootPattern(absolute, prefix: "", label: label))
        }
        var diagnostics: [Diagnostic] = []
        /// The file's bytes; nil when it is absent, or there and unreadable (then with a diagnostic).
        func read(_ path: ScanPath, _ what: String) -> [UInt8]? {
            switch tree.readIfPresent(path) {
            case .success(let bytes): return bytes
            case nil: return nil
            case .failure(let failure):
                diagnostics.append(
                    Diagnostic(
                        path: failure.path, reason: failure.reason,
                        detail: "\(failure.detail); \(what), so the -o options systemd gives sshd are not known"))
                return nil
            }
        }
        var unit: (path: ScanPath, bytes: [UInt8])?
        search: for directory in unitDirectories {
            for name in unitNames {
                let path = inTree(directory + "/" + name)
                if let bytes = read(path, "sshd's systemd unit") {
                    unit = (path, bytes)
                    break search
                }
                // systemd would load this unit, not one further along the load path.
                if !diagnostics.isEmpty { return ([], diagnostics) }
            }
        }
        guard let unit else { return ([], diagnostics) }
        var service = ServiceSettings()
        service.read(unit.bytes, from: unit.path)
        for dropIn in dropIns(tree: tree, inTree: inTree) {
            guard let bytes = read(dropIn, "a drop-in of sshd's systemd unit") else { continue }
            service.read(bytes, from: dropIn)
        }
        guard let execStart = service.execStart else { return ([], diagnostics) }
        var variables: [String: Placed] = service.environment
        var environmentFiles: [ScanPath: [String: (value: String, line: Int)]] = [:]
        for name in service.environmentFiles {
            let file = inTree(name)
            if environmentFiles[file] == nil {
                guard environmentFiles.count < Self.maxEnvironmentFiles else { continue }
                // A missing file (the `-` prefix allows it) counts too, as an empty one.
                environmentFiles[file] =
                    read(file, "an environment file of sshd's systemd unit").map(KeyValueFile.assignments) ?? [:]
            }
            // Variables from files override `Environment=`, and a later file an earlier one.
            for (name, assignment) in environmentFiles[file] ?? [:] {
                variables[name] = (assignment.value, file, assignment.line)
            }
        }
        let options = commandLine(
            execStart.value, variables: variables, unit: execStart.path, unitLine: execStart.line)
        return (options, diagnostics)
    }

    /// The drop-ins systemd reads for the unit, in the order it reads them: by file name, and of one file name the
    /// one earliest on the load path.
    static func dropIns(tree: any TreeReader, inTree: (String) -> ScanPath) -> [ScanPath] {
        var byName: [String: ScanPath] = [:]
        for directory in unitDirectories {
            for name in unitNames {
                for path in tree.files(matching: inTree(directory + "/" + name + ".d/*.conf").display) {
                    let fileName = String(path.display.split(separator: "/").last ?? "")
                    if byName[fileName] == nil { byName[fileName] = path }
                }
            }
        }
        return byName.keys.sorted().prefix(Self.maxDropIns).compactMap { byName[$0] }
    }

    /// The `[Service]` settings that decide sshd's command line, read across the unit and its drop-ins.
    struct ServiceSettings {
        var environment: [String: Placed] = [:]
        /// Absolute paths, in order; a leading `-` removed.
        var environmentFiles: [String] = []
        var execStart: Placed?

        mutating func read(_ bytes: [UInt8], from path: ScanPath) {
            var inService = false
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
                    if value.isEmpty { environment = [:] }
                    for word in SSHDServiceUnit.words(value) {
                        guard let split = word.firstIndex(of: "=") else { continue }
                        environment[String(word[..<split])] = (
                            String(word[word.index(after: split)...]), path, index + 1
                        )
                    }
                case "EnvironmentFile":
                    if value.isEmpty { environmentFiles = [] }
                    let name = value.hasPrefix("-") ? String(value.dropFirst()) : value
                    // Bounded (a hostile unit repeats the line); no more than `maxEnvironmentFiles` are read anyway.
                    if name.hasPrefix("/"), environmentFiles.count < SSHDServiceUnit.maxEnvironmentFileLines {
                        environmentFiles.append(name)
                    }
                case "ExecStart":
                    execStart = value.isEmpty ? nil : (value, path, index + 1)
                default:
                    continue
                }
            }
        }
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
