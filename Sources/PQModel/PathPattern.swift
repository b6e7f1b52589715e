import Foundation

/// The one glob dialect of every path pattern a user gives PQScout: `scan --exclude`, `inventory --path`, a
/// waiver's `path`, a vendor claim's `evidence` (Docs/user-guide.md, "Path patterns").
///
/// A pattern is matched against the path as PQScout prints it (`ScanPath.display`: relative to the scan root, with
/// the root's label when a scan has several roots), so a path copied from a report is a pattern that selects it
/// (quote `\`, `*`, `?` and `[` in it with `\`).
/// The syntax is fnmatch(3) without flags: `*` matches any run of characters, `/` included; `?` one character;
/// `[...]` a class (`[!...]` or `[^...]` negated); `\` quotes the next character. Then two rules, the same for every
/// command, so that what a scan skips is exactly what a filter over a finished scan leaves out:
///
/// - a pattern without `/` also matches any single path component (`*.log`, `proc`);
/// - a path matches when it or any folder above it matches (`etc/ssl` selects everything under `etc/ssl`).
///
/// A trailing `/` is ignored (`etc/ssl/` is `etc/ssl`).
public struct PathPattern: Sendable, Hashable, CustomStringConvertible {
    /// The pattern as the user wrote it.
    public let text: String
    private let pattern: String
    private let anyComponent: Bool

    public init(_ text: String) {
        self.text = text
        var pattern = Substring(text)
        while pattern.count > 1, pattern.hasSuffix("/") { pattern = pattern.dropLast() }
        self.pattern = String(pattern)
        anyComponent = !pattern.contains("/")
    }

    public var description: String { text }

    /// True when the path, or a folder above it, matches.
    public func matches(_ path: ScanPath) -> Bool { matches(display: path.display) }

    /// `matches(_:)` for a path already in its printed form.
    public func matches(display path: String) -> Bool {
        var utf8 = Array(path.utf8)
        // Folders above first, shortest first: every one a prefix that ends before a slash.
        var index = 0
        while index < utf8.count {
            if utf8[index] == UInt8(ascii: "/"), index > 0 {
                utf8[index] = 0
                let matched = matchesItself(utf8, end: index)
                utf8[index] = UInt8(ascii: "/")
                if matched { return true }
            }
            index += 1
        }
        utf8.append(0)
        return matchesItself(utf8, end: utf8.count - 1)
    }

    /// True when the path itself matches, folders above it aside: what a walk asks of each entry, having not
    /// entered a folder that matched.
    public func matchesItself(display path: String) -> Bool {
        var utf8 = Array(path.utf8)
        utf8.append(0)
        return matchesItself(utf8, end: utf8.count - 1)
    }

    /// `utf8[..<end]` is the path; `utf8[end]` is a NUL.
    private func matchesItself(_ utf8: [UInt8], end: Int) -> Bool {
        utf8.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                guard let base = chars.baseAddress else { return false }
                if fnmatch(pattern, base, 0) == 0 { return true }
                guard anyComponent else { return false }
                var start = end
                while start > 0, chars[start - 1] != CChar(UInt8(ascii: "/")) { start -= 1 }
                return start > 0 && fnmatch(pattern, base + start, 0) == 0
            }
        }
    }
}
