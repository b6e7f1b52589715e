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
    /// earlier scan with that fingerprint: only the latest is ever read. Call it before `finishScan`, so a scan
    /// killed later leaves a state no rescan reads (`rescanState` wants a complete scan).
    public func saveRescanState(scanID: Int64, fingerprint: String, format: Int, state: Data) throws(StoreError) {
        try storeOperation("cannot record the rescan state of scan \(scanID) in \(label)") {
            try writer.write { db in
                try db.execute(
                    sql: "DELETE FROM rescan_states WHERE fingerprint = ? AND scan_id <> ?",
                    arguments: [fingerprint, scanID])
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

    /// The state of the latest complete scan with this fingerprint, or nil.
    public func rescanState(fingerprint: String) throws(StoreError) -> RescanState? {
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
                return RescanState(scanID: row[0], format: row[1], state: row[2])
            }
        }
    }
}
