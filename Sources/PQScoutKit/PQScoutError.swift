import Foundation

/// A failure of a use case, with a stable code and a one-line reason (`pqscout: <reason>`).
public struct PQScoutError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What kind of failure, which decides the exit status (README, "Exit status").
    public enum Kind: Sendable, Equatable {
        /// The request itself is wrong (exit 64, like swift-argument-parser's usage errors).
        case usage
        /// An input named on the command line, or the store, cannot be read or written (exit 2).
        case input
    }

    public let code: String
    public let kind: Kind
    public let reason: String

    public init(code: String, kind: Kind, reason: String) {
        self.code = code
        self.kind = kind
        self.reason = reason
    }

    public var description: String { reason }
}

extension PQScoutError {
    /// One line for any error a use case meets: the POSIX words for a file-system failure ("No such file or
    /// directory"), the store's own reason, never Foundation's multi-line debug dump.
    public static func describe(_ error: any Error) -> String {
        if let known = error as? PQScoutError { return known.reason }
        if error is DecodingError { return "the data does not have the expected shape" }
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError,
            underlying.domain == NSPOSIXErrorDomain
        {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if nsError.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(nsError.code))) }
        guard nsError.domain == NSCocoaErrorDomain else { return oneLine(String(describing: error)) }
        switch nsError.code {
        case NSFileNoSuchFileError, NSFileReadNoSuchFileError: return String(cString: strerror(ENOENT))
        case NSFileWriteFileExistsError: return String(cString: strerror(EEXIST))
        case NSFileReadNoPermissionError, NSFileWriteNoPermissionError: return String(cString: strerror(EACCES))
        default: return oneLine(nsError.localizedDescription)
        }
    }

    /// Joins a multi-line text into one line, so every error stays `pqscout: <one line>`.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
    }
}
