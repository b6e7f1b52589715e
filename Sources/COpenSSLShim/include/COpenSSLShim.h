#ifndef COPENSSLSHIM_H
#define COPENSSLSHIM_H
/*
 * COpenSSLShim: the only C in PQScout's products (the tests' oracles live in Tests/COpenSSLTestShim). A small,
 * dumb layer over the system libcrypto (OpenSSL 3.0+).
 *
 * Rules (STYLE.md rule 3): every symbol is `pqs_*`; results are plain structs with fixed-size fields
 * (no pointers out, so Swift sees them as Sendable values); no algorithm tables or decisions here, only
 * what Swift cannot call well (macros, STACK_OF, BIO plumbing, the error queue, version differences).
 * No function ever prints, prompts or reads a file. Private key bytes never leave this layer.
 */
#include <stddef.h>
#include <stdint.h>

/* Status codes shared by every function that can fail on input. */
enum {
    PQS_OK = 0,
    /* The input is not what was asked for, or is damaged. */
    PQS_MALFORMED = 1,
    /* Protected by a password none of the candidates opened (PKCS#12 MAC or encryption). */
    PQS_WRONG_PASSWORD = 2,
    /* The caller's output buffer is too small; the needed size is reported. */
    PQS_BUFFER_TOO_SMALL = 3,
    /* Well-formed, but this OpenSSL cannot decode it (e.g. ML-DSA keys on OpenSSL 3.0). */
    PQS_UNSUPPORTED = 4,
    /* Memory or other failure of the library itself. */
    PQS_INTERNAL = 5,
};

#define PQS_ERROR_SIZE 256
#define PQS_NAME_SIZE 64
#define PQS_TEXT_SIZE 1024

/* MARK: - Version and digest */

/// OpenSSL version string of the library linked at run time ("OpenSSL 3.0.19 27 Jan 2026").
const char *pqs_openssl_version(void);

/// SHA-256 of a buffer into `out` (32 bytes). Returns PQS_OK, or PQS_INTERNAL.
/// Why here: Swift has no SHA-256 in the toolchain on Linux without swift-crypto; libcrypto is linked anyway.
int pqs_sha256(const uint8_t *data, size_t length, uint8_t out[32]);
/* SHA-256 of a stream, fed piece by piece: begin returns NULL on failure; end writes the digest and frees. */
void *pqs_sha256_begin(void);
int pqs_sha256_update(void *context, const uint8_t *data, size_t length);
int pqs_sha256_end(void *context, uint8_t out[32]);

/* MARK: - Keys */

/// What PQScout records of a key: never its bytes.
typedef struct {
    /// Dotted OID of the key's algorithm ("1.2.840.113549.1.1.1"), as its SubjectPublicKeyInfo names it; empty
    /// when OpenSSL cannot encode the public half. OpenSSL's type names are not returned: a provider chooses them.
    char oid[PQS_NAME_SIZE];
    /// EVP_PKEY_get_bits; 0 when unknown.
    int32_t bits;
    /// Named curve as OpenSSL spells it ("prime256v1") and its dotted OID; empty for non-EC keys.
    char curve_name[PQS_NAME_SIZE];
    char curve_oid[PQS_NAME_SIZE];
    /// SHA-256 of the DER SubjectPublicKeyInfo of the key's public half (links a private key to its
    /// certificate's public-key asset); valid when has_spki_sha256 is 1.
    uint8_t spki_sha256[32];
    int32_t has_spki_sha256;
} pqs_key_info;

/// Decodes an unencrypted private key in DER (PKCS#1 RSAPrivateKey, SEC1 ECPrivateKey, DSA, PKCS#8
/// PrivateKeyInfo) and describes it. Returns PQS_OK, PQS_MALFORMED or PQS_UNSUPPORTED; `error` receives
/// OpenSSL's error queue as text. Never asks for a password (encrypted input fails).
int pqs_private_key_info(const uint8_t *der, size_t length, pqs_key_info *out, char error[PQS_ERROR_SIZE]);

/* MARK: - PKCS#7 */

/// Copies the DER of every certificate in a PKCS#7 SignedData (DER input; decode PEM first) into `out`,
/// back to back (each is one self-delimiting SEQUENCE). `*needed` gets the total size and `*count` the number
/// of certificates. Returns PQS_OK, PQS_MALFORMED, or PQS_BUFFER_TOO_SMALL (call again with `*needed` bytes).
int pqs_pkcs7_certificates(
    const uint8_t *der, size_t length, uint8_t *out, size_t capacity, size_t *needed, int32_t *count,
    char error[PQS_ERROR_SIZE]);

/* MARK: - PKCS#12 */

/// What a PKCS#12 file held, once opened.
typedef struct {
    /// Which password opened it: -2 = none needed / NULL, -1 = the empty string, i >= 0 = passwords[i].
    int32_t password_index;
    int32_t has_key;
    pqs_key_info key;
    int32_t certificate_count;
} pqs_pkcs12_info;

/// Opens a PKCS#12 (DER) trying NULL, "", then each of `passwords` in order, and copies the DER of every
/// certificate into `out` back to back (the key's certificate first), as pqs_pkcs7_certificates does.
/// Returns PQS_OK, PQS_WRONG_PASSWORD (no candidate verified), PQS_MALFORMED or PQS_BUFFER_TOO_SMALL.
/// Legacy bag ciphers (RC2-40, the OpenSSL 1.x and Windows default, and 3DES) are decrypted with OpenSSL's
/// legacy provider, loaded into a private library context used for this parse only.
int pqs_pkcs12_open(
    const uint8_t *der, size_t length, const char *const *passwords, size_t password_count, uint8_t *out,
    size_t capacity, size_t *needed, pqs_pkcs12_info *info, char error[PQS_ERROR_SIZE]);

/* MARK: - Password-protected keys
 *
 * Why: an encrypted PKCS#8 hides its algorithm, and a legacy encrypted PEM key its size, until it is opened;
 * given the user's candidate passwords, OpenSSL decrypts them and only the description (pqs_key_info) comes
 * back. Candidates are tried in order and never kept; the decrypted key is freed (and cleansed by OpenSSL)
 * before return. Nothing here can prompt: every decoder gets the candidate or a callback that refuses.
 */

/// Opens a DER EncryptedPrivateKeyInfo (RFC 5958 §3) with each of `passwords` in turn and describes the key.
/// When OpenSSL cannot build the key itself (ML-KEM/ML-DSA on 3.0), `out->oid` still holds the decrypted
/// PrivateKeyInfo's algorithm OID and `out->curve_oid` its namedCurve parameter (EC), so the caller can name it.
/// `*password_index` receives the index of the password that opened it. Returns PQS_OK, PQS_WRONG_PASSWORD (no
/// candidate decrypted it) or PQS_MALFORMED.
int pqs_encrypted_pkcs8_info(
    const uint8_t *der, size_t length, const char *const *passwords, size_t password_count, pqs_key_info *out,
    int32_t *password_index, char error[PQS_ERROR_SIZE]);

/// Opens a legacy encrypted PEM private key (RFC 1421 `Proc-Type: 4,ENCRYPTED` with `DEK-Info`) given as the
/// PEM text of one block, with each of `passwords` in turn, and describes it. Returns PQS_OK,
/// PQS_WRONG_PASSWORD or PQS_MALFORMED.
int pqs_pem_private_key_info(
    const uint8_t *pem, size_t length, const char *const *passwords, size_t password_count, pqs_key_info *out,
    int32_t *password_index, char error[PQS_ERROR_SIZE]);

/* MARK: - Java keystores (JKS, JCEKS)
 *
 * Why: with the store password the keyed SHA-1 integrity check can be verified, and a JKS private key
 * (Sun's KeyProtector, OID 1.3.6.1.4.1.42.2.17.1.1) decrypted to describe its real algorithm. Both need SHA-1
 * loops over password bytes that Swift has no digest for; the decrypted key never leaves this layer.
 * Passwords arrive as Java writes them: UTF-16BE code units of the char[].
 */

/// Verifies a JKS/JCEKS integrity check: SHA-1(password || "Mighty Aphrodite" || store) equals the 20 bytes that
/// end the file. Returns PQS_OK, PQS_WRONG_PASSWORD, or PQS_MALFORMED (shorter than a digest).
int pqs_jks_verify(const uint8_t *store, size_t length, const uint8_t *password_utf16, size_t password_length);

/// Decrypts one JKS or JCEKS protected private key (the EncryptedPrivateKeyInfo of a key entry: Sun's
/// KeyProtector, or JCEKS's PBEWithMD5AndTripleDES) and describes it. Returns PQS_OK, PQS_WRONG_PASSWORD,
/// PQS_UNSUPPORTED (another protection algorithm) or PQS_MALFORMED.
int pqs_jks_key_info(
    const uint8_t *protected_key, size_t length, const uint8_t *password_utf16, size_t password_length,
    pqs_key_info *out, char error[PQS_ERROR_SIZE]);

/* MARK: - X.509 certificates
 *
 * Why here and not d2i_X509: on OpenSSL 3.0 d2i_X509 decodes every public key through the providers, most of
 * its cost, and an inventory needs only the key's algorithm, parameters and size. The shim decodes with
 * OpenSSL's own ASN.1 templates (RFC 5280 §4.1) that leave the key as a BIT STRING, and copies fields out;
 * names of algorithms and attributes, key-size rules and every judgement stay in Swift.
 */

#define PQS_OID_SIZE 128
#define PQS_SERIAL_SIZE 64
#define PQS_KEY_ID_SIZE 64

/* Where a certificate failed when pqs_certificate_parse does not return PQS_OK (pqs_certificate.failure). */
enum {
    /* The template decoder stopped at a length running past its enclosing element or the input. */
    PQS_X509_TRUNCATED = 1,
    /* An element has a tag other than the one the structure requires there. */
    PQS_X509_UNEXPECTED_TAG = 2,
    /* Elements nested deeper than OpenSSL's decoder allows. */
    PQS_X509_TOO_DEEP = 3,
    /* A SEQUENCE holds more or less than its fields (data after the signature, an unknown field). */
    PQS_X509_LENGTH = 4,
    /* Any other refusal of the decoder (bad INTEGER padding, bad OID encoding, bad BOOLEAN). */
    PQS_X509_MALFORMED = 5,
    /* version is not 0, 1 or 2. */
    PQS_X509_VERSION = 6,
    /* serialNumber wider than PQS_SERIAL_SIZE octets. */
    PQS_X509_SERIAL = 7,
    /* notBefore or notAfter is not a valid UTCTime/GeneralizedTime. */
    PQS_X509_TIME = 8,
    /* An OID's dotted text is longer than PQS_OID_SIZE - 1 characters. */
    PQS_X509_OID = 9,
    /* basicConstraints, subjectKeyIdentifier or authorityKeyIdentifier does not decode. */
    PQS_X509_EXTENSION = 10,
    /* issuer or subject is not a SEQUENCE. */
    PQS_X509_NAME = 11,
};

/// The fields of one certificate, decoded but not interpreted.
typedef struct {
    /// 1, 2 or 3 (the encoded value plus one).
    int32_t version;
    /// serialNumber's magnitude, big-endian without leading zero octets (empty for zero), and its sign.
    uint8_t serial[PQS_SERIAL_SIZE];
    int32_t serial_length;
    int32_t serial_negative;
    /// Dotted OIDs of the outer signatureAlgorithm and of the TBSCertificate's signature field.
    char signature_oid[PQS_OID_SIZE];
    char tbs_signature_oid[PQS_OID_SIZE];
    /// Validity as UTC calendar fields: year, month 1-12, day 1-31, hour, minute, second.
    int32_t not_before[6];
    int32_t not_after[6];
    /// SubjectPublicKeyInfo: the algorithm OID and its parameters' universal tag (-1 when absent).
    char key_oid[PQS_OID_SIZE];
    int32_t key_parameters_tag;
    /// The parameters' dotted OID when they are an OBJECT IDENTIFIER (a namedCurve), else empty.
    char key_parameters_oid[PQS_OID_SIZE];
    /// Bit length of the first INTEGER when the parameters are a SEQUENCE starting with one (DSA/DH p); -1 else.
    int32_t key_parameters_integer_bits;
    /// The subjectPublicKey BIT STRING: unused bits, octets, and the bit length of the first INTEGER when its
    /// content is a SEQUENCE starting with one (the RSA modulus), -1 else. Leading zero octets are not counted.
    int32_t key_unused_bits;
    int32_t key_octets;
    int32_t key_integer_bits;
    /// SHA-256 of the SubjectPublicKeyInfo as received.
    uint8_t key_sha256[32];
    /// basicConstraints cA: -1 when the extension is absent, else 0 or 1.
    int32_t is_ca;
    /// keyIdentifier of SubjectKeyIdentifier and of AuthorityKeyIdentifier: the first PQS_KEY_ID_SIZE octets and
    /// the full length (-1 when absent); a length above PQS_KEY_ID_SIZE means the copy is truncated.
    uint8_t subject_key_id[PQS_KEY_ID_SIZE];
    int32_t subject_key_id_length;
    uint8_t authority_key_id[PQS_KEY_ID_SIZE];
    int32_t authority_key_id_length;
    /// 1 when both key identifiers are present and equal in full.
    int32_t key_ids_equal;
    /// DER of issuer then subject, back to back in the caller's `names` buffer.
    int32_t issuer_length;
    int32_t subject_length;
    /// SHA-256 of the certificate's bytes, and how many bytes of the input the certificate took.
    uint8_t sha256[32];
    int64_t der_length;
    /// One of PQS_X509_* when the call fails with PQS_MALFORMED.
    int32_t failure;
} pqs_certificate;

/// Decodes one certificate from the start of `der` (trailing bytes are left, see `der_length`) and copies its
/// fields into `out` and the DER of its issuer and subject into `names`, whose `names_capacity` must hold both
/// (the input's length always does). Returns PQS_OK; PQS_MALFORMED with `out->failure` and `error` saying
/// where OpenSSL stopped; PQS_BUFFER_TOO_SMALL when `names` cannot hold the names.
int pqs_certificate_parse(
    const uint8_t *der, size_t length, pqs_certificate *out, uint8_t *names, size_t names_capacity,
    char error[PQS_ERROR_SIZE]);

/* MARK: - TLS cipher lists
 *
 * Why: OpenSSL's cipher-string language (`HIGH:!aNULL:+SHA1:@STRENGTH`) has no grammar outside
 * ssl/ssl_ciph.c; re-implementing it in Swift would drift from what a server really offers. So the
 * expansion runs through the library on a throwaway SSL_CTX, and only names and descriptions come back;
 * the decomposition into algorithms stays in Swift against the catalog. The expansion is that of the
 * OpenSSL linked at run time, which may differ from the target's; callers record the version.
 */

#define PQS_CIPHER_NAME_SIZE 96
#define PQS_CIPHER_DESCRIPTION_SIZE 192
/* More than any OpenSSL build lists ('ALL:COMPLEMENTOFALL' gives 158 suites on 3.0.19). */
#define PQS_CIPHER_MAX 512

/// One suite of an expanded cipher list.
typedef struct {
    /// OpenSSL's name ("ECDHE-RSA-AES128-GCM-SHA256", "TLS_AES_128_GCM_SHA256").
    char name[PQS_CIPHER_NAME_SIZE];
    /// The RFC/IANA name (SSL_CIPHER_standard_name); empty when OpenSSL has none.
    char standard_name[PQS_CIPHER_NAME_SIZE];
    /// SSL_CIPHER_description: "NAME  TLSv1.2 Kx=ECDH Au=RSA Enc=AESGCM(128) Mac=AEAD", the same text
    /// `openssl ciphers -v` prints.
    char description[PQS_CIPHER_DESCRIPTION_SIZE];
    /// The two-byte IANA code point (SSL_CIPHER_get_protocol_id).
    uint16_t protocol_id;
    /// Secret bits of the bulk cipher (SSL_CIPHER_get_bits).
    int32_t bits;
} pqs_tls_cipher;

/// Expands a TLS <= 1.2 cipher string and a TLS 1.3 ciphersuite list as an SSL_CTX would hold them,
/// TLS 1.3 suites first (the order `openssl ciphers -v` prints). NULL for either means the library
/// default. Never loads a configuration file, so the host's openssl.cnf does not leak into the result.
/// Returns PQS_OK; PQS_MALFORMED when OpenSSL rejects a list (`error` names which); PQS_BUFFER_TOO_SMALL
/// when more than `capacity` suites result (`*count` holds the full number, the first `capacity` are filled).
int pqs_tls_expand_ciphers(
    const char *cipher_list, const char *ciphersuites, pqs_tls_cipher *out, size_t capacity, size_t *count,
    char error[PQS_ERROR_SIZE]);

/* MARK: - TLS: what a server would really use
 *
 * Why: a cipher string names suites a server may still never use. OpenSSL drops suites below the security
 * level, anonymous and NULL suites, PSK and SRP suites without their callbacks, and protocol versions the
 * level forbids (ssl/ssl_lib.c ssl_cipher_disabled, ssl/t1_lib.c ssl_security_default_callback). Those rules
 * are asked of the library here, on an SSL_CTX built with the service's settings, instead of being copied
 * into Swift. What depends on the served certificate (RSA vs ECDSA suites) is decided in Swift from the
 * suite's Au=/Kx= tokens. The shim initialises OpenSSL with OPENSSL_INIT_NO_LOAD_CONFIG when it is loaded,
 * before any other call, so a host openssl.cnf never changes an answer.
 */

/* Protocol versions as their wire numbers (SSL_CTX_set_min_proto_version): 0x0301 TLS 1.0 .. 0x0304 TLS 1.3. */

/// One suite of a service's list and whether OpenSSL would use it.
typedef struct {
    pqs_tls_cipher cipher;
    /// 1 when SSL_get1_supported_ciphers keeps it on an SSL of the service's context (security level, the
    /// service's version range, no PSK or SRP callback), 0 otherwise.
    int32_t usable;
} pqs_tls_server_suite;

/// The context's answers that are not per suite.
typedef struct {
    /// SSL_CTX_get_security_level after every list was applied.
    int32_t security_level;
    /// For TLS 1.0, 1.1, 1.2, 1.3 (index 0..3): 1 when an SSL limited to that one version keeps at least one
    /// suite (the version is allowed by the security level and the lists have a suite for it).
    int32_t version_usable[4];
} pqs_tls_server_context;

/// Builds an SSL_CTX as a server would: security level `security_level` (negative: the library's), then
/// `base_cipher_list` (the system CipherString, may be NULL), then `cipher_list` and `ciphersuites` (NULL: leave
/// as is), then the version range `min_version`..`max_version` (0: open). Lists every suite of the context with
/// its `usable` flag. Returns PQS_OK, PQS_MALFORMED when OpenSSL rejects a list or a version (`error` has
/// OpenSSL's words), PQS_BUFFER_TOO_SMALL as pqs_tls_expand_ciphers.
int pqs_tls_server_suites(
    const char *base_cipher_list, const char *cipher_list, const char *ciphersuites, int32_t security_level,
    int32_t min_version, int32_t max_version, pqs_tls_server_suite *out, size_t capacity, size_t *count,
    pqs_tls_server_context *context, char error[PQS_ERROR_SIZE]);

/// What OpenSSL says of a certificate a server would load.
typedef struct {
    /// 1 when SSL_CTX_use_certificate accepts it at the context's security level, 0 when it refuses
    /// (`error` has OpenSSL's words: "ee key too small", "ca md too weak").
    int32_t accepted;
    /// The SubjectPublicKeyInfo algorithm OID, dotted (Swift names the key type from it; OpenSSL's type names
    /// are a provider's choice); empty when the certificate has none that prints.
    char key_oid[PQS_OID_SIZE];
    int32_t key_bits;
    /// EVP_PKEY_get_security_bits.
    int32_t security_bits;
} pqs_tls_certificate_check;

/// Loads one DER certificate into an SSL_CTX set up as pqs_tls_server_suites does (security level, then the
/// cipher lists, which may carry @SECLEVEL). Returns PQS_OK (see `accepted`) or PQS_MALFORMED (not a
/// certificate, or a list OpenSSL rejects).
int pqs_tls_check_certificate(
    const char *base_cipher_list, const char *cipher_list, int32_t security_level, const uint8_t *der,
    size_t length, pqs_tls_certificate_check *out, char error[PQS_ERROR_SIZE]);

/* Why: building an SSL_CTX costs OpenSSL 3.0 a fetch of every cipher, group and signature algorithm, and a server's
 * certificates are checked against the same few contexts (one per cipher string and level) again and again. A
 * context built once answers every certificate through an SSL of its own (SSL_use_certificate applies the same
 * security-level rules as SSL_CTX_use_certificate), so concurrent checks never change it. */
typedef struct pqs_tls_certificate_context pqs_tls_certificate_context;

/// The server context pqs_tls_check_certificate loads into, built once; NULL when OpenSSL rejects a list (`error`
/// has its words). Free with pqs_tls_certificate_context_free.
pqs_tls_certificate_context *pqs_tls_certificate_context_new(
    const char *base_cipher_list, const char *cipher_list, int32_t security_level, char error[PQS_ERROR_SIZE]);

void pqs_tls_certificate_context_free(pqs_tls_certificate_context *context);

/// pqs_tls_check_certificate on a context built by pqs_tls_certificate_context_new; safe to call from several
/// threads on one context. Returns PQS_OK (see `accepted`) or PQS_MALFORMED (not a certificate).
int pqs_tls_check_certificate_in(
    const pqs_tls_certificate_context *context, const uint8_t *der, size_t length, pqs_tls_certificate_check *out,
    char error[PQS_ERROR_SIZE]);

#endif
