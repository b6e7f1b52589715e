import Foundation
import PQModel
import PQReports
import PQScoutKit
import Testing

/// The report, diff and import use cases fail with one-line reasons and the right kind (exit 64 or 2).
@Suite("Report, diff and import use cases: errors")
struct UseCaseErrorTests {
    @Test("a scan that does not exist is a usage error for report and diff")
    func noScan() throws {
        let (_, store, _) = try Fixtures.sampleResult.get()
        #expect(throws: PQScoutError.self) {
            try ReportUseCase.render(ReportRequest(storePath: store, scanID: 999_999, format: .md))
        }
        do {
            _ = try DiffUseCase.run(DiffRequest(storePath: store, fromScan: 999_999))
            Issue.record("diff with an unknown scan succeeded")
        } catch {
            #expect(error.kind == .usage)
        }
    }

    @Test("diff after the first scan says there is nothing to compare, and is not an error")
    func noEarlier() throws {
        let store = Fixtures.temporaryPath("single.db")
        let root = Fixtures.repositoryRoot.appendingPathComponent("sample-inventories/webfarm/etc/ssh").path
        let scan = try ScanUseCase().run(ScanRequest(roots: [root], storePath: store))
        let outcome = try DiffUseCase.run(DiffRequest(storePath: store, toScan: scan.id))
        #expect(outcome.fromScan == nil)
        #expect(
            try Presentation.diffText(outcome).hasPrefix(
                "Nothing to compare: scan \(scan.id) is the first scan of its roots"))
        let json =
            try JSONSerialization.jsonObject(with: Data(try Presentation.diffJSON(outcome).utf8)) as? [String: Any]
        #expect(json?["to"] as? Int64 == scan.id)
        #expect(json?["from"] is NSNull)
    }

    @Test("importing a missing file, or one that is not a CBOM, is an input error and records nothing")
    func badImport() throws {
        let store = Fixtures.temporaryPath("import.db")
        let garbage = Fixtures.temporaryPath("garbage.json")
        try Data("{\"bomFormat\":\"SPDX\"}".utf8).write(to: URL(fileURLWithPath: garbage))
        for file in [Fixtures.temporaryPath("missing.json"), garbage] {
            do {
                _ = try ImportUseCase.run(ImportRequest(file: file, storePath: store))
                Issue.record("import of \(file) succeeded")
            } catch {
                #expect(error.kind == .input)
                #expect(!error.reason.contains("\n"))
            }
        }
        #expect(!FileManager.default.fileExists(atPath: store))
    }

    @Test("a CBOM with dangling asset references, empty names and negative sizes still imports into the store")
    func hostileImport() throws {
        let text = #"""
            {"bomFormat":"CycloneDX","specVersion":"1.6","components":[
              {"type":"cryptographic-asset","bom-ref":"a","name":"",
               "cryptoProperties":{"assetType":"algorithm","algorithmProperties":{"primitive":"signature"}},
               "evidence":{"occurrences":[{"location":"x.pem","line":-4,"symbol":"",
                 "additionalContext":"source=&algorithm=&asset=sha256%3Anowhere&usage=bogus"}]}},
              {"type":"cryptographic-asset","bom-ref":"k","name":"key",
               "properties":[{"name":"pqscout:asset-id","value":""},{"name":"pqscout:asset-keyBits","value":"-9"}],
               "cryptoProperties":{"assetType":"related-crypto-material",
                 "relatedCryptoMaterialProperties":{"type":"private-key","size":-1,"value":"c2VjcmV0"}}}]}
            """#
        let file = Fixtures.temporaryPath("hostile.cdx.json")
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        let store = Fixtures.temporaryPath("hostile-import.db")
        let scan = try ImportUseCase.run(ImportRequest(file: file, storePath: store))
        #expect(scan.status == .complete)
        let document = try InventoryUseCase.document(InventoryRequest(storePath: store, scanID: scan.id))
        let finding = try #require(document.findings.first)
        #expect(finding.asset == nil)
        #expect(finding.source == "cbom")
        #expect(finding.setting == "algorithm")
        #expect(finding.line == nil)
        #expect(finding.usage == .signature)
        // The key's value is never read: neither the store nor its write-ahead log holds it.
        for suffix in ["", "-wal"] {
            let bytes = (try? Data(contentsOf: URL(fileURLWithPath: store + suffix))) ?? Data()
            #expect(bytes.range(of: Data("c2VjcmV0".utf8)) == nil)
        }
    }

    @Test("a report of a store with no scan says to run a scan first")
    func missingStore() {
        do {
            _ = try ReportUseCase.render(ReportRequest(storePath: Fixtures.temporaryPath("none.db"), format: .html))
            Issue.record("report without a store succeeded")
        } catch {
            #expect(error.kind == .input)
        }
    }
}

@Suite("Imported CBOMs are kept apart from host scans")
struct ImportKindTests {
    @Test("an import is recorded as such, and the commands' default scan stays the latest host scan")
    func defaultIsHostScan() throws {
        let store = Fixtures.temporaryPath("kind.db")
        let root = Fixtures.repositoryRoot.appendingPathComponent("sample-inventories/webfarm/etc/ssh").path
        let hostScan = try ScanUseCase().run(ScanRequest(roots: [root], storePath: store))
        let cbom = Fixtures.temporaryPath("kind.cdx.json")
        try CycloneDXRenderer(spec: .v1_6).render(try Fixtures.sample(), context: Fixtures.context).write(
            to: URL(fileURLWithPath: cbom))
        let imported = try ImportUseCase.run(ImportRequest(file: cbom, storePath: store))
        #expect(imported.kind == .import)
        #expect(hostScan.kind == .scan)
        #expect(imported.id > hostScan.id)
        let shown = try InventoryUseCase.shownScan(storePath: store, requested: nil)
        #expect(shown.id == hostScan.id, "the later import did not become the default scan")
        #expect(Presentation.scanLine(shown).contains("host scan of"))
        let asked = try InventoryUseCase.shownScan(storePath: store, requested: imported.id)
        #expect(Presentation.scanLine(asked).contains("imported CBOM"))
        let table = Presentation.scans(try InventoryUseCase.scans(storePath: store), width: 200)
        #expect(table.contains("KIND") && table.contains("import") && table.contains("scan"))
    }
}
