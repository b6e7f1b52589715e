import Foundation
import PQModel

/// The one source of truth about algorithms, read from the bundled `algorithms.json`.
///
/// Lookups are case-insensitive over every spelling in every naming system and over OIDs.
public struct Catalog: Sendable {
    public let entries: [AlgorithmEntry]
    private let byName: [String: Int]
    private let byOID: [String: Int]
    private let token = Identity.Token()
    /// Every spelling the catalog answers to, normalised (`normalise`): what a name in a claims file or policy is
    /// checked against.
    public let knownNames: Set<String>

    /// Tells one loaded catalog from another (copies share it), so callers can remember answers derived from a
    /// catalog without comparing its entries.
    public var identity: Identity { Identity(token: token) }

    /// A catalog's identity. It holds the catalog's token, so a remembered identity can never be mistaken for a
    /// later catalog's (an `ObjectIdentifier` alone may be reused once its object is freed).
    public struct Identity: Hashable, Sendable {
        final class Token: Sendable {}
        let token: Token

        public static func == (lhs: Identity, rhs: Identity) -> Bool { lhs.token === rhs.token }
        public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(token)) }
    }

    /// The bundled catalog, loaded once.
    public static let shared: Catalog = {
        do {
            return try Catalog.bundled()
        } catch {
            // The resource ships inside the binary's bundle; failing here is a packaging fault, not input.
            preconditionFailure("PQCatalog: bundled algorithms.json is unreadable: \(error)")
        }
    }()

    public static func bundled() throws -> Catalog {
        guard let url = Bundle.module.url(forResource: "algorithms", withExtension: "json") else {
            throw CatalogError(code: "catalog.missing", reason: "algorithms.json is not in the bundle")
        }
        return try Catalog(json: Data(contentsOf: url))
    }

    public init(json: Data) throws {
        let file = try JSONDecoder().decode(CatalogFile.self, from: json)
        try self.init(entries: file.algorithms)
    }

    public init(entries: [AlgorithmEntry]) throws {
        var byName: [String: Int] = [:]
        var byOID: [String: Int] = [:]
        for (index, entry) in entries.enumerated() {
            for name in [entry.canonical] + entry.names.all {
                let key = Catalog.normalise(name)
                if let other = byName[key], entries[other].canonical != entry.canonical {
                    throw CatalogError(
                        code: "catalog.duplicate-name",
                        reason: "\(name) names both \(entries[other].canonical) and \(entry.canonical)")
                }
                byName[key] = index
            }
            for oid in entry.oids {
                if let other = byOID[oid], entries[other].canonical != entry.canonical {
                    throw CatalogError(
                        code: "catalog.duplicate-oid",
                        reason: "\(oid) names both \(entries[other].canonical) and \(entry.canonical)")
                }
                byOID[oid] = index
            }
        }
        self.entries = entries
        self.knownNames = Set(byName.keys)
        self.byName = byName
        self.byOID = byOID
    }

    /// The entry for a name in any naming system, or nil.
    public func entry(named name: String) -> AlgorithmEntry? {
        byName[Catalog.normalise(name)].map { entries[$0] }
    }

    /// The entry for a dotted OID, or nil.
    public func entry(oid: String) -> AlgorithmEntry? {
        byOID[oid].map { entries[$0] }
    }

    /// Looks a query up as an OID first, then as a name.
    public func entry(nameOrOID query: String) -> AlgorithmEntry? {
        entry(oid: query.trimmingCharacters(in: .whitespaces)) ?? entry(named: query)
    }

    /// The one place spellings are normalised: trimmed and lower-cased.
    ///
    /// Trimmed on the Unicode White_Space property, which is the set `.whitespacesAndNewlines` holds, without a
    /// Foundation bridge: every suite, group and key of a scan is looked up here, so this is a hot path.
    public static func normalise(_ name: String) -> String {
        let scalars = name.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last]).lowercased()
    }
}

struct CatalogFile: Codable {
    var algorithms: [AlgorithmEntry]
}

/// A catalog that cannot be loaded or is inconsistent.
public struct CatalogError: Error, Sendable, CustomStringConvertible {
    public let code: String
    public let reason: String
    public var description: String { reason }
}
