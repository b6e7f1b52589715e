import Foundation
import PQModel
import PQReports
import PQScoutKit
import Testing

/// Export a CBOM, import it, and get the same inventory back.
@Suite("CBOM round trip: export, import, same findings")
struct RoundTripTests {
    static func sortedFindings(_ findings: [Finding]) -> [Finding] {
        findings.sorted { ReportInputOrder.less($0, $1) }
    }

    @Test(
        "the sample's findings, assets and diagnostics survive CBOM 1.6 and 1.7",
        arguments: CBOMSpecVersion.allCases)
    func sample(_ spec: CBOMSpecVersion) throws {
        let input = try Fixtures.sample()
        let data = try CycloneDXRenderer(spec: spec).render(input, context: Fixtures.context)
        let imported = try CBOMImporter.parse(data, fallbackPath: ScanPath("sample.cdx.json"))
        #expect(imported.specVersion == spec.rawValue)
        #expect(imported.findings.count == input.findings.count)
        #expect(Self.sortedFindings(imported.findings) == Self.sortedFindings(input.findings))
        #expect(imported.assets == input.assets.sorted { $0.id < $1.id })
        #expect(Set(imported.diagnostics) == Set(input.diagnostics))
    }

    @Test("hostile and TLS inventories survive the trip too", arguments: ["hostile", "tls"])
    func fixtures(_ name: String) throws {
        let input = name == "tls" ? Fixtures.tls() : Fixtures.hostile()
        let data = try CycloneDXRenderer(spec: .v1_7).render(input, context: Fixtures.context)
        let imported = try CBOMImporter.parse(data, fallbackPath: ScanPath("x.cdx.json"))
        #expect(Self.sortedFindings(imported.findings) == Self.sortedFindings(input.findings))
        #expect(imported.assets == input.assets.sorted { $0.id < $1.id })
    }

    @Test("pqscout import records the CBOM as a scan, and diff finds nothing changed against the original")
    func throughTheStore() throws {
        let (_, store, scanID) = try Fixtures.sampleResult.get()
        let file = Fixtures.temporaryPath("sample.cdx.json")
        let data = try ReportUseCase.render(
            ReportRequest(storePath: store, scanID: scanID, format: .cbom, generatedAt: Fixtures.clock))
        try data.write(to: URL(fileURLWithPath: file))
        let copy = Fixtures.temporaryPath("copy.db")
        try FileManager.default.copyItem(atPath: store, toPath: copy)
        let imported = try ImportUseCase.run(ImportRequest(file: file, storePath: copy))
        #expect(imported.status == .complete)
        #expect(imported.roots == [file])
        let diff = try DiffUseCase.run(DiffRequest(storePath: copy, fromScan: scanID, toScan: imported.id))
        let text = try Presentation.diffText(diff)
        #expect(diff.added == 0 && diff.removed == 0 && diff.changed == 0, "\(text)")
        #expect(diff.unchanged == imported.counts.findings)
        let original = try InventoryUseCase.document(InventoryRequest(storePath: copy, scanID: scanID))
        #expect(imported.counts.findings == original.findings.count)
        #expect(imported.counts.byStatus == original.scan.counts.byStatus)
    }

    @Test(
        "a CBOM read in batches of any size gives the rows of one batch, every asset before the first finding",
        arguments: [1, 2, 7, 1000])
    func batches(_ rows: Int) throws {
        for data in [
            try CycloneDXRenderer(spec: .v1_6).render(try Fixtures.sample(), context: Fixtures.context),
            Data(ImportTests.foreign.utf8),
        ] {
            let whole = try CBOMImporter.parse(data, fallbackPath: ScanPath("x.cdx.json"))
            var batches: [CBOMBatch] = []
            try CBOMImporter.read(try CBOMImporter.open(data), fallbackPath: ScanPath("x.cdx.json"), batchRows: rows) {
                batches.append($0)
            }
            #expect(batches.allSatisfy { $0.findings.count + $0.assets.count + $0.diagnostics.count <= rows })
            #expect(batches.count >= (whole.findings.count + whole.assets.count) / rows)
            #expect(batches.flatMap(\.findings) == whole.findings, "the same findings in the same order")
            #expect(batches.flatMap(\.assets).sorted { $0.id < $1.id } == whole.assets)
            #expect(batches.flatMap(\.diagnostics) == whole.diagnostics)
            let firstFinding = batches.firstIndex { !$0.findings.isEmpty } ?? batches.count
            #expect(batches[firstFinding...].allSatisfy { $0.assets.isEmpty }, "a finding may name any asset")
        }
    }

    @Test("pqscout import records the same inventory in batches of 3 rows as in one batch")
    func batchedImport() throws {
        let (_, store, scanID) = try Fixtures.sampleResult.get()
        let file = Fixtures.temporaryPath("batched.cdx.json")
        try ReportUseCase.render(
            ReportRequest(storePath: store, scanID: scanID, format: .cbom, generatedAt: Fixtures.clock)
        ).write(to: URL(fileURLWithPath: file))
        var documents: [InventoryDocument] = []
        for rows in [3, 1_000_000] {
            let target = Fixtures.temporaryPath("batched-\(rows).db")
            var request = ImportRequest(file: file, storePath: target)
            request.batchRows = rows
            let imported = try ImportUseCase.run(request)
            #expect(imported.status == .complete)
            documents.append(try InventoryUseCase.document(InventoryRequest(storePath: target, scanID: imported.id)))
        }
        #expect(documents[0].findings.count > 3, "the sample takes several batches")
        #expect(documents[0].findings == documents[1].findings)
        #expect(documents[0].diagnostics == documents[1].diagnostics)
        #expect(documents[0].scan.counts == documents[1].scan.counts)
    }
}

/// The order the round-trip tests compare in (the importer keeps component order, not file order).
enum ReportInputOrder {
    static func less(_ a: Finding, _ b: Finding) -> Bool {
        let left = [
            a.path.display, "\(a.line ?? 0)", a.source.rawValue, a.setting, a.usage.rawValue, a.algorithm,
            a.context ?? "", a.asset ?? "", a.note ?? "",
        ]
        let right = [
            b.path.display, "\(b.line ?? 0)", b.source.rawValue, b.setting, b.usage.rawValue, b.algorithm,
            b.context ?? "", b.asset ?? "", b.note ?? "",
        ]
        return left.lexicographicallyPrecedes(right)
    }
}
