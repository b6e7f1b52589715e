import Foundation
import GRDB
import PQModel
import PostgresNIO

@testable import PQStore

/// Small, fully populated values the store tests write and expect back.
enum Sample {
    static let sha = String(repeating: "0123456789abcdef", count: 4)
    static let started = Date(timeIntervalSince1970: 1_750_000_000)
    static let finished = Date(timeIntervalSince1970: 1_750_000_060)

    static func file(_ path: String) -> FileRecord { file(ScanPath(path)) }

    static func file(_ path: ScanPath) -> FileRecord {
        FileRecord(path: path, size: 42, modified: Date(timeIntervalSince1970: 1_700_000_000.5), sha256: sha)
    }

    static func finding(
        _ path: String, line: Int? = 1, usage: Usage = .keyExchange, status: QuantumStatus = .vulnerable,
        source: FindingSource = .openssh, algorithm: String = "ecdh-sha2-nistp256", asset: String? = nil
    ) -> Finding {
        finding(
            ScanPath(path), line: line, usage: usage, status: status, source: source, algorithm: algorithm,
            asset: asset)
    }

    static func finding(
        _ path: ScanPath, line: Int? = 1, usage: Usage = .keyExchange, status: QuantumStatus = .vulnerable,
        source: FindingSource = .openssh, algorithm: String = "ecdh-sha2-nistp256", asset: String? = nil
    ) -> Finding {
        Finding(
            path: path, line: line, source: source, setting: "KexAlgorithms", usage: usage, algorithm: algorithm,
            canonical: "ECDH-P-256", quantumStatus: status, asset: asset)
    }

    /// A finding with every optional field set.
    static func fullFinding(_ path: String, asset: String) -> Finding {
        Finding(
            path: ScanPath(path), line: 7, source: .x509, setting: "subjectPublicKey", usage: .publicKey,
            algorithm: "1.2.840.10045.2.1", canonical: "ECDSA", oid: "1.2.840.10045.2.1", keyBits: 256,
            curve: "P-256", quantumStatus: .vulnerable, context: "server www.example.org:443", effective: false,
            origin: .default, asset: asset, note: "a remark")
    }

    static let certificate = Asset(
        id: "sha256:" + String(repeating: "c", count: 64), kind: .certificate, algorithm: "1.2.840.10045.2.1",
        canonical: "ECDSA", oid: "1.2.840.10045.2.1", keyBits: 256, curve: "P-256",
        certificate: CertificateDetails(
            subject: "CN=www.example.org", issuer: "CN=Example CA", serial: "0A1B", notBefore: started,
            notAfter: finished, signatureOID: "1.2.840.10045.4.3.2", signatureAlgorithm: "ECDSA-SHA256",
            publicKeyOID: "1.2.840.10045.2.1", sha256: String(repeating: "C", count: 64),
            publicKeyID: "sha256:" + String(repeating: "d", count: 64), isCA: nil, selfSigned: false))

    static let key = Asset(
        id: "sha256:" + String(repeating: "d", count: 64), kind: .privateKey, algorithm: "RSA", canonical: "RSA",
        keyBits: 3072, key: KeyDetails(format: "pkcs8", isPrivate: true, encrypted: true))

    /// A store file in a fresh temporary directory; the directory goes away when `body` returns.
    static func withTemporaryStorePath<T>(_ body: (String) throws -> T) throws -> T {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("pqstore-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        return try body(directory.appendingPathComponent("pqscout.db").path)
    }

    /// Runs raw SQL against the store's own connection (tests only: to break rules the API keeps). `?` placeholders
    /// become PostgreSQL's `$n` on a PostgreSQL store.
    static func execute(_ store: InventoryStore, _ sql: String, _ arguments: [Int64] = []) throws {
        if let session = store.postgresSession {
            try session.query(postgres(sql), arguments.map { .int($0) })
            return
        }
        try store.sqliteWriter!.write { db in try db.execute(sql: sql, arguments: StatementArguments(arguments)) }
    }

    static func int(_ store: InventoryStore, _ sql: String, _ arguments: [Int64] = []) throws -> Int? {
        if let session = store.postgresSession {
            let rows = try session.query(postgres(sql), arguments.map { .int($0) })
            return try rows.first?.makeRandomAccess()[0].decode(Int?.self)
        }
        return try store.sqliteWriter!.read { db in
            try Int.fetchOne(db, sql: sql, arguments: StatementArguments(arguments))
        }
    }

    static func string(_ store: InventoryStore, _ sql: String, _ arguments: [Int64] = []) throws -> String? {
        if let session = store.postgresSession {
            let rows = try session.query(postgres(sql), arguments.map { .int($0) })
            return try rows.first?.makeRandomAccess()[0].decode(String?.self)
        }
        return try store.sqliteWriter!.read { db in
            try String.fetchOne(db, sql: sql, arguments: StatementArguments(arguments))
        }
    }

    /// `?` → `$1`, `$2`, ... (the tests' SQL holds no `?` in a literal).
    private static func postgres(_ sql: String) -> String {
        var number = 0
        return sql.split(separator: "?", omittingEmptySubsequences: false).enumerated().map { index, part in
            guard index > 0 else { return String(part) }
            number += 1
            return "$\(number)" + part
        }.joined()
    }

    static func begin(_ store: InventoryStore) throws -> Int64 {
        try store.beginScan(roots: ["/etc", "/opt/app"], host: "host1", toolVersion: "0.1.0", startedAt: started)
    }
}
