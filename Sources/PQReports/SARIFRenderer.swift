import Foundation
import PQCatalog
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

    /// Most results written to one run. GitHub code scanning rejects a run with more than 25,000 results
    /// (docs.github.com, "SARIF results exceed limit"); past this, the most severe are kept and a notification
    /// says how many were left out.
    public var maxResults: Int

    public init(maxResults: Int = 25_000) {
        self.maxResults = maxResults
    }

    public func render(_ input: ReportInput, context: RenderContext) throws -> Data {
        try ReportOutput.collect { try write(input, context: context, to: $0) }
    }

    /// The results come from one walk over `orderedFindings`, or with an assessment over
    /// `judgedFindings.walkPairs`, keeping at most `maxResults` of each level.
    public func streams(assessed: Bool) -> Bool { true }

    /// The log as a JSON value (tests look inside it): the written bytes, read back.
    public func document(_ input: ReportInput, context: RenderContext) throws -> JSONValue {
        try JSONValue.parse(render(input, context: context))
    }

    /// SARIF does not read the assets.
    public var streamsCertificates: Bool { true }

    public func write(_ input: ReportInput, context: RenderContext, to output: ReportOutput) throws {
        let results = try SpilledResults(limit: maxResults)
        defer { results.remove() }
        let rules: [JSONValue]
        if input.assessment == nil {
            rules = try Self.statusRules(input, into: results)
        } else {
            rules = try Self.policyRules(input, into: results)
        }
        let kept = results.kept.items
        let marker = "pqscout-results-\(UUID().uuidString)"
        let notificationsMarker = "pqscout-notifications-\(UUID().uuidString)"
        let diagnostics = input.orderedDiagnostics
        let text = document(
            input, context: context, rules: rules, kept: kept.count, of: results.kept.total, marker: marker,
            notificationsMarker: diagnostics.isEmpty ? nil : notificationsMarker
        ).rendered(indent: 0)
        let head: String
        let tail: String
        if diagnostics.isEmpty {
            (head, tail) = JSONValue.cut(text, around: marker)
        } else {
            // A notification per diagnostic, written as the walk hands them over; the invocation's notifications
            // come before the results (keys in byte order).
            let (beforeNotifications, rest) = JSONValue.cut(text, around: notificationsMarker)
            try output.write(beforeNotifications)
            try JSONValue.writeElements(after: beforeNotifications, to: output) { element in
                try diagnostics.walk { try element(Self.notification($0)) }
            }
            (head, tail) = JSONValue.cut(rest, around: marker)
        }
        try output.write(head)
        if kept.isEmpty {
            try output.write("[]")
        } else {
            try output.write("[\n")
            for (position, result) in kept.enumerated() {
                try output.write(String(repeating: " ", count: 8))
                try results.copy(result, ruleIndex: results.ruleIndex[result.rule], to: output)
                try output.write(position == kept.count - 1 ? "\n" : ",\n")
            }
            try output.write(String(repeating: " ", count: 6) + "]")
        }
        try output.write(tail + "\n")
    }

    /// The results a run may hold, rendered as they come and parked in a spill file until the rules before them
    /// in the document are all known: memory holds a place per kept result (at most `limit` of each level), not
    /// the results. A result names its rule's index among every rule met, so it is parked in two parts, before
    /// and after that index, which is written between them once the rules are sorted.
    final class SpilledResults {
        /// A parked result: its text before and after its rule index, and its rule (a number in `rules`).
        struct Parked {
            var span: SpillFile.Span
            var headLength: Int
            var rule: Int
        }

        private(set) var kept: KeptResults<Parked>
        /// The rule of each result, by number in order of first use.
        private(set) var rules: [String] = []
        private var ruleNumbers: [String: Int] = [:]
        /// Each rule's index among the sorted rules; set by `sortRules`.
        private(set) var ruleIndex: [Int] = []
        private let spill: SpillFile
        private let marker = "pqscout-rule-index-\(UUID().uuidString)"

        init(limit: Int) throws {
            kept = KeptResults(limit: limit)
            spill = try SpillFile()
        }

        /// Offers a result of `level` under `ruleID`; `make` renders it with the index it is given, and is only
        /// called when the result may be kept.
        func add(level: String, ruleID: String, _ make: (_ index: JSONValue) -> JSONValue) throws {
            guard kept.wouldKeep(level: level) else {
                kept.add(level: level, nil)
                return
            }
            let rule: Int
            if let number = ruleNumbers[ruleID] {
                rule = number
            } else {
                rule = rules.count
                ruleNumbers[ruleID] = rule
                rules.append(ruleID)
            }
            let (head, tail) = make(.string(marker)).rendered(indent: 8, around: marker)
            let span = try spill.append(head + tail)
            kept.add(level: level, Parked(span: span, headLength: head.utf8.count, rule: rule))
        }

        /// Fixes each rule's index from the rule ids in document order.
        func sortRules(_ ids: [String]) {
            var index: [String: Int] = [:]
            for (position, id) in ids.enumerated() { index[id] = position }
            ruleIndex = rules.map { index[$0] ?? 0 }
        }

        /// Writes a parked result with its rule's index.
        func copy(_ parked: Parked, ruleIndex: Int, to output: ReportOutput) throws {
            try spill.copy(SpillFile.Span(offset: parked.span.offset, length: parked.headLength), to: output)
            try output.write(String(ruleIndex))
            try spill.copy(
                SpillFile.Span(
                    offset: parked.span.offset + UInt64(parked.headLength),
                    length: parked.span.length - parked.headLength
                ), to: output)
        }

        func remove() { spill.remove() }
    }

    /// The results kept of those a run would hold: the most severe first, at most `limit`, in the order they came.
    struct KeptResults<Item> {
        let limit: Int
        /// Every result offered, kept or not.
        private(set) var total = 0
        /// The first `limit` of each level (error, warning, note, other), with their arrival numbers.
        private var byRank: [[(number: Int, item: Item)]] = [[], [], [], []]

        init(limit: Int) { self.limit = max(0, limit) }

        /// Counts a result; keeps `item` when its level has room. A nil item is only counted (`wouldKeep` was
        /// false for it).
        mutating func add(level: String, _ item: Item?) {
            let rank = Self.rank(level)
            if let item, byRank[rank].count < limit { byRank[rank].append((total, item)) }
            total += 1
        }

        /// True when a result of `level` offered now would be kept by `add`.
        func wouldKeep(level: String) -> Bool { byRank[Self.rank(level)].count < limit }

        private static func rank(_ level: String) -> Int { ["error": 0, "warning": 1, "note": 2][level] ?? 3 }

        /// What a run holds: all errors up to `limit`, then warnings to fill it, then notes, in arrival order.
        var items: [Item] {
            var room = limit
            var kept: [(number: Int, item: Item)] = []
            for list in byRank {
                kept += list.prefix(room)
                room -= min(room, list.count)
            }
            return kept.sorted { $0.number < $1.number }.map(\.item)
        }

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

    /// The log with `marker` standing for the results array, of which `kept` of `total` are written.
    /// The tool execution notification for a file the scan skipped or could not parse.
    static func notification(_ diagnostic: Diagnostic) -> JSONValue {
        .object([
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

    private func document(
        _ input: ReportInput, context: RenderContext, rules: [JSONValue], kept: Int, of total: Int, marker: String,
        notificationsMarker: String?
    ) -> JSONValue {
        let driver = JSONValue.object([
            "name": .string(context.toolName), "version": .string(context.toolVersion),
            "semanticVersion": .string(context.toolVersion),
            "informationUri": .string("https://github.com/pqscout/pqscout"),
            "rules": .array(rules),
        ])
        var invocation: [(String, JSONValue?)] = [
            ("executionSuccessful", .bool(true)),
            ("startTimeUtc", .string(ReportDate.iso(input.scan.startedAt))),
            ("endTimeUtc", input.scan.finishedAt.map { .string(ReportDate.iso($0)) }),
        ]
        var allNotifications: [JSONValue] = notificationsMarker.map { [.string($0)] } ?? []
        if total > kept {
            allNotifications.append(
                .object([
                    "level": .string("warning"),
                    "message": .object([
                        "text": .string(
                            "\(total - kept) of \(total) results were left out (the "
                                + "least severe first): GitHub code scanning rejects runs of more than \(maxResults) "
                                + "results. The CSV and JSON reports hold every finding.")
                    ]),
                ]))
        }
        if !allNotifications.isEmpty {
            invocation.append(("toolExecutionNotifications", .array(allNotifications)))
        }
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
            ("results", .string(marker)),
            (
                "properties",
                .object([
                    "pqscout.generatedAt": .string(ReportDate.iso(context.generatedAt)),
                    "pqscout.ruleSet": .string(input.assessment.map { "policy:" + $0.profile } ?? "quantum-status"),
                ])
            ),
        ])
        return .object([
            "$schema": .string("https://json.schemastore.org/sarif-2.1.0.json"),
            "version": .string("2.1.0"),
            "runs": .array([run]),
        ])
    }

    /// Rules and results without an assessment: one rule per quantum status and usage; the findings' results
    /// offered to `results`, from one walk over `orderedFindings`.
    static func statusRules(_ input: ReportInput, into results: SpilledResults) throws -> [JSONValue] {
        try input.orderedFindings.walk { finding in
            guard Self.actionable.contains(finding.quantumStatus) else { return }
            let rule = Rule(status: finding.quantumStatus, usage: finding.usage)
            try results.add(level: level(finding.quantumStatus), ruleID: rule.id) { index in
                statusResult(finding, index: index)
            }
        }
        results.sortRules(rules.map(\.id))
        return rules.map(ruleDescriptor)
    }

    /// The result of a finding under its quantum-status rule; `index` is the rule's (or a marker for it).
    static func statusResult(_ finding: Finding, index: JSONValue) -> JSONValue {
        let rule = Rule(status: finding.quantumStatus, usage: finding.usage)
        return result(
            finding, ruleID: rule.id, index: index, level: level(finding.quantumStatus),
            message: statusMessage(finding))
    }

    /// Rules and results with an assessment: one rule per policy rule, one result per finding the policy
    /// deprecates or disallows now (`warning`, `error`) or will at a deadline ahead (`note`). A finding no rule
    /// speaks to but that is not allowed falls back to its quantum-status rule. Waived findings carry a SARIF
    /// suppression with the waiver's owner, reason and expiry.
    static func policyRules(_ input: ReportInput, into results: SpilledResults) throws -> [JSONValue] {
        guard let assessment = input.assessment else { return [] }
        var descriptors: [String: JSONValue] = [:]
        if let policy = input.policy, policy.id == assessment.profile {
            for rule in policy.rules {
                descriptors[policy.id + "/" + rule.id] = policyRuleDescriptor(rule, profile: policy)
            }
        }
        // The results come in report order; a result names its rule's index among every rule met, known at the
        // end, so the kept ones wait in `results`' spill file.
        try input.judgedFindings.walkPairs { finding, ranked in
            let judged = ranked.assessment
            guard judged.verdict.state != .allowed else { return }
            let ruleID: String
            if let rule = judged.verdict.rule {
                ruleID = rule
                if descriptors[rule] == nil { descriptors[rule] = verdictRuleDescriptor(judged.verdict, id: rule) }
            } else {
                let rule = Rule(status: finding.quantumStatus, usage: finding.usage)
                ruleID = rule.id
                if descriptors[rule.id] == nil { descriptors[rule.id] = ruleDescriptor(rule) }
            }
            try results.add(level: policyLevel(judged.verdict.state), ruleID: ruleID) { index in
                policyResult(finding, judged, ruleID: ruleID, index: index)
            }
        }
        let ids = descriptors.keys.sorted()
        results.sortRules(ids)
        return ids.compactMap { descriptors[$0] }
    }

    /// The result of a finding the policy does not allow, under `ruleID`; `index` is the rule's (or a marker).
    static func policyResult(_ finding: Finding, _ judged: FindingAssessment, ruleID: String, index: JSONValue)
        -> JSONValue
    {
        let verdict = judged.verdict
        var message = "\(finding.setting) uses \(name(finding)): \(verdict.state.rawValue)"
        if let since = verdict.since { message += " since \(since)" }
        if let deadline = verdict.deadline, let next = verdict.nextState {
            message += "; \(next.rawValue) from \(deadline)"
            if let days = verdict.daysLeft { message += " (\(days) days)" }
        }
        message += ". \(verdict.explanation)"
        if let overrun = judged.overrun { message += " \(overrun.message)." }
        var extra: [(String, JSONValue?)] = [
            ("policyState", .string(verdict.state.rawValue)), ("riskScore", .int(judged.risk.score)),
            ("riskTier", .string(judged.risk.tier.rawValue)), ("system", .string(judged.system)),
            ("deadline", verdict.deadline.map { .string($0.description) }),
        ]
        if let waiver = judged.waiver { extra.append(("waiver", .string(waiver.id))) }
        var suppressions: JSONValue?
        if let waiver = judged.waiver, waiver.honoured {
            suppressions = .array([
                .object([
                    "kind": .string("external"), "status": .string("accepted"),
                    "justification": .string(
                        "waiver \(waiver.id) (\(waiver.owner)): \(waiver.reason); expires \(waiver.expires)"),
                ])
            ])
        }
        let level = policyLevel(verdict.state)
        return result(
            finding, ruleID: ruleID, index: index, level: level, message: message, extra: extra,
            suppressions: suppressions)
    }

    static func policyLevel(_ state: PolicyState) -> String {
        switch state {
        case .disallowed: "error"
        case .deprecated: "warning"
        case .due, .allowed: "note"
        }
    }

    static func name(_ finding: Finding) -> String {
        var detail = finding.canonical ?? finding.algorithm
        if let bits = finding.keyBits { detail += " (\(bits) bits)" }
        if let curve = finding.curve { detail += " on \(curve)" }
        return detail
    }

    static func statusMessage(_ finding: Finding) -> String {
        var message =
            "\(finding.setting) uses \(name(finding)) for \(finding.usage.rawValue): \(finding.quantumStatus.rawValue)"
        if let context = finding.context { message += " in \(context)" }
        if !finding.effective { message += " (not in effect)" }
        if let note = finding.note { message += ". \(note)" }
        return message
    }

    static func result(
        _ finding: Finding, ruleID: String, index: JSONValue, level: String, message: String,
        extra: [(String, JSONValue?)] = [], suppressions: JSONValue? = nil
    ) -> JSONValue {
        var region: JSONValue?
        if let line = finding.line, line >= 1 { region = .object(["startLine": .int(line)]) }
        let identity = [
            finding.path.display, finding.source.rawValue, finding.setting, finding.usage.rawValue, finding.algorithm,
            finding.context ?? "", finding.asset ?? "",
        ].joined(separator: "\u{1F}")
        let properties: [(String, JSONValue?)] = [
            ("source", .string(finding.source.rawValue)), ("algorithm", .string(finding.algorithm)),
            ("canonical", finding.canonical.map { .string($0) }),
            ("quantumStatus", .string(finding.quantumStatus.rawValue)), ("asset", finding.asset.map { .string($0) }),
        ]
        return .object([
            ("ruleId", .string(ruleID)), ("ruleIndex", index), ("level", .string(level)),
            ("message", .object(["text": .string(message)])),
            (
                "locations",
                .array([
                    .object([
                        "physicalLocation": .object([
                            (
                                "artifactLocation",
                                .object(["uri": .string(uri(finding.path)), "uriBaseId": .string("SCANROOT")])
                            ),
                            ("region", region),
                        ])
                    ])
                ])
            ),
            ("partialFingerprints", .object(["pqscoutFindingIdentity/v1": .string(ContentHash.hex(identity))])),
            ("suppressions", suppressions),
            ("properties", .object(properties + extra)),
        ])
    }

    static func policyRuleDescriptor(_ rule: PolicyRule, profile: PolicyProfile) -> JSONValue {
        var dates: [String] = []
        if let day = rule.deprecatedFrom { dates.append("deprecated from \(day)") }
        if let day = rule.disallowedFrom { dates.append("disallowed from \(day)") }
        if dates.isEmpty && rule.datesFromCategory { dates.append("dates from the system category") }
        let binding = rule.binding ?? profile.binding
        var help = "\(rule.summary): \(dates.joined(separator: ", ")) under \(profile.title)"
        help += binding ? " (binding\(profile.scope.map { " for " + $0 } ?? ""))." : " (guidance)."
        return .object([
            "id": .string(profile.id + "/" + rule.id), "name": .string(rule.id),
            "shortDescription": .object(["text": .string(rule.summary)]),
            "fullDescription": .object(["text": .string(help)]),
            "help": .object([
                "text": .string(help + " Source: " + SourceCitation.citation(rule.source)),
                "markdown": .string(help + "\n\nSource: " + SourceCitation.citation(rule.source)),
            ]),
            "defaultConfiguration": .object(["level": .string(binding ? "error" : "warning")]),
            "properties": .object([
                "tags": .array([.string("cryptography"), .string("post-quantum"), .string(profile.id)]),
                "source": .string(SourceCitation.citation(rule.source)), "binding": .bool(binding),
            ]),
        ])
    }

    /// A rule known only from a verdict (a custom policy file): its id, explanation and source.
    static func verdictRuleDescriptor(_ verdict: PolicyVerdict, id: String) -> JSONValue {
        let text = "Rule \(id) of policy \(verdict.profile)."
        return .object([
            "id": .string(id), "name": .string(id.split(separator: "/").last.map(String.init) ?? id),
            "shortDescription": .object(["text": .string(text)]),
            "help": .object([
                "text": .string(text + " Source: " + verdict.source),
                "markdown": .string(text + "\n\nSource: " + verdict.source),
            ]),
            "defaultConfiguration": .object(["level": .string(verdict.binding ? "error" : "warning")]),
            "properties": .object(["source": .string(verdict.source), "binding": .bool(verdict.binding)]),
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
