import PQCatalog
import PQModel

/// Compares a vendor's claims with what its shipped configuration, certificates and keys put in force.
///
/// It reads findings only by their generic fields (source, path, line, setting, usage, algorithm, canonical, status,
/// `effective`, asset), so it works for any scanner. Only findings in force count (`effective`; a setting a later
/// duplicate overrides, or a file no include reaches, proves nothing). The kinds are in `ContradictionKind`;
/// Docs/procurement.md gives an example of each. A contradiction is an accusation, so a finding is compared with the
/// claim by what it really is: a cipher suite's parts (`Kx=ECDH`, `Au=ECDSA`) and a certificate's key name a family,
/// and are borne out by any claimed algorithm of that family (ECDHE over claimed X25519 and P-384 groups).
public struct ContradictionFinder: Sendable {
    public let catalog: Catalog
    /// Lines of every certificate in each certificate file of the evidence, so a proof can say which one of a chain
    /// it cites even when the leaf is represented by the configuration line that serves it.
    var certificateLines: [String: [Int]] = [:]

    public init(catalog: Catalog = .shared) {
        self.catalog = catalog
    }

    /// Every contradiction between the claims and the evidence, in protocol, kind, path and line order.
    /// - Parameters:
    ///   - evidence: the findings of a scan of what the vendor ships.
    ///   - software: the packages that scan found (library versions), evidence on `configurable`.
    public func contradictions(_ claims: VendorClaims, evidence: [Finding], software: [Software] = [])
        -> [Contradiction]
    {
        var finder = self
        for finding in evidence where finding.line != nil && isCertificate(finding) {
            finder.certificateLines[finding.path.display, default: []].append(finding.line ?? 0)
        }
        var out: [Contradiction] = []
        for claim in claims.protocols {
            let found = EvidenceSelector.findings(for: claim, in: evidence).filter(\.effective)
            out += finder.contradictions(claim, evidence: found, software: software)
        }
        let kinds = ContradictionKind.allCases
        return out.sorted {
            ($0.protocol, kinds.firstIndex(of: $0.kind) ?? 0, $0.path, $0.line ?? 0)
                < ($1.protocol, kinds.firstIndex(of: $1.kind) ?? 0, $1.path, $1.line ?? 0)
        }
    }

    /// The contradictions of one protocol claim, given the in-force findings chosen for it.
    func contradictions(_ claim: ProtocolClaim, evidence: [Finding], software: [Software] = []) -> [Contradiction] {
        let evidence = evidence.sorted { ($0.path, $0.line ?? 0) < ($1.path, $1.line ?? 0) }
        let name = claim.protocol.rawValue
        var out: [Contradiction] = []
        let defaults = claim.defaults.map { ClaimedAlgorithm($0, catalog: catalog) }
        let named = (claim.supported + claim.defaults).map { ClaimedAlgorithm($0, catalog: catalog) }
        // What the vendor wrote speaks louder than the software's defaults: where a job has explicit settings, only
        // they are compared (a default list for an unused mechanism, like GSSAPI key exchange, proves nothing).
        func ofJob(_ job: AlgorithmJob) -> [Finding] {
            // Named groups before a suite's `Kx=` part: the group list is what decides the key exchange.
            let all = evidence.filter { AlgorithmJob(usage: $0.usage) == job }.sorted {
                ($0.usage == .group ? 0 : 1, $0.path, $0.line ?? 0) < (
                    $1.usage == .group ? 0 : 1, $1.path, $1.line ?? 0
                )
            }
            let written = all.filter { $0.origin == .file }
            return written.isEmpty ? all : written
        }
        var reported = Set<String>()
        func add(_ kind: ContradictionKind, _ text: String, _ proof: String, _ finding: Finding, _ item: String) {
            out.append(
                Contradiction(
                    kind: kind, protocol: claim.protocol, claim: text, proof: proof, path: finding.path.display,
                    line: finding.line, requirement: item))
        }

        // Defaults that the evidence does not put in force, for the jobs a configuration list decides.
        if !claim.protocol.isSigning {
            for algorithm in defaults {
                guard let job = algorithm.job, [.keyExchange, .cipher, .mac, .protocolVersion].contains(job) else {
                    continue
                }
                let found = ofJob(job)
                guard let first = found.first, !found.contains(where: { covers([algorithm], $0) }) else { continue }
                add(
                    .defaultNotInForce, "claims \(algorithm.name) on by default for \(name)",
                    proof(first, among: evidence), first,
                    algorithm.isMLKEM ? ProcurementChecklist.hybrid.id : ProcurementChecklist.withinProfile.id)
            }
            // A signature claimed on by default: the certificate or host key the use serves must be of it. Keys a
            // configuration line serves (the leaf) are compared when there are any, else every key found.
            let keys = evidence.filter { $0.usage == .publicKey }
            let served = keys.filter { !EvidenceSelector.isCertificate($0.source) }
            let compared = served.isEmpty ? keys : served
            for algorithm in defaults where algorithm.job == .authentication {
                guard let first = compared.first, !compared.contains(where: { covers([algorithm], $0) }) else {
                    continue
                }
                reported.insert("\(first.path.display):\(first.line ?? 0):\(key(of: first))")
                add(
                    .certificateNotAsClaimed, "claims \(algorithm.name) on by default for \(name)",
                    keyProof(first, among: evidence), first, ProcurementChecklist.withinProfile.id)
            }
        }

        // Hybrid claimed, none in force.
        if claim.hybrid == true {
            let exchanges = ofJob(.keyExchange)
            if let first = exchanges.first, !exchanges.contains(where: isPQKeyExchange) {
                add(
                    .hybridNotOffered, "claims hybrid post-quantum key exchange for \(name)",
                    proof(first, among: evidence) + "; no hybrid or ML-KEM group is in force", first,
                    ProcurementChecklist.hybrid.id)
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
                    add(
                        .classicalSigningKey,
                        "claims \(pq.map(\.name).joined(separator: ", ")) \(words(claim.protocol))",
                        "the \(what) `\(key.path.display)` is \(describe(key))", key, ProcurementChecklist.signing.id)
                }
            }
        }

        // Algorithms claimed configurable, but fixed by the protocol or by a library that knows no PQ algorithm.
        if claim.configurable == true {
            out += notConfigurable(claim, evidence: evidence, software: software)
        }

        // In force but excluded, broken, or (for a job the claim lists) not named.
        let excluded = claim.excluded.map { ClaimedAlgorithm($0, catalog: catalog) }
        let claimedJobs = Set(named.compactMap(\.job))
        // A certificate a configuration line serves is judged once, at that line, not again inside its file.
        let served = Set(evidence.filter { !isCertificate($0) && $0.usage == .publicKey }.compactMap(\.asset))
        for finding in evidence where !(isCertificate(finding) && finding.asset.map(served.contains) == true) {
            let id = "\(finding.path.display):\(finding.line ?? 0):\(key(of: finding))"
            if let rule = excluded.first(where: { excludes($0, finding) }) {
                guard reported.insert(id).inserted else { continue }
                add(
                    .excludedInForce, "claims \(name) never uses \(rule.name)",
                    proof(finding, among: evidence, only: true) + suffix(finding), finding,
                    finding.quantumStatus == .broken
                        ? ProcurementChecklist.noBroken.id : ProcurementChecklist.withinProfile.id)
                continue
            }
            if covers(named, finding) { continue }
            if finding.quantumStatus == .broken, !named.isEmpty {
                guard reported.insert(id).inserted else { continue }
                add(
                    .brokenInForce, "claims no classically broken algorithm for \(name)",
                    proof(finding, among: evidence, only: true)
                        + (namesItself(finding) ? ", classically broken" : " (\(label(finding)), classically broken)"),
                    finding,
                    ProcurementChecklist.noBroken.id)
                continue
            }
            // A signing use's signer is judged by classical-signing-key; a certificate proof names its algorithm.
            let jobs: Set<AlgorithmJob> =
                claim.protocol.isSigning
                ? [.hash] : [.keyExchange, .authentication, .cipher, .mac, .hash, .protocolVersion]
            guard finding.origin == .file, let job = AlgorithmJob(usage: finding.usage), jobs.contains(job),
                claimedJobs.contains(job), reported.insert(id).inserted
            else { continue }
            let listed = named.filter { $0.job == job }.map(\.name)
            add(
                .unclaimedAlgorithm,
                "claims \(name) \(job.rawValue) is limited to \(Self.unique(listed).joined(separator: ", "))",
                proof(finding, among: evidence, only: true) + suffix(finding), finding,
                ProcurementChecklist.withinProfile.id)
        }
        return out
    }

    // MARK: - Agility

    /// Libraries that decide a use's algorithms, with the catalog's first release of each that brings a
    /// post-quantum key exchange (`Catalog.releases`). Packages are matched by name prefix.
    static let pqLibraries:
        [(protocols: Set<ClaimedProtocol>, name: String, packages: [String], floor: SoftwareRelease)] = {
            let libraries: [(Set<ClaimedProtocol>, String, String, [String])] = [
                ([.tlsServer, .tlsClient], "OpenSSL", "openssl", ["libssl", "openssl"]),
                ([.ssh], "OpenSSH", "openssh", ["openssh-server", "openssh"]),
            ]
            return libraries.compactMap { protocols, name, software, packages in
                Catalog.shared.firstPQKeyExchangeRelease(of: software).map { (protocols, name, packages, $0) }
            }
        }()

    func notConfigurable(_ claim: ProtocolClaim, evidence: [Finding], software: [Software]) -> [Contradiction] {
        var out: [Contradiction] = []
        let name = claim.protocol.rawValue
        let text = "claims the \(name) algorithms are configurable"
        var files = Set<String>()
        for finding in evidence {
            if finding.source.described?.fixedProtocol == nil, isHardCoded(finding),
                files.insert(finding.path.display).inserted
            {
                out.append(
                    Contradiction(
                        kind: .notConfigurable, protocol: claim.protocol, claim: text,
                        proof: "`\(finding.path.display)`: \(describe(finding)) (\(finding.setting)) is "
                            + (finding.note ?? "hard-coded") + "; no setting chooses it",
                        path: finding.path.display, line: finding.line,
                        requirement: ProcurementChecklist.configurable.id))
                continue
            }
            guard let protocolName = finding.source.described?.fixedProtocol,
                files.insert(finding.path.display).inserted
            else { continue }
            let fixed = Self.unique(
                evidence.filter { $0.path == finding.path }.map { $0.canonical ?? $0.algorithm })
            out.append(
                Contradiction(
                    kind: .notConfigurable, protocol: claim.protocol, claim: text,
                    proof: "`\(finding.path.display)` is a \(protocolName) configuration: its algorithms ("
                        + fixed.joined(separator: ", ") + ") are fixed by the protocol, with no negotiation",
                    path: finding.path.display, line: nil, requirement: ProcurementChecklist.configurable.id))
        }
        // A library too old to know any PQ algorithm cannot be configured to use one, unless the evidence already
        // shows a PQ key exchange in force (then some library in the image knows it).
        guard !evidence.contains(where: isPQKeyExchange) else { return out }
        for library in Self.pqLibraries where library.protocols.contains(claim.protocol) {
            let packages = software.filter { package in
                library.packages.contains { package.name.hasPrefix($0) } && Self.version(package.version) != nil
            }
            guard
                let newest = packages.max(by: {
                    (Self.version($0.version) ?? []).lexicographicallyPrecedes(Self.version($1.version) ?? [])
                }),
                let version = Self.version(newest.version),
                version.lexicographicallyPrecedes(library.floor.versionParts)
            else { continue }
            out.append(
                Contradiction(
                    kind: .notConfigurable, protocol: claim.protocol, claim: text,
                    proof: "`\(newest.sourcePath.display)` lists \(newest.name) \(newest.version), the newest "
                        + "\(library.name) in the image: \(library.name) before \(library.floor.version) knows no post-quantum "
                        + "key exchange (\(library.floor.source)), so none can be configured",
                    path: newest.sourcePath.display, line: nil, requirement: ProcurementChecklist.configurable.id))
        }
        return out
    }

    /// True for an algorithm the software puts in force with no setting to change it: a scanner marks such a
    /// built-in list with a note beginning "hard-coded" or "fixed by" (`origin: default`, since no file wrote it).
    func isHardCoded(_ finding: Finding) -> Bool {
        guard finding.origin == .default, let note = finding.note?.lowercased() else { return false }
        return note.hasPrefix("hard-coded") || note.hasPrefix("fixed by")
    }

    /// The first `N.N[.N]` of a package version, after a Debian/RPM epoch (`1:9.2p1-2` is [9, 2]).
    static func version(_ text: String) -> [Int]? {
        var body = Substring(text)
        if let colon = body.firstIndex(of: ":"), body[..<colon].allSatisfy(\.isNumber) {
            body = body[body.index(after: colon)...]
        }
        let head = body.prefix { $0.isNumber || $0 == "." }
        let numbers = head.split(separator: ".").prefix(3).compactMap { Int($0.prefix(6)) }
        return numbers.count >= 2 ? numbers : nil
    }

    // MARK: - Matching

    func key(of finding: Finding) -> String { Catalog.normalise(finding.canonical ?? finding.algorithm) }

    /// Families that name one mechanism: ECDHE over any named curve, finite-field DHE over any named group.
    static let familyGroups: [Set<String>] = [["ECDH", "ECC"], ["FFDH", "FFDHE", "DH"]]

    static func sameFamily(_ a: String, _ b: String) -> Bool {
        a == b || familyGroups.contains { $0.contains(a) && $0.contains(b) }
    }

    /// True when the claimed algorithms name what `finding` puts in force: the same algorithm in any spelling, or,
    /// for a finding that names only a family (a suite's `Kx=ECDH`, `Au=RSA`, `Mac=AEAD`; a certificate's RSA or
    /// ECDSA key), a claimed algorithm of that family and job.
    func covers(_ claimed: [ClaimedAlgorithm], _ finding: Finding) -> Bool {
        let found = key(of: finding)
        if claimed.contains(where: { $0.key == found }) { return true }
        guard let entry = catalog.entry(nameOrOID: finding.canonical ?? finding.algorithm) else { return false }
        // Mac=AEAD: the suite's cipher authenticates; any claimed AEAD cipher covers it.
        if entry.family == "AEAD" { return claimed.contains { $0.entry?.primitive == .ae } }
        let generic =
            finding.usage == .publicKey || entry.canonical == entry.family
            || ["ECDHE", "DHE", "ECDH", "DH"].contains(entry.canonical)
        guard generic, !entry.family.hasPrefix("ML-") else { return false }
        let job = AlgorithmJob(usage: finding.usage)
        return claimed.contains { claimed in
            guard let other = claimed.entry, claimed.job == job else { return false }
            return Self.sameFamily(other.family, entry.family)
        }
    }

    /// True when `finding` uses the excluded algorithm: the same algorithm, or, for an excluded hash, a signature or
    /// MAC built on it (`RSA-SHA1`, `HMAC-SHA1` under SHA-1).
    func excludes(_ excluded: ClaimedAlgorithm, _ finding: Finding) -> Bool {
        if excluded.key == key(of: finding) { return true }
        guard excluded.entry?.primitive == .hash, let hash = hashOf(finding) else { return false }
        return hash.key == excluded.key
    }

    /// The hash inside a signature or MAC's canonical name (`RSA-SHA1` → SHA-1), when the catalog knows it.
    func hashOf(_ finding: Finding) -> ClaimedAlgorithm? {
        let name = finding.canonical ?? finding.algorithm
        guard let dash = name.lastIndex(of: "-") else { return nil }
        let tail = ClaimedAlgorithm(String(name[name.index(after: dash)...]), catalog: catalog)
        return tail.entry?.primitive == .hash ? tail : nil
    }

    /// A KEM that resists a quantum computer, alone or in a hybrid (a PSK key exchange does not count).
    func isPQKeyExchange(_ finding: Finding) -> Bool {
        guard finding.quantumStatus == .hybrid || finding.quantumStatus == .resistant else { return false }
        return ClaimedAlgorithm(finding.canonical ?? finding.algorithm, catalog: catalog).entry?.primitive == .kem
    }

    func isPQSigner(_ finding: Finding) -> Bool {
        let claimed = ClaimedAlgorithm(finding.canonical ?? finding.algorithm, catalog: catalog)
        return claimed.isPQSignature || finding.quantumStatus == .hybrid
    }

    // MARK: - Wording

    func words(_ protocol: ClaimedProtocol) -> String {
        `protocol` == .firmwareSigning ? "firmware signing" : "code signing"
    }

    func label(_ finding: Finding) -> String { describe(finding) }

    /// " (P-256)" after a configuration value; nothing after a certificate proof, which already names it in words.
    func suffix(_ finding: Finding) -> String { namesItself(finding) ? "" : " (\(label(finding)))" }

    /// True when the proof of a finding already names its algorithm in words (a certificate or key).
    func namesItself(_ finding: Finding) -> Bool {
        isCertificate(finding) || finding.usage == .publicKey
            || (finding.usage == .signature && finding.algorithm.first?.isNumber == true)
    }

    /// "RSA-2048", "ECDSA P-256", "Ed25519", "SHA-1 with RSA": in words, never a raw OID.
    func describe(_ finding: Finding) -> String {
        var name = finding.canonical ?? catalog.entry(nameOrOID: finding.algorithm)?.canonical ?? finding.algorithm
        if finding.usage == .signature, let hash = hashOf(finding), let entry = catalog.entry(nameOrOID: name),
            entry.primitive == .signature, name.hasPrefix(entry.family)
        {
            name = "\(hash.entry?.canonical ?? hash.name) with \(entry.family)"
        }
        if let curve = finding.curve { return "\(name) \(curve)" }
        if let bits = finding.keyBits { return "\(name)-\(bits)" }
        return name
    }

    /// True for a finding read from a certificate file rather than a configuration line.
    func isCertificate(_ finding: Finding) -> Bool {
        EvidenceSelector.isCertificate(finding.source)
            || ["signatureAlgorithm", "subjectPublicKey"].contains(finding.setting)
    }

    /// "the 2nd certificate in `chain.pem` (line 18)": where in a chain file a certificate finding sits.
    func position(_ finding: Finding, among evidence: [Finding]) -> String {
        let lines = Set(
            (certificateLines[finding.path.display] ?? [])
                + evidence.filter { $0.path == finding.path && isCertificate($0) }.compactMap(\.line)
        ).sorted()
        let ordinal = (lines.firstIndex(of: finding.line ?? 0) ?? 0) + 1
        let role = lines.count > 1 ? (ordinal == 1 ? " (the leaf)" : " (below the leaf)") : ""
        let suffixes = [1: "st", 2: "nd", 3: "rd"]
        let nth = "\(ordinal)\(ordinal % 100 / 10 == 1 ? "th" : suffixes[ordinal % 10] ?? "th")"
        let line = finding.line.map { ", line \($0)" } ?? ""
        return "the \(nth) certificate\(role) in `\(finding.path.display)`\(line)"
    }

    /// The proof for a served certificate or key: the configuration line that serves it, or its place in its file.
    func keyProof(_ finding: Finding, among evidence: [Finding]) -> String {
        if isCertificate(finding) || finding.line == nil {
            return "\(position(finding, among: evidence)) has a \(describe(finding)) key"
        }
        return "`\(finding.path.display):\(finding.line ?? 0)` sets `\(finding.setting)` to a certificate whose key "
            + "is \(describe(finding))" + (finding.context.map { " in `\($0)`" } ?? "")
    }

    /// "`path:line` sets `setting a,b`", or for a default "`path` leaves `setting` at its default `a,b`", or for a
    /// whole-file object "`path` holds `algorithm` (setting)".
    /// - Parameter only: cite just this finding's algorithm instead of the whole list on its line.
    func proof(_ finding: Finding, among evidence: [Finding], only: Bool = false) -> String {
        if isCertificate(finding) {
            let what = finding.usage == .signature ? "is signed with" : "has a key of"
            return "\(position(finding, among: evidence)) \(what) \(describe(finding))"
        }
        let siblings =
            only
            ? [finding]
            : evidence.filter {
                $0.path == finding.path && $0.line == finding.line && $0.setting == finding.setting
                    && $0.context == finding.context && $0.origin == finding.origin && $0.usage == finding.usage
            }
        let separator = finding.source.described?.listSeparator ?? ":"
        let value = Self.unique(siblings.map(\.algorithm)).joined(separator: separator)
        let context = finding.context.map { " in `\($0)`" } ?? ""
        if finding.origin == .default {
            return
                "`\(finding.path.display)` leaves `\(finding.setting)` unset, so its default `\(value)` is in force\(context)"
        }
        guard let line = finding.line else {
            return "`\(finding.path.display)` holds \(describe(finding)) (\(finding.setting))"
        }
        if finding.usage == .publicKey || (finding.usage == .signature && finding.algorithm.first?.isNumber == true) {
            // A certificate a configuration line serves: name what it is, not the OID the scanner read.
            let what = finding.usage == .signature ? "signed with" : "with a key of"
            return "`\(finding.path.display):\(line)` sets `\(finding.setting)` to a certificate \(what) "
                + describe(finding) + context
        }
        return "`\(finding.path.display):\(line)` sets `\(finding.setting) \(value)`\(context)"
    }

    static func unique(_ names: [String]) -> [String] {
        var seen = Set<String>()
        return names.filter { seen.insert($0).inserted }
    }
}
