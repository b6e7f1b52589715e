import PQCatalog
import PQModel

/// The few TLS helpers the mail and VPN scanners keep for themselves: protocol-version spellings (OpenVPN's `1.2`,
/// Postfix's `>=TLSv1.2`) and the built-in DH group Postfix uses without a parameter file. Cipher strings, suites,
/// groups and the files a setting names go through the shared TLS code (`SharedTLS`, `TLSServiceEmitter`).
struct TLSSettingsEmitter {
    let catalog: Catalog
    let tree: (any TreeReader)?

    /// The canonical version for a spelling (`TLSv1.2`, `tls1_2`, `1.2`, `TLS1.2`), or nil.
    func version(_ token: String) -> String? {
        let bare = token.trimmingWhitespace()
        let map = ["1.0": "TLSv1", "1": "TLSv1", "1.1": "TLSv1.1", "1.2": "TLSv1.2", "1.3": "TLSv1.3"]
        if let mapped = map[bare] { return mapped }
        return TLSProtocolChoice.normalise(bare)
    }

    /// Versions from `min` (inclusive) up, limited by `max` when given.
    func range(min: String?, max: String?) -> [String] {
        let all = TLSProtocolChoice.all
        let low = min.flatMap { all.firstIndex(of: $0) } ?? 0
        let high = max.flatMap { all.firstIndex(of: $0) } ?? all.count - 1
        guard low <= high else { return [] }
        return Array(all[low...high])
    }

    /// A finite-field DH group of known size (RFC 7919 §1: below 2048 bits is weak; the catalog says broken).
    func dhParameters(
        bits: Int, setting: String, place: ConfigFindings.Place, note: String?, _ out: inout ConfigFindings
    ) {
        out.add(
            at: place, setting: setting, usage: .keyExchange, algorithm: "DH", entry: catalog.entry(named: "DH"),
            keyBits: bits, note: note)
    }
}
