import Foundation
import PQModel
import PQScoutKit
import Testing

/// `pqscout scan host-a host-b` names each root's files under a label (`1-host-a/etc/...`), and every path a
/// config writes (`/etc/ssh/sshd_config.d/*.conf`, a Postfix chain file, `/etc/passwd` for `Match Group`, the
/// default host keys) must be looked up under its own root's label. A lookup that forgot the label found nothing,
/// silently: sshd's drop-ins went unread and the lines they override were reported in force. So a root scanned
/// beside another must say exactly what it says scanned alone.
@Suite("A root scanned beside another says what it says alone")
struct SeveralRootsTests {
    @Test("the webfarm scanned with a copy of itself: its findings and diagnostics, label removed, are the same")
    func webfarmBesideItsCopy() throws {
        let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("sample-inventories/webfarm")
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("pqscout-roots-\(UUID().uuidString)")
        let alone = temporaryStore()
        let together = temporaryStore()
        defer {
            for path in [work.path, alone, together] { try? FileManager.default.removeItem(atPath: path) }
        }
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        let first = work.appendingPathComponent("webfarm")
        let second = work.appendingPathComponent("copy")
        try FileManager.default.copyItem(at: sample, to: first)
        try FileManager.default.copyItem(at: sample, to: second)

        let single = try ScanUseCase().run(ScanRequest(roots: [first.path], storePath: alone))
        let both = try ScanUseCase().run(ScanRequest(roots: [first.path, second.path], storePath: together))
        let reference = try InventoryUseCase.document(InventoryRequest(storePath: alone, scanID: single.id))
        let joined = try InventoryUseCase.document(InventoryRequest(storePath: together, scanID: both.id))

        let label = "1-webfarm/"
        func unlabelled(_ text: String) -> String { text.replacingOccurrences(of: label, with: "") }
        func row(_ finding: Finding) -> String {
            [
                finding.path.display, finding.line.map(String.init) ?? "", finding.setting, finding.algorithm,
                String(finding.effective), finding.note ?? "",
            ].joined(separator: "|")
        }
        let expected = reference.findings.map(row).sorted()
        let found = joined.findings.filter { $0.path.display.hasPrefix(label) }.map { unlabelled(row($0)) }.sorted()
        #expect(!expected.isEmpty)
        #expect(found.count == expected.count)
        let missing = Set(expected).subtracting(found).sorted()
        let extra = Set(found).subtracting(expected).sorted()
        #expect(missing.isEmpty && extra.isEmpty, "alone only: \(missing.prefix(5)); beside: \(extra.prefix(5))")

        let expectedDiagnostics = reference.diagnostics.map { "\($0.path.display)|\($0.reason)|\($0.detail)" }.sorted()
        let foundDiagnostics = joined.diagnostics.filter { $0.path.display.hasPrefix(label) }.map {
            unlabelled("\($0.path.display)|\($0.reason)|\($0.detail)")
        }.sorted()
        #expect(foundDiagnostics == expectedDiagnostics)
    }
}
