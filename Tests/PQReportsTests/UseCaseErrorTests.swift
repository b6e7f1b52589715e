import Foundation
import PQModel
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
        } catch let error as PQScoutError {
            #expect(error.kind == .usage)
        }
    }

    @Test("diff without an earlier scan of the same roots asks for --from")
    func noEarlier() throws {
        let store = Fixtures.temporaryPath("single.db")
        let root = Fixtures.repositoryRoot.appendingPathComponent("sample-inventories/webfarm/etc/ssh").path
        let scan = try ScanUseCase().run(ScanRequest(roots: [root], storePath: store))
        do {
            _ = try DiffUseCase.run(DiffRequest(storePath: store, toScan: scan.id))
            Issue.record("diff without an earlier scan succeeded")
        } catch let error as PQScoutError {
            #expect(error.code == "diff.no-earlier-scan")
            #expect(error.kind == .usage)
        }
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
            } catch let error as PQScoutError {
                #expect(error.kind == .input)
                #expect(!error.reason.contains("\n"))
            }
        }
        #expect(!FileManager.default.fileExists(atPath: store))
    }

    @Test("a report of a store with no scan says to run a scan first")
    func missingStore() {
        do {
            _ = try ReportUseCase.render(ReportRequest(storePath: Fixtures.temporaryPath("none.db"), format: .html))
            Issue.record("report without a store succeeded")
        } catch let error as PQScoutError {
            #expect(error.kind == .input)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
