import Foundation
import GRDB

/// The store's schema: named, append-only migrations, and the markers that let an older PQScout refuse a newer store.
///
/// Rules (STYLE.md rule 12, GRDB's "Migrations" guide):
/// - A migration, once released, is never edited: a change is a new migration appended to `migrations`.
/// - Each migration sets `PRAGMA user_version` to its position, so `user_version` is the schema number.
/// - The enum lists in CHECK constraints are written out here, frozen, rather than generated from the model's
///   `CaseIterable` types: a new case in PQModel must come with a migration, and `StoreSchemaTests` fails until
///   it does.
/// Docs/store.md shows the resulting schema; a test fails when that page is stale.
enum StoreSchema {
    /// The schema number this build writes and understands (the number of migrations).
    static var version: Int { migrations.count }

    /// `PRAGMA application_id` of a PQScout store: "PQSc" in ASCII. Lets us refuse another program's database.
    static let applicationID: Int32 = 0x5051_5363

    /// Migration identifiers in order, with their SQL. Append only.
    static let migrations: [(identifier: String, sql: String)] = [
        ("v1-inventory", v1Inventory),
        ("v2-assessments", v2Assessments),
        ("v3-scan-kind", v3ScanKind),
        ("v4-path-aliases", v4PathAliases),
        ("v5-rescan-states", v5RescanStates),
        ("v6-assessment-findings", v6AssessmentFindings),
        ("v7-rescan-state-parts", v7RescanStateParts),
        ("v8-shared-scan-rows", v8SharedScanRows),
        ("v9-assessment-systems", v9AssessmentSystems),
        ("v10-findings-by-file", v10FindingsByFile),
        ("v11-judged-by-finding", v11JudgedByFinding),
    ]

    /// A migrator that applies the first `count` migrations (all by default).
    static func migrator(upTo count: Int = migrations.count) -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for (index, migration) in migrations.prefix(count).enumerated() {
            let number = index + 1
            migrator.registerMigration(migration.identifier) { db in
                try db.execute(sql: migration.sql)
                try db.execute(sql: "PRAGMA user_version = \(number)")
                try db.execute(sql: "PRAGMA application_id = \(applicationID)")
            }
        }
        return migrator
    }

    // MARK: - v3

    /// Host scans and imported CBOMs kept apart, so commands can default to the latest host scan. Imports made
    /// before this migration carried the host "imported" unless the user named one; those are marked as imports.
    static let v3ScanKind = """
        ALTER TABLE scans ADD COLUMN kind TEXT NOT NULL DEFAULT 'scan' CHECK (kind IN ('scan', 'import'));
        UPDATE scans SET kind = 'import' WHERE host = 'imported';
        """

    // MARK: - v1

    /// The first schema: scans, files, assets (with certificate and key details), the scan-asset link,
    /// findings, diagnostics and software. STRICT tables so SQLite itself rejects a value of the wrong type.
    ///
    /// Findings, diagnostics and software are WITHOUT ROWID tables keyed by (scan_id, ordinal): one b-tree per
    /// row instead of a table plus indexes, which is what keeps bulk inserts above 200k findings/s. Every foreign
    /// key from `findings` starts with `scan_id`, so the primary key serves as the child index of all three.
    /// A finding's asset must be linked to the finding's own scan (`scan_assets`), not merely exist.
    static let v1Inventory = """
        CREATE TABLE scans (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            roots TEXT NOT NULL CHECK (json_valid(roots) AND json_type(roots) = 'array'),
            host TEXT NOT NULL,
            tool_version TEXT NOT NULL,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            status TEXT NOT NULL DEFAULT 'incomplete' CHECK (status IN ('incomplete', 'complete')),
            files_examined INTEGER NOT NULL DEFAULT 0 CHECK (files_examined >= 0),
            files_with_findings INTEGER NOT NULL DEFAULT 0 CHECK (files_with_findings >= 0),
            findings INTEGER NOT NULL DEFAULT 0 CHECK (findings >= 0),
            assets INTEGER NOT NULL DEFAULT 0 CHECK (assets >= 0),
            diagnostics INTEGER NOT NULL DEFAULT 0 CHECK (diagnostics >= 0),
            by_status TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(by_status) AND json_type(by_status) = 'object'),
            CHECK (status = 'incomplete' OR finished_at IS NOT NULL)
        ) STRICT;

        CREATE TABLE files (
            id INTEGER PRIMARY KEY,
            scan_id INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
            path BLOB NOT NULL,
            path_display TEXT NOT NULL,
            size INTEGER NOT NULL CHECK (size >= 0),
            modified_at TEXT NOT NULL,
            sha256 TEXT NOT NULL CHECK (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9A-Fa-f]*'),
            UNIQUE (scan_id, path),
            UNIQUE (scan_id, id)
        ) STRICT;

        CREATE TABLE assets (
            id TEXT NOT NULL PRIMARY KEY CHECK (length(id) > 0),
            kind TEXT NOT NULL CHECK (kind IN ('certificate', 'public-key', 'private-key', 'ssh-key',
                'ssh-certificate', 'dh-parameters', 'keystore', 'service')),
            algorithm TEXT NOT NULL,
            canonical TEXT,
            oid TEXT,
            key_bits INTEGER CHECK (key_bits >= 0),
            curve TEXT
        ) STRICT, WITHOUT ROWID;

        CREATE TABLE certificates (
            asset_id TEXT NOT NULL PRIMARY KEY REFERENCES assets(id) ON DELETE CASCADE,
            subject TEXT NOT NULL,
            issuer TEXT NOT NULL,
            serial TEXT NOT NULL,
            not_before TEXT NOT NULL,
            not_after TEXT NOT NULL,
            signature_oid TEXT NOT NULL,
            signature_algorithm TEXT,
            public_key_oid TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            public_key_id TEXT NOT NULL,
            is_ca INTEGER CHECK (is_ca IN (0, 1)),
            self_signed INTEGER NOT NULL CHECK (self_signed IN (0, 1))
        ) STRICT, WITHOUT ROWID;

        CREATE TABLE keys (
            asset_id TEXT NOT NULL PRIMARY KEY REFERENCES assets(id) ON DELETE CASCADE,
            format TEXT NOT NULL,
            is_private INTEGER NOT NULL CHECK (is_private IN (0, 1)),
            encrypted INTEGER NOT NULL CHECK (encrypted IN (0, 1))
        ) STRICT, WITHOUT ROWID;

        CREATE TABLE scan_assets (
            scan_id INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
            asset_id TEXT NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
            PRIMARY KEY (scan_id, asset_id)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX scan_assets_by_asset ON scan_assets(asset_id);

        CREATE TABLE findings (
            scan_id INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
            ordinal INTEGER NOT NULL CHECK (ordinal >= 0),
            file_id INTEGER NOT NULL,
            line INTEGER CHECK (line >= 1),
            source TEXT NOT NULL CHECK (length(source) > 0),
            setting TEXT NOT NULL,
            -- OR chains, not IN lists: SQLite 3.40 builds a temporary b-tree for an IN list on every row checked,
            -- which halves the insert rate of the table that takes the most rows.
            usage TEXT NOT NULL CHECK (usage = 'key-exchange' OR usage = 'signature' OR usage = 'public-key'
                OR usage = 'cipher' OR usage = 'mac' OR usage = 'hash' OR usage = 'protocol-version'
                OR usage = 'cipher-suite' OR usage = 'group'),
            algorithm TEXT NOT NULL,
            canonical TEXT,
            oid TEXT,
            key_bits INTEGER CHECK (key_bits >= 0),
            curve TEXT,
            quantum_status TEXT NOT NULL CHECK (quantum_status = 'vulnerable' OR quantum_status = 'weakened'
                OR quantum_status = 'resistant' OR quantum_status = 'hybrid' OR quantum_status = 'broken'),
            context TEXT,
            effective INTEGER NOT NULL CHECK (effective = 0 OR effective = 1),
            origin TEXT NOT NULL CHECK (origin = 'file' OR origin = 'default'),
            asset_id TEXT,
            note TEXT,
            PRIMARY KEY (scan_id, ordinal),
            FOREIGN KEY (scan_id, file_id) REFERENCES files(scan_id, id) ON DELETE CASCADE,
            FOREIGN KEY (scan_id, asset_id) REFERENCES scan_assets(scan_id, asset_id)
        ) STRICT, WITHOUT ROWID;

        CREATE TABLE diagnostics (
            scan_id INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
            ordinal INTEGER NOT NULL CHECK (ordinal >= 0),
            path BLOB NOT NULL,
            path_display TEXT NOT NULL,
            reason TEXT NOT NULL CHECK (reason IN ('too large', 'special file', 'link out of the tree', 'link loop',
                'broken link', 'unreadable', 'vanished during scan', 'too deep', 'malformed', 'encrypted',
                'unsupported', 'empty')),
            detail TEXT NOT NULL,
            PRIMARY KEY (scan_id, ordinal)
        ) STRICT, WITHOUT ROWID;

        CREATE TABLE software (
            scan_id INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
            ordinal INTEGER NOT NULL CHECK (ordinal >= 0),
            name TEXT NOT NULL CHECK (length(name) > 0),
            version TEXT NOT NULL,
            source_path BLOB NOT NULL,
            source_path_display TEXT NOT NULL,
            PRIMARY KEY (scan_id, ordinal)
        ) STRICT, WITHOUT ROWID;
        """

    // MARK: - v2

    /// Assessments kept with the scan they judge, so reports and plans read them (issue 6). The whole result is one
    /// JSON document (`AssessmentResult`, versioned by its `schemaVersion`); the columns beside it are the figures a
    /// listing filters on. Deleting a scan deletes its assessments.
    static let v2Assessments = """
        CREATE TABLE assessments (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            scan_id INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
            created_at TEXT NOT NULL,
            profile TEXT NOT NULL CHECK (length(profile) > 0),
            category TEXT,
            as_of TEXT NOT NULL CHECK (as_of GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
            data_lifetime_years INTEGER NOT NULL CHECK (data_lifetime_years >= 0),
            overall_score INTEGER NOT NULL CHECK (overall_score BETWEEN 0 AND 100),
            gate_met INTEGER CHECK (gate_met IN (0, 1)),
            document TEXT NOT NULL CHECK (json_valid(document) AND json_type(document) = 'object')
        ) STRICT;
        CREATE INDEX assessments_by_scan ON assessments(scan_id, id);
        """

    // MARK: - v4

    /// Links inside a scanned tree, each an alias of the file or directory it leads to (issue 14): the target's
    /// content is recorded once under its real path, and the link's path is kept here for reports and for the
    /// configs that name it. Paths are kept as bytes and as their escaped display text, as in `files`.
    static let v4PathAliases = """
        CREATE TABLE path_aliases (
            scan_id INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
            path BLOB NOT NULL,
            path_display TEXT NOT NULL,
            target BLOB NOT NULL,
            target_display TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('file', 'directory')),
            PRIMARY KEY (scan_id, path)
        ) STRICT, WITHOUT ROWID;
        """

    // MARK: - v5

    /// What a rescan needs of the scan before it (issue 20): per walked file its identity, content digest, the
    /// files its scanners read and its results, as one opaque document the scan use case writes and reads
    /// (`format` names its layout). Kept for the latest complete scan of each fingerprint (roots, settings,
    /// installed software, tool build) only, so the store does not grow by a copy of every scan.
    static let v5RescanStates = """
        CREATE TABLE rescan_states (
            scan_id INTEGER NOT NULL PRIMARY KEY REFERENCES scans(id) ON DELETE CASCADE,
            fingerprint TEXT NOT NULL CHECK (length(fingerprint) = 64),
            format INTEGER NOT NULL CHECK (format >= 1),
            state BLOB NOT NULL
        ) STRICT;
        CREATE INDEX rescan_states_by_fingerprint ON rescan_states(fingerprint, scan_id);
        """

    // MARK: - v6

    /// An assessment's judged findings, one small row each in the result's order, beside the document that keeps
    /// the rest of the result. What findings share (status, verdict, risk, overrun, waiver: a few dozen distinct
    /// values over 1.78 million findings) is one JSON document in `assessment_parts`; a row holds the finding's
    /// reference, its system and expiry (columns: the benchmark's 10,000 systems multiplied the parts), and its
    /// part's number (checked when read: a foreign key would make deleting an assessment scan
    /// every row once per part). One JSON document for such a scan needed gigabytes to encode and exceeded
    /// SQLite's one-gigabyte limit on a value. Assessments recorded before this migration keep their findings inside
    /// `document` and have no rows here.
    static let v6AssessmentFindings = """
        CREATE TABLE assessment_parts (
            assessment_id INTEGER NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
            part INTEGER NOT NULL CHECK (part >= 0),
            document TEXT NOT NULL CHECK (json_valid(document) AND json_type(document) = 'object'),
            PRIMARY KEY (assessment_id, part)
        ) STRICT, WITHOUT ROWID;

        CREATE TABLE assessment_findings (
            assessment_id INTEGER NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
            position INTEGER NOT NULL CHECK (position >= 0),
            finding_index INTEGER NOT NULL CHECK (finding_index >= 0),
            path TEXT NOT NULL,
            line INTEGER,
            source TEXT NOT NULL,
            setting TEXT NOT NULL,
            algorithm TEXT NOT NULL,
            canonical TEXT,
            context TEXT,
            system TEXT NOT NULL,
            expired TEXT CHECK (expired GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
            part INTEGER NOT NULL,
            PRIMARY KEY (assessment_id, position)
        ) STRICT, WITHOUT ROWID;
        """

    // MARK: - v7

    /// A rescan state in parts, one per batch of files, written with the batches: a scan no longer holds its whole
    /// state in memory to store it at the end (50,000 files took 64 MiB, three copies of it at the peak), and a
    /// rescan reads the parts in turn instead of loading one blob. `rescan_states.state` keeps the state's header;
    /// parts belong to a scan, so a scan that never finished leaves parts no rescan reads, removed when a later
    /// scan of the same fingerprint finishes.
    static let v7RescanStateParts = """
        CREATE TABLE rescan_state_parts (
            scan_id INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
            part INTEGER NOT NULL CHECK (part >= 0),
            bytes BLOB NOT NULL,
            PRIMARY KEY (scan_id, part)
        ) STRICT, WITHOUT ROWID;
        """

    // MARK: - v8

    /// A scan whose rows are an earlier scan's: a rescan in which no file, link, listing or package changed records
    /// `rows_of` (the earlier scan, or the scan whose rows that one shares) instead of copying every row. A complete
    /// record of the 50k benchmark tree is 1.78 million finding rows; copying them took most of an unchanged
    /// rescan (issue 20: a rescan within 10% of the scan). Readers read the rows of `coalesce(rows_of, id)`; it
    /// always names a scan with rows of its own, never another sharing one. Deleting that scan first moves its
    /// rows to the oldest scan sharing them (`deleteScan`), so the foreign key never dangles.
    static let v8SharedScanRows = """
        ALTER TABLE scans ADD COLUMN rows_of INTEGER REFERENCES scans(id) CHECK (rows_of < id);
        CREATE INDEX scans_by_rows_of ON scans(rows_of) WHERE rows_of IS NOT NULL;
        """

    // MARK: - v9

    /// An assessment's scored systems, one row each in the result's order (system id), beside the document that
    /// keeps the rest of the result with an empty `systems` list: the systems grow with the configuration files and
    /// their adjustments cite every finding behind the points (107 MB of the 200k benchmark's document), so a
    /// reader walks them from a cursor (by position, or by score for the reports) instead of decoding them all.
    /// `document` is one `AgilityScore` in the assessment document's encoding; `score` and `system_id` are copies
    /// of its fields for the order and for lookups. A rowid table: one system's document can be megabytes (a
    /// directory of many certificates), which a WITHOUT ROWID b-tree holds badly. Assessments recorded before this
    /// migration keep their systems inside `document` and have no rows here.
    static let v9AssessmentSystems = """
        CREATE TABLE assessment_systems (
            assessment_id INTEGER NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
            position INTEGER NOT NULL CHECK (position >= 0),
            system_id TEXT NOT NULL,
            score INTEGER NOT NULL,
            document TEXT NOT NULL,
            UNIQUE (assessment_id, position)
        ) STRICT;
        CREATE INDEX assessment_systems_by_score ON assessment_systems(assessment_id, score, position);
        """

    // MARK: - v10

    /// Each file's findings in line order, so a scan's findings are read in the inventory's order (file path, line,
    /// ordinal) by walking the files in path order and this index (`ScanRowsSQL.findingsInPathOrder`) instead of
    /// sorting every finding: at a million files the sort wrote a 23 GB temporary b-tree (issue 20). About 1.5% of
    /// the store; the scan appends to it, as file ids grow with the scan.
    static let v10FindingsByFile = """
        CREATE INDEX findings_by_file ON findings(scan_id, file_id, line, ordinal);
        """

    // MARK: - v11

    /// An assessment's judged findings by finding, so the reports pair each finding with its judged rows
    /// (`forEachJudgedFinding`) by walking this index instead of sorting every judged row: at a million files the
    /// sort wrote an 8 GB temporary file. Its keys are three integers a row (the position is the table's key).
    static let v11JudgedByFinding = """
        CREATE INDEX assessment_findings_by_finding ON assessment_findings(assessment_id, finding_index, position);
        """
}
