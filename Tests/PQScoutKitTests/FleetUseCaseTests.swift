import Foundation
import PQModel
import PQScoutKit
import PQStore
import Testing

/// Issue 20 through the Kit: a store that several hosts scanned into, read per host (`--host`) and across the
/// fleet (`inventory --fleet`), and `push` between two SQLite stores.
@Suite("A fleet's store: per host, across hosts, and pushed")
struct FleetUseCaseTests {
    private let root = repositoryRoot.appendingPathComponent("sample-inventories/webfarm").path

    @Test("each host's latest complete scan is read by --host, and the fleet view counts each host's findings")
    func perHostAndFleet() throws {
        let store = temporaryStore()
        defer { try? FileManager.default.removeItem(atPath: store) }
        let web1Old = try ScanUseCase().run(ScanRequest(roots: [root], storePath: store, host: "web1"))
        let web2 = try ScanUseCase().run(ScanRequest(roots: [root], storePath: store, host: "web2"))
        let web1 = try ScanUseCase().run(ScanRequest(roots: [root], storePath: store, host: "web1"))

        #expect(try InventoryUseCase.latestScanID(storePath: store, host: "web1") == web1.id)
        #expect(try InventoryUseCase.latestScanID(storePath: store, host: "web2") == web2.id)
        let missing = #expect(throws: PQScoutError.self) {
            try InventoryUseCase.latestScanID(storePath: store, host: "db9")
        }
        #expect(missing?.kind == .input)
        // diff's default pair stays on one host: web1's previous scan, not web2's later one.
        let diff = try DiffUseCase.run(DiffRequest(storePath: store, toScan: web1.id))
        #expect(diff.fromScan == web1Old.id)

        let vulnerable = try InventoryUseCase.document(
            InventoryRequest(storePath: store, scanID: web2.id, status: .vulnerable))
        let fleet = try InventoryUseCase.fleet(InventoryRequest(storePath: store, status: .vulnerable))
        #expect(fleet.map(\.host) == ["web1", "web2"])
        #expect(fleet.map(\.scanID) == [web1.id, web2.id])
        #expect(fleet.allSatisfy { $0.findings == vulnerable.findings.count && $0.findings > 0 })
        #expect(fleet.allSatisfy { $0.byStatus == ["vulnerable": vulnerable.findings.count] })
        let table = Presentation.fleet(fleet, width: 200)
        #expect(table.contains("web1") && table.contains("all 2 hosts"))
    }

    @Test("push copies every complete scan once, and a second push skips them all")
    func push() throws {
        let source = temporaryStore()
        let target = temporaryStore()
        defer {
            try? FileManager.default.removeItem(atPath: source)
            try? FileManager.default.removeItem(atPath: target)
        }
        let first = try ScanUseCase().run(ScanRequest(roots: [root], storePath: source, host: "air1"))
        let second = try ScanUseCase().run(ScanRequest(roots: [root], storePath: source, host: "air1"))
        // Two assessments of the second scan, under two profiles.
        let day = try #require(CalendarDay("2031-01-01"))
        _ = try AssessUseCase.run(AssessRequest(storePath: source, scanID: second.id, asOf: day))
        _ = try AssessUseCase.run(AssessRequest(storePath: source, scanID: second.id, profile: "cnsa-2.0", asOf: day))
        let pushed = try PushUseCase.run(PushRequest(sourcePath: source, targetPath: target))
        #expect(pushed.copied.map(\.sourceID) == [first.id, second.id])
        let again = try PushUseCase.run(PushRequest(sourcePath: source, targetPath: target))
        #expect(again.copied.isEmpty)
        #expect(again.alreadyThere.map(\.targetID) == pushed.copied.map(\.targetID))
        for copy in pushed.copied {
            let original = try InventoryUseCase.document(InventoryRequest(storePath: source, scanID: copy.sourceID))
            let copied = try InventoryUseCase.document(InventoryRequest(storePath: target, scanID: copy.targetID))
            #expect(copied.findings == original.findings)
            #expect(copied.diagnostics == original.diagnostics)
            #expect(copied.aliases == original.aliases)
            #expect(copied.scan.counts == original.scan.counts)
            #expect(copied.scan.host == "air1")
            // The assessments, walked across a batch at a time, read back as they were: findings, systems, gate.
            let originals = try InventoryStore(path: source).assessments(scanID: copy.sourceID)
            let copies = try InventoryStore(path: target).assessments(scanID: copy.targetID)
            #expect(originals.count == (copy.sourceID == second.id ? 2 : 0))
            #expect(copies.map(\.createdAt) == originals.map(\.createdAt))
            #expect(
                copies.map(\.result)
                    == originals.map { original in
                        var result = original.result
                        result.scanID = copy.targetID
                        return result
                    })
            #expect(originals.allSatisfy { !$0.result.findings.isEmpty && !$0.result.systems.isEmpty })
        }
        let unknown = #expect(throws: PQScoutError.self) {
            try PushUseCase.run(PushRequest(sourcePath: source, targetPath: target, scanIDs: [99]))
        }
        #expect(unknown?.code == "push.no-scan")
    }
}
