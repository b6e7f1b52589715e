import PQModel

/// Derives the systems an assessment scores from the findings (Docs/scoring.md, "Systems").
///
/// - Configuration findings (any source that is not a certificate or key format) group by source, file and block:
///   `nginx:etc/nginx/nginx.conf#server www.example.org:443`. A setting outside any block is its own system
///   (`openssh:etc/ssh/sshd_config`).
/// - Certificates, keys, SSH keys and DH parameters group by the directory that holds them (`store:etc/ssl/certs`):
///   a directory is what a deployment rotates as a unit.
public enum AssessedSystems {
    /// Sources whose findings are certificates and keys rather than configuration.
    public static let materialSources: Set<String> = [
        "x509", "pkcs7", "pkcs12", "public-key", "private-key", "dh-parameters", "ssh-key", "ssh-certificate",
    ]

    /// Sources that hold certificates (a store with one is a certificate store).
    static let certificateSources: Set<String> = ["x509", "pkcs7", "pkcs12"]

    /// The system of one finding.
    public static func system(of finding: Finding) -> SystemRef {
        let source = finding.source.rawValue
        let path = finding.path.display
        if materialSources.contains(source) {
            let directory = path.split(separator: "/").dropLast().joined(separator: "/")
            let shown = directory.isEmpty ? "." : directory
            let kind: SystemRef.Kind = certificateSources.contains(source) ? .certificateStore : .keyStore
            return SystemRef(id: "store:\(shown)", kind: kind, source: "store", path: shown)
        }
        var id = "\(source):\(path)"
        if let context = finding.context { id += "#\(context)" }
        return SystemRef(id: id, kind: .configuration, source: source, path: path, context: finding.context)
    }

    /// Systems in id order, each with the indexes of its findings; a store holding any certificate is a
    /// certificate store.
    public static func group(_ findings: [Finding]) -> [(system: SystemRef, indexes: [Int])] {
        var order: [String] = []
        var byID: [String: (system: SystemRef, indexes: [Int])] = [:]
        for (index, finding) in findings.enumerated() {
            let system = system(of: finding)
            if var existing = byID[system.id] {
                existing.indexes.append(index)
                if system.kind == .certificateStore { existing.system.kind = .certificateStore }
                byID[system.id] = existing
            } else {
                order.append(system.id)
                byID[system.id] = (system, [index])
            }
        }
        return order.sorted().compactMap { byID[$0] }
    }
}
