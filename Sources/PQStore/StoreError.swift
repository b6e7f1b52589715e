import Foundation
import GRDB

/// A failure of the inventory store itself: it cannot be opened, was written by a newer PQScout, or refused a write.
///
/// Bad scanned files never end here (they are `Diagnostic` values); a `StoreError` means the tool cannot keep its
/// record. `code` is stable and machine-readable (`store.newer-schema`); `reason` is the one line a user reads
/// (`cannot open store ./pqscout.db: unable to open database file`).
public struct StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable identifier, `store.<what>`. Callers branch on this, never on `reason`.
    public let code: String
    /// One line in words, without a trailing period.
    public let reason: String

    public init(code: String, reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { reason }

    // MARK: - Codes

    /// The file cannot be opened or created (missing directory, permissions).
    public static let cannotOpen = "store.cannot-open"
    /// The file is not an SQLite database, or is one that PQScout did not write.
    public static let notAStore = "store.not-a-store"
    /// The store was written by a newer PQScout: unknown migrations or a higher schema number.
    public static let newerSchema = "store.newer-schema"
    /// No scan has the given id.
    public static let noSuchScan = "store.no-such-scan"
    /// The scan was already finished; its rows are final.
    public static let scanFinished = "store.scan-finished"
    /// A finding's path has no file record in this scan.
    public static let unknownFile = "store.unknown-file"
    /// A finding names an asset that no batch recorded.
    public static let unknownAsset = "store.unknown-asset"
    /// SQLite refused a row (NOT NULL, CHECK, UNIQUE or FOREIGN KEY constraint).
    public static let constraint = "store.constraint"
    /// The store holds a value this version cannot read back.
    public static let corrupt = "store.corrupt"
    /// The database is locked by another process for longer than the busy timeout.
    public static let busy = "store.busy"
    /// The disk is full, read-only, or failed.
    public static let io = "store.io"
    /// Any other SQLite failure.
    public static let sqlite = "store.sqlite"
    /// `--db` looks like a PostgreSQL URL but is not one PQScout can use.
    public static let badURL = "store.bad-url"
    /// Any other PostgreSQL failure.
    public static let postgres = "store.postgres"
}

extension StoreError {
    /// Maps any error thrown by GRDB or the store into a `StoreError`, prefixing `context` to the reason.
    static func wrapping(_ error: any Error, context: String) -> StoreError {
        if let error = error as? StoreError { return error }
        if let error = error as? DatabaseError {
            let message = error.message ?? "\(error.resultCode)"
            let code: String
            switch error.resultCode {
            case .SQLITE_CONSTRAINT: code = constraint
            case .SQLITE_NOTADB: code = notAStore
            case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH: code = cannotOpen
            case .SQLITE_BUSY, .SQLITE_LOCKED: code = busy
            case .SQLITE_IOERR, .SQLITE_FULL, .SQLITE_READONLY: code = io
            case .SQLITE_CORRUPT: code = corrupt
            default: code = sqlite
            }
            return StoreError(code: code, reason: "\(context): \(message)")
        }
        if error is RowDecodingError || error is DecodingError {
            return StoreError(code: corrupt, reason: "\(context): unreadable row (\(error))")
        }
        return StoreError(code: sqlite, reason: "\(context): \(error)")
    }
}

/// Runs `body`, turning whatever it throws into a `StoreError` whose reason starts with `context`.
func storeOperation<T>(_ context: @autoclosure () -> String, _ body: () throws -> T) throws(StoreError) -> T {
    do {
        return try body()
    } catch {
        throw StoreError.wrapping(error, context: context())
    }
}
