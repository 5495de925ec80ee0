/*
 * truststore: the CA certificates a client certificate must chain to, held
 * in memory (loaded once at start-up; verification reads no files).
 */
#ifndef EST_TRUSTSTORE_H
#define EST_TRUSTSTORE_H

#include <stddef.h>
#include <time.h>

#include <openssl/x509.h>

#include "est/diag.h"

/* Bounds a directory scan; a trust store is a handful of CAs. */
#define TRUST_STORE_MAX_FILES	1024

struct trust_store;

struct trust_store *trust_store_new(void);
void	trust_store_free(struct trust_store *);
/* Adds every certificate of every regular, non-hidden file in dir. Returns
 * the number added, or -1 with problems in d. */
int	trust_store_add_dir(struct trust_store *, const char *dir, struct diag *d);
/* Adds every certificate of a PEM file. Returns the number added or -1. */
int	trust_store_add_file(struct trust_store *, const char *path, struct diag *d);
int	trust_store_add_cert(struct trust_store *, X509 *);
size_t	trust_store_count(const struct trust_store *);
X509	*trust_store_cert(const struct trust_store *, size_t i);

enum trust_result {
	TRUST_OK,
	TRUST_UNTRUSTED,	/* no chain to an anchor, or a bad signature */
	TRUST_EXPIRED,
	TRUST_NOT_YET_VALID,
	TRUST_WRONG_PURPOSE,	/* not valid for TLS client authentication */
	TRUST_ERROR,		/* out of memory and the like */
	TRUST_RESULT_MAX
};

/*
 * Verifies leaf (plus untrusted intermediates, may be NULL) for TLS client
 * authentication at time now (0: the current time). On TRUST_OK and when
 * chain is not NULL, *chain receives the verified chain (leaf first).
 */
enum trust_result trust_store_verify(const struct trust_store *, X509 *leaf,
	    STACK_OF(X509) *untrusted, time_t now, STACK_OF(X509) **chain,
	    char *reason, size_t reasonlen);

#endif
