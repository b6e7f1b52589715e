#ifndef COPENSSLSHIM_H
#define COPENSSLSHIM_H
#include <stddef.h>
#include <stdint.h>
/// OpenSSL version string of the library linked at run time.
const char *pqs_openssl_version(void);
/// SHA-256 of `length` bytes into `digest` (32 bytes).
void pqs_sha256(const uint8_t *data, size_t length, uint8_t *digest);
#endif
