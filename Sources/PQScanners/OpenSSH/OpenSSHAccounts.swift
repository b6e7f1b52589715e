import PQModel

/// The tree's user and group database (`etc/passwd`, `etc/group`), for sshd's `Match Group`.
///
/// servconf.c `match_cfg_line_group`: the user is looked up with getpwnam(3); groupaccess.c `ga_init` takes the
/// user's groups from getgrouplist(3) (the primary group from passwd, then every group listing the user as a member)
/// and names each gid with getgrgid(3) (the first group of the file with that gid); `ga_match_pattern_list` holds
/// when some group name matches the pattern list and none matches a negated pattern.
struct OpenSSHAccounts: Sendable, Hashable {
    /// user name → primary gid, in file order (the first entry of a name wins, as getpwnam does).
    var primaryGroup: [String: Int] = [:]
    /// Groups in file order: name, gid, members.
    var groups: [(name: String, gid: Int, members: [String])] = []

    static func == (lhs: OpenSSHAccounts, rhs: OpenSSHAccounts) -> Bool {
        lhs.primaryGroup == rhs.primaryGroup && lhs.groups.map(\.name) == rhs.groups.map(\.name)
            && lhs.groups.map(\.gid) == rhs.groups.map(\.gid) && lhs.groups.map(\.members) == rhs.groups.map(\.members)
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(primaryGroup)
        hasher.combine(groups.map(\.name))
    }

    /// Reads `etc/passwd` and `etc/group` from the tree (under the root's `label` in a scan of several roots);
    /// nil when either is missing or unreadable.
    init?(tree: any TreeReader, label: String = "") {
        let root = label.isEmpty ? "" : label + "/"
        guard case .success(let passwd) = tree.read(ScanPath(root + "etc/passwd")),
            case .success(let group) = tree.read(ScanPath(root + "etc/group"))
        else { return nil }
        self.init(passwd: String(decoding: passwd, as: UTF8.self), group: String(decoding: group, as: UTF8.self))
    }

    init(passwd: String, group: String) {
        for line in passwd.split(whereSeparator: \.isNewline) {
            let fields = line.split(separator: ":", omittingEmptySubsequences: false)
            guard fields.count >= 4, !fields[0].isEmpty, let gid = Int(fields[3]) else { continue }
            if primaryGroup[String(fields[0])] == nil { primaryGroup[String(fields[0])] = gid }
        }
        for line in group.split(whereSeparator: \.isNewline) {
            let fields = line.split(separator: ":", omittingEmptySubsequences: false)
            guard fields.count >= 3, !fields[0].isEmpty, let gid = Int(fields[2]) else { continue }
            let members =
                fields.count > 3 ? fields[3].split(separator: ",").map { String($0) } : []
            groups.append((String(fields[0]), gid, members))
        }
    }

    /// The names of `user`'s groups; nil when the user is not in passwd (sshd: "Can't match group ... does not
    /// exist").
    func groupNames(of user: String) -> [String]? {
        guard let primary = primaryGroup[user] else { return nil }
        var gids = [primary]
        for group in groups where group.members.contains(user) && !gids.contains(group.gid) { gids.append(group.gid) }
        return gids.compactMap { gid in groups.first { $0.gid == gid }?.name }
    }

    /// `Match Group PATTERNS` for `user`.
    func user(_ user: String, inGroups patterns: String) -> Bool {
        guard let names = groupNames(of: user) else { return false }
        var found = false
        for name in names {
            // match_usergroup_pattern_list: a negated match wins at once.
            for entry in patterns.split(separator: ",", omittingEmptySubsequences: true) {
                let negated = entry.hasPrefix("!")
                let pattern = String(negated ? entry.dropFirst() : entry)
                guard OpenSSHPattern.matches(name, pattern: pattern) else { continue }
                if negated { return false }
                found = true
            }
        }
        return found
    }
}
