import Foundation
import PQModel
import PQScoutKit
import Testing

@Suite("ScanUseCase: the promises a scan keeps")
struct ScanUseCaseTests {
    func makeTree() throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("pqscout-tree-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let sample = repositoryRoot.appendingPathComponent("sample-inventories/webfarm/etc/ssl/certs")
        try FileManager.default.copyItem(
            at: sample.appendingPathComponent("www.example.org.pem"), to: root.appendingPathComponent("www.pem"))
        try Data("-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n".utf8)
            .write(to: root.appendingPathComponent("bad.pem"))
        return root.path
    }

    @Test("a store inside the scanned tree is refused before anything is written")
    func storeInsideTree() throws {
        let root = try makeTree()
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(throws: PQScoutError.self) {
            try ScanUseCase().run(ScanRequest(roots: [root], storePath: root + "/inventory.db"))
        }
        #expect(!FileManager.default.fileExists(atPath: root + "/inventory.db"))
    }

    @Test("a missing root is an input error (exit 2) and creates no store")
    func missingRoot() {
        let store = temporaryStore()
        do {
            _ = try ScanUseCase().run(ScanRequest(roots: ["/nonexistent/\(UUID().uuidString)"], storePath: store))
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .input)
        }
        #expect(!FileManager.default.fileExists(atPath: store))
    }

    @Test("each scan is kept; a bad file is one diagnostic; the good file still yields findings")
    func scansAccumulate() throws {
        let root = try makeTree()
        let store = temporaryStore()
        defer {
            try? FileManager.default.removeItem(atPath: root)
            try? FileManager.default.removeItem(atPath: store)
        }
        let first = try ScanUseCase().run(ScanRequest(roots: [root], storePath: store))
        let second = try ScanUseCase().run(ScanRequest(roots: [root], storePath: store))
        #expect(try InventoryUseCase.scans(storePath: store).map(\.id) == [first.id, second.id])
        let document = try InventoryUseCase.document(InventoryRequest(storePath: store))
        #expect(document.scan.id == second.id)
        #expect(document.findings.contains { $0.path.display == "www.pem" && $0.keyBits == 2048 })
        #expect(document.diagnostics.map(\.path.display) == ["bad.pem"])
        #expect(document.diagnostics.first?.reason == .malformed)
    }

    @Test("inventory filters by usage, status and path glob")
    func filters() throws {
        let root = repositoryRoot.appendingPathComponent("sample-inventories/webfarm").path
        let store = temporaryStore()
        defer { try? FileManager.default.removeItem(atPath: store) }
        _ = try ScanUseCase().run(ScanRequest(roots: [root], storePath: store))
        let broken = try InventoryUseCase.document(InventoryRequest(storePath: store, status: .broken)).findings
        #expect(!broken.isEmpty && broken.allSatisfy { $0.quantumStatus == .broken })
        let signatures = try InventoryUseCase.document(InventoryRequest(storePath: store, usage: .signature)).findings
        #expect(!signatures.isEmpty && signatures.allSatisfy { $0.usage == .signature })
        let ssh = try InventoryUseCase.document(
            InventoryRequest(storePath: store, pathPattern: PathPattern("etc/ssh/*"))
        ).findings
        #expect(!ssh.isEmpty && ssh.allSatisfy { $0.path.display.hasPrefix("etc/ssh/") })
    }

    @Test("two roots keep their paths apart")
    func twoRoots() throws {
        let a = try makeTree()
        let b = try makeTree()
        let store = temporaryStore()
        defer {
            for path in [a, b, store] { try? FileManager.default.removeItem(atPath: path) }
        }
        let scan = try ScanUseCase().run(ScanRequest(roots: [a, b], storePath: store))
        let paths = Set(
            try InventoryUseCase.document(InventoryRequest(storePath: store, scanID: scan.id)).findings.map(
                \.path.display))
        #expect(paths.contains { $0.hasPrefix("1-") } && paths.contains { $0.hasPrefix("2-") })
    }
}
