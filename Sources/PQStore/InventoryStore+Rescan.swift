import Foundation
import GRDB

extension InventoryStore {
    /// A rescan's starting point: the state a complete scan left (`rescan_states`).
    public struct RescanState: Sendable {
        public var scanID: Int64
        public var format: Int
        public var state: Data
    }

    /// Keeps `state` as what a later scan with the same `fingerprint` may reuse, and drops the state of every
    /// earlier scan with that fingerprint, with its parts: only the latest is ever read. Parts of finished scans
    /// that left no state (interrupted ones) go too. Call it before `finishScan`, so a scan killed later leaves a
    /// state no rescan reads (`rescanState` wants a complete scan).
    public func saveRescanState(scanID: Int64, fingerprint: String, format: Int, state: Data) throws(StoreError) {
        try backend.saveRescanState(scanID: scanID, fingerprint: fingerprint, format: format, state: state)
    }

    /// The state of the latest complete scan with this fingerprint, or nil.
    public func rescanState(fingerprint: String) throws(StoreError) -> RescanState? {
        try backend.rescanState(fingerprint: fingerprint)
    }

    /// Records the running scan `target` with the rows of the complete scan `source` (migration
    /// `v8-shared-scan-rows`): a rescan of a tree in which nothing changed is the same complete scan, and sharing
    /// its rows instead of copying them keeps the rescan within a few percent of the scan (issue 20: copying the 50k
    /// benchmark tree's 1.78 million finding rows took most of the rescan). Every reader sees the same rows under
    /// either id; deleting `source` moves its rows to the oldest scan sharing them.
    /// - Throws: `StoreError` `store.no-such-scan` for either, `store.scan-finished` for `target`, and
    ///   `store.constraint` when `target` already holds rows of its own.
    public func shareScanRows(from source: Int64, to target: Int64) throws(StoreError) {
        try backend.shareScanRows(from: source, to: target)
    }

    /// Keeps one part of a running scan's state (migration `v7-rescan-state-parts`); parts are numbered from 0 in
    /// the order a rescan reads them.
    public func saveRescanStatePart(scanID: Int64, part: Int, bytes: [UInt8]) throws(StoreError) {
        try backend.saveRescanStatePart(scanID: scanID, part: part, bytes: bytes)
    }

    /// One part of a scan's state, or nil past the last.
    public func rescanStatePart(scanID: Int64, part: Int) throws(StoreError) -> [UInt8]? {
        try backend.rescanStatePart(scanID: scanID, part: part)
    }

    /// Gives the running scan `target` the state parts of scan `source`, in SQL: a rescan in which nothing changed
    /// leaves the same state as the scan it copied.
    public func copyRescanStateParts(from source: Int64, to target: Int64) throws(StoreError) {
        try backend.copyRescanStateParts(from: source, to: target)
    }
}

extension SQLiteStore {
    func saveRescanState(scanID: Int64, fingerprint: String, format: Int, state: Data) throws(StoreError) {
        try storeOperation("cannot record the rescan state of scan \(scanID) in \(label)") {
            try writer.write { db in
                try db.execute(
                    sql: """
                        DELETE FROM rescan_state_parts WHERE scan_id IN (
                            SELECT scan_id FROM rescan_states WHERE fingerprint = ? AND scan_id <> ?);
                        DELETE FROM rescan_states WHERE fingerprint = ? AND scan_id <> ?;
                        DELETE FROM rescan_state_parts WHERE scan_id <> ? AND scan_id IN (
                            SELECT id FROM scans WHERE finished_at IS NOT NULL
                            AND id NOT IN (SELECT scan_id FROM rescan_states));
                        """,
                    arguments: [fingerprint, scanID, fingerprint, scanID, scanID])
                try db.execute(
                    sql: """
                        INSERT INTO rescan_states (scan_id, fingerprint, format, state) VALUES (?, ?, ?, ?)
                        ON CONFLICT (scan_id) DO UPDATE SET fingerprint = excluded.fingerprint,
                            format = excluded.format, state = excluded.state
                        """,
                    arguments: [scanID, fingerprint, format, state])
            }
        }
    }

    func rescanState(fingerprint: String) throws(StoreError) -> InventoryStore.RescanState? {
        try storeOperation("cannot read rescan states from \(label)") {
            try writer.read { db in
                guard
                    let row = try Row.fetchOne(
                        db,
                        sql: """
                            SELECT r.scan_id, r.format, r.state FROM rescan_states r JOIN scans s ON s.id = r.scan_id
                            WHERE r.fingerprint = ? AND s.status = 'complete' ORDER BY r.scan_id DESC LIMIT 1
                            """,
                        arguments: [fingerprint])
                else { return nil }
                return InventoryStore.RescanState(scanID: row[0], format: row[1], state: row[2])
            }
        }
    }

    func shareScanRows(from source: Int64, to target: Int64) throws(StoreError) {
        try storeOperation("cannot record scan \(target) with the rows of scan \(source) in \(label)") {
            try writer.write { db in
                try Self.requireRunning(db, scanID: target)
                guard
                    let rows = try Int64.fetchOne(
                        db, sql: "SELECT coalesce(rows_of, id) FROM scans WHERE id = ?", arguments: [source])
                else {
                    throw StoreError(code: StoreError.noSuchScan, reason: "there is no scan \(source)")
                }
                let ownRows = try Bool.fetchOne(
                    db,
                    sql: """
                        SELECT EXISTS (SELECT 1 FROM files WHERE scan_id = :id)
                            OR EXISTS (SELECT 1 FROM findings WHERE scan_id = :id)
                            OR EXISTS (SELECT 1 FROM diagnostics WHERE scan_id = :id)
                            OR EXISTS (SELECT 1 FROM software WHERE scan_id = :id)
                            OR EXISTS (SELECT 1 FROM scan_assets WHERE scan_id = :id)
                            OR EXISTS (SELECT 1 FROM path_aliases WHERE scan_id = :id)
                        """, arguments: ["id": target])
                guard ownRows == false else {
                    throw StoreError(
                        code: StoreError.constraint,
                        reason: "scan \(target) already holds rows of its own; it cannot share those of scan \(source)")
                }
                try db.execute(sql: "UPDATE scans SET rows_of = ? WHERE id = ?", arguments: [rows, target])
            }
        }
    }

    /// Before scan `id` is deleted: the oldest scan sharing its rows receives a copy of them (in SQL, ordinals and
    /// order kept, file ids its own), and the other sharers share that scan's rows instead.
    static func handOverSharedRows(_ db: Database, of id: Int64) throws {
        guard
            let heir = try Int64.fetchOne(db, sql: "SELECT min(id) FROM scans WHERE rows_of = ?", arguments: [id])
        else { return }
        let arguments: StatementArguments = ["source": id, "target": heir]
        try db.execute(
            sql: """
                INSERT INTO files (scan_id, path, path_display, size, modified_at, sha256)
                SELECT :target, path, path_display, size, modified_at, sha256 FROM files
                WHERE scan_id = :source ORDER BY id;
                INSERT INTO scan_assets (scan_id, asset_id)
                SELECT :target, asset_id FROM scan_assets WHERE scan_id = :source;
                INSERT INTO findings (scan_id, ordinal, file_id, line, source, setting, usage, algorithm,
                    canonical, oid, key_bits, curve, quantum_status, context, effective, origin, asset_id, note)
                SELECT :target, f.ordinal, n.id, f.line, f.source, f.setting, f.usage, f.algorithm,
                    f.canonical, f.oid, f.key_bits, f.curve, f.quantum_status, f.context, f.effective,
                    f.origin, f.asset_id, f.note
                FROM findings f JOIN files o ON o.id = f.file_id
                    JOIN files n ON n.scan_id = :target AND n.path = o.path
                WHERE f.scan_id = :source ORDER BY f.ordinal;
                INSERT INTO diagnostics (scan_id, ordinal, path, path_display, reason, detail)
                SELECT :target, ordinal, path, path_display, reason, detail FROM diagnostics
                WHERE scan_id = :source;
                INSERT INTO software (scan_id, ordinal, name, version, source_path, source_path_display)
                SELECT :target, ordinal, name, version, source_path, source_path_display FROM software
                WHERE scan_id = :source;
                INSERT INTO path_aliases (scan_id, path, path_display, target, target_display, kind)
                SELECT :target, path, path_display, target, target_display, kind FROM path_aliases
                WHERE scan_id = :source;
                UPDATE scans SET rows_of = CASE WHEN id = :target THEN NULL ELSE :target END
                WHERE rows_of = :source;
                """, arguments: arguments)
    }

    func saveRescanStatePart(scanID: Int64, part: Int, bytes: [UInt8]) throws(StoreError) {
        try storeOperation("cannot record the rescan state of scan \(scanID) in \(label)") {
            try writer.write { db in
                try db.execute(
                    sql: "INSERT OR REPLACE INTO rescan_state_parts (scan_id, part, bytes) VALUES (?, ?, ?)",
                    arguments: [scanID, part, Data(bytes)])
            }
        }
    }

    func rescanStatePart(scanID: Int64, part: Int) throws(StoreError) -> [UInt8]? {
        try storeOperation("cannot read the rescan state of scan \(scanID) from \(label)") {
            try writer.read { db in
                try Data.fetchOne(
                    db, sql: "SELECT bytes FROM rescan_state_parts WHERE scan_id = ? AND part = ?",
                    arguments: [scanID, part]
                ).map { Array($0) }
            }
        }
    }

    func copyRescanStateParts(from source: Int64, to target: Int64) throws(StoreError) {
        try storeOperation("cannot copy the rescan state of scan \(source) into scan \(target) in \(label)") {
            try writer.write { db in
                try db.execute(
                    sql: """
                        INSERT OR REPLACE INTO rescan_state_parts (scan_id, part, bytes)
                        SELECT ?, part, bytes FROM rescan_state_parts WHERE scan_id = ? ORDER BY part
                        """,
                    arguments: [target, source])
            }
        }
    }
}
