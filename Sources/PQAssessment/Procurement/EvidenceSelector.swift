import Foundation
import PQModel

/// Chooses which findings of an evidence scan speak to a claim about one protocol or use.
///
/// Generic on purpose: a finding is chosen by its `source` (the scanner family) or by its path, never by anything a
/// particular scanner does, so a scanner added later (TLS servers, mail, VPN) is matched as soon as its source is
/// described (`FindingSourceDescription.claims`), and any file is matched when the claim names its path under `evidence`.
public enum EvidenceSelector {
    /// True when `source`'s findings are evidence about `protocol` (its description's `claims`). A source PQScout
    /// does not describe whose name contains `tls` (an imported CBOM's) counts for the TLS server.
    public static func source(_ source: FindingSource, configures protocol: ClaimedProtocol) -> Bool {
        guard let described = source.described else {
            return `protocol` == .tlsServer && source.rawValue.contains("tls")
        }
        return described.claims.contains(`protocol`)
    }

    /// Path patterns used for a signing claim that names no `evidence`: where appliance images keep signers.
    public static let defaultPaths: [ClaimedProtocol: [String]] = [
        .firmwareSigning: ["fw/*", "firmware/*", "*/fw/*", "*/firmware/*"],
        .codeSigning: ["codesign/*", "code-signing/*", "*/codesign/*", "*/code-signing/*"],
    ]

    /// True for findings read from certificate files. A chain file that a selected finding's certificate comes from
    /// (same `asset`) is taken whole: its intermediates and root are served with the leaf.
    public static func isCertificate(_ source: FindingSource) -> Bool { source.described?.holds == .certificates }

    /// The findings about `claim`'s protocol: under its `evidence` patterns when it names any, else by source (or,
    /// for signing, under `defaultPaths`).
    public static func findings(for claim: ProtocolClaim, in findings: [Finding]) -> [Finding] {
        let patterns = claim.evidence.isEmpty ? (defaultPaths[claim.protocol] ?? []) : claim.evidence
        if !patterns.isEmpty {
            let compiled = patterns.map(PathPattern.init)
            return findings.filter { finding in
                let display = finding.path.display
                return compiled.contains { $0.matches(display: display) }
            }
        }
        let chosen = findings.filter { source($0.source, configures: claim.protocol) }
        return chosen + chains(servedBy: chosen, in: findings)
    }

    /// The certificates of every file a selected finding serves a certificate from, except the ones the selected
    /// findings already stand for (the leaf a configuration line names): so an intermediate inside a full-chain file
    /// is judged with the service that sends it.
    static func chains(servedBy chosen: [Finding], in findings: [Finding]) -> [Finding] {
        let assets = Set(chosen.compactMap(\.asset))
        guard !assets.isEmpty else { return [] }
        let files = Set(
            findings.filter { isCertificate($0.source) && $0.asset.map(assets.contains) == true }
                .map(\.path))
        return findings.filter { finding in
            files.contains(finding.path) && isCertificate(finding.source)
                && !(finding.asset.map(assets.contains) ?? false)
        }
    }
}
