/// OpenSSH's pattern matching (`match.c`): `*` and `?` wildcards, comma-separated lists, `!` negation.
enum OpenSSHPattern {
    /// `match_pattern`: `*` matches any run, `?` one character; everything else literally.
    static func matches(_ text: String, pattern: String, caseInsensitive: Bool = false) -> Bool {
        let subject = Array(caseInsensitive ? text.lowercased().utf8 : text.utf8)
        let glob = Array(caseInsensitive ? pattern.lowercased().utf8 : pattern.utf8)
        var s = 0
        var p = 0
        var starP = -1
        var starS = 0
        while s < subject.count {
            if p < glob.count, glob[p] == UInt8(ascii: "?") || glob[p] == subject[s] && glob[p] != UInt8(ascii: "*") {
                s += 1
                p += 1
            } else if p < glob.count, glob[p] == UInt8(ascii: "*") {
                starP = p
                starS = s
                p += 1
            } else if starP >= 0 {
                p = starP + 1
                starS += 1
                s = starS
            } else {
                return false
            }
        }
        while p < glob.count, glob[p] == UInt8(ascii: "*") { p += 1 }
        return p == glob.count
    }

    /// `match_pattern_list`: true when some positive pattern matches and no negated (`!`) pattern does.
    static func matchesList(_ text: String, list: String, caseInsensitive: Bool = false) -> Bool {
        var matched = false
        for entry in list.split(separator: ",", omittingEmptySubsequences: true) {
            let negated = entry.hasPrefix("!")
            let pattern = String(negated ? entry.dropFirst() : entry)
            guard matches(text, pattern: pattern, caseInsensitive: caseInsensitive) else { continue }
            if negated { return false }
            matched = true
        }
        return matched
    }

    /// True when the text holds a wildcard.
    static func hasWildcard(_ text: String) -> Bool { text.contains("*") || text.contains("?") }
}
