import Foundation
import PQCatalog
import PQModel
import PQReports

/// The renderers the command line needs, reached through the Kit so the executable imports one library.
public enum Presentation {
    public static func json(_ document: InventoryDocument) throws(PQScoutError) -> String {
        do {
            return try InventoryJSON.render(document)
        } catch {
            throw PQScoutError(
                code: "output.json", kind: .input, reason: "cannot write JSON: \(PQScoutError.describe(error))")
        }
    }

    public static func csv(_ findings: [Finding], aliases: [PathAlias] = []) -> String {
        InventoryCSV.render(findings, aliases: aliases)
    }

    public static func table(_ findings: [Finding], width: Int = 80) -> String {
        ConsoleText.inventoryTable(findings, width: width)
    }

    /// The scan summary from the scan's diagnostics counted by reason (`InventoryUseCase.summaryCounts`).
    public static func scanSummary(
        _ scan: ScanRecord, diagnosticsByReason: [Diagnostic.Reason: Int], storePath: String
    ) -> String {
        ConsoleText.scanSummary(
            scan, diagnosticsByReason: diagnosticsByReason, storePath: StoreAccess.label(storePath))
    }

    /// The summary's line on reuse (issue 20): how many files an earlier scan lent, or why none.
    public static func reuseLine(_ outcome: ScanOutcome) -> String {
        guard let earlier = outcome.reusedFrom else {
            return "reused: none (full scan)\n"
        }
        let examined = outcome.record.counts.filesExamined
        return "reused: \(outcome.filesReused) of \(examined) files unchanged since scan \(earlier)"
            + " (pqscout scan --full scans them all)\n"
    }

    public static func scans(_ scans: [ScanRecord], width: Int = 80) -> String {
        ConsoleText.scansTable(scans, width: width)
    }

    /// `inventory --fleet` as a table: one row per host, and the fleet's sum.
    public static func fleet(_ hosts: [FleetHost], width: Int = 80) -> String {
        ConsoleText.fleetTable(hosts, width: width)
    }

    /// `inventory --fleet --format json`: the hosts as a JSON array.
    public static func fleetJSON(_ hosts: [FleetHost]) throws(PQScoutError) -> String {
        do {
            return String(decoding: try ReportJSONEncoder.make().encode(hosts), as: UTF8.self)
        } catch {
            throw PQScoutError(
                code: "output.json", kind: .input, reason: "cannot write JSON: \(PQScoutError.describe(error))")
        }
    }

    /// `assess --fleet` as a table: per host its assessment's score, gate and verdicts, and the fleet's sum.
    public static func fleetAssessment(_ hosts: [FleetScanSummary], width: Int = 80) -> String {
        FleetReport.assessmentTable(hosts, width: width)
    }

    /// `assess --fleet`'s progress line for one host, safe for a terminal.
    public static func fleetAssessedLine(_ host: FleetScanSummary) -> String { FleetReport.assessedLine(host) }

    /// `assess --fleet`'s line naming the hosts whose `--fail-on` threshold was met, safe for a terminal.
    public static func fleetGateMetLine(threshold: String, hosts: [FleetScanSummary]) -> String {
        FleetReport.gateMetLine(threshold: threshold, hosts: hosts)
    }

    /// `assess --fleet --format json`: the document `report --fleet --format json` writes.
    public static func fleetAssessmentJSON(_ hosts: [FleetScanSummary]) throws(PQScoutError) -> String {
        do {
            let data = try FleetReport.json(
                hosts, context: RenderContext(generatedAt: Date(), toolVersion: ToolInfo.version))
            return String(decoding: data.dropLast(), as: UTF8.self)
        } catch {
            throw PQScoutError(
                code: "output.json", kind: .input, reason: "cannot write JSON: \(PQScoutError.describe(error))")
        }
    }

    public static func scanLine(_ scan: ScanRecord) -> String {
        ConsoleText.scanLine(scan)
    }

    public static func diagnostics(_ diagnostics: [Diagnostic]) -> String {
        ConsoleText.diagnosticLines(diagnostics)
    }

    public static func catalogEntry(_ entry: AlgorithmEntry, catalog: Catalog = .shared) -> String {
        catalog.describe(entry)
    }

    public static func catalogList(catalog: Catalog = .shared, width: Int = 80) -> String {
        let rows = catalog.entries.map {
            [$0.canonical, $0.primitive.rawValue, $0.quantumStatus.rawValue, $0.replacement ?? ""]
        }
        return TextTable(headers: ["ALGORITHM", "PRIMITIVE", "STATUS", "REPLACEMENT"], rows: rows, flexible: [0, 3])
            .render(width: width) + "\(rows.count) algorithms\n"
    }
}

extension Presentation {
    /// `pqscout effective` as text: one block per list, its source, one algorithm per line with its status.
    public static func effectiveSSHTable(_ result: EffectiveSSHResult) -> String { EffectiveSSHText.table(result) }

    /// `pqscout effective --format json`: pretty JSON with sorted keys (stable bytes).
    public static func effectiveSSHJSON(_ result: EffectiveSSHResult) throws(PQScoutError) -> String {
        do {
            return try EffectiveSSHText.json(result)
        } catch {
            throw PQScoutError(
                code: "output.json", kind: .input, reason: "cannot write JSON: \(PQScoutError.describe(error))")
        }
    }
}

extension Presentation {
    /// `pqscout diff` as text: one line per added (`+`), removed (`-`) and changed (`~`) finding.
    public static func diffText(_ outcome: DiffOutcome) throws(PQScoutError) -> String {
        do {
            return try outcome.diff?.text() ?? InventoryDiff.nothingToCompareText(to: outcome.toScan)
        } catch {
            throw PQScoutError(
                code: "output.text", kind: .input, reason: "cannot write the diff: \(PQScoutError.describe(error))")
        }
    }

    /// `pqscout diff --format json`: `{"from", "to", "added", "removed", "changed", "unchanged"}` with whole
    /// findings.
    public static func diffJSON(_ outcome: DiffOutcome) throws(PQScoutError) -> String {
        do {
            return try outcome.diff?.json() ?? InventoryDiff.nothingToCompareJSON(to: outcome.toScan)
        } catch {
            throw PQScoutError(
                code: "output.json", kind: .input, reason: "cannot write JSON: \(PQScoutError.describe(error))")
        }
    }
}
