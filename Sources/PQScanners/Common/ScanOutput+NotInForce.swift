import PQModel

extension ScanOutput {
    /// Marks the findings from `start` on as not in force, `reason` first in each note: how a scanner keeps what a
    /// file asks for when the program will not use it (it refuses to start, never reads the file, TLS is off).
    mutating func markNotInForce(_ reason: String?, from start: Int = 0) {
        for index in findings.indices.dropFirst(start) {
            findings[index].effective = false
            findings[index].note = [reason, findings[index].note].compactMap { $0 }.joined(separator: "; ")
        }
    }
}
