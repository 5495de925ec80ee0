/*
 * issuer: the CA as a whole, loaded once: its certificate, the chain above
 * it, its signer, and the values every issued certificate repeats.
 * certgen.c builds certificates with it; nothing here parses requests.
 */
#ifndef EST_ISSUER_H
#define EST_ISSUER_H

#include <time.h>

#include <openssl/x509.h>

#include "est/diag.h"
#include "est/signer.h"

struct issuer {
	X509			*cert;
	STACK_OF(X509)		*chain;		/* intermediates above cert, may be empty */
	struct signer		*signer;
	ASN1_OCTET_STRING	*key_id;	/* for authorityKeyIdentifier */
	time_t			 not_after;
};

/* Loads and checks (key matches, CA:TRUE, keyCertSign, valid now). 0 = ok. */
int	issuer_load(struct issuer *, const char *cert_path, const char *key_uri,
	    const char *chain_path, struct diag *d);
void	issuer_free(struct issuer *);
/* Is cert fit to issue certificates now? Every problem goes to d.
 * v1_root_ok: a version 1 self-signed root passes for CA:TRUE. */
void	issuer_check_ca(X509 *cert, const char *what, int v1_root_ok,
	    struct diag *d);
/*
 * Follows cert's issuers through pool[0..n) up to a self-signed root, each
 * link's signature checked. order[] (n entries) gets the pool indexes in
 * path order; returns how many. *stuck is NULL when a root was reached,
 * else the certificate whose issuer pool lacks.
 */
size_t	issuer_path(X509 *cert, X509 *const *pool, size_t n, size_t *order,
	    X509 **stuck);

#endif
