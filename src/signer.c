/* signer: the CA private key and the one thing done with it. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/store.h>
#include <openssl/ui.h>

#include "est/signer.h"

struct signer {
	EVP_PKEY	*key;
	const EVP_MD	*md;	/* NULL for keys that hash internally (Ed25519) */
	/*
	 * A signing context set up once (key, digest, algorithm) and copied
	 * for each certificate, rather than set up anew each time; NULL when
	 * the key's provider cannot copy one, and X509_sign is used.
	 */
	EVP_MD_CTX	*proto;
};

/*
 * The digest that matches the key's strength, as CAs conventionally pick
 * it: for EC by the size of the curve (P-384 and brainpoolP384r1 alike).
 */
static const EVP_MD *
signer_pick_digest(EVP_PKEY *key)
{
	const EVP_MD	*md;
	char		 name[64];
	size_t		 len = 0;

	switch (EVP_PKEY_get_base_id(key)) {
	case EVP_PKEY_ED25519:
	case EVP_PKEY_ED448:
		return NULL;
	case EVP_PKEY_RSA_PSS:
		/* A key restricted to one hash (RFC 4055 3.3) signs with no other. */
		if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_RSA_DIGEST,
		    name, sizeof(name), &len) &&
		    (md = EVP_get_digestbyname(name)) != NULL)
			return md;
		ERR_clear_error();
		return EVP_sha256();
	case EVP_PKEY_EC:
		if (EVP_PKEY_get_bits(key) >= 512)
			return EVP_sha512();
		if (EVP_PKEY_get_bits(key) >= 384)
			return EVP_sha384();
		return EVP_sha256();
	default:
		return EVP_sha256();
	}
}

/*
 * A signing context for the key. RSA-PSS: a salt as long as the hash
 * (RFC 8017 9.1, FIPS 186-4 5.5; BoringSSL accepts no other), not
 * OpenSSL 3.0's longest possible salt. A key whose own restrictions
 * forbid that keeps OpenSSL's choice.
 */
static EVP_MD_CTX *
signer_new_ctx(EVP_PKEY *key, const EVP_MD *md)
{
	EVP_MD_CTX	*ctx;
	EVP_PKEY_CTX	*pctx = NULL;

	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return NULL;
	if (EVP_DigestSignInit(ctx, &pctx, md, NULL, key) != 1) {
		EVP_MD_CTX_free(ctx);
		return NULL;
	}
	if (EVP_PKEY_is_a(key, "RSA-PSS"))
		EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST);
	ERR_clear_error();
	return ctx;
}

/* The length of an RFC 3986 scheme followed by ':' at the start of s, or 0. */
static size_t
signer_scheme_len(const char *s)
{
	size_t n;

	if (!isalpha((unsigned char)s[0]))
		return 0;
	n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789+.-");
	return s[n] == ':' ? n : 0;
}

const char *
signer_key_file(const char *key)
{
	OSSL_STORE_LOADER	*loader;
	char			 scheme[32];
	size_t			 n;

	if (strncmp(key, "file://", 7) == 0)
		return key + 7;
	if (strncmp(key, "file:", 5) == 0)
		return key + 5;
	if ((n = signer_scheme_len(key)) == 0 || n >= sizeof(scheme))
		return key;
	memcpy(scheme, key, n);
	scheme[n] = '\0';
	/* Only a scheme some provider loads makes a URI; "ca:key.pem" is a file. */
	ERR_set_mark();
	loader = OSSL_STORE_LOADER_fetch(NULL, scheme, NULL);
	ERR_pop_to_mark();
	if (loader == NULL)
		return key;
	OSSL_STORE_LOADER_free(loader);
	return NULL;
}

const char *
signer_key_name(const char *key, char *out, size_t outlen)
{
	const char	*pin, *rest = key;
	size_t		 len = 0;

	/* RFC 7512 2.3: a PKCS#11 URI may carry its PIN in pin-value. */
	if (strstr(key, "pin-value=") == NULL)
		return key;
	out[0] = '\0';
	while ((pin = strstr(rest, "pin-value=")) != NULL && len < outlen) {
		len += (size_t)snprintf(out + len, outlen - len, "%.*s***",
		    (int)(pin + 10 - rest), rest);
		rest = pin + 10 + strcspn(pin + 10, "&;");
	}
	if (len < outlen)
		snprintf(out + len, outlen - len, "%s", rest);
	return out;
}

/* For a plain path or file: URI, the file must be a readable regular file. */
static int
signer_check_file(const char *uri, const char *name, struct diag *d)
{
	const char	*path, *base;
	struct stat	 st;
	FILE		*f;

	if ((path = signer_key_file(uri)) == NULL)
		return 0;	/* pkcs11: and other stores */
	if (stat(path, &st) == -1) {
		/* Made a path, relative to the configuration, for want of a loader. */
		base = strrchr(path, '/');
		diag_add(d, "%s: cannot open CA key: %s%s", name, strerror(errno),
		    signer_scheme_len(base != NULL ? base + 1 : path) > 0 ?
		    " (and no OpenSSL store loader knows its scheme: is the "
		    "provider configured?)" : "");
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		diag_add(d, "%s: CA key is a directory, not a file", name);
		return -1;
	}
	if ((f = fopen(path, "r")) == NULL) {
		diag_add(d, "%s: cannot open CA key: %s", name, strerror(errno));
		return -1;
	}
	fclose(f);
	return 0;
}

struct signer *
signer_open(const char *uri, struct diag *d)
{
	OSSL_STORE_CTX	*store = NULL;
	OSSL_STORE_INFO	*info;
	struct signer	*s = NULL;
	EVP_PKEY	*key = NULL;
	char		 name_buf[512];
	const char	*name = signer_key_name(uri, name_buf, sizeof(name_buf));

	/*
	 * A file first, to report what is wrong with it plainly; OSSL_STORE
	 * would also read a directory as a list of files, which a key is not.
	 */
	if (signer_check_file(uri, name, d) == -1)
		goto out;
	/* No UI: an encrypted key must fail here, not prompt a worker. */
	store = OSSL_STORE_open(uri, UI_null(), NULL, NULL, NULL);
	if (store == NULL) {
		diag_add_ssl(d, "%s: cannot open CA key", name);
		goto out;
	}
	while (key == NULL && !OSSL_STORE_eof(store)) {
		if ((info = OSSL_STORE_load(store)) == NULL)
			break;
		if (OSSL_STORE_INFO_get_type(info) == OSSL_STORE_INFO_PKEY)
			key = OSSL_STORE_INFO_get1_PKEY(info);
		OSSL_STORE_INFO_free(info);
	}
	if (key == NULL) {
		diag_add_ssl(d, "%s: no usable private key (encrypted keys are not supported)",
		    name);
		goto out;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		diag_add(d, "%s: out of memory", name);
		EVP_PKEY_free(key);
		goto out;
	}
	s->key = key;
	s->md = signer_pick_digest(key);
	s->proto = signer_new_ctx(key, s->md);
out:
	ERR_clear_error();
	OSSL_STORE_close(store);
	return s;
}

void
signer_free(struct signer *s)
{
	if (s == NULL)
		return;
	EVP_MD_CTX_free(s->proto);
	EVP_PKEY_free(s->key);
	free(s);
}

int
signer_matches(const struct signer *s, X509 *cert)
{
	int ok = X509_check_private_key(cert, s->key) == 1;

	ERR_clear_error();
	return ok;
}

int
signer_sign_cert(const struct signer *s, X509 *cert)
{
	EVP_MD_CTX	*ctx;
	int		 ok = 0;

	if (s->proto != NULL && (ctx = EVP_MD_CTX_new()) != NULL) {
		ok = EVP_MD_CTX_copy_ex(ctx, s->proto) == 1 &&
		    X509_sign_ctx(cert, ctx) > 0;
		EVP_MD_CTX_free(ctx);
	}
	/* A context set up anew, as the prototype was (same salt rule). */
	if (!ok && (ctx = signer_new_ctx(s->key, s->md)) != NULL) {
		ok = X509_sign_ctx(cert, ctx) > 0;
		EVP_MD_CTX_free(ctx);
	}
	ERR_clear_error();
	return ok ? 0 : -1;
}

void
signer_describe(const struct signer *s, char *out, size_t outlen)
{
	char	 group[64] = "";
	size_t	 glen = 0;

	if (EVP_PKEY_get_base_id(s->key) == EVP_PKEY_EC)
		EVP_PKEY_get_utf8_string_param(s->key, OSSL_PKEY_PARAM_GROUP_NAME,
		    group, sizeof(group), &glen);
	snprintf(out, outlen, "%s%s%s %d bits, signing with %s",
	    EVP_PKEY_get0_type_name(s->key), group[0] ? " " : "", group,
	    EVP_PKEY_get_bits(s->key), s->md != NULL ? EVP_MD_get0_name(s->md) :
	    "the key's own hash");
}
