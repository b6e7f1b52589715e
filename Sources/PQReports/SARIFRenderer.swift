import Foundation
import PQModel

/// The findings that break or will break a rule, as a SARIF 2.1.0 log (OASIS SARIF v2.1.0, §3) fit for
/// GitHub code scanning upload.
///
/// Rules: until an assessment is given, one rule per quantum status and usage that needs action
/// (`pqscout/broken/signature`, `pqscout/vulnerable/key-exchange`, ...), each with help text and its source
/// (NIST IR 8547 ipd for Shor-vulnerable public-key algorithms, NIST SP 800-131A Rev. 2 for broken ones,
/// NIST IR 8547 §4.1 for Grover on symmetric keys). Results: one per finding whose status is broken
/// (`error`), vulnerable (`warning`) or weakened (`note`); hybrid and resistant findings raise nothing.
/// Locations use the relative path percent-encoded from its raw bytes under `uriBaseId` `SCANROOT`; the
/// fingerprint hashes the finding's identity without its line, so moving a line does not open a new alert.
public struct SARIFRenderer: ReportRenderer {
    public var format: ReportFormat { .sarif }

    public init() {}

    public func render(_ input: ReportInput, context: RenderContext) throws -> Data {
        Data(document(input, context: context).rendered().utf8)
    }

    /// A rule of the quantum-status rule set.
    struct Rule {
        var status: QuantumStatus
        var usage: Usage
        var id: String { "pqscout/\(status.rawValue)/\(usage.rawValue)" }
    }

    static let actionable: [QuantumStatus] = [.broken, .vulnerable, .weakened]

    static var rules: [Rule] {
        actionable.flatMap { status in Usage.allCases.map { Rule(status: status, usage: $0) } }
    }

    public func document(_ input: ReportInput, context: RenderContext) -> JSONValue {
        let rules = Self.rules
        var ruleIndex: [String: Int] = [:]
        for (index, rule) in rules.enumerated() { ruleIndex[rule.id] = index }
        var results: [JSONValue] = []
        for finding in input.sortedFindings where Self.actionable.contains(finding.quantumStatus) {
            let rule = Rule(status: finding.quantumStatus, usage: finding.usage)
            results.append(result(finding, rule: rule, index: ruleIndex[rule.id] ?? 0))
        }
        let driver = JSONValue.object([
            "name": .string(context.toolName), "version": .string(context.toolVersion),
            "semanticVersion": .string(context.toolVersion),
            "informationUri": .string("https://github.com/pqscout/pqscout"),
            "rules": .array(rules.map(Self.ruleDescriptor)),
        ])
        var invocation: [(String, JSONValue?)] = [
            ("executionSuccessful", .bool(true)),
            ("startTimeUtc", .string(ReportDate.iso(input.scan.startedAt))),
            ("endTimeUtc", input.scan.finishedAt.map { .string(ReportDate.iso($0)) }),
        ]
        let notifications = input.diagnostics.sorted { $0.path < $1.path }.map { diagnostic in
            JSONValue.object([
                "level": .string("warning"),
                "message": .object(["text": .string("\(diagnostic.reason.rawValue): \(diagnostic.detail)")]),
                "locations": .array([
                    .object([
                        "physicalLocation": .object([
                            "artifactLocation": .object([
                                "uri": .string(Self.uri(diagnostic.path)), "uriBaseId": .string("SCANROOT"),
                            ])
                        ])
                    ])
                ]),
            ])
        }
        if !notifications.isEmpty { invocation.append(("toolExecutionNotifications", .array(notifications))) }
        let run = JSONValue.object([
            ("tool", .object(["driver": driver])),
            ("automationDetails", .object(["id": .string("pqscout/scan/\(input.scan.id)")])),
            ("columnKind", .string("unicodeCodePoints")),
            (
                "originalUriBaseIds",
                .object([
                    "SCANROOT": .object([
                        "description": .object(["text": .string(input.scan.roots.joined(separator: " "))])
                    ])
                ])
            ),
            ("invocations", .array([.object(invocation)])),
            ("results", .array(results)),
            (
                "properties",
                .object([
                    "pqscout.generatedAt": .string(ReportDate.iso(context.generatedAt)),
                    "pqscout.ruleSet": .string("quantum-status"),
                ])
            ),
        ])
        return .object([
            "$schema": .string("https://json.schemastore.org/sarif-2.1.0.json"),
            "version": .string("2.1.0"),
            "runs": .array([run]),
        ])
    }

    private func result(_ finding: Finding, rule: Rule, index: Int) -> JSONValue {
        let name = finding.canonical ?? finding.algorithm
        var detail = name
        if let bits = finding.keyBits { detail += " (\(bits) bits)" }
        if let curve = finding.curve { detail += " on \(curve)" }
        var message =
            "\(finding.setting) uses \(detail) for \(finding.usage.rawValue): \(finding.quantumStatus.rawValue)"
        if let context = finding.context { message += " in \(context)" }
        if !finding.effective { message += " (not in effect)" }
        if let note = finding.note { message += ". \(note)" }
        var region: JSONValue?
        if let line = finding.line, line >= 1 { region = .object(["startLine": .int(line)]) }
        let identity = [
            finding.path.display, finding.source.rawValue, finding.setting, finding.usage.rawValue, finding.algorithm,
            finding.context ?? "", finding.asset ?? "",
        ].joined(separator: "\u{1F}")
        return .object([
            ("ruleId", .string(rule.id)), ("ruleIndex", .int(index)),
            ("level", .string(Self.level(finding.quantumStatus))),
            ("message", .object(["text": .string(message)])),
            (
                "locations",
                .array([
                    .object([
                        "physicalLocation": .object([
                            (
                                "artifactLocation",
                                .object(["uri": .string(Self.uri(finding.path)), "uriBaseId": .string("SCANROOT")])
                            ),
                            ("region", region),
                        ])
                    ])
                ])
            ),
            ("partialFingerprints", .object(["pqscoutFindingIdentity/v1": .string(ContentHash.hex(identity))])),
            (
                "properties",
                .object([
                    ("source", .string(finding.source.rawValue)), ("algorithm", .string(finding.algorithm)),
                    ("canonical", finding.canonical.map { .string($0) }),
                    ("quantumStatus", .string(finding.quantumStatus.rawValue)),
                    ("asset", finding.asset.map { .string($0) }),
                ])
            ),
        ])
    }

    static func level(_ status: QuantumStatus) -> String {
        switch status {
        case .broken: "error"
        case .vulnerable: "warning"
        default: "note"
        }
    }

    static func ruleDescriptor(_ rule: Rule) -> JSONValue {
        let (short, full, help, source) = texts(rule)
        return .object([
            "id": .string(rule.id),
            "name": .string(
                rule.status.rawValue.capitalized
                    + rule.usage.rawValue.split(separator: "-").map { $0.capitalized }.joined()),
            "shortDescription": .object(["text": .string(short)]),
            "fullDescription": .object(["text": .string(full)]),
            "help": .object([
                "text": .string(help + " Source: " + source), "markdown": .string(help + "\n\nSource: " + source),
            ]),
            "defaultConfiguration": .object(["level": .string(level(rule.status))]),
            "properties": .object([
                "tags": .array([.string("cryptography"), .string("post-quantum"), .string(rule.status.rawValue)]),
                "source": .string(source),
            ]),
        ])
    }

    static func texts(_ rule: Rule) -> (String, String, String, String) {
        let usage = rule.usage.rawValue
        switch rule.status {
        case .broken:
            return (
                "Classically broken \(usage) algorithm",
                "The \(usage) algorithm is already broken without a quantum computer (MD5, SHA-1 signatures, RC4, DES, export suites, SSLv3, RSA or DH below 2048 bits).",
                "Remove it now: replace it with the catalog's replacement (`pqscout catalog NAME`), and for public-key algorithms move to ML-KEM / ML-DSA or a hybrid.",
                "NIST SP 800-131A Rev. 2 (2019), transitions for algorithms and key lengths; RFC 8996 (TLS 1.0/1.1), RFC 7568 (SSLv3)"
            )
        case .vulnerable:
            return (
                "Quantum-vulnerable \(usage) algorithm",
                "The \(usage) algorithm (RSA, ECC, finite-field DH) is broken by Shor's algorithm on a cryptographically relevant quantum computer; recorded traffic can be decrypted later (harvest now, decrypt later).",
                "Plan the migration: key exchange to ML-KEM (FIPS 203) or a hybrid such as X25519MLKEM768; signatures to ML-DSA (FIPS 204) or SLH-DSA (FIPS 205). NIST deprecates these algorithms after 2030 and disallows them after 2035.",
                "NIST IR 8547 ipd (Nov 2024), Tables 2 and 4"
            )
        default:
            return (
                "Quantum-weakened \(usage) algorithm",
                "Grover's search halves the strength of the \(usage) algorithm to below 128 bits.",
                "Prefer 256-bit keys (AES-256) and hashes with at least 256-bit output.",
                "NIST IR 8547 ipd (Nov 2024), §4.1 symmetric cryptography"
            )
        }
    }

    /// A relative URI reference for a scan path: every byte outside RFC 3986 `unreserved` and `/` is
    /// percent-encoded from the raw path bytes, so no path can break out of the reference.
    static func uri(_ path: ScanPath) -> String {
        var out = ""
        for byte in path.bytes {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"), UInt8(ascii: "/"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += String(format: "%%%02X", byte)
            }
        }
        return out.isEmpty ? "." : out
    }
}
