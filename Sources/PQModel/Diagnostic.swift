/// A file the scan skipped or could not parse. A bad file costs one diagnostic, never the scan.
public struct Diagnostic: Codable, Sendable, Hashable, Error {
    public var path: ScanPath
    public var reason: Reason
    /// The specifics: the size and the limit, OpenSSL's error text, where parsing stopped.
    public var detail: String

    public init(path: ScanPath, reason: Reason, detail: String) {
        self.path = path
        self.reason = reason
        self.detail = detail
    }

    /// Why a file was skipped or not parsed, in words. The raw values are the JSON contract.
    public enum Reason: String, Codable, Sendable, CaseIterable {
        case tooLarge = "too large"
        case specialFile = "special file"
        case linkOutsideRoot = "link out of the tree"
        case linkLoop = "link loop"
        case brokenLink = "broken link"
        case unreadable = "unreadable"
        case vanished = "vanished during scan"
        case tooDeep = "too deep"
        case malformed = "malformed"
        case encrypted = "encrypted"
        case unsupported = "unsupported"
        case empty = "empty"
    }
}
