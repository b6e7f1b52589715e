/// How a quantum computer (or plain cryptanalysis) affects one use of an algorithm.
///
/// The raw values are part of the JSON contract (`quantumStatus`). There is deliberately no
/// `unknown`: an algorithm the catalog does not know is reported as `vulnerable` with a note,
/// because an inventory that hides what it cannot classify reads as "nothing found".
public enum QuantumStatus: String, Codable, Sendable, CaseIterable, Comparable {
    /// Broken by Shor's algorithm on a cryptographically relevant quantum computer (RSA, ECC, FFDH).
    case vulnerable
    /// Grover's search halves its strength to below 128 bits (AES-128, SHA-256 collisions are fine).
    case weakened
    /// Post-quantum, or symmetric with at least 256-bit keys.
    case resistant
    /// A classical and a post-quantum algorithm combined; safe while either holds.
    case hybrid
    /// Already broken without a quantum computer: MD5, SHA-1 signatures, RC4, DES, export suites,
    /// SSLv3, RSA below 2048 bits.
    case broken

    /// Severity order, worst first: broken, vulnerable, weakened, hybrid, resistant.
    public var severity: Int {
        switch self {
        case .broken: 4
        case .vulnerable: 3
        case .weakened: 2
        case .hybrid: 1
        case .resistant: 0
        }
    }

    public static func < (lhs: QuantumStatus, rhs: QuantumStatus) -> Bool { lhs.severity < rhs.severity }
}
