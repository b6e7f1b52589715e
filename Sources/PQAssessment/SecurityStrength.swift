import PQCatalog
import PQModel

/// Classical security strength of one finding, in bits, as NIST SP 800-57 Part 1 Table 2 assigns it.
///
/// IR 8547's tables are keyed by strength (112 vs ≥128 bits), so the evaluator needs it. Sources, in order:
/// the catalog row's own `classicalBits` (curves, Ed25519, X25519, named groups); the named curve; the modulus
/// size for RSA/DSA/FFDH (2048 = 112, 3072 = 128, 7680 = 192, 15360 = 256, 1024 = 80); half the key size for
/// elliptic curves. Mapping ◐ (standards.md §1.1: SP 800-57 not re-read).
public enum SecurityStrength {
    /// The strength in bits, or nil when nothing tells it (a signature whose issuer key is not known).
    public static func bits(
        canonical: String?, family: String?, keyBits: Int?, curve: String?, catalog: Catalog = .shared
    ) -> Int? {
        if let canonical, let bits = catalog.entry(named: canonical)?.classicalBits { return bits }
        if let curve, let bits = catalog.curve(named: curve)?.classicalBits { return bits }
        guard let keyBits, keyBits > 0 else { return nil }
        switch family {
        case "RSA", "DSA", "FFDH": return modulusStrength(keyBits)
        case "ECDSA", "ECDH", "ECC", "EdDSA", "SM2": return keyBits / 2
        default: return nil
        }
    }

    /// SP 800-57 Part 1 Table 2 for integer-factorisation and finite-field moduli, rounded down to a step.
    public static func modulusStrength(_ bits: Int) -> Int {
        switch bits {
        case 15360...: 256
        case 7680...: 192
        case 3072...: 128
        case 2048...: 112
        case 1024...: 80
        default: bits / 16
        }
    }
}
