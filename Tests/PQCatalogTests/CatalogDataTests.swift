import Foundation
import PQCatalog
import PQModel
import Testing

/// The bundled algorithms.json is whole and consistent.
@Suite("Catalog data")
struct CatalogDataTests {
    let catalog: Catalog

    init() throws {
        catalog = try Catalog.bundled()
    }

    @Test("the bundled JSON loads and holds the algorithms standards.md lists")
    func loads() {
        #expect(catalog.entries.count > 200)
    }

    @Test("no two entries share a canonical name")
    func uniqueCanonicals() {
        var seen: [String: Int] = [:]
        for entry in catalog.entries {
            seen[Catalog.normalise(entry.canonical), default: 0] += 1
        }
        #expect(seen.filter { $0.value > 1 }.keys.sorted() == [])
    }

    @Test("no spelling names two entries, in any naming system or case")
    func uniqueNames() {
        var owner: [String: String] = [:]
        var clashes: [String] = []
        for entry in catalog.entries {
            for name in [entry.canonical] + entry.names.all {
                let key = Catalog.normalise(name)
                if let other = owner[key], other != entry.canonical {
                    clashes.append("\(name): \(other) / \(entry.canonical)")
                }
                owner[key] = entry.canonical
            }
        }
        #expect(clashes == [])
    }

    @Test("no OID belongs to two entries")
    func uniqueOIDs() {
        var owner: [String: String] = [:]
        var clashes: [String] = []
        for entry in catalog.entries {
            for oid in entry.oids {
                if let other = owner[oid], other != entry.canonical {
                    clashes.append("\(oid): \(other) / \(entry.canonical)")
                }
                owner[oid] = entry.canonical
            }
        }
        #expect(clashes == [])
    }

    @Test("every OID is well-formed dotted decimal (X.660: first arc 0-2, no leading zeros)")
    func oidsAreDottedDecimal() throws {
        let pattern = try Regex("^[0-2](\\.(0|[1-9][0-9]*))+$")
        let bad = catalog.entries.flatMap(\.oids).filter { $0.wholeMatch(of: pattern) == nil }
        #expect(bad == [])
    }

    @Test("every entry cites a source, and every name is non-empty and trimmed")
    func sourcesAndNames() {
        let unsourced = catalog.entries.filter { $0.source.trimmingCharacters(in: .whitespaces).isEmpty }
        #expect(unsourced.map(\.canonical) == [])
        let badNames = catalog.entries.flatMap(\.names.all).filter {
            $0.isEmpty || $0 != $0.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        #expect(badNames == [])
    }

    @Test("NIST categories are 0-5; post-quantum rows have one, broken rows have none")
    func categories() {
        #expect(catalog.entries.allSatisfy { (0...5).contains($0.nistCategory) })
        let pqFamilies: Set = ["ML-KEM", "ML-DSA", "SLH-DSA", "LMS", "XMSS", "FN-DSA"]
        let pqWithout = catalog.entries.filter { pqFamilies.contains($0.family) && $0.nistCategory == 0 }
        #expect(pqWithout.map(\.canonical) == [])
        let brokenWith = catalog.entries.filter { $0.quantumStatus == .broken && $0.nistCategory != 0 }
        #expect(brokenWith.map(\.canonical) == [])
    }

    @Test("every TLS code point parses as a 16-bit hexadecimal number")
    func codePoints() {
        let bad = catalog.entries.filter { $0.tlsCodePoint != nil && $0.tlsCodePointValue == nil }
        #expect(bad.map(\.canonical) == [])
    }

    @Test("RSA and finite-field DH rows are broken below 2048 bits")
    func keySizeFloors() {
        let floorless = catalog.entries.filter {
            ($0.family == "RSA" || $0.family == "FFDH") && $0.brokenBelowBits != 2048
        }
        #expect(floorless.map(\.canonical) == [])
    }

    @Test("a name spelled twice for different entries makes the catalog refuse to load")
    func duplicateNameThrows() throws {
        let json = Data(
            """
            {"algorithms": [
              {"canonical": "A", "family": "X", "primitive": "hash", "nistCategory": 0, "quantumStatus": "broken",
               "oids": [], "names": {"openssl": ["same"]}, "source": "test"},
              {"canonical": "B", "family": "X", "primitive": "hash", "nistCategory": 0, "quantumStatus": "broken",
               "oids": [], "names": {"ike": ["SAME"]}, "source": "test"}
            ]}
            """.utf8)
        #expect(throws: CatalogError.self) { try Catalog(json: json) }
    }
}
