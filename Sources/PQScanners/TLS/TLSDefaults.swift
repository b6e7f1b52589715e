import PQCatalog

/// What an OpenSSL release does when a TLS setting is left unset, and which group names it knows: data, not logic.
///
/// Sources: `TLS_DEFAULT_GROUP_LIST` in `ssl/t1_lib.c` and CHANGES.md for 3.5.0 (the hybrid default list);
/// `supported_groups_default` in 3.0's `ssl/t1_lib.c`; `OSSL_default_ciphersuites()` for TLS 1.3; CHANGES.md 3.3
/// for the `?` prefix and 3.5 for tuples (`/`), key-share marks (`*`), `-` and `DEFAULT` in group lists. Which
/// release knows which group name is the catalog's release table.
public enum TLSDefaults {
    /// The built-in group list of a release, in OpenSSL's own group-list syntax.
    public static func groupList(for version: OpenSSLVersion) -> String {
        if version >= OpenSSLVersion(3, 5) {
            return "?*X25519MLKEM768 / ?*X25519:?secp256r1 / ?X448:?secp384r1:?secp521r1 / ?ffdhe2048:?ffdhe3072"
        }
        if version >= OpenSSLVersion(3, 0) {
            return "x25519:secp256r1:x448:secp521r1:secp384r1:ffdhe2048:ffdhe3072:ffdhe4096:ffdhe6144:ffdhe8192"
        }
        return "x25519:secp256r1:x448:secp521r1:secp384r1"
    }

    /// The TLS 1.3 suites every release since 1.1.1 enables by default (`OSSL_default_ciphersuites`).
    public static let ciphersuites = "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256"

    /// The TLS <= 1.2 cipher string used when none is set (`OSSL_default_cipher_list`, "DEFAULT").
    public static let cipherString = "DEFAULT"

    /// Protocol versions a release negotiates when nothing restricts it (SSLv3 is compiled out by default since
    /// 1.1.0; OpenSSL 4.0 removed it).
    public static let protocols = ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"]

    /// First release that knows each group name (lower-cased), from the catalog's release table
    /// (`Catalog.releases`). A name absent there is known to no OpenSSL release (e.g. `X25519Kyber768Draft00`, which
    /// only Chrome, Go and oqs-provider builds ever spoke).
    public static let groupIntroduced: [String: OpenSSLVersion] = {
        var table: [String: OpenSSLVersion] = [:]
        for release in Catalog.shared.releases(of: "openssl") where release.kind == .tlsGroup {
            let parts = release.versionParts + [0, 0, 0]
            for name in release.brings where table[name.lowercased()] == nil {
                table[name.lowercased()] = OpenSSLVersion(parts[0], parts[1], parts[2])
            }
        }
        return table
    }()

    /// The release that first accepts `?` in group lists (CHANGES.md 3.3).
    public static let optionalMarkSince = OpenSSLVersion(3, 3)
    /// The release that first accepts tuples, key-share marks, `-` and `DEFAULT` (CHANGES.md 3.5).
    public static let tupleSyntaxSince = OpenSSLVersion(3, 5)
    /// The release whose default list offers X25519MLKEM768 (CHANGES.md 3.5.0).
    public static let hybridDefaultSince = OpenSSLVersion(3, 5)
}
