/* signer: the CA private key and the one thing done with it. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
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

/* The digest that matches the key's strength, as CAs conventionally pick it. */
static const EVP_MD *
signer_pick_digest(EVP_PKEY *key)
{
	char	 group[64];
	size_t	 glen = 0;

	switch (EVP_PKEY_get_base_id(key)) {
	case EVP_PKEY_ED25519:
	case EVP_PKEY_ED448:
		return NULL;
	case EVP_PKEY_EC:
		if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME,
		    group, sizeof(group), &glen)) {
			if (strcmp(group, "secp384r1") == 0)
				return EVP_sha384();
			if (strcmp(group, "secp521r1") == 0)
				return EVP_sha512();
		}
		return EVP_sha256();
	default:
		return EVP_sha256();
	}
}

/* For a plain path or file: URI, the file must be a readable regular file. */
static int
signer_check_file(const char *uri, struct diag *d)
{
	const char	*path = uri;
	struct stat	 st;
	FILE		*f;

	if (strncmp(uri, "file://", 7) == 0)
		path = uri + 7;
	else if (strncmp(uri, "file:", 5) == 0)
		path = uri + 5;
	else if (strchr(uri, ':') != NULL && uri[0] != '/')
		return 0;	/* pkcs11: and other stores */
	if (stat(path, &st) == -1) {
		diag_add(d, "%s: cannot open CA key: %s", uri, strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		diag_add(d, "%s: CA key is a directory, not a file", uri);
		return -1;
	}
	if ((f = fopen(path, "r")) == NULL) {
		diag_add(d, "%s: cannot open CA key: %s", uri, strerror(errno));
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

	/*
	 * A file first, to report what is wrong with it plainly; OSSL_STORE
	 * would also read a directory as a list of files, which a key is not.
	 */
	if (signer_check_file(uri, d) == -1)
		goto out;
	/* No UI: an encrypted key must fail here, not prompt a worker. */
	store = OSSL_STORE_open(uri, UI_null(), NULL, NULL, NULL);
	if (store == NULL) {
		diag_add_ssl(d, "%s: cannot open CA key", uri);
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
		    uri);
		goto out;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		diag_add(d, "%s: out of memory", uri);
		EVP_PKEY_free(key);
		goto out;
	}
	s->key = key;
	s->md = signer_pick_digest(key);
	if ((s->proto = EVP_MD_CTX_new()) != NULL &&
	    EVP_DigestSignInit(s->proto, NULL, s->md, NULL, key) != 1) {
		EVP_MD_CTX_free(s->proto);
		s->proto = NULL;
	}
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
	if (!ok && X509_sign(cert, s->key, s->md) <= 0) {
		ERR_clear_error();
		return -1;
	}
	ERR_clear_error();
	return 0;
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
