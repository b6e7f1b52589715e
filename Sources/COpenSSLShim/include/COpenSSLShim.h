#ifndef COPENSSLSHIM_H
#define COPENSSLSHIM_H
#include <stddef.h>
#include <stdint.h>
/// OpenSSL version string of the library linked at run time.
const char *pqs_openssl_version(void);
#endif
