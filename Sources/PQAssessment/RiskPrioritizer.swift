import PQCatalog
import PQModel

/// Orders findings by what to fix first, and says why (Docs/scoring.md, "Risk priority").
///
/// Tiers, highest first: harvest-now-decrypt-later exposure (quantum-vulnerable key exchange and encryption:
/// traffic recorded today is read once a quantum computer exists; scored by Mosca's inequality x + y > z with the
/// data lifetime x, the migration time y and the years z until a CRQC, and absent when x = 0), then classically broken crypto (MD5, SHA-1 signatures, RSA < 2048, TLS < 1.2,
/// SSH-1), then authentication (signatures, certificates, keys: forgery needs a quantum computer at the time of
/// use; long-lived roots and CAs above short-lived leaves). Scores: 70-100, 50-69, 20-49, 0-19.
public struct RiskPrioritizer: Sendable {
    /// Default `--data-lifetime-years` (Mosca's x): 10 years, a common retention horizon for confidential business
    /// data (Docs/scoring.md).
    public static let defaultDataLifetimeYears = 10

    /// Default `--migration-years` (Mosca's y): 5 years, an assumption for one system's migration (inventory,
    /// testing, rollout, peers); set the figure your programme plans.
    public static let defaultMigrationYears = 5

    /// A published estimate or policy horizon for the year a cryptographically relevant quantum computer exists.
    public struct CRQCEstimate: Sendable, Hashable {
        public var id: String
        public var year: Int
        public var source: String
    }

    /// The choices `--crqc-year` accepts by name (Docs/scoring.md cites each).
    public static let crqcEstimates: [CRQCEstimate] = [
        CRQCEstimate(
            id: "ir-8547", year: 2035,
            source: "NIST IR 8547 ipd (Nov 2024) disallows quantum-vulnerable public-key algorithms after 2035, the "
                + "NSM-10 goal (standards.md §1.1, §1.2 ◐): the US planning horizon"),
        CRQCEstimate(
            id: "gri-2023-decade", year: 2034,
            source: "Global Risk Institute, Quantum Threat Timeline Report 2023 (Mosca, Piani; Jan 2024): about 31% "
                + "chance of a CRQC within a decade of the survey ◐ (executive summary)"),
        CRQCEstimate(
            id: "gri-2023-5y", year: 2029,
            source: "Global Risk Institute, Quantum Threat Timeline Report 2023 (Jan 2024): about 11% chance within "
                + "5 years of the survey ◐ (executive summary): the cautious choice"),
        CRQCEstimate(
            id: "eu-high-risk", year: 2030,
            source: "EU coordinated PQC roadmap (11 Jun 2025): high-risk use cases migrated by 31 Dec 2030 "
                + "(standards.md §1.3 ◐)"),
    ]

    /// The default estimate's id.
    public static let defaultCRQCEstimate = "ir-8547"

    public var dataLifetimeYears: Int
    public var migrationYears: Int
    public var crqcYear: Int
    public var crqcEstimate: String
    public let catalog: Catalog

    public init(
        dataLifetimeYears: Int = RiskPrioritizer.defaultDataLifetimeYears,
        migrationYears: Int = RiskPrioritizer.defaultMigrationYears, crqcYear: Int = 2035,
        crqcEstimate: String = RiskPrioritizer.defaultCRQCEstimate, catalog: Catalog = .shared
    ) {
        self.dataLifetimeYears = max(0, dataLifetimeYears)
        self.migrationYears = max(0, migrationYears)
        self.crqcYear = crqcYear
        self.crqcEstimate = crqcEstimate
        self.catalog = catalog
    }

    /// Mosca's numbers on a day.
    public func mosca(asOf: CalendarDay) -> MoscaInputs {
        MoscaInputs(
            dataLifetimeYears: dataLifetimeYears, migrationYears: migrationYears, crqcYear: crqcYear,
            crqcEstimate: crqcEstimate, asOfYear: asOf.year)
    }

    /// True when a finding protects confidentiality through a quantum-vulnerable key exchange or key transport.
    public func isKeyEstablishment(_ finding: Finding) -> Bool {
        switch finding.usage {
        case .keyExchange, .group, .cipherSuite: return true
        case .publicKey:
            if finding.source == .dhParameters { return true }
            let entry = finding.canonical.flatMap { catalog.entry(named: $0) }
            guard let entry else { return false }
            return entry.primitive == .kem || entry.primitive == .keyAgree || entry.family == "FFDH"
                || entry.family == "ECDH" || entry.canonical == "RSA-KEX" || entry.canonical == "RSA-OAEP"
        default: return false
        }
    }

    /// The priority of one finding.
    /// - Parameters:
    ///   - certificate: the finding's certificate, when it belongs to one (lifetime and CA status raise or lower it).
    ///   - asOf: the assessment day (remaining validity and Mosca's z are counted from it).
    ///   - protectedBy: the post-quantum component in force in the same exchange (the ML-KEM of a strongSwan
    ///     `x25519-ke1_mlkem768` proposal, a WireGuard peer's PresharedKey): the classical half of a hybrid carries
    ///     the hybrid's risk, not harvest-now-decrypt-later.
    public func priority(
        _ finding: Finding, certificate: CertificateDetails? = nil, asOf: CalendarDay, protectedBy: String? = nil
    ) -> RiskPriority {
        var reasons: [String] = []
        var score: Int
        let tier: RiskTier
        let status = finding.quantumStatus
        let name = finding.canonical ?? finding.algorithm
        let exposed = (status == .vulnerable || status == .broken) && isKeyEstablishment(finding)
        let mosca = mosca(asOf: asOf)
        if exposed, let protectedBy, status == .vulnerable {
            tier = .low
            score = 5
            reasons.append(
                "5: the classical half of a hybrid: \(name) is combined with \(protectedBy) in the same exchange, "
                    + "so recorded traffic stays safe while the post-quantum component holds")
        } else if exposed && mosca.dataLifetimeYears > 0 {
            tier = .harvestNowDecryptLater
            if mosca.holds {
                score = 70
                reasons.append(
                    "70: quantum-vulnerable key establishment (\(name)): traffic recorded today can be decrypted "
                        + "once a quantum computer exists")
                let weight = min(20, 2 * mosca.exposureYears)
                score += weight
                reasons.append(
                    "+\(weight): Mosca's inequality holds (x = --data-lifetime-years, y = --migration-years, "
                        + "z from --crqc-year; 2 per year exposed, at most 20): \(mosca.statement)")
            } else {
                score = 40
                reasons.append(
                    "40: quantum-vulnerable key establishment (\(name)), but Mosca's inequality does not hold yet "
                        + "(x = --data-lifetime-years, y = --migration-years, z from --crqc-year): " + mosca.statement)
            }
            if status == .broken {
                score += 10
                reasons.append("+10: also broken classically: recorded traffic is exposed without a quantum computer")
            }
        } else if exposed && status == .vulnerable {
            tier = .authentication
            score = 25
            reasons.append(
                "25: quantum-vulnerable key establishment (\(name)) with no data that must stay secret "
                    + "(--data-lifetime-years 0): no harvest-now-decrypt-later term; an attack needs a quantum "
                    + "computer at the time of use")
        } else if status == .broken {
            tier = .classicallyBroken
            score = 60
            reasons.append(
                "60: \(finding.canonical ?? finding.algorithm) is broken without a quantum computer (\(finding.usage.rawValue))"
            )
            if finding.usage == .protocolVersion || finding.usage == .cipher {
                score += 5
                reasons.append("+5: protects data in transit today")
            }
        } else if status == .vulnerable {
            tier = .authentication
            score = 25
            reasons.append(
                "25: quantum-vulnerable \(finding.usage.rawValue) (\(finding.canonical ?? finding.algorithm)): forgery "
                    + "needs a quantum computer at the time of use")
            if let certificate {
                // A self-signed certificate that says CA:FALSE is a leaf that signs nothing else.
                let longLived = certificate.isCA == true || (certificate.selfSigned && certificate.isCA != false)
                if longLived {
                    score += 15
                    reasons.append("+15: a CA or root certificate: replacing it re-issues everything beneath it")
                }
                let left = asOf.days(until: CalendarDay(certificate.notAfter))
                let years = max(0, left / 365)
                if years > 0 {
                    let bonus = min(years, 9)
                    score += bonus
                    reasons.append("+\(bonus): valid \(years) more years (until \(CalendarDay(certificate.notAfter)))")
                } else if !longLived && left >= 0 {
                    score -= 5
                    reasons.append("-5: a short-lived leaf: it rotates within a year")
                }
            } else if finding.setting.lowercased().contains("private") || finding.setting == "HostKey" {
                score += 5
                reasons.append("+5: a long-term private key: everything it signs depends on it")
            }
        } else if status == .weakened {
            tier = .low
            score = 10
            reasons.append("10: weakened by Grover's search below 128-bit strength; not broken")
        } else if status == .hybrid {
            tier = .low
            score = 5
            reasons.append("5: hybrid classical + post-quantum: safe while either holds")
        } else {
            tier = .low
            score = 0
            reasons.append("0: quantum-resistant")
        }
        if !finding.effective {
            let cut = score / 2
            score -= cut
            reasons.append("-\(cut): not in force (a setting the software ignores)")
        }
        let bounds: ClosedRange<Int> =
            switch tier {
            case .harvestNowDecryptLater: 35...100
            case .classicallyBroken: 25...69
            case .authentication: 10...49
            case .low: 0...19
            }
        return RiskPriority(score: min(max(score, bounds.lowerBound), bounds.upperBound), tier: tier, reasons: reasons)
    }
}
