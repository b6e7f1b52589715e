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
