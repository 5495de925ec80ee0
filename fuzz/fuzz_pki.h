/*
 * fuzz_pki: what the libFuzzer harnesses share. A small PKI generated in
 * memory at start-up (EC P-256 only, no key ever leaves the process except
 * into a mkdtemp() directory that is removed right after loading), and a
 * quiet log. No Check, no FastCGI: links with the EST core alone.
 */
#ifndef FUZZ_PKI_H
#define FUZZ_PKI_H

#include <stddef.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

/* Subject of the client certificates below, and of the seed CSRs that
 * fuzz/make-seeds.sh writes for simplereenroll (renewal needs a match). */
#define FZ_CLIENT_CN	"fuzz-client"
#define FZ_CLIENT_O	"estd fuzz"
#define FZ_CLIENT_SAN	"DNS:fuzz-client.example.org"

struct fz_cert_spec {
	const char	*cn;
	const char	*o;
	const char	*san;		/* OpenSSL conf syntax, NULL: none */
	int		 ca;		/* CA:TRUE, keyCertSign */
	long		 not_before;	/* seconds from now */
	long		 not_after;	/* seconds from now */
};

/* Aborts on failure: a harness without its PKI is useless. */
EVP_PKEY	*fz_key_p256(void);
X509		*fz_cert(const struct fz_cert_spec *, EVP_PKEY *key,
		    X509 *issuer, EVP_PKEY *issuer_key);
void		 fz_write_cert(const char *path, X509 *);
void		 fz_write_key(const char *path, EVP_PKEY *);
void		 fz_write_text(const char *path, const void *, size_t);
/* PEM text of cert, malloc()ed and NUL-terminated. */
char		*fz_cert_pem(X509 *, size_t *len);
/* A new directory under $TMPDIR (or /tmp); fz_rmtree removes it again. */
char		*fz_mkdtemp(const char *tag);
void		 fz_rmtree(const char *dir);
/* The log threshold at "error": nothing the harnesses call logs there. */
void		 fz_quiet(void);
void		 fz_die(const char *what) __attribute__((noreturn));

#endif
