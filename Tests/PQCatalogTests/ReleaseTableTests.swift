import PQCatalog
import Testing

@Suite("Catalog release table: which release first brings which algorithm")
struct ReleaseTableTests {
    @Test("every row cites a public source, never an internal file, and has a release day")
    func sources() {
        #expect(!Catalog.releases.isEmpty)
        for release in Catalog.releases {
            #expect(!release.source.isEmpty, "\(release.software) \(release.version)")
            #expect(!release.source.contains(".md §") && !release.source.contains("standards.md"))
            #expect(!release.brings.isEmpty && !release.versionParts.isEmpty)
            #expect(release.date.count == 10 && release.date.hasPrefix("20"))
        }
    }

    @Test("each algorithm is brought once per software and kind")
    func broughtOnce() {
        var seen = Set<String>()
        for release in Catalog.releases {
            for name in release.brings {
                let key = "\(release.software) \(release.kind.rawValue) \(name.lowercased())"
                #expect(seen.insert(key).inserted, "\(key) appears twice")
            }
        }
    }

    @Test("first releases, by the software's own spelling")
    func firstReleases() {
        let catalog = Catalog.shared
        #expect(catalog.firstRelease(of: "openssh", bringing: "mlkem768x25519-sha256")?.version == "9.9")
        #expect(catalog.firstRelease(of: "openssh", bringing: "sntrup761x25519-sha512@openssh.com")?.version == "8.5")
        #expect(catalog.firstRelease(of: "openssl", bringing: "X25519MLKEM768", as: .tlsGroup)?.version == "3.5")
        #expect(catalog.firstRelease(of: "openssl", bringing: "ML-DSA-65", as: .tlsGroup) == nil)
        #expect(catalog.firstRelease(of: "strongswan", bringing: "mlkem768")?.version == "6.0")
        #expect(catalog.firstRelease(of: "openssl", bringing: "X25519Kyber768Draft00") == nil)
        #expect(catalog.firstRelease(of: "jdk", bringing: "ML-DSA-65", as: .signature)?.version == "24")
    }

    @Test("the first release with a post-quantum key exchange, judged by the catalog's entries")
    func firstPQ() {
        let catalog = Catalog.shared
        #expect(catalog.firstPQKeyExchangeRelease(of: "openssl")?.version == "3.5")
        #expect(catalog.firstPQKeyExchangeRelease(of: "openssh")?.version == "8.5")
        #expect(catalog.firstPQKeyExchangeRelease(of: "strongswan")?.version == "6.0")
        #expect(catalog.firstPQKeyExchangeRelease(of: "nginx") == nil)
    }

    @Test("releases of one software come oldest first")
    func order() {
        let versions = Catalog.shared.releases(of: "openssl").map(\.versionParts)
        #expect(versions == versions.sorted { $0.lexicographicallyPrecedes($1) })
    }
}
