import PQModel

/// One algorithm-list keyword of sshd_config / ssh_config and where its defaults and known names come from.
public struct OpenSSHAlgorithmKeyword: Sendable, Hashable {
    /// The spelling `sshd -T` prints in lower case and the manual capitalises (`KexAlgorithms`).
    public let name: String
    /// Every accepted spelling, lower case (`pubkeyacceptedkeytypes` is the pre-8.5 alias).
    public let spellings: [String]
    public let usage: Usage
    /// True when sshd accepts the keyword inside `Match` (servconf.c `SSHCFG_ALL`, copied by
    /// `COPY_MATCH_STRING_OPTS`).
    public let allowedInServerMatch: Bool
    /// True when names may be wildcards outside a `-` list (`sshkey_names_valid2` allows them; `kex_names_valid`,
    /// `ciphers_valid` and `mac_valid` do not).
    let wildcardsAllowed: Bool
    let list: Lists

    enum Lists: Sendable, Hashable {
        case kex, publicKey, caSignature, ciphers, macs, gssapiKex
    }

    /// The keywords PQScout evaluates, in the order `effective` prints them.
    public static let all: [OpenSSHAlgorithmKeyword] = [
        OpenSSHAlgorithmKeyword(
            name: "KexAlgorithms", spellings: ["kexalgorithms"], usage: .keyExchange, allowedInServerMatch: false,
            wildcardsAllowed: false, list: .kex),
        OpenSSHAlgorithmKeyword(
            name: "HostKeyAlgorithms", spellings: ["hostkeyalgorithms"], usage: .signature,
            allowedInServerMatch: false, wildcardsAllowed: true, list: .publicKey),
        OpenSSHAlgorithmKeyword(
            name: "PubkeyAcceptedAlgorithms", spellings: ["pubkeyacceptedalgorithms", "pubkeyacceptedkeytypes"],
            usage: .signature, allowedInServerMatch: true, wildcardsAllowed: true, list: .publicKey),
        OpenSSHAlgorithmKeyword(
            name: "HostbasedAcceptedAlgorithms",
            spellings: ["hostbasedacceptedalgorithms", "hostbasedacceptedkeytypes", "hostbasedkeytypes"],
            usage: .signature, allowedInServerMatch: true, wildcardsAllowed: true, list: .publicKey),
        OpenSSHAlgorithmKeyword(
            name: "CASignatureAlgorithms", spellings: ["casignaturealgorithms"], usage: .signature,
            allowedInServerMatch: true, wildcardsAllowed: true, list: .caSignature),
        OpenSSHAlgorithmKeyword(
            name: "Ciphers", spellings: ["ciphers"], usage: .cipher, allowedInServerMatch: false,
            wildcardsAllowed: false, list: .ciphers),
        OpenSSHAlgorithmKeyword(
            name: "MACs", spellings: ["macs"], usage: .mac, allowedInServerMatch: false, wildcardsAllowed: false,
            list: .macs),
        OpenSSHAlgorithmKeyword(
            name: "GSSAPIKexAlgorithms", spellings: ["gssapikexalgorithms"], usage: .keyExchange,
            allowedInServerMatch: false, wildcardsAllowed: false, list: .gssapiKex),
    ]

    /// The keyword a lower-case spelling names, if it is an algorithm list.
    public static func named(_ key: String) -> OpenSSHAlgorithmKeyword? {
        all.first { $0.spellings.contains(key) }
    }

    /// The keyword a lower-case spelling names for one program: the old hostbased aliases differ (servconf.c knows
    /// `hostbasedacceptedkeytypes`, readconf.c `hostbasedkeytypes`; each refuses the other's).
    public static func named(_ key: String, for program: OpenSSHProgram) -> OpenSSHAlgorithmKeyword? {
        if program == .client, key == "hostbasedacceptedkeytypes" { return nil }
        if program == .server, key == "hostbasedkeytypes" { return nil }
        return named(key)
    }

    /// True for the lists the key exchange uses, before any Match pass can apply (kex.c kex_setup via the proposal).
    var usedBeforeAuthentication: Bool {
        switch list {
        case .kex, .ciphers, .macs, .gssapiKex: true
        case .publicKey: name == "HostKeyAlgorithms"
        case .caSignature: false
        }
    }
}

/// The result of applying one directive's value to a default list.
struct OpenSSHAssembledList: Sendable, Hashable {
    /// The algorithms in force, in order.
    var algorithms: [String]
    /// Names the value gives that the release does not know (sshd and ssh refuse the whole line).
    var unsupported: [String]
}

/// OpenSSH `kex_assemble_names` (kex.c): how a value with `+`, `-` or `^` and wildcards becomes a list.
enum OpenSSHAlgorithmList {
    /// Applies `value` to `defaults`, filtering through `supported` as OpenSSH does.
    ///
    /// - A plain list replaces the defaults; `+` appends to them, `^` puts the names in front (OpenSSH 8.1+);
    ///   duplicates are dropped, the first place kept.
    /// - Those lists are then expanded pattern by pattern against the supported names, in the supported order.
    /// - `-` removes every default matching one of its patterns, and is not expanded further.
    static func assemble(
        _ value: String, defaults: [String], supported: [String], valid: [String]? = nil, wildcardsAllowed: Bool
    ) -> OpenSSHAssembledList {
        guard let first = value.first else { return OpenSSHAssembledList(algorithms: defaults, unsupported: []) }
        let body = "+-^".contains(first) ? String(value.dropFirst()) : value
        let names = body.split(separator: ",", omittingEmptySubsequences: true).map(String.init)
        if first == "-" {
            let kept = defaults.filter { name in !names.contains { OpenSSHPattern.matches(name, pattern: $0) } }
            return OpenSSHAssembledList(algorithms: kept, unsupported: [])
        }
        let unsupported = names.filter { name in
            // sshkey_names_valid2: a wildcard is accepted when it matches some known name.
            if wildcardsAllowed, OpenSSHPattern.hasWildcard(name) {
                return !(valid ?? supported).contains { OpenSSHPattern.matches($0, pattern: name) }
            }
            return !(valid ?? supported).contains(name)
        }
        var list: [String]
        switch first {
        case "+": list = concatenate(defaults, names)
        case "^": list = concatenate(names, defaults)
        default: list = concatenate([], names)
        }
        var result: [String] = []
        for pattern in list where !pattern.hasPrefix("!") {
            result = concatenate(result, supported.filter { OpenSSHPattern.matches($0, pattern: pattern) })
        }
        return OpenSSHAssembledList(algorithms: result, unsupported: unsupported)
    }

    /// OpenSSH `kex_names_cat`: `a` then each name of `b` not already present.
    static func concatenate(_ a: [String], _ b: [String]) -> [String] {
        var out: [String] = []
        var seen: Set<String> = []
        for name in a + b where !name.isEmpty && seen.insert(name).inserted { out.append(name) }
        return out
    }
}
