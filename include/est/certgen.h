/*
 * certgen: turns an accepted CSR and an issuance plan into a signed
 * certificate. Only the CSR's subject, public key and subjectAltName are
 * taken from the request; every other extension comes from the plan.
 */
#ifndef EST_CERTGEN_H
#define EST_CERTGEN_H

#include <stddef.h>

#include <openssl/x509.h>

#include "est/csr.h"
#include "est/issuer.h"
#include "est/policy.h"

#define CERTGEN_SERIAL_BYTES	16	/* 128-bit random serials, top bit clear */

X509	*certgen_issue(const struct issuer *, const struct csr_info *,
	    const struct issue_plan *, char *reason, size_t reasonlen);

#endif
