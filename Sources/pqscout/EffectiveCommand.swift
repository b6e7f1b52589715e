import ArgumentParser
import Foundation
import PQModel
import PQScoutKit

/// `pqscout effective`: what sshd or ssh would use, read from the files alone (like `sshd -T` / `ssh -G`).
struct EffectiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "effective",
        abstract: "Print the algorithms sshd or ssh would use, from the configuration files alone.",
        subcommands: [EffectiveSSHServerCommand.self, EffectiveSSHClientCommand.self]
    )
}

/// Output formats of `pqscout effective`.
enum EffectiveFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json
}

/// Options both `effective` subcommands take.
struct EffectiveOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("The scan root holding etc/ssh/.", valueName: "root"))
    var root: String

    @Option(help: ArgumentHelp("The configuration file, relative to the root.", valueName: "path"))
    var config: String?

    @Option(
        name: .customLong("openssh-version"),
        help: ArgumentHelp("OpenSSH version when the tree's package database names none.", valueName: "X.Y"))
    var opensshVersion: ReleaseVersion?

    @Option(help: "Output format.")
    var format: EffectiveFormat = .table
}

struct EffectiveSSHServerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ssh-server",
        abstract: "The effective sshd_config algorithm lists, as `sshd -T [-C ...]` would print them."
    )

    @OptionGroup var options: EffectiveOptions

    @Option(
        help: ArgumentHelp(
            "The connection Match blocks are tested against (sshd -C).", valueName: "user=U,host=H,addr=A"))
    var connection: String?

    func run() throws {
        try EffectiveOutput.print(format: options.format) { () throws(PQScoutError) in
            try EffectiveSSHRequest.server(
                root: options.root, connection: connection, configPath: options.config,
                opensshVersion: options.opensshVersion?.text)
        }
    }
}

struct EffectiveSSHClientCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ssh-client",
        abstract: "The effective ssh_config algorithm lists for one host, as `ssh -G HOST` would print them."
    )

    @OptionGroup var options: EffectiveOptions

    @Option(help: ArgumentHelp("The host name given to ssh.", valueName: "name"))
    var host: String

    @Option(help: ArgumentHelp("The remote user, for `Match user` (ssh -l).", valueName: "name"))
    var user: String?

    @Option(
        help: ArgumentHelp(
            "The local user, for `Match localuser` (default: the user running pqscout).", valueName: "name"))
    var localUser: String?

    func run() throws {
        try EffectiveOutput.print(format: options.format) {
            EffectiveSSHRequest.client(
                root: options.root, host: host, user: user, localUser: localUser, configPath: options.config,
                opensshVersion: options.opensshVersion?.text)
        }
    }
}

/// Runs the use case and writes its result: stdout for the answer, stderr and an exit status for a failure.
enum EffectiveOutput {
    static func print(
        format: EffectiveFormat, _ request: () throws(PQScoutError) -> EffectiveSSHRequest
    ) throws {
        do {
            let result = try EffectiveSSHUseCase.run(try request())
            let text =
                format == .json ? try Presentation.effectiveSSHJSON(result) : Presentation.effectiveSSHTable(result)
            Console.out(text)
        } catch {
            throw Failure.exit(error)
        }
    }
}
