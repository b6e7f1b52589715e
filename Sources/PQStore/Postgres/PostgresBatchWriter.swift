import Foundation
import PQModel
import PostgresNIO

/// Writes one `ScanBatch` inside the caller's PostgreSQL transaction, with the rules `BatchWriter` keeps for SQLite:
/// assets upserted (first sighting wins, later ones fill in unknowns; a private key wins over its public half), files first (an included file met twice
/// keeps its first row), every finding's path known in this scan, every finding's asset recorded.
///
/// Each table's rows go as one `INSERT ... SELECT * FROM unnest($1::bigint[], $2::text[], ...)` per
/// `PostgresStore.rowsPerStatement` rows, every column bound as one array (`PostgresArrayColumn`): a batch of 10,000
/// findings is one short statement of 18 parameters, which the server parses and plans once.
struct PostgresBatchWriter {
    let session: PostgresSession
    let scanID: Int64

    /// A column of an insert: its name and the type of its values.
    typealias Column = (name: String, element: PostgresArrayColumn.Element)

    func write(_ batch: ScanBatch) throws {
        try writeAssets(batch.output.assets)
        let fileIDs = try writeFiles(batch)
        var reused = batch.reused ?? ReusedRows(scanID: scanID)
        if batch.reused != nil {
            // The earlier scan may share another's rows (`ScanRowsSQL`): copy from where they lie.
            let rows = try session.query("SELECT \(ScanRowsSQL.rowsOf("$1")) AS id", [.int(reused.scanID)])
            if let id = try rows.first?.makeRandomAccess().value("id", as: Int64?.self) ?? nil { reused.scanID = id }
        }
        try copyFiles(reused)
        try linkReferencedAssets(batch)
        try writeFindings(batch.output.findings, fileIDs: fileIDs, reused: reused)
        try writeDiagnostics(batch.output.diagnostics, reused: reused)
        try writeSoftware(batch.output.software, reused: reused)
        try writeAliases(batch.aliases)
    }

    /// Inserts `rows` into `table` in statements of at most `PostgresStore.rowsPerStatement` rows, each followed by
    /// `suffix` (an ON CONFLICT or RETURNING clause); returns every row the statements return.
    ///
    /// A statement PostgreSQL refuses is tried again row by row, to a savepoint each, so the error names the row
    /// (`name`, as SQLite's row-by-row writer names it: "file etc/x", "finding at etc/y:3"). Only a failing batch
    /// pays for that; its transaction is rolled back anyway.
    @discardableResult
    func insert(
        _ table: String, _ columns: [Column], _ rows: [[PostgresValue]], suffix: String = "",
        name: (Int) -> String
    ) throws -> [PostgresRandomAccessRowBox] {
        let sql = Self.statement(table, columns, suffix: suffix)
        var returned: [PostgresRandomAccessRowBox] = []
        var start = 0
        while start < rows.count {
            let chunk = rows[start..<min(rows.count, start + PostgresStore.rowsPerStatement)]
            try session.query("SAVEPOINT pqscout_chunk")
            do {
                returned += try run(sql, columns, chunk)
            } catch {
                try session.query("ROLLBACK TO SAVEPOINT pqscout_chunk")
                for index in chunk.indices {
                    do {
                        _ = try run(sql, columns, rows[index...index])
                    } catch {
                        throw PostgresSession.storeError(error, context: name(index))
                    }
                }
                throw PostgresSession.storeError(error, context: "\(table) rows \(start)..<\(start + chunk.count)")
            }
            start += chunk.count
        }
        return returned
    }

    /// `INSERT INTO table (a, b) SELECT * FROM unnest($1::bigint[], $2::text[]) suffix`: its text does not depend
    /// on how many rows it carries.
    static func statement(_ table: String, _ columns: [Column], suffix: String) -> String {
        let names = columns.map(\.name).joined(separator: ", ")
        let arrays = columns.enumerated().map { "$\($0.offset + 1)::\($0.element.element.sqlArrayType)" }
        return "INSERT INTO \(table) (\(names)) SELECT * FROM unnest(\(arrays.joined(separator: ", "))) \(suffix)"
    }

    private func run(
        _ sql: String, _ columns: [Column], _ chunk: ArraySlice<[PostgresValue]>
    ) throws -> [PostgresRandomAccessRowBox] {
        var arrays = columns.map { PostgresArrayColumn($0.element, capacity: chunk.count) }
        for row in chunk {
            for index in arrays.indices { arrays[index].append(row[index]) }
        }
        return try session.query(sql, arrays.map { .column($0) }).map {
            PostgresRandomAccessRowBox(row: $0.makeRandomAccess())
        }
    }

    // MARK: - Assets

    private func writeAssets(_ assets: [Asset]) throws {
        guard !assets.isEmpty else { return }
        // One row per id (a statement may not upsert one row twice), merged as SQLite's row-by-row upsert merges
        // them; in id order, so concurrent scans sharing assets lock them in the same order.
        var merged: [String: Asset] = [:]
        for asset in assets {
            guard var first = merged[asset.id] else {
                merged[asset.id] = asset
                continue
            }
            first.canonical = first.canonical ?? asset.canonical
            first.oid = first.oid ?? asset.oid
            first.keyBits = first.keyBits ?? asset.keyBits
            first.curve = first.curve ?? asset.curve
            first.certificate = first.certificate ?? asset.certificate
            first.key = first.key ?? asset.key
            // A key pair's private half wins over its public half, as in SQLite's upsert.
            if first.kind == .publicKey, asset.kind == .privateKey {
                first.kind = .privateKey
                first.key = asset.key ?? first.key
            }
            merged[asset.id] = first
        }
        let sorted = merged.values.sorted { Array($0.id.utf8).lexicographicallyPrecedes(Array($1.id.utf8)) }
        try insert(
            "assets",
            [
                ("id", .text), ("kind", .text), ("algorithm", .text), ("canonical", .text), ("oid", .text),
                ("key_bits", .int8), ("curve", .text),
            ],
            sorted.map {
                [
                    .text($0.id), .text($0.kind.rawValue), .text($0.algorithm), PostgresValue($0.canonical),
                    PostgresValue($0.oid), PostgresValue($0.keyBits), PostgresValue($0.curve),
                ]
            },
            suffix: """
                ON CONFLICT (id) DO UPDATE SET
                    kind = CASE WHEN assets.kind = 'public-key' AND excluded.kind = 'private-key' THEN excluded.kind
                        ELSE assets.kind END,
                    canonical = coalesce(assets.canonical, excluded.canonical),
                    oid = coalesce(assets.oid, excluded.oid), key_bits = coalesce(assets.key_bits, excluded.key_bits),
                    curve = coalesce(assets.curve, excluded.curve)
                """, name: { "asset \(sorted[$0].id)" })
        let certificates: [[PostgresValue]] = sorted.compactMap { asset in
            guard let c = asset.certificate else { return nil }
            return [
                .text(asset.id), .text(c.subject), .text(c.issuer), .text(c.serial),
                .text(StoreDate.format(c.notBefore)),
                .text(StoreDate.format(c.notAfter)), .text(c.signatureOID), PostgresValue(c.signatureAlgorithm),
                .text(c.publicKeyOID), .text(c.sha256), .text(c.publicKeyID), c.isCA.map { PostgresValue($0) } ?? .null,
                PostgresValue(c.selfSigned),
            ]
        }
        if !certificates.isEmpty {
            try insert(
                "certificates",
                [
                    ("asset_id", .text), ("subject", .text), ("issuer", .text), ("serial", .text),
                    ("not_before", .text), ("not_after", .text), ("signature_oid", .text),
                    ("signature_algorithm", .text), ("public_key_oid", .text), ("sha256", .text),
                    ("public_key_id", .text), ("is_ca", .int8), ("self_signed", .int8),
                ], certificates, suffix: "ON CONFLICT (asset_id) DO NOTHING", name: { "certificate row \($0)" })
        }
        let keys: [[PostgresValue]] = sorted.compactMap { asset in
            guard let k = asset.key else { return nil }
            return [.text(asset.id), .text(k.format), PostgresValue(k.isPrivate), PostgresValue(k.encrypted)]
        }
        if !keys.isEmpty {
            try insert(
                "keys", [("asset_id", .text), ("format", .text), ("is_private", .int8), ("encrypted", .int8)], keys,
                suffix: """
                    ON CONFLICT (asset_id) DO UPDATE SET format = excluded.format, is_private = excluded.is_private,
                        encrypted = excluded.encrypted
                    WHERE keys.is_private = 0 AND excluded.is_private = 1
                    """,
                name: { "key row \($0)" })
        }
        try link(sorted.map(\.id))
    }

    private func link(_ assetIDs: [String]) throws {
        guard !assetIDs.isEmpty else { return }
        try insert(
            "scan_assets", [("scan_id", .int8), ("asset_id", .text)], assetIDs.map { [.int(scanID), .text($0)] },
            suffix: "ON CONFLICT DO NOTHING", name: { "asset \(assetIDs[$0])" })
    }

    /// Links to this scan every asset a finding names, and refuses a name no batch has recorded.
    private func linkReferencedAssets(_ batch: ScanBatch) throws {
        let named = batch.assetsNamedElsewhere
        guard !named.isEmpty else { return }
        var known: Set<String> = []
        for row in try session.query("SELECT id FROM assets WHERE id = ANY($1)", [.textArray(named)]) {
            known.insert(try row.makeRandomAccess().value("id", as: String.self))
        }
        if let missing = named.first(where: { !known.contains($0) }) {
            let path = batch.output.findings.first { $0.asset == missing }?.path.display ?? "?"
            throw StoreError(
                code: StoreError.unknownAsset,
                reason: "a finding in \(path) names asset \(missing), which no batch has recorded")
        }
        try link(named.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
    }

    // MARK: - Files and findings

    /// Inserts the batch's files and returns the row id of every path the batch's findings name, whether recorded
    /// now or by an earlier batch of this scan.
    private func writeFiles(_ batch: ScanBatch) throws -> [[UInt8]: Int64] {
        var ids: [[UInt8]: Int64] = [:]
        if !batch.files.isEmpty {
            let returned = try insert(
                "files",
                [
                    ("scan_id", .int8), ("path", .bytea), ("path_display", .text), ("size", .int8),
                    ("modified_at", .text), ("sha256", .text),
                ],
                batch.files.map {
                    [
                        .int(scanID), .bytes($0.path.bytes), .text($0.path.display), .int($0.size),
                        .text(StoreDate.format($0.modified)), .text($0.sha256),
                    ]
                }, suffix: "ON CONFLICT (scan_id, path) DO NOTHING RETURNING id, path",
                name: { "file \(batch.files[$0].path.display)" })
            for box in returned { ids[try box.row.bytes("path")] = try box.row.value("id", as: Int64.self) }
        }
        // Paths already recorded (an earlier batch, or a duplicate the insert skipped): one lookup for all.
        var missing: Set<[UInt8]> = []
        for file in batch.files where ids[file.path.bytes] == nil { missing.insert(file.path.bytes) }
        for finding in batch.output.findings where ids[finding.path.bytes] == nil { missing.insert(finding.path.bytes) }
        guard !missing.isEmpty else { return ids }
        let hex = missing.map(PostgresValue.hexText)
        for row in try session.query(
            "SELECT id, path FROM files WHERE scan_id = $1 AND path = ANY(SELECT decode(h, 'hex') FROM unnest($2) AS h)",
            [.int(scanID), .textArray(hex)])
        {
            let r = row.makeRandomAccess()
            ids[try r.bytes("path")] = try r.value("id", as: Int64.self)
        }
        return ids
    }

    private func writeFindings(_ findings: [Finding], fileIDs: [[UInt8]: Int64], reused: ReusedRows) throws {
        guard !findings.isEmpty || !reused.findings.isEmpty else { return }
        var plan = OrdinalPlan(first: try nextOrdinal("findings"), spans: reused.findings)
        var rows: [[PostgresValue]] = []
        rows.reserveCapacity(findings.count)
        for (index, finding) in findings.enumerated() {
            guard let fileID = fileIDs[finding.path.bytes] else {
                throw StoreError(
                    code: StoreError.unknownFile,
                    reason: "finding in \(finding.path.display) has no file record in scan \(scanID)")
            }
            rows.append([
                .int(scanID), .int(fileID), .int(plan.ordinal(at: index)), PostgresValue(finding.line),
                .text(finding.source.rawValue),
                .text(finding.setting), .text(finding.usage.rawValue), .text(finding.algorithm),
                PostgresValue(finding.canonical), PostgresValue(finding.oid), PostgresValue(finding.keyBits),
                PostgresValue(finding.curve), .text(finding.quantumStatus.rawValue), PostgresValue(finding.context),
                PostgresValue(finding.effective), .text(finding.origin.rawValue), PostgresValue(finding.asset),
                PostgresValue(finding.note),
            ])
        }
        try insert(
            "findings",
            [
                ("scan_id", .int8), ("file_id", .int8), ("ordinal", .int8), ("line", .int8), ("source", .text),
                ("setting", .text), ("usage", .text), ("algorithm", .text), ("canonical", .text), ("oid", .text),
                ("key_bits", .int8), ("curve", .text), ("quantum_status", .text), ("context", .text),
                ("effective", .int8), ("origin", .text), ("asset_id", .text), ("note", .text),
            ], rows,
            name: { "finding at \(findings[$0].path.display)\(findings[$0].line.map { ":\($0)" } ?? "")" })
        // A copied finding's file is the row of its path in this scan (`copyFiles` made sure there is one).
        try copy(
            plan.copies(), from: reused.scanID, table: "findings",
            sql: """
                INSERT INTO findings (scan_id, ordinal, file_id, line, source, setting, usage, algorithm, canonical,
                    oid, key_bits, curve, quantum_status, context, effective, origin, asset_id, note)
                SELECT $1, f.ordinal - $3 + $5, n.id, f.line, f.source, f.setting, f.usage, f.algorithm,
                    f.canonical, f.oid, f.key_bits, f.curve, f.quantum_status, f.context, f.effective, f.origin,
                    f.asset_id, f.note
                FROM findings f JOIN files o ON o.id = f.file_id JOIN files n ON n.scan_id = $1 AND n.path = o.path
                WHERE f.scan_id = $2 AND f.ordinal >= $3 AND f.ordinal < $3 + $4 ORDER BY f.ordinal
                """)
    }

    // MARK: - Reused rows

    /// Copies the file rows of the reused files from the earlier scan (a path already recorded in this scan keeps
    /// its row), refreshes those whose metadata moved, and links the reused files' assets: as SQLite's writer.
    private func copyFiles(_ reused: ReusedRows) throws {
        guard !reused.isEmpty else { return }
        if !reused.files.isEmpty {
            var paths = PostgresArrayColumn(.bytea, capacity: reused.files.count)
            for path in reused.files { paths.append(.bytes(path.bytes)) }
            try session.query(
                """
                INSERT INTO files (scan_id, path, path_display, size, modified_at, sha256)
                SELECT $1, o.path, o.path_display, o.size, o.modified_at, o.sha256
                FROM unnest($3::bytea[]) WITH ORDINALITY AS r(path, position)
                    JOIN files o ON o.scan_id = $2 AND o.path = r.path
                ORDER BY r.position
                ON CONFLICT (scan_id, path) DO NOTHING
                """, [.int(scanID), .int(reused.scanID), .column(paths)])
        }
        if !reused.refreshed.isEmpty {
            var paths = PostgresArrayColumn(.bytea, capacity: reused.refreshed.count)
            var sizes = PostgresArrayColumn(.int8, capacity: reused.refreshed.count)
            var modified = PostgresArrayColumn(.text, capacity: reused.refreshed.count)
            var digests = PostgresArrayColumn(.text, capacity: reused.refreshed.count)
            for file in reused.refreshed {
                paths.append(.bytes(file.path.bytes))
                sizes.append(.int(file.size))
                modified.append(.text(StoreDate.format(file.modified)))
                digests.append(.text(file.sha256))
            }
            try session.query(
                """
                UPDATE files SET size = r.size, modified_at = r.modified, sha256 = r.sha256
                FROM unnest($2::bytea[], $3::bigint[], $4::text[], $5::text[]) AS r(path, size, modified, sha256)
                WHERE files.scan_id = $1 AND files.path = r.path
                """, [.int(scanID), .column(paths), .column(sizes), .column(modified), .column(digests)])
        }
        guard !reused.assets.isEmpty else { return }
        var known: Set<String> = []
        for row in try session.query("SELECT id FROM assets WHERE id = ANY($1)", [.textArray(reused.assets)]) {
            known.insert(try row.makeRandomAccess().value("id", as: String.self))
        }
        if let missing = reused.assets.first(where: { !known.contains($0) }) {
            throw StoreError(
                code: StoreError.unknownAsset,
                reason: "scan \(reused.scanID) names asset \(missing), which the store no longer holds")
        }
        try link(reused.assets.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
    }

    /// Runs `sql` once per copy, bound to $1 this scan, $2 the earlier scan, $3 the first ordinal copied, $4 the
    /// count and $5 the first ordinal here; refuses a copy that finds fewer rows than the earlier scan's state
    /// promised (a damaged or pruned scan).
    private func copy(_ copies: [OrdinalPlan.Copy], from source: Int64, table: String, sql: String) throws {
        for copy in copies {
            let copied =
                try session.query(
                    "WITH copied AS (\(sql) RETURNING 1) SELECT count(*) AS rows FROM copied",
                    [.int(scanID), .int(source), .int(copy.first), .int(copy.count), .int(copy.target)]
                ).first?.makeRandomAccess().value("rows", as: Int64.self) ?? 0
            guard copied == copy.count else {
                throw StoreError(
                    code: StoreError.unknownFile,
                    reason: "scan \(source) holds \(copied) of the \(copy.count) \(table) from ordinal \(copy.first) "
                        + "that its rescan state names")
            }
        }
    }

    // MARK: - Diagnostics, software, aliases

    private func writeDiagnostics(_ diagnostics: [Diagnostic], reused: ReusedRows) throws {
        guard !diagnostics.isEmpty || !reused.diagnostics.isEmpty else { return }
        var plan = OrdinalPlan(first: try nextOrdinal("diagnostics"), spans: reused.diagnostics)
        let ordinals = diagnostics.indices.map { plan.ordinal(at: $0) }
        try insert(
            "diagnostics",
            [
                ("scan_id", .int8), ("ordinal", .int8), ("path", .bytea), ("path_display", .text),
                ("reason", .text), ("detail", .text),
            ],
            diagnostics.enumerated().map { index, diagnostic in
                [
                    .int(scanID), .int(ordinals[index]), .bytes(diagnostic.path.bytes),
                    .text(diagnostic.path.display), .text(diagnostic.reason.rawValue), .text(diagnostic.detail),
                ]
            }, name: { "diagnostic for \(diagnostics[$0].path.display)" })
        try copy(
            plan.copies(), from: reused.scanID, table: "diagnostics",
            sql: """
                INSERT INTO diagnostics (scan_id, ordinal, path, path_display, reason, detail)
                SELECT $1, ordinal - $3 + $5, path, path_display, reason, detail FROM diagnostics
                WHERE scan_id = $2 AND ordinal >= $3 AND ordinal < $3 + $4 ORDER BY ordinal
                """)
    }

    private func writeSoftware(_ software: [Software], reused: ReusedRows) throws {
        guard !software.isEmpty || !reused.software.isEmpty else { return }
        var plan = OrdinalPlan(first: try nextOrdinal("software"), spans: reused.software)
        let ordinals = software.indices.map { plan.ordinal(at: $0) }
        try insert(
            "software",
            [
                ("scan_id", .int8), ("ordinal", .int8), ("name", .text), ("version", .text),
                ("source_path", .bytea), ("source_path_display", .text),
            ],
            software.enumerated().map { index, package in
                [
                    .int(scanID), .int(ordinals[index]), .text(package.name), .text(package.version),
                    .bytes(package.sourcePath.bytes), .text(package.sourcePath.display),
                ]
            }, name: { "software \(software[$0].name) \(software[$0].version)" })
        try copy(
            plan.copies(), from: reused.scanID, table: "software",
            sql: """
                INSERT INTO software (scan_id, ordinal, name, version, source_path, source_path_display)
                SELECT $1, ordinal - $3 + $5, name, version, source_path, source_path_display FROM software
                WHERE scan_id = $2 AND ordinal >= $3 AND ordinal < $3 + $4 ORDER BY ordinal
                """)
    }

    private func writeAliases(_ aliases: [PathAlias]) throws {
        guard !aliases.isEmpty else { return }
        // A link met twice (two roots of one system) keeps its first row.
        try insert(
            "path_aliases",
            [
                ("scan_id", .int8), ("path", .bytea), ("path_display", .text), ("target", .bytea),
                ("target_display", .text), ("kind", .text),
            ],
            aliases.map {
                [
                    .int(scanID), .bytes($0.path.bytes), .text($0.path.display), .bytes($0.target.bytes),
                    .text($0.target.display), .text($0.kind.rawValue),
                ]
            }, suffix: "ON CONFLICT (scan_id, path) DO NOTHING", name: { "alias \(aliases[$0].path.display)" })
    }

    /// The next free ordinal of this scan in `table` (one of ours; never user input).
    private func nextOrdinal(_ table: String) throws -> Int64 {
        try session.query(
            "SELECT coalesce(max(ordinal) + 1, 0) AS next FROM \(table) WHERE scan_id = $1", [.int(scanID)]
        ).first?.makeRandomAccess().value("next", as: Int64.self) ?? 0
    }
}

/// A returned row, boxed so `insert` can hand back rows from several statements.
struct PostgresRandomAccessRowBox {
    let row: PostgresRandomAccessRow
}
