import Foundation
import GRDB
import PQModel

/// Writes one `ScanBatch` inside the caller's transaction, with one prepared statement per table reused for every
/// row: per-row record inserts run near 75k rows/s here. Findings, the bulk of every scan, are bound through the
/// SQLite C API (`SQLiteInsert`) to clear the 200k findings/s a scan needs.
struct BatchWriter {
    let db: Database
    let scanID: Int64

    func write(_ batch: ScanBatch) throws {
        try writeAssets(batch.output.assets)
        let fileIDs = try writeFiles(batch.files)
        try linkReferencedAssets(batch)
        try writeFindings(batch.output.findings, fileIDs: fileIDs)
        try writeDiagnostics(batch.output.diagnostics)
        try writeSoftware(batch.output.software)
        try writeAliases(batch.aliases)
    }

    // MARK: - Assets

    private func writeAssets(_ assets: [Asset]) throws {
        guard !assets.isEmpty else { return }
        // First sighting wins; a later one only fills in what was unknown (content-derived ids make the rest equal).
        // One exception, so batch boundaries and file order cannot decide it: a private key and its public half share
        // the SPKI id, and a sighting of the private key makes the asset a private key.
        let upsert = try db.makeStatement(
            sql: """
                INSERT INTO assets (id, kind, algorithm, canonical, oid, key_bits, curve) VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET
                    kind = CASE WHEN assets.kind = 'public-key' AND excluded.kind = 'private-key' THEN excluded.kind
                        ELSE assets.kind END,
                    canonical = coalesce(assets.canonical, excluded.canonical),
                    oid = coalesce(assets.oid, excluded.oid), key_bits = coalesce(assets.key_bits, excluded.key_bits),
                    curve = coalesce(assets.curve, excluded.curve)
                """)
        let certificate = try db.makeStatement(
            sql: """
                INSERT INTO certificates (asset_id, subject, issuer, serial, not_before, not_after, signature_oid,
                    signature_algorithm, public_key_oid, sha256, public_key_id, is_ca, self_signed)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (asset_id) DO NOTHING
                """)
        let key = try db.makeStatement(
            sql: """
                INSERT INTO keys (asset_id, format, is_private, encrypted) VALUES (?, ?, ?, ?)
                ON CONFLICT (asset_id) DO UPDATE SET format = excluded.format, is_private = excluded.is_private,
                    encrypted = excluded.encrypted
                WHERE keys.is_private = 0 AND excluded.is_private = 1
                """)
        let link = try linkStatement()
        for asset in assets {
            do {
                try upsert.execute(arguments: [
                    asset.id, asset.kind.rawValue, asset.algorithm, asset.canonical, asset.oid, asset.keyBits,
                    asset.curve,
                ])
                if let c = asset.certificate {
                    try certificate.execute(arguments: [
                        asset.id, c.subject, c.issuer, c.serial, c.notBefore, c.notAfter, c.signatureOID,
                        c.signatureAlgorithm, c.publicKeyOID, c.sha256, c.publicKeyID, c.isCA, c.selfSigned,
                    ])
                }
                if let k = asset.key {
                    try key.execute(arguments: [asset.id, k.format, k.isPrivate, k.encrypted])
                }
                try link.execute(arguments: [scanID, asset.id])
            } catch {
                throw StoreError.wrapping(error, context: "asset \(asset.id)")
            }
        }
    }

    private func linkStatement() throws -> Statement {
        try db.makeStatement(
            sql: "INSERT INTO scan_assets (scan_id, asset_id) VALUES (?, ?) ON CONFLICT DO NOTHING")
    }

    /// Links to this scan every asset a finding names, and refuses a name no batch has recorded.
    private func linkReferencedAssets(_ batch: ScanBatch) throws {
        let named = batch.assetsNamedElsewhere
        guard !named.isEmpty else { return }
        let exists = try db.makeStatement(sql: "SELECT 1 FROM assets WHERE id = ?")
        let link = try linkStatement()
        for id in named {
            guard try Int.fetchOne(exists, arguments: [id]) != nil else {
                let path = batch.output.findings.first { $0.asset == id }?.path.display ?? "?"
                throw StoreError(
                    code: StoreError.unknownAsset,
                    reason: "a finding in \(path) names asset \(id), which no batch has recorded")
            }
            try link.execute(arguments: [scanID, id])
        }
    }

    // MARK: - Files and findings

    /// Inserts the batch's files; returns their row ids by path bytes. A file already recorded in this scan (an
    /// included config that several files reach) keeps its first row.
    private func writeFiles(_ files: [FileRecord]) throws -> [[UInt8]: Int64] {
        var ids: [[UInt8]: Int64] = [:]
        ids.reserveCapacity(files.count)
        guard !files.isEmpty else { return ids }
        let insert = try db.makeStatement(
            sql: """
                INSERT INTO files (scan_id, path, path_display, size, modified_at, sha256) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (scan_id, path) DO NOTHING
                """)
        let existing = try db.makeStatement(sql: "SELECT id FROM files WHERE scan_id = ? AND path = ?")
        for file in files {
            do {
                try insert.execute(arguments: [
                    scanID, Data(file.path.bytes), file.path.display, file.size, file.modified, file.sha256,
                ])
                if db.changesCount == 0 {
                    ids[file.path.bytes] = try Int64.fetchOne(existing, arguments: [scanID, Data(file.path.bytes)])
                } else {
                    ids[file.path.bytes] = db.lastInsertedRowID
                }
            } catch {
                throw StoreError.wrapping(error, context: "file \(file.path.display)")
            }
        }
        return ids
    }

    private func writeFindings(_ findings: [Finding], fileIDs: [[UInt8]: Int64]) throws {
        guard !findings.isEmpty else { return }
        var ordinal = try nextOrdinal("findings")
        var insert = try SQLiteInsert(
            db,
            sql: """
                INSERT INTO findings (scan_id, file_id, ordinal, line, source, setting, usage, algorithm, canonical,
                    oid, key_bits, curve, quantum_status, context, effective, origin, asset_id, note)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        let earlierFile = try db.makeStatement(sql: "SELECT id FROM files WHERE scan_id = ? AND path = ?")
        var lastPath: [UInt8]? = nil
        var lastFileID: Int64 = 0
        for finding in findings {
            // Findings of one file arrive together: remember the last lookup.
            if finding.path.bytes != lastPath {
                if let id = fileIDs[finding.path.bytes] {
                    lastFileID = id
                } else if let id = try Int64.fetchOne(
                    earlierFile, arguments: [scanID, Data(finding.path.bytes)])
                {
                    lastFileID = id
                } else {
                    throw StoreError(
                        code: StoreError.unknownFile,
                        reason: "finding in \(finding.path.display) has no file record in scan \(scanID)")
                }
                lastPath = finding.path.bytes
            }
            insert.bind(scanID)
            insert.bind(lastFileID)
            insert.bind(ordinal)
            insert.bind(finding.line)
            insert.bind(finding.source.rawValue)
            insert.bind(finding.setting)
            insert.bind(finding.usage.rawValue)
            insert.bind(finding.algorithm)
            insert.bind(finding.canonical)
            insert.bind(finding.oid)
            insert.bind(finding.keyBits)
            insert.bind(finding.curve)
            insert.bind(finding.quantumStatus.rawValue)
            insert.bind(finding.context)
            insert.bind(finding.effective)
            insert.bind(finding.origin.rawValue)
            insert.bind(finding.asset)
            insert.bind(finding.note)
            do {
                try insert.step()
            } catch {
                let line = finding.line.map { ":\($0)" } ?? ""
                throw StoreError.wrapping(error, context: "finding at \(finding.path.display)\(line)")
            }
            ordinal += 1
        }
    }

    // MARK: - Diagnostics and software

    private func writeDiagnostics(_ diagnostics: [Diagnostic]) throws {
        guard !diagnostics.isEmpty else { return }
        var ordinal = try nextOrdinal("diagnostics")
        let insert = try db.makeStatement(
            sql: """
                INSERT INTO diagnostics (scan_id, ordinal, path, path_display, reason, detail)
                VALUES (?, ?, ?, ?, ?, ?)
                """)
        for diagnostic in diagnostics {
            do {
                try insert.execute(arguments: [
                    scanID, ordinal, Data(diagnostic.path.bytes), diagnostic.path.display,
                    diagnostic.reason.rawValue, diagnostic.detail,
                ])
            } catch {
                throw StoreError.wrapping(error, context: "diagnostic for \(diagnostic.path.display)")
            }
            ordinal += 1
        }
    }

    private func writeSoftware(_ software: [Software]) throws {
        guard !software.isEmpty else { return }
        var ordinal = try nextOrdinal("software")
        let insert = try db.makeStatement(
            sql: """
                INSERT INTO software (scan_id, ordinal, name, version, source_path, source_path_display)
                VALUES (?, ?, ?, ?, ?, ?)
                """)
        for package in software {
            do {
                try insert.execute(arguments: [
                    scanID, ordinal, package.name, package.version, Data(package.sourcePath.bytes),
                    package.sourcePath.display,
                ])
            } catch {
                throw StoreError.wrapping(error, context: "software \(package.name) \(package.version)")
            }
            ordinal += 1
        }
    }

    private func writeAliases(_ aliases: [PathAlias]) throws {
        guard !aliases.isEmpty else { return }
        // A link met twice (two roots of one system) keeps its first row.
        let insert = try db.makeStatement(
            sql: """
                INSERT INTO path_aliases (scan_id, path, path_display, target, target_display, kind)
                VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (scan_id, path) DO NOTHING
                """)
        for alias in aliases {
            do {
                try insert.execute(arguments: [
                    scanID, Data(alias.path.bytes), alias.path.display, Data(alias.target.bytes),
                    alias.target.display, alias.kind.rawValue,
                ])
            } catch {
                throw StoreError.wrapping(error, context: "alias \(alias.path.display)")
            }
        }
    }

    /// The next free ordinal of this scan in `table` (one of ours; never user input).
    private func nextOrdinal(_ table: String) throws -> Int64 {
        try Int64.fetchOne(
            db, sql: "SELECT coalesce(max(ordinal) + 1, 0) FROM \(table) WHERE scan_id = ?",
            arguments: [scanID]) ?? 0
    }
}
