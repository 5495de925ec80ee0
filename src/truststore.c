/* truststore: in-memory CA certificates for verifying TLS clients. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "est/truststore.h"

struct trust_store {
	X509_STORE	*store;
	STACK_OF(X509)	*certs;		/* the same certificates, for listing */
};

struct trust_store *
trust_store_new(void)
{
	struct trust_store *ts;

	if ((ts = calloc(1, sizeof(*ts))) == NULL)
		return NULL;
	ts->store = X509_STORE_new();
	ts->certs = sk_X509_new_null();
	if (ts->store == NULL || ts->certs == NULL) {
		trust_store_free(ts);
		return NULL;
	}
	/*
	 * Any certificate an operator puts here is an anchor, an intermediate
	 * (a manufacturer's issuing CA, this EST CA) as much as a root.
	 */
	X509_STORE_set_flags(ts->store, X509_V_FLAG_PARTIAL_CHAIN);
	return ts;
}

void
trust_store_free(struct trust_store *ts)
{
	if (ts == NULL)
		return;
	X509_STORE_free(ts->store);
	sk_X509_pop_free(ts->certs, X509_free);
	free(ts);
}

int
trust_store_add_cert(struct trust_store *ts, X509 *cert)
{
	/* The same certificate twice is harmless; skip it. */
	for (int i = 0; i < sk_X509_num(ts->certs); i++)
		if (X509_cmp(sk_X509_value(ts->certs, i), cert) == 0)
			return 0;
	if (!X509_STORE_add_cert(ts->store, cert))
		return -1;
	if (!X509_up_ref(cert))
		return -1;
	if (!sk_X509_push(ts->certs, cert)) {
		X509_free(cert);
		return -1;
	}
	return 0;
}

/* The PEM names OpenSSL reads as a certificate. */
static int
trust_store_is_cert_block(const char *name)
{
	return strcmp(name, PEM_STRING_X509) == 0 ||
	    strcmp(name, PEM_STRING_X509_OLD) == 0 ||
	    strcmp(name, PEM_STRING_X509_TRUSTED) == 0;
}

int
trust_store_add_file(struct trust_store *ts, const char *path, struct diag *d)
{
	FILE			*f;
	X509			*cert;
	char			*name, *header;
	unsigned char		*data;
	const unsigned char	*p;
	long			 len;
	int			 n = 0, rc = 0;

	if ((f = fopen(path, "r")) == NULL) {
		diag_add(d, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	/*
	 * Every block, not only the certificates: a revocation list here
	 * would be skipped without a word while the operator counts on it,
	 * and a private key has no business in a file of anchors.
	 */
	while (PEM_read(f, &name, &header, &data, &len)) {
		if (!trust_store_is_cert_block(name)) {
			diag_add(d, "%s: holds a %s block, not a certificate%s", path,
			    name, strcmp(name, PEM_STRING_X509_CRL) == 0 ?
			    " (estd checks no revocation lists: the front server "
			    "does, see lighttpd ssl.ca-crl-file, Apache "
			    "SSLCARevocationFile, nginx ssl_crl)" : "");
			rc = -1;
		} else if ((p = data, cert = d2i_X509(NULL, &p, len)) == NULL) {
			diag_add_ssl(d, "%s: unreadable certificate", path);
			ERR_clear_error();
			rc = -1;
		} else {
			if (trust_store_add_cert(ts, cert) == -1) {
				diag_add_ssl(d, "%s: cannot add certificate", path);
				rc = -1;
			}
			X509_free(cert);
			n++;
		}
		OPENSSL_free(name);
		OPENSSL_free(header);
		OPENSSL_free(data);
	}
	/* Reading stops at end of file ("no start line") or at a broken block. */
	if (ERR_GET_REASON(ERR_peek_last_error()) != PEM_R_NO_START_LINE) {
		diag_add_ssl(d, "%s: unreadable certificate", path);
		rc = -1;
	}
	ERR_clear_error();
	fclose(f);
	if (n == 0 && rc == 0) {
		diag_add(d, "%s: no PEM certificate in file", path);
		rc = -1;
	}
	return rc == -1 ? -1 : n;
}

/*
 * The system's store of public CAs (OpenSSL's default directory, and the
 * bundle file with the directory holding it): every holder of a client
 * certificate bought from any of them could enroll. Never an EST trust
 * store. 1 if path (a directory when is_dir) is that store.
 */
static int
trust_store_is_system(const char *path, int is_dir)
{
	char	*real, *sys_dir, *sys_file, *slash;
	int	 found = 0;

	if ((real = realpath(path, NULL)) == NULL)
		return 0;
	sys_dir = realpath(X509_get_default_cert_dir(), NULL);
	sys_file = realpath(X509_get_default_cert_file(), NULL);
	if (is_dir) {
		found = sys_dir != NULL && strcmp(real, sys_dir) == 0;
		if (!found && sys_file != NULL &&
		    (slash = strrchr(sys_file, '/')) != NULL) {
			*slash = '\0';
			found = strcmp(real, *sys_file ? sys_file : "/") == 0;
		}
	} else
		found = sys_file != NULL && strcmp(real, sys_file) == 0;
	free(sys_file);
	free(sys_dir);
	free(real);
	return found;
}

static int
trust_store_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
trust_store_add_dir(struct trust_store *ts, const char *dir, struct diag *d)
{
	DIR		*dp;
	struct dirent	*de;
	struct stat	 st;
	char		*names[TRUST_STORE_MAX_FILES], path[4096];
	size_t		 n = 0, i;
	int		 total = 0, k, rc = 0;

	if (trust_store_is_system(dir, 1)) {
		diag_add(d, "%s: is the system's store of public CAs: any client "
		    "certificate they issued could enroll; give estd a directory "
		    "of its own with only the CAs of its clients", dir);
		return -1;
	}
	if ((dp = opendir(dir)) == NULL) {
		diag_add(d, "%s: cannot open trust store directory: %s", dir,
		    strerror(errno));
		return -1;
	}
	while ((de = readdir(dp)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (n == TRUST_STORE_MAX_FILES) {
			diag_add(d, "%s: more than %d files", dir,
			    TRUST_STORE_MAX_FILES);
			rc = -1;
			break;
		}
		if ((names[n] = strdup(de->d_name)) == NULL) {
			rc = -1;
			break;
		}
		n++;
	}
	closedir(dp);
	/* A stable order makes the start-up log comparable between runs. */
	qsort(names, n, sizeof(names[0]), trust_store_name_cmp);
	for (i = 0; i < n; i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, names[i]) >=
		    sizeof(path)) {
			diag_add(d, "%s/%s: path too long", dir, names[i]);
			rc = -1;
			continue;
		}
		/* A dangling link is an anchor the operator meant to have. */
		if (stat(path, &st) == -1) {
			diag_add(d, "%s: cannot read: %s", path, strerror(errno));
			rc = -1;
			continue;
		}
		/* Skip what is not a regular file, and the README. */
		if (!S_ISREG(st.st_mode) || strncmp(names[i], "README", 6) == 0)
			continue;
		if (trust_store_is_system(path, 0)) {
			diag_add(d, "%s: is the system's bundle of public CAs: any "
			    "client certificate they issued could enroll", path);
			rc = -1;
			continue;
		}
		if ((k = trust_store_add_file(ts, path, d)) == -1)
			rc = -1;
		else
			total += k;
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	return rc == -1 ? -1 : total;
}

size_t
trust_store_count(const struct trust_store *ts)
{
	return (size_t)sk_X509_num(ts->certs);
}

X509 *
trust_store_cert(const struct trust_store *ts, size_t i)
{
	return sk_X509_value(ts->certs, (int)i);
}

static enum trust_result
trust_store_classify(int err)
{
	switch (err) {
	case X509_V_ERR_CERT_HAS_EXPIRED:
		return TRUST_EXPIRED;
	case X509_V_ERR_CERT_NOT_YET_VALID:
		return TRUST_NOT_YET_VALID;
	case X509_V_ERR_INVALID_PURPOSE:
		return TRUST_WRONG_PURPOSE;
	case X509_V_ERR_OUT_OF_MEM:
		return TRUST_ERROR;
	default:
		return TRUST_UNTRUSTED;
	}
}

/*
 * What OpenSSL's verification leaves to the caller: a CA certificate is
 * not a client's credential (unless pinned: the anchor itself, as many
 * self-signed certificates say CA:TRUE), and an issuer is a CA by
 * basicConstraints (or a version 1 root). OpenSSL also takes keyCertSign
 * alone as a CA, which RFC 5280 4.2.1.3 does not allow.
 */
static enum trust_result
trust_store_check_roles(STACK_OF(X509) *chain, char *reason, size_t reasonlen)
{
	X509	*cert;
	int	 i, ca;

	if (sk_X509_num(chain) > 1 &&
	    (X509_get_extension_flags(sk_X509_value(chain, 0)) & EXFLAG_CA)) {
		snprintf(reason, reasonlen, "a CA certificate is not a client "
		    "certificate");
		return TRUST_UNTRUSTED;
	}
	for (i = 1; i < sk_X509_num(chain); i++) {
		cert = sk_X509_value(chain, i);
		ca = X509_check_ca(cert);
		if (ca != 1 && ca != 3) {
			snprintf(reason, reasonlen, "issuer is not a CA: no "
			    "basicConstraints CA:TRUE (depth %d)", i);
			return TRUST_UNTRUSTED;
		}
	}
	return TRUST_OK;
}

enum trust_result
trust_store_verify(const struct trust_store *ts, X509 *leaf,
    STACK_OF(X509) *untrusted, time_t now, STACK_OF(X509) **chain,
    char *reason, size_t reasonlen)
{
	X509_STORE_CTX		*ctx;
	enum trust_result	 res = TRUST_ERROR;
	int			 err;

	if ((ctx = X509_STORE_CTX_new()) == NULL) {
		snprintf(reason, reasonlen, "out of memory");
		return TRUST_ERROR;
	}
	if (!X509_STORE_CTX_init(ctx, ts->store, leaf, untrusted)) {
		snprintf(reason, reasonlen, "out of memory");
		goto out;
	}
	X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_CLIENT);
	if (now != 0)
		X509_STORE_CTX_set_time(ctx, 0, now);
	if (X509_verify_cert(ctx) == 1) {
		if ((res = trust_store_check_roles(X509_STORE_CTX_get0_chain(ctx),
		    reason, reasonlen)) == TRUST_OK && chain != NULL)
			*chain = X509_STORE_CTX_get1_chain(ctx);
	} else {
		err = X509_STORE_CTX_get_error(ctx);
		res = trust_store_classify(err);
		snprintf(reason, reasonlen, "%s (depth %d)",
		    X509_verify_cert_error_string(err),
		    X509_STORE_CTX_get_error_depth(ctx));
	}
out:
	ERR_clear_error();
	X509_STORE_CTX_free(ctx);
	return res;
}
