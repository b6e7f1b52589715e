import Foundation
import PQModel
import PQScoutKit
import Testing

/// Issue 21: the per-file CPU budget is a diagnostic naming the file, and the scan goes on with its findings.
@Suite("Per-file CPU budget")
struct ScanBudgetTests {
    @Test("a file over the CPU budget is one diagnostic; its findings and the scan are kept")
    func cpuBudget() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("pqscout-cpu-\(UUID().uuidString)")
        let store = temporaryStore()
        defer {
            try? FileManager.default.removeItem(at: root)
            try? FileManager.default.removeItem(atPath: store)
        }
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("etc/ssh"), withIntermediateDirectories: true)
        // Enough directives that parsing takes measurable CPU time on any machine.
        let text = (0..<2000).map { "Match User u\($0)\n  KexAlgorithms curve25519-sha256\n" }.joined()
        try Data(("KexAlgorithms curve25519-sha256\n" + text).utf8)
            .write(to: root.appendingPathComponent("etc/ssh/sshd_config"))
        var useCase = ScanUseCase()
        useCase.perFileCPUSeconds = 0
        let scan = try useCase.run(ScanRequest(roots: [root.path], storePath: store))
        #expect(scan.status == .complete)
        let document = try InventoryUseCase.document(InventoryRequest(storePath: store, scanID: scan.id))
        #expect(document.diagnostics.contains { $0.detail.contains("per-file budget") })
        #expect(document.findings.contains { $0.setting == "KexAlgorithms" })
        // With the default budget the same file is not reported.
        let second = try ScanUseCase().run(ScanRequest(roots: [root.path], storePath: store))
        let again = try InventoryUseCase.document(InventoryRequest(storePath: store, scanID: second.id))
        #expect(!again.diagnostics.contains { $0.detail.contains("per-file budget") })
    }
}
