/*
 * d2i_loop: the C baseline for PQScout's certificate-parsing benchmark.
 *
 * Reads DER certificates (several files, or one file of certificates back to back), then for ROUNDS rounds
 * calls d2i_X509 on each and reads the same fields PQScout's CertificateParser returns: version, serial (hex),
 * signature OID, key OID, key bits (EVP_PKEY_get_bits, which forces the provider key decode), curve OID,
 * subject and issuer (RFC 2253 text), notBefore/notAfter, SHA-256 of the certificate and of the SPKI.
 * Prints certificates per second.
 *
 * Build: cc -O2 -o d2i_loop d2i_loop.c -lcrypto
 * Run:   ./d2i_loop [-r ROUNDS] cert1.der [cert2.der ...]     (default 20 rounds)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

typedef struct {
    unsigned char *der;
    long length;
} blob;

static blob *certs = NULL;
static size_t count = 0, capacity = 0;

static void add(const unsigned char *der, long length) {
    if (count == capacity) {
        capacity = capacity ? capacity * 2 : 64;
        certs = realloc(certs, capacity * sizeof *certs);
        if (certs == NULL) exit(2);
    }
    certs[count].der = malloc((size_t)length);
    if (certs[count].der == NULL) exit(2);
    memcpy(certs[count].der, der, (size_t)length);
    certs[count].length = length;
    count++;
}

/* Splits a file into back-to-back DER SEQUENCEs (long-form lengths up to 4 octets). */
static void load(const char *path) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        perror(path);
        exit(2);
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *data = malloc((size_t)size);
    if (data == NULL || fread(data, 1, (size_t)size, f) != (size_t)size) exit(2);
    fclose(f);
    long at = 0;
    while (at + 2 <= size && data[at] == 0x30) {
        long len = data[at + 1], header = 2;
        if (len & 0x80) {
            int n = (int)(len & 0x7F);
            if (n < 1 || n > 4 || at + 2 + n > size) break;
            len = 0;
            for (int i = 0; i < n; i++) len = len << 8 | data[at + 2 + i];
            header = 2 + n;
        }
        if (at + header + len > size) break;
        add(data + at, header + len);
        at += header + len;
    }
    free(data);
}

static volatile unsigned long sink = 0;

static void read_fields(X509 *x) {
    char text[1024];
    sink += (unsigned long)X509_get_version(x);
    BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
    char *hex = BN_bn2hex(bn);
    sink += strlen(hex);
    OPENSSL_free(hex);
    BN_free(bn);
    const X509_ALGOR *sig = NULL;
    X509_get0_signature(NULL, &sig, x);
    const ASN1_OBJECT *sig_obj = NULL;
    X509_ALGOR_get0(&sig_obj, NULL, NULL, sig);
    sink += (unsigned long)OBJ_obj2txt(text, sizeof text, sig_obj, 1);
    X509_PUBKEY *pub = X509_get_X509_PUBKEY(x);
    ASN1_OBJECT *key_obj = NULL;
    X509_ALGOR *key_alg = NULL;
    X509_PUBKEY_get0_param(&key_obj, NULL, NULL, &key_alg, pub);
    sink += (unsigned long)OBJ_obj2txt(text, sizeof text, key_obj, 1);
    int ptype = 0;
    const void *pval = NULL;
    X509_ALGOR_get0(NULL, &ptype, &pval, key_alg);
    if (ptype == V_ASN1_OBJECT) sink += (unsigned long)OBJ_obj2txt(text, sizeof text, pval, 1);
    EVP_PKEY *pkey = X509_get0_pubkey(x);
    if (pkey != NULL) sink += (unsigned long)EVP_PKEY_get_bits(pkey);
    BIO *bio = BIO_new(BIO_s_mem());
    X509_NAME_print_ex(bio, X509_get_subject_name(x), 0, XN_FLAG_RFC2253);
    X509_NAME_print_ex(bio, X509_get_issuer_name(x), 0, XN_FLAG_RFC2253);
    sink += (unsigned long)BIO_pending(bio);
    BIO_free(bio);
    struct tm tm;
    if (ASN1_TIME_to_tm(X509_get0_notBefore(x), &tm)) sink += (unsigned long)timegm(&tm);
    if (ASN1_TIME_to_tm(X509_get0_notAfter(x), &tm)) sink += (unsigned long)timegm(&tm);
    unsigned char md[32];
    unsigned int md_len = 0;
    X509_digest(x, EVP_sha256(), md, &md_len);
    sink += md[0];
    unsigned char *spki = NULL;
    int spki_len = i2d_X509_PUBKEY(pub, &spki);
    if (spki_len > 0) {
        SHA256(spki, (size_t)spki_len, md);
        sink += md[0];
    }
    OPENSSL_free(spki);
}

int main(int argc, char **argv) {
    int rounds = 20;
    int first = 1;
    if (argc > 2 && strcmp(argv[1], "-r") == 0) {
        rounds = atoi(argv[2]);
        first = 3;
    }
    for (int i = first; i < argc; i++) load(argv[i]);
    if (count == 0) {
        fprintf(stderr, "usage: %s [-r ROUNDS] cert.der ...\n", argv[0]);
        return 64;
    }
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    unsigned long parsed = 0, failed = 0;
    for (int r = 0; r < rounds; r++) {
        for (size_t i = 0; i < count; i++) {
            const unsigned char *p = certs[i].der;
            X509 *x = d2i_X509(NULL, &p, certs[i].length);
            if (x == NULL) {
                failed++;
                continue;
            }
            read_fields(x);
            X509_free(x);
            parsed++;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    double seconds = (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) / 1e9;
    printf("%lu certificates (%zu distinct, %d rounds, %lu failed) in %.3f s: %.0f certs/s\n", parsed, count, rounds,
           failed, seconds, seconds > 0 ? (double)parsed / seconds : 0.0);
    return 0;
}
