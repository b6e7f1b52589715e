#include "COpenSSLShim.h"
#include <openssl/crypto.h>
const char *pqs_openssl_version(void) { return OpenSSL_version(OPENSSL_VERSION); }
