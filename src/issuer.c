/* issuer: the CA certificate, its key and chain, loaded and checked once. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "est/issuer.h"

static X509 *
issuer_read_cert(const char *path, struct diag *d)
{
	FILE	*f;
	X509	*cert, *extra;

	if ((f = fopen(path, "r")) == NULL) {
		diag_add(d, "%s: cannot open CA certificate: %s", path,
		    strerror(errno));
		return NULL;
	}
	if ((cert = PEM_read_X509(f, NULL, NULL, NULL)) == NULL)
		diag_add_ssl(d, "%s: not a PEM certificate", path);
	else if ((extra = PEM_read_X509(f, NULL, NULL, NULL)) != NULL) {
		/* A full-chain file: which one is the CA is not ours to guess. */
		diag_add(d, "%s: holds more than one certificate: put the CA "
		    "certificate alone here and those above it in chain", path);
		X509_free(extra);
		X509_free(cert);
		cert = NULL;
	}
	ERR_clear_error();
	fclose(f);
	return cert;
}

static STACK_OF(X509) *
issuer_read_chain(const char *path, struct diag *d)
{
	STACK_OF(X509)	*chain;
	FILE		*f;
	X509		*cert;

	if ((chain = sk_X509_new_null()) == NULL)
		return NULL;
	if (path == NULL)
		return chain;
	if ((f = fopen(path, "r")) == NULL) {
		diag_add(d, "%s: cannot open CA chain: %s", path, strerror(errno));
		sk_X509_free(chain);
		return NULL;
	}
	while ((cert = PEM_read_X509(f, NULL, NULL, NULL)) != NULL)
		if (!sk_X509_push(chain, cert))
			X509_free(cert);
	if (ERR_GET_REASON(ERR_peek_last_error()) != PEM_R_NO_START_LINE ||
	    sk_X509_num(chain) == 0) {
		diag_add_ssl(d, "%s: unreadable or empty CA chain", path);
		sk_X509_pop_free(chain, X509_free);
		chain = NULL;
	}
	ERR_clear_error();
	fclose(f);
	return chain;
}

static int
issuer_time(const ASN1_TIME *t, time_t *out)
{
	struct tm tm;

	if (!ASN1_TIME_to_tm(t, &tm))
		return -1;
	*out = timegm(&tm);
	return 0;
}

void
issuer_check_ca(X509 *cert, const char *path, int v1_root_ok, struct diag *d)
{
	time_t	 now = time(NULL), nb = 0, na = 0;
	uint32_t ku;

	/* X509_check_ca() also fails for a missing keyCertSign: tell them apart. */
	if (!(X509_get_extension_flags(cert) & EXFLAG_CA) &&
	    !(v1_root_ok && X509_check_ca(cert) == 3))
		diag_add(d, "%s: CA certificate lacks basicConstraints CA:TRUE", path);
	ku = X509_get_key_usage(cert);
	if (ku != UINT32_MAX && !(ku & KU_KEY_CERT_SIGN))
		diag_add(d, "%s: CA certificate's keyUsage lacks keyCertSign", path);
	if (issuer_time(X509_get0_notBefore(cert), &nb) == -1 ||
	    issuer_time(X509_get0_notAfter(cert), &na) == -1)
		diag_add(d, "%s: CA certificate validity does not decode", path);
	else if (now < nb)
		diag_add(d, "%s: CA certificate is not valid yet", path);
	else if (now >= na)
		diag_add(d, "%s: CA certificate has expired", path);
}

/* Did issuer sign subject? Names, key identifiers, then the signature. */
static int
issuer_signed(X509 *issuer, X509 *subject)
{
	EVP_PKEY *key;

	if (X509_check_issued(issuer, subject) != X509_V_OK ||
	    (key = X509_get0_pubkey(issuer)) == NULL)
		return 0;
	return X509_verify(subject, key) == 1;
}

size_t
issuer_path(X509 *cert, X509 *const *pool, size_t n, size_t *order,
    X509 **stuck)
{
	X509	*cur = cert;
	size_t	 used = 0, i = 0, j;
	int	 pass;

	ERR_set_mark();
	while (X509_self_signed(cur, 1) != 1) {
		/*
		 * A root first: during a key rollover the new root's key also
		 * comes certified by the old one, and that copy leads away.
		 */
		for (pass = 0; pass < 2; pass++) {
			for (i = 0; i < n; i++) {
				for (j = 0; j < used && order[j] != i; j++)
					;
				if (j == used && (pass == 1 ||
				    X509_self_signed(pool[i], 1) == 1) &&
				    issuer_signed(pool[i], cur))
					break;
			}
			if (i < n)
				break;
		}
		if (i == n) {
			*stuck = cur;
			goto out;
		}
		order[used++] = i;
		cur = pool[i];
	}
	*stuck = NULL;
out:
	ERR_pop_to_mark();
	return used;
}

int
issuer_load(struct issuer *is, const char *cert_path, const char *key_uri,
    const char *chain_path, struct diag *d)
{
	const ASN1_OCTET_STRING	*skid;
	unsigned char		 md[EVP_MAX_MD_SIZE];
	unsigned int		 mdlen;
	size_t			 before = diag_count(d);
	char			 name[512];

	memset(is, 0, sizeof(*is));
	is->cert = issuer_read_cert(cert_path, d);
	is->signer = signer_open(key_uri, d);
	is->chain = issuer_read_chain(chain_path, d);
	if (is->cert == NULL)
		goto out;
	issuer_check_ca(is->cert, cert_path, 0, d);
	issuer_time(X509_get0_notAfter(is->cert), &is->not_after);
	if (is->signer != NULL && !signer_matches(is->signer, is->cert))
		diag_add(d, "%s: CA key does not match CA certificate %s",
		    signer_key_name(key_uri, name, sizeof(name)), cert_path);
	/* authorityKeyIdentifier: the CA's own SKI, else the RFC 5280 SHA-1. */
	if ((skid = X509_get0_subject_key_id(is->cert)) != NULL)
		is->key_id = ASN1_OCTET_STRING_dup(skid);
	else if (X509_pubkey_digest(is->cert, EVP_sha1(), md, &mdlen) &&
	    (is->key_id = ASN1_OCTET_STRING_new()) != NULL)
		ASN1_OCTET_STRING_set(is->key_id, md, (int)mdlen);
	if (is->key_id == NULL)
		diag_add(d, "%s: cannot compute the CA key identifier", cert_path);
out:
	ERR_clear_error();
	if (diag_count(d) != before) {
		issuer_free(is);
		return -1;
	}
	return 0;
}

void
issuer_free(struct issuer *is)
{
	X509_free(is->cert);
	sk_X509_pop_free(is->chain, X509_free);
	signer_free(is->signer);
	ASN1_OCTET_STRING_free(is->key_id);
	memset(is, 0, sizeof(*is));
}
