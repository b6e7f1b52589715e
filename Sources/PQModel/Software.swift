/// An installed package read from the scanned tree's package database (dpkg, rpm, apk).
public struct Software: Codable, Sendable, Hashable {
    public var name: String
    public var version: String
    /// The package database it was read from, relative to the scan root.
    public var sourcePath: ScanPath

    public init(name: String, version: String, sourcePath: ScanPath) {
        self.name = name
        self.version = version
        self.sourcePath = sourcePath
    }
}
