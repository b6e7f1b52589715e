import Foundation
import PQModel
import PQScoutKit
import Testing

/// The repository's top folder, found from this file (sample-inventories/ is not a SwiftPM resource).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

func temporaryStore() -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("pqscout-\(UUID().uuidString).db").path
}

@Suite("The bundled sample inventory scans to its expected summary")
struct SampleInventoryTests {
    struct Expected: Decodable {
        struct Row: Decodable, Hashable, CustomStringConvertible {
            var path: String
            var line: Int?
            var source: String
            var setting: String
            var usage: String
            var algorithm: String
            var canonical: String?
            var keyBits: Int?
            var curve: String?
            var quantumStatus: String
            var context: String?
            var description: String {
                "\(path):\(line.map(String.init) ?? "-") \(setting) \(algorithm) \(canonical ?? "nil") "
                    + "\(keyBits.map(String.init) ?? "-") \(curve ?? "-") \(quantumStatus)"
            }
        }
        struct DiagnosticRow: Decodable, Hashable {
            var path: String
            var reason: String
        }
        var findings: [Row]
        var diagnostics: [DiagnosticRow]
        var byStatus: [String: Int]
    }

    @Test("webfarm: every expected finding, nothing more, and the expected diagnostics")
    func webfarm() throws {
        let root = repositoryRoot.appendingPathComponent("sample-inventories/webfarm").path
        let expectedURL = repositoryRoot.appendingPathComponent("sample-inventories/webfarm.expected.json")
        let expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: expectedURL))
        let store = temporaryStore()
        defer { try? FileManager.default.removeItem(atPath: store) }

        let scan = try ScanUseCase().run(ScanRequest(roots: [root], storePath: store))
        #expect(scan.status == .complete)
        let document = try InventoryUseCase.document(InventoryRequest(storePath: store, scanID: scan.id))
        let found = document.findings.map {
            Expected.Row(
                path: $0.path.display, line: $0.line, source: $0.source.rawValue, setting: $0.setting,
                usage: $0.usage.rawValue, algorithm: $0.algorithm, canonical: $0.canonical, keyBits: $0.keyBits,
                curve: $0.curve, quantumStatus: $0.quantumStatus.rawValue, context: $0.context)
        }
        let missing = Set(expected.findings).subtracting(found)
        let extra = Set(found).subtracting(expected.findings)
        #expect(missing.isEmpty, "expected but not found: \(missing.map(\.description).sorted())")
        #expect(extra.isEmpty, "found but not expected: \(extra.map(\.description).sorted())")
        #expect(found.count == expected.findings.count)
        #expect(scan.counts.byStatus == expected.byStatus)
        let diagnostics = Set(
            document.diagnostics.map { Expected.DiagnosticRow(path: $0.path.display, reason: $0.reason.rawValue) })
        #expect(diagnostics == Set(expected.diagnostics))
    }

    @Test("the sample's private keys never reach the store: no finding carries key bytes")
    func noSecrets() throws {
        let root = repositoryRoot.appendingPathComponent("sample-inventories/webfarm").path
        let store = temporaryStore()
        defer { try? FileManager.default.removeItem(atPath: store) }
        _ = try ScanUseCase().run(ScanRequest(roots: [root], storePath: store))
        let database = try Data(contentsOf: URL(fileURLWithPath: store))
        // The base64 body of a private key from the tree must not appear anywhere in the database file.
        let keyFile = try String(contentsOfFile: root + "/etc/ssl/private/www.example.org.key", encoding: .utf8)
        let bodyLine = try #require(keyFile.split(separator: "\n").first { $0.count == 64 && !$0.hasPrefix("-") })
        #expect(database.range(of: Data(bodyLine.utf8)) == nil)
        let raw = try #require(Data(base64Encoded: String(bodyLine)))
        #expect(database.range(of: raw) == nil)
    }
}
