import PQCatalog
import PQModel

/// Looks an algorithm up in the catalog and applies the rule for algorithms it does not know.
struct AlgorithmClassifier: Sendable {
    static let unknownNote = "not in the catalog; assumed quantum-vulnerable until classified"

    let catalog: Catalog

    struct Verdict {
        var canonical: String?
        var status: QuantumStatus
        var note: String?
    }

    /// By OID first, then by the name as written.
    func classify(oid: String?, name: String? = nil, keyBits: Int?) -> Verdict {
        let entry = oid.flatMap { catalog.entry(oid: $0) } ?? name.flatMap { catalog.entry(named: $0) }
        guard let entry else { return Verdict(canonical: nil, status: .vulnerable, note: Self.unknownNote) }
        return Verdict(canonical: entry.canonical, status: entry.status(keyBits: keyBits), note: nil)
    }

    /// The catalog's spelling of a curve given its OID, else the structural table's, else the dotted OID.
    func curveName(oid: String?, fallback: String?) -> String? {
        if let oid, let entry = catalog.entry(oid: oid) { return entry.canonical }
        return fallback ?? oid
    }
}
