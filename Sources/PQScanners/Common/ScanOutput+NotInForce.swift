import PQModel

extension ScanOutput {
    /// Marks the findings from `start` on as not in force, `reason` first in each note: how a scanner keeps what a
    /// file asks for when the program will not use it (it refuses to start, never reads the file, TLS is off).
    mutating func markNotInForce(_ reason: String?, from start: Int = 0) {
        markNotInForce(reason, in: start..<findings.count)
    }

    /// Why nothing of a program's configuration is in force, for the start of each finding's note, or nil when
    /// nothing stops it: what PQScout did not read comes first (`notRead`, each naming what the program reads: the
    /// program's verdict on the rest is then unknown), then the places the program refuses it at (`refusals`, read
    /// by `refuses`: "sshd refuses to start", "ssh refuses to run"). OpenSSH, nginx, httpd and HAProxy read their
    /// whole configuration at start and stop at its first error, so one such place puts none of it in force.
    static func startNote(program: String, refuses: String, refusals: [String], notRead: [String]) -> String? {
        func more(_ list: [String]) -> String { list.count > 1 ? " (and \(list.count - 1) more)" : "" }
        if let unread = notRead.first {
            return "not known to be in force: PQScout did not read \(unread)\(more(notRead)), so what \(program) uses "
                + "is unknown"
        }
        return refusals.first.map { "not in force: \(refuses) with this configuration: \($0)\(more(refusals))" }
    }

    /// The same for the findings in `range`.
    mutating func markNotInForce(_ reason: String?, in range: Range<Int>) {
        for index in range { markNotInForce(reason, at: index) }
    }

    /// The same for the findings `chosen` picks.
    mutating func markNotInForce(_ reason: String?, where chosen: (Finding) -> Bool) {
        for index in findings.indices where chosen(findings[index]) { markNotInForce(reason, at: index) }
    }

    private mutating func markNotInForce(_ reason: String?, at index: Int) {
        findings[index].effective = false
        findings[index].note = [reason, findings[index].note].compactMap { $0 }.joined(separator: "; ")
    }
}
