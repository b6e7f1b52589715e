import Foundation

/// Every file PQScout writes for a reader (a report, a plan, its patches and asset lists) is written here.
///
/// Whole, through a temporary name renamed over the target: a reader never sees half a file, and a symbolic link
/// planted under the target's name is replaced, never followed.
public enum OutputFile {
    /// Writes `data` to `path`.
    /// - Throws: `PQScoutError` with `code` (kind `.input`): "cannot write PATH: <why>".
    public static func write(_ data: Data, to path: String, code: String) throws(PQScoutError) {
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw PQScoutError(
                code: code, kind: .input, reason: "cannot write \(path): \(PQScoutError.describe(error))")
        }
    }

    /// `write(_:to:code:)` of UTF-8 text.
    public static func write(_ text: String, to path: String, code: String) throws(PQScoutError) {
        try write(Data(text.utf8), to: path, code: code)
    }
}
