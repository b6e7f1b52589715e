import Foundation
import PQModel
import PQReports
import PQScoutKit
import Testing

/// Shared inputs for the report tests: the scanned sample inventory with a fixed scan record and clock, and
/// small hand-made inventories for what the sample lacks (TLS configuration, hostile text).
enum Fixtures {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let goldenFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "Golden")
    static let checks = repositoryRoot.appendingPathComponent("scripts")

    static let clock = Date(timeIntervalSince1970: 1_795_000_000)  // 2026-11-19T...Z, fixed for every golden file
    static let context = RenderContext(generatedAt: clock, toolVersion: "0.0.0-test")

    /// One folder per test process, removed when the process exits, so a run leaves nothing in the temporary folder.
    static let runFolder: String = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "pqscout-reports-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)"
        ).path
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: Fixtures.runFolder) }
        return folder
    }()

    static func temporaryPath(_ name: String) -> String {
        (runFolder as NSString).appendingPathComponent("\(UUID().uuidString)-\(name)")
    }

    /// A fixed scan record, so goldens do not depend on when or where the sample was scanned.
    static func fixedScan(_ counts: ScanCounts, id: Int64 = 1, status: ScanRecord.Status = .complete) -> ScanRecord {
        ScanRecord(
            id: id, roots: ["sample-inventories/webfarm"], host: "golden-host", toolVersion: "0.0.0-test",
            startedAt: Date(timeIntervalSince1970: 1_794_990_000),
            finishedAt: Date(timeIntervalSince1970: 1_794_990_060),
            status: status, counts: counts)
    }

    /// The sample inventory scanned once per test run into a temporary store, read back as a report input.
    static let sampleResult: Result<(input: ReportInput, store: String, scanID: Int64), any Error> = Result {
        let store = temporaryPath("sample.db")
        let root = repositoryRoot.appendingPathComponent("sample-inventories/webfarm").path
        let record = try ScanUseCase().run(ScanRequest(roots: [root], storePath: store, host: "golden-host"))
        var input = try ReportUseCase.input(storePath: store, scanID: record.id)
        input.scan = fixedScan(record.counts)
        input.history = [input.scan]
        return (input, store, record.id)
    }

    static func sample() throws -> ReportInput { try sampleResult.get().input }

    /// The sample assessed under NIST IR 8547 as of a fixed day, with the example waivers, recorded in a copy
    /// of the sample store and read back through the report use case.
    static let assessedResult: Result<(input: ReportInput, store: String, scanID: Int64), any Error> = Result {
        let (_, original, scanID) = try sampleResult.get()
        let store = temporaryPath("assessed.db")
        try FileManager.default.copyItem(atPath: original, toPath: store)
        _ = try AssessUseCase.run(
            AssessRequest(
                storePath: store, scanID: scanID, asOf: CalendarDay(year: 2026, month: 11, day: 19),
                waiversFile: repositoryRoot.appendingPathComponent("sample-inventories/waivers-example.yaml").path))
        var input = try ReportUseCase.input(storePath: store, scanID: scanID)
        input.scan = fixedScan(input.scan.counts)
        input.history = [input.scan]
        return (input, store, scanID)
    }

    static func assessed() throws -> ReportInput { try assessedResult.get().input }

    static func date(_ text: String) -> Date {
        ISO8601DateFormatter().date(from: text) ?? Date(timeIntervalSince1970: 0)
    }

    /// A certificate whose names carry markup and a key file, with one finding each.
    static func hostile() -> ReportInput {
        let subject = "CN=<script>alert(1)</script>,O=\"Evil\" & Co"
        let certificate = Asset(
            id: "sha256:" + String(repeating: "ab", count: 32), kind: .certificate, algorithm: "1.2.840.113549.1.1.1",
            canonical: "RSA", oid: "1.2.840.113549.1.1.1", keyBits: 2048,
            certificate: CertificateDetails(
                subject: subject, issuer: "CN=<img src=x onerror=alert(2)>", serial: "01",
                notBefore: date("2025-01-01T00:00:00Z"), notAfter: date("2027-01-01T00:00:00Z"),
                signatureOID: "1.2.840.113549.1.1.11", signatureAlgorithm: "RSA-SHA256",
                publicKeyOID: "1.2.840.113549.1.1.1", sha256: String(repeating: "AB", count: 32),
                publicKeyID: "sha256:" + String(repeating: "cd", count: 32), isCA: false, selfSigned: false))
        let path = ScanPath(bytes: Array("etc/<b>x</b>|=cmd,\"q\"\n".utf8) + [0xFF] + Array(" #?.pem".utf8))
        let findings = [
            Finding(
                path: path, line: 3, source: .x509, setting: "signatureAlgorithm", usage: .signature,
                algorithm: "1.2.840.113549.1.1.11", canonical: "RSA-SHA256", oid: "1.2.840.113549.1.1.11",
                quantumStatus: .vulnerable, context: "=HYPERLINK(\"http://evil\")", asset: certificate.id,
                note: "@SUM(1+1)*cmd|' /C calc'!A0 `code` <i>"),
            Finding(
                path: path, line: 3, source: .x509, setting: "subjectPublicKey", usage: .publicKey,
                algorithm: "1.2.840.113549.1.1.1", canonical: "RSA", oid: "1.2.840.113549.1.1.1", keyBits: 2048,
                quantumStatus: .vulnerable, asset: certificate.id),
            Finding(
                path: ScanPath("etc/nginx/nginx.conf"), line: 7, source: .nginx, setting: "ssl_ciphers",
                usage: .cipherSuite, algorithm: "-ECDHE+<evil>", quantumStatus: .vulnerable,
                note: "not in the catalog; assumed quantum-vulnerable until classified"),
        ]
        let diagnostics = [Diagnostic(path: path, reason: .malformed, detail: "<script>alert(3)</script>")]
        var counts = ScanCounts(filesExamined: 2, filesWithFindings: 2, findings: 3, assets: 1, diagnostics: 1)
        counts.byStatus = ["vulnerable": 3]
        return ReportInput(
            scan: fixedScan(counts), findings: findings, assets: [certificate], diagnostics: diagnostics,
            history: [fixedScan(counts)])
    }

    /// An nginx server block with suites, versions, groups and signature schemes, and nothing skipped.
    static func tls() -> ReportInput {
        let path = ScanPath("etc/nginx/sites-enabled/www.conf")
        let context = "server www.example.org:443"
        func finding(
            _ line: Int, _ setting: String, _ usage: Usage, _ algorithm: String, _ canonical: String?,
            _ status: QuantumStatus
        ) -> Finding {
            Finding(
                path: path, line: line, source: .nginx, setting: setting, usage: usage, algorithm: algorithm,
                canonical: canonical, quantumStatus: status, context: context)
        }
        let findings = [
            finding(4, "ssl_protocols", .protocolVersion, "TLSv1.2", "TLSv1.2", .vulnerable),
            finding(4, "ssl_protocols", .protocolVersion, "TLSv1.3", "TLSv1.3", .hybrid),
            finding(5, "ssl_ciphers", .cipherSuite, "ECDHE-RSA-AES128-GCM-SHA256", nil, .vulnerable),
            finding(5, "ssl_ciphers", .cipherSuite, "TLS_AES_256_GCM_SHA384", nil, .resistant),
            finding(6, "ssl_ecdh_curve", .group, "X25519MLKEM768", "ML-KEM-768+X25519", .hybrid),
            finding(6, "ssl_ecdh_curve", .group, "x25519", "X25519", .vulnerable),
            finding(
                8, "ssl_conf_command SignatureAlgorithms", .signature, "ecdsa_secp256r1_sha256", "ECDSA-SHA256",
                .vulnerable),
        ]
        var counts = ScanCounts(filesExamined: 1, filesWithFindings: 1, findings: findings.count)
        counts.byStatus = Dictionary(grouping: findings, by: \.quantumStatus.rawValue).mapValues(\.count)
        return ReportInput(scan: fixedScan(counts), findings: findings, history: [fixedScan(counts)])
    }
}

/// Runs one of the project's schema checks (`scripts/validate-cbom`, `scripts/validate-sarif`) on a file. They need
/// python3 with jsonschema and cyclonedx-python-lib; `.ci/run` installs both, and elsewhere the suites that use them
/// are skipped with that reason rather than failed.
enum SharedCheck {
    static let missing: Comment = "no python3 with jsonschema and cyclonedx-python-lib (pip): schema checks skipped"
    static let pythonAvailable: Bool = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import jsonschema, cyclonedx.validation.json"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()

    static func run(_ check: String, on data: Data, name: String) throws -> (status: Int32, output: String) {
        let file = Fixtures.temporaryPath(name)
        try data.write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        let process = Process()
        process.executableURL = Fixtures.checks.appendingPathComponent(check)
        process.arguments = [file]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}
