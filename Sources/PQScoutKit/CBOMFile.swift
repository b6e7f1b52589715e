import Foundation
import PQModel
import PQReports

/// Opening a CBOM file, for `pqscout import` and `pqscout vendor-check`: the size check, the read and the
/// checks of `CBOMImporter.open(file:)`, with each command's error codes.
enum CBOMFile {
    /// The error codes a command reports a file with.
    struct Codes {
        var tooLarge: String
        var unreadable: String
        var notCBOM: String
    }

    /// The document checked (it is read once, in pieces, and is not held); `eachChunk` sees its bytes in order.
    /// - Parameter limit: The largest file accepted: `CBOMImporter.maxBytes` for a document the command then holds
    ///   whole, `CBOMImporter.maxStreamedBytes` for one it records in batches.
    static func open(
        _ path: String, limit: Int, codes: Codes, eachChunk: ([UInt8]) -> Void = { _ in }
    ) throws(PQScoutError) -> CBOMDocument {
        // stat, not lstat: a link to a CBOM is read as the CBOM, and its size is the CBOM's.
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw unreadable(path, POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO), codes)
        }
        // A device or a pipe has no size to check and may never end.
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw PQScoutError(code: codes.unreadable, kind: .input, reason: "\(path) is not a regular file")
        }
        guard Int(status.st_size) <= limit else {
            throw PQScoutError(code: codes.tooLarge, kind: .input, reason: "\(path) is larger than \(limit) bytes")
        }
        do {
            return try CBOMImporter.open(file: path, limit: limit, eachChunk: eachChunk)
        } catch {
            switch error {
            case .unreadable(let cause): throw unreadable(path, cause, codes)
            case .notCBOM(let problem):
                throw PQScoutError(code: codes.notCBOM, kind: .input, reason: "\(path): \(problem.reason)")
            }
        }
    }

    private static func unreadable(_ path: String, _ error: any Error, _ codes: Codes) -> PQScoutError {
        PQScoutError(
            code: codes.unreadable, kind: .input, reason: "cannot read \(path): \(PQScoutError.describe(error))")
    }
}
