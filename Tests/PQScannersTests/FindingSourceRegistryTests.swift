import PQCatalog
import PQModel
import Testing

@testable import PQScanners

/// A scanner and a source description are added together (Docs/architecture.md, "Adding a scanner"): these tests
/// fail when one is added without the other.
@Suite("FindingSourceDescription.all matches the scanners ScannerRegistry.standard runs")
struct FindingSourceRegistryTests {
    @Test("every source a registered scanner writes is described")
    func everySourceDescribed() {
        for scanner in ScannerRegistry.standard.scanners {
            #expect(!scanner.sources.isEmpty, "\(scanner.id) declares no source")
            for source in scanner.sources {
                #expect(source.described != nil, "\(scanner.id) writes \(source), which has no description")
            }
        }
    }

    @Test("every description names a source some registered scanner writes")
    func everyDescriptionScanned() {
        let written = Set(ScannerRegistry.standard.sources)
        for described in FindingSourceDescription.all {
            #expect(written.contains(described.source), "\(described.source) is described but no scanner writes it")
        }
    }

    @Test("each source is described once")
    func describedOnce() {
        let sources = FindingSourceDescription.all.map(\.source)
        #expect(Set(sources).count == sources.count)
    }

    @Test(
        "a scanner's examples yield findings only from the sources it declares",
        arguments: ScannerRegistry.standard.scanners.map(\.id))
    func examplesStayInDeclaredSources(id: String) {
        guard let scanner = ScannerRegistry.standard.scanners.first(where: { $0.id == id }) else {
            Issue.record("no scanner \(id)")
            return
        }
        let declared = Set(scanner.sources)
        for example in scanner.examples {
            let output = scanner.scan(ScanInput(path: ScanPath(example.path), bytes: example.contents))
            for finding in output.findings {
                #expect(declared.contains(finding.source), "\(id): \(example.name) wrote \(finding.source)")
            }
        }
    }
}

/// OpenSSH's per-release lists (`openssh-releases.json`, generated from the release tags) and the catalog's release
/// table state the same fact twice for the releases both cover: this test keeps them from drifting apart.
@Suite("OpenSSH per-release lists agree with the catalog's release table")
struct OpenSSHReleaseTableAgreementTests {
    @Test("a key exchange is supported exactly from the release the catalog says first brings it")
    func kexAgree() {
        let rows = Catalog.shared.releases(of: "openssh").filter { $0.kind == .keyExchange }
        #expect(!rows.isEmpty)
        for row in rows {
            guard let since = OpenSSHVersion(row.version) else {
                Issue.record("unreadable version \(row.version)")
                continue
            }
            for release in OpenSSHReleases.all {
                for name in row.brings {
                    let supported = release.supportedKex.contains(name)
                    #expect(supported == (release.number >= since), "\(name) in OpenSSH \(release.version)")
                }
            }
        }
    }
}
