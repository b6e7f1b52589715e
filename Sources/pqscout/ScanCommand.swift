import ArgumentParser
import Foundation
import PQModel
import PQScoutKit

struct ScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Scan trees of configuration, certificates and keys into the inventory."
    )

    @Argument(help: ArgumentHelp("Directories or files to scan.", valueName: "path"))
    var paths: [String]

    @OptionGroup var store: StoreOptions

    @Option(help: "Output: a summary table, or the JSON document of every finding and diagnostic.")
    var format: ScanFormat = .table

    @Option(help: ArgumentHelp("Skip files larger than this many bytes (suffixes K, M, G).", valueName: "size"))
    var maxFileSize = "16M"

    @Option(help: ArgumentHelp("Skip paths matching this glob (repeatable).", valueName: "glob"))
    var exclude: [String] = []

    @Flag(inversion: .prefixedNo, help: "Follow symbolic links that stay inside the scanned tree.")
    var followLinks = true

    @Flag(
        help: ArgumentHelp(
            "Each path is a copy or image of a whole system: absolute links and config paths resolve inside it, "
                + "never on this host. Default for a directory holding etc/ or usr/."))
    var image = false

    @Option(
        help: ArgumentHelp(
            "The directory absolute links and config paths resolve against (default: the path itself when it "
                + "holds etc/ or usr/, else /, the running system).", valueName: "dir"))
    var systemRoot: String?

    @Option(
        name: [.customLong("password"), .customLong("pkcs12-password")],
        help: ArgumentHelp(
            "A password to try on protected files (repeatable; visible in ps: prefer --password-file or "
                + "PQSCOUT_PASSWORDS).", valueName: "password"))
    var password: [String] = []

    @Option(
        help: ArgumentHelp(
            "A file of passwords, one per line, tried on PKCS#12, encrypted PKCS#8, legacy encrypted PEM and JKS/JCEKS.",
            valueName: "file"))
    var passwordFile: String?

    @Option(
        name: .customLong("openssh-version"),
        help: ArgumentHelp("OpenSSH version to assume when the tree's package database names none.", valueName: "X.Y"))
    var opensshVersion: ReleaseVersion?

    @Option(
        help: ArgumentHelp(
            "The scanned system's OpenSSL version (e.g. 3.5.1), used for TLS defaults when the tree has no package "
                + "database.", valueName: "version"))
    var opensslVersion: ReleaseVersion?

    @Option(
        help: ArgumentHelp(
            "The local user ssh_config `Match localuser` is tested against (default: the user running pqscout).",
            valueName: "name"))
    var localUser: String?

    @Flag(
        help: ArgumentHelp(
            "Scan every file again, instead of reusing the latest scan's results for files that have not changed "
                + "(same roots and settings)."))
    var full = false

    // Parsed by hand so the help lists only the thresholds a scan can judge; the type is assess's.
    @Option(
        help: ArgumentHelp(
            "Exit 1 when a finding in force is at least this bad. (values: broken, vulnerable, weakened; "
                + "deprecated and disallowed need a policy: pqscout assess --fail-on)",
            valueName: "status"),
        transform: { text in
            guard let threshold = GateThreshold(rawValue: text) else {
                throw ValidationError(
                    "--fail-on takes " + GateThreshold.withoutPolicy.map(\.rawValue).joined(separator: ", ")
                        + ", not \(text)")
            }
            return threshold
        })
    var failOn: GateThreshold?

    func validate() throws {
        if paths.isEmpty { throw ValidationError("name at least one path to scan") }
        if let failOn, failOn.status == nil {
            throw ValidationError(
                "--fail-on \(failOn.rawValue) needs a policy: use pqscout assess --fail-on; scan takes "
                    + GateThreshold.withoutPolicy.map(\.rawValue).joined(separator: ", "))
        }
        if image, systemRoot != nil { throw ValidationError("--image and --system-root exclude each other") }
        if ByteSize.parse(maxFileSize) == nil {
            throw ValidationError("--max-file-size takes a number of bytes with an optional K, M or G suffix")
        }
    }

    func run() throws {
        let passwords: [String]
        do { passwords = try ScanPasswords.gather(given: password, file: passwordFile) } catch {
            throw Failure.exit(error)
        }
        var request = ScanRequest(
            roots: paths, storePath: store.path,
            maxFileSize: ByteSize.parse(maxFileSize) ?? ScanRequest.defaultMaxFileSize, followLinks: followLinks,
            excludes: exclude, pkcs12Passwords: passwords, opensshVersion: opensshVersion?.text,
            opensslVersion: opensslVersion?.text, system: image ? .image : systemRoot.map { .path($0) } ?? .automatic)
        request.localUser = localUser
        request.full = full
        // A lone file's Include, certificate and key paths resolve where the daemon would look (the system root),
        // not beside the file: say so, so an empty drop-in folder is not a silent surprise.
        for path in paths {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                Console.error(
                    "pqscout: \(path) is one file: the paths it names (Include, certificates) resolve against the "
                        + "system root as the daemon would, not beside it; scan its folder to read the files there")
                break
            }
        }
        let progress = ProgressLine(enabled: Console.stderrIsTerminal)
        var summary: (scan: ScanRecord, diagnosticsByReason: [Diagnostic.Reason: Int])?
        let outcome: ScanOutcome
        var failed = false
        do {
            var useCase = ScanUseCase()
            useCase.handlesSignals = true
            useCase.notice = { Console.error("pqscout: " + $0) }
            outcome = try useCase.scan(request) { progress.update($0) }
            let scan = outcome.record
            progress.finish()
            if format == .json {
                // Streamed: the document of a large scan is never whole in memory (issue 21).
                let output = BufferedOutput()
                try InventoryUseCase.streamJSON(
                    InventoryRequest(storePath: store.path, scanID: scan.id), write: output.write,
                    each: { if let failOn, failOn.isMet(by: $0) { failed = true } })
                output.flush()
            } else {
                // The summary needs no findings (reading 40,000 of them back measured as a sixth of a large scan),
                // nor the diagnostics, only their counts; the gate reads up to the first finding that meets it.
                summary = try InventoryUseCase.summaryCounts(storePath: store.path, scanID: scan.id)
                if let failOn {
                    failed =
                        try InventoryUseCase.firstFinding(storePath: store.path, scanID: scan.id, where: failOn.isMet)
                        != nil
                }
            }
        } catch {
            progress.finish()
            throw Failure.exit(error)
        }
        if format == .table, let summary {
            Console.out(
                Presentation.scanSummary(
                    summary.scan, diagnosticsByReason: summary.diagnosticsByReason, storePath: store.path)
                    + Presentation.reuseLine(outcome))
        }
        if let failOn, failed {
            Console.error("pqscout: findings at or above \(failOn.rawValue) (--fail-on)")
            throw ExitCode(1)
        }
    }
}

extension GateThreshold {
    /// A scan judges no policy and honours no waiver: a finding in force meets a threshold by its status alone.
    func isMet(by finding: Finding) -> Bool {
        finding.effective && isMet(status: finding.quantumStatus, state: nil)
    }
}

/// Parses "16M", "512K", "1048576".
enum ByteSize {
    static func parse(_ text: String) -> Int64? {
        let units: [Character: Int64] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
        var digits = text.uppercased()
        var scale: Int64 = 1
        if let last = digits.last, let unit = units[last] {
            scale = unit
            digits.removeLast()
        }
        guard let value = Int64(digits), value >= 0 else { return nil }
        let (product, overflow) = value.multipliedReportingOverflow(by: scale)
        return overflow ? nil : product
    }
}

/// A single self-rewriting status line on stderr, shown only on a terminal and only after a moment.
final class ProgressLine: @unchecked Sendable {
    // Updated from the scan's calling thread only; the class exists to carry state into the closure.
    private let enabled: Bool
    private let started = Date()
    private var shown = false

    init(enabled: Bool) { self.enabled = enabled }

    func update(_ progress: ScanProgress) {
        guard enabled, Date().timeIntervalSince(started) > 0.5 else { return }
        shown = true
        Console.status("\r\u{1B}[K\(progress.filesDone)/\(progress.filesTotal) files, \(progress.findings) findings")
    }

    func finish() {
        if shown { Console.status("\r\u{1B}[K") }
        shown = false
    }
}

/// Collects output into 64 KiB writes to stdout.
final class BufferedOutput {
    private var buffer = Data()

    func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 64 << 10 { flush() }
    }

    func flush() {
        guard !buffer.isEmpty else { return }
        FileHandle.standardOutput.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}
