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
        self.loadDiagnostics = loader.diagnostics
        self.events = loader.events
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
    /// - Parameter connection: nil for sshd's first pass; the connection for sshd's Match pass or for ssh.
    func visit(connection: OpenSSHConnection?) -> [OpenSSHVisitedLine] {
        var out: [OpenSSHVisitedLine] = []
        var state = IncludeFrame(
            active: program == .client || connection == nil, matchOnly: program == .server && connection != nil,
            neverMatch: false, block: nil)
        var stack: [IncludeFrame] = []
        for event in events {
            switch event.kind {
            case .enterInclude:
                stack.append(state)
                if program == .server {
                    let matchOnly = state.matchOnly
                    state.neverMatch = matchOnly ? false : !state.active
                } else {
                    state.neverMatch = !state.active
                }
            case .leaveInclude:
                if let saved = stack.popLast() { state = saved }
            case .block(let line, let text):
                let arguments = line.arguments
                let always: Bool
                let holds: Bool
                if line.key == "host" {
                    always = arguments.contains("*") && !arguments.contains { $0.hasPrefix("!") }
                    holds = OpenSSHMatch.host(arguments, host: connection?.host ?? "")
                } else if program == .server {
                    always = arguments.first?.lowercased() == "all"
                    holds = connection.map { OpenSSHMatch.server(arguments, connection: $0) } ?? always
                } else {
                    always = arguments.count == 1 && arguments.first?.lowercased() == "all"
                    holds = OpenSSHMatch.client(arguments, connection: connection ?? OpenSSHConnection())
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
        return out
    }

    // MARK: - Effective lists

    /// The algorithm lists in force, as `sshd -T [-C connection]` or `ssh -G host` would print them.
    ///
    /// - Parameter connection: for sshd, the `-C` connection (nil: no Match applies but `Match all`); for ssh,
    ///   the host (and user) asked about.
    public func effectiveLists(for connection: OpenSSHConnection?) -> [OpenSSHEffectiveList] {
        let first = firstValues(in: visit(connection: program == .client ? connection : nil))
        var matched: [String: OpenSSHVisitedLine] = [:]
        if program == .server, let connection {
            matched = firstValues(in: visit(connection: connection))
        }
        var lists: [OpenSSHEffectiveList] = []
        for keyword in OpenSSHAlgorithmKeyword.all {
            if keyword.list == .gssapiKex, !profile.gssapiKex { continue }
            let setter = (keyword.allowedInServerMatch ? matched[keyword.name] : nil) ?? first[keyword.name]
            guard let setter, let value = setter.line.arguments.first else {
                lists.append(
                    OpenSSHEffectiveList(
                        setting: keyword.name, algorithms: profile.defaults(keyword, for: program), origin: .default,
                        note: profile.defaultNote))
                continue
            }
            let assembled = assemble(value, keyword)
            lists.append(
                OpenSSHEffectiveList(
                    setting: keyword.name, algorithms: assembled.algorithms, origin: .file, path: setter.path,
                    line: setter.lineNumber, context: setter.block?.text, value: value))
        }
        return lists
    }

    /// The RequiredRSASize in force (sshd and ssh 9.1+; default 1024, `SSH_RSA_MINIMUM_MODULUS_SIZE`).
    public func requiredRSASize(for connection: OpenSSHConnection?) -> (bits: Int, setter: OpenSSHEffectiveList?)? {
        guard profile.knowsKeyword("requiredrsasize") else { return nil }
        let first = firstLine("requiredrsasize", in: visit(connection: program == .client ? connection : nil))
        var setter = first
        if program == .server, let connection,
            let matched = firstLine("requiredrsasize", in: visit(connection: connection))
        {
            setter = matched
        }
        guard let setter, let text = setter.line.arguments.first, let bits = Int(text) else { return (1024, nil) }
        return (
            bits,
            OpenSSHEffectiveList(
                setting: "RequiredRSASize", algorithms: [], origin: .file, path: setter.path, line: setter.lineNumber,
                context: setter.block?.text, value: text)
        )
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
        return OpenSSHAlgorithmList.assemble(
            value, defaults: profile.defaults(keyword, for: program), supported: profile.supported(keyword),
            wildcardsAllowed: keyword.wildcardsAllowed)
    }

    private func firstValues(in lines: [OpenSSHVisitedLine]) -> [String: OpenSSHVisitedLine] {
        var values: [String: OpenSSHVisitedLine] = [:]
        for visited in lines where visited.active {
            guard let keyword = OpenSSHAlgorithmKeyword.named(visited.line.key), values[keyword.name] == nil else {
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
