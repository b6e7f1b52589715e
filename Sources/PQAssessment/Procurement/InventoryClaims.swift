import PQCatalog
import PQModel

/// Turns an inventory a vendor delivered (the findings of its CBOM, read by PQReports' `CBOMImporter`) into claims.
///
/// A CBOM says what the product contains, not what is on by default, configurable or promised, so those stay
/// unknown (their checklist items come out unverifiable) and only `supported` (and `hybrid` where a hybrid KEM is
/// listed) is filled. Each finding is placed under a protocol by `protocolOf`.
public enum InventoryClaims {
    /// Claims from the findings of a vendor's CBOM.
    /// - Parameters:
    ///   - findings: the CBOM's algorithm occurrences as findings.
    ///   - product: the CBOM's subject (its metadata component), or the file name.
    ///   - file: the CBOM's path as the user named it.
    public static func claims(
        findings: [Finding], vendor: String, product: String, version: String? = nil, file: String,
        catalog: Catalog = .shared
    ) -> VendorClaims {
        var names: [ClaimedProtocol: [String]] = [:]
        var hybrid: [ClaimedProtocol: Bool] = [:]
        for finding in findings {
            let kind = protocolOf(finding)
            let name = finding.canonical ?? finding.algorithm
            if !(names[kind] ?? []).contains(name) { names[kind, default: []].append(name) }
            if finding.quantumStatus == .hybrid, catalog.entry(named: name)?.primitive == .kem { hybrid[kind] = true }
        }
        let protocols = names.keys.sorted().map { kind in
            ProtocolClaim(protocol: kind, supported: names[kind] ?? [], hybrid: hybrid[kind])
        }
        return VendorClaims(
            vendor: vendor, product: product, version: version, cbomProvided: true, protocols: protocols, file: file,
            origin: .cbom)
    }

    /// The protocol a CBOM finding belongs to: by its source (as for evidence), else by words in its path, setting
    /// or context (`firmware`, `ssh`, `ipsec`, `tls`, ...), else by its job: key exchange, signatures and suites
    /// under the TLS server (the commonest use), ciphers, MACs and hashes under data at rest.
    public static func protocolOf(_ finding: Finding) -> ClaimedProtocol {
        for kind in ClaimedProtocol.allCases where finding.source.described?.claims.contains(kind) == true {
            return kind
        }
        let words = [finding.path.display, finding.setting, finding.context ?? ""].joined(separator: " ").lowercased()
        let rules: [(ClaimedProtocol, [String])] = [
            (.firmwareSigning, ["firmware", "fw/"]), (.codeSigning, ["codesign", "code-sign", "code_sign"]),
            (.ssh, ["ssh"]), (.ipsec, ["ipsec", "ike", "vpn", "swanctl"]), (.tlsServer, ["tls", "ssl", "https"]),
        ]
        for (kind, keys) in rules where keys.contains(where: words.contains) { return kind }
        switch AlgorithmJob(usage: finding.usage) {
        case .cipher?, .mac?, .hash?: return .dataAtRest
        default: return .tlsServer
        }
    }
}
