/*
 * signer: the CA's private key behind the one operation the CA needs, signing
 * a certificate. Keys are opened through OSSL_STORE, so a file path works
 * today and an HSM URI (pkcs11:...) through an OpenSSL provider can later.
 * Nothing outside signer.c touches the private key.
 */
#ifndef EST_SIGNER_H
#define EST_SIGNER_H

#include <stddef.h>

#include <openssl/x509.h>

#include "est/diag.h"

struct signer;

/*
 * The file a key setting names (a path, or a file: URI's path), or NULL for
 * a URI that an OSSL_STORE loader serves (pkcs11: through its provider).
 */
const char	*signer_key_file(const char *key);
/* key as it may be logged: any pin-value (RFC 7512) masked. Returns key
 * itself or out. */
const char	*signer_key_name(const char *key, char *out, size_t outlen);
/* Opens the private key at path_or_uri. NULL with the reason in d. */
struct signer	*signer_open(const char *path_or_uri, struct diag *d);
void		 signer_free(struct signer *);
/* 1 if cert carries this key's public half. */
int		 signer_matches(const struct signer *, X509 *cert);
/* Signs cert in place with the digest that fits the key. 0 on success. */
int		 signer_sign_cert(const struct signer *, X509 *cert);
/* "EC P-256 / SHA-256", for the start-up log. */
void		 signer_describe(const struct signer *, char *out, size_t outlen);

#endif
