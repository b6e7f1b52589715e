import PQCatalog
import PQModel

/// Breaks a cipher suite into its key exchange, authentication, bulk cipher and MAC, each judged by the catalog
/// (which stores the `openssl ciphers -v` tokens `Kx=ECDH`, `Au=RSA`, `Enc=AESGCM(128)`, `Mac=AEAD` as names).
///
/// TLS 1.3 suites carry `Kx=any Au=any`: their key exchange is the negotiated group and their authentication the
/// signature scheme (RFC 8446 §4.2.7, §4.2.3), reported separately, so those two parts are left out here.
public struct TLSSuiteDecomposer: Sendable {
    /// One part of a suite.
    public struct Component: Sendable, Hashable {
        public var usage: Usage
        /// The token as OpenSSL writes it (`Kx=ECDH`).
        public var token: String
        public var canonical: String?
        public var status: QuantumStatus
        public var note: String?
    }

    private let catalog: Catalog
    /// Why: a service lists the same few dozen suites as every other service of its file (each `master.cf` line,
    /// each vhost), and each part costs a catalog lookup; the answer depends only on the suite and the catalog.
    private static let verdicts = InputMemo<VerdictKey, Verdict>(capacity: 2048)

    private struct VerdictKey: Hashable, Sendable {
        var catalog: Catalog.Identity
        var suite: TLSCipherSuite
    }

    private struct Verdict: Sendable {
        var components: [Component]
        var canonical: String?
        var status: QuantumStatus
        var entry: AlgorithmEntry?
    }

    public init(catalog: Catalog = .shared) {
        self.catalog = catalog
    }

    /// The parts of a suite, in kx, auth, cipher, MAC order.
    public func components(of suite: TLSCipherSuite) -> [Component] {
        verdict(suite).components
    }

    /// The worst status among the parts: a suite is no stronger than its weakest piece. TLS 1.3 suites also get
    /// their own catalog row (RFC 8446 §B.4 code points) when there is one.
    public func status(of suite: TLSCipherSuite) -> (canonical: String?, status: QuantumStatus) {
        let found = verdict(suite)
        return (found.canonical, found.status)
    }

    /// `status(of:)` with the catalog row of its canonical name (nil for a suite the catalog only knows by parts).
    public func judged(_ suite: TLSCipherSuite) -> (canonical: String?, status: QuantumStatus, entry: AlgorithmEntry?) {
        let found = verdict(suite)
        return (found.canonical, found.status, found.entry)
    }

    private func verdict(_ suite: TLSCipherSuite) -> Verdict {
        Self.verdicts.value(for: VerdictKey(catalog: catalog.identity, suite: suite)) {
            let parts = uncachedComponents(of: suite)
            let judged = uncachedStatus(of: suite, parts: parts)
            return Verdict(
                components: parts, canonical: judged.canonical, status: judged.status,
                entry: judged.canonical.flatMap { catalog.entry(named: $0) })
        }
    }

    private func uncachedComponents(of suite: TLSCipherSuite) -> [Component] {
        var parts: [(Usage, String)] = []
        if !suite.isTLS13 {
            parts.append((.keyExchange, suite.keyExchange))
            parts.append((.signature, suite.authentication))
        }
        parts.append((.cipher, suite.encryption))
        parts.append((.mac, suite.mac))
        return parts.map { usage, token in component(usage: usage, token: token) }
    }

    private func uncachedStatus(
        of suite: TLSCipherSuite, parts: [Component]
    ) -> (canonical: String?, status: QuantumStatus) {
        let worst = parts.map(\.status).max() ?? .vulnerable
        if suite.isTLS13, let entry = catalog.tlsCipherSuite(codePoint: suite.codePoint) {
            return (entry.canonical, max(entry.quantumStatus, worst))
        }
        // A TLS 1.2 suite is not a catalog row of its own, but when the catalog knows every part it is fully
        // classified: its IANA name is then its canonical name.
        let known = !parts.isEmpty && parts.allSatisfy { $0.canonical != nil } && !suite.standardName.isEmpty
        return (known ? suite.standardName : nil, worst)
    }

    func component(usage: Usage, token: String) -> Component {
        let entry = usage == .mac ? catalog.entry(mac: token) : catalog.entry(named: token)
        guard let entry else {
            return Component(
                usage: usage, token: token, canonical: nil, status: .vulnerable,
                note: "not in the catalog; assumed quantum-vulnerable until classified")
        }
        return Component(usage: usage, token: token, canonical: entry.canonical, status: entry.quantumStatus, note: nil)
    }
}
