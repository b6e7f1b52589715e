/// POSIX shell quoting for the values the plan puts into commands an operator runs (paths, host names): a file
/// named `$(id>&2).pem` or a `server_name w$(id>&2)w` must reach the command as one literal word. A value of only
/// safe characters stays bare; anything else goes in single quotes, each `'` written as `'\''` (POSIX.1-2017,
/// Shell Command Language §2.2.3: nothing is special inside single quotes).
public enum ShellQuote {
    static let safe: Set<Character> = Set(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@%+=:,./_-")

    /// `value` as one shell word.
    public static func quote(_ value: String) -> String {
        if !value.isEmpty, value.allSatisfy({ safe.contains($0) }) { return value }
        var out = "'"
        for char in value { out += char == "'" ? "'\\''" : String(char) }
        return out + "'"
    }
}
