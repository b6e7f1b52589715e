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
        var reused = batch.reused ?? ReusedRows(scanID: scanID)
        if batch.reused != nil {
            // The earlier scan may share another's rows (`ScanRowsSQL`): copy from where they lie.
            reused.scanID =
                try Int64.fetchOne(
                    db, sql: "SELECT \(ScanRowsSQL.rowsOf("?"))", arguments: [reused.scanID]) ?? reused.scanID
        }
        try copyFiles(reused)
        try linkReferencedAssets(batch)
        try writeFindings(batch.output.findings, fileIDs: fileIDs, reused: reused)
        try writeDiagnostics(batch.output.diagnostics, reused: reused)
        try writeSoftware(batch.output.software, reused: reused)
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

    private func writeFindings(_ findings: [Finding], fileIDs: [[UInt8]: Int64], reused: ReusedRows) throws {
        guard !findings.isEmpty || !reused.findings.isEmpty else { return }
        var plan = OrdinalPlan(first: try nextOrdinal("findings"), spans: reused.findings)
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
        for (index, finding) in findings.enumerated() {
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
            insert.bind(plan.ordinal(at: index))
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
        }
        // A copied finding's file is the row of its path in this scan (`copyFiles` made sure there is one).
        try copy(
            plan.copies(), from: reused.scanID, table: "findings",
            sql: """
                INSERT INTO findings (scan_id, ordinal, file_id, line, source, setting, usage, algorithm, canonical,
                    oid, key_bits, curve, quantum_status, context, effective, origin, asset_id, note)
                SELECT :target, f.ordinal - :first + :to, n.id, f.line, f.source, f.setting, f.usage, f.algorithm,
                    f.canonical, f.oid, f.key_bits, f.curve, f.quantum_status, f.context, f.effective, f.origin,
                    f.asset_id, f.note
                FROM findings f JOIN files o ON o.id = f.file_id JOIN files n ON n.scan_id = :target AND n.path = o.path
                WHERE f.scan_id = :source AND f.ordinal >= :first AND f.ordinal < :first + :count ORDER BY f.ordinal
                """)
    }

    // MARK: - Reused rows

    /// Copies the file rows of the reused files from the earlier scan (a path already recorded in this scan keeps
    /// its row), refreshes those whose metadata moved, and links the reused files' assets.
    private func copyFiles(_ reused: ReusedRows) throws {
        guard !reused.isEmpty else { return }
        let copy = try db.makeStatement(
            sql: """
                INSERT INTO files (scan_id, path, path_display, size, modified_at, sha256)
                SELECT ?, path, path_display, size, modified_at, sha256 FROM files WHERE scan_id = ? AND path = ?
                ON CONFLICT (scan_id, path) DO NOTHING
                """)
        for path in reused.files {
            do {
                try copy.execute(arguments: [scanID, reused.scanID, Data(path.bytes)])
            } catch {
                throw StoreError.wrapping(error, context: "file \(path.display) of scan \(reused.scanID)")
            }
        }
        let refresh = try db.makeStatement(
            sql: "UPDATE files SET size = ?, modified_at = ?, sha256 = ? WHERE scan_id = ? AND path = ?")
        for file in reused.refreshed {
            try refresh.execute(arguments: [file.size, file.modified, file.sha256, scanID, Data(file.path.bytes)])
        }
        let exists = try db.makeStatement(sql: "SELECT 1 FROM assets WHERE id = ?")
        let link = try linkStatement()
        for id in reused.assets {
            guard try Int.fetchOne(exists, arguments: [id]) != nil else {
                throw StoreError(
                    code: StoreError.unknownAsset,
                    reason: "scan \(reused.scanID) names asset \(id), which the store no longer holds")
            }
            try link.execute(arguments: [scanID, id])
        }
    }

    /// Runs `sql` once per copy, bound to `:target` (this scan), `:source`, `:first`, `:count` and `:to`; refuses a
    /// copy that finds fewer rows than the earlier scan's state promised (a damaged or pruned scan).
    private func copy(_ copies: [OrdinalPlan.Copy], from source: Int64, table: String, sql: String) throws {
        guard !copies.isEmpty else { return }
        let statement = try db.makeStatement(sql: sql)
        for copy in copies {
            try statement.execute(arguments: [
                "target": scanID, "source": source, "first": copy.first, "count": copy.count, "to": copy.target,
            ])
            guard Int64(db.changesCount) == copy.count else {
                throw StoreError(
                    code: StoreError.unknownFile,
                    reason: "scan \(source) holds \(db.changesCount) of the \(copy.count) \(table) from ordinal "
                        + "\(copy.first) that its rescan state names")
            }
        }
    }

    // MARK: - Diagnostics and software

    private func writeDiagnostics(_ diagnostics: [Diagnostic], reused: ReusedRows) throws {
        guard !diagnostics.isEmpty || !reused.diagnostics.isEmpty else { return }
        var plan = OrdinalPlan(first: try nextOrdinal("diagnostics"), spans: reused.diagnostics)
        let insert = try db.makeStatement(
            sql: """
                INSERT INTO diagnostics (scan_id, ordinal, path, path_display, reason, detail)
                VALUES (?, ?, ?, ?, ?, ?)
                """)
        for (index, diagnostic) in diagnostics.enumerated() {
            do {
                try insert.execute(arguments: [
                    scanID, plan.ordinal(at: index), Data(diagnostic.path.bytes), diagnostic.path.display,
                    diagnostic.reason.rawValue, diagnostic.detail,
                ])
            } catch {
                throw StoreError.wrapping(error, context: "diagnostic for \(diagnostic.path.display)")
            }
        }
        try copy(
            plan.copies(), from: reused.scanID, table: "diagnostics",
            sql: """
                INSERT INTO diagnostics (scan_id, ordinal, path, path_display, reason, detail)
                SELECT :target, ordinal - :first + :to, path, path_display, reason, detail FROM diagnostics
                WHERE scan_id = :source AND ordinal >= :first AND ordinal < :first + :count ORDER BY ordinal
                """)
    }

    private func writeSoftware(_ software: [Software], reused: ReusedRows) throws {
        guard !software.isEmpty || !reused.software.isEmpty else { return }
        var plan = OrdinalPlan(first: try nextOrdinal("software"), spans: reused.software)
        let insert = try db.makeStatement(
            sql: """
                INSERT INTO software (scan_id, ordinal, name, version, source_path, source_path_display)
                VALUES (?, ?, ?, ?, ?, ?)
                """)
        for (index, package) in software.enumerated() {
            do {
                try insert.execute(arguments: [
                    scanID, plan.ordinal(at: index), package.name, package.version, Data(package.sourcePath.bytes),
                    package.sourcePath.display,
                ])
            } catch {
                throw StoreError.wrapping(error, context: "software \(package.name) \(package.version)")
            }
        }
        try copy(
            plan.copies(), from: reused.scanID, table: "software",
            sql: """
                INSERT INTO software (scan_id, ordinal, name, version, source_path, source_path_display)
                SELECT :target, ordinal - :first + :to, name, version, source_path, source_path_display FROM software
                WHERE scan_id = :source AND ordinal >= :first AND ordinal < :first + :count ORDER BY ordinal
                """)
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
