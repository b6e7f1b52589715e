#include "COpenSSLShim.h"
#include <openssl/crypto.h>
#include <openssl/sha.h>
const char *pqs_openssl_version(void) { return OpenSSL_version(OPENSSL_VERSION); }
void pqs_sha256(const uint8_t *data, size_t length, uint8_t *digest) { SHA256(data, length, digest); }
