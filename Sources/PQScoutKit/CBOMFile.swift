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
    static func open(_ path: String, codes: Codes, eachChunk: ([UInt8]) -> Void = { _ in }) throws(PQScoutError)
        -> CBOMDocument
    {
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            if let size = attributes[.size] as? NSNumber, size.intValue > CBOMImporter.maxBytes {
                throw PQScoutError(
                    code: codes.tooLarge, kind: .input,
                    reason: "\(path) is larger than \(CBOMImporter.maxBytes) bytes")
            }
        } catch let error as PQScoutError {
            throw error
        } catch {
            throw unreadable(path, error, codes)
        }
        do {
            return try CBOMImporter.open(file: path, eachChunk: eachChunk)
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
