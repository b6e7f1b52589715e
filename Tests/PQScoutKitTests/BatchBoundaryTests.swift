import Foundation
import PQModel
import PQScoutKit
import Testing

/// A config that links a certificate or key names that file's asset; the file itself may be scanned in a later
/// batch. The store refuses a finding naming an asset it has not recorded, so the linking scanner carries the asset
/// with its finding. Found on the realistic benchmark tree (issue 20), where 30 hosts put each host's nginx
/// vhosts and their certificates in different batches of 1,024 files.
@Suite("A finding naming a linked file's asset is recorded whatever the batch boundaries")
struct BatchBoundaryTests {
    @Test("the webfarm scanned one file per batch records what one batch records")
    func oneFilePerBatch() throws {
        let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("sample-inventories/webfarm")
        let whole = temporaryStore()
        let split = temporaryStore()
        defer {
            for store in [whole, split] { try? FileManager.default.removeItem(atPath: store) }
        }
        let reference = try ScanUseCase().run(ScanRequest(roots: [sample.path], storePath: whole))
        var useCase = ScanUseCase()
        useCase.batchSize = 1
        let scan = try useCase.run(ScanRequest(roots: [sample.path], storePath: split))
        #expect(scan.counts == reference.counts)
        let left = try InventoryUseCase.document(InventoryRequest(storePath: whole, scanID: reference.id))
        let right = try InventoryUseCase.document(InventoryRequest(storePath: split, scanID: scan.id))
        #expect(left.findings == right.findings)
        #expect(left.diagnostics == right.diagnostics)
    }
}
