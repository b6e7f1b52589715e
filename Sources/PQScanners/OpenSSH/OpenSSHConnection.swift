import PQModel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Decides whether a `Match` or `Host` line applies to a connection (servconf.c and readconf.c
/// `match_cfg_line`, OpenSSH 9.2). `Group` is read from the tree's `etc/passwd` and `etc/group`; criteria that need
/// the running system (`exec`, `localnetwork`, `tagged`) never match offline; Docs/openssh.md says so.
enum OpenSSHMatch {
    /// sshd: every criterion must hold; `Match all` always holds.
    ///
    /// The connection is sshd's test connection (`-C`, or the blank one of `sshd -T`): a criterion whose field is
    /// absent does not hold (servconf.c: `ci->test && ci->user == NULL` → no match), except `LocalPort`, which sshd
    /// cannot test without `lport=` ("'Match LocalPort' in configuration but 'lport' not in connection test
    /// specification."): that is returned as the problem.
    static func server(
        _ arguments: [String], connection: OpenSSHConnection, accounts: OpenSSHAccounts? = nil
    ) -> (holds: Bool, problem: String?) {
        var index = 0
        var result = true
        var problem: String?
        while index < arguments.count {
            let attribute = arguments[index].lowercased()
            index += 1
            if attribute.hasPrefix("#") { break }
            if attribute == "all" { return (result, problem) }
            guard index < arguments.count else { return (false, problem) }
            let value = arguments[index]
            index += 1
            switch attribute {
            case "user": result = result && matches(connection.user, value)
            case "group":
                guard let user = connection.user else {
                    result = false
                    continue
                }
                result = result && (accounts?.user(user, inGroups: value) ?? false)
            case "host": result = result && matches(connection.host, value, caseInsensitive: true)
            case "address": result = result && addressMatches(connection.address, value)
            case "localaddress": result = result && addressMatches(connection.localAddress, value)
            case "localport":
                guard let port = connection.localPort else {
                    problem = "'Match LocalPort' in configuration but 'lport' not in connection test specification."
                    result = false
                    continue
                }
                result = result && String(port) == value
            case "rdomain": result = result && matches(connection.routingDomain, value)
            default: result = false
            }
        }
        return (result, problem)
    }

    /// ssh `Host`: some pattern matches the host and no negated one does (`match_pattern` per argument).
    static func host(_ patterns: [String], host: String) -> Bool {
        var matched = false
        for pattern in patterns {
            let negated = pattern.hasPrefix("!")
            let body = String(negated ? pattern.dropFirst() : Substring(pattern))
            // readconf.c oHost: match_pattern, which is case-sensitive (`Host BASTION` does not apply to `bastion`).
            guard OpenSSHPattern.matches(host, pattern: body) else { continue }
            if negated { return false }
            matched = true
        }
        return matched
    }

    /// ssh `Match`: criteria may be negated with `!`; all must hold; `all` ends the line.
    ///
    /// - Parameters:
    ///   - host: the host after `Hostname` (pass 1) or the final host name (final pass); compared case-insensitively
    ///     (`match_hostname` lower-cases both sides).
    ///   - originalHost: the host as typed.
    ///   - user: the remote user so far (`User` or `-l`), else the local user.
    ///   - final: true in the final pass, where `final` and `canonical` hold.
    static func client(
        _ arguments: [String], host: String, originalHost: String, user: String?, localUser: String?, final: Bool
    ) -> Bool {
        var index = 0
        var result = true
        while index < arguments.count {
            var attribute = arguments[index].lowercased()
            index += 1
            if attribute.hasPrefix("#") { break }
            let negate = attribute.hasPrefix("!")
            if negate { attribute.removeFirst() }
            if attribute == "all" { return result && !negate }
            var holds: Bool
            switch attribute {
            case "canonical", "final": holds = final
            default:
                guard index < arguments.count else { return false }
                let value = arguments[index]
                index += 1
                switch attribute {
                case "host": holds = matches(host, value, caseInsensitive: true)
                case "originalhost": holds = matches(originalHost, value, caseInsensitive: true)
                case "user": holds = matches(user, value)
                case "localuser": holds = matches(localUser, value)
                default: holds = false
                }
            }
            result = result && (negate ? !holds : holds)
        }
        return result
    }

    private static func matches(_ text: String?, _ list: String, caseInsensitive: Bool = false) -> Bool {
        guard let text else { return false }
        return OpenSSHPattern.matchesList(text, list: list, caseInsensitive: caseInsensitive)
    }

    /// `addr_match_list`: entries are CIDR blocks or wildcard patterns; a negated match fails the list.
    static func addressMatches(_ address: String?, _ list: String) -> Bool {
        guard let address, let bytes = parseAddress(address) else { return false }
        var matched = false
        for entry in list.split(separator: ",", omittingEmptySubsequences: true) {
            let negated = entry.hasPrefix("!")
            let body = String(negated ? entry.dropFirst() : entry)
            let hit: Bool
            if let slash = body.firstIndex(of: "/") {
                guard let network = parseAddress(String(body[..<slash])), network.count == bytes.count,
                    let bits = Int(body[body.index(after: slash)...]), bits >= 0, bits <= bytes.count * 8
                else { continue }
                hit = prefixEqual(bytes, network, bits: bits)
            } else {
                hit = OpenSSHPattern.matches(address, pattern: body)
            }
            guard hit else { continue }
            if negated { return false }
            matched = true
        }
        return matched
    }

    private static func prefixEqual(_ a: [UInt8], _ b: [UInt8], bits: Int) -> Bool {
        for bit in 0..<bits {
            let mask = UInt8(0x80) >> UInt8(bit % 8)
            if a[bit / 8] & mask != b[bit / 8] & mask { return false }
        }
        return true
    }

    /// The bytes of an IPv4 or IPv6 address, via inet_pton(3); nil for anything else.
    static func parseAddress(_ text: String) -> [UInt8]? {
        var v4 = [UInt8](repeating: 0, count: 4)
        if inet_pton(AF_INET, text, &v4) == 1 { return v4 }
        var v6 = [UInt8](repeating: 0, count: 16)
        if inet_pton(AF_INET6, text, &v6) == 1 { return v6 }
        return nil
    }
}
