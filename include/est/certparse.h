/*
 * certparse: DER certificates parsed with a cheap public-key decode.
 *
 * OpenSSL 3.0's d2i_X509 decodes the certificate's key through a decoder
 * chain it assembles anew, every time, from all ~40 decoders the default
 * provider offers; for a P-256 client certificate that is most of the
 * parse. certparse parses in a private library context whose one provider
 * re-exports from the default provider only the key managers and the
 * SubjectPublicKeyInfo decoder for RSA, and offers spki_ec's decoder for
 * EC keys on P-256, P-384 and P-521 (a copy of a kept key given the point,
 * instead of the curve built anew): the search is short, and the keys are
 * the default provider's. Any certificate whose key that context cannot
 * decode is parsed again with plain d2i_X509, so what is accepted, and
 * the key obtained, are d2i_X509's.
 */
#ifndef EST_CERTPARSE_H
#define EST_CERTPARSE_H

#include <stddef.h>

#include <openssl/x509.h>

/*
 * Sets up the private context (certparse_der does it on first use too).
 * Returns 0 when it could not be made; certparse_der then uses d2i_X509.
 */
int	 certparse_init(void);

/* Exactly one certificate filling all len bytes, or NULL. */
X509	*certparse_der(const unsigned char *der, size_t len);

/*
 * Frees the private context; for leak checkers at exit. Every certificate
 * certparse_der returned must have been freed before: their keys belong
 * to that context.
 */
void	 certparse_cleanup(void);

/* 1 when the private context is in use (for tests and the start-up log). */
int	 certparse_fast(void);

#endif
