import ArgumentParser
import PQModel
import PQScoutKit

enum PQScoutVersion {
    static let string = ToolInfo.version
}

/// `--db`, shared by every command that reads or writes the inventory.
struct StoreOptions: ParsableArguments {
    @Option(name: .customLong("db"), help: ArgumentHelp("The inventory database.", valueName: "file"))
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
