import Foundation
import PQCatalog
import PQModel

/// The crypto-agility score of one system and of a whole scan: 0-100 and a grade, every point explained.
///
/// Crypto agility is the ability to replace algorithms without rebuilding the system around them (NIST CSWP 39,
/// "Considerations for Achieving Cryptographic Agility", 2025). The score starts from a neutral baseline of 50 and
/// each dimension adds or takes away points, listing the findings behind them; a dimension that cannot be judged
/// from what the scan holds is listed as not evaluated, with the reason, and moves nothing. Docs/scoring.md
/// documents every dimension and its weight.
public struct AgilityScorer: Sendable {
    /// One finding of a system, with what the scorer needs beside it.
    public struct Item: Sendable {
        public var ref: FindingRef
        public var finding: Finding
        public var certificate: CertificateDetails?
        public var overrun: CertificateOverrun?

        public init(
            ref: FindingRef, finding: Finding, certificate: CertificateDetails? = nil,
            overrun: CertificateOverrun? = nil
        ) {
            self.ref = ref
            self.finding = finding
            self.certificate = certificate
            self.overrun = overrun
        }
    }

    /// The score every system starts from.
    public static let baseline = 50

    /// The release from which a system's library can do PQ key exchange: the library its source's description
    /// names, and the catalog's first release of it that brings a post-quantum or hybrid KEM (`Catalog.releases`).
    public func pqCapableRelease(forSource source: String) -> SoftwareRelease? {
        guard let library = FindingSource(rawValue: source).described?.library else { return nil }
        return catalog.firstPQKeyExchangeRelease(of: library)
    }

    /// Longest validity the CA/Browser Forum allows a publicly trusted TLS leaf issued on `day`: ballot SC-081v3
    /// (April 2025) cuts 398 days to 200 from 2026-03-15, 100 from 2027-03-15 and 47 from 2029-03-15
    /// (standards.md §7b ◐).
    public static func maximumLeafDays(on day: CalendarDay) -> Int {
        let steps: [(String, Int)] = [("2029-03-15", 47), ("2027-03-15", 100), ("2026-03-15", 200)]
        for (from, days) in steps {
            if let start = CalendarDay(from), day >= start { return days }
        }
        return 398
    }

    public let catalog: Catalog

    public init(catalog: Catalog = .shared) {
        self.catalog = catalog
    }

    /// True when a finding is a post-quantum or hybrid key establishment in force: a KEM in the catalog (ML-KEM,
    /// its hybrids, sntrup761x25519, ...), not merely "resistant" (a plain PSK suite has no public-key step, but it
    /// is not PQ key establishment and never negotiates without a PSK configured).
    public func isPQKeyEstablishment(_ finding: Finding) -> Bool {
        guard finding.effective, finding.quantumStatus == .hybrid || finding.quantumStatus == .resistant else {
            return false
        }
        let entry = finding.canonical.flatMap { catalog.entry(named: $0) } ?? catalog.entry(named: finding.algorithm)
        return entry?.primitive == .kem
    }

    // MARK: - One system

    /// Scores one system from its findings and the scan's installed software.
    /// - Parameter asOf: the assessment day (certificate lifetimes are judged by the CA/B Forum limit in force).
    public func score(system: SystemRef, items: [Item], software: [Software], asOf: CalendarDay? = nil)
        -> AgilityScore
    {
        let adjustments: [ScoreAdjustment]
        switch system.kind {
        case .configuration: adjustments = configurationDimensions(system: system, items: items, software: software)
        case .certificateStore, .keyStore:
            adjustments = storeDimensions(items: items, asOf: asOf ?? CalendarDay(Date()))
        }
        let total = Self.baseline + adjustments.reduce(0) { $0 + $1.points }
        let score = min(100, max(0, total))
        return AgilityScore(
            system: system, baseline: Self.baseline, score: score, grade: Self.grade(score), adjustments: adjustments,
            findingCount: items.count)
    }

    /// Why a system has no algorithm setting in force. When it has findings and none is in force, their notes say
    /// why (a daemon that refuses to start with its configuration, one PQScout could not read whole): the commonest
    /// first clause is quoted (ties: the first alphabetically, so the input's order does not matter), and the score
    /// does not read as if the settings were merely absent.
    static func nothingInForce(_ items: [Item]) -> String {
        let plain = "no algorithm setting in force was found for this system"
        guard !items.isEmpty, items.allSatisfy({ !$0.finding.effective }) else { return plain }
        var counts: [String: Int] = [:]
        for item in items {
            guard let note = item.finding.note, let clause = note.components(separatedBy: "; ").first else { continue }
            counts[clause, default: 0] += 1
        }
        guard let why = counts.max(by: { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) })?.key
        else { return plain }
        return "\(plain): none of its \(items.count) findings is in force (\(why))"
    }

    /// A ≥ 85, B ≥ 70, C ≥ 55, D ≥ 40, F below.
    public static func grade(_ score: Int) -> String {
        switch score {
        case 85...: "A"
        case 70..<85: "B"
        case 55..<70: "C"
        case 40..<55: "D"
        default: "F"
        }
    }

    func configurationDimensions(system: SystemRef, items: [Item], software: [Software]) -> [ScoreAdjustment] {
        let live = items.filter { $0.finding.effective }
        var out: [ScoreAdjustment] = []
        let algorithmUsages: Set<Usage> = [.keyExchange, .group, .cipher, .cipherSuite, .mac, .signature]
        let chosen = live.filter { algorithmUsages.contains($0.finding.usage) }
        let explicit = chosen.filter { $0.finding.origin == .file }
        let fixed = FindingSource(rawValue: system.source).described?.fixedProtocol != nil
        if fixed {
            out.append(
                ScoreAdjustment(
                    dimension: "configured-choice", points: 0,
                    reason: "\(system.source) fixes its algorithms in the protocol: nothing to choose in configuration",
                    findings: chosen.map(\.ref)))
        } else if chosen.isEmpty {
            out.append(
                ScoreAdjustment(
                    dimension: "configured-choice", points: 0, evaluated: false,
                    reason: Self.nothingInForce(items)))
        } else if !explicit.isEmpty {
            out.append(
                ScoreAdjustment(
                    dimension: "configured-choice", points: 10,
                    reason: "algorithms are chosen in configuration (\(Self.settings(explicit))), not fixed in code",
                    findings: explicit.map(\.ref)))
        } else {
            out.append(
                ScoreAdjustment(
                    dimension: "configured-choice", points: 0,
                    reason: "only the software's built-in defaults are in force: changing them takes an upgrade",
                    findings: chosen.map(\.ref)))
        }
        let exchange = live.filter { $0.finding.usage == .keyExchange || $0.finding.usage == .group }
        let distinct = Set(exchange.map { $0.finding.canonical ?? $0.finding.algorithm })
        if exchange.isEmpty {
            out.append(
                ScoreAdjustment(
                    dimension: "negotiation-options", points: 0, evaluated: false,
                    reason: "no key exchange or group setting recorded for this system"))
            out.append(
                ScoreAdjustment(
                    dimension: "hybrid-pq-offered", points: 0, evaluated: false,
                    reason: "no key exchange or group setting recorded for this system"))
        } else if fixed {
            out.append(
                ScoreAdjustment(
                    dimension: "negotiation-options", points: -10,
                    reason: "\(system.source) negotiates nothing: moving to another algorithm takes a new protocol "
                        + "version on every peer", findings: exchange.map(\.ref)))
            out.append(hybridDimension(exchange))
        } else {
            if distinct.count >= 2 {
                out.append(
                    ScoreAdjustment(
                        dimension: "negotiation-options", points: 10,
                        reason: "\(distinct.count) key exchanges offered: peers can negotiate, and one can be "
                            + "retired without an outage", findings: exchange.map(\.ref)))
            } else {
                out.append(
                    ScoreAdjustment(
                        dimension: "negotiation-options", points: -10,
                        reason: "a single key exchange (\(distinct.sorted().joined())): no fallback to move to",
                        findings: exchange.map(\.ref)))
            }
            out.append(hybridDimension(exchange))
        }
        let protocols = live.filter { $0.finding.usage == .protocolVersion }
        if protocols.isEmpty {
            out.append(
                ScoreAdjustment(
                    dimension: "protocol-floor", points: 0, evaluated: false,
                    reason: "no protocol version setting recorded for this system"))
        } else {
            let broken = protocols.filter { $0.finding.quantumStatus == .broken }
            let modern = protocols.filter { Self.isModernProtocol($0.finding) }
            if !modern.isEmpty {
                out.append(
                    ScoreAdjustment(
                        dimension: "protocol-floor", points: 10,
                        reason: "a protocol that can carry PQ key exchange is enabled (TLS 1.3 or SSH-2)",
                        findings: modern.map(\.ref)))
            }
            if !broken.isEmpty {
                out.append(
                    ScoreAdjustment(
                        dimension: "protocol-floor", points: -15,
                        reason: "broken protocol versions still enabled (\(Self.names(broken)))",
                        findings: broken.map(\.ref)))
            }
            if modern.isEmpty && broken.isEmpty {
                out.append(
                    ScoreAdjustment(
                        dimension: "protocol-floor", points: -5,
                        reason: "no protocol version that carries PQ key exchange (TLS 1.3) is enabled",
                        findings: protocols.map(\.ref)))
            }
        }
        out.append(libraryDimension(system: system, software: software))
        let central = live.filter { $0.finding.path.display.contains("crypto-policies") }
        if central.isEmpty {
            out.append(
                ScoreAdjustment(
                    dimension: "central-policy", points: 0,
                    reason: "settings are written in this file; no system-wide crypto policy was seen"))
        } else {
            out.append(
                ScoreAdjustment(
                    dimension: "central-policy", points: 5,
                    reason: "algorithms come from a central crypto policy: one change moves every consumer",
                    findings: central.map(\.ref)))
        }
        out.append(legacyDimension(live))
        return out
    }

    /// +20 when a post-quantum or hybrid KEM is in force, −20 when none is.
    func hybridDimension(_ exchange: [Item]) -> ScoreAdjustment {
        let pq = exchange.filter { isPQKeyEstablishment($0.finding) }
        if pq.isEmpty {
            return ScoreAdjustment(
                dimension: "hybrid-pq-offered", points: -20,
                reason: "no hybrid or post-quantum key exchange is in force (PSK and classical groups do not count)",
                findings: exchange.map(\.ref))
        }
        let names = Set(pq.map { $0.finding.canonical ?? $0.finding.algorithm }).sorted()
        return ScoreAdjustment(
            dimension: "hybrid-pq-offered", points: 20,
            reason: "\(names.joined(separator: ", ")) in force (hybrid or post-quantum KEM)", findings: pq.map(\.ref))
    }

    func libraryDimension(system: SystemRef, software: [Software]) -> ScoreAdjustment {
        guard let rule = pqCapableRelease(forSource: system.source) else {
            return ScoreAdjustment(
                dimension: "pq-capable-library", points: 0, evaluated: false,
                reason: "PQScout has no version rule for \(system.source)'s library")
        }
        guard !software.isEmpty else {
            return ScoreAdjustment(
                dimension: "pq-capable-library", points: 0, evaluated: false,
                reason: "no package database was read in this scan, so the installed \(rule.software) is unknown")
        }
        let candidates = software.filter { Self.isPackage($0.name, of: rule.software) }
        guard
            let best = candidates.max(by: {
                Self.version($0.version).lexicographicallyPrecedes(Self.version($1.version))
            })
        else {
            return ScoreAdjustment(
                dimension: "pq-capable-library", points: 0, evaluated: false,
                reason: "no \(rule.software) package among the \(software.count) installed packages read")
        }
        let version = Self.version(best.version)
        let wanted = rule.version
        if !version.lexicographicallyPrecedes(rule.versionParts) {
            return ScoreAdjustment(
                dimension: "pq-capable-library", points: 10,
                reason: "\(best.name) \(best.version) can do PQ key exchange (≥ \(wanted)): \(rule.source)")
        }
        return ScoreAdjustment(
            dimension: "pq-capable-library", points: -10,
            reason: "\(best.name) \(best.version) is older than \(wanted): PQ key exchange needs an upgrade first "
                + "(\(rule.source))")
    }

    func storeDimensions(items: [Item], asOf: CalendarDay) -> [ScoreAdjustment] {
        var out: [ScoreAdjustment] = []
        let live = items.filter { $0.finding.effective }
        let ready = live.filter { $0.finding.quantumStatus == .resistant || $0.finding.quantumStatus == .hybrid }
        if ready.isEmpty {
            out.append(
                ScoreAdjustment(
                    dimension: "pq-ready-material", points: -10,
                    reason: "every key and certificate here is quantum-vulnerable: nothing to switch to yet",
                    findings: live.map(\.ref)))
        } else {
            out.append(
                ScoreAdjustment(
                    dimension: "pq-ready-material", points: 15,
                    reason: "post-quantum or hybrid material is already deployed here (\(Self.names(ready)))",
                    findings: ready.map(\.ref)))
        }
        var seen = Set<String>()
        var leaves: [(item: Item, days: Int)] = []
        var roots: [Item] = []
        for item in live {
            guard let certificate = item.certificate, seen.insert(certificate.sha256).inserted else { continue }
            // A self-signed certificate marked CA:FALSE is a leaf, not a root.
            if certificate.isCA == true || (certificate.selfSigned && certificate.isCA != false) {
                roots.append(item)
            } else {
                let days = CalendarDay(certificate.notBefore).days(until: CalendarDay(certificate.notAfter))
                leaves.append((item, days))
            }
        }
        if leaves.isEmpty {
            out.append(
                ScoreAdjustment(
                    dimension: "certificate-lifetime", points: 0, evaluated: false,
                    reason: "no leaf certificate here to judge lifetimes by"))
        } else {
            // Only a quantum-vulnerable leaf pins today's algorithms: a long-lived ML-DSA leaf is already moved.
            let limit = Self.maximumLeafDays(on: asOf)
            let classical = leaves.filter {
                $0.item.finding.quantumStatus == .vulnerable || $0.item.finding.quantumStatus == .broken
            }
            let long = classical.filter { $0.days > 825 }
            if !long.isEmpty {
                out.append(
                    ScoreAdjustment(
                        dimension: "certificate-lifetime", points: -10,
                        reason: "\(long.count) quantum-vulnerable leaf certificate(s) valid for more than 825 days: "
                            + "they pin today's algorithms for years", findings: long.map(\.item.ref)))
            } else if classical.allSatisfy({ $0.days <= limit }) {
                out.append(
                    ScoreAdjustment(
                        dimension: "certificate-lifetime", points: 10,
                        reason: "every quantum-vulnerable leaf lives \(limit) days or less, the CA/B Forum limit on "
                            + "\(asOf) (ballot SC-081v3 ◐): rotation moves them to new algorithms quickly",
                        findings: leaves.map(\.item.ref)))
            } else {
                out.append(
                    ScoreAdjustment(
                        dimension: "certificate-lifetime", points: 0,
                        reason: "quantum-vulnerable leaf lifetimes are between \(limit) (the CA/B Forum limit on "
                            + "\(asOf), ballot SC-081v3 ◐) and 825 days", findings: classical.map(\.item.ref)))
            }
        }
        let stuck = roots.filter { $0.overrun != nil && $0.finding.quantumStatus != .resistant }
        if !stuck.isEmpty {
            let cut = min(15, 5 * stuck.count)
            out.append(
                ScoreAdjustment(
                    dimension: "long-lived-roots", points: -cut,
                    reason: "\(stuck.count) CA or root certificate(s) outlive the policy deadline for their "
                        + "algorithm: everything beneath them must move at once", findings: stuck.map(\.ref)))
        }
        out.append(legacyDimension(live))
        return out
    }

    func legacyDimension(_ live: [Item]) -> ScoreAdjustment {
        let broken = live.filter { $0.finding.quantumStatus == .broken }
        if broken.isEmpty {
            return ScoreAdjustment(
                dimension: "legacy-in-force", points: 0, reason: "no classically broken algorithm in force")
        }
        return ScoreAdjustment(
            dimension: "legacy-in-force", points: -15,
            reason: "classically broken algorithms still in force (\(Self.names(broken))): old dependencies that "
                + "slow every change", findings: broken.map(\.ref))
    }

    // MARK: - Whole scan

    /// The whole scan's score: the plain mean of its systems' scores, each system counted once.
    ///
    /// Weighting by finding count let one long cipher-list expansion outweigh every other system; a system is the
    /// unit that migrates, so each counts the same. Every system is listed (0 points each) and one `mean` line
    /// carries the whole score, so the lines add up with no rounding line.
    public func overall(_ systems: [AgilityScore]) -> AgilityScore {
        var tally = Tally()
        for system in systems { tally.add(system) }
        var score = overall(tally: tally)
        if score.systemLinesLeftOut {
            score.adjustments = systems.map(ScoreAdjustment.systemLine) + score.adjustments
            score.systemLinesLeftOut = false
        }
        return score
    }

    /// What the whole scan's score reads of its systems, summed as each is scored: an assessment that hands each
    /// score on as it is made keeps these three numbers, not a line per system.
    public struct Tally: Sendable, Hashable {
        public private(set) var systems = 0
        public private(set) var scores = 0
        public private(set) var findings = 0

        public init() {}

        public mutating func add(_ score: AgilityScore) {
            systems += 1
            scores += score.score
            findings += score.findingCount
        }
    }

    /// The whole scan's score from its systems' tally, with their lines left out (`AgilityScore.systemLinesLeftOut`:
    /// the writer puts them back from the systems, in id order); a scan with no findings has no system lines.
    public func overall(tally: Tally) -> AgilityScore {
        let scope = SystemRef(id: "scan", kind: .configuration, source: "scan", path: ".")
        guard tally.systems > 0, tally.findings > 0 else {
            return AgilityScore(
                system: scope, baseline: 0, score: 0, grade: "-",
                adjustments: [
                    ScoreAdjustment(
                        dimension: "systems", points: 0, evaluated: false,
                        reason: "no findings, so no system to score: this is not a clean bill of health")
                ], findingCount: 0)
        }
        let sum = tally.scores
        let count = tally.systems
        // Half up, in integers: (2·sum + n) / (2·n).
        let score = min(100, max(0, (2 * sum + count) / (2 * count)))
        let mean = ScoreAdjustment(
            dimension: "mean", points: score,
            reason: "mean of \(count) system scores: \(sum) / \(count), rounded half up")
        var out = AgilityScore(
            system: scope, baseline: 0, score: score, grade: Self.grade(score), adjustments: [mean],
            findingCount: tally.findings)
        out.systemLinesLeftOut = true
        return out
    }

    // MARK: - Helpers

    static func settings(_ items: [Item]) -> String {
        let names = Set(items.map(\.finding.setting)).sorted()
        return names.prefix(4).joined(separator: ", ") + (names.count > 4 ? ", ..." : "")
    }

    static func names(_ items: [Item]) -> String {
        let names = Set(items.map { $0.finding.canonical ?? $0.finding.algorithm }).sorted()
        return names.prefix(5).joined(separator: ", ") + (names.count > 5 ? ", ..." : "")
    }

    static func isModernProtocol(_ finding: Finding) -> Bool {
        let name = (finding.canonical ?? finding.algorithm).lowercased().replacingOccurrences(of: "v", with: "")
        return name.contains("tls1.3") || name.contains("tls 1.3") || name == "ssh-2" || name == "ssh2"
            || name.contains("dtls1.3")
    }

    /// Package names that carry a library: `openssh-server`, `libssl3`, `openssl`, `strongswan-charon`, ...
    static func isPackage(_ name: String, of package: String) -> Bool {
        let lowered = name.lowercased()
        switch package {
        case "openssl": return lowered == "openssl" || lowered.hasPrefix("libssl") || lowered.hasPrefix("openssl-libs")
        default: return lowered == package || lowered.hasPrefix(package + "-") || lowered.hasPrefix(package)
        }
    }

    /// Leading numeric components of a package version: "1:9.6p1-3" → [9, 6]; "3.0.15-1~deb12u1" → [3, 0, 15].
    static func version(_ text: String) -> [Int] {
        var body = Substring(text)
        if let colon = body.firstIndex(of: ":") { body = body[body.index(after: colon)...] }
        var parts: [Int] = []
        var current = ""
        for character in body {
            if character.isASCII, character.isNumber {
                current.append(character)
            } else if character == ".", !current.isEmpty {
                parts.append(Int(current) ?? 0)
                current = ""
            } else {
                break
            }
        }
        if !current.isEmpty { parts.append(Int(current) ?? 0) }
        return parts
    }
}
