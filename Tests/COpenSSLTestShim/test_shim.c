/*
 * COpenSSLTestShim: OpenSSL called the ordinary way, as the oracle the tests hold PQScout's answers against.
 * Nothing in the product links it; it lives apart so the product's shim holds only what the product calls.
 */
#include "COpenSSLTestShim.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

/* The product shim's server context (Sources/COpenSSLShim/shim.c): the oracle's server must be built the way
 * the probe builds it, so it is shared rather than copied. */
SSL_CTX *pqs_server_ctx(
    const char *base_cipher_list, const char *cipher_list, const char *ciphersuites, int32_t security_level,
    char error[PQS_ERROR_SIZE]);

/* The product shim's helpers, shared for the same reason (not copied, so the oracle's error text and names are
 * produced exactly as the product's). */
void pqs_drain_errors(char error[PQS_ERROR_SIZE], const char *fallback);
void pqs_copy(char *dst, size_t cap, const char *src);
void pqs_obj_text(char *dst, size_t cap, const ASN1_OBJECT *obj);

/* MARK: - X.509 via d2i_X509 */

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

static void pqs_key_id_copy(const ASN1_OCTET_STRING *id, uint8_t dst[64], int32_t *length) {
    *length = -1;
    if (id == NULL) return;
    int n = ASN1_STRING_length(id);
    *length = n;
    memcpy(dst, ASN1_STRING_get0_data(id), n < 64 ? (size_t)n : 64);
}

static void pqs_name_der(const X509_NAME *name, uint8_t *dst, size_t cap, int32_t *length) {
    const unsigned char *der = NULL;
    size_t n = 0;
    *length = -1;
    if (name == NULL || !X509_NAME_get0_der(name, &der, &n) || n > cap) return;
    memcpy(dst, der, n);
    *length = (int32_t)n;
}

/* Why: the reference reading for the differential test, the way a C program would do it: d2i_X509 (which
 * decodes the public key through the providers) and the usual getters. */
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
    const X509_ALGOR *tbs_sig = X509_get0_tbs_sigalg(x);
    if (tbs_sig != NULL) {
        const ASN1_OBJECT *obj = NULL;
        X509_ALGOR_get0(&obj, NULL, NULL, tbs_sig);
        pqs_obj_text(out->tbs_signature_oid, sizeof out->tbs_signature_oid, obj);
    }
    int critical = 0;
    BASIC_CONSTRAINTS *bc = X509_get_ext_d2i(x, NID_basic_constraints, &critical, NULL);
    out->is_ca = bc == NULL ? -1 : (bc->ca ? 1 : 0);
    BASIC_CONSTRAINTS_free(bc);
    pqs_key_id_copy(X509_get0_subject_key_id(x), out->subject_key_id, &out->subject_key_id_length);
    pqs_key_id_copy(X509_get0_authority_key_id(x), out->authority_key_id, &out->authority_key_id_length);
    unsigned char *spki = NULL;
    int spki_length = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &spki);
    if (spki_length > 0) EVP_Digest(spki, (size_t)spki_length, out->spki_sha256, NULL, EVP_sha256(), NULL);
    OPENSSL_free(spki);
    pqs_name_der(X509_get_issuer_name(x), out->issuer_der, sizeof out->issuer_der, &out->issuer_der_length);
    pqs_name_der(X509_get_subject_name(x), out->subject_der, sizeof out->subject_der, &out->subject_der_length);
    X509_free(x);
    ERR_clear_error(); /* an undecodable PQ key leaves entries behind; they are not failures here */
    if (error != NULL) error[0] = '\0';
    return PQS_OK;
}

/* MARK: - TLS handshake */

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
