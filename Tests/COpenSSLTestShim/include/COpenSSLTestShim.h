#ifndef COPENSSLTESTSHIM_H
#define COPENSSLTESTSHIM_H
/*
 * COpenSSLTestShim: the tests' oracles, OpenSSL called the ordinary way (d2i_X509, a real handshake), kept out
 * of the product's shim. Same rules as COpenSSLShim: `pqs_*` symbols, plain fixed-size structs out.
 */
#include <COpenSSLShim.h>

/* MARK: - X.509 via d2i_X509 */

/// The fields PQScout reads from a certificate, as OpenSSL's own decoder sees them. The reference side
/// of the differential test against pqs_certificate_parse.
typedef struct {
    int32_t version;
    char signature_oid[PQS_NAME_SIZE];
    char key_oid[PQS_NAME_SIZE];
    /// EVP_PKEY_get_bits; 0 when OpenSSL cannot decode the key (PQ keys on 3.0).
    int32_t key_bits;
    /// namedCurve parameter OID of an EC key; empty otherwise.
    char curve_oid[PQS_NAME_SIZE];
    /// X509_NAME_print_ex with XN_FLAG_RFC2253.
    char subject[PQS_TEXT_SIZE];
    char issuer[PQS_TEXT_SIZE];
    /// Serial as signed upper-case hex ("-3039" for a negative serial).
    char serial_hex[PQS_TEXT_SIZE];
    /// Validity as seconds since 1970-01-01 UTC.
    int64_t not_before;
    int64_t not_after;
    /// SHA-256 of the certificate DER (X509_digest).
    uint8_t sha256[32];
    /// X509_get0_tbs_sigalg's OID.
    char tbs_signature_oid[PQS_NAME_SIZE];
    /// basicConstraints cA through X509_get_ext_d2i: -1 absent, 0, 1.
    int32_t is_ca;
    /// X509_get0_subject_key_id and X509_get0_authority_key_id: up to 64 octets, length -1 when absent.
    uint8_t subject_key_id[64];
    int32_t subject_key_id_length;
    uint8_t authority_key_id[64];
    int32_t authority_key_id_length;
    /// SHA-256 of i2d_X509_PUBKEY.
    uint8_t spki_sha256[32];
    /// X509_NAME_get0_der of issuer and subject; length -1 when longer than the buffer.
    uint8_t issuer_der[PQS_TEXT_SIZE * 2];
    int32_t issuer_der_length;
    uint8_t subject_der[PQS_TEXT_SIZE * 2];
    int32_t subject_der_length;
} pqs_x509_fields;

/// d2i_X509 then read the fields above. Returns PQS_OK or PQS_MALFORMED.
int pqs_x509_read_fields(const uint8_t *der, size_t length, pqs_x509_fields *out, char error[PQS_ERROR_SIZE]);


/// One in-memory handshake between a server and a client, both in this process (a BIO pair; no socket).
/// The server: `cipher_list`, `ciphersuites`, `groups` (NULL: library defaults), `security_level` (negative:
/// library default), DH parameters chosen automatically when `dh_auto` is 1, certificate and key from PEM
/// text. The client: security level 0, only `version` (0: any), offering `offer_ciphers`/`offer_suites`/
/// `offer_groups` (NULL: library defaults). On success `negotiated` holds the suite's OpenSSL name and
/// `group` the group's name (empty when none). Returns PQS_OK when the handshake completed, PQS_MALFORMED when
/// it failed (`error` has OpenSSL's words) or the server could not be set up. For tests: the oracle for
/// what a server would really negotiate.
int pqs_tls_handshake(
    const char *cipher_list, const char *ciphersuites, const char *groups, int32_t security_level, int32_t dh_auto,
    const char *certificate_pem, const char *key_pem, int32_t version, const char *offer_ciphers,
    const char *offer_suites, const char *offer_groups, char negotiated[PQS_CIPHER_NAME_SIZE],
    char group[PQS_NAME_SIZE], char error[PQS_ERROR_SIZE]);

#endif
