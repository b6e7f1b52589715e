internal import COpenSSLShim

/// Asks the linked OpenSSL what a server built with a service's settings would really use: which suites of its
/// lists survive the security level, the version range and the missing PSK/SRP callbacks
/// (`SSL_get1_supported_ciphers`), which versions the security level allows, and whether a certificate passes
/// the level's key-size and digest rules (`SSL_CTX_use_certificate`: "ee key too small").
///
/// What depends on the served certificate's key type and on the daemon's DH parameters is decided in Swift
/// (`TLSSuiteUsability`), from the suite's `Au=`/`Kx=` tokens: OpenSSL only decides that inside a handshake,
/// which the tests run in memory as their oracle for that decision (COpenSSLTestShim).
public enum TLSServerProbe {
    /// One suite of the service's list and OpenSSL's verdict on it.
    public struct Suite: Sendable, Hashable {
        public var suite: TLSCipherSuite
        /// Kept by the security level, the version range and the missing PSK/SRP callbacks.
        public var usable: Bool
    }

    /// The context's answer.
    public struct Context: Sendable, Hashable {
        public var suites: [Suite]
        /// The security level in force after every list (an `@SECLEVEL=n` in a string moves it).
        public var securityLevel: Int
        /// Versions (`TLSv1` ... `TLSv1.3`) for which an SSL limited to that version keeps a suite.
        public var usableVersions: Set<String>
    }

    /// What OpenSSL says of a certificate the server would load.
    public struct CertificateCheck: Sendable, Hashable {
        /// False when the security level refuses it; `refusal` has OpenSSL's words.
        public var accepted: Bool
        public var refusal: String?
        /// The key's algorithm OID from the certificate, dotted; empty when it has none that prints.
        public var keyOID: String
        public var keyBits: Int

        /// The key type the suites' authentication is matched against (`RSA`, `RSA-PSS`, `EC`, `ED25519`,
        /// `ED448`, `DSA`), named from the OID (RFC 8017, RFC 5480, RFC 8410, RFC 3279), never from a provider's
        /// type name; another key's dotted OID; empty when the certificate names none.
        public var keyType: String {
            switch keyOID {
            case X509OID.rsaEncryption: "RSA"
            case X509OID.rsassaPSS: "RSA-PSS"
            case X509OID.ecPublicKey: "EC"
            case "1.3.101.112": "ED25519"
            case "1.3.101.113": "ED448"
            case X509OID.dsa: "DSA"
            default: keyOID
            }
        }
    }

    /// Why OpenSSL refused a list, a certificate or a handshake, in its own words.
    public struct Failure: Error, Sendable, Hashable {
        public var detail: String
    }

    /// The wire number of a version (`TLSv1.2` → 0x0303); 0 for nil or unknown.
    static func wire(_ version: String?) -> Int32 {
        switch version {
        case "TLSv1": 0x0301
        case "TLSv1.1": 0x0302
        case "TLSv1.2": 0x0303
        case "TLSv1.3": 0x0304
        default: 0
        }
    }

    private static let versionNames = ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"]

    static func checked(_ texts: String?...) -> Failure? {
        for text in texts {
            if let text, text.utf8.count > 64 * 1024 || text.utf8.contains(0) {
                return Failure(detail: "list longer than 64 KiB or holding NUL")
            }
        }
        return nil
    }

    /// The suites of a server context: security level `securityLevel` (nil: the linked library's), then the
    /// system cipher string `base` (applied as `SSL_CTX_new` applies system_default: a string OpenSSL rejects
    /// is skipped), then the service's `cipherString` and `ciphersuites`, then the versions `minimum`...`maximum`
    /// (nil: open).
    public static func suites(
        base: String?, cipherString: String?, ciphersuites: String?, securityLevel: Int?, minimum: String?,
        maximum: String?
    ) -> Result<Context, Failure> {
        if let failure = checked(base, cipherString, ciphersuites) { return .failure(failure) }
        let key = SuitesKey(
            base: base, cipherString: cipherString, ciphersuites: ciphersuites, securityLevel: securityLevel,
            minimum: minimum, maximum: maximum)
        // Real lists are well under 4 KiB; longer (hostile) ones are answered without being remembered, so the
        // memo stays within a few MiB.
        guard [base, cipherString, ciphersuites].reduce(0, { $0 + ($1?.utf8.count ?? 0) }) <= 4096 else {
            return uncachedSuites(
                base: base, cipherString: cipherString, ciphersuites: ciphersuites, securityLevel: securityLevel,
                minimum: minimum, maximum: maximum)
        }
        return suitesMemo.value(for: key) {
            uncachedSuites(
                base: base, cipherString: cipherString, ciphersuites: ciphersuites, securityLevel: securityLevel,
                minimum: minimum, maximum: maximum)
        }
    }

    private struct SuitesKey: Hashable, Sendable {
        var base, cipherString, ciphersuites: String?
        var securityLevel: Int?
        var minimum, maximum: String?
    }

    private struct CertificateKey: Hashable, Sendable {
        var der: [UInt8]
        var base, cipherString: String?
        var securityLevel: Int?
    }

    private static let suitesMemo = InputMemo<SuitesKey, Result<Context, Failure>>()
    private static let certificateMemo = InputMemo<CertificateKey, Result<CertificateCheck, Failure>>(capacity: 256)

    private static func uncachedSuites(
        base: String?, cipherString: String?, ciphersuites: String?, securityLevel: Int?, minimum: String?,
        maximum: String?
    ) -> Result<Context, Failure> {
        var buffer = [pqs_tls_server_suite](repeating: pqs_tls_server_suite(), count: Int(PQS_CIPHER_MAX))
        var count = 0
        var context = pqs_tls_server_context()
        var error = ShimErrorBuffer()
        let level = Int32(clamping: securityLevel ?? -1)
        let status: Int32 = buffer.withUnsafeMutableBufferPointer { out in
            error.storage.withUnsafeMutableBufferPointer { errorOut in
                withOptionalCString(base) { baseText in
                    withOptionalCString(cipherString) { list in
                        withOptionalCString(ciphersuites) { suites in
                            pqs_tls_server_suites(
                                baseText, list, suites, level, wire(minimum), wire(maximum), out.baseAddress,
                                out.count, &count, &context, errorOut.baseAddress)
                        }
                    }
                }
            }
        }
        guard status == Int32(PQS_OK) || status == Int32(PQS_BUFFER_TOO_SMALL) else {
            return .failure(Failure(detail: error.text.isEmpty ? "OpenSSL rejected the list" : error.text))
        }
        let suites = buffer.prefix(min(count, buffer.count)).compactMap { one -> Suite? in
            let standard = shimText(one.cipher.standard_name)
            guard
                let suite = TLSCipherSuite(
                    description: shimText(one.cipher.description), standardName: standard.isEmpty ? nil : standard,
                    codePoint: one.cipher.protocol_id)
            else { return nil }
            return Suite(suite: suite, usable: one.usable == 1)
        }
        let flags = withUnsafeBytes(of: context.version_usable) { Array($0.bindMemory(to: Int32.self)) }
        var versions = Set<String>()
        for (index, name) in versionNames.enumerated() where index < flags.count && flags[index] == 1 {
            versions.insert(name)
        }
        return .success(Context(suites: suites, securityLevel: Int(context.security_level), usableVersions: versions))
    }

    /// Loads a DER certificate into a server context set up like `suites` does.
    public static func checkCertificate(
        der: [UInt8], base: String?, cipherString: String?, securityLevel: Int?
    ) -> Result<CertificateCheck, Failure> {
        if let failure = checked(base, cipherString) { return .failure(failure) }
        // Only certificate-sized inputs are remembered (a real one is a few KiB), so 256 remembered answers can
        // never hold more than 4 MiB of a hostile tree's bytes.
        guard der.count <= 16 * 1024 else {
            return uncachedCheckCertificate(
                der: der, base: base, cipherString: cipherString, securityLevel: securityLevel)
        }
        let key = CertificateKey(der: der, base: base, cipherString: cipherString, securityLevel: securityLevel)
        return certificateMemo.value(for: key) {
            uncachedCheckCertificate(der: der, base: base, cipherString: cipherString, securityLevel: securityLevel)
        }
    }

    private static func uncachedCheckCertificate(
        der: [UInt8], base: String?, cipherString: String?, securityLevel: Int?
    ) -> Result<CertificateCheck, Failure> {
        let context: CertificateContext
        switch certificateContext(base: base, cipherString: cipherString, securityLevel: securityLevel) {
        case .success(let built): context = built
        case .failure(let failure): return .failure(failure)
        }
        var out = pqs_tls_certificate_check()
        var error = ShimErrorBuffer()
        // The context must outlive the call: the memo may drop its last other reference meanwhile.
        let status: Int32 = withExtendedLifetime(context) {
            der.withUnsafeBufferPointer { input in
                error.storage.withUnsafeMutableBufferPointer { errorOut in
                    pqs_tls_check_certificate_in(
                        context.pointer, input.baseAddress, input.count, &out, errorOut.baseAddress)
                }
            }
        }
        return checkResult(status: status, out, error)
    }

    /// A server context certificates are loaded into, owned here and freed with the last reference.
    private final class CertificateContext: @unchecked Sendable {
        // Never changed after init: OpenSSL lets several threads make SSLs from one context at once.
        let pointer: OpaquePointer

        init(_ pointer: OpaquePointer) {
            self.pointer = pointer
        }

        deinit {
            pqs_tls_certificate_context_free(pointer)
        }
    }

    private struct ContextKey: Hashable, Sendable {
        var base, cipherString: String?
        var securityLevel: Int?
    }

    /// Why: a fresh SSL_CTX per certificate was half of each check (OpenSSL 3.0 fetches every cipher, group and
    /// signature algorithm for it), and a tree's certificates are checked against a few contexts: one per system
    /// and service cipher string and default level.
    private static let certificateContexts = InputMemo<ContextKey, Result<CertificateContext, Failure>>(capacity: 64)

    private static func certificateContext(
        base: String?, cipherString: String?, securityLevel: Int?
    ) -> Result<CertificateContext, Failure> {
        // As `suites`: longer (hostile) lists get a context of their own, not remembered.
        guard [base, cipherString].reduce(0, { $0 + ($1?.utf8.count ?? 0) }) <= 4096 else {
            return newCertificateContext(base: base, cipherString: cipherString, securityLevel: securityLevel)
        }
        let key = ContextKey(base: base, cipherString: cipherString, securityLevel: securityLevel)
        return certificateContexts.value(for: key) {
            newCertificateContext(base: base, cipherString: cipherString, securityLevel: securityLevel)
        }
    }

    private static func newCertificateContext(
        base: String?, cipherString: String?, securityLevel: Int?
    ) -> Result<CertificateContext, Failure> {
        var error = ShimErrorBuffer()
        let level = Int32(clamping: securityLevel ?? -1)
        let built = error.storage.withUnsafeMutableBufferPointer { errorOut in
            withOptionalCString(base) { baseText in
                withOptionalCString(cipherString) { list in
                    pqs_tls_certificate_context_new(baseText, list, level, errorOut.baseAddress)
                }
            }
        }
        guard let built else {
            return .failure(Failure(detail: error.text.isEmpty ? "not a certificate" : error.text))
        }
        return .success(CertificateContext(built))
    }

    /// True when a context for these lists and level is remembered (for tests).
    static func remembersCertificateContext(base: String?, cipherString: String?, securityLevel: Int?) -> Bool {
        certificateContexts.remembered(
            ContextKey(base: base, cipherString: cipherString, securityLevel: securityLevel)) != nil
    }

    /// The check on a context built for this one certificate and freed after it, as before contexts were shared:
    /// the oracle the shared contexts are tested against.
    static func checkCertificateInOwnContext(
        der: [UInt8], base: String?, cipherString: String?, securityLevel: Int?
    ) -> Result<CertificateCheck, Failure> {
        var out = pqs_tls_certificate_check()
        var error = ShimErrorBuffer()
        let level = Int32(clamping: securityLevel ?? -1)
        let status: Int32 = der.withUnsafeBufferPointer { input in
            error.storage.withUnsafeMutableBufferPointer { errorOut in
                withOptionalCString(base) { baseText in
                    withOptionalCString(cipherString) { list in
                        pqs_tls_check_certificate(
                            baseText, list, level, input.baseAddress, input.count, &out, errorOut.baseAddress)
                    }
                }
            }
        }
        return checkResult(status: status, out, error)
    }

    /// What a certificate check's shim call answered: the check, or why the bytes are not a certificate.
    private static func checkResult(status: Int32, _ out: pqs_tls_certificate_check, _ error: ShimErrorBuffer)
        -> Result<CertificateCheck, Failure>
    {
        guard status == Int32(PQS_OK) else {
            return .failure(Failure(detail: error.text.isEmpty ? "not a certificate" : error.text))
        }
        return .success(
            CertificateCheck(
                accepted: out.accepted == 1, refusal: out.accepted == 1 ? nil : error.text,
                keyOID: shimText(out.key_oid), keyBits: Int(out.key_bits)))
    }

    static func withOptionalCString<R>(_ text: String?, _ body: (UnsafePointer<CChar>?) -> R) -> R {
        guard let text else { return body(nil) }
        return text.withCString { body($0) }
    }
}
