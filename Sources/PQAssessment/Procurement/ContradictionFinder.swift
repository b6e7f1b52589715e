import PQCatalog
import PQModel

/// Compares a vendor's claims with what its shipped configuration, certificates and keys put in force.
///
/// It reads findings only by their generic fields (source, path, line, setting, usage, algorithm, canonical, status,
/// `effective`), so it works for any scanner. Only findings in force count (`effective`; a setting a later
/// duplicate overrides, or a file no include reaches, proves nothing). The kinds are in `ContradictionKind`;
/// Docs/procurement.md gives an example of each.
public struct ContradictionFinder: Sendable {
    public let catalog: Catalog

    public init(catalog: Catalog = .shared) {
        self.catalog = catalog
    }

    /// Every contradiction between the claims and the evidence, in protocol, kind, path and line order.
    public func contradictions(_ claims: VendorClaims, evidence: [Finding]) -> [Contradiction] {
        var out: [Contradiction] = []
        for claim in claims.protocols {
            let found = EvidenceSelector.findings(for: claim, in: evidence).filter(\.effective)
            out += contradictions(claim, evidence: found)
        }
        let kinds = ContradictionKind.allCases
        return out.sorted {
            ($0.protocol, kinds.firstIndex(of: $0.kind) ?? 0, $0.path, $0.line ?? 0)
                < ($1.protocol, kinds.firstIndex(of: $1.kind) ?? 0, $1.path, $1.line ?? 0)
        }
    }

    /// The contradictions of one protocol claim, given the in-force findings chosen for it.
    func contradictions(_ claim: ProtocolClaim, evidence: [Finding]) -> [Contradiction] {
        let evidence = evidence.sorted { ($0.path, $0.line ?? 0) < ($1.path, $1.line ?? 0) }
        let name = claim.protocol.rawValue
        var out: [Contradiction] = []
        let defaults = claim.defaults.map { ClaimedAlgorithm($0, catalog: catalog) }
        let named = (claim.supported + claim.defaults).map { ClaimedAlgorithm($0, catalog: catalog) }
        let namedKeys = Set(named.map(\.key))
        // What the vendor wrote speaks louder than the software's defaults: where a job has explicit settings, only
        // they are compared (a default list for an unused mechanism, like GSSAPI key exchange, proves nothing).
        func ofJob(_ job: AlgorithmJob) -> [Finding] {
            let all = evidence.filter { AlgorithmJob(usage: $0.usage) == job }
            let written = all.filter { $0.origin == .file }
            return written.isEmpty ? all : written
        }

        // Defaults that the evidence does not put in force, for the jobs a configuration list decides.
        if !claim.protocol.isSigning {
            for algorithm in defaults {
                guard let job = algorithm.job, [.keyExchange, .cipher, .mac].contains(job) else { continue }
                let found = ofJob(job)
                guard let first = found.first, !found.contains(where: { key(of: $0) == algorithm.key }) else {
                    continue
                }
                out.append(
                    Contradiction(
                        kind: .defaultNotInForce, protocol: claim.protocol,
                        claim: "claims \(algorithm.name) on by default for \(name)",
                        proof: proof(first, among: evidence), path: first.path.display, line: first.line))
            }
        }

        // Hybrid claimed, none in force.
        if claim.hybrid == true {
            let exchanges = ofJob(.keyExchange)
            if let first = exchanges.first, !exchanges.contains(where: isPQKeyExchange) {
                out.append(
                    Contradiction(
                        kind: .hybridNotOffered, protocol: claim.protocol,
                        claim: "claims hybrid post-quantum key exchange for \(name)",
                        proof: proof(first, among: evidence) + "; no hybrid or ML-KEM group is in force",
                        path: first.path.display, line: first.line))
            }
        }

        // A PQ signing path claimed, but the signer is classical.
        if claim.protocol.isSigning {
            let pq = defaults.filter(\.isPQSignature)
            let keys = evidence.filter { $0.usage == .publicKey }
            if !pq.isEmpty, !keys.isEmpty, !keys.contains(where: isPQSigner) {
                var seen = Set<String>()
                for key in keys where seen.insert(key.path.display).inserted {
                    let what = key.source == .x509 || key.source == .pkcs7 ? "signing certificate" : "signing key"
                    out.append(
                        Contradiction(
                            kind: .classicalSigningKey, protocol: claim.protocol,
                            claim: "claims \(pq.map(\.name).joined(separator: ", ")) \(words(claim.protocol))",
                            proof: "the \(what) `\(key.path.display)` is \(describe(key))",
                            path: key.path.display, line: key.line))
                }
            }
        }

        // In force but not claimed: broken ones always (when the claim names algorithms), others per job listed.
        let claimedJobs = Set(named.compactMap(\.job))
        var reported = Set<String>()
        for finding in evidence where !namedKeys.contains(key(of: finding)) {
            let id = "\(finding.path.display):\(finding.line ?? 0):\(key(of: finding))"
            if finding.quantumStatus == .broken, !named.isEmpty {
                guard reported.insert(id).inserted else { continue }
                out.append(
                    Contradiction(
                        kind: .brokenInForce, protocol: claim.protocol,
                        claim: "claims no classically broken algorithm for \(name)",
                        proof: proof(finding, among: evidence, only: true) + " (\(label(finding)), classically broken)",
                        path: finding.path.display, line: finding.line))
                continue
            }
            guard finding.origin == .file, let job = AlgorithmJob(usage: finding.usage),
                [.keyExchange, .cipher, .mac].contains(job),
                claimedJobs.contains(job), reported.insert(id).inserted
            else { continue }
            let listed = named.filter { $0.job == job }.map(\.name)
            out.append(
                Contradiction(
                    kind: .unclaimedAlgorithm, protocol: claim.protocol,
                    claim:
                        "claims \(name) \(job.rawValue) is limited to \(Self.unique(listed).joined(separator: ", "))",
                    proof: proof(finding, among: evidence, only: true) + " (\(label(finding)))",
                    path: finding.path.display, line: finding.line))
        }
        return out
    }

    // MARK: - Wording

    func key(of finding: Finding) -> String { Catalog.normalise(finding.canonical ?? finding.algorithm) }

    func label(_ finding: Finding) -> String { describe(finding) }

    /// A KEM that resists a quantum computer, alone or in a hybrid (a PSK key exchange does not count).
    func isPQKeyExchange(_ finding: Finding) -> Bool {
        guard finding.quantumStatus == .hybrid || finding.quantumStatus == .resistant else { return false }
        return ClaimedAlgorithm(finding.canonical ?? finding.algorithm, catalog: catalog).entry?.primitive == .kem
    }

    func isPQSigner(_ finding: Finding) -> Bool {
        let claimed = ClaimedAlgorithm(finding.canonical ?? finding.algorithm, catalog: catalog)
        return claimed.isPQSignature || finding.quantumStatus == .hybrid
    }

    func words(_ protocol: ClaimedProtocol) -> String {
        `protocol` == .firmwareSigning ? "firmware signing" : "code signing"
    }

    /// "RSA-2048", "ECDSA P-256", "Ed25519".
    func describe(_ finding: Finding) -> String {
        let name = finding.canonical ?? finding.algorithm
        if let curve = finding.curve { return "\(name) \(curve)" }
        if let bits = finding.keyBits { return "\(name)-\(bits)" }
        return name
    }

    /// "`path:line` sets `setting a,b`", or for a default "`path` leaves `setting` at its default `a,b`", or for a
    /// whole-file object "`path` holds `algorithm` (setting)".
    /// - Parameter only: cite just this finding's algorithm instead of the whole list on its line.
    func proof(_ finding: Finding, among evidence: [Finding], only: Bool = false) -> String {
        let siblings =
            only
            ? [finding]
            : evidence.filter {
                $0.path == finding.path && $0.line == finding.line && $0.setting == finding.setting
                    && $0.context == finding.context && $0.origin == finding.origin
            }
        let separator = ["openssh", "strongswan"].contains(finding.source.rawValue) ? "," : ":"
        let value = Self.unique(siblings.map(\.algorithm)).joined(separator: separator)
        let context = finding.context.map { " in `\($0)`" } ?? ""
        if finding.origin == .default {
            return
                "`\(finding.path.display)` leaves `\(finding.setting)` unset, so its default `\(value)` is in force\(context)"
        }
        guard let line = finding.line else {
            return "`\(finding.path.display)` holds \(describe(finding)) (\(finding.setting))"
        }
        return "`\(finding.path.display):\(line)` sets `\(finding.setting) \(value)`\(context)"
    }

    static func unique(_ names: [String]) -> [String] {
        var seen = Set<String>()
        return names.filter { seen.insert($0).inserted }
    }
}
