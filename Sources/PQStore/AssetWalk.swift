import Foundation

/// Which assets `InventoryStore.forEachAsset(scanID:walk:_:)` hands over, in which order, with which findings.
/// Both orders are byte orders of the ids (SQLite's BINARY, PostgreSQL's `COLLATE "C"`), so a caller can merge
/// them with other id-ordered output without holding the assets.
public enum AssetWalk: Sendable {
    /// The certificate assets by id, each with every finding that names it.
    case certificates
    /// The keys by key id: every asset that is not a certificate (its id is its key id) with every finding that
    /// names it, followed by the certificates (with details) whose subject public key it is, and then the
    /// certificates whose key has no asset of its own, all grouped by key id (a certificate's `publicKeyID`),
    /// the key's own asset before its certificates, those by id; a certificate comes with its public-key
    /// findings only.
    case keys
}

/// The one query behind `forEachAsset`, for both backends: each asset's row (`walk_part` 0) followed by the
/// rows of the findings naming it (`walk_part` 1), as one sorted union. Driven by the findings, not by a join
/// from each asset: SQLite has no index on `findings.asset_id`, and a join would scan the scan's findings once
/// per asset; one sort of the findings that name assets costs what the walk does.
enum AssetWalkSQL {
    enum Dialect {
        case sqlite
        case postgres
    }

    /// `scan`: the scan id as SQL (a placeholder, or a literal for PostgreSQL's cursors); it is used twice.
    static func query(_ walk: AssetWalk, scan: String, dialect: Dialect) -> String {
        let rows = ScanRowsSQL.rowsOf(scan)
        let collate = dialect == .postgres ? " COLLATE \"C\"" : ""
        let nullsFirst = dialect == .postgres ? " NULLS FIRST" : ""
        let key: String
        let assetFilter: String
        let findingFilter: String
        switch walk {
        case .certificates:
            key = "assets.id"
            assetFilter = "assets.kind = 'certificate'"
            findingFilter = "assets.kind = 'certificate'"
        case .keys:
            key = "CASE WHEN assets.kind = 'certificate' THEN certificates.public_key_id ELSE assets.id END"
            assetFilter = "(assets.kind <> 'certificate' OR certificates.asset_id IS NOT NULL)"
            findingFilter =
                "(assets.kind <> 'certificate' OR (certificates.asset_id IS NOT NULL AND findings.usage = 'public-key'))"
        }
        let walkColumns = """
            (\(key))\(collate) AS walk_key, assets.kind = 'certificate' AS walk_certificate, \
            assets.id\(collate) AS walk_asset
            """
        let assetColumns = """
            assets.kind AS a_kind, assets.algorithm AS a_algorithm, assets.canonical AS a_canonical, \
            assets.oid AS a_oid, assets.key_bits AS a_key_bits, assets.curve AS a_curve, \
            certificates.asset_id AS c_asset_id, certificates.subject AS c_subject, certificates.issuer AS c_issuer, \
            certificates.serial AS c_serial, certificates.not_before AS c_not_before, \
            certificates.not_after AS c_not_after, certificates.signature_oid AS c_signature_oid, \
            certificates.signature_algorithm AS c_signature_algorithm, \
            certificates.public_key_oid AS c_public_key_oid, certificates.sha256 AS c_sha256, \
            certificates.public_key_id AS c_public_key_id, certificates.is_ca AS c_is_ca, \
            certificates.self_signed AS c_self_signed, keys.asset_id AS k_asset_id, keys.format AS k_format, \
            keys.is_private AS k_is_private, keys.encrypted AS k_encrypted
            """
        let assetNulls = Array(repeating: "NULL", count: 23).joined(separator: ", ")
        let findingColumns = """
            findings.scan_id, findings.file_id, findings.ordinal, findings.line, findings.source, \
            findings.setting, findings.usage, findings.algorithm, findings.canonical, findings.oid, \
            findings.key_bits, findings.curve, findings.quantum_status, findings.context, findings.effective, \
            findings.origin, findings.asset_id, findings.note, files.path AS file_path
            """
        // A union takes its column names from its first part.
        let findingNulls = [
            "scan_id", "file_id", "ordinal", "line", "source", "setting", "usage", "algorithm", "canonical", "oid",
            "key_bits", "curve", "quantum_status", "context", "effective", "origin", "asset_id", "note", "file_path",
        ].map { "NULL AS \($0)" }.joined(separator: ", ")
        return """
            SELECT \(walkColumns), 0 AS walk_part, \(assetColumns), \(findingNulls)
            FROM scan_assets
            JOIN assets ON assets.id = scan_assets.asset_id
            LEFT JOIN certificates ON certificates.asset_id = assets.id
            LEFT JOIN keys ON keys.asset_id = assets.id
            WHERE scan_assets.scan_id = \(rows) AND \(assetFilter)
            UNION ALL
            SELECT \(walkColumns), 1 AS walk_part, \(assetNulls), \(findingColumns)
            FROM findings
            JOIN files ON files.id = findings.file_id
            JOIN assets ON assets.id = findings.asset_id
            LEFT JOIN certificates ON certificates.asset_id = assets.id
            WHERE findings.scan_id = \(rows) AND \(findingFilter)
            ORDER BY walk_key, walk_certificate, walk_asset, walk_part, file_path, line\(nullsFirst), ordinal
            """
    }
}
