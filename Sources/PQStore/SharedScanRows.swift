/// The SQL that reads a scan's rows where they are (migration `v8-shared-scan-rows`): a rescan in which nothing
/// changed shares the rows of the scan it repeats instead of copying them, so a scan's findings, files, asset links,
/// diagnostics, software and aliases are those of `coalesce(rows_of, id)`. Both backends' readers go through it.
enum ScanRowsSQL {
    /// A scalar subquery: the id of the scan whose rows the scan `parameter` (a placeholder: `?`, `:id`, `$1`) is
    /// recorded with. NULL when there is no such scan, which matches no row.
    static func rowsOf(_ parameter: String) -> String {
        "(SELECT coalesce(rows_of, id) FROM scans WHERE id = \(parameter))"
    }

    /// `FROM` and `WHERE` of the findings of scan `parameter` with their files (`files.path`), for `ORDER BY
    /// files.path, findings.line, findings.ordinal` (the inventory's order) met by walking indexes: the files in path
    /// order (`UNIQUE (scan_id, path)`), each file's findings in line order (`findings_by_file`, v10). SQLite's
    /// planner otherwise walks the findings by their primary key and sorts them all in a temporary b-tree: 23 GB of
    /// temporary disk for the 35.6 million findings of a 1M-file scan. `CROSS JOIN` is SQLite's way to fix the
    /// loop order (files outside), which the planner would not choose without `ANALYZE` statistics; PostgreSQL
    /// refuses `CROSS JOIN ... ON` and plans by its own statistics, so it takes `JOIN` (`join`). `more` is joined
    /// after the findings (a `LEFT JOIN` of each finding's certificate).
    static func findingsInPathOrder(_ parameter: String, join: String = "CROSS JOIN", more: String = "") -> String {
        """
        FROM files
        \(join) findings ON findings.scan_id = files.scan_id AND findings.file_id = files.id
        \(more)
        WHERE files.scan_id = \(rowsOf(parameter))
        """
    }

    /// `FROM` and `WHERE` of the certificates of scan `parameter` whose subject issued one of its certificates
    /// (`issuerCertificates`, both backends; `parameter` appears twice). Selects from `assets` and `certificates`.
    static func issuerCertificates(_ parameter: String) -> String {
        """
        FROM scan_assets
        JOIN assets ON assets.id = scan_assets.asset_id
        JOIN certificates ON certificates.asset_id = assets.id
        WHERE scan_assets.scan_id = \(rowsOf(parameter)) AND certificates.subject IN (
            SELECT issued.issuer FROM scan_assets AS named
            JOIN certificates AS issued ON issued.asset_id = named.asset_id
            WHERE named.scan_id = \(rowsOf(parameter)))
        """
    }
}
