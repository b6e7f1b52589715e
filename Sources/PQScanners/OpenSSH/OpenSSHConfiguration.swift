import PQModel

/// One algorithm list in force for a connection: the keyword, the names, and where the value came from.
public struct OpenSSHEffectiveList: Sendable, Hashable, Codable {
    /// The keyword as the manual spells it (`KexAlgorithms`).
    public var setting: String
    /// The algorithms in force, in OpenSSH's order.
    public var algorithms: [String]
    /// `file` when a line set it, `default` when the configuration leaves it unset.
    public var origin: Origin
    /// The file and line of the directive that set it; nil for a default.
    public var path: ScanPath?
    public var line: Int?
    /// The `Match` or `Host` line the directive sits under, as written; nil outside any block.
    public var context: String?
    /// The value as written (`+ssh-rsa`); nil for a default.
    public var value: String?
    /// Which defaults were used, for a default list.
    public var note: String?
}

/// A directive line as reached while reading a configuration with its includes.
struct OpenSSHVisitedLine: Sendable, Hashable {
    let line: OpenSSHConfigLine
    let path: ScanPath
    let lineNumber: Int
    /// True when the line is in force in this pass.
    let active: Bool
    /// The `Match`/`Host` line it sits under, as written, and where that line is.
    let block: Block?

    struct Block: Sendable, Hashable {
        let text: String
        let path: ScanPath
        let line: Int
        /// True for `Match all` and `Host *`, which hold for every connection.
        let holdsAlways: Bool
    }
}

/// A parsed `sshd_config` or `ssh_config` with its includes, and the OpenSSH build that reads it.
///
/// The evaluation follows OpenSSH's own passes:
/// - sshd (`servconf.c`): a first pass without connection information, where lines outside `Match` (and inside
///   `Match all`) are in force; then, for a connection (`sshd -T -C`), a second pass where only lines inside
///   matching `Match` blocks count, whose values replace the first pass's for the keywords
///   `COPY_MATCH_STRING_OPTS` copies. In each pass the first value obtained wins.
/// - ssh (`readconf.c`): one pass for a host name; `Host` and `Match` lines switch the lines below them on or off;
///   the first value obtained wins.
/// - An included file starts in its includer's state; a `Match`/`Host` inside it ends with the file; inside a block
///   that does not apply, an included file's own blocks never apply (`SSHCFG_NEVERMATCH`, `SSHCONF_NEVERMATCH`).
public struct OpenSSHConfiguration: Sendable {
    public let program: OpenSSHProgram
    public let profile: OpenSSHProfile
    /// The main file.
    public let path: ScanPath
    /// Every file read, the main one first.
    public let files: [ScanPath]
    /// Problems met while reading: binary content, long lines, include cycles, unreadable includes.
    public let loadDiagnostics: [Diagnostic]
    let events: [OpenSSHConfigEvent]
    /// Why OpenSSH refuses the includes (a cycle, too deep), from the loader.
    let loadRefusal: String?
    /// True when the loader stopped following includes (a cycle, too deep, the read budget): `files` is partial.
    let includesStopped: Bool
    /// What PQScout did not read of what decides the configuration, each with why and who reads it: a file with a
    /// NUL byte (sshd reads a line up to its NUL and joins the next line to it; ssh drops the rest of the line), a
    /// line over the length limit or not UTF-8 that is not a comment, a file of sshd's systemd unit that cannot be
    /// read. What is in force is then unknown.
    public let notRead: [String]
    /// The tree's `etc/passwd` and `etc/group`, for `Match Group`; nil when the tree lacks them.
    let accounts: OpenSSHAccounts?
    /// For each line given to sshd as a command-line `-o` (`SSHDServiceUnit`), keyed by `place`, the unit giving it.
    let commandLineUnits: [String: ScanPath]

    static func place(_ path: ScanPath, _ line: Int) -> String { "\(path.display)\u{0}\(line)" }

    /// The note of a line sshd reads from its command line, nil for a line of a file.
    func commandLineNote(_ path: ScanPath, _ line: Int) -> String? {
        commandLineUnits[Self.place(path, line)].map {
            "given to sshd as -o on its command line by \($0.display) (ExecStart), read before \(self.path.display)"
        }
    }

    /// Reads `bytes` as the configuration at `path`, following includes through `tree`.
    ///
    /// - Parameters:
    ///   - home: for a user's `~/.ssh/config`, the user's home directory relative to the root (decides where
    ///     relative includes and `~` point); nil for the system-wide files.
    public init(
        program: OpenSSHProgram, path: ScanPath, bytes: [UInt8], tree: (any TreeReader)?, profile: OpenSSHProfile,
        home: ScanPath? = nil
    ) {
        var loader = OpenSSHConfigLoader(tree: tree, program: program, home: home)
        loader.load(path: path, bytes: bytes)
        self.program = program
        self.profile = profile
        self.path = path
        self.files = loader.filesRead
        // The `-o` options the service unit starts sshd with come first: sshd reads them before its file.
        var options: [SSHDServiceUnit.Option] = []
        var unitDiagnostics: [Diagnostic] = []
        if program == .server, home == nil, let tree, path.lastComponent == Array("sshd_config".utf8) {
            (options, unitDiagnostics) = SSHDServiceUnit.options(tree: tree, label: ConfigText.rootLabel(of: path))
        }
        self.loadDiagnostics = loader.diagnostics + unitDiagnostics
        self.events =
            options.map { OpenSSHConfigEvent(kind: .setting($0.line), path: $0.path, line: $0.lineNumber) }
            + loader.events
        self.commandLineUnits = Dictionary(
            options.map { (Self.place($0.path, $0.lineNumber), $0.unit) }, uniquingKeysWith: { first, _ in first })
        self.includesStopped = loader.stopped
        // A unit file, drop-in or environment file that is there but cannot be read: the -o options sshd is given,
        // which override its file, are not known.
        self.notRead =
            loader.notRead
            + unitDiagnostics.map { "\($0.path.display) (there, but it cannot be read), which gives sshd -o options" }
        self.loadRefusal = loader.refusal.map { "\($0): Too many recursive configuration includes" }
        self.accounts =
            program == .server
            ? tree.flatMap { OpenSSHAccounts(tree: $0, label: ConfigText.rootLabel(of: path)) } : nil
    }

    // MARK: - Passes

    private struct IncludeFrame {
        var active: Bool
        var matchOnly: Bool
        var neverMatch: Bool
        var block: OpenSSHVisitedLine.Block?
    }

    /// Walks the lines in reading order, deciding for each whether it is in force.
    ///
    /// - Parameter connection: nil for sshd's first pass; the connection for sshd's Match pass (a blank one for the
    ///   pass sshd always runs, `sshd -T` without `-C`) or for ssh.
    func visit(connection: OpenSSHConnection?) -> [OpenSSHVisitedLine] {
        if program == .client { return clientVisit(connection ?? OpenSSHConnection()).lines }
        return serverVisit(connection: connection).lines
    }

    /// sshd (servconf.c `parse_server_config_depth`, `match_cfg_line`): pass 1 with no connection, or a Match pass.
    func serverVisit(connection: OpenSSHConnection?) -> (lines: [OpenSSHVisitedLine], problems: [String]) {
        var out: [OpenSSHVisitedLine] = []
        var problems: [String] = []
        var state = IncludeFrame(active: connection == nil, matchOnly: connection != nil, neverMatch: false, block: nil)
        var stack: [IncludeFrame] = []
        for event in events {
            switch event.kind {
            case .enterInclude:
                stack.append(state)
                // servconf.c sInclude: MATCH_ONLY is inherited; otherwise an include read while inactive is
                // parsed with SSHCFG_NEVERMATCH.
                state.neverMatch = state.matchOnly ? false : !state.active
            case .leaveInclude:
                if let saved = stack.popLast() { state = saved }
            case .block(let line, let text):
                let arguments = line.arguments
                let always = arguments.first?.lowercased() == "all"
                var holds = always
                if let connection, !state.neverMatch {
                    let verdict = OpenSSHMatch.server(arguments, connection: connection, accounts: accounts)
                    holds = verdict.holds
                    if let problem = verdict.problem {
                        problems.append("\(event.path.display) line \(event.line): \(problem)")
                    }
                }
                state.active = state.neverMatch ? false : holds
                state.matchOnly = false
                state.block = OpenSSHVisitedLine.Block(
                    text: text, path: event.path, line: event.line, holdsAlways: always)
            case .setting(let line):
                out.append(
                    OpenSSHVisitedLine(
                        line: line, path: event.path, lineNumber: event.line, active: state.active, block: state.block))
            }
        }
        return (out, problems)
    }

    /// What ssh's passes decided: the lines (pass 1, then the final pass when one runs) and the names they used.
    struct ClientPasses {
        var lines: [OpenSSHVisitedLine] = []
        /// True when a `Match final` line asked for the second pass (ssh.c `want_final_pass`).
        var finalPass = false
        /// The host name after `Hostname` (`%h` expanded), lower-cased as ssh.c does before the final pass.
        var hostname: String?
        /// The remote user: `--user` (ssh -l), else the first `User` line, else the local user.
        var user: String?
    }

    /// ssh (readconf.c `read_config_file_depth`, `match_cfg_line`; ssh.c `main`): pass 1 with the host as typed,
    /// then, when a `Match final` asked for it, a final pass with the host after `Hostname`. Options set in pass 1
    /// keep their values (first wins across both passes).
    func clientVisit(_ connection: OpenSSHConnection) -> ClientPasses {
        let typed = connection.host ?? ""
        var result = ClientPasses()
        var hostname: String?
        var user = connection.user
        let pass1 = clientPass(
            connection, typed: typed, final: false, hostname: &hostname, user: &user, wantFinal: &result.finalPass)
        result.lines = pass1
        // ssh.c: the host after Hostname (%h expanded), lower-cased unless it is an address.
        var host = hostname.map { Self.expandHostname($0, typed) } ?? typed
        if OpenSSHMatch.parseAddress(host) == nil { host = host.lowercased() }
        result.hostname = host
        if result.finalPass {
            var ignored = false
            var finalHostname: String? = host
            result.lines += clientPass(
                connection, typed: typed, final: true, hostname: &finalHostname, user: &user, wantFinal: &ignored,
                hostForHostLines: host)
        }
        result.user = user ?? connection.localUser
        return result
    }

    private func clientPass(
        _ connection: OpenSSHConnection, typed: String, final: Bool, hostname: inout String?, user: inout String?,
        wantFinal: inout Bool, hostForHostLines: String? = nil
    ) -> [OpenSSHVisitedLine] {
        var out: [OpenSSHVisitedLine] = []
        var state = IncludeFrame(active: true, matchOnly: false, neverMatch: false, block: nil)
        var stack: [IncludeFrame] = []
        for event in events {
            switch event.kind {
            case .enterInclude:
                stack.append(state)
                state.neverMatch = !state.active
            case .leaveInclude:
                if let saved = stack.popLast() { state = saved }
            case .block(let line, let text):
                let arguments = line.arguments
                let always: Bool
                let holds: Bool
                if line.key == "host" {
                    always = arguments.contains("*") && !arguments.contains { $0.hasPrefix("!") }
                    // readconf.c oHost: match_pattern, case-sensitive, against the host as typed (pass 1) or the
                    // final host name (final pass).
                    holds = OpenSSHMatch.host(arguments, host: hostForHostLines ?? typed)
                } else {
                    always = arguments.count == 1 && arguments.first?.lowercased() == "all"
                    if arguments.contains(where: { $0.lowercased() == "final" || $0.lowercased() == "!final" }) {
                        wantFinal = true
                    }
                    // readconf.c match_cfg_line: pass 1 tests Hostname (with %h) if set; the final pass the final
                    // host; `user` is the User set so far, else the local user.
                    let matchHost =
                        final ? (hostname ?? typed) : hostname.map { Self.expandHostname($0, typed) } ?? typed
                    holds = OpenSSHMatch.client(
                        arguments, host: matchHost, originalHost: typed, user: user ?? connection.localUser,
                        localUser: connection.localUser, final: final)
                }
                state.active = state.neverMatch ? false : holds
                state.block = OpenSSHVisitedLine.Block(
                    text: text, path: event.path, line: event.line, holdsAlways: always)
            case .setting(let line):
                if state.active, let value = line.arguments.first {
                    if line.key == "hostname", hostname == nil { hostname = value }
                    if line.key == "user", user == nil { user = value }
                }
                out.append(
                    OpenSSHVisitedLine(
                        line: line, path: event.path, lineNumber: event.line, active: state.active, block: state.block))
            }
        }
        return out
    }

    /// `percent_expand(hostname, "h", host)`: `%h` is the host as typed, `%%` a percent sign.
    static func expandHostname(_ value: String, _ host: String) -> String {
        guard value.contains("%") else { return value }
        var out = ""
        var iterator = value.makeIterator()
        while let character = iterator.next() {
            guard character == "%" else {
                out.append(character)
                continue
            }
            switch iterator.next() {
            case "h": out += host
            case "%": out.append("%")
            case let other?: out += "%" + String(other)
            case nil: out.append("%")
            }
        }
        return out
    }

    // MARK: - Effective lists

    /// The lines in force for `connection`: sshd's first pass and its Match pass (blank connection without one), or
    /// ssh's passes.
    private func settersInForce(for connection: OpenSSHConnection?) -> (
        first: [OpenSSHVisitedLine], matched: [OpenSSHVisitedLine]
    ) {
        if program == .client { return (clientVisit(connection ?? OpenSSHConnection()).lines, []) }
        // sshd always runs a Match pass, with a blank connection when it has none (sshd.c: `sshd -T` calls
        // parse_server_match_config with get_connection_info(ssh, 0, 0); the daemon with the real connection), and
        // copies what it sets (servconf.c copy_set_server_options).
        return (serverVisit(connection: nil).lines, serverVisit(connection: connection ?? OpenSSHConnection()).lines)
    }

    /// The algorithm lists in force, as `sshd -T [-C connection]` or `ssh -G host` would print them.
    ///
    /// - Parameter connection: for sshd, the `-C` connection (nil: the blank connection of `sshd -T`, under which
    ///   only `Match all` holds); for ssh, the host (and user) asked about.
    public func effectiveLists(for connection: OpenSSHConnection?) -> [OpenSSHEffectiveList] {
        let passes = settersInForce(for: connection)
        let first = firstValues(in: passes.first)
        let matched = firstValues(in: passes.matched)
        var lists: [OpenSSHEffectiveList] = []
        let failed = program == .client ? clientAssemblyFailure(first) : nil
        for keyword in OpenSSHAlgorithmKeyword.all {
            if keyword.list == .gssapiKex, !profile.gssapiKex { continue }
            if let failed, let position = Self.clientAssemblyOrder.firstIndex(of: keyword.name),
                position >= failed.position
            {
                // readconf.c fill_default_options: the failing list is left unset, the later ones unassembled.
                let setter = first[keyword.name]
                let raw = setter?.line.arguments.first
                lists.append(
                    OpenSSHEffectiveList(
                        setting: keyword.name, algorithms: position == failed.position ? [] : raw.map { [$0] } ?? [],
                        origin: setter == nil ? .default : .file, path: setter?.path, line: setter?.lineNumber,
                        context: setter?.block?.text, value: raw,
                        note: "ssh: fill_default_options: \(failed.name): invalid argument; "
                            + (position == failed.position
                                ? "no algorithm left, the list is unset"
                                : "the list is not assembled (ssh stops at the first failing list)")))
                continue
            }
            let setter = (keyword.allowedInServerMatch ? matched[keyword.name] : nil) ?? first[keyword.name]
            guard let setter, let value = setter.line.arguments.first else {
                lists.append(
                    OpenSSHEffectiveList(
                        setting: keyword.name, algorithms: profile.defaults(keyword, for: program), origin: .default,
                        note: profile.defaultNote))
                continue
            }
            var algorithms = assemble(value, keyword).algorithms
            var note: String?
            let fromMatch = keyword.allowedInServerMatch && matched[keyword.name] != nil
            if program == .server, algorithms.isEmpty, fromMatch {
                // The Match pass copies the raw value and assembles it once: it stays empty.
                note = "emptied by \(value) for this connection: no algorithm is accepted"
            } else if program == .server, algorithms.isEmpty, keyword.list != .gssapiKex {
                // servconf.c copy_set_server_options ends with assemble_algorithms(), which turns an empty list back
                // into the default (kex.c kex_assemble_names: an empty list takes the default).
                algorithms = profile.defaults(keyword, for: program)
                note =
                    keyword.usedBeforeAuthentication
                    ? "emptied by \(value): the key exchange offers nothing and every connection fails; sshd -T shows "
                        + "the default because it re-assembles the list after the Match pass"
                    : "emptied by \(value): sshd rebuilds it to the default after the Match pass (at authentication)"
            }
            lists.append(
                OpenSSHEffectiveList(
                    setting: keyword.name, algorithms: algorithms, origin: .file, path: setter.path,
                    line: setter.lineNumber, context: setter.block?.text, value: value, note: note))
        }
        return lists
    }

    /// The line that sets each keyword for `connection` (algorithm lists by their manual name, and
    /// `RequiredRSASize`): for sshd the Match pass's line where sshd copies it (`Match all` under the blank
    /// connection), else the first pass's.
    func winningLines(for connection: OpenSSHConnection?) -> [String: OpenSSHVisitedLine] {
        let passes = settersInForce(for: connection)
        var winners = firstValues(in: passes.first)
        for (name, line) in firstValues(in: passes.matched)
        where OpenSSHAlgorithmKeyword.named(line.line.key, for: program)?.allowedInServerMatch == true {
            winners[name] = line
        }
        if let line = firstLine("requiredrsasize", in: passes.matched) ?? firstLine("requiredrsasize", in: passes.first)
        {
            winners["RequiredRSASize"] = line
        }
        return winners
    }

    /// True when some `Match Group` line exists but the tree has no `etc/passwd` and `etc/group` to test it with.
    var matchGroupUnevaluated: [OpenSSHConfigEvent] {
        guard program == .server, accounts == nil else { return [] }
        return events.filter { event in
            guard case .block(let line, _) = event.kind else { return false }
            return line.arguments.contains { $0.lowercased() == "group" }
        }
    }

    /// The order readconf.c fill_default_options assembles the lists in (`ASSEMBLE`); HostKeyAlgorithms is assembled
    /// later, when connecting.
    static let clientAssemblyOrder = [
        "Ciphers", "MACs", "KexAlgorithms", "HostbasedAcceptedAlgorithms", "PubkeyAcceptedAlgorithms",
        "CASignatureAlgorithms",
    ]

    /// The first list ssh fails to assemble (an explicit, `+` or `^` list that expands to nothing): ssh 9.2 to 10.x
    /// logs "fill_default_options: ca_sign_algorithms: invalid argument" and runs on (`ret` is still 0 at `fail:`),
    /// with that list unset and the lists after it unassembled.
    private func clientAssemblyFailure(_ first: [String: OpenSSHVisitedLine]) -> (position: Int, name: String)? {
        let names = [
            "ciphers", "macs", "kex_algorithms", "hostbased_accepted_algos", "pubkey_accepted_algos",
            "ca_sign_algorithms",
        ]
        for (position, name) in Self.clientAssemblyOrder.enumerated() {
            guard let setter = first[name], let keyword = OpenSSHAlgorithmKeyword.named(setter.line.key, for: program),
                let value = setter.line.arguments.first, !value.hasPrefix("-")
            else { continue }
            let assembled = assemble(value, keyword)
            if assembled.unsupported.isEmpty, assembled.algorithms.isEmpty { return (position, names[position]) }
        }
        return nil
    }

    /// The RequiredRSASize in force (sshd and ssh 9.1+; default 1024, `SSH_RSA_MINIMUM_MODULUS_SIZE`).
    public func requiredRSASize(for connection: OpenSSHConnection?) -> (bits: Int, setter: OpenSSHEffectiveList?)? {
        guard profile.knowsKeyword("requiredrsasize") else { return nil }
        let passes = settersInForce(for: connection)
        // servconf.c M_CP_INTOPT(required_rsa_size): the Match pass's value replaces the first pass's.
        let setter = firstLine("requiredrsasize", in: passes.matched) ?? firstLine("requiredrsasize", in: passes.first)
        guard let setter, let text = setter.line.arguments.first, let bits = Int(text) else { return (1024, nil) }
        return (
            bits,
            OpenSSHEffectiveList(
                setting: "RequiredRSASize", algorithms: [], origin: .file, path: setter.path, line: setter.lineNumber,
                context: setter.block?.text, value: text)
        )
    }

    /// True when the distribution GSSAPI key exchange is switched on (`GSSAPIKeyExchange yes`); Debian's default is
    /// `no` (sshd -T prints `gssapikeyexchange no`), so the `gss-*` methods are listed but not offered.
    public func gssapiKeyExchange(for connection: OpenSSHConnection?) -> Bool {
        let passes = settersInForce(for: connection)
        guard let line = firstLine("gssapikeyexchange", in: passes.first), let value = line.line.arguments.first
        else { return false }
        return value.lowercased() == "yes"
    }

    /// Why sshd or ssh would refuse this configuration for `connection`, in OpenSSH's words where it has them;
    /// empty when it would run. Covers what the model evaluates: include cycles and depth, lists naming unknown
    /// algorithms or expanding to nothing, algorithm keywords sshd refuses inside Match, keywords of the other
    /// program, a byte-order mark, Match criteria the test connection lacks.
    public func refusals(for connection: OpenSSHConnection?) -> [String] {
        refusals(for: connection, testConnection: true)
    }

    /// Why sshd would refuse to start (`sshd -t`), or ssh to run, with this configuration: `refusals(for:)` without
    /// what only `sshd -T -C` says of a test connection that lacks what a Match asks (sshd starts with no
    /// connection, and evaluates a Match's criteria only when one comes).
    public func refusalsAtStart(for connection: OpenSSHConnection?) -> [String] {
        refusals(for: connection, testConnection: false)
    }

    private func refusals(for connection: OpenSSHConnection?, testConnection: Bool) -> [String] {
        var out: [String] = []
        if let refusal = loadRefusal { out.append(refusal) }
        let lines: [OpenSSHVisitedLine]
        if program == .server {
            lines = serverVisit(connection: nil).lines
            if testConnection { out += serverVisit(connection: connection ?? OpenSSHConnection()).problems }
        } else {
            lines = clientVisit(connection ?? OpenSSHConnection()).lines
        }
        if program == .server { out += badServerMatches() }
        let skipped = skippedAsUnknown(lines)
        for (index, visited) in lines.enumerated() {
            if skipped[index] { continue }
            let key = visited.line.key
            let place = "\(visited.path.display) line \(visited.lineNumber)"
            if key.hasPrefix("\u{FEFF}") {
                out.append("\(place): Bad configuration option: \\357\\273\\277\(key.dropFirst())")
                continue
            }
            if OpenSSHKeywords.refused(key, by: program) {
                out.append("\(place): Bad configuration option: \(key)")
                continue
            }
            if unknownToBuild(key) {
                out.append("\(place): Bad configuration option: \(visited.line.keyword)")
                // An unknown keyword carries no SSHCFG_MATCH flag: inside Match, sshd says that too.
                if program == .server, !visited.active, visited.block != nil {
                    out.append("\(place): Directive '\(visited.line.keyword)' is not allowed within a Match block")
                }
                continue
            }
            if program == .server, !visited.active, visited.block != nil,
                !OpenSSHKeywords.serverMatchAllowed.contains(key)
            {
                out.append("\(place): Directive '\(visited.line.keyword)' is not allowed within a Match block")
                continue
            }
            guard let keyword = OpenSSHAlgorithmKeyword.named(key, for: program),
                let value = visited.line.arguments.first
            else { continue }
            // OpenSSH checks the names of every line it parses, in force or not.
            let assembled = assemble(value, keyword)
            if let name = assembled.unsupported.first {
                out.append("\(place): Bad \(keyword.name) '\(name)'")
            }
        }
        // kex.c kex_assemble_names: an explicit, + or ^ list that expands to nothing is an error (sshd: fatal in
        // assemble_algorithms; ssh: fill_default_options fails).
        let assembled = testConnection ? effectiveListsUnrebuilt(for: connection) : startupListsUnrebuilt(lines)
        for list in assembled where list.empty && program == .server {
            out.append("\(list.keyword.name) \(list.value): no algorithm left (kex_assemble_names: invalid argument)")
        }
        return out
    }

    /// True when the installed build of the program knows no such keyword: none of its releases does, or this
    /// one is older than the keyword (`RequiredRSASize` before 9.1).
    func unknownToBuild(_ key: String) -> Bool {
        OpenSSHKeywords.unknown(key, to: program) || !profile.knowsKeyword(key)
    }

    /// For each line, true when ssh skips it as a keyword it does not know that `IgnoreUnknown` names (readconf.c
    /// `parse_token`): the first `IgnoreUnknown` read in force sets the patterns for every line after it, in the
    /// final pass too, and they are matched lower-cased against the lower-cased keyword (`match_pattern_list`). A
    /// keyword ssh does not know includes sshd's own and one newer than the build. A line read in two passes is
    /// skipped only when both skip it: ssh stops at the first pass that does not. sshd has no `IgnoreUnknown`.
    func skippedAsUnknown(_ lines: [OpenSSHVisitedLine]) -> [Bool] {
        guard program == .client else { return Array(repeating: false, count: lines.count) }
        var patterns: String?
        var refusedSomewhere: Set<String> = []
        let skipped = lines.map { visited in
            let key = visited.line.key
            if key == "ignoreunknown" {
                if patterns == nil, visited.active, let value = visited.line.arguments.first { patterns = value }
                return false
            }
            guard key.hasPrefix("\u{FEFF}") || OpenSSHKeywords.refused(key, by: program) || unknownToBuild(key)
            else { return false }
            if let patterns, OpenSSHPattern.matchesList(key, list: patterns, caseInsensitive: true) { return true }
            refusedSomewhere.insert("\(visited.path.display)\n\(visited.lineNumber)")
            return false
        }
        return zip(lines, skipped).map { visited, skipped in
            skipped && !refusedSomewhere.contains("\(visited.path.display)\n\(visited.lineNumber)")
        }
    }

    /// Match criteria sshd knows (servconf.c `match_cfg_line` at 9.2, and the ones later releases added).
    static let serverMatchCriteria: Set<String> = [
        "all", "user", "group", "host", "address", "localaddress", "localport", "rdomain", "invalid-user", "version",
    ]

    /// `Match` lines sshd stops at ("Bad Match condition"): an unknown criterion, a criterion without its value,
    /// `all` with anything else.
    func badServerMatches() -> [String] {
        var out: [String] = []
        for event in events {
            guard case .block(let line, _) = event.kind else { continue }
            let place = "\(event.path.display) line \(event.line)"
            var arguments = line.arguments[...]
            if let comment = arguments.firstIndex(where: { $0.hasPrefix("#") }) { arguments = arguments[..<comment] }
            var index = arguments.startIndex
            while index < arguments.endIndex {
                let attribute = arguments[index].lowercased()
                if attribute == "all" {
                    if arguments.count > 1 {
                        out.append("\(place): 'all' cannot be combined with other Match attributes")
                    }
                    break
                }
                guard Self.serverMatchCriteria.contains(attribute) else {
                    out.append("\(place): Unsupported Match attribute \(arguments[index])")
                    break
                }
                guard index + 1 < arguments.endIndex else {
                    out.append("\(place): Missing Match criteria for \(arguments[index])")
                    break
                }
                index += 2
            }
        }
        return out
    }

    /// sshd's explicit, `+` or `^` lists in force that expand to nothing (sshd refuses to start), where they are.
    func emptyExpansions(for connection: OpenSSHConnection?) -> [(
        keyword: OpenSSHAlgorithmKeyword, value: String, path: ScanPath, line: Int
    )] {
        guard program == .server else { return [] }
        let passes = settersInForce(for: connection)
        var setters = Array(firstValues(in: passes.first).values)
        setters += firstValues(in: passes.matched).values.filter {
            OpenSSHAlgorithmKeyword.named($0.line.key, for: program)?.allowedInServerMatch == true
        }
        return setters.compactMap { visited in
            guard let keyword = OpenSSHAlgorithmKeyword.named(visited.line.key, for: program),
                keyword.list != .gssapiKex, let value = visited.line.arguments.first, !value.hasPrefix("-")
            else { return nil }
            let assembled = assemble(value, keyword)
            guard assembled.unsupported.isEmpty, assembled.algorithms.isEmpty else { return nil }
            return (keyword, value, visited.path, visited.lineNumber)
        }
    }

    /// The winning values that assemble to nothing without a `-`: OpenSSH refuses them. sshd assembles pass 1's
    /// winners (fill_default_server_options) and then the Match pass's copied ones (copy_set_server_options).
    private func effectiveListsUnrebuilt(for connection: OpenSSHConnection?) -> [(
        keyword: OpenSSHAlgorithmKeyword, value: String, empty: Bool
    )] {
        let passes = settersInForce(for: connection)
        var setters = Array(firstValues(in: passes.first).values)
        setters += firstValues(in: passes.matched).values.filter {
            OpenSSHAlgorithmKeyword.named($0.line.key, for: program)?.allowedInServerMatch == true
        }
        return lists(of: setters)
    }

    /// The lists sshd assembles when it starts (servconf.c `fill_default_server_options`): the first value of each
    /// keyword among the lines in force at start, global ones and those of `Match all`, which holds without a
    /// connection. A Match block's list is assembled per connection (`copy_set_server_options`): an empty one
    /// fails that connection, not the start.
    private func startupListsUnrebuilt(_ lines: [OpenSSHVisitedLine]) -> [(
        keyword: OpenSSHAlgorithmKeyword, value: String, empty: Bool
    )] {
        lists(of: Array(firstValues(in: lines).values))
    }

    private func lists(of setters: [OpenSSHVisitedLine]) -> [(
        keyword: OpenSSHAlgorithmKeyword, value: String, empty: Bool
    )] {
        var out: [(OpenSSHAlgorithmKeyword, String, Bool)] = []
        for visited in setters.sorted(by: { ($0.path.display, $0.lineNumber) < ($1.path.display, $1.lineNumber) }) {
            guard let keyword = OpenSSHAlgorithmKeyword.named(visited.line.key, for: program),
                keyword.list != .gssapiKex,
                let value = visited.line.arguments.first, !value.hasPrefix("-")
            else { continue }
            let assembled = assemble(value, keyword)
            guard assembled.unsupported.isEmpty else { continue }
            out.append((keyword, value, assembled.algorithms.isEmpty))
        }
        return out
    }

    func assemble(_ value: String, _ keyword: OpenSSHAlgorithmKeyword) -> OpenSSHAssembledList {
        if keyword.list == .gssapiKex {
            // The distribution patch checks the names and keeps the list as written: no modifiers, no wildcards.
            let names = value.split(separator: ",", omittingEmptySubsequences: true).map(String.init)
            let supported = profile.supported(keyword)
            return OpenSSHAssembledList(
                algorithms: names.filter { supported.contains($0) },
                unsupported: names.filter { !supported.contains($0) })
        }
        // CASignatureAlgorithms accepts certificate names (sshkey_names_valid2) but expands against signature
        // algorithms only (sshkey_alg_list(0, 1, ...)), so a certificate name is dropped without a word.
        let valid = keyword.list == .caSignature ? profile.release.supportedKeyTypes : profile.supported(keyword)
        return OpenSSHAlgorithmList.assemble(
            value, defaults: profile.defaults(keyword, for: program), supported: profile.supported(keyword),
            valid: valid, wildcardsAllowed: keyword.wildcardsAllowed)
    }

    private func firstValues(in lines: [OpenSSHVisitedLine]) -> [String: OpenSSHVisitedLine] {
        var values: [String: OpenSSHVisitedLine] = [:]
        for visited in lines where visited.active {
            guard let keyword = OpenSSHAlgorithmKeyword.named(visited.line.key, for: program),
                values[keyword.name] == nil
            else {
                continue
            }
            values[keyword.name] = visited
        }
        return values
    }

    private func firstLine(_ key: String, in lines: [OpenSSHVisitedLine]) -> OpenSSHVisitedLine? {
        lines.first { $0.active && $0.line.key == key }
    }
}
