import PQModel

/// Postfix's built-in values, by release, for the parameters the scanner reads: data, not logic.
///
/// Source: the `DEF_*` values in `src/global/mail_params.h` at each release tag of Postfix
/// (github.com/vdukhovni/postfix), and postconf(5). `PostfixDefaultsTests` holds the release installed here to its
/// own `postconf -d`.
/// - 3.1 sets OpenSSL's security level to 0 on its server and client contexts ("backwards compatible security as a
///   base for opportunistic TLS", `tls_server.c` and `tls_client.c` at v3.1.0 and still at 3.12), and to 1 on a
///   connection that must authenticate the peer: the server with `smtpd_tls_req_ccert` at level `encrypt`
///   (`smtpd.c`, `requirecert`), the client at levels above `encrypt` (`TLS_MUST_MATCH`, `tls.h`).
/// - 3.8 added `tls_ffdhe_auto_groups` and made the cipher lists exclude SEED, IDEA, 3DES, RC2, RC4, RC5, kDH,
///   kECDH, aDSS and MD5; `low` and `export` became `medium` (postconf(5), tls_low_cipherlist: "Ignored as of
///   Postfix 3.8").
/// - 3.10 put secp384r1 before secp521r1 in `tls_eecdh_auto_curves`.
/// - 3.11, built with OpenSSL 3.5 or later, lets OpenSSL choose with `?X25519MLKEM768:DEFAULT` and sets no FFDHE
///   list of its own.
enum PostfixDefaults {
    static let securityLevelZeroSince = OpenSSLVersion(3, 1)
    static let ffdheGroupsSince = OpenSSLVersion(3, 8)
    static let excludingCipherListsSince = OpenSSLVersion(3, 8)
    static let p384BeforeP521Since = OpenSSLVersion(3, 10)
    static let hybridGroupsSince = OpenSSLVersion(3, 11)
    /// The OpenSSL a Postfix must be built with for its hybrid default (`OPENSSL_VERSION_PREREQ(3,5)`).
    static let hybridGroupsOpenSSL = OpenSSLVersion(3, 5)
    /// The release assumed when the tree's package database does not name one: the newest.
    static let assumed = OpenSSLVersion(3, 11)

    /// The Postfix release the tree's packages name, if any (Debian, RHEL, SUSE, Alpine all call it `postfix`).
    static func installed(_ software: [Software]) -> OpenSSLVersion? {
        OpenSSLVersion.installed(["postfix"], in: software)
    }

    /// The built-in values of one release, linked with (built against) `openssl`.
    static func values(postfix: OpenSSLVersion, openssl: OpenSSLVersion) -> [String: String] {
        var values: [String: String] = [
            "smtpd_tls_security_level": "", "smtp_tls_security_level": "",
            "smtpd_tls_protocols": ">=TLSv1", "smtpd_tls_mandatory_protocols": ">=TLSv1",
            "smtp_tls_protocols": ">=TLSv1", "smtp_tls_mandatory_protocols": ">=TLSv1",
            "smtpd_tls_ciphers": "medium", "smtpd_tls_mandatory_ciphers": "medium",
            "smtp_tls_ciphers": "medium", "smtp_tls_mandatory_ciphers": "medium",
            "smtpd_tls_exclude_ciphers": "", "smtpd_tls_mandatory_exclude_ciphers": "",
            "smtp_tls_exclude_ciphers": "", "smtp_tls_mandatory_exclude_ciphers": "",
            "smtpd_tls_dh1024_param_file": "", "smtpd_tls_req_ccert": "no", "smtpd_tls_ask_ccert": "no",
            "config_directory": "/etc/postfix",
        ]
        if postfix >= excludingCipherListsSince {
            // TLS_EXCL and TLS_EXCL_REST in mail_params.h.
            let rest = ":!kDH:!kECDH:!aDSS:!MD5"
            let excluded = ":!SEED:!IDEA:!3DES:!RC2:!RC4:!RC5" + rest
            values["tls_high_cipherlist"] = "aNULL:-aNULL:HIGH" + excluded + ":@STRENGTH"
            values["tls_medium_cipherlist"] = "aNULL:-aNULL:HIGH:MEDIUM" + excluded + ":+RC4:@STRENGTH"
            values["tls_low_cipherlist"] = ""
            values["tls_export_cipherlist"] = ""
            values["tls_null_cipherlist"] = "eNULL" + rest + ":!aNULL"
        } else {
            values["tls_high_cipherlist"] = "aNULL:-aNULL:HIGH:@STRENGTH"
            values["tls_medium_cipherlist"] = "aNULL:-aNULL:HIGH:MEDIUM:+RC4:@STRENGTH"
            values["tls_low_cipherlist"] = "aNULL:-aNULL:HIGH:MEDIUM:LOW:+RC4:@STRENGTH"
            values["tls_export_cipherlist"] = "aNULL:-aNULL:HIGH:MEDIUM:LOW:EXPORT:+RC4:@STRENGTH"
            values["tls_null_cipherlist"] = "eNULL:!aNULL"
        }
        if postfix >= hybridGroupsSince, openssl >= hybridGroupsOpenSSL {
            values["tls_eecdh_auto_curves"] = "?X25519MLKEM768:DEFAULT"
            values["tls_ffdhe_auto_groups"] = ""
        } else {
            values["tls_eecdh_auto_curves"] =
                postfix >= p384BeforeP521Since
                ? "X25519 X448 prime256v1 secp384r1 secp521r1" : "X25519 X448 prime256v1 secp521r1 secp384r1"
            if postfix >= ffdheGroupsSince { values["tls_ffdhe_auto_groups"] = "ffdhe2048 ffdhe3072" }
        }
        return values
    }
}
