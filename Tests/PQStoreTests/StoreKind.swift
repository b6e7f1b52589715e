import Foundation
import PQTestSupport
import PostgresNIO
import Testing

@testable import PQStore

/// The backends the store's tests run against: SQLite always, PostgreSQL when `PostgresTestServer` has one.
enum StoreKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres

    var testDescription: String { rawValue }

    /// The backends present on this machine; says once on stderr when PostgreSQL is left out, and why.
    static let available: [StoreKind] = {
        guard PostgresTestServer.shared != nil else {
            FileHandle.standardError.write(
                Data("PQStoreTests: PostgreSQL store tests skipped: \(PostgresTestServer.unavailableReason)\n".utf8))
            return [.sqlite]
        }
        return [.sqlite, .postgres]
    }()

    /// A new, empty store of this kind: in memory for SQLite, a database of its own for PostgreSQL.
    func make() throws -> InventoryStore {
        switch self {
        case .sqlite: return try InventoryStore.inMemory()
        case .postgres: return try InventoryStore(postgresURL: try Self.freshURL())
        }
    }

    static func freshURL() throws -> String {
        guard let server = PostgresTestServer.shared else {
            throw StoreError(code: "test.no-postgres", reason: PostgresTestServer.unavailableReason)
        }
        return try server.freshDatabaseURL()
    }
}

extension InventoryStore {
    /// The PostgreSQL session of a PostgreSQL store (tests look inside it); nil for SQLite.
    var postgresSession: PostgresSession? { (backend as? PostgresStore)?.session }
}
