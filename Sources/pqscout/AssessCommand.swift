import ArgumentParser
import PQModel
import PQScoutKit

struct AssessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assess",
        abstract: "Judge a scan against a post-quantum policy: timelines, risk priority, crypto-agility, coverage.",
        discussion: """
            Exit status: 0 done; 1 the --fail-on threshold was met (waived findings and settings not in force \
            never count); 2 the store, a policy or a waiver file cannot be read; 64 bad usage.
            Profiles: \(AssessUseCase.profiles.joined(separator: ", ")). Docs/policies.md and Docs/scoring.md \
            describe the rules, the YAML schemas and the score.
            """
    )

    @OptionGroup var store: StoreOptions

    @Option(help: ArgumentHelp("The scan to assess (default: the latest complete one).", valueName: "id"))
    var scan: Int64?

    @OptionGroup var host: HostOptions

    @OptionGroup var judgement: PolicyOptions

    @Option(help: "Output format.")
    var format: ScanFormat = .table

    @Option(help: ArgumentHelp("Exit 1 when a finding in force meets this threshold.", valueName: "threshold"))
    var failOn: GateThreshold?

    @Option(
        help: ArgumentHelp(
            "How many years the protected data must stay secret (weights harvest-now-decrypt-later).",
            valueName: "years"))
    var dataLifetimeYears: Int = AssessRequest().dataLifetimeYears

    @Option(
        help: ArgumentHelp(
            "Mosca's y: years the migration takes (with x = --data-lifetime-years and z = --crqc-year).",
            valueName: "years"))
    var migrationYears: Int = AssessRequest().migrationYears

    @Option(
        help: ArgumentHelp(
            "Mosca's z: the year a quantum computer breaks today's public keys, or an estimate: "
                + "\(AssessUseCase.crqcEstimates.joined(separator: ", ")) (default ir-8547).",
            valueName: "year|estimate"))
    var crqcYear: String?

    @Option(
        help: ArgumentHelp(
            "One system's policy category, e.g. nginx:etc/nginx=high-risk (EU 2030 track). Repeatable.",
            valueName: "system=category"))
    var systemCategory: [String] = []

    @Option(
        help: ArgumentHelp(
            "One system's data lifetime (Mosca's x), e.g. postfix:etc/postfix=0. Repeatable.",
            valueName: "system=years"))
    var systemDataLifetime: [String] = []

    @Option(help: ArgumentHelp("A custom policy profile in YAML (instead of --profile).", valueName: "file"))
    var policy: String?

    @Option(help: ArgumentHelp("A YAML file of accepted risks (selector, owner, reason, expires).", valueName: "file"))
    var waivers: String?

    @Option(
        help: ArgumentHelp(
            "Explain every point of one system's score (an id from the table, or `scan`).",
            valueName: "system"))
    var explain: String?

    @Flag(
        help: ArgumentHelp(
            "Assess the latest complete scan of every host in turn (same options) and print a per-host table."))
    var fleet = false

    func validate() throws {
        if fleet, scan != nil || host.host != nil || explain != nil {
            throw ValidationError("--fleet assesses every host's latest scan; it takes no --scan, --host or --explain")
        }
    }

    func run() throws {
        do {
            if fleet {
                try runFleet()
                return
            }
            let outcome = try AssessUseCase.run(
                AssessRequest(
                    storePath: store.path, scanID: try host.scan(scan, storePath: store.path),
                    profile: judgement.profile, policyFile: policy,
                    category: judgement.category, asOf: judgement.asOf, dataLifetimeYears: dataLifetimeYears,
                    migrationYears: migrationYears,
                    crqcYear: crqcYear, systemCategories: systemCategory, systemDataLifetimes: systemDataLifetime,
                    waiversFile: waivers, failOn: failOn, explain: explain))
            switch (format, explain) {
            case (.json, nil):
                // In pieces: the whole document of 1.78 million judged findings is 2.2 GB as one string.
                let output = BufferedOutput()
                try Presentation.writeAssessmentJSON(outcome, to: output.write)
                output.flush()
            case (.table, nil): Console.out(Presentation.assessmentTable(outcome, width: Console.width))
            case (.json, .some): Console.out(try Presentation.agilityJSON(outcome.explained))
            case (.table, .some): Console.out(Presentation.agilityExplanation(outcome.explained))
            }
            if let gate = outcome.result.gate, gate.met {
                Console.error("pqscout: --fail-on \(gate.threshold.rawValue) met by \(gate.count) finding(s)")
                throw ExitCode(1)
            }
        } catch let error as PQScoutError {
            throw Failure.exit(error)
        }
    }
}

extension AssessCommand {
    /// Each host through the usual assessment, one line on stderr per host done; exit 1 when any host's gate was met.
    private func runFleet() throws {
        let hosts = try AssessUseCase.runFleet(
            AssessRequest(
                storePath: store.path, profile: judgement.profile, policyFile: policy, category: judgement.category,
                asOf: judgement.asOf, dataLifetimeYears: dataLifetimeYears, migrationYears: migrationYears,
                crqcYear: crqcYear, systemCategories: systemCategory, systemDataLifetimes: systemDataLifetime,
                waiversFile: waivers, failOn: failOn)
        ) { host in
            Console.error(Presentation.fleetAssessedLine(host))
        }
        switch format {
        case .json: Console.out(try Presentation.fleetAssessmentJSON(hosts))
        case .table: Console.out(Presentation.fleetAssessment(hosts, width: Console.width))
        }
        let met = hosts.filter { $0.assessment?.gateMet == true }
        if let failOn, !met.isEmpty {
            Console.error(Presentation.fleetGateMetLine(threshold: failOn.rawValue, hosts: met))
            throw ExitCode(1)
        }
    }
}

extension GateThreshold: ExpressibleByArgument {}

extension CalendarDay: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
}
