import PQCatalog
import PQModel

/// Orders findings by what to fix first, and says why (Docs/scoring.md, "Risk priority").
///
/// Tiers, highest first: harvest-now-decrypt-later exposure (quantum-vulnerable key exchange and encryption:
/// traffic recorded today is read once a quantum computer exists; weighted by how long the data must stay secret,
/// after Mosca's inequality), then classically broken crypto (MD5, SHA-1 signatures, RSA < 2048, TLS < 1.2,
/// SSH-1), then authentication (signatures, certificates, keys: forgery needs a quantum computer at the time of
/// use; long-lived roots and CAs above short-lived leaves). Scores: 70-100, 50-69, 20-49, 0-19.
public struct RiskPrioritizer: Sendable {
    /// Default `--data-lifetime-years`: 10 years, a common retention horizon for confidential business data and
    /// the span the NIST IR 8547 ipd leaves before 2035 from its publication (Docs/scoring.md).
    public static let defaultDataLifetimeYears = 10

    public var dataLifetimeYears: Int
    public let catalog: Catalog

    public init(dataLifetimeYears: Int = RiskPrioritizer.defaultDataLifetimeYears, catalog: Catalog = .shared) {
        self.dataLifetimeYears = max(0, dataLifetimeYears)
        self.catalog = catalog
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
    ///   - asOf: the assessment day (remaining validity is counted from it).
    public func priority(_ finding: Finding, certificate: CertificateDetails? = nil, asOf: CalendarDay)
        -> RiskPriority
    {
        var reasons: [String] = []
        var score: Int
        let tier: RiskTier
        let status = finding.quantumStatus
        let exposed = (status == .vulnerable || status == .broken) && isKeyEstablishment(finding)
        if exposed {
            tier = .harvestNowDecryptLater
            score = 70
            reasons.append(
                "70: quantum-vulnerable key establishment (\(finding.canonical ?? finding.algorithm)): traffic "
                    + "recorded today can be decrypted once a quantum computer exists")
            let years = min(dataLifetimeYears, 25)
            let weight = Int((Double(20 * years) / 25).rounded())
            score += weight
            reasons.append("+\(weight): data must stay secret \(dataLifetimeYears) years (--data-lifetime-years)")
            if status == .broken {
                score += 10
                reasons.append("+10: also broken classically: recorded traffic is exposed without a quantum computer")
            }
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
                let longLived = certificate.isCA == true || certificate.selfSigned
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
