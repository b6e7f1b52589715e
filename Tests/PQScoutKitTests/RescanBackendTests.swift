import Foundation
import PQModel
import PQScoutKit
import PQStore
import PQTestSupport
import Testing

/// Issue 20, points 3 and 5 together: rescans through `ScanUseCase` into each backend. The store's own tests copy
/// reused rows; this one runs the whole path (walk, state, reuse, copy) against PostgreSQL as a user's scans do.
@Suite("Rescans through the scan use case, on SQLite and PostgreSQL")
struct RescanBackendTests {
    typealias Backend = FleetReportUseCaseTests.Backend

    /// A full scan of the tree into a fresh store of the same backend: what each rescan must equal.
    static func fullScan(_ tree: RescanTests.Tree, _ backend: Backend) throws -> RescanTests.Contents {
        let (location, cleanUp) = try backend.make()
        defer { cleanUp() }
        var request = ScanRequest(roots: [tree.root.path], storePath: location)
        request.full = true
        let full = try ScanUseCase().scan(request)
        #expect(full.filesReused == 0)
        return try RescanTests.Contents(store: location, scanID: full.record.id)
    }

    @Test(
        "an unchanged rescan shares the scan's rows, a rescan after one change copies the others; each equals a full scan",
        arguments: Backend.available)
    func rescans(_ backend: Backend) throws {
        let tree = try RescanTests.Tree()
        let (location, cleanUp) = try backend.make()
        defer { cleanUp() }
        let first = try ScanUseCase().scan(ScanRequest(roots: [tree.root.path], storePath: location))
        #expect(first.filesReused == 0 && first.reusedFrom == nil)
        let firstContents = try RescanTests.Contents(store: location, scanID: first.record.id)
        #expect(!firstContents.findings.isEmpty)
        #expect(firstContents == (try Self.fullScan(tree, backend)))

        let second = try ScanUseCase().scan(ScanRequest(roots: [tree.root.path], storePath: location))
        #expect(second.reusedFrom == first.record.id)
        #expect(second.filesReused == second.record.counts.filesExamined, "every file's rows shared")
        #expect(second.record.counts == first.record.counts)
        RescanTests.expectSame(
            try RescanTests.Contents(store: location, scanID: second.record.id), firstContents,
            "unchanged rescan on \(backend.rawValue)")

        RescanTests.tick()
        try tree.write("etc/ssh/ssh_config", "Host *\n    KexAlgorithms diffie-hellman-group1-sha1\n")
        let third = try ScanUseCase().scan(ScanRequest(roots: [tree.root.path], storePath: location))
        #expect(third.reusedFrom == second.record.id, "the rescan reuses the latest complete scan")
        #expect(third.filesReused > 0 && third.filesReused < third.record.counts.filesExamined)
        let full = try Self.fullScan(tree, backend)
        #expect(full != firstContents, "the change left the record as it was: the test proves nothing")
        RescanTests.expectSame(
            try RescanTests.Contents(store: location, scanID: third.record.id), full,
            "rescan after a change on \(backend.rawValue)")

        // The second scan reads the first's rows; deleting the first leaves the second's record whole.
        let store = try InventoryStore(location: location)
        #expect(try store.deleteScan(id: first.record.id))
        RescanTests.expectSame(
            try RescanTests.Contents(store: store, scanID: second.record.id), firstContents,
            "unchanged rescan after its scan was deleted, on \(backend.rawValue)")
    }
}
