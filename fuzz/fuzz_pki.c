/* fuzz_pki: an in-memory test PKI and helpers for the fuzz harnesses. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "est/log.h"

#include "fuzz_pki.h"

void
fz_die(const char *what)
{
	fprintf(stderr, "fuzz harness set-up: %s\n", what);
	ERR_print_errors_fp(stderr);
	abort();
}

void
fz_quiet(void)
{
	log_open("estd-fuzz", LOG_TARGET_STDERR, LOG_LEVEL_ERROR);
}

EVP_PKEY *
fz_key_p256(void)
{
	EVP_PKEY *key;

	if ((key = EVP_EC_gen("P-256")) == NULL)
		fz_die("EC key generation");
	return key;
}

static void
fz_add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX	 ctx;
	X509_EXTENSION	*ext;

	X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
	if ((ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value)) == NULL ||
	    !X509_add_ext(cert, ext, -1))
		fz_die("certificate extension");
	X509_EXTENSION_free(ext);
}

X509 *
fz_cert(const struct fz_cert_spec *spec, EVP_PKEY *key, X509 *issuer,
    EVP_PKEY *issuer_key)
{
	static long	 serial = 1;
	X509		*cert;
	X509_NAME	*name;

	if ((cert = X509_new()) == NULL || !X509_set_version(cert, X509_VERSION_3) ||
	    !ASN1_INTEGER_set(X509_get_serialNumber(cert), serial++) ||
	    X509_gmtime_adj(X509_getm_notBefore(cert), spec->not_before) == NULL ||
	    X509_gmtime_adj(X509_getm_notAfter(cert), spec->not_after) == NULL ||
	    !X509_set_pubkey(cert, key))
		fz_die("certificate");
	name = X509_get_subject_name(cert);
	if ((spec->o != NULL && !X509_NAME_add_entry_by_txt(name, "O",
	    MBSTRING_UTF8, (const unsigned char *)spec->o, -1, -1, 0)) ||
	    (spec->cn != NULL && !X509_NAME_add_entry_by_txt(name, "CN",
	    MBSTRING_UTF8, (const unsigned char *)spec->cn, -1, -1, 0)))
		fz_die("certificate subject");
	if (issuer == NULL) {
		issuer = cert;
		issuer_key = key;
	}
	if (!X509_set_issuer_name(cert, X509_get_subject_name(issuer)))
		fz_die("certificate issuer");
	fz_add_ext(cert, issuer, NID_subject_key_identifier, "hash");
	if (issuer != cert)
		fz_add_ext(cert, issuer, NID_authority_key_identifier, "keyid");
	if (spec->ca) {
		fz_add_ext(cert, issuer, NID_basic_constraints, "critical,CA:TRUE");
		fz_add_ext(cert, issuer, NID_key_usage, "critical,keyCertSign,cRLSign");
	} else {
		fz_add_ext(cert, issuer, NID_basic_constraints, "critical,CA:FALSE");
		fz_add_ext(cert, issuer, NID_key_usage, "critical,digitalSignature");
		fz_add_ext(cert, issuer, NID_ext_key_usage, "clientAuth");
	}
	if (spec->san != NULL)
		fz_add_ext(cert, issuer, NID_subject_alt_name, spec->san);
	if (!X509_sign(cert, issuer_key, EVP_sha256()))
		fz_die("certificate signature");
	return cert;
}

static FILE *
fz_fopen(const char *path, int mode)
{
	FILE	*fp;
	int	 fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode)) == -1 ||
	    (fp = fdopen(fd, "w")) == NULL)
		fz_die(path);
	return fp;
}

void
fz_write_cert(const char *path, X509 *cert)
{
	FILE *fp = fz_fopen(path, 0644);

	if (!PEM_write_X509(fp, cert) || fclose(fp) != 0)
		fz_die(path);
}

void
fz_write_key(const char *path, EVP_PKEY *key)
{
	FILE *fp = fz_fopen(path, 0600);

	if (!PEM_write_PrivateKey(fp, key, NULL, NULL, 0, NULL, NULL) ||
	    fclose(fp) != 0)
		fz_die(path);
}

void
fz_write_text(const char *path, const void *data, size_t len)
{
	FILE *fp = fz_fopen(path, 0644);

	if ((len > 0 && fwrite(data, 1, len, fp) != len) || fclose(fp) != 0)
		fz_die(path);
}

char *
fz_cert_pem(X509 *cert, size_t *lenp)
{
	BIO	*bio;
	char	*data, *out;
	long	 len;

	if ((bio = BIO_new(BIO_s_mem())) == NULL || !PEM_write_bio_X509(bio, cert))
		fz_die("PEM encoding");
	len = BIO_get_mem_data(bio, &data);
	if ((out = malloc((size_t)len + 1)) == NULL)
		fz_die("out of memory");
	memcpy(out, data, (size_t)len);
	out[len] = '\0';
	BIO_free(bio);
	if (lenp != NULL)
		*lenp = (size_t)len;
	return out;
}

char *
fz_mkdtemp(const char *tag)
{
	const char	*tmp = getenv("TMPDIR");
	char		*dir;
	size_t		 len;

	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	len = strlen(tmp) + strlen(tag) + 32;
	if ((dir = malloc(len)) == NULL)
		fz_die("out of memory");
	snprintf(dir, len, "%s/estd-%s.XXXXXX", tmp, tag);
	if (mkdtemp(dir) == NULL)
		fz_die("mkdtemp");
	return dir;
}

static int
fz_rm(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

void
fz_rmtree(const char *dir)
{
	nftw(dir, fz_rm, 16, FTW_DEPTH | FTW_PHYS);
}
