import Foundation
import PQModel
import PQScoutKit
import PQStore
import Testing

@Suite("A scan reads the tree's rpm database and judges sshd_config against the OpenSSH it names")
struct InstalledSoftwareScanTests {
    /// Writes `var/lib/rpm/rpmdb.sqlite` with Python's sqlite3 (rpm >= 4.16 layout: Packages(hnum, blob)).
    func writeRPMDatabase(at path: String, packages: [(String, String, String)]) throws {
        let rows = packages.map { "(\"\($0.0)\", \"\($0.1)\", \"\($0.2)\")" }.joined(separator: ", ")
        let script = """
            import sqlite3, struct, sys
            def header(name, version, release):
                entries = [(1000, name), (1001, version), (1002, release)]
                index, data = b"", b""
                for tag, text in entries:
                    index += struct.pack(">IIII", tag, 6, len(data), 1)
                    data += text.encode() + b"\\0"
                return struct.pack(">II", len(entries), len(data)) + index + data
            db = sqlite3.connect(sys.argv[1])
            db.execute("CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)")
            for p in [\(rows)]:
                db.execute("INSERT INTO Packages (blob) VALUES (?)", (header(*p),))
            db.commit()
            db.close()
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, path]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    @Test("rpm packages become software records, the OpenSSH version in force is the rpm's, and nothing is written")
    func rpmTree() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("pqscout-rpm-\(UUID().uuidString)")
        let store = temporaryStore()
        defer {
            try? FileManager.default.removeItem(at: root)
            try? FileManager.default.removeItem(atPath: store)
        }
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("var/lib/rpm"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("etc/ssh"), withIntermediateDirectories: true)
        try writeRPMDatabase(
            at: root.appendingPathComponent("var/lib/rpm/rpmdb.sqlite").path,
            packages: [("openssh-server", "9.9p1", "1.el10"), ("openssl-libs", "3.5.1", "2.el10")])
        try Data("PermitRootLogin no\n".utf8).write(to: root.appendingPathComponent("etc/ssh/sshd_config"))
        let before = try FileManager.default.contentsOfDirectory(
            atPath: root.appendingPathComponent("var/lib/rpm").path)

        let scan = try ScanUseCase().run(ScanRequest(roots: [root.path], storePath: store))
        let document = try InventoryUseCase.document(InventoryRequest(storePath: store, scanID: scan.id))
        #expect(document.diagnostics.isEmpty, "\(document.diagnostics)")
        let kex = document.findings.filter { $0.source == .openssh && $0.setting == "KexAlgorithms" }
        #expect(kex.contains { $0.algorithm == "mlkem768x25519-sha256" && $0.quantumStatus == .hybrid })
        #expect(kex.allSatisfy { $0.origin == .default && ($0.note ?? "").contains("rpmdb.sqlite") })
        // Read from memory: SQLite left no -wal or -shm beside the database in the scanned tree.
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("var/lib/rpm").path)
                == before)
    }

    @Test("a package database past --max-file-size is read and not reported as too large; another large file is")
    func largeDatabaseIsNotSkipped() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("pqscout-dpkg-\(UUID().uuidString)")
        let store = temporaryStore()
        defer {
            try? FileManager.default.removeItem(at: root)
            try? FileManager.default.removeItem(atPath: store)
        }
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("var/lib/dpkg"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("etc/ssh"), withIntermediateDirectories: true)
        let status = (0..<60).map { "Package: pkg\($0)\nStatus: install ok installed\nVersion: 1.\($0)-1\n\n" }
            .joined()
        try Data(status.utf8).write(to: root.appendingPathComponent("var/lib/dpkg/status"))
        let config = "# padding\n" + String(repeating: "#\n", count: 1_200) + "Ciphers aes256-ctr\n"
        try Data(config.utf8).write(to: root.appendingPathComponent("etc/ssh/sshd_config"))
        let limit: Int64 = 2_048
        #expect(status.utf8.count > limit && config.utf8.count > limit)

        let scan = try ScanUseCase().run(ScanRequest(roots: [root.path], storePath: store, maxFileSize: limit))
        let document = try InventoryUseCase.document(InventoryRequest(storePath: store, scanID: scan.id))
        let tooLarge = document.diagnostics.filter { $0.reason == .tooLarge }.map(\.path.display)
        #expect(tooLarge == ["etc/ssh/sshd_config"])
        let software = try InventoryStore(path: store).software(scanID: scan.id)
        #expect(software.count == 60)
        #expect(software.allSatisfy { $0.sourcePath.display == "var/lib/dpkg/status" })
    }
}
