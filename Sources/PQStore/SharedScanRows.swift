/// The SQL that reads a scan's rows where they are (migration `v8-shared-scan-rows`): a rescan in which nothing
/// changed shares the rows of the scan it repeats instead of copying them, so a scan's findings, files, asset links,
/// diagnostics, software and aliases are those of `coalesce(rows_of, id)`. Both backends' readers go through it.
enum ScanRowsSQL {
    /// A scalar subquery: the id of the scan whose rows the scan `parameter` (a placeholder: `?`, `:id`, `$1`) is
    /// recorded with. NULL when there is no such scan, which matches no row.
    static func rowsOf(_ parameter: String) -> String {
        "(SELECT coalesce(rows_of, id) FROM scans WHERE id = \(parameter))"
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
