/// What an algorithm is used for at the place it was found. Raw values are the JSON contract.
public enum Usage: String, Codable, Sendable, CaseIterable {
    case keyExchange = "key-exchange"
    case signature
    case publicKey = "public-key"
    case cipher
    case mac
    case hash
    case protocolVersion = "protocol-version"
    case cipherSuite = "cipher-suite"
    case group
}

/// Where a finding's value came from: written in a file, or the software's default for an unset setting.
public enum Origin: String, Codable, Sendable, CaseIterable {
    /// Read from the file itself (a directive, a certificate field, a key).
    case file
    /// The software's built-in default for a setting the file leaves unset.
    case `default`
}
