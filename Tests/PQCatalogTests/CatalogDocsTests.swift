import Foundation
import PQCatalog
import Testing

/// Docs/catalog.md is generated from algorithms.json and must not go stale.
@Suite("Catalog docs")
struct CatalogDocsTests {
    /// The repository root, found from this file: Tests/PQCatalogTests/<file> → three levels up.
    static let docURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Docs").appendingPathComponent("catalog.md")

    @Test("Docs/catalog.md equals Catalog.markdownTable() (PQSCOUT_RECORD_SNAPSHOTS=1 rewrites it and still fails)")
    func catalogDocIsCurrent() throws {
        let generated = Catalog.shared.markdownTable()
        if ProcessInfo.processInfo.environment["PQSCOUT_RECORD_SNAPSHOTS"] == "1" {
            try FileManager.default.createDirectory(
                at: Self.docURL.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(generated.utf8).write(to: Self.docURL)
            Issue.record("Re-recorded \(Self.docURL.path); run again without PQSCOUT_RECORD_SNAPSHOTS to pass.")
            return
        }
        let committed = try String(contentsOf: Self.docURL, encoding: .utf8)
        #expect(
            committed == generated,
            "Docs/catalog.md is stale: run PQSCOUT_RECORD_SNAPSHOTS=1 swift test --filter PQCatalogTests")
    }

    @Test("the generated table has a row for every entry and escapes cell pipes")
    func tableShape() {
        let text = Catalog.shared.markdownTable()
        let rows = text.split(separator: "\n").filter { $0.hasPrefix("| `") }
        #expect(rows.count == Catalog.shared.entries.count)
        #expect(text.contains("| `ML-KEM-768+X25519` | ML-KEM | kem | hybrid |"))
    }
}
