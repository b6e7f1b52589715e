import Foundation
import PQModel
import PQTestSupport

@testable import PQScanners

/// One random OpenSSH configuration tree for the differential tests: files under the root, and the connections (sshd
/// `-C` specs, or ssh host names with an optional `-l` user) both PQScout and the real program are asked about.
struct OpenSSHRandomTree: Sendable {
    var files: [String: [UInt8]] = [:]
    /// sshd: nil for plain `sshd -T`, else the `-C` spec. ssh: the host name.
    var queries: [Query] = []

    struct Query: Sendable, Hashable {
        var spec: String?
        /// ssh `-l USER`.
        var user: String?
    }
}

/// Builds random but mostly valid sshd_config and ssh_config trees, seeded, so a failure repeats exactly.
///
/// The trees cover what issue 13 lists: Include with globs (and files the glob does not match), first value wins,
/// `+ - ^` with wildcards, every Match criterion sshd and ssh evaluate offline with negation, comments, CRLF, quoting,
/// keyword case and `=`; and a small share of configurations the programs refuse (unknown names, lists emptied,
/// algorithm keywords inside Match, keywords of the other program), so refusals are compared too.
struct OpenSSHTreeGenerator {
    var random: SeededGenerator
    let profile: OpenSSHProfile

    init(seed: UInt64, profile: OpenSSHProfile) {
        random = SeededGenerator(seed: seed)
        self.profile = profile
    }

    // MARK: - Random helpers

    mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &random) < percent }
    mutating func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &random)] }
    mutating func count(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &random) }

    mutating func subset(_ items: [String], _ range: ClosedRange<Int>) -> [String] {
        var pool = items
        var out: [String] = []
        for _ in 0..<min(count(range), pool.count) {
            out.append(pool.remove(at: Int.random(in: 0..<pool.count, using: &random)))
        }
        return out
    }

    /// A pattern that matches some of `names`: a prefix or a suffix with `*`, or a `?` in place of one character.
    mutating func wildcard(from names: [String]) -> String {
        let name = pick(names)
        switch count(0...2) {
        case 0: return String(name.prefix(count(3...max(3, name.count / 2)))) + "*"
        case 1: return "*" + String(name.suffix(count(3...max(3, name.count / 2))))
        default:
            var characters = Array(name)
            characters[count(0...(characters.count - 1))] = "?"
            return String(characters)
        }
    }

    // MARK: - Values

    struct ListKeyword {
        var spelling: String
        var keyword: OpenSSHAlgorithmKeyword
    }

    mutating func listValue(_ keyword: OpenSSHAlgorithmKeyword, program: OpenSSHProgram, allowBad: Bool) -> String {
        let supported =
            keyword.list == .caSignature ? profile.release.supportedKeyTypes : profile.supported(keyword)
        if keyword.list == .gssapiKex {
            return subset(supported, 1...4).joined(separator: ",")
        }
        let defaults = profile.defaults(keyword, for: program)
        if allowBad, chance(4) { return pick(["", "+", "^"]) + "no-such-algorithm@example.org" }
        if allowBad, chance(3) { return "-*" }
        let modifier = pick(["", "", "+", "-", "^"])
        var names: [String]
        switch modifier {
        case "-":
            names = subset(defaults, 1...3)
            if chance(50) { names.append(wildcard(from: defaults)) }
        case "+", "^":
            names = subset(supported, 1...3)
            if keyword.wildcardsAllowed, chance(30) { names.append(wildcard(from: supported)) }
        default:
            names = subset(supported, 1...5)
            if keyword.wildcardsAllowed, chance(30) { names.append(wildcard(from: supported)) }
        }
        return modifier + names.joined(separator: ",")
    }

    /// The line as a person might write it: keyword case, `=` or spaces, quotes, a trailing comment.
    mutating func line(_ keyword: String, _ value: String) -> String {
        var word = keyword
        switch count(0...5) {
        case 0: word = word.lowercased()
        case 1: word = word.uppercased()
        default: break
        }
        var argument = value
        if chance(10), !value.contains("\"") { argument = "\"" + value + "\"" }
        let separator = pick([" ", " ", "\t", "=", " = ", "  "])
        let indent = pick(["", "", "  ", "\t"])
        let comment = chance(10) ? " # " + pick(["note", "keep", "why not"]) : ""
        return indent + word + separator + argument + comment
    }

    mutating func comment() -> String { pick(["# comment", "#KexAlgorithms nothing", "", "   ", "\t# indented"]) }

    mutating func render(_ lines: [String]) -> [UInt8] {
        let ending = chance(15) ? "\r\n" : "\n"
        return Array((lines.joined(separator: ending) + ending).utf8)
    }

    // MARK: - sshd

    static let serverSpellings: [(String, String)] = [
        ("KexAlgorithms", "KexAlgorithms"), ("HostKeyAlgorithms", "HostKeyAlgorithms"),
        ("PubkeyAcceptedAlgorithms", "PubkeyAcceptedAlgorithms"),
        ("PubkeyAcceptedKeyTypes", "PubkeyAcceptedAlgorithms"),
        ("HostbasedAcceptedAlgorithms", "HostbasedAcceptedAlgorithms"),
        ("HostbasedAcceptedKeyTypes", "HostbasedAcceptedAlgorithms"),
        ("CASignatureAlgorithms", "CASignatureAlgorithms"), ("Ciphers", "Ciphers"), ("MACs", "MACs"),
        ("GSSAPIKexAlgorithms", "GSSAPIKexAlgorithms"),
    ]
    static let users = ["alice", "bob", "backup", "root", "deploy"]
    static let groups = ["wheel", "staff", "backup", "ops"]

    /// Keywords no OpenSSH release knows, as a slip of the keyboard writes them: sshd and ssh stop at each.
    static let misspelt = ["KexAlgorithm", "HostKeyAlgorithm", "PubkeyAcceptedAlgorithm", "MACS2", "CipherSuite"]

    mutating func serverSetting(inMatch: Bool, allowBad: Bool) -> String {
        if allowBad, chance(4) { return line(pick(Self.misspelt), "curve25519-sha256") }
        if chance(12) { return line("RequiredRSASize", pick(["1024", "2048", "3072", "4096"])) }
        if !inMatch, chance(5) { return line("GSSAPIKeyExchange", pick(["yes", "no"])) }
        var choices = Self.serverSpellings
        if inMatch, !(allowBad && chance(3)) {
            choices = choices.filter { OpenSSHAlgorithmKeyword.named($0.1.lowercased())?.allowedInServerMatch == true }
        }
        let (spelling, name) = pick(choices)
        guard let keyword = OpenSSHAlgorithmKeyword.named(name.lowercased()) else { return comment() }
        return line(spelling, listValue(keyword, program: .server, allowBad: allowBad))
    }

    mutating func matchLine(allowBad: Bool = false) -> String {
        if chance(12) { return pick(["Match all", "Match All", "match all # everyone"]) }
        if allowBad, chance(8) { return pick(["Match Colour blue", "Match User", "Match all User root"]) }
        var criteria: [String] = []
        for _ in 0..<count(1...2) {
            let criterion: String
            switch count(0...5) {
            case 0:
                criterion = "User " + userPatterns(Self.users)
            case 1:
                criterion = "Group " + userPatterns(Self.groups)
            case 2:
                criterion = "Host " + userPatterns(["*.example.org", "bastion", "h.example.org", "*.corp", "web?"])
            case 3:
                criterion =
                    "Address "
                    + userPatterns(["10.0.0.0/8", "192.0.2.*", "192.0.2.7", "2001:db8::/32", "172.16.0.0/12"])
            case 4:
                criterion = "LocalAddress " + userPatterns(["127.0.0.1", "10.0.0.0/8", "192.0.2.0/24"])
            default:
                // Rare: sshd -T cannot test LocalPort without lport= and refuses.
                criterion = chance(25) ? "LocalPort " + pick(["22", "2222"]) : "User " + userPatterns(Self.users)
            }
            criteria.append(pick(["", "", "", "lower"]) == "lower" ? criterion.lowercased() : criterion)
        }
        return pick(["Match ", "Match ", "match ", "MATCH "]) + criteria.joined(separator: " ")
    }

    /// A pattern list with wildcards and negation, as Match takes it.
    mutating func userPatterns(_ names: [String]) -> String {
        var patterns = subset(names, 1...2)
        if chance(25) { patterns.insert("!" + pick(names), at: 0) }
        if chance(15) { patterns.append("*") }
        return patterns.joined(separator: ",")
    }

    mutating func serverFile(depth: Int, allowBad: Bool, includes: [String]) -> [String] {
        var lines: [String] = []
        for _ in 0..<count(1...5) {
            lines.append(chance(25) ? comment() : serverSetting(inMatch: false, allowBad: allowBad))
        }
        if depth == 0, let include = includes.first { lines.insert("Include " + include, at: count(0...lines.count)) }
        if depth == 0, includes.count > 1, chance(50) { lines.append("Include " + includes[1]) }
        for _ in 0..<count(0...3) {
            lines.append(matchLine(allowBad: allowBad))
            for _ in 0..<count(1...3) {
                lines.append("    " + serverSetting(inMatch: true, allowBad: allowBad))
            }
            // An Include inside a Match block: read in the block's state, its own Match lines never apply when
            // the block does not hold (SSHCFG_NEVERMATCH).
            if depth == 0, chance(20) { lines.append("    Include /etc/ssh/inmatch.d/*.conf") }
        }
        return lines
    }

    mutating func serverTree() -> OpenSSHRandomTree {
        var tree = OpenSSHRandomTree()
        let allowBad = chance(15)
        let includes = [
            pick(["/etc/ssh/sshd_config.d/*.conf", "sshd_config.d/*.conf", "/etc/ssh/sshd_config.d/[0-9]*.conf"]),
            pick(["/etc/ssh/extra.conf", "extra.conf", "/etc/ssh/missing.d/*.conf"]),
        ]
        tree.files["etc/ssh/sshd_config"] = render(serverFile(depth: 0, allowBad: allowBad, includes: includes))
        for index in 0..<count(0...3) {
            let name = pick(["10", "20", "50", "90"]) + "-" + pick(["pq", "legacy", "local"]) + "\(index).conf"
            var lines = serverFile(depth: 1, allowBad: allowBad, includes: [])
            if chance(15) { lines.append("Include /etc/ssh/extra.conf") }
            tree.files["etc/ssh/sshd_config.d/" + name] = render(lines)
        }
        if chance(50) {
            var lines = [serverSetting(inMatch: true, allowBad: false)]
            if chance(50) {
                lines += [matchLine(), "    " + serverSetting(inMatch: true, allowBad: false)]
            }
            tree.files["etc/ssh/inmatch.d/a.conf"] = render(lines)
        }
        if chance(30) {
            // Files the glob does not match: sshd never reads them.
            tree.files["etc/ssh/sshd_config.d/40-weak.conf.dpkg-old"] = render([
                "KexAlgorithms diffie-hellman-group1-sha1", "Ciphers 3des-cbc", "MACs hmac-md5",
            ])
        }
        if chance(40) {
            var lines = serverFile(depth: 1, allowBad: allowBad, includes: [])
            // An include cycle when a drop-in includes extra.conf too: sshd refuses it.
            if allowBad, chance(30) { lines.insert("Include /etc/ssh/sshd_config.d/*.conf", at: 0) }
            tree.files["etc/ssh/extra.conf"] = render(lines)
        }
        tree.files["etc/passwd"] = Array(
            """
            root:x:0:0:root:/root:/bin/bash
            sshd:x:100:65534::/run/sshd:/usr/sbin/nologin
            alice:x:1000:1000::/home/alice:/bin/bash
            bob:x:1001:1001::/home/bob:/bin/bash
            backup:x:34:34:backup:/var/backups:/usr/sbin/nologin
            deploy:x:1002:50::/home/deploy:/bin/bash

            """.utf8)
        tree.files["etc/group"] = Array(
            """
            root:x:0:
            wheel:x:10:alice
            backup:x:34:
            staff:x:50:bob
            ops:x:60:alice,deploy
            alice:x:1000:
            bob:x:1001:
            nogroup:x:65534:

            """.utf8)
        tree.queries = [OpenSSHRandomTree.Query(spec: nil)]
        for _ in 0..<2 {
            var fields = [
                "user=" + pick(Self.users + ["nobodyhere"]),
                "host=" + pick(["h.example.org", "bastion", "web1", "db.corp"]),
                "addr=" + pick(["10.1.2.3", "192.0.2.7", "198.51.100.1", "2001:db8::5"]),
            ]
            if chance(60) { fields.append("laddr=" + pick(["127.0.0.1", "10.9.9.9", "192.0.2.1"])) }
            if chance(80) { fields.append("lport=" + pick(["22", "2222"])) }
            tree.queries.append(OpenSSHRandomTree.Query(spec: fields.joined(separator: ",")))
        }
        return tree
    }

    // MARK: - ssh

    static let clientSpellings: [(String, String)] = [
        ("KexAlgorithms", "KexAlgorithms"), ("HostKeyAlgorithms", "HostKeyAlgorithms"),
        ("PubkeyAcceptedAlgorithms", "PubkeyAcceptedAlgorithms"),
        ("PubkeyAcceptedKeyTypes", "PubkeyAcceptedAlgorithms"),
        ("HostbasedAcceptedAlgorithms", "HostbasedAcceptedAlgorithms"),
        ("HostbasedKeyTypes", "HostbasedAcceptedAlgorithms"),
        ("CASignatureAlgorithms", "CASignatureAlgorithms"), ("Ciphers", "Ciphers"), ("MACs", "MACs"),
    ]
    static let ignoredPatterns = [
        "KexAlgorithm", "KEXALG*", "*algorithm", "macs?", "*,!kexalgorithm", "cipher*,hostkey*", "foo", "\"foo,mac*\"",
        "PermitRootLogin,*Algorithm",
    ]
    static let hosts = ["bastion", "BASTION", "db.corp", "web1.example.org", "Legacy", "192.0.2.9"]

    mutating func clientSetting(allowBad: Bool) -> String {
        if chance(8) { return line("RequiredRSASize", pick(["1024", "2048", "3072"])) }
        if chance(8) {
            return line(
                "Hostname", pick(["real.example.org", "%h.corp", "BASTION.example.org", "db.corp", "10.0.0.1"]))
        }
        if chance(8) { return line("User", pick(["alice", "bob", "root", "git"])) }
        if allowBad, chance(4) { return line("HostbasedAcceptedKeyTypes", "ssh-ed25519") }
        if allowBad, chance(4) { return line(pick(Self.misspelt), "curve25519-sha256") }
        // readconf.c parse_token: the first IgnoreUnknown in force names the unknown keywords ssh skips.
        if chance(12) { return line("IgnoreUnknown", pick(Self.ignoredPatterns)) }
        let (spelling, name) = pick(Self.clientSpellings)
        guard let keyword = OpenSSHAlgorithmKeyword.named(name.lowercased()) else { return comment() }
        return line(spelling, listValue(keyword, program: .client, allowBad: allowBad))
    }

    mutating func hostOrMatchLine() -> String {
        if chance(40) {
            var patterns = subset(
                ["bastion", "BASTION", "*.corp", "web?.example.org", "legacy", "*", "192.0.2.*"], 1...2)
            if chance(20) { patterns.append("!" + pick(["db.corp", "bastion", "web1.example.org"])) }
            return pick(["Host ", "host ", "HOST "]) + patterns.joined(separator: " ")
        }
        if chance(10) { return pick(["Match all", "Match final", "Match !final", "Match canonical"]) }
        var criteria: [String] = []
        for _ in 0..<count(1...2) {
            let negate = chance(20) ? "!" : ""
            switch count(0...4) {
            case 0:
                criteria.append(
                    negate + "host " + pick(["*.corp", "real.example.org", "bastion*", "*.example.org,!db*"]))
            case 1: criteria.append(negate + "originalhost " + pick(["bastion", "BASTION", "db.*", "legacy"]))
            case 2: criteria.append(negate + "user " + pick(["alice", "root", "b*", "git,bob"]))
            case 3: criteria.append(negate + "localuser " + pick(["root", "r*", "nobody", "!root,*"]))
            default: criteria.append(negate + "final")
            }
        }
        return pick(["Match ", "match "]) + criteria.joined(separator: " ")
    }

    mutating func clientFile(allowBad: Bool, include: String?) -> [String] {
        var lines: [String] = []
        for _ in 0..<count(0...3) { lines.append(chance(20) ? comment() : clientSetting(allowBad: allowBad)) }
        if let include { lines.insert("Include " + include, at: count(0...lines.count)) }
        for _ in 0..<count(1...4) {
            lines.append(hostOrMatchLine())
            for _ in 0..<count(1...3) { lines.append("    " + clientSetting(allowBad: allowBad)) }
            if include != nil, chance(20) { lines.append("    Include /etc/ssh/inhost.d/*.conf") }
        }
        return lines
    }

    mutating func clientTree() -> OpenSSHRandomTree {
        var tree = OpenSSHRandomTree()
        let allowBad = chance(12)
        var main = clientFile(allowBad: allowBad, include: "/etc/ssh/ssh_config.d/*.conf")
        if chance(20) {
            // An IgnoreUnknown first and an unknown keyword last: ssh runs or refuses as the patterns say.
            main.insert(line("IgnoreUnknown", pick(Self.ignoredPatterns)), at: 0)
            main.append(line(pick(Self.misspelt + ["PermitRootLogin"]), "curve25519-sha256"))
        }
        tree.files["etc/ssh/ssh_config"] = render(main)
        for index in 0..<count(0...2) {
            tree.files["etc/ssh/ssh_config.d/\(index)0-x.conf"] = render(clientFile(allowBad: allowBad, include: nil))
        }
        if chance(50) {
            tree.files["etc/ssh/inhost.d/a.conf"] = render(
                [clientSetting(allowBad: false), hostOrMatchLine(), "    " + clientSetting(allowBad: false)])
        }
        for _ in 0..<2 {
            tree.queries.append(
                OpenSSHRandomTree.Query(spec: pick(Self.hosts), user: chance(30) ? pick(["alice", "git"]) : nil))
        }
        return tree
    }
}
