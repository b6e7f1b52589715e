import Foundation

/// The text files that hold SSH keys one per line; each reads the fields before the key differently.
enum SSHKeyFileKind: Sendable {
    /// `*.pub`: `type base64 comment` (ssh-keygen(1) output).
    case publicKey
    /// `authorized_keys`, `authorized_keys2`: `[options] type base64 comment` (sshd(8) AUTHORIZED_KEYS FILE FORMAT).
    case authorizedKeys
    /// `known_hosts`, `ssh_known_hosts`: `[marker] hosts type base64 comment` (sshd(8) SSH_KNOWN_HOSTS FILE FORMAT).
    case knownHosts
    /// Recognised by content only: each line is read in whichever of the three forms it fits.
    case unknown

    /// The kind a file name says, or nil when the name says nothing.
    static func forName(_ name: String) -> SSHKeyFileKind? {
        if name.hasPrefix("authorized_keys") { return .authorizedKeys }
        if name.hasPrefix("known_hosts") || name.hasPrefix("ssh_known_hosts") { return .knownHosts }
        if name.hasSuffix(".pub") { return .publicKey }
        return nil
    }
}

/// One key line with its leading fields read and its base64 decoded, but the blob not yet interpreted.
struct SSHKeyLine {
    /// Which file form the line was read as; decides the finding's `setting`.
    var kind: SSHKeyFileKind
    /// The key type as written before the base64.
    var typeName: String
    var blob: [UInt8]
    /// known_hosts: `@cert-authority` or `@revoked`.
    var marker: String?
    /// known_hosts: the host patterns as written, or "hashed host" (the hash itself is never repeated).
    var hosts: String?
    /// authorized_keys: option keywords without their values.
    var options: [String] = []

    /// The finding's `context`: where in the file's own terms this key applies.
    var context: String? {
        switch kind {
        case .knownHosts: return [marker, hosts].compactMap { $0 }.joined(separator: " ")
        case .authorizedKeys: return options.isEmpty ? nil : "options: " + options.joined(separator: ",")
        case .publicKey, .unknown: return nil
        }
    }

    /// Reads one non-comment line. The error is a short phrase for the file's summary diagnostic.
    static func parse(_ line: ArraySlice<UInt8>, as kind: SSHKeyFileKind) -> Result<SSHKeyLine, SSHLineProblem> {
        switch kind {
        case .publicKey: return keyFields(line, kind: .publicKey)
        case .authorizedKeys: return authorizedKey(line)
        case .knownHosts: return knownHost(line)
        case .unknown:
            let first = SSHText.nextToken(line).token
            if first.first == UInt8(ascii: "@") { return knownHost(line) }
            if startsWithKey(line) { return keyFields(line, kind: .publicKey) }
            if first.contains(UInt8(ascii: "=")) || first.contains(UInt8(ascii: "\"")) { return authorizedKey(line) }
            return knownHost(line)
        }
    }

    /// True when the line opens with `type base64`: a type this scanner knows, or any word followed by base64
    /// whose blob names that same word first (so an unknown future type still reads, while an options field
    /// such as `command="echo AAAA"` does not pass for a key).
    static func startsWithKey(_ line: ArraySlice<UInt8>) -> Bool {
        let (first, rest) = SSHText.nextToken(line)
        let type = SSHText.string(first)
        if SSHKeyType.allNames.contains(type) { return true }
        let second = SSHText.nextToken(rest).token
        guard second.starts(with: "AAAA".utf8), let blob = Data(base64Encoded: Data(second)) else { return false }
        var reader = SSHWireReader(blob)
        return (try? reader.text("key type")) == type
    }

    private static func authorizedKey(_ line: ArraySlice<UInt8>) -> Result<SSHKeyLine, SSHLineProblem> {
        if startsWithKey(line) { return keyFields(line, kind: .authorizedKeys) }
        guard let (options, rest) = SSHText.optionsField(line) else {
            return .failure(SSHLineProblem("unterminated quote in options"))
        }
        guard !rest.isEmpty else { return .failure(SSHLineProblem("no key after the options")) }
        return keyFields(rest, kind: .authorizedKeys).map { key in
            var key = key
            key.options = SSHText.optionNames(options)
            return key
        }
    }

    private static func knownHost(_ line: ArraySlice<UInt8>) -> Result<SSHKeyLine, SSHLineProblem> {
        var rest = line.drop(while: SSHText.isSpace)
        var marker: String?
        if rest.first == UInt8(ascii: "@") {
            let (token, after) = SSHText.nextToken(rest)
            let text = SSHText.string(token)
            // hostfile.c compares markers exactly.
            guard text == "@cert-authority" || text == "@revoked" else {
                return .failure(SSHLineProblem("unknown marker \(SSHLineProblem.quote(token))"))
            }
            marker = text
            rest = after
        }
        let (hostsToken, afterHosts) = SSHText.nextToken(rest)
        guard !hostsToken.isEmpty else { return .failure(SSHLineProblem("no host names")) }
        let hosts: String
        if hostsToken.first == UInt8(ascii: "|") {
            guard hostsToken.starts(with: "|1|".utf8) else {
                return .failure(SSHLineProblem("unknown hashed host format"))
            }
            hosts = "hashed host"
        } else {
            hosts = SSHText.string(hostsToken)
        }
        let next = SSHText.nextToken(afterHosts).token
        if !next.isEmpty, next.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) {
            return .failure(SSHLineProblem("SSH protocol 1 key (bits exponent modulus) is not read"))
        }
        return keyFields(afterHosts, kind: .knownHosts).map { key in
            var key = key
            key.marker = marker
            key.hosts = hosts
            return key
        }
    }

    /// Reads `type base64 [comment]`. The comment is ignored: it is free text and not needed.
    private static func keyFields(_ text: ArraySlice<UInt8>, kind: SSHKeyFileKind) -> Result<SSHKeyLine, SSHLineProblem>
    {
        let (typeToken, rest) = SSHText.nextToken(text)
        let base64 = SSHText.nextToken(rest).token
        guard !typeToken.isEmpty else { return .failure(SSHLineProblem("no key type")) }
        guard typeToken.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            return .failure(SSHLineProblem("key type \(SSHLineProblem.quote(typeToken)) is not printable"))
        }
        guard !base64.isEmpty else {
            return .failure(SSHLineProblem("no base64 key after \(SSHLineProblem.quote(typeToken))"))
        }
        guard let decoded = Data(base64Encoded: Data(base64)), !decoded.isEmpty else {
            return .failure(SSHLineProblem("bad base64"))
        }
        return .success(SSHKeyLine(kind: kind, typeName: SSHText.string(typeToken), blob: [UInt8](decoded)))
    }
}

/// Why one line was not understood, as a short phrase ("bad base64").
struct SSHLineProblem: Error, Hashable {
    let reason: String
    init(_ reason: String) { self.reason = reason }

    /// A token for a message: printable ASCII kept, the rest escaped, cut at 40 characters.
    static func quote(_ token: ArraySlice<UInt8>) -> String {
        var text = ""
        for byte in token.prefix(40) {
            text += (0x20..<0x7F).contains(byte) ? String(UnicodeScalar(byte)) : "\\x" + String(byte, radix: 16)
        }
        return "\"" + text + (token.count > 40 ? "…" : "") + "\""
    }
}
