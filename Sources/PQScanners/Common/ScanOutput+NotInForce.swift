import PQModel

extension ScanOutput {
    /// Marks the findings from `start` on as not in force, `reason` first in each note: how a scanner keeps what a
    /// file asks for when the program will not use it (it refuses to start, never reads the file, TLS is off).
    mutating func markNotInForce(_ reason: String?, from start: Int = 0) {
        markNotInForce(reason, in: start..<findings.count)
    }

    /// The same for the findings in `range`.
    mutating func markNotInForce(_ reason: String?, in range: Range<Int>) {
        for index in range {
            findings[index].effective = false
            findings[index].note = [reason, findings[index].note].compactMap { $0 }.joined(separator: "; ")
        }
    }
}
