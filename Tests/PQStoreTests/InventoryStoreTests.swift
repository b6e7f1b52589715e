import Foundation
import PQModel
import Testing

@testable import PQStore

@Suite("InventoryStore reads back what it recorded")
struct InventoryStoreTests {
    @Test("a recorded scan reads back field for field", arguments: StoreKind.available)
    func roundTrip(kind: StoreKind) throws {
        let store = try kind.make()
        let scanID = try Sample.begin(store)
        let full = Sample.fullFinding("etc/ssl/www.pem", asset: Sample.certificate.id)
        let bare = Sample.finding("etc/ssh/sshd_config", line: nil)
        let diagnostic = Diagnostic(path: ScanPath("etc/big.bin"), reason: .tooLarge, detail: "2 GiB > 64 MiB")
        let package = Software(name: "openssl", version: "3.0.19-1", sourcePath: ScanPath("var/lib/dpkg/status"))
        let files = [Sample.file("etc/ssl/www.pem"), Sample.file("etc/ssh/sshd_config")]
        try store.record(
            scanID: scanID,
            batch: ScanBatch(
                files: files,
                output: ScanOutput(
                    findings: [full, bare], assets: [Sample.certificate, Sample.key], diagnostics: [diagnostic],
                    software: [package])))
        let counts = ScanCounts(
            filesExamined: 2, filesWithFindings: 2, findings: 2, assets: 2, diagnostics: 1,
            byStatus: ["vulnerable": 2])
        try store.finishScan(scanID: scanID, finishedAt: Sample.finished, counts: counts, complete: true)

        #expect(try store.findings(FindingQuery(scanID: scanID)) == [bare, full])
        #expect(try store.diagnostics(scanID: scanID) == [diagnostic])
        #expect(try store.software(scanID: scanID) == [package])
        #expect(try store.assets(scanID: scanID) == [Sample.certificate, Sample.key])
        #expect(try store.files(scanID: scanID) == files.sorted { $0.path < $1.path })
        let scan = try #require(try store.scan(id: scanID))
        #expect(
            scan
                == ScanRecord(
                    id: scanID, roots: ["/etc", "/opt/app"], host: "host1", toolVersion: "0.1.0",
                    startedAt: Sample.started, finishedAt: Sample.finished, status: .complete, counts: counts))
        #expect(try store.scans() == [scan])
        #expect(try store.counts(scanID: scanID) == counts)
        #expect(try store.latestCompleteScanID() == scanID)
        #expect(try store.scan(id: scanID + 1) == nil)
    }

    @Test(
        "findings come back by path bytes, then line (none first), then recording order", arguments: StoreKind.available
    )
    func findingOrder(kind: StoreKind) throws {
        let store = try kind.make()
        let scanID = try Sample.begin(store)
        let high = ScanPath(bytes: Array("b/".utf8) + [0xFF])  // 0xFF sorts after every ASCII byte
        let findings = [
            Sample.finding(high, line: 1, algorithm: "first-in-high"),
            Sample.finding("b/z", line: 3, algorithm: "z3"),
            Sample.finding("a", line: 2, algorithm: "a2-first"),
            Sample.finding("a", line: nil, algorithm: "a-whole-file"),
            Sample.finding("a", line: 2, algorithm: "a2-second"),
            Sample.finding("b/z", line: 1, algorithm: "z1"),
        ]
        try store.record(
            scanID: scanID,
            batch: ScanBatch(
                files: [Sample.file(high), Sample.file("b/z"), Sample.file("a")],
                output: ScanOutput(findings: findings)))
        let order = try store.findings(FindingQuery(scanID: scanID)).map(\.algorithm)
        #expect(order == ["a-whole-file", "a2-first", "a2-second", "z1", "z3", "first-in-high"])
    }

    @Test("a finding query filters by usage, status, source and path glob", arguments: StoreKind.available)
    func findingQuery(kind: StoreKind) throws {
        let store = try kind.make()
        let scanID = try Sample.begin(store)
        try store.record(
            scanID: scanID,
            batch: ScanBatch(
                files: [Sample.file("etc/ssh/sshd_config"), Sample.file("etc/nginx/nginx.conf")],
                output: ScanOutput(findings: [
                    Sample.finding("etc/ssh/sshd_config", line: 1, usage: .keyExchange, status: .vulnerable),
                    Sample.finding("etc/ssh/sshd_config", line: 2, usage: .cipher, status: .resistant),
                    Sample.finding("etc/nginx/nginx.conf", line: 3, usage: .cipher, status: .weakened, source: .nginx),
                ])))
        func lines(_ query: FindingQuery) throws -> [Int?] { try store.findings(query).map(\.line) }
        #expect(try lines(FindingQuery(scanID: scanID, usage: .cipher)) == [3, 2])
        #expect(try lines(FindingQuery(scanID: scanID, status: .vulnerable)) == [1])
        #expect(try lines(FindingQuery(scanID: scanID, source: .nginx)) == [3])
        #expect(try lines(FindingQuery(scanID: scanID, pathPattern: PathPattern("etc/ssh/*"))) == [1, 2])
        #expect(try lines(FindingQuery(scanID: scanID, usage: .cipher, pathPattern: PathPattern("*sshd*"))) == [2])
        #expect(try lines(FindingQuery(scanID: scanID, pathPattern: PathPattern("ETC/*"))) == [])
        #expect(try lines(FindingQuery(scanID: scanID + 1)) == [])
    }

    @Test("one key seen in several files and scans is one asset row", arguments: StoreKind.available)
    func assetsAreShared(kind: StoreKind) throws {
        let store = try kind.make()
        let first = try Sample.begin(store)
        for path in ["a.pem", "b.pem"] {
            try store.record(
                scanID: first,
                batch: ScanBatch(
                    files: [Sample.file(path)],
                    output: ScanOutput(
                        findings: [Sample.finding(path, asset: Sample.key.id)], assets: [Sample.key])))
        }
        try store.finishScan(scanID: first, finishedAt: Sample.finished, counts: ScanCounts(), complete: true)
        let second = try Sample.begin(store)
        // A later sighting that knows less (no curve, no key details) does not erase what the first one knew.
        var lessKnown = Sample.key
        lessKnown.canonical = nil
        lessKnown.key = nil
        try store.record(
            scanID: second,
            batch: ScanBatch(files: [Sample.file("c.pem")], output: ScanOutput(assets: [lessKnown])))

        #expect(try Sample.int(store, "SELECT count(*) FROM assets") == 1)
        #expect(try Sample.int(store, "SELECT count(*) FROM keys") == 1)
        #expect(try store.assets(scanID: first) == [Sample.key])
        #expect(try store.assets(scanID: second) == [Sample.key])
        #expect(try store.counts(scanID: first).assets == 1)
    }

    @Test(
        "a finding naming an asset recorded by an earlier scan links that asset to its own scan",
        arguments: StoreKind.available)
    func findingLinksEarlierAsset(kind: StoreKind) throws {
        let store = try kind.make()
        let first = try Sample.begin(store)
        try store.record(scanID: first, batch: ScanBatch(output: ScanOutput(assets: [Sample.certificate])))
        let second = try Sample.begin(store)
        try store.record(
            scanID: second,
            batch: ScanBatch(
                files: [Sample.file("x.pem")],
                output: ScanOutput(findings: [Sample.finding("x.pem", asset: Sample.certificate.id)])))
        #expect(try store.assets(scanID: second) == [Sample.certificate])
    }

    @Test(
        "a finding's text comes back byte for byte: empty, non-ASCII, longer than a page, several rows in one batch",
        arguments: StoreKind.available)
    func findingTextRoundTrips(kind: StoreKind) throws {
        let store = try kind.make()
        let scanID = try Sample.begin(store)
        var findings: [Finding] = []
        // Several rows in one batch: each row's text must not leak into the next one's.
        for (index, note) in ["", "a\tb", "Zürich – 東京 ✓", String(repeating: "n", count: 20_000), "short"]
            .enumerated()
        {
            var finding = Sample.finding("t.conf", line: index + 1)
            finding.setting = index == 0 ? "" : "Setting\(index)"
            finding.note = note
            finding.context = index == 3 ? nil : "context \(index)"
            findings.append(finding)
        }
        try store.record(
            scanID: scanID, batch: ScanBatch(files: [Sample.file("t.conf")], output: ScanOutput(findings: findings)))
        let stored = try store.findings(FindingQuery(scanID: scanID))
        #expect(stored == findings)
        #expect(stored.first?.note == "" && stored.first?.setting == "")
    }

    @Test(
        "a NUL in a batch's text is stored as U+FFFD: PostgreSQL takes the batch, and both read back the whole text",
        arguments: StoreKind.available)
    func nulInText(kind: StoreKind) throws {
        let store = try kind.make()
        let scanID = try Sample.begin(store)
        var finding = Sample.finding("etc/nginx/nginx.conf")
        finding.algorithm = "pr\u{0}ime256v1"
        finding.context = "server a\u{0}b:443"
        finding.note = "\u{0}"
        var certificate = Sample.certificate
        certificate.certificate?.subject = "CN=www.example.com\u{0}.evil.example"
        let diagnostic = Diagnostic(
            path: ScanPath("etc/nginx/nginx.conf"), reason: .malformed, detail: "line 97: X25519:pr\u{0}ime256v1")
        let package = Software(name: "nginx\u{0}", version: "1.22", sourcePath: ScanPath("var/lib/dpkg/status"))
        try store.record(
            scanID: scanID,
            batch: ScanBatch(
                files: [Sample.file("etc/nginx/nginx.conf")],
                output: ScanOutput(
                    findings: [finding], assets: [certificate], diagnostics: [diagnostic],
                    software: [package])
            ))
        let stored = try #require(try store.findings(FindingQuery(scanID: scanID)).first)
        #expect(stored.algorithm == "pr\u{FFFD}ime256v1")
        #expect(stored.context == "server a\u{FFFD}b:443")
        #expect(stored.note == "\u{FFFD}")
        #expect(stored.setting == finding.setting)
        #expect(try store.diagnostics(scanID: scanID).map(\.detail) == ["line 97: X25519:pr\u{FFFD}ime256v1"])
        #expect(try store.software(scanID: scanID).map(\.name) == ["nginx\u{FFFD}"])
        #expect(
            try store.assets(scanID: scanID).first?.certificate?.subject == "CN=www.example.com\u{FFFD}.evil.example")
        #expect(StoredText.clean("plain") == "plain" && StoredText.clean("") == "")
    }

    @Test("a finding naming an asset nobody recorded is refused", arguments: StoreKind.available)
    func unknownAsset(kind: StoreKind) throws {
        let store = try kind.make()
        let scanID = try Sample.begin(store)
        let error = #expect(throws: StoreError.self) {
            try store.record(
                scanID: scanID,
                batch: ScanBatch(
                    files: [Sample.file("x.pem")],
                    output: ScanOutput(findings: [Sample.finding("x.pem", asset: "sha256:nowhere")])))
        }
        #expect(error?.code == StoreError.unknownAsset)
        #expect(error?.reason.contains("sha256:nowhere") == true)
    }

    @Test(
        "a finding whose file was never recorded is refused, and nothing of its batch is kept",
        arguments: StoreKind.available)
    func batchIsAtomic(kind: StoreKind) throws {
        let store = try kind.make()
        let scanID = try Sample.begin(store)
        try store.record(
            scanID: scanID,
            batch: ScanBatch(files: [Sample.file("early")], output: ScanOutput(findings: [Sample.finding("early")])))
        let error = #expect(throws: StoreError.self) {
            try store.record(
                scanID: scanID,
                batch: ScanBatch(
                    files: [Sample.file("kept?")],
                    output: ScanOutput(
                        findings: [Sample.finding("early"), Sample.finding("kept?"), Sample.finding("missing")],
                        assets: [Sample.key],
                        diagnostics: [Diagnostic(path: ScanPath("d"), reason: .empty, detail: "0 bytes")])))
        }
        #expect(error?.code == StoreError.unknownFile)
        #expect(error?.reason.contains("missing") == true)
        #expect(
            try store.counts(scanID: scanID)
                == ScanCounts(
                    filesExamined: 1, filesWithFindings: 1, findings: 1, assets: 0, diagnostics: 0,
                    byStatus: ["vulnerable": 1]))
        #expect(try Sample.int(store, "SELECT count(*) FROM assets") == 0)
        // A finding may name a file recorded by an earlier batch of the same scan; ordinals carry on.
        try store.record(scanID: scanID, batch: ScanBatch(output: ScanOutput(findings: [Sample.finding("early")])))
        #expect(try Sample.int(store, "SELECT max(ordinal) FROM findings WHERE scan_id = ?", [scanID]) == 1)
    }

    @Test(
        "a row SQLite refuses is named in the one-line reason, and its batch is not kept",
        arguments: StoreKind.available)
    func refusedRowIsNamed(kind: StoreKind) throws {
        let store = try kind.make()
        let scanID = try Sample.begin(store)
        var badHash = Sample.file("etc/bad-hash")
        badHash.sha256 = "not a digest"
        let file = #expect(throws: StoreError.self) {
            try store.record(scanID: scanID, batch: ScanBatch(files: [Sample.file("ok"), badHash]))
        }
        #expect(file?.code == StoreError.constraint)
        #expect(file?.reason.contains("file etc/bad-hash") == true)
        #expect(file?.reason.contains("\n") == false)
        var zeroLine = Sample.finding("ok", line: 0)
        zeroLine.setting = "Ciphers"
        let finding = #expect(throws: StoreError.self) {
            try store.record(
                scanID: scanID, batch: ScanBatch(files: [Sample.file("ok")], output: ScanOutput(findings: [zeroLine])))
        }
        #expect(finding?.code == StoreError.constraint)
        #expect(finding?.reason.contains("finding at ok:0") == true)
        #expect(try store.files(scanID: scanID) == [])
    }

    @Test("a finished scan is final, and an unknown scan is named as such", arguments: StoreKind.available)
    func finishedScanRefusesRows(kind: StoreKind) throws {
        let store = try kind.make()
        let scanID = try Sample.begin(store)
        try store.finishScan(scanID: scanID, finishedAt: Sample.finished, counts: ScanCounts(), complete: false)
        let late = #expect(throws: StoreError.self) {
            try store.record(scanID: scanID, batch: ScanBatch(files: [Sample.file("late")]))
        }
        #expect(late?.code == StoreError.scanFinished)
        let twice = #expect(throws: StoreError.self) {
            try store.finishScan(scanID: scanID, finishedAt: Sample.finished, counts: ScanCounts(), complete: true)
        }
        #expect(twice?.code == StoreError.scanFinished)
        let unknown = #expect(throws: StoreError.self) {
            try store.record(scanID: 99, batch: ScanBatch())
        }
        #expect(unknown?.code == StoreError.noSuchScan)
        #expect(try store.scan(id: scanID)?.status == .incomplete)
        #expect(try store.latestCompleteScanID() == nil)
    }

    @Test("deleting a scan removes its rows and the assets no other scan saw", arguments: StoreKind.available)
    func deleteScan(kind: StoreKind) throws {
        let store = try kind.make()
        let first = try Sample.begin(store)
        try store.record(
            scanID: first,
            batch: ScanBatch(
                files: [Sample.file("a.pem")],
                output: ScanOutput(
                    findings: [Sample.finding("a.pem", asset: Sample.certificate.id)],
                    assets: [Sample.certificate, Sample.key],
                    diagnostics: [Diagnostic(path: ScanPath("d"), reason: .empty, detail: "0 bytes")],
                    software: [Software(name: "openssl", version: "3", sourcePath: ScanPath("status"))])))
        let second = try Sample.begin(store)
        try store.record(scanID: second, batch: ScanBatch(output: ScanOutput(assets: [Sample.key])))

        #expect(try store.deleteScan(id: first))
        #expect(try store.deleteScan(id: first) == false)
        for table in ["files", "findings", "diagnostics", "software"] {
            #expect(try Sample.int(store, "SELECT count(*) FROM \(table)") == 0, "\(table)")
        }
        #expect(try store.assets(scanID: second) == [Sample.key])
        #expect(try Sample.int(store, "SELECT count(*) FROM assets") == 1)
        #expect(try Sample.int(store, "SELECT count(*) FROM certificates") == 0)
        // Ids are never reused: a deleted scan's id cannot come to mean another scan.
        #expect(try Sample.begin(store) == second + 1)
    }

    @Test(
        "paths that are not UTF-8 round-trip byte for byte, with their escaped text alongside",
        arguments: StoreKind.available)
    func nonUTF8Paths(kind: StoreKind) throws {
        let store = try kind.make()
        let scanID = try Sample.begin(store)
        // POSIX file names never hold NUL, so the sample does not either.
        let path = ScanPath(bytes: Array("etc/caf".utf8) + [0xE9, 0x5C, 0xFF, 0x2F, 0xC3, 0xA9])
        let finding = Sample.finding(path)
        let diagnostic = Diagnostic(path: path, reason: .malformed, detail: "bad")
        let package = Software(name: "pkg", version: "1", sourcePath: path)
        try store.record(
            scanID: scanID,
            batch: ScanBatch(
                files: [Sample.file(path)],
                output: ScanOutput(findings: [finding], diagnostics: [diagnostic], software: [package])))

        #expect(try store.findings(FindingQuery(scanID: scanID)).first?.path.bytes == path.bytes)
        #expect(try store.diagnostics(scanID: scanID).first?.path.bytes == path.bytes)
        #expect(try store.software(scanID: scanID).first?.sourcePath.bytes == path.bytes)
        #expect(try store.files(scanID: scanID).first?.path.bytes == path.bytes)
        let display = try Sample.string(store, "SELECT path_display FROM files WHERE scan_id = ?", [scanID])
        #expect(display == path.display)
        #expect(display == "etc/caf\\xE9\\\\\\xFF/é")
        #expect(try store.findings(FindingQuery(scanID: scanID, pathPattern: PathPattern("etc/caf*"))).count == 1)
    }
}
