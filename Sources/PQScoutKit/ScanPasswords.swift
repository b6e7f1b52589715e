import Foundation

/// The passwords a scan tries on protected files (PKCS#12, encrypted PKCS#8, legacy encrypted PEM), gathered
/// from places that do not show them to other users: a file (`--password-file`, one per line) and the
/// `PQSCOUT_PASSWORDS` environment variable (one per line), after any given on the command line.
///
/// Why not only the command line: arguments are world-readable in `ps` and `/proc/PID/cmdline`. The passwords
/// live in memory for the scan only; nothing writes them to the store, the JSON or a report.
public enum ScanPasswords {
    /// The environment variable read for passwords, one per line.
    public static let environmentVariable = "PQSCOUT_PASSWORDS"

    /// Every candidate, in order: `given`, then the file's lines, then the environment's; duplicates and empty
    /// lines dropped (the empty password is always tried anyway), a trailing CR removed (files written on Windows).
    /// - Throws: `PQScoutError` (input) when the password file cannot be read.
    public static func gather(
        given: [String], file: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(PQScoutError) -> [String] {
        var all = given
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw PQScoutError(code: "password-file", kind: .input, reason: "cannot read password file \(file)")
            }
            all += lines(String(decoding: data, as: UTF8.self))
        }
        if let text = environment[environmentVariable] { all += lines(text) }
        var seen: Set<String> = []
        return all.filter { !$0.isEmpty && seen.insert($0).inserted }
    }

    private static func lines(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: true).map { line in
            line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
        }
    }
}
