import PQCatalog
import PQModel
import Testing

/// The OIDs of the IETF PQC hackathon's r5 certificate artifacts (IETF-Hackathon/pqc-certificates,
/// providers/*/artifacts_certs_r5.zip) and of its `docs/oid_mapping.md`, each with the canonical name the
/// catalog must give it.
///
/// How the list was derived: every zip was extracted and scanned with `pqscout scan`; the 27 OIDs left as bare
/// numbers in `canonical` (211 findings in 202 files) are all below, completed with the rest of the arcs
/// `oid_mapping.md` names (all twelve composite ML-KEM OIDs, the eight FrodoKEM, six NTRU and sixteen Classic
/// McEliece OIDs).
@Suite("Hackathon r5 OIDs")
struct HackathonOIDTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let oid: String
        let canonical: String
        let status: QuantumStatus
        /// Whether the OID is only a draft's or a test arc's (the catalog's note must say "Pre-standard").
        let preStandard: Bool
        var testDescription: String { "\(oid) → \(canonical)" }
    }

    static let compositeKEM: [Case] = [
        ("55", "ML-KEM-768+RSA-2048-SHA3-256"), ("56", "ML-KEM-768+RSA-3072-SHA3-256"),
        ("57", "ML-KEM-768+RSA-4096-SHA3-256"), ("58", "ML-KEM-768+X25519-SHA3-256"),
        ("59", "ML-KEM-768+ECDH-P256-SHA3-256"), ("60", "ML-KEM-768+ECDH-P384-SHA3-256"),
        ("61", "ML-KEM-768+ECDH-brainpoolP256r1-SHA3-256"), ("62", "ML-KEM-1024+RSA-3072-SHA3-256"),
        ("63", "ML-KEM-1024+ECDH-P384-SHA3-256"), ("64", "ML-KEM-1024+ECDH-brainpoolP384r1-SHA3-256"),
        ("65", "ML-KEM-1024+X448-SHA3-256"), ("66", "ML-KEM-1024+ECDH-P521-SHA3-256"),
    ].map { Case(oid: "1.3.6.1.5.5.7.6." + $0.0, canonical: $0.1, status: .hybrid, preStandard: true) }

    static let others: [Case] = [
        ("1.0.18033.2.2.7.1", "FrodoKEM-976-SHAKE"), ("1.0.18033.2.2.7.2", "FrodoKEM-1344-SHAKE"),
        ("1.0.18033.2.2.7.3", "eFrodoKEM-976-SHAKE"), ("1.0.18033.2.2.7.4", "eFrodoKEM-1344-SHAKE"),
        ("1.0.18033.2.2.7.5", "FrodoKEM-976-AES"), ("1.0.18033.2.2.7.6", "FrodoKEM-1344-AES"),
        ("1.0.18033.2.2.7.7", "eFrodoKEM-976-AES"), ("1.0.18033.2.2.7.8", "eFrodoKEM-1344-AES"),
        ("1.3.6.1.4.1.22554.5.5.1", "NTRU-HPS-2048-509"), ("1.3.6.1.4.1.22554.5.5.2", "NTRU-HPS-2048-677"),
        ("1.3.6.1.4.1.22554.5.5.3", "NTRU-HPS-4096-821"), ("1.3.6.1.4.1.22554.5.5.4", "NTRU-HRSS-701"),
        ("1.3.6.1.4.1.22554.5.5.5", "NTRU-HPS-4096-1229"), ("1.3.6.1.4.1.22554.5.5.6", "NTRU-HRSS-1373"),
        ("1.3.9999.3.11", "Falcon-512-r3"), ("1.3.9999.3.14", "Falcon-1024-r3"),
    ].map { Case(oid: $0.0, canonical: $0.1, status: .resistant, preStandard: true) }

    /// Classic McEliece, listed in `oid_mapping.md` though no r5 artifact uses it.
    static let mceliece: [Case] = ["460896", "6688128", "6960119", "8192128"].enumerated().flatMap { set, base in
        ["", "f", "pc", "pcf"].enumerated().map { variant, suffix in
            Case(
                oid: "1.0.18033.2.2.6.\(set * 4 + variant + 1)", canonical: "Classic-McEliece-\(base)\(suffix)",
                status: .resistant, preStandard: true)
        }
    }

    /// Generic composites name their components inside the key, so the OID alone cannot vouch for a PQ part.
    static let generic: [Case] = [
        Case(
            oid: "2.16.840.1.114027.80.4.1", canonical: "Composite-Key-Generic", status: .vulnerable, preStandard: true),
        Case(
            oid: "1.3.6.1.4.1.18227.2.1", canonical: "Composite-Signature-Generic", status: .vulnerable,
            preStandard: true),
    ]

    @Test(
        "every hackathon r5 OID has a canonical name, a status and a source",
        arguments: compositeKEM + others + mceliece + generic)
    func named(_ item: Case) throws {
        let entry = try #require(Catalog.shared.entry(oid: item.oid))
        #expect(entry.canonical == item.canonical)
        #expect(entry.quantumStatus == item.status)
        #expect(!entry.source.isEmpty)
        #expect(entry.note?.contains("Pre-standard") == item.preStandard)
    }

    @Test("composite ML-KEM rows name both components and the combiner", arguments: compositeKEM)
    func compositeComponents(_ item: Case) throws {
        let entry = try #require(Catalog.shared.entry(oid: item.oid))
        let note = try #require(entry.note)
        let level = item.canonical.hasPrefix("ML-KEM-768") ? "ML-KEM-768" : "ML-KEM-1024"
        #expect(note.contains("Components: \(level) (FIPS 203) and "))
        #expect(note.contains("SHA3-256"))
        #expect(entry.nistCategory == (level == "ML-KEM-768" ? 3 : 5))
    }

    @Test("the NIST FIPS OIDs stay standard: their notes do not say pre-standard")
    func standardOIDsStayStandard() throws {
        for oid in ["2.16.840.1.101.3.4.4.2", "2.16.840.1.101.3.4.3.18", "1.3.6.1.5.5.7.6.40"] {
            let entry = try #require(Catalog.shared.entry(oid: oid))
            #expect(entry.note?.contains("Pre-standard") != true, "\(oid)")
        }
    }
}
