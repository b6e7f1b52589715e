import Foundation
import PQModel

/// Chooses which findings of an evidence scan speak to a claim about one protocol or use.
///
/// Generic on purpose: a finding is chosen by its `source` (the scanner family) or by its path, never by anything a
/// particular scanner does, so a scanner added later (TLS servers, mail, VPN) is matched as soon as its source is
/// listed here, and any file is matched when the claim names its path under `evidence`.
public enum EvidenceSelector {
    /// Finding sources that configure each protocol. A source containing `tls` also counts for the TLS server.
    public static let sourcesByProtocol: [ClaimedProtocol: Set<String>] = [
        .tlsServer: ["nginx", "apache", "haproxy", "openssl-conf", "java-security", "postfix", "dovecot", "exim"],
        .tlsClient: ["openssl-conf", "java-security"],
        .ssh: ["openssh", "ssh-key", "ssh-certificate"],
        .ipsec: ["strongswan", "libreswan", "openvpn", "wireguard"],
    ]

    /// Path patterns used for a signing claim that names no `evidence`: where appliance images keep signers.
    public static let defaultPaths: [ClaimedProtocol: [String]] = [
        .firmwareSigning: ["fw/*", "firmware/*", "*/fw/*", "*/firmware/*"],
        .codeSigning: ["codesign/*", "code-signing/*", "*/codesign/*", "*/code-signing/*"],
    ]

    /// Finding sources read from certificate files. A chain file that a selected finding's certificate comes from
    /// (same `asset`) is taken whole: its intermediates and root are served with the leaf.
    public static let certificateSources: Set<String> = ["x509", "pkcs7", "pkcs12"]

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
        let sources = sourcesByProtocol[claim.protocol] ?? []
        let chosen = findings.filter { finding in
            sources.contains(finding.source.rawValue)
                || (claim.protocol == .tlsServer && finding.source.rawValue.contains("tls"))
        }
        return chosen + chains(servedBy: chosen, in: findings)
    }

    /// The certificates of every file a selected finding serves a certificate from, except the ones the selected
    /// findings already stand for (the leaf a configuration line names): so an intermediate inside a full-chain file
    /// is judged with the service that sends it.
    static func chains(servedBy chosen: [Finding], in findings: [Finding]) -> [Finding] {
        let assets = Set(chosen.compactMap(\.asset))
        guard !assets.isEmpty else { return [] }
        let files = Set(
            findings.filter { certificateSources.contains($0.source.rawValue) && $0.asset.map(assets.contains) == true }
                .map(\.path))
        return findings.filter { finding in
            files.contains(finding.path) && certificateSources.contains(finding.source.rawValue)
                && !(finding.asset.map(assets.contains) ?? false)
        }
    }
}
