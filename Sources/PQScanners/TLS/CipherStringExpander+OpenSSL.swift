internal import COpenSSLShim

/// Expands OpenSSL cipher strings (`HIGH:!aNULL:!MD5`, `ECDHE+AESGCM:@STRENGTH`, `DEFAULT:@SECLEVEL=2`) and TLS 1.3
/// ciphersuite lists into the exact suites, through the linked libssl on a throwaway `SSL_CTX`
/// (`SSL_CTX_set_cipher_list`, `SSL_CTX_set_ciphersuites`, then `SSL_CIPHER_description`), as `openssl ciphers -v`
/// does. No grammar is re-implemented: the language lives in OpenSSL's `ssl/ssl_ciph.c`.
///
/// The expansion is that of the OpenSSL PQScout runs on (`libraryVersion`), which can differ from the target's:
/// a 3.0 build without 3DES lists no `DES-CBC3-SHA` even where an older target would. Findings say so.
public enum CipherStringExpander {
    /// The result of one expansion.
    public struct Expansion: Sendable, Hashable {
        /// TLS 1.3 suites first, then TLS <= 1.2, in OpenSSL's preference order.
        public var suites: [TLSCipherSuite]
        public var tls13: [TLSCipherSuite] { suites.filter(\.isTLS13) }
        public var tls12: [TLSCipherSuite] { suites.filter { !$0.isTLS13 } }
    }

    /// Why OpenSSL refused a list (`no cipher match`), in its own words.
    public struct Failure: Error, Sendable, Hashable {
        public var detail: String
    }

    /// The linked library's version string (`OpenSSL 3.0.19 27 Jan 2026`).
    public static var libraryVersion: String { String(cString: pqs_openssl_version()) }

    /// Expands both lists; nil means the library default for that list.
    ///
    /// - Returns: the suites, or the failure when OpenSSL rejects either list (a server given that string refuses
    ///   to start: nginx `SSL_CTX_set_cipher_list() failed`).
    public static func expand(cipherString: String?, ciphersuites: String? = nil) -> Result<Expansion, Failure> {
        if let text = cipherString, text.utf8.count > 64 * 1024 || text.utf8.contains(0) {
            return .failure(Failure(detail: "cipher string longer than 64 KiB or holding NUL"))
        }
        if let text = ciphersuites, text.utf8.count > 64 * 1024 || text.utf8.contains(0) {
            return .failure(Failure(detail: "ciphersuite list longer than 64 KiB or holding NUL"))
        }
        // Real lists are well under 4 KiB; longer (hostile) ones are expanded without being remembered.
        guard (cipherString?.utf8.count ?? 0) + (ciphersuites?.utf8.count ?? 0) <= 4096 else {
            return uncachedExpand(cipherString: cipherString, ciphersuites: ciphersuites)
        }
        return memo.value(for: [cipherString, ciphersuites]) {
            uncachedExpand(cipherString: cipherString, ciphersuites: ciphersuites)
        }
    }

    private static let memo = InputMemo<[String?], Result<Expansion, Failure>>()

    private static func uncachedExpand(cipherString: String?, ciphersuites: String?) -> Result<Expansion, Failure> {
        var buffer = [pqs_tls_cipher](repeating: pqs_tls_cipher(), count: Int(PQS_CIPHER_MAX))
        var count = 0
        var error = ShimErrorBuffer()
        let status: Int32 = buffer.withUnsafeMutableBufferPointer { out in
            error.storage.withUnsafeMutableBufferPointer { errorOut in
                withOptionalCString(cipherString) { list in
                    withOptionalCString(ciphersuites) { suites in
                        pqs_tls_expand_ciphers(list, suites, out.baseAddress, out.count, &count, errorOut.baseAddress)
                    }
                }
            }
        }
        guard status == Int32(PQS_OK) || status == Int32(PQS_BUFFER_TOO_SMALL) else {
            return .failure(Failure(detail: error.text.isEmpty ? "OpenSSL rejected the list" : error.text))
        }
        let suites = buffer.prefix(min(count, buffer.count)).compactMap { one -> TLSCipherSuite? in
            let standard = shimText(one.standard_name)
            return TLSCipherSuite(
                description: shimText(one.description), standardName: standard.isEmpty ? nil : standard,
                codePoint: one.protocol_id)
        }
        return .success(Expansion(suites: suites))
    }

    private static func withOptionalCString<R>(_ text: String?, _ body: (UnsafePointer<CChar>?) -> R) -> R {
        guard let text else { return body(nil) }
        return text.withCString { body($0) }
    }
}
