/*
 * COpenSSLShim implementation. See include/COpenSSLShim.h for the contract and the rules.
 */
#include "COpenSSLShim.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/provider.h>
#include <openssl/sha.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

/* MARK: - Initialisation */

/* Why at load time: OpenSSL loads the host's openssl.cnf (or $OPENSSL_CONF) at its first implicit
 * initialisation, whatever call that is (a SHA-256 of a file, a PEM decode), and a `system_default` section there
 * then changes every SSL_CTX the shim builds (RHEL crypto-policies: 2 suites instead of 60). The config step
 * runs once per process, so initialising with NO_LOAD_CONFIG before anything else is the only order that holds. */
__attribute__((constructor)) static void pqs_initialise(void) {
    OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
    OPENSSL_init_ssl(OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
}

/* MARK: - Helpers */

/* Why: OpenSSL reports failures on a thread-local queue; Swift cannot walk it well, and a stale entry would
 * blame the next file. Drain it into the caller's fixed buffer as "lib:reason; lib:reason". */
static void pqs_drain_errors(char error[PQS_ERROR_SIZE], const char *fallback) {
    if (error == NULL) {
        ERR_clear_error();
        return;
    }
    error[0] = '\0';
    size_t used = 0;
    unsigned long code;
    while ((code = ERR_get_error()) != 0) {
        char one[160];
        ERR_error_string_n(code, one, sizeof one);
        size_t n = strlen(one);
        if (used + n + 3 >= PQS_ERROR_SIZE) {
            continue; /* keep draining, drop what does not fit */
        }
        if (used > 0) {
            memcpy(error + used, "; ", 2);
            used += 2;
        }
        memcpy(error + used, one, n);
        used += n;
        error[used] = '\0';
    }
    if (used == 0 && fallback != NULL) {
        strncpy(error, fallback, PQS_ERROR_SIZE - 1);
        error[PQS_ERROR_SIZE - 1] = '\0';
    }
}

static void pqs_copy(char *dst, size_t cap, const char *src) {
    if (cap == 0) return;
    if (src == NULL) {
        dst[0] = '\0';
        return;
    }
    strncpy(dst, src, cap - 1);
    dst[cap - 1] = '\0';
}

static void pqs_obj_text(char *dst, size_t cap, const ASN1_OBJECT *obj) {
    dst[0] = '\0';
    if (obj != NULL && OBJ_obj2txt(dst, (int)cap, obj, 1) <= 0) dst[0] = '\0';
}

/* Why: the PKCS#7 and PKCS#12 readers hand back several certificates; a caller-sized buffer with the DERs
 * back to back keeps pointers and STACK_OF out of Swift. Returns PQS_OK or PQS_BUFFER_TOO_SMALL. */
static int pqs_append_der(X509 *cert, uint8_t *out, size_t capacity, size_t *needed, int32_t *count) {
    int len = i2d_X509(cert, NULL);
    if (len <= 0) return PQS_MALFORMED;
    size_t at = *needed;
    *needed += (size_t)len;
    *count += 1;
    if (out == NULL || *needed > capacity) return PQS_BUFFER_TOO_SMALL;
    unsigned char *p = out + at;
    i2d_X509(cert, &p);
    return PQS_OK;
}

/* Why: OpenSSL asks for a pass phrase on the terminal when a decoder meets encrypted data and no callback
 * is set; a scan must never block on a prompt. This callback answers "no pass phrase" (0 bytes, failure). */
static int pqs_no_passphrase(char *buffer, size_t size, size_t *length, const OSSL_PARAM params[], void *arg) {
    (void)buffer;
    (void)size;
    (void)params;
    (void)arg;
    *length = 0;
    return 0;
}

/* MARK: - Version and digest */

const char *pqs_openssl_version(void) { return OpenSSL_version(OPENSSL_VERSION); }

int pqs_sha256(const uint8_t *data, size_t length, uint8_t out[32]) {
    /* The one-shot SHA256() avoids a provider fetch per call, which matters in the certificate hot loop. */
    static const uint8_t empty = 0;
    return SHA256(data != NULL ? data : &empty, length, out) != NULL ? PQS_OK : PQS_INTERNAL;
}

/* MARK: - Keys */

/* Why: one description of an EVP_PKEY for both PKCS#12 and bare private keys; the curve name needs the 3.0
 * parameter API and the SPKI needs i2d_PUBKEY plus a temporary buffer. Never touches private bytes. */
static void pqs_describe_key(EVP_PKEY *pkey, pqs_key_info *out) {
    memset(out, 0, sizeof *out);
    int nid = EVP_PKEY_get_base_id(pkey);
    if (nid > 0) pqs_obj_text(out->oid, sizeof out->oid, OBJ_nid2obj(nid));
    pqs_copy(out->type_name, sizeof out->type_name, EVP_PKEY_get0_type_name(pkey));
    int bits = EVP_PKEY_get_bits(pkey);
    out->bits = bits > 0 ? bits : 0;
    char group[PQS_NAME_SIZE];
    size_t group_len = 0;
    if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &group_len) == 1) {
        pqs_copy(out->curve_name, sizeof out->curve_name, group);
        int curve_nid = OBJ_sn2nid(group);
        if (curve_nid == NID_undef) curve_nid = OBJ_txt2nid(group);
        if (curve_nid != NID_undef) pqs_obj_text(out->curve_oid, sizeof out->curve_oid, OBJ_nid2obj(curve_nid));
    }
    int spki_len = i2d_PUBKEY(pkey, NULL);
    if (spki_len > 0) {
        unsigned char *spki = OPENSSL_malloc((size_t)spki_len);
        if (spki != NULL) {
            unsigned char *p = spki;
            if (i2d_PUBKEY(pkey, &p) == spki_len && SHA256(spki, (size_t)spki_len, out->spki_sha256) != NULL) {
                out->has_spki_sha256 = 1;
            }
            OPENSSL_free(spki);
        }
    }
    ERR_clear_error(); /* a missing group name is not an error worth reporting */
}

/* Why: the decoder says only "no supported data" whether the key's algorithm is one this OpenSSL has no key
 * manager for (ML-DSA on 3.0: the caller may still record the OID) or a known algorithm whose key is corrupt (a
 * failure to report). Asking for the key manager by the PrivateKeyInfo's OID tells the two apart. */
static int pqs_pkcs8_unknown_algorithm(const uint8_t *der, size_t length, char error[PQS_ERROR_SIZE]) {
    const unsigned char *p = der;
    PKCS8_PRIV_KEY_INFO *info = d2i_PKCS8_PRIV_KEY_INFO(NULL, &p, (long)length);
    if (info == NULL) {
        ERR_clear_error();
        return 0;
    }
    const ASN1_OBJECT *oid = NULL;
    char text[PQS_NAME_SIZE] = "";
    if (PKCS8_pkey_get0(&oid, NULL, NULL, NULL, info) == 1 && oid != NULL) pqs_obj_text(text, sizeof text, oid);
    PKCS8_PRIV_KEY_INFO_free(info);
    if (text[0] == '\0') return 0;
    EVP_KEYMGMT *manager = EVP_KEYMGMT_fetch(NULL, text, NULL);
    ERR_clear_error();
    if (manager != NULL) {
        EVP_KEYMGMT_free(manager);
        return 0;
    }
    if (error != NULL) snprintf(error, PQS_ERROR_SIZE, "no key manager for algorithm %s in this OpenSSL", text);
    return 1;
}

int pqs_private_key_info(const uint8_t *der, size_t length, pqs_key_info *out, char error[PQS_ERROR_SIZE]) {
    ERR_clear_error();
    memset(out, 0, sizeof *out);
    if (der == NULL || length == 0 || length > (size_t)INT32_MAX) {
        pqs_copy(error, PQS_ERROR_SIZE, "empty or oversized input");
        return PQS_MALFORMED;
    }
    /* The decoder takes PKCS#8 PrivateKeyInfo and the traditional forms (RSA, DSA, SEC1 EC). An encrypted
     * PKCS#8 would make it ask for a pass phrase: pqs_no_passphrase answers "none", so nothing can prompt. */
    EVP_PKEY *pkey = NULL;
    OSSL_DECODER_CTX *ctx =
        OSSL_DECODER_CTX_new_for_pkey(&pkey, "DER", NULL, NULL, EVP_PKEY_KEYPAIR, NULL, NULL);
    if (ctx == NULL) {
        pqs_drain_errors(error, "cannot create an OpenSSL decoder");
        return PQS_INTERNAL;
    }
    OSSL_DECODER_CTX_set_passphrase_cb(ctx, pqs_no_passphrase, NULL);
    const unsigned char *p = der;
    size_t left = length;
    int decoded = OSSL_DECODER_from_data(ctx, &p, &left);
    OSSL_DECODER_CTX_free(ctx);
    if (!decoded || pkey == NULL) {
        EVP_PKEY_free(pkey);
        pqs_drain_errors(error, "not a private key OpenSSL can decode");
        return pqs_pkcs8_unknown_algorithm(der, length, error) ? PQS_UNSUPPORTED : PQS_MALFORMED;
    }
    pqs_describe_key(pkey, out);
    EVP_PKEY_free(pkey);
    if (error != NULL) error[0] = '\0';
    return PQS_OK;
}

/* MARK: - PKCS#7 */

/* Why: the certificates of a SignedData sit in a STACK_OF(X509) reached through a macro-heavy union. */
int pqs_pkcs7_certificates(
    const uint8_t *der, size_t length, uint8_t *out, size_t capacity, size_t *needed, int32_t *count,
    char error[PQS_ERROR_SIZE]) {
    ERR_clear_error();
    *needed = 0;
    *count = 0;
    if (der == NULL || length == 0 || length > (size_t)INT32_MAX) {
        pqs_copy(error, PQS_ERROR_SIZE, "empty or oversized input");
        return PQS_MALFORMED;
    }
    const unsigned char *p = der;
    PKCS7 *p7 = d2i_PKCS7(NULL, &p, (long)length);
    if (p7 == NULL) {
        pqs_drain_errors(error, "not a PKCS#7 structure");
        return PQS_MALFORMED;
    }
    STACK_OF(X509) *certs = NULL;
    int type = OBJ_obj2nid(p7->type);
    if (type == NID_pkcs7_signed && p7->d.sign != NULL) {
        certs = p7->d.sign->cert;
    } else if (type == NID_pkcs7_signedAndEnveloped && p7->d.signed_and_enveloped != NULL) {
        certs = p7->d.signed_and_enveloped->cert;
    } else {
        PKCS7_free(p7);
        pqs_copy(error, PQS_ERROR_SIZE, "PKCS#7 content is not SignedData");
        return PQS_MALFORMED;
    }
    int status = PQS_OK;
    for (int i = 0; certs != NULL && i < sk_X509_num(certs); i++) {
        int one = pqs_append_der(sk_X509_value(certs, i), out, capacity, needed, count);
        if (one == PQS_MALFORMED) {
            status = PQS_MALFORMED;
            break;
        }
        if (one == PQS_BUFFER_TOO_SMALL) status = PQS_BUFFER_TOO_SMALL;
    }
    PKCS7_free(p7);
    if (status == PQS_MALFORMED) pqs_drain_errors(error, "certificate in PKCS#7 cannot be re-encoded");
    else if (error != NULL) error[0] = '\0';
    return status;
}

/* MARK: - PKCS#12 */

/* Why: PKCS12_parse conflates "wrong password" with "damaged"; checking the MAC per candidate first tells
 * them apart, and NULL vs "" matters (some writers MAC with one, some with the other). */
/* Why a private library context: RC2-40 and other PKCS#12 bag ciphers live in OpenSSL 3's legacy provider.
 * Loading it into the default context would make every other answer of the shim (cipher expansion, key
 * decoding) depend on it; a context of its own, made default on this thread only while a PKCS#12 is parsed,
 * keeps it to that parse. Created once; NULL when the provider is missing (then legacy files stay closed). */
static OSSL_LIB_CTX *pqs_legacy_libctx = NULL;
static pthread_once_t pqs_legacy_once = PTHREAD_ONCE_INIT;

static void pqs_make_legacy_libctx(void) {
    OSSL_LIB_CTX *ctx = OSSL_LIB_CTX_new();
    if (ctx == NULL) return;
    if (OSSL_PROVIDER_load(ctx, "default") == NULL || OSSL_PROVIDER_load(ctx, "legacy") == NULL) {
        OSSL_LIB_CTX_free(ctx);
        ERR_clear_error();
        return;
    }
    pqs_legacy_libctx = ctx;
}

static int pqs_pkcs12_open_in_context(
    const uint8_t *der, size_t length, const char *const *passwords, size_t password_count, uint8_t *out,
    size_t capacity, size_t *needed, pqs_pkcs12_info *info, char error[PQS_ERROR_SIZE]);

int pqs_pkcs12_open(
    const uint8_t *der, size_t length, const char *const *passwords, size_t password_count, uint8_t *out,
    size_t capacity, size_t *needed, pqs_pkcs12_info *info, char error[PQS_ERROR_SIZE]) {
    pthread_once(&pqs_legacy_once, pqs_make_legacy_libctx);
    OSSL_LIB_CTX *previous = NULL;
    if (pqs_legacy_libctx != NULL) previous = OSSL_LIB_CTX_set0_default(pqs_legacy_libctx);
    int status =
        pqs_pkcs12_open_in_context(der, length, passwords, password_count, out, capacity, needed, info, error);
    if (pqs_legacy_libctx != NULL) OSSL_LIB_CTX_set0_default(previous);
    return status;
}

static int pqs_pkcs12_open_in_context(
    const uint8_t *der, size_t length, const char *const *passwords, size_t password_count, uint8_t *out,
    size_t capacity, size_t *needed, pqs_pkcs12_info *info, char error[PQS_ERROR_SIZE]) {
    ERR_clear_error();
    memset(info, 0, sizeof *info);
    *needed = 0;
    if (der == NULL || length == 0 || length > (size_t)INT32_MAX) {
        pqs_copy(error, PQS_ERROR_SIZE, "empty or oversized input");
        return PQS_MALFORMED;
    }
    const unsigned char *p = der;
    PKCS12 *p12 = d2i_PKCS12(NULL, &p, (long)length);
    if (p12 == NULL) {
        pqs_drain_errors(error, "not a PKCS#12 structure");
        return PQS_MALFORMED;
    }
    int has_mac = PKCS12_mac_present(p12);
    int status = PQS_WRONG_PASSWORD;
    for (long i = -2; i < (long)password_count; i++) {
        const char *pass = i == -2 ? NULL : (i == -1 ? "" : passwords[i]);
        if (i >= 0 && pass == NULL) continue;
        if (has_mac && !PKCS12_verify_mac(p12, pass, pass == NULL ? 0 : -1)) {
            ERR_clear_error();
            continue;
        }
        EVP_PKEY *pkey = NULL;
        X509 *cert = NULL;
        STACK_OF(X509) *ca = NULL;
        if (!PKCS12_parse(p12, pass, &pkey, &cert, &ca)) {
            ERR_clear_error();
            continue; /* without a MAC, a failed decryption is how a wrong password shows */
        }
        info->password_index = (int32_t)i;
        status = PQS_OK;
        if (pkey != NULL) {
            info->has_key = 1;
            pqs_describe_key(pkey, &info->key);
        }
        int32_t count = 0;
        if (cert != NULL) {
            int one = pqs_append_der(cert, out, capacity, needed, &count);
            if (one != PQS_OK) status = one;
        }
        for (int j = 0; ca != NULL && j < sk_X509_num(ca); j++) {
            int one = pqs_append_der(sk_X509_value(ca, j), out, capacity, needed, &count);
            if (one != PQS_OK && status != PQS_MALFORMED) status = one;
        }
        info->certificate_count = count;
        EVP_PKEY_free(pkey);
        X509_free(cert);
        sk_X509_pop_free(ca, X509_free);
        break;
    }
    PKCS12_free(p12);
    if (status == PQS_WRONG_PASSWORD) {
        pqs_copy(error, PQS_ERROR_SIZE, has_mac ? "MAC verification failed for every password tried"
                                                 : "decryption failed for every password tried");
        ERR_clear_error();
    } else if (status == PQS_MALFORMED) {
        pqs_drain_errors(error, "certificate in PKCS#12 cannot be re-encoded");
    } else if (error != NULL) {
        error[0] = '\0';
    }
    return status;
}

/* MARK: - Password-protected keys */

/* Why: both password-protected key readers start from an EncryptedPrivateKeyInfo (PKCS#8's, and the one JKS wraps
 * a key in); one place bounds the input and turns a bad structure into the caller's message. NULL on failure, with
 * `error` filled. */
static X509_SIG *pqs_read_encrypted_info(
    const uint8_t *der, size_t length, const char *what, char error[PQS_ERROR_SIZE]) {
    if (der == NULL || length == 0 || length > (size_t)INT32_MAX) {
        pqs_copy(error, PQS_ERROR_SIZE, "empty or oversized input");
        return NULL;
    }
    const unsigned char *p = der;
    X509_SIG *sig = d2i_X509_SIG(NULL, &p, (long)length);
    if (sig == NULL) pqs_drain_errors(error, what);
    return sig;
}

/* Why: describes a decrypted PrivateKeyInfo without letting its bytes out. OpenSSL 3.0 cannot build ML-KEM or
 * ML-DSA keys, so the algorithm OID (and an EC curve parameter) is read from the structure first. */
static void pqs_describe_p8(const PKCS8_PRIV_KEY_INFO *p8, pqs_key_info *out) {
    memset(out, 0, sizeof *out);
    const ASN1_OBJECT *algorithm = NULL;
    const X509_ALGOR *alg = NULL;
    if (PKCS8_pkey_get0(&algorithm, NULL, NULL, &alg, p8) && algorithm != NULL) {
        int ptype = 0;
        const void *pval = NULL;
        X509_ALGOR_get0(NULL, &ptype, &pval, alg);
        EVP_PKEY *pkey = EVP_PKCS82PKEY(p8);
        if (pkey != NULL) {
            pqs_describe_key(pkey, out);
            EVP_PKEY_free(pkey);
        }
        pqs_obj_text(out->oid, sizeof out->oid, algorithm);
        if (ptype == V_ASN1_OBJECT && out->curve_oid[0] == '\0') {
            pqs_obj_text(out->curve_oid, sizeof out->curve_oid, pval);
        }
    }
    ERR_clear_error();
}

int pqs_encrypted_pkcs8_info(
    const uint8_t *der, size_t length, const char *const *passwords, size_t password_count, pqs_key_info *out,
    int32_t *password_index, char error[PQS_ERROR_SIZE]) {
    ERR_clear_error();
    memset(out, 0, sizeof *out);
    *password_index = -1;
    X509_SIG *sig = pqs_read_encrypted_info(der, length, "not an EncryptedPrivateKeyInfo", error);
    if (sig == NULL) return PQS_MALFORMED;
    int status = PQS_WRONG_PASSWORD;
    for (size_t i = 0; i < password_count; i++) {
        if (passwords[i] == NULL) continue;
        PKCS8_PRIV_KEY_INFO *p8 = PKCS8_decrypt(sig, passwords[i], (int)strlen(passwords[i]));
        if (p8 == NULL) {
            ERR_clear_error();
            continue;
        }
        pqs_describe_p8(p8, out);
        PKCS8_PRIV_KEY_INFO_free(p8);
        *password_index = (int32_t)i;
        status = PQS_OK;
        break;
    }
    X509_SIG_free(sig);
    if (status == PQS_WRONG_PASSWORD) {
        pqs_copy(error, PQS_ERROR_SIZE, "decryption failed for every password tried");
    } else if (error != NULL) {
        error[0] = '\0';
    }
    ERR_clear_error();
    return status;
}

/* The one candidate a PEM read may use; the callback copies it and never prompts. */
typedef struct {
    const char *password;
} pqs_pem_candidate;

static int pqs_pem_password(char *buffer, int size, int rwflag, void *arg) {
    (void)rwflag;
    const pqs_pem_candidate *candidate = arg;
    if (candidate == NULL || candidate->password == NULL || size <= 0) return -1;
    size_t length = strlen(candidate->password);
    if (length > (size_t)size) return -1;
    memcpy(buffer, candidate->password, length);
    return (int)length;
}

int pqs_pem_private_key_info(
    const uint8_t *pem, size_t length, const char *const *passwords, size_t password_count, pqs_key_info *out,
    int32_t *password_index, char error[PQS_ERROR_SIZE]) {
    ERR_clear_error();
    memset(out, 0, sizeof *out);
    *password_index = -1;
    if (pem == NULL || length == 0 || length > (size_t)INT32_MAX) {
        pqs_copy(error, PQS_ERROR_SIZE, "empty or oversized input");
        return PQS_MALFORMED;
    }
    int status = PQS_WRONG_PASSWORD;
    for (size_t i = 0; i < password_count; i++) {
        if (passwords[i] == NULL) continue;
        BIO *bio = BIO_new_mem_buf(pem, (int)length);
        if (bio == NULL) {
            pqs_drain_errors(error, "cannot create a memory BIO");
            return PQS_INTERNAL;
        }
        pqs_pem_candidate candidate = {passwords[i]};
        EVP_PKEY *pkey = PEM_read_bio_PrivateKey(bio, NULL, pqs_pem_password, &candidate);
        BIO_free(bio);
        if (pkey == NULL) {
            ERR_clear_error();
            continue;
        }
        pqs_describe_key(pkey, out);
        EVP_PKEY_free(pkey);
        *password_index = (int32_t)i;
        status = PQS_OK;
        break;
    }
    if (status == PQS_WRONG_PASSWORD) {
        pqs_copy(error, PQS_ERROR_SIZE, "decryption failed for every password tried");
    } else if (error != NULL) {
        error[0] = '\0';
    }
    ERR_clear_error();
    return status;
}

/* MARK: - Java keystores (JKS, JCEKS) */

/* SHA-1 over two or three buffers (password, then the rest): the shape of every JKS digest. */
static int pqs_sha1_parts(
    const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len, const uint8_t *c, size_t c_len, uint8_t out[20]) {
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (ctx == NULL) return 0;
    unsigned int written = 0;
    int ok = EVP_DigestInit_ex(ctx, EVP_sha1(), NULL) && (a_len == 0 || EVP_DigestUpdate(ctx, a, a_len)) &&
             (b_len == 0 || EVP_DigestUpdate(ctx, b, b_len)) && (c_len == 0 || EVP_DigestUpdate(ctx, c, c_len)) &&
             EVP_DigestFinal_ex(ctx, out, &written) && written == 20;
    EVP_MD_CTX_free(ctx);
    return ok;
}

int pqs_jks_verify(const uint8_t *store, size_t length, const uint8_t *password_utf16, size_t password_length) {
    ERR_clear_error();
    if (store == NULL || length < 20) return PQS_MALFORMED;
    static const uint8_t whitener[] = "Mighty Aphrodite"; /* sun.security.provider.JavaKeyStore */
    uint8_t digest[20];
    if (!pqs_sha1_parts(password_utf16, password_length, whitener, sizeof whitener - 1, store, length - 20, digest)) {
        ERR_clear_error();
        return PQS_INTERNAL;
    }
    return CRYPTO_memcmp(digest, store + length - 20, 20) == 0 ? PQS_OK : PQS_WRONG_PASSWORD;
}

/* Why: JCEKS seals private keys with Sun's PBEWithMD5AndTripleDES (OID 1.3.6.1.4.1.42.2.19.1), which no
 * OpenSSL PBE covers: per 4-byte salt half (the first reversed when both are equal), MD5 iterated over
 * (previous || password) `iterations` times; the two digests give the 3DES key (24 bytes) and the CBC IV (8).
 * Password bytes are the ASCII low 7 bits of each char (com.sun.crypto.provider.PBEKey). */
static int pqs_jceks_key_info(
    const X509_ALGOR *alg, const ASN1_OCTET_STRING *data, const uint8_t *password_utf16, size_t password_length,
    pqs_key_info *out, char error[PQS_ERROR_SIZE]) {
    int ptype = 0;
    const void *pval = NULL;
    X509_ALGOR_get0(NULL, &ptype, &pval, alg);
    if (ptype != V_ASN1_SEQUENCE || pval == NULL) {
        pqs_copy(error, PQS_ERROR_SIZE, "JCEKS key without PBE parameters");
        return PQS_MALFORMED;
    }
    const ASN1_STRING *params = pval;
    const unsigned char *p = ASN1_STRING_get0_data(params);
    PBEPARAM *pbe = d2i_PBEPARAM(NULL, &p, ASN1_STRING_length(params));
    long iterations = pbe != NULL ? ASN1_INTEGER_get(pbe->iter) : -1;
    /* A hostile store could ask for billions of rounds: the JDK writes 200,000 at most. */
    if (pbe == NULL || ASN1_STRING_length(pbe->salt) != 8 || iterations < 1 || iterations > 1000000) {
        PBEPARAM_free(pbe);
        pqs_copy(error, PQS_ERROR_SIZE, "JCEKS PBE parameters out of range");
        return PQS_MALFORMED;
    }
    uint8_t salt[8];
    memcpy(salt, ASN1_STRING_get0_data(pbe->salt), 8);
    PBEPARAM_free(pbe);
    if (memcmp(salt, salt + 4, 4) == 0) {
        uint8_t swap = salt[0];
        salt[0] = salt[3];
        salt[3] = swap;
        swap = salt[1];
        salt[1] = salt[2];
        salt[2] = swap;
    }
    size_t ascii_length = password_length / 2;
    uint8_t *ascii = OPENSSL_malloc(ascii_length + 1);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (ascii == NULL || md == NULL) {
        OPENSSL_free(ascii);
        EVP_MD_CTX_free(md);
        return PQS_INTERNAL;
    }
    for (size_t i = 0; i < ascii_length; i++) ascii[i] = password_utf16[2 * i + 1] & 0x7f;
    uint8_t derived[32];
    int ok = 1;
    for (int half = 0; half < 2 && ok; half++) {
        uint8_t digest[16];
        size_t digest_length = 4;
        memcpy(digest, salt + 4 * half, 4);
        for (long round = 0; round < iterations && ok; round++) {
            unsigned int written = 0;
            ok = EVP_DigestInit_ex(md, EVP_md5(), NULL) && EVP_DigestUpdate(md, digest, digest_length) &&
                 (ascii_length == 0 || EVP_DigestUpdate(md, ascii, ascii_length)) &&
                 EVP_DigestFinal_ex(md, digest, &written) && written == 16;
            digest_length = 16;
        }
        memcpy(derived + 16 * half, digest, 16);
        OPENSSL_cleanse(digest, sizeof digest);
    }
    EVP_MD_CTX_free(md);
    OPENSSL_clear_free(ascii, ascii_length + 1);
    int status = ok ? PQS_OK : PQS_INTERNAL;
    const uint8_t *cipher_text = ASN1_STRING_get0_data(data);
    int cipher_length = ASN1_STRING_length(data);
    uint8_t *plain = NULL;
    int plain_length = 0;
    if (status == PQS_OK) {
        plain = OPENSSL_malloc((size_t)cipher_length + 16);
        EVP_CIPHER_CTX *cipher = EVP_CIPHER_CTX_new();
        int n = 0;
        int final = 0;
        if (plain == NULL || cipher == NULL) {
            status = PQS_INTERNAL;
        } else if (!EVP_DecryptInit_ex(cipher, EVP_des_ede3_cbc(), NULL, derived, derived + 24) ||
                   !EVP_DecryptUpdate(cipher, plain, &n, cipher_text, cipher_length) ||
                   !EVP_DecryptFinal_ex(cipher, plain + n, &final)) {
            status = PQS_WRONG_PASSWORD; /* bad padding is how a wrong password shows */
        } else {
            plain_length = n + final;
        }
        EVP_CIPHER_CTX_free(cipher);
    }
    OPENSSL_cleanse(derived, sizeof derived);
    if (status == PQS_OK) {
        const unsigned char *q = plain;
        PKCS8_PRIV_KEY_INFO *p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &q, plain_length);
        if (p8 == NULL) {
            status = PQS_WRONG_PASSWORD; /* padding can pass by chance; the structure cannot */
        } else {
            pqs_describe_p8(p8, out);
            PKCS8_PRIV_KEY_INFO_free(p8);
        }
    }
    if (plain != NULL) OPENSSL_clear_free(plain, (size_t)cipher_length + 16);
    if (status == PQS_WRONG_PASSWORD) pqs_copy(error, PQS_ERROR_SIZE, "JCEKS key does not decrypt with the password");
    else if (error != NULL && status == PQS_OK) error[0] = '\0';
    ERR_clear_error();
    return status;
}

int pqs_jks_key_info(
    const uint8_t *protected_key, size_t length, const uint8_t *password_utf16, size_t password_length,
    pqs_key_info *out, char error[PQS_ERROR_SIZE]) {
    ERR_clear_error();
    memset(out, 0, sizeof *out);
    X509_SIG *sig =
        pqs_read_encrypted_info(protected_key, length, "protected key is not an EncryptedPrivateKeyInfo", error);
    if (sig == NULL) return PQS_MALFORMED;
    const X509_ALGOR *alg = NULL;
    const ASN1_OCTET_STRING *data = NULL;
    X509_SIG_get0(sig, &alg, &data);
    const ASN1_OBJECT *oid = NULL;
    X509_ALGOR_get0(&oid, NULL, NULL, alg);
    char oid_text[PQS_NAME_SIZE];
    pqs_obj_text(oid_text, sizeof oid_text, oid);
    if (strcmp(oid_text, "1.3.6.1.4.1.42.2.19.1") == 0) {
        int jceks = pqs_jceks_key_info(alg, data, password_utf16, password_length, out, error);
        X509_SIG_free(sig);
        return jceks;
    }
    if (strcmp(oid_text, "1.3.6.1.4.1.42.2.17.1.1") != 0) {
        X509_SIG_free(sig);
        pqs_copy(error, PQS_ERROR_SIZE, "key protected by another algorithm than Sun's KeyProtector or JCEKS PBE");
        return PQS_UNSUPPORTED;
    }
    const uint8_t *bytes = ASN1_STRING_get0_data(data);
    int total = ASN1_STRING_length(data);
    if (bytes == NULL || total <= 40) {
        X509_SIG_free(sig);
        pqs_copy(error, PQS_ERROR_SIZE, "protected key shorter than its salt and check");
        return PQS_MALFORMED;
    }
    /* KeyProtector: salt (20) || key XOR keystream || SHA-1(password || key) (20); keystream blocks are
     * SHA-1(password || previous block), starting from the salt. */
    size_t key_length = (size_t)total - 40;
    uint8_t *plain = OPENSSL_malloc(key_length);
    if (plain == NULL) {
        X509_SIG_free(sig);
        return PQS_INTERNAL;
    }
    uint8_t block[20];
    memcpy(block, bytes, 20);
    int status = PQS_OK;
    for (size_t at = 0; at < key_length && status == PQS_OK; at += 20) {
        if (!pqs_sha1_parts(password_utf16, password_length, block, 20, NULL, 0, block)) status = PQS_INTERNAL;
        for (size_t i = 0; i < 20 && at + i < key_length; i++) plain[at + i] = bytes[20 + at + i] ^ block[i];
    }
    uint8_t check[20];
    if (status == PQS_OK && !pqs_sha1_parts(password_utf16, password_length, plain, key_length, NULL, 0, check)) {
        status = PQS_INTERNAL;
    }
    if (status == PQS_OK && CRYPTO_memcmp(check, bytes + 20 + key_length, 20) != 0) status = PQS_WRONG_PASSWORD;
    if (status == PQS_OK) {
        const unsigned char *q = plain;
        PKCS8_PRIV_KEY_INFO *p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &q, (long)key_length);
        if (p8 == NULL) {
            status = PQS_MALFORMED;
        } else {
            pqs_describe_p8(p8, out);
            PKCS8_PRIV_KEY_INFO_free(p8);
        }
    }
    OPENSSL_clear_free(plain, key_length);
    OPENSSL_cleanse(block, sizeof block);
    X509_SIG_free(sig);
    if (status == PQS_WRONG_PASSWORD) pqs_copy(error, PQS_ERROR_SIZE, "the key's check digest does not match");
    else if (status == PQS_MALFORMED) pqs_drain_errors(error, "decrypted key is not a PrivateKeyInfo");
    else if (error != NULL && status == PQS_OK) error[0] = '\0';
    ERR_clear_error();
    return status;
}

/* MARK: - X.509 via d2i_X509 (tests and benchmark only) */

static int64_t pqs_time_seconds(const ASN1_TIME *t) {
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    if (t == NULL || !ASN1_TIME_to_tm(t, &tm)) return INT64_MIN;
    return (int64_t)timegm(&tm);
}

static void pqs_name_text(char *dst, size_t cap, const X509_NAME *name) {
    dst[0] = '\0';
    BIO *bio = BIO_new(BIO_s_mem());
    if (bio == NULL) return;
    if (X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0) {
        int n = BIO_read(bio, dst, (int)cap - 1);
        dst[n > 0 ? n : 0] = '\0';
    }
    BIO_free(bio);
}

/* Why: the reference reading for the differential test and the benchmark, the way a C program would do it:
 * d2i_X509 (which decodes the public key through the providers) and the usual getters. */
int pqs_x509_read_fields(const uint8_t *der, size_t length, pqs_x509_fields *out, char error[PQS_ERROR_SIZE]) {
    ERR_clear_error();
    memset(out, 0, sizeof *out);
    if (der == NULL || length == 0 || length > (size_t)INT32_MAX) {
        pqs_copy(error, PQS_ERROR_SIZE, "empty or oversized input");
        return PQS_MALFORMED;
    }
    const unsigned char *p = der;
    X509 *x = d2i_X509(NULL, &p, (long)length);
    if (x == NULL) {
        pqs_drain_errors(error, "d2i_X509 failed");
        return PQS_MALFORMED;
    }
    out->version = (int32_t)X509_get_version(x) + 1;
    const X509_ALGOR *sig = NULL;
    X509_get0_signature(NULL, &sig, x);
    if (sig != NULL) {
        const ASN1_OBJECT *obj = NULL;
        X509_ALGOR_get0(&obj, NULL, NULL, sig);
        pqs_obj_text(out->signature_oid, sizeof out->signature_oid, obj);
    }
    X509_PUBKEY *pub = X509_get_X509_PUBKEY(x);
    ASN1_OBJECT *key_obj = NULL;
    X509_ALGOR *key_alg = NULL;
    if (pub != NULL && X509_PUBKEY_get0_param(&key_obj, NULL, NULL, &key_alg, pub)) {
        pqs_obj_text(out->key_oid, sizeof out->key_oid, key_obj);
        int ptype = 0;
        const void *pval = NULL;
        X509_ALGOR_get0(NULL, &ptype, &pval, key_alg);
        if (ptype == V_ASN1_OBJECT) pqs_obj_text(out->curve_oid, sizeof out->curve_oid, pval);
    }
    EVP_PKEY *pkey = X509_get0_pubkey(x);
    out->key_bits = pkey != NULL ? EVP_PKEY_get_bits(pkey) : 0;
    if (out->key_bits < 0) out->key_bits = 0;
    pqs_name_text(out->subject, sizeof out->subject, X509_get_subject_name(x));
    pqs_name_text(out->issuer, sizeof out->issuer, X509_get_issuer_name(x));
    BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
    if (bn != NULL) {
        char *hex = BN_bn2hex(bn);
        pqs_copy(out->serial_hex, sizeof out->serial_hex, hex);
        OPENSSL_free(hex);
        BN_free(bn);
    }
    out->not_before = pqs_time_seconds(X509_get0_notBefore(x));
    out->not_after = pqs_time_seconds(X509_get0_notAfter(x));
    unsigned int md_len = 0;
    X509_digest(x, EVP_sha256(), out->sha256, &md_len);
    X509_free(x);
    ERR_clear_error(); /* an undecodable PQ key leaves entries behind; they are not failures here */
    if (error != NULL) error[0] = '\0';
    return PQS_OK;
}

/* MARK: - TLS cipher lists */

/* SSL_CIPHER_description writes at most len bytes including the NUL and ends the line with '\n'. */
static void pqs_describe_cipher(const SSL_CIPHER *cipher, pqs_tls_cipher *one) {
    memset(one, 0, sizeof *one);
    if (cipher == NULL) return;
    pqs_copy(one->name, sizeof one->name, SSL_CIPHER_get_name(cipher));
    pqs_copy(one->standard_name, sizeof one->standard_name, SSL_CIPHER_standard_name(cipher));
    if (SSL_CIPHER_description(cipher, one->description, (int)sizeof one->description) == NULL) {
        one->description[0] = '\0';
    }
    one->protocol_id = SSL_CIPHER_get_protocol_id(cipher);
    one->bits = SSL_CIPHER_get_bits(cipher, NULL);
}

int pqs_tls_expand_ciphers(
    const char *cipher_list, const char *ciphersuites, pqs_tls_cipher *out, size_t capacity, size_t *count,
    char error[PQS_ERROR_SIZE]) {
    if (count != NULL) *count = 0;
    if (error != NULL) error[0] = '\0';
    ERR_clear_error();
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    if (ctx == NULL) {
        pqs_drain_errors(error, "SSL_CTX_new failed");
        return PQS_INTERNAL;
    }
    if (cipher_list != NULL && SSL_CTX_set_cipher_list(ctx, cipher_list) != 1) {
        pqs_drain_errors(error, "no cipher match");
        SSL_CTX_free(ctx);
        return PQS_MALFORMED;
    }
    if (ciphersuites != NULL && SSL_CTX_set_ciphersuites(ctx, ciphersuites) != 1) {
        pqs_drain_errors(error, "no ciphersuite match");
        SSL_CTX_free(ctx);
        return PQS_MALFORMED;
    }
    STACK_OF(SSL_CIPHER) *list = SSL_CTX_get_ciphers(ctx);
    int total = list != NULL ? sk_SSL_CIPHER_num(list) : 0;
    if (total < 0) total = 0;
    if (count != NULL) *count = (size_t)total;
    for (int i = 0; i < total && (size_t)i < capacity && out != NULL; i++) {
        pqs_describe_cipher(sk_SSL_CIPHER_value(list, i), &out[i]);
    }
    SSL_CTX_free(ctx);
    ERR_clear_error();
    return ((size_t)total > capacity) ? PQS_BUFFER_TOO_SMALL : PQS_OK;
}

/* MARK: - TLS: what a server would really use */

/* Why one constructor: the suite list, the certificate check and the handshake oracle must build the context
 * the same way, in the order a server does (security level, system string, the service's own lists). */
static SSL_CTX *pqs_server_ctx(
    const char *base_cipher_list, const char *cipher_list, const char *ciphersuites, int32_t security_level,
    char error[PQS_ERROR_SIZE]) {
    ERR_clear_error();
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (ctx == NULL) {
        pqs_drain_errors(error, "SSL_CTX_new failed");
        return NULL;
    }
    if (security_level >= 0) SSL_CTX_set_security_level(ctx, security_level);
    if (base_cipher_list != NULL && SSL_CTX_set_cipher_list(ctx, base_cipher_list) != 1) {
        pqs_drain_errors(error, "no cipher match in the system cipher string");
        SSL_CTX_free(ctx);
        return NULL;
    }
    if (cipher_list != NULL && SSL_CTX_set_cipher_list(ctx, cipher_list) != 1) {
        pqs_drain_errors(error, "no cipher match");
        SSL_CTX_free(ctx);
        return NULL;
    }
    if (ciphersuites != NULL && SSL_CTX_set_ciphersuites(ctx, ciphersuites) != 1) {
        pqs_drain_errors(error, "no ciphersuite match");
        SSL_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}

/* The suites SSL_get1_supported_ciphers keeps on a fresh SSL limited to min..max (0: open); NULL when no
 * protocol is available at all (the security level forbids every version in the range). */
static STACK_OF(SSL_CIPHER) *pqs_supported(SSL_CTX *ctx, int min_version, int max_version) {
    SSL *ssl = SSL_new(ctx);
    if (ssl == NULL) return NULL;
    if ((min_version != 0 && SSL_set_min_proto_version(ssl, min_version) != 1) ||
        (max_version != 0 && SSL_set_max_proto_version(ssl, max_version) != 1)) {
        SSL_free(ssl);
        return NULL;
    }
    STACK_OF(SSL_CIPHER) *supported = SSL_get1_supported_ciphers(ssl);
    SSL_free(ssl);
    return supported;
}

int pqs_tls_server_suites(
    const char *base_cipher_list, const char *cipher_list, const char *ciphersuites, int32_t security_level,
    int32_t min_version, int32_t max_version, pqs_tls_server_suite *out, size_t capacity, size_t *count,
    pqs_tls_server_context *context, char error[PQS_ERROR_SIZE]) {
    if (count != NULL) *count = 0;
    if (error != NULL) error[0] = '\0';
    if (context != NULL) memset(context, 0, sizeof *context);
    SSL_CTX *ctx = pqs_server_ctx(base_cipher_list, cipher_list, ciphersuites, security_level, error);
    if (ctx == NULL) return PQS_MALFORMED;
    if (context != NULL) {
        context->security_level = SSL_CTX_get_security_level(ctx);
        for (int i = 0; i < 4; i++) {
            STACK_OF(SSL_CIPHER) *one = pqs_supported(ctx, TLS1_VERSION + i, TLS1_VERSION + i);
            context->version_usable[i] = (one != NULL && sk_SSL_CIPHER_num(one) > 0) ? 1 : 0;
            sk_SSL_CIPHER_free(one);
        }
    }
    ERR_clear_error();
    STACK_OF(SSL_CIPHER) *supported = pqs_supported(ctx, min_version, max_version);
    STACK_OF(SSL_CIPHER) *list = SSL_CTX_get_ciphers(ctx);
    int total = list != NULL ? sk_SSL_CIPHER_num(list) : 0;
    if (total < 0) total = 0;
    if (count != NULL) *count = (size_t)total;
    for (int i = 0; i < total && (size_t)i < capacity && out != NULL; i++) {
        const SSL_CIPHER *cipher = sk_SSL_CIPHER_value(list, i);
        pqs_describe_cipher(cipher, &out[i].cipher);
        out[i].usable = (supported != NULL && sk_SSL_CIPHER_find(supported, cipher) >= 0) ? 1 : 0;
    }
    sk_SSL_CIPHER_free(supported);
    SSL_CTX_free(ctx);
    ERR_clear_error();
    return ((size_t)total > capacity) ? PQS_BUFFER_TOO_SMALL : PQS_OK;
}

int pqs_tls_check_certificate(
    const char *base_cipher_list, const char *cipher_list, int32_t security_level, const uint8_t *der,
    size_t length, pqs_tls_certificate_check *out, char error[PQS_ERROR_SIZE]) {
    if (error != NULL) error[0] = '\0';
    if (out == NULL) return PQS_INTERNAL;
    memset(out, 0, sizeof *out);
    SSL_CTX *ctx = pqs_server_ctx(base_cipher_list, cipher_list, NULL, security_level, error);
    if (ctx == NULL) return PQS_MALFORMED;
    const unsigned char *p = der;
    X509 *cert = (der != NULL && length > 0 && length < (size_t)INT32_MAX) ? d2i_X509(NULL, &p, (long)length) : NULL;
    if (cert == NULL) {
        pqs_drain_errors(error, "not a DER certificate");
        SSL_CTX_free(ctx);
        return PQS_MALFORMED;
    }
    EVP_PKEY *key = X509_get0_pubkey(cert);
    ERR_clear_error();
    if (key != NULL) {
        pqs_copy(out->key_type, sizeof out->key_type, EVP_PKEY_get0_type_name(key));
        out->key_bits = EVP_PKEY_get_bits(key);
        out->security_bits = EVP_PKEY_get_security_bits(key);
    }
    if (SSL_CTX_use_certificate(ctx, cert) == 1) {
        out->accepted = 1;
    } else {
        pqs_drain_errors(error, "certificate refused");
    }
    X509_free(cert);
    SSL_CTX_free(ctx);
    ERR_clear_error();
    return PQS_OK;
}

/* Runs both ends of a handshake over a BIO pair until both finish or one fails. */
static int pqs_pump(SSL *client, SSL *server) {
    int client_done = 0, server_done = 0;
    for (int round = 0; round < 64 && !(client_done && server_done); round++) {
        if (!client_done) {
            int rc = SSL_do_handshake(client);
            if (rc == 1) {
                client_done = 1;
            } else {
                int e = SSL_get_error(client, rc);
                if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) return 0;
            }
        }
        if (!server_done) {
            int rc = SSL_do_handshake(server);
            if (rc == 1) {
                server_done = 1;
            } else {
                int e = SSL_get_error(server, rc);
                if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) return 0;
            }
        }
    }
    return client_done && server_done;
}

static int pqs_use_pem(SSL_CTX *ctx, const char *certificate_pem, const char *key_pem) {
    BIO *cb = BIO_new_mem_buf(certificate_pem, -1);
    BIO *kb = BIO_new_mem_buf(key_pem, -1);
    X509 *cert = cb != NULL ? PEM_read_bio_X509(cb, NULL, NULL, (void *)"") : NULL;
    EVP_PKEY *key = kb != NULL ? PEM_read_bio_PrivateKey(kb, NULL, NULL, (void *)"") : NULL;
    int ok = cert != NULL && key != NULL && SSL_CTX_use_certificate(ctx, cert) == 1 &&
             SSL_CTX_use_PrivateKey(ctx, key) == 1;
    X509_free(cert);
    EVP_PKEY_free(key);
    BIO_free(cb);
    BIO_free(kb);
    return ok;
}

int pqs_tls_handshake(
    const char *cipher_list, const char *ciphersuites, const char *groups, int32_t security_level, int32_t dh_auto,
    const char *certificate_pem, const char *key_pem, int32_t version, const char *offer_ciphers,
    const char *offer_suites, const char *offer_groups, char negotiated[PQS_CIPHER_NAME_SIZE],
    char group[PQS_NAME_SIZE], char error[PQS_ERROR_SIZE]) {
    if (negotiated != NULL) negotiated[0] = '\0';
    if (group != NULL) group[0] = '\0';
    if (error != NULL) error[0] = '\0';
    if (certificate_pem == NULL || key_pem == NULL) return PQS_MALFORMED;
    SSL_CTX *sctx = pqs_server_ctx(NULL, cipher_list, ciphersuites, security_level, error);
    if (sctx == NULL) return PQS_MALFORMED;
    SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
    int status = PQS_MALFORMED;
    SSL *client = NULL, *server = NULL;
    BIO *cbio = NULL, *sbio = NULL;
    if (cctx == NULL) goto done;
    SSL_CTX_set_security_level(cctx, 0);
    if (dh_auto) SSL_CTX_set_dh_auto(sctx, 1);
    if (groups != NULL && SSL_CTX_set1_groups_list(sctx, groups) != 1) goto fail;
    if (!pqs_use_pem(sctx, certificate_pem, key_pem)) goto fail;
    if (offer_ciphers != NULL && SSL_CTX_set_cipher_list(cctx, offer_ciphers) != 1) goto fail;
    if (offer_suites != NULL && SSL_CTX_set_ciphersuites(cctx, offer_suites) != 1) goto fail;
    if (offer_groups != NULL && SSL_CTX_set1_groups_list(cctx, offer_groups) != 1) goto fail;
    if (version != 0 &&
        (SSL_CTX_set_min_proto_version(cctx, version) != 1 || SSL_CTX_set_max_proto_version(cctx, version) != 1))
        goto fail;
    client = SSL_new(cctx);
    server = SSL_new(sctx);
    if (client == NULL || server == NULL || BIO_new_bio_pair(&cbio, 0, &sbio, 0) != 1) goto fail;
    SSL_set_bio(client, cbio, cbio);
    SSL_set_bio(server, sbio, sbio);
    SSL_set_connect_state(client);
    SSL_set_accept_state(server);
    if (!pqs_pump(client, server)) goto fail;
    pqs_copy(negotiated, PQS_CIPHER_NAME_SIZE, SSL_CIPHER_get_name(SSL_get_current_cipher(server)));
    int nid = SSL_get_negotiated_group(server);
    if (nid != 0 && group != NULL) pqs_copy(group, PQS_NAME_SIZE, SSL_group_to_name(server, nid));
    status = PQS_OK;
    ERR_clear_error();
    goto done;
fail:
    pqs_drain_errors(error, "handshake failed");
done:
    SSL_free(client);
    SSL_free(server);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    return status;
}
