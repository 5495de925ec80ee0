/* pkcs7: the degenerate, certs-only SignedData EST returns (RFC 7030 4.1.3, 4.2.3). */
#ifndef EST_PKCS7_H
#define EST_PKCS7_H

#include <stddef.h>

#include <openssl/x509.h>

#include "est/buf.h"

/* DER of a certs-only PKCS#7 holding certs[0..n-1], appended to out. 0 = ok. */
int	pkcs7_certs_only_der(X509 *const *certs, size_t n, struct buf *out);
/* The same, base64 in 64-column lines: the body EST sends. */
int	pkcs7_certs_only_base64(X509 *const *certs, size_t n, struct buf *out);

#endif
