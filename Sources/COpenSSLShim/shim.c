/*
 * COpenSSLShim implementation. See include/COpenSSLShim.h for the contract and the rules.
 */
#include "COpenSSLShim.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/asn1t.h>
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
#include <openssl/x509v3.h>

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
/* Not static: the tests' oracle (Tests/COpenSSLTestShim) reports errors and names the same way. */
void pqs_drain_errors(char error[PQS_ERROR_SIZE], const char *fallback) {
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

void pqs_copy(char *dst, size_t cap, const char *src) {
    if (cap == 0) return;
    if (src == NULL) {
        dst[0] = '\0';
        return;
    }
    strncpy(dst, src, cap - 1);
    dst[cap - 1] = '\0';
}

void pqs_obj_text(char *dst, size_t cap, const ASN1_OBJECT *obj) {
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

/* Why: a document too large to hold (a CBOM being imported) is hashed as it is read. */
void *pqs_sha256_begin(void) {
    EVP_MD_CTX *context = EVP_MD_CTX_new();
    if (context != NULL && !EVP_DigestInit_ex(context, EVP_sha256(), NULL)) {
        EVP_MD_CTX_free(context);
        return NULL;
    }
    return context;
}

int pqs_sha256_update(void *context, const uint8_t *data, size_t length) {
    if (context == NULL) return PQS_INTERNAL;
    return length == 0 || EVP_DigestUpdate((EVP_MD_CTX *)context, data, length) ? PQS_OK : PQS_INTERNAL;
}

int pqs_sha256_end(void *context, uint8_t out[32]) {
    if (context == NULL) return PQS_INTERNAL;
    unsigned int size = 0;
    int ok = EVP_DigestFinal_ex((EVP_MD_CTX *)context, out, &size) && size == 32;
    EVP_MD_CTX_free((EVP_MD_CTX *)context);
    return ok ? PQS_OK : PQS_INTERNAL;
}

/* MARK: - Keys */

/* The algorithm OID of a DER SubjectPublicKeyInfo, SEQUENCE { SEQUENCE { OBJECT IDENTIFIER, ... }, BIT STRING },
 * as dotted text; left empty when the bytes do not start that way. ASN1_get_object checks every length. */
static void pqs_spki_oid_text(char *dst, size_t cap, const unsigned char *spki, long length) {
    dst[0] = '\0';
    const unsigned char *p = spki;
    long content = 0;
    int tag = 0, cls = 0;
    int rc = ASN1_get_object(&p, &content, &tag, &cls, length);
    if ((rc & 0x80) || (rc & 1) || tag != V_ASN1_SEQUENCE || !(rc & V_ASN1_CONSTRUCTED)) return;
    rc = ASN1_get_object(&p, &content, &tag, &cls, content);
    if ((rc & 0x80) || (rc & 1) || tag != V_ASN1_SEQUENCE || !(rc & V_ASN1_CONSTRUCTED)) return;
    ASN1_OBJECT *oid = d2i_ASN1_OBJECT(NULL, &p, content);
    pqs_obj_text(dst, cap, oid);
    ASN1_OBJECT_free(oid);
}

/* Why: one description of an EVP_PKEY for both PKCS#12 and bare private keys; the curve name needs the 3.0
 * parameter API and the SPKI needs i2d_PUBKEY plus a temporary buffer. Never touches private bytes. The key is
 * encoded once: its SubjectPublicKeyInfo gives both the OID (a provider's key, with no legacy NID, has one too) and
 * the SHA-256 that is the public key's asset id, and OpenSSL 3.0 builds an encoder context per encoding (three, with
 * X509_PUBKEY_set and i2d_PUBKEY's length pass, were a third of the cost of a key on 30 copies of a real /etc). */
static void pqs_describe_key(EVP_PKEY *pkey, pqs_key_info *out) {
    memset(out, 0, sizeof *out);
    unsigned char *spki = NULL;
    int spki_len = i2d_PUBKEY(pkey, &spki);
    if (spki_len > 0 && spki != NULL) {
        pqs_spki_oid_text(out->oid, sizeof out->oid, spki, spki_len);
        if (SHA256(spki, (size_t)spki_len, out->spki_sha256) != NULL) out->has_spki_sha256 = 1;
    }
    OPENSSL_free(spki);
    int nid = EVP_PKEY_get_base_id(pkey);
    if (out->oid[0] == '\0' && nid > 0) pqs_obj_text(out->oid, sizeof out->oid, OBJ_nid2obj(nid));
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

/* Why a pool: OpenSSL 3.0 builds a decoder context by asking every provider for its decoders, about 0.4 ms, most
 * of what decoding a key costs (a C loop here: 330-430 us a key with a new context, 50-75 us with one context used
 * again). A context decodes any number of keys one after another, with the same results (checked on PKCS#8 RSA,
 * EC and Ed25519, traditional RSA and SEC1 EC, encrypted PKCS#8, truncated input and noise, in turns). It is not
 * safe on two threads at once, so each call takes one from the pool, or makes one, and gives it back.
 *
 * The context takes PKCS#8 PrivateKeyInfo and the traditional forms (RSA, DSA, SEC1 EC). An encrypted PKCS#8
 * would make it ask for a pass phrase: pqs_no_passphrase answers "none", so nothing can prompt. */
typedef struct {
    OSSL_DECODER_CTX *context;
    /* Where the context puts each key it decodes: the context holds this address, so the struct never moves. */
    EVP_PKEY *key;
} pqs_key_decoder;

enum { PQS_KEY_DECODERS_KEPT = 8 };
static pqs_key_decoder *pqs_key_decoders[PQS_KEY_DECODERS_KEPT];
static int pqs_key_decoders_count;
static pthread_mutex_t pqs_key_decoders_lock = PTHREAD_MUTEX_INITIALIZER;

static pqs_key_decoder *pqs_key_decoder_take(void) {
    pqs_key_decoder *decoder = NULL;
    pthread_mutex_lock(&pqs_key_decoders_lock);
    if (pqs_key_decoders_count > 0) decoder = pqs_key_decoders[--pqs_key_decoders_count];
    pthread_mutex_unlock(&pqs_key_decoders_lock);
    if (decoder != NULL) return decoder;
    decoder = OPENSSL_zalloc(sizeof *decoder);
    if (decoder == NULL) return NULL;
    decoder->context =
        OSSL_DECODER_CTX_new_for_pkey(&decoder->key, "DER", NULL, NULL, EVP_PKEY_KEYPAIR, NULL, NULL);
    if (decoder->context == NULL) {
        OPENSSL_free(decoder);
        return NULL;
    }
    OSSL_DECODER_CTX_set_passphrase_cb(decoder->context, pqs_no_passphrase, NULL);
    return decoder;
}

static void pqs_key_decoder_give_back(pqs_key_decoder *decoder) {
    EVP_PKEY_free(decoder->key);
    decoder->key = NULL;
    pthread_mutex_lock(&pqs_key_decoders_lock);
    int kept = pqs_key_decoders_count < PQS_KEY_DECODERS_KEPT;
    if (kept) pqs_key_decoders[pqs_key_decoders_count++] = decoder;
    pthread_mutex_unlock(&pqs_key_decoders_lock);
    if (!kept) {
        OSSL_DECODER_CTX_free(decoder->context);
        OPENSSL_free(decoder);
    }
}

int pqs_private_key_info(const uint8_t *der, size_t length, pqs_key_info *out, char error[PQS_ERROR_SIZE]) {
    ERR_clear_error();
    memset(out, 0, sizeof *out);
    if (der == NULL || length == 0 || length > (size_t)INT32_MAX) {
        pqs_copy(error, PQS_ERROR_SIZE, "empty or oversized input");
        return PQS_MALFORMED;
    }
    pqs_key_decoder *decoder = pqs_key_decoder_take();
    if (decoder == NULL) {
        pqs_drain_errors(error, "cannot create an OpenSSL decoder");
        return PQS_INTERNAL;
    }
    const unsigned char *p = der;
    size_t left = length;
    int decoded = OSSL_DECODER_from_data(decoder->context, &p, &left);
    EVP_PKEY *pkey = decoder->key;
    decoder->key = NULL;
    pqs_key_decoder_give_back(decoder);
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

/* MARK: - X.509 certificates */

/* RFC 5280 §4.1 as OpenSSL templates, with the subjectPublicKey left a BIT STRING so no provider is asked to
 * decode the key (the cost of d2i_X509 on 3.0), and issuer/subject left ANY so their received DER is kept
 * as is, without building X509_NAME's canonical form. Member names follow the RFC: OpenSSL writes them into
 * its errors ("Field=serialNumber"), which become the user's diagnostic. */

typedef struct {
    X509_ALGOR algorithm;
    ASN1_BIT_STRING *subjectPublicKey;
    ASN1_ENCODING enc; /* the SPKI as received, for its SHA-256 (the public key's asset id) */
} pqs_SubjectPublicKeyInfo;

ASN1_SEQUENCE_enc(pqs_SubjectPublicKeyInfo, enc, 0) = {
    ASN1_EMBED(pqs_SubjectPublicKeyInfo, algorithm, X509_ALGOR),
    ASN1_SIMPLE(pqs_SubjectPublicKeyInfo, subjectPublicKey, ASN1_BIT_STRING),
} static_ASN1_SEQUENCE_END_ref(pqs_SubjectPublicKeyInfo, pqs_SubjectPublicKeyInfo)

typedef struct {
    ASN1_TIME *notBefore;
    ASN1_TIME *notAfter;
} pqs_Validity;

ASN1_SEQUENCE(pqs_Validity) = {
    ASN1_SIMPLE(pqs_Validity, notBefore, ASN1_TIME),
    ASN1_SIMPLE(pqs_Validity, notAfter, ASN1_TIME),
} static_ASN1_SEQUENCE_END(pqs_Validity)

typedef struct {
    ASN1_INTEGER *version;
    ASN1_INTEGER *serialNumber;
    X509_ALGOR signature;
    ASN1_TYPE *issuer;
    pqs_Validity validity;
    ASN1_TYPE *subject;
    pqs_SubjectPublicKeyInfo subjectPublicKeyInfo;
    ASN1_BIT_STRING *issuerUniqueID;
    ASN1_BIT_STRING *subjectUniqueID;
    STACK_OF(X509_EXTENSION) *extensions;
} pqs_TBSCertificate;

ASN1_SEQUENCE(pqs_TBSCertificate) = {
    ASN1_EXP_OPT(pqs_TBSCertificate, version, ASN1_INTEGER, 0),
    ASN1_SIMPLE(pqs_TBSCertificate, serialNumber, ASN1_INTEGER),
    ASN1_EMBED(pqs_TBSCertificate, signature, X509_ALGOR),
    ASN1_SIMPLE(pqs_TBSCertificate, issuer, ASN1_ANY),
    ASN1_EMBED(pqs_TBSCertificate, validity, pqs_Validity),
    ASN1_SIMPLE(pqs_TBSCertificate, subject, ASN1_ANY),
    ASN1_EMBED(pqs_TBSCertificate, subjectPublicKeyInfo, pqs_SubjectPublicKeyInfo),
    ASN1_IMP_OPT(pqs_TBSCertificate, issuerUniqueID, ASN1_BIT_STRING, 1),
    ASN1_IMP_OPT(pqs_TBSCertificate, subjectUniqueID, ASN1_BIT_STRING, 2),
    ASN1_EXP_SEQUENCE_OF_OPT(pqs_TBSCertificate, extensions, X509_EXTENSION, 3),
} static_ASN1_SEQUENCE_END(pqs_TBSCertificate)

typedef struct {
    pqs_TBSCertificate tbsCertificate;
    X509_ALGOR signatureAlgorithm;
    ASN1_BIT_STRING *signatureValue;
} pqs_Certificate;

ASN1_SEQUENCE(pqs_Certificate) = {
    ASN1_EMBED(pqs_Certificate, tbsCertificate, pqs_TBSCertificate),
    ASN1_EMBED(pqs_Certificate, signatureAlgorithm, X509_ALGOR),
    ASN1_SIMPLE(pqs_Certificate, signatureValue, ASN1_BIT_STRING),
} static_ASN1_SEQUENCE_END(pqs_Certificate)

/* Why: one line for the user saying what OpenSSL refused and where. The first queued error is the innermost
 * reason ("header too long"); the "nested asn1 error" entries after it carry the path ("Field=serialNumber,
 * Type=pqs_TBSCertificate"), innermost first. */
static int32_t pqs_x509_decode_failure(char error[PQS_ERROR_SIZE]) {
    int32_t failure = PQS_X509_MALFORMED;
    size_t used = 0;
    if (error != NULL) error[0] = '\0';
    const char *data = NULL;
    int flags = 0;
    unsigned long code;
    int first = 1;
    while ((code = ERR_get_error_all(NULL, NULL, NULL, &data, &flags)) != 0) {
        if (first) {
            first = 0;
            if (ERR_GET_LIB(code) == ERR_LIB_ASN1) {
                switch (ERR_GET_REASON(code)) {
                case ASN1_R_TOO_LONG:
                case ASN1_R_HEADER_TOO_LONG:
                case ASN1_R_NOT_ENOUGH_DATA:
                case ASN1_R_MISSING_EOC:
                    failure = PQS_X509_TRUNCATED;
                    break;
                case ASN1_R_WRONG_TAG:
                case ASN1_R_MSTRING_WRONG_TAG:
                    failure = PQS_X509_UNEXPECTED_TAG;
                    break;
                case ASN1_R_NESTED_TOO_DEEP:
                    failure = PQS_X509_TOO_DEEP;
                    break;
                case ASN1_R_SEQUENCE_LENGTH_MISMATCH:
                    failure = PQS_X509_LENGTH;
                    break;
                default:
                    break;
                }
            }
            const char *reason = ERR_reason_error_string(code);
            if (error != NULL) {
                int n = snprintf(error, PQS_ERROR_SIZE, "%s", reason != NULL ? reason : "refused");
                used = n <= 0 ? 0 : ((size_t)n < PQS_ERROR_SIZE ? (size_t)n : PQS_ERROR_SIZE - 1);
            }
        }
        if (error != NULL && (flags & ERR_TXT_STRING) && data != NULL && data[0] != '\0' &&
            used + 4 < PQS_ERROR_SIZE) {
            int n = snprintf(error + used, PQS_ERROR_SIZE - used, " (%s)", data);
            if (n > 0) used = used + (size_t)n < PQS_ERROR_SIZE ? used + (size_t)n : PQS_ERROR_SIZE - 1;
        }
    }
    if (first && error != NULL) snprintf(error, PQS_ERROR_SIZE, "the ASN.1 decoder refused it");
    return failure;
}

/* 0 when the dotted text does not fit: a truncated OID would name another algorithm. */
static int pqs_oid_text(char dst[PQS_OID_SIZE], const ASN1_OBJECT *obj) {
    dst[0] = '\0';
    if (obj == NULL) return 0;
    int n = OBJ_obj2txt(dst, PQS_OID_SIZE, obj, 1);
    if (n <= 0 || n >= PQS_OID_SIZE) {
        dst[0] = '\0';
        return 0;
    }
    return 1;
}

/* Bit length of the first INTEGER inside a SEQUENCE at `p`, leading zero octets skipped and the sign ignored
 * (the RSA modulus in an RSAPublicKey, p in DSA/DH parameters); -1 when the bytes do not start that way.
 * ASN1_get_object checks every length against `length`. */
static int32_t pqs_first_integer_bits(const unsigned char *p, long length) {
    if (p == NULL || length <= 0) return -1;
    const unsigned char *q = p;
    long content = 0;
    int tag = 0, cls = 0;
    int rc = ASN1_get_object(&q, &content, &tag, &cls, length);
    if ((rc & 0x80) || tag != V_ASN1_SEQUENCE || cls != V_ASN1_UNIVERSAL || !(rc & V_ASN1_CONSTRUCTED)) return -1;
    long inside = (rc & 1) ? length - (long)(q - p) : content; /* indefinite length: up to the end */
    rc = ASN1_get_object(&q, &content, &tag, &cls, inside);
    if ((rc & 0x80) || (rc & V_ASN1_CONSTRUCTED) || tag != V_ASN1_INTEGER || cls != V_ASN1_UNIVERSAL) return -1;
    while (content > 0 && *q == 0) {
        q++;
        content--;
    }
    if (content == 0) return 0;
    if (content > INT32_MAX / 8) return -1;
    int leading = 0;
    for (unsigned char top = *q; !(top & 0x80); top <<= 1) leading++;
    return (int32_t)(content * 8 - leading);
}

static int pqs_time_fields(const ASN1_TIME *t, int32_t out[6]) {
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    if (t == NULL || !ASN1_TIME_to_tm(t, &tm)) return 0;
    out[0] = tm.tm_year + 1900;
    out[1] = tm.tm_mon + 1;
    out[2] = tm.tm_mday;
    out[3] = tm.tm_hour;
    out[4] = tm.tm_min;
    out[5] = tm.tm_sec;
    return 1;
}

static void pqs_key_id(const ASN1_OCTET_STRING *id, uint8_t dst[PQS_KEY_ID_SIZE], int32_t *length) {
    int n = ASN1_STRING_length(id);
    *length = n;
    memcpy(dst, ASN1_STRING_get0_data(id), n < PQS_KEY_ID_SIZE ? (size_t)n : PQS_KEY_ID_SIZE);
}

/* The three extensions PQScout reads; the last occurrence wins, as it did in the Swift reader. */
static int pqs_read_extensions(const STACK_OF(X509_EXTENSION) *list, pqs_certificate *out, ASN1_OCTET_STRING **ski,
                               AUTHORITY_KEYID **aki) {
    for (int i = 0; i < sk_X509_EXTENSION_num(list); i++) {
        X509_EXTENSION *ext = sk_X509_EXTENSION_value(list, i);
        const ASN1_OCTET_STRING *value = X509_EXTENSION_get_data(ext);
        const unsigned char *p = ASN1_STRING_get0_data(value);
        long n = ASN1_STRING_length(value);
        switch (OBJ_obj2nid(X509_EXTENSION_get_object(ext))) {
        case NID_basic_constraints: {
            BASIC_CONSTRAINTS *bc = d2i_BASIC_CONSTRAINTS(NULL, &p, n);
            if (bc == NULL) return 0;
            out->is_ca = bc->ca ? 1 : 0;
            BASIC_CONSTRAINTS_free(bc);
            break;
        }
        case NID_subject_key_identifier: {
            ASN1_OCTET_STRING *id = d2i_ASN1_OCTET_STRING(NULL, &p, n);
            if (id == NULL) return 0;
            ASN1_OCTET_STRING_free(*ski);
            *ski = id;
            break;
        }
        case NID_authority_key_identifier: {
            AUTHORITY_KEYID *id = d2i_AUTHORITY_KEYID(NULL, &p, n);
            if (id == NULL) return 0;
            AUTHORITY_KEYID_free(*aki);
            *aki = id;
            break;
        }
        default:
            break;
        }
    }
    return 1;
}

static int pqs_fail(pqs_certificate *out, int32_t failure, char error[PQS_ERROR_SIZE], const char *detail) {
    out->failure = failure;
    ERR_clear_error();
    if (error != NULL) snprintf(error, PQS_ERROR_SIZE, "%s", detail);
    return PQS_MALFORMED;
}

int pqs_certificate_parse(
    const uint8_t *der, size_t length, pqs_certificate *out, uint8_t *names, size_t names_capacity,
    char error[PQS_ERROR_SIZE]) {
    if (out == NULL) return PQS_INTERNAL;
    memset(out, 0, sizeof *out);
    if (error != NULL) error[0] = '\0';
    ERR_clear_error();
    if (der == NULL || length == 0 || length > (size_t)LONG_MAX) {
        return pqs_fail(out, PQS_X509_TRUNCATED, error, "empty or oversized input");
    }
    const unsigned char *p = der;
    pqs_Certificate *cert =
        (pqs_Certificate *)ASN1_item_d2i(NULL, &p, (long)length, ASN1_ITEM_rptr(pqs_Certificate));
    if (cert == NULL) {
        out->failure = pqs_x509_decode_failure(error);
        return PQS_MALFORMED;
    }
    int status = PQS_MALFORMED;
    ASN1_OCTET_STRING *ski = NULL;
    AUTHORITY_KEYID *aki = NULL;
    const pqs_TBSCertificate *tbs = &cert->tbsCertificate;
    const pqs_SubjectPublicKeyInfo *spki = &tbs->subjectPublicKeyInfo;
    out->der_length = (int64_t)(p - der);

    int64_t version = 0;
    if (tbs->version != NULL && (!ASN1_INTEGER_get_int64(&version, tbs->version) || version < 0 || version > 2)) {
        status = pqs_fail(out, PQS_X509_VERSION, error, "version: unsupported value");
        goto done;
    }
    out->version = (int32_t)version + 1;

    /* The decoder keeps the magnitude, minimal, and the sign in the type. */
    int serial_length = ASN1_STRING_length(tbs->serialNumber);
    if (serial_length > PQS_SERIAL_SIZE) {
        status = pqs_fail(out, PQS_X509_SERIAL, error, "serialNumber: wider than 64 octets");
        goto done;
    }
    const unsigned char *serial = ASN1_STRING_get0_data(tbs->serialNumber);
    while (serial_length > 0 && *serial == 0) {
        serial++;
        serial_length--;
    }
    memcpy(out->serial, serial, (size_t)serial_length);
    out->serial_length = serial_length;
    out->serial_negative = ASN1_STRING_type(tbs->serialNumber) == V_ASN1_NEG_INTEGER ? 1 : 0;

    if (!pqs_oid_text(out->signature_oid, cert->signatureAlgorithm.algorithm) ||
        !pqs_oid_text(out->tbs_signature_oid, tbs->signature.algorithm) ||
        !pqs_oid_text(out->key_oid, spki->algorithm.algorithm)) {
        status = pqs_fail(out, PQS_X509_OID, error, "an algorithm OID is longer than 127 characters");
        goto done;
    }

    if (!pqs_time_fields(tbs->validity.notBefore, out->not_before)) {
        status = pqs_fail(out, PQS_X509_TIME, error, "notBefore: not a valid UTCTime/GeneralizedTime");
        goto done;
    }
    if (!pqs_time_fields(tbs->validity.notAfter, out->not_after)) {
        status = pqs_fail(out, PQS_X509_TIME, error, "notAfter: not a valid UTCTime/GeneralizedTime");
        goto done;
    }

    const ASN1_TYPE *parameters = spki->algorithm.parameter;
    out->key_parameters_tag = parameters != NULL ? parameters->type : -1;
    out->key_parameters_integer_bits = -1;
    if (parameters != NULL && parameters->type == V_ASN1_OBJECT &&
        !pqs_oid_text(out->key_parameters_oid, parameters->value.object)) {
        status = pqs_fail(out, PQS_X509_OID, error, "the key's parameter OID is longer than 127 characters");
        goto done;
    }
    if (parameters != NULL && parameters->type == V_ASN1_SEQUENCE) {
        /* ANY keeps a SEQUENCE as its whole encoding, header included. */
        out->key_parameters_integer_bits = pqs_first_integer_bits(
            ASN1_STRING_get0_data(parameters->value.sequence), ASN1_STRING_length(parameters->value.sequence));
    }
    const ASN1_BIT_STRING *key = spki->subjectPublicKey;
    out->key_unused_bits = (key->flags & ASN1_STRING_FLAG_BITS_LEFT) ? (int32_t)(key->flags & 0x07) : 0;
    out->key_octets = ASN1_STRING_length(key);
    out->key_integer_bits = pqs_first_integer_bits(ASN1_STRING_get0_data(key), ASN1_STRING_length(key));
    if (spki->enc.enc == NULL || spki->enc.len <= 0 ||
        !EVP_Digest(spki->enc.enc, (size_t)spki->enc.len, out->key_sha256, NULL, EVP_sha256(), NULL) ||
        !EVP_Digest(der, (size_t)out->der_length, out->sha256, NULL, EVP_sha256(), NULL)) {
        status = PQS_INTERNAL;
        pqs_drain_errors(error, "SHA-256 failed");
        goto done;
    }

    out->is_ca = -1;
    out->subject_key_id_length = -1;
    out->authority_key_id_length = -1;
    if (!pqs_read_extensions(tbs->extensions, out, &ski, &aki)) {
        out->failure = PQS_X509_EXTENSION;
        pqs_drain_errors(error, "bad extension");
        if (error != NULL) {
            char detail[PQS_ERROR_SIZE];
            snprintf(detail, sizeof detail, "basicConstraints or a key identifier: %s", error);
            memcpy(error, detail, PQS_ERROR_SIZE);
        }
        status = PQS_MALFORMED;
        goto done;
    }
    if (ski != NULL) pqs_key_id(ski, out->subject_key_id, &out->subject_key_id_length);
    if (aki != NULL && aki->keyid != NULL) pqs_key_id(aki->keyid, out->authority_key_id, &out->authority_key_id_length);
    out->key_ids_equal = ski != NULL && aki != NULL && aki->keyid != NULL && ASN1_STRING_cmp(ski, aki->keyid) == 0;

    if (tbs->issuer->type != V_ASN1_SEQUENCE || tbs->subject->type != V_ASN1_SEQUENCE) {
        status = pqs_fail(out, PQS_X509_NAME, error, "issuer or subject is not a SEQUENCE");
        goto done;
    }
    int issuer_length = ASN1_STRING_length(tbs->issuer->value.sequence);
    int subject_length = ASN1_STRING_length(tbs->subject->value.sequence);
    if (names == NULL || (size_t)issuer_length + (size_t)subject_length > names_capacity) {
        status = PQS_BUFFER_TOO_SMALL;
        if (error != NULL) snprintf(error, PQS_ERROR_SIZE, "names need %d bytes", issuer_length + subject_length);
        goto done;
    }
    memcpy(names, ASN1_STRING_get0_data(tbs->issuer->value.sequence), (size_t)issuer_length);
    memcpy(names + issuer_length, ASN1_STRING_get0_data(tbs->subject->value.sequence), (size_t)subject_length);
    out->issuer_length = issuer_length;
    out->subject_length = subject_length;
    status = PQS_OK;
done:
    ASN1_OCTET_STRING_free(ski);
    AUTHORITY_KEYID_free(aki);
    ASN1_item_free((ASN1_VALUE *)cert, ASN1_ITEM_rptr(pqs_Certificate));
    ERR_clear_error(); /* the first-INTEGER probes may leave entries for keys that are not SEQUENCEs */
    return status;
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
/* Not static: the tests' handshake oracle (Tests/COpenSSLTestShim) must build its server exactly this way. */
SSL_CTX *pqs_server_ctx(
    const char *base_cipher_list, const char *cipher_list, const char *ciphersuites, int32_t security_level,
    char error[PQS_ERROR_SIZE]) {
    ERR_clear_error();
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (ctx == NULL) {
        pqs_drain_errors(error, "SSL_CTX_new failed");
        return NULL;
    }
    if (security_level >= 0) SSL_CTX_set_security_level(ctx, security_level);
    /* As SSL_CTX_new applies system_default: a string OpenSSL rejects is skipped, and the list stays as the call
     * left it (only the TLS 1.3 suites after "no cipher match"; unchanged after a syntax error). */
    if (base_cipher_list != NULL && SSL_CTX_set_cipher_list(ctx, base_cipher_list) != 1) ERR_clear_error();
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

pqs_tls_certificate_context *pqs_tls_certificate_context_new(
    const char *base_cipher_list, const char *cipher_list, int32_t security_level, char error[PQS_ERROR_SIZE]) {
    if (error != NULL) error[0] = '\0';
    return (pqs_tls_certificate_context *)pqs_server_ctx(base_cipher_list, cipher_list, NULL, security_level, error);
}

void pqs_tls_certificate_context_free(pqs_tls_certificate_context *context) { SSL_CTX_free((SSL_CTX *)context); }

int pqs_tls_check_certificate_in(
    const pqs_tls_certificate_context *context, const uint8_t *der, size_t length, pqs_tls_certificate_check *out,
    char error[PQS_ERROR_SIZE]) {
    if (error != NULL) error[0] = '\0';
    if (out == NULL || context == NULL) return PQS_INTERNAL;
    memset(out, 0, sizeof *out);
    ERR_clear_error();
    const unsigned char *p = der;
    X509 *cert = (der != NULL && length > 0 && length < (size_t)INT32_MAX) ? d2i_X509(NULL, &p, (long)length) : NULL;
    if (cert == NULL) {
        pqs_drain_errors(error, "not a DER certificate");
        return PQS_MALFORMED;
    }
    ASN1_OBJECT *key_oid = NULL;
    X509_PUBKEY *spki = X509_get_X509_PUBKEY(cert);
    if (spki != NULL && X509_PUBKEY_get0_param(&key_oid, NULL, NULL, NULL, spki) == 1) {
        pqs_obj_text(out->key_oid, sizeof out->key_oid, key_oid);
    }
    EVP_PKEY *key = X509_get0_pubkey(cert);
    ERR_clear_error();
    if (key != NULL) {
        out->key_bits = EVP_PKEY_get_bits(key);
        out->security_bits = EVP_PKEY_get_security_bits(key);
    }
    /* SSL_new copies the context's security level and lists; the certificate goes into the SSL's own copy. */
    SSL *ssl = SSL_new((SSL_CTX *)context);
    if (ssl == NULL) {
        pqs_drain_errors(error, "SSL_new failed");
        X509_free(cert);
        return PQS_INTERNAL;
    }
    if (SSL_use_certificate(ssl, cert) == 1) {
        out->accepted = 1;
    } else {
        pqs_drain_errors(error, "certificate refused");
    }
    SSL_free(ssl);
    X509_free(cert);
    ERR_clear_error();
    return PQS_OK;
}

int pqs_tls_check_certificate(
    const char *base_cipher_list, const char *cipher_list, int32_t security_level, const uint8_t *der,
    size_t length, pqs_tls_certificate_check *out, char error[PQS_ERROR_SIZE]) {
    if (error != NULL) error[0] = '\0';
    if (out == NULL) return PQS_INTERNAL;
    memset(out, 0, sizeof *out);
    pqs_tls_certificate_context *context =
        pqs_tls_certificate_context_new(base_cipher_list, cipher_list, security_level, error);
    if (context == NULL) return PQS_MALFORMED;
    int status = pqs_tls_check_certificate_in(context, der, length, out, error);
    pqs_tls_certificate_context_free(context);
    return status;
}
