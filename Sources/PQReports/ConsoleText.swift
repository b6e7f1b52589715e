import Foundation
import PQModel

/// The human-readable outputs of the command line (summary, inventory table, scans list).
public enum ConsoleText {
    /// The summary `pqscout scan` prints by default, from the diagnostics' counts by reason (the store's
    /// `diagnosticCounts`): a tree of broken files leaves hundreds of thousands, not worth holding to count.
    public static func scanSummary(
        _ scan: ScanRecord, diagnosticsByReason byReason: [Diagnostic.Reason: Int], storePath: String
    ) -> String {
        var out = "Scan \(scan.id) \(scan.status.rawValue): \(scan.roots.joined(separator: ", "))\n"
        out += "  " + "files examined".padded(24) + "\(scan.counts.filesExamined)\n"
        out += "  " + "files with crypto".padded(24) + "\(scan.counts.filesWithFindings)\n"
        out += "  " + "findings".padded(24) + "\(scan.counts.findings)\n"
        for status in QuantumStatus.allCases.sorted(by: >) {
            let count = scan.counts.byStatus[status.rawValue] ?? 0
            if count > 0 { out += "    " + status.rawValue.padded(22) + "\(count)\n" }
        }
        out += "  " + "assets".padded(24) + "\(scan.counts.assets)\n"
        out += "  " + "diagnostics".padded(24) + "\(scan.counts.diagnostics)\n"
        // Wide enough for the longest reason ("link out of the tree"), so a count never runs into its words.
        let column = max(22, (Diagnostic.Reason.allCases.map(\.rawValue.count).max() ?? 20) + 2)
        for reason in Diagnostic.Reason.allCases {
            if let count = byReason[reason] { out += "    " + reason.rawValue.padded(column) + "\(count)\n" }
        }
        out += "Stored in \(storePath). `pqscout inventory` lists the findings.\n"
        return out
    }

    /// The inventory as a table for an 80-column terminal.
    public static func inventoryTable(_ findings: [Finding], width: Int = 80) -> String {
        let table = inventoryTableShape(rows: findings.map(inventoryRow))
        return table.render(width: width) + inventoryCount(findings.count)
    }

    /// The bytes of `inventoryTable`, written as they are made from `findings` (a cursor called twice: once to
    /// measure the columns, once to write the rows), so a scan's findings are never all in memory.
    public static func writeInventoryTable(
        width: Int = 80, findings: ((Finding) throws -> Void) throws -> Void, to output: ReportOutput
    ) throws {
        var count = 0
        try inventoryTableShape(rows: []).write(
            width: width,
            rows: { row in
                count = 0
                // Both closures are the callers' and are called only here, during this walk.
                try withoutActuallyEscaping(row) { row in
                    try findings { finding in
                        count += 1
                        try row(inventoryRow(finding))
                    }
                }
            }, to: output)
        try output.write(inventoryCount(count))
    }

    private static func inventoryTableShape(rows: [[String]]) -> TextTable {
        TextTable(
            headers: ["STATUS", "USAGE", "ALGORITHM", "SIZE", "WHERE"], rows: rows, flexible: [2, 4], keepEnd: [4])
    }

    private static func inventoryRow(_ finding: Finding) -> [String] {
        let size = finding.curve ?? finding.keyBits.map { "\($0)" } ?? ""
        let location = finding.path.display + (finding.line.map { ":\($0)" } ?? "")
        return [
            finding.quantumStatus.rawValue, finding.usage.rawValue, finding.canonical ?? finding.algorithm, size,
            location,
        ]
    }

    private static func inventoryCount(_ count: Int) -> String {
        "\(count) finding\(count == 1 ? "" : "s")\n"
    }

    /// The status as the scans list shows it: an incomplete scan with a finish time stopped on SIGINT/SIGTERM
    /// (or failed) and is "interrupted"; one without is still running, or was killed outright.
    static func statusWord(_ scan: ScanRecord) -> String {
        scan.status == .incomplete && scan.finishedAt != nil ? "interrupted" : scan.status.rawValue
    }

    /// `pqscout scans`.
    public static func scansTable(_ scans: [ScanRecord], width: Int = 80) -> String {
        let formatter = ISO8601DateFormatter()
        let rows = scans.map { scan in
            [
                "\(scan.id)", formatter.string(from: scan.startedAt), scan.kind.rawValue, statusWord(scan),
                "\(scan.counts.findings)", "\(scan.counts.diagnostics)", scan.host, scan.roots.joined(separator: " "),
            ]
        }
        // HOST before ROOTS: a fleet's database holds every host's scan of `/`, told apart by host alone.
        let table = TextTable(
            headers: ["ID", "STARTED", "KIND", "STATUS", "FINDINGS", "DIAGS", "HOST", "ROOTS"], rows: rows,
            flexible: [6, 7], keepEnd: [7])
        return table.render(width: width)
    }

    /// The fleet view of `inventory --fleet`: per host, its latest complete scan and the findings in it that match
    /// the filters, by quantum status; a last row sums the fleet.
    public static func fleetTable(_ hosts: [FleetHost], width: Int = 80) -> String {
        let statuses = QuantumStatus.allCases
        var rows = hosts.map { host in
            [host.host, "\(host.scanID)", "\(host.findings)"] + statuses.map { "\(host.byStatus[$0.rawValue] ?? 0)" }
        }
        if hosts.count > 1 {
            rows.append(
                ["all \(hosts.count) hosts", "", "\(hosts.reduce(0) { $0 + $1.findings })"]
                    + statuses.map { status in "\(hosts.reduce(0) { $0 + ($1.byStatus[status.rawValue] ?? 0) })" })
        }
        let table = TextTable(
            headers: ["HOST", "SCAN", "FINDINGS"] + statuses.map { $0.rawValue.uppercased() }, rows: rows,
            flexible: [0])
        return table.render(width: width)
    }

    /// Which scan a command shows, in one line for stderr: "scan 3: host scan of /etc on web1, started ...".
    public static func scanLine(_ scan: ScanRecord) -> String {
        let kind = scan.kind == .import ? "imported CBOM" : "host scan"
        let started = ISO8601DateFormatter().string(from: scan.startedAt)
        return TextTable.clean(
            "scan \(scan.id): \(kind) of \(scan.roots.joined(separator: " ")) on \(scan.host), started \(started), "
                + scan.status.rawValue)
    }

    /// Diagnostics as lines for stderr.
    public static func diagnosticLines(_ diagnostics: [Diagnostic]) -> String {
        diagnostics.map { "\($0.path.display): \($0.reason.rawValue): \($0.detail)" }
            .map(TextTable.clean).joined(separator: "\n")
    }
}

extension String {
    fileprivate func padded(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
