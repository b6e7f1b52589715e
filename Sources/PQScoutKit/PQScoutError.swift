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
