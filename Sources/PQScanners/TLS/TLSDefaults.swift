/// What an OpenSSL release does when a TLS setting is left unset, and which group names it knows: data, not logic.
///
/// Sources (standards.md §4.1, §4.2): `TLS_DEFAULT_GROUP_LIST` in `ssl/t1_lib.c` and CHANGES.md for 3.5.0 (the
/// hybrid default list); `supported_groups_default` in 3.0's `ssl/t1_lib.c`; `OSSL_default_ciphersuites()` for
/// TLS 1.3; `include/internal/tlsgroups.h` and `providers/common/capabilities.c` for the group names; CHANGES.md
/// 3.3 for the `?` prefix and 3.5 for tuples (`/`), key-share marks (`*`), `-` and `DEFAULT` in group lists.
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

    /// First release that knows each group name (lower-cased). A name absent here is known to no OpenSSL release
    /// (e.g. `X25519Kyber768Draft00`, which only Chrome, Go and oqs-provider builds ever spoke).
    public static let groupIntroduced: [String: OpenSSLVersion] = {
        var table: [String: OpenSSLVersion] = [:]
        let classic = [
            "secp256r1", "p-256", "prime256v1", "secp384r1", "p-384", "secp521r1", "p-521", "x25519", "x448",
            "brainpoolp256r1", "brainpoolp384r1", "brainpoolp512r1", "secp224r1", "p-224", "secp256k1",
            "secp192r1", "p-192", "prime192v1", "secp160k1", "secp160r1", "secp160r2", "secp192k1", "secp224k1",
            "sect163k1", "sect163r1", "sect163r2", "sect193r1", "sect193r2", "sect233k1", "sect233r1", "sect239k1",
            "sect283k1", "sect283r1", "sect409k1", "sect409r1", "sect571k1", "sect571r1",
        ]
        for name in classic { table[name] = OpenSSLVersion(1, 1, 1) }
        for name in ["ffdhe2048", "ffdhe3072", "ffdhe4096", "ffdhe6144", "ffdhe8192"] {
            table[name] = OpenSSLVersion(3, 0)
        }
        for name in ["brainpoolp256r1tls13", "brainpoolp384r1tls13", "brainpoolp512r1tls13"] {
            table[name] = OpenSSLVersion(3, 2)
        }
        for name in ["mlkem512", "mlkem768", "mlkem1024", "x25519mlkem768", "secp256r1mlkem768", "secp384r1mlkem1024"] {
            table[name] = OpenSSLVersion(3, 5)
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
