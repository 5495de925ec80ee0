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

#endif
