import ArgumentParser
import PQModel
import PQScoutKit

enum PQScoutVersion {
    static let string = ToolInfo.version
}

/// `--db`, shared by every command that reads or writes the inventory.
struct StoreOptions: ParsableArguments {
    @Option(
        name: .customLong("db"),
        help: ArgumentHelp(
            "The inventory database: an SQLite file, or postgresql://user[:password]@host[:port]/dbname.",
            valueName: "file|url"))
    var path = "pqscout.db"
}

enum InventoryFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv
}

enum ScanFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json
}

extension Usage: ExpressibleByArgument {}
extension QuantumStatus: ExpressibleByArgument {}

/// Writes one-line errors and maps a use-case failure to its exit status.
enum Failure {
    static func exit(_ error: PQScoutError) -> ExitCode {
        Console.error("pqscout: \(error.reason)")
        switch error.kind {
        case .usage: return ExitCode(64)
        case .input: return ExitCode(2)
        }
    }
}

/// The policy a command judges by, one definition for `assess`, `plan` and `vendor check` (their help used to
/// drift apart). `--policy FILE`, a custom profile, is declared by the commands that read one.
struct PolicyOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp("Bundled policy profile (default nist-ir-8547).", valueName: "profile"),
        completion: .list(AssessUseCase.profiles))
    var profile: String?

    @Option(
        help: ArgumentHelp(
            "System category the profile dates separately (cnsa-2.0: networking, web-cloud, ...).",
            valueName: "category"))
    var category: String?

    @Option(help: ArgumentHelp("Judge as of this day, YYYY-MM-DD (default: today, UTC).", valueName: "date"))
    var asOf: CalendarDay?
}

/// A software release given on the command line (`--openssh-version 9.6`, `--openssl-version 3.5.1`): a digit
/// first and at least major.minor, checked where the argument is parsed for every command that takes one.
struct ReleaseVersion: ExpressibleByArgument, Sendable {
    let text: String

    init?(argument: String) {
        let parts = argument.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= 2, parts.allSatisfy({ !$0.isEmpty }), argument.first?.isNumber == true else { return nil }
        text = argument
    }
}

/// `--host`: the latest complete scan of one host, for the commands that read one scan from a fleet's database.
struct HostOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The latest complete scan of this host (a fleet's database holds many; `pqscout scans` lists them).",
            valueName: "name"))
    var host: String?

    /// The scan to read: `explicit` (`--scan`), else the latest complete scan of `--host`, else nil (the default).
    func scan(_ explicit: Int64?, storePath: String) throws(PQScoutError) -> Int64? {
        guard let host else { return explicit }
        guard explicit == nil else {
            throw PQScoutError(code: "usage.scan-and-host", kind: .usage, reason: "give --scan or --host, not both")
        }
        return try InventoryUseCase.latestScanID(storePath: storePath, host: host)
    }
}
