import Foundation
import PQModel
import PQReports
import PQScoutKit
import Testing

/// Reports written from a store cursor (`ReportFindings.storeOrdered`) are the bytes of the same report made from
/// every finding in memory, whatever the paths: mixed case, non-ASCII, the same name in NFC and NFD.
@Suite("Streamed reports: the same bytes as from findings in memory")
struct StreamedReportTests {
    /// Names that order differently as bytes, as Swift strings and case-insensitively.
    static let names = ["Zeta", "alpha", "Äpfel", "äpfel", "apfel", "e\u{301}t\u{e9}", "\u{e9}t\u{e9}", "日本", "B"]

    @Test("store order regrouped by path and line gives ReportOrder's order")
    func storeOrdered() throws {
        var findings: [Finding] = []
        for (number, name) in Self.names.enumerated() {
            for line in [nil, 3, 12] as [Int?] {
                // Settings and contexts that Swift compares differently from their bytes (NFC against NFD, case).
                for setting in ["Z", "a", "\u{e9}", "e\u{301}", "É"] {
                    findings.append(
                        Finding(
                            path: ScanPath("etc/\(name)/x.conf"), line: line, source: .nginx, setting: setting,
                            usage: .cipherSuite, algorithm: "A\(number)", quantumStatus: .vulnerable,
                            context: number % 2 == 0 ? "server é" : "server e\u{301}"))
                }
            }
        }
        // The store's order: path bytes, line with none first, then recording order (here: the list's order).
        let recorded = Array(findings.reversed())
        let storeOrder = recorded.enumerated().sorted {
            if $0.element.path != $1.element.path { return $0.element.path < $1.element.path }
            if $0.element.line != $1.element.line { return ($0.element.line ?? -1) < ($1.element.line ?? -1) }
            return $0.offset < $1.offset
        }.map(\.element)
        func collect(_ source: ReportFindings) throws -> [Finding] {
            var out: [Finding] = []
            try source.walk { out.append($0) }
            return out
        }
        let streamed = try collect(.storeOrdered { body in for finding in storeOrder { try body(finding) } })
        #expect(streamed == (try collect(.array(recorded))))
        #expect(streamed.count == findings.count)
    }

    @Test("every format, from a scanned store, equals the in-memory rendering", arguments: ReportFormat.allCases)
    func sameBytes(_ format: ReportFormat) throws {
        let store = try Self.store.get()
        let generatedAt = Fixtures.context.generatedAt
        let streamed = try ReportUseCase.render(
            ReportRequest(storePath: store, format: format, cbomSpec: .v1_7, generatedAt: generatedAt))
        let input = try ReportUseCase.input(storePath: store, scanID: nil)
        #expect(input.findingSource == nil && input.findings.count > 100)
        // The odd names really hold findings, so the comparison covers their order.
        #expect(
            Self.names.allSatisfy { name in input.findings.contains { $0.path.display.contains("/\(name)/nginx/") } })
        let whole = try Reports.renderer(format, cbomSpec: .v1_7).render(
            input, context: RenderContext(generatedAt: generatedAt, toolVersion: ToolInfo.version))
        #expect(streamed == whole, "\(format.rawValue): the streamed report differs")
    }

    @Test("inventory --format csv, streamed, equals the CSV of the whole document")
    func inventoryCSV() throws {
        let request = InventoryRequest(storePath: try Self.store.get())
        var streamed = ""
        try InventoryUseCase.streamCSV(request) { streamed += $0 }
        let document = try InventoryUseCase.document(request)
        #expect(document.findings.count > 100)
        #expect(streamed == Presentation.csv(document.findings, aliases: document.aliases))
    }

    /// The sample tree with its nginx configuration and a certificate copied under each of `names`.
    static let store: Result<String, any Error> = Result {
        let root = Fixtures.temporaryPath("streamed-tree")
        let sample = Fixtures.repositoryRoot.appendingPathComponent("sample-inventories/webfarm").path
        try FileManager.default.copyItem(atPath: sample, toPath: root)
        let nginx = try String(contentsOfFile: root + "/etc/nginx/nginx.conf", encoding: .utf8)
        let certificate = try Data(contentsOf: URL(fileURLWithPath: root + "/etc/ssl/certs/www.example.org.pem"))
        for name in names {
            let folder = root + "/srv/\(name)/nginx"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try nginx.replacingOccurrences(of: "example", with: "exämple-\(name)")
                .write(toFile: folder + "/nginx.conf", atomically: true, encoding: .utf8)
            try certificate.write(to: URL(fileURLWithPath: root + "/srv/\(name).pem"))
        }
        let store = Fixtures.temporaryPath("streamed.db")
        _ = try ScanUseCase().run(ScanRequest(roots: [root], storePath: store))
        return store
    }
}
