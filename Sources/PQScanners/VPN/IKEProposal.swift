import PQCatalog
import PQModel

/// One strongSwan proposal (`aes256gcm16-prfsha384-x25519-ke1_mlkem768`) split into its transforms.
///
/// Keywords are strongSwan's (`src/libstrongswan/crypto/proposal/proposal_keywords_static.txt`); the transform
/// type follows from the keyword. strongSwan 6 adds ML-KEM (`mlkem512|768|1024`, FIPS 203) and up to seven
/// additional key exchanges per RFC 9370, written with a `ke1_` … `ke7_` prefix; `none` in such a slot makes
/// that round optional.
struct IKEProposal: Sendable, Hashable {
    enum Kind: String, Sendable {
        case encryption, integrity, prf, keyExchange, esn
    }

    struct Transform: Sendable, Hashable {
        /// As written, prefix included (`ke1_mlkem768`).
        var written: String
        /// The keyword without a `keN_` prefix.
        var keyword: String
        var kind: Kind
        /// 0 for the main key exchange, 1-7 for RFC 9370 additional key exchanges.
        var round: Int
    }

    var written: String
    var transforms: [Transform]

    /// Splits on `-`; an empty proposal yields no transforms.
    init(_ text: String) {
        written = text
        transforms = text.split(separator: "-").prefix(64).map { part in
            var keyword = part.lowercased()
            var round = 0
            if keyword.count > 4, keyword.hasPrefix("ke"), let digit = keyword.dropFirst(2).first,
                let value = digit.wholeNumberValue, (1...7).contains(value),
                keyword.dropFirst(3).first == "_"
            {
                round = value
                keyword = String(keyword.dropFirst(4))
            }
            let kind: Kind = round > 0 ? .keyExchange : Self.kind(of: keyword)
            return Transform(written: String(part), keyword: keyword, kind: kind, round: round)
        }
    }

    static let keyExchangePrefixes = [
        "modp", "ecp", "curve", "x25519", "x448", "mlkem", "kyber", "ntru", "frodo", "hqc", "bike", "saber", "sike",
    ]

    static func kind(of keyword: String) -> Kind {
        if keyword == "esn" || keyword == "noesn" { return .esn }
        if keyword == "none" || keyExchangePrefixes.contains(where: { keyword.hasPrefix($0) }) { return .keyExchange }
        if keyword.hasPrefix("prf") { return .prf }
        if ["sha", "md5", "aesxcbc", "aescmac", "camelliaxcbc"].contains(where: { keyword.hasPrefix($0) }) {
            return .integrity
        }
        return .encryption
    }

    /// The catalog entry for a transform, trying strongSwan's spelling variants (an ICV length suffix on
    /// AEAD ciphers, `aes` for `aes128`) in one place.
    static func entry(_ transform: Transform, catalog: Catalog) -> AlgorithmEntry? {
        let word = transform.keyword
        switch transform.kind {
        case .integrity:
            return catalog.entry(mac: word)
        case .keyExchange, .prf:
            return catalog.entry(named: word)
        case .esn:
            return nil
        case .encryption:
            if let found = catalog.entry(named: word) { return found }
            if word == "aes" { return catalog.entry(named: "aes128") }
            for mode in ["gcm", "ccm"] {
                guard let range = word.range(of: mode) else { continue }
                let base = String(word[word.startIndex..<range.upperBound])
                if let found = catalog.entry(named: base) ?? catalog.entry(named: base + "16") { return found }
            }
            return nil
        }
    }
}
