import Foundation
import PQModel
import PQScoutKit
import PQStore
import Testing

/// Issue 20, point 3: a rescan reuses unchanged files' results, and its record equals a full scan's after every kind
/// of change, including changes to files another file's results depend on (Include, a link, `openssl.cnf`, the
/// package database that names the OpenSSH in force).
@Suite("A rescan records exactly what a full scan records")
struct RescanTests {
    /// Everything a scan stored, scan ids left out.
    struct Contents: Equatable {
        var findings: [Finding]
        var diagnostics: [Diagnostic]
        var assets: [Asset]
        var software: [Software]
        var files: [FileRecord]
        var aliases: [PathAlias]

        init(store path: String, scanID: Int64) throws {
            try self.init(
                store: path.hasPrefix("postgresql://")
                    ? try InventoryStore(postgresURL: path) : try InventoryStore(path: path),
                scanID: scanID)
        }

        init(store: InventoryStore, scanID: Int64) throws {
            findings = try store.findings(FindingQuery(scanID: scanID))
            diagnostics = try store.diagnostics(scanID: scanID)
            assets = try store.assets(scanID: scanID)
            software = try store.software(scanID: scanID)
            files = try store.files(scanID: scanID)
            aliases = try store.aliases(scanID: scanID)
        }
    }

    /// A copy of the webfarm sample with a package database, a link and a file only a link leads to.
    final class Tree {
        let root: URL
        let rescanStore = temporaryStore()
        let fullStore = temporaryStore()

        init() throws {
            let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("sample-inventories/webfarm")
            root = FileManager.default.temporaryDirectory.appendingPathComponent("pqscout-rescan-\(UUID().uuidString)")
            try FileManager.default.copyItem(at: sample, to: root)
            try write("var/lib/dpkg/status", Self.dpkg(openssh: "1:9.2p1-2+deb12u3"))
            try write("etc/ssh/extra/30-linked.conf", "KexAlgorithms curve25519-sha256,diffie-hellman-group14-sha1\n")
            try FileManager.default.createSymbolicLink(
                atPath: path("etc/ssh/sshd_config.d/30-linked.conf"), withDestinationPath: "../extra/30-linked.conf")
        }

        deinit {
            for item in [root.path, rescanStore, fullStore] { try? FileManager.default.removeItem(atPath: item) }
        }

        static func dpkg(openssh: String) -> String {
            """
            Package: openssh-server
            Status: install ok installed
            Version: \(openssh)

            Package: libssl3
            Status: install ok installed
            Version: 3.0.15-1~deb12u1

            """
        }

        func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

        func write(_ relative: String, _ text: String) throws {
            let url = root.appendingPathComponent(relative)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }

        func read(_ relative: String) throws -> String {
            try String(contentsOfFile: path(relative), encoding: .utf8)
        }

        /// A rescan into the store that keeps the history, and a full scan into a fresh store; both contents.
        func scanBoth() throws -> (rescan: ScanOutcome, rescanned: Contents, full: Contents) {
            let rescan = try ScanUseCase().scan(ScanRequest(roots: [root.path], storePath: rescanStore))
            try? FileManager.default.removeItem(atPath: fullStore)
            var request = ScanRequest(roots: [root.path], storePath: fullStore)
            request.full = true
            let full = try ScanUseCase().scan(request)
            #expect(full.filesReused == 0 && full.reusedFrom == nil)
            return (
                rescan, try Contents(store: rescanStore, scanID: rescan.record.id),
                try Contents(store: fullStore, scanID: full.record.id)
            )
        }
    }

    /// Waits past the file system's timestamp granularity, so a rewrite shows in mtime and ctime.
    static func tick() { usleep(20_000) }

    @Test("an unchanged tree is reused whole and equals a full scan; --full reuses nothing")
    func unchanged() throws {
        let tree = try Tree()
        let first = try ScanUseCase().scan(ScanRequest(roots: [tree.root.path], storePath: tree.rescanStore))
        #expect(first.filesReused == 0 && first.reusedFrom == nil)
        let (rescan, rescanned, full) = try tree.scanBoth()
        #expect(rescan.reusedFrom == first.record.id)
        #expect(rescan.filesReused == rescan.record.counts.filesExamined)
        #expect(rescan.record.counts == first.record.counts)
        #expect(rescanned == full)
        #expect(!full.findings.isEmpty)

        var forced = ScanRequest(roots: [tree.root.path], storePath: tree.rescanStore)
        forced.full = true
        let again = try ScanUseCase().scan(forced)
        #expect(again.filesReused == 0 && again.reusedFrom == nil)
        #expect(try Contents(store: tree.rescanStore, scanID: again.record.id) == full)
    }

    @Test("a damaged state is ignored: the rescan scans every file and still equals a full scan")
    func damagedState() throws {
        let tree = try Tree()
        _ = try ScanUseCase().scan(ScanRequest(roots: [tree.root.path], storePath: tree.rescanStore))
        _ = try Self.sqlite(
            tree.rescanStore, "UPDATE rescan_states SET state = substr(state, 1, length(state) - 7)")
        let (rescan, rescanned, full) = try tree.scanBoth()
        #expect(rescan.filesReused == 0 && rescan.reusedFrom == nil)
        #expect(rescanned == full)
    }

    /// Each change, then a rescan (reusing the rest) against a full scan of the same tree.
    @Test(
        "after each change the rescan equals a full scan",
        arguments: [
            "modify", "add", "delete", "rename", "touch", "include", "link", "link-target", "openssl-cnf",
            "package-version", "certificate",
        ])
    func change(_ kind: String) throws {
        let tree = try Tree()
        let first = try ScanUseCase().scan(ScanRequest(roots: [tree.root.path], storePath: tree.rescanStore))
        let before = try Contents(store: tree.rescanStore, scanID: first.record.id)
        Self.tick()
        switch kind {
        case "modify":
            try tree.write("etc/ssh/ssh_config", "Host *\n    KexAlgorithms diffie-hellman-group1-sha1\n")
        case "add":
            try tree.write("etc/ssh/sshd_config.d/40-new.conf", "MACs hmac-md5\n")
        case "delete":
            try FileManager.default.removeItem(atPath: tree.path("etc/ssh/sshd_config.d/20-legacy.conf"))
        case "rename":
            try FileManager.default.moveItem(
                atPath: tree.path("etc/ssh/sshd_config.d/10-hardening.conf"),
                toPath: tree.path("etc/ssh/sshd_config.d/90-hardening.conf"))
        case "touch":
            // Same bytes, new mtime and ctime: the digest lets its own results be reused, with the new mtime; the
            // files that read it are scanned again (their inputs are compared by identity).
            let text = try tree.read("etc/nginx/nginx.conf")
            try tree.write("etc/nginx/nginx.conf", text)
        case "include":
            // Only sshd_config reads this through its Include; the file itself is unchanged to its own scan.
            try tree.write(
                "etc/ssh/sshd_config.d/10-hardening.conf", "Ciphers 3des-cbc\nKexAlgorithms sntrup761x25519-sha512\n")
        case "link":
            try FileManager.default.removeItem(atPath: tree.path("etc/ssh/sshd_config.d/30-linked.conf"))
            try tree.write("etc/ssh/extra/31-other.conf", "Ciphers arcfour\n")
            try FileManager.default.createSymbolicLink(
                atPath: tree.path("etc/ssh/sshd_config.d/30-linked.conf"), withDestinationPath: "../extra/31-other.conf"
            )
        case "link-target":
            try tree.write("etc/ssh/extra/30-linked.conf", "KexAlgorithms diffie-hellman-group1-sha1\n")
        case "openssl-cnf":
            let text = try tree.read("etc/ssl/openssl.cnf")
            try tree.write(
                "etc/ssl/openssl.cnf",
                text.replacingOccurrences(
                    of: "CipherString = ECDHE+AESGCM:@SECLEVEL=2", with: "CipherString = RSA:3DES:@SECLEVEL=0"
                )
                .replacingOccurrences(of: "MinProtocol = TLSv1.2", with: "MinProtocol = TLSv1"))
        case "package-version":
            try tree.write("var/lib/dpkg/status", Tree.dpkg(openssh: "1:10.0p1-5"))
        case "certificate":
            // nginx names this certificate; its own file and the vhost that serves it both depend on it.
            let donor = try tree.read("etc/ssl/certs/example-root-ca.pem")
            try tree.write("etc/ssl/certs/www.example.org.pem", donor)
        default:
            Issue.record("unknown change \(kind)")
        }
        let (rescan, rescanned, full) = try tree.scanBoth()
        Self.expectSame(rescanned, full, "rescan after \(kind) differs from a full scan")
        // Something changed, so a full scan differs from the first one.
        #expect(full != before, "the change \(kind) left the record as it was: the test proves nothing")
        let examined = rescan.record.counts.filesExamined
        switch kind {
        case "package-version":
            // The OpenSSH in force is an input of every OpenSSH file: the fingerprint changed, nothing is reused.
            #expect(rescan.reusedFrom == nil && rescan.filesReused == 0)
        default:
            #expect(rescan.reusedFrom == first.record.id)
            #expect(rescan.filesReused > 0 && rescan.filesReused < examined)
        }
    }

    /// Equal records, or the first differences of each part named (the whole records are too long to read).
    static func expectSame(_ rescanned: Contents, _ full: Contents, _ message: String) {
        #expect(rescanned == full, "\(message)")
        guard rescanned != full else { return }
        for (name, left, right) in [
            ("findings", rescanned.findings.map { "\($0)" }, full.findings.map { "\($0)" }),
            ("diagnostics", rescanned.diagnostics.map { "\($0)" }, full.diagnostics.map { "\($0)" }),
            ("assets", rescanned.assets.map { "\($0)" }, full.assets.map { "\($0)" }),
            ("software", rescanned.software.map { "\($0)" }, full.software.map { "\($0)" }),
            ("files", rescanned.files.map { "\($0)" }, full.files.map { "\($0)" }),
            ("aliases", rescanned.aliases.map { "\($0)" }, full.aliases.map { "\($0)" }),
        ] where left != right {
            let difference = right.difference(from: left)
            Issue.record("\(name): \(difference.prefix(6))")
        }
    }

    /// A scan in batches of 4 files, so the state has many parts (`rescan_state_parts`, one per batch).
    static func scanInSmallBatches(_ tree: Tree, store: String? = nil) throws -> ScanOutcome {
        var use = ScanUseCase()
        use.batchSize = 4
        return try use.scan(ScanRequest(roots: [tree.root.path], storePath: store ?? tree.rescanStore))
    }

    static func sqlite(_ store: String, _ statement: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", "-c",
            "import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); "
                + "rows = db.execute(sys.argv[2]).fetchall(); db.commit(); print(rows)",
            store, statement,
        ]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test("the state is kept in one part per batch; added and deleted files in several batches cost only themselves")
    func parts() throws {
        let tree = try Tree()
        let first = try Self.scanInSmallBatches(tree)
        let files = first.record.counts.filesExamined
        let parts = try Self.sqlite(
            tree.rescanStore, "SELECT count(*) FROM rescan_state_parts WHERE scan_id = \(first.record.id)")
        #expect(parts == "[(\((files + 3) / 4),)]", "one part per batch of 4 of \(files) files")
        Self.tick()
        // Files added and deleted across the tree: the walk no longer meets the earlier entries one for one.
        try tree.write("etc/aaa-new.conf", "not crypto\n")
        try tree.write("etc/ssh/sshd_config.d/15-added.conf", "Ciphers aes128-ctr\n")
        try FileManager.default.removeItem(atPath: tree.path("etc/ssh/sshd_config.d/20-legacy.conf"))
        var use = ScanUseCase()
        use.batchSize = 4
        let rescan = try use.scan(ScanRequest(roots: [tree.root.path], storePath: tree.rescanStore))
        var full = ScanRequest(roots: [tree.root.path], storePath: tree.fullStore)
        full.full = true
        // In batches of 4 too: a key pair's asset keeps the kind of its first sighting in a store (the private key
        // linked from nginx, or the certificate's public key), and batch boundaries decide which comes first.
        let fullScan = try use.scan(full)
        Self.expectSame(
            try Contents(store: tree.rescanStore, scanID: rescan.record.id),
            try Contents(store: tree.fullStore, scanID: fullScan.record.id), "rescan in parts")
        #expect(rescan.reusedFrom == first.record.id)
        // Scanned again: the two new files, and sshd_config, whose Include glob now lists other files (and so the
        // files its findings came from, which depend on that listing).
        let examined = rescan.record.counts.filesExamined
        #expect(examined == files + 1)
        #expect(rescan.filesReused >= examined - 6 && rescan.filesReused < examined)
        // The first scan's state is gone with its parts: only the latest state of a fingerprint is kept.
        #expect(
            try Self.sqlite(tree.rescanStore, "SELECT DISTINCT scan_id FROM rescan_state_parts")
                == "[(\(rescan.record.id),)]")
    }

    @Test("a damaged part ends the reuse at that part: the files after it are scanned again, and the record holds")
    func damagedPart() throws {
        let tree = try Tree()
        let first = try Self.scanInSmallBatches(tree)
        _ = try Self.sqlite(
            tree.rescanStore,
            "UPDATE rescan_state_parts SET bytes = substr(bytes, 1, length(bytes) - 3) WHERE part = 2")
        Self.tick()
        try tree.write("etc/aaa-new.conf", "not crypto\n")
        let rescan = try Self.scanInSmallBatches(tree)
        var request = ScanRequest(roots: [tree.root.path], storePath: tree.fullStore)
        request.full = true
        var use = ScanUseCase()
        use.batchSize = 4
        let fullScan = try use.scan(request)
        Self.expectSame(
            try Contents(store: tree.rescanStore, scanID: rescan.record.id),
            try Contents(store: tree.fullStore, scanID: fullScan.record.id), "rescan after a damaged part")
        #expect(rescan.reusedFrom == first.record.id)
        // Parts 0 and 1 (8 files) at most are reused, and the new file is not.
        #expect(rescan.filesReused > 0 && rescan.filesReused <= 8)
    }

    @Test(
        "reused files' rows are copied across batch boundaries, and the state a rescan leaves serves the next rescan"
    )
    func rescanOfRescan() throws {
        let tree = try Tree()
        let first = try Self.scanInSmallBatches(tree)
        var use = ScanUseCase()
        use.batchSize = 4
        var fullRequest = ScanRequest(roots: [tree.root.path], storePath: tree.fullStore)
        fullRequest.full = true
        // Changes spread over the walk: a modified file, a touched one (same bytes: reused by digest, with its new
        // mtime), an added one, so reused runs and scanned files alternate inside and across batches.
        let changes: [() throws -> Void] = [
            {
                try tree.write("etc/ssh/ssh_config", "Host *\n    KexAlgorithms diffie-hellman-group1-sha1\n")
                try tree.write("etc/nginx/nginx.conf", try tree.read("etc/nginx/nginx.conf"))
                try tree.write("etc/aaa-new.conf", "not crypto\n")
            },
            {
                try tree.write("etc/ssl/openssl.cnf", try tree.read("etc/ssl/openssl.cnf"))
                try tree.write("etc/ssh/sshd_config.d/15-added.conf", "Ciphers aes128-ctr\n")
            },
            {},
        ]
        var previous = first.record.id
        for (round, change) in changes.enumerated() {
            Self.tick()
            try change()
            let rescan = try use.scan(ScanRequest(roots: [tree.root.path], storePath: tree.rescanStore))
            try? FileManager.default.removeItem(atPath: tree.fullStore)
            let fullScan = try use.scan(fullRequest)
            Self.expectSame(
                try Contents(store: tree.rescanStore, scanID: rescan.record.id),
                try Contents(store: tree.fullStore, scanID: fullScan.record.id), "rescan \(round + 1)")
            #expect(rescan.record.counts == fullScan.record.counts, "rescan \(round + 1)")
            #expect(rescan.reusedFrom == previous)
            let examined = rescan.record.counts.filesExamined
            if round == 2 {
                #expect(rescan.filesReused == examined, "nothing changed: every file reused")
            } else {
                #expect(rescan.filesReused > examined / 2 && rescan.filesReused < examined)
            }
            previous = rescan.record.id
        }
    }
}
