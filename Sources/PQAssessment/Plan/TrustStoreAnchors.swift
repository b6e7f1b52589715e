import PQModel

/// CA certificates a system trust store holds for the distribution: third parties' roots, which reach the host with
/// a package and are not the organisation's to re-issue. The plan says what can be done about them (keep the package
/// updated, remove the roots nothing needs) instead of a key ceremony for someone else's root.
///
/// Where the stores are: update-ca-certificates(8) (Debian, Ubuntu, Alpine: the bundle `/etc/ssl/certs/
/// ca-certificates.crt` and the Java store `/etc/ssl/certs/java/cacerts`, from `/usr/share/ca-certificates`);
/// update-ca-trust(8) (Fedora, RHEL: `/etc/pki/ca-trust/extracted/`, linked from `/etc/pki/tls/certs/ca-bundle.crt`
/// and `/etc/pki/java/cacerts`, from `/usr/share/pki/ca-trust-source`); SUSE's update-ca-certificates
/// (`/var/lib/ca-certificates/`, `/etc/ssl/ca-bundle.pem`); a JDK's own `lib/security/cacerts`. An
/// administrator's own anchors come from `/usr/local/share/ca-certificates`, `/etc/pki/ca-trust/source/anchors` or
/// `/etc/pki/trust/anchors`: a certificate found there, or anywhere outside a store, is the organisation's and is
/// re-issued by its own action.
enum TrustStoreAnchors {
    /// Files a store tool writes, as they end (a scan of several roots puts a label in front).
    static let storeFiles = [
        "etc/ssl/certs/ca-certificates.crt", "etc/ssl/certs/java/cacerts", "etc/pki/tls/certs/ca-bundle.crt",
        "etc/pki/tls/certs/ca-bundle.trust.crt", "etc/pki/tls/cert.pem", "etc/pki/java/cacerts",
        "etc/ssl/ca-bundle.pem", "lib/security/cacerts",
    ]

    /// Folders a store tool fills, or the distribution's own sources for them.
    static let storeFolders = [
        "etc/pki/ca-trust/extracted/", "var/lib/ca-certificates/", "usr/share/ca-certificates/",
        "usr/share/pki/ca-trust-source/",
    ]

    /// Where a certificate of a store is reported from: a PEM bundle, a PKCS#7 one, a Java `cacerts`.
    static let sources: Set<FindingSource> = CertificateActionBuilder.certificateSources.union([.javaKeystore])

    /// Debian's stores (update-ca-certificates(8)), built from the packages' roots in `usr/share/ca-certificates`
    /// (one PEM file each, which the scan reads) and the administrator's in `usr/local/share/ca-certificates`.
    static let debianStoreFiles = ["etc/ssl/certs/ca-certificates.crt", "etc/ssl/certs/java/cacerts"]
    static let debianSources = "usr/share/ca-certificates/"

    static func isStore(_ path: String) -> Bool {
        storeFiles.contains { path == $0 || path.hasSuffix("/" + $0) }
            || storeFolders.contains { path.hasPrefix($0) || path.contains("/" + $0) }
    }

    /// The root label in front of a Debian store file or source (`""` for a scan of one root), or nil for a path
    /// that is neither.
    static func debianLabel(_ path: String) -> String? {
        for file in debianStoreFiles where path == file || path.hasSuffix("/" + file) {
            return String(path.dropLast(file.count))
        }
        if path.hasPrefix(debianSources) { return "" }
        guard let range = path.range(of: "/" + debianSources) else { return nil }
        return String(path[..<range.lowerBound]) + "/"
    }

    /// A store's roots, and whether the scan showed them to be the distribution's.
    struct Store {
        let path: String
        var findings: [Int]
        /// True when every root counted is among the packages' own (Debian's `usr/share/ca-certificates`, read
        /// in the same root); false when the scan holds no such sources for this store, so a CA of the
        /// organisation's own whose source file is not in the scan cannot be told apart.
        let verified: Bool
    }

    /// The certificates (numbers in the input's `certificates`) every finding of which is in a store, and the
    /// findings needing action of those, by store file in the order first seen. Where the scan read Debian's
    /// package roots for a store, a certificate of that store that is not among them is the organisation's (put
    /// there from `usr/local/share/ca-certificates`, or by hand) and keeps its own re-issue action.
    static func find(_ context: PlanContext) -> (certificates: Set<Int>, byStore: [Store]) {
        var certificates = context.input.certificates
        var inStore = Set<Int>()
        var elsewhere = Set<Int>()
        var packaged: [String: Set<Int>] = [:]
        var inDebianStore: [(number: Int, label: String)] = []
        for finding in context.findings where sources.contains(finding.source) {
            guard let asset = finding.asset, let number = certificates.number(of: asset) else { continue }
            let path = finding.path.display
            guard isStore(path) else {
                elsewhere.insert(number)
                continue
            }
            inStore.insert(number)
            guard let label = debianLabel(path) else { continue }
            if path.hasPrefix(label + debianSources) {
                packaged[label, default: []].insert(number)
            } else {
                inDebianStore.append((number, label))
            }
        }
        for (number, label) in inDebianStore {
            if let roots = packaged[label], !roots.contains(number) { elsewhere.insert(number) }
        }
        let anchors = inStore.subtracting(elsewhere)
        guard !anchors.isEmpty else { return ([], []) }
        var byStore: [Store] = []
        var position: [String: Int] = [:]
        for (index, finding) in context.findings.enumerated()
        where sources.contains(finding.source) && context.needsAction(index) {
            guard let asset = finding.asset, let number = certificates.number(of: asset), anchors.contains(number)
            else { continue }
            let path = finding.path.display
            if let at = position[path] {
                byStore[at].findings.append(index)
            } else {
                position[path] = byStore.count
                let label = debianLabel(path)
                let verified = label.map { path.hasPrefix($0 + debianSources) || packaged[$0] != nil } ?? false
                byStore.append(Store(path: path, findings: [index], verified: verified))
            }
        }
        return (anchors, byStore)
    }

    /// One store file's action: nothing to re-issue; its findings retire when the roots leave the store (removed
    /// by the administrator, or dropped by the distribution), so progress follows what is really there.
    static func action(_ store: Store, context: PlanContext) -> PlanAction {
        let path = store.path
        let members = store.findings
        let certificates = Set(members.compactMap { context.findings[$0].asset }).count
        let deadline = context.earliestDeadline(members)
        let folder = path.split(separator: "/").dropLast().joined(separator: "/")
        let java = path.hasSuffix("cacerts")
        let whose =
            store.verified
            ? "of the distribution's trust store" : "of a system trust store, taken for the distribution's"
        let told =
            store.verified
            ? "each is among the packages' roots in \(debianSources), read in the same scan; "
            : "they are taken for the distribution's unchecked: PQScout checks a store against the packages' roots "
                + "in Debian's \(debianSources) only, and the scan holds none beside this store, so a CA of your own "
                + "in it is not told apart; "
        return PlanAction(
            id: "replace-algorithm:trust-store:\(path):signatures", kind: .replaceAlgorithm, phase: .signatures,
            title: "Trust anchors in \(path): \(certificates) CA certificate(s) \(whose), not re-issued here",
            system: "store:\(folder)", software: "x509", locations: [PlanLocation(path: path, line: nil)],
            retires: members.map(context.ref), rule: deadline.rule, ruleSource: deadline.source,
            deadline: deadline.day,
            deadlineReason: deadline.reason + "; chains to these roots rely on their signatures until then",
            change: told + "nothing to re-issue: these roots belong to their CAs and come with "
                + (java ? "the Java trust store's package (or the JDK)" : "the ca-certificates package")
                + ". Keep it updated, so post-quantum roots arrive with it; remove the roots no service here needs "
                + "(with the store's tool); a CA of your own is re-issued by its own action once its source file "
                + "(usr/local/share/ca-certificates, etc/pki/ca-trust/source/anchors) is in the scan",
            patchWithheld: "the store is written by update-ca-certificates or update-ca-trust: an edit is overwritten "
                + "by the next package update",
            verify: [
                "dpkg-query -W ca-certificates 2>/dev/null || rpm -q ca-certificates",
                java
                    ? "keytool -list -cacerts -storepass changeit | grep -c trustedCertEntry"
                    : "grep -c 'BEGIN CERTIFICATE' \(ShellQuote.quote("/" + path))",
            ],
            rollback: ["nothing changes until the package updates; a root removed is restored by the store's tool"],
            effort: PlanEffort(
                size: .small, hours: 1,
                reasoning: "a review of which roots the services here need; package updates are routine"))
    }
}
