/*
 * testpki: an in-memory PKI for the unit tests. Keys, certificates and
 * CSRs are generated with the OpenSSL 3 API at test time (no private key
 * is ever stored in the repository), and written as PEM into a mkdtemp()
 * directory under /tmp only when a module reads files (config, issuer,
 * service, core).
 */
#ifndef TESTPKI_H
#define TESTPKI_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <check.h>

#include "est/buf.h"
#include "est/config.h"
#include "est/diag.h"

#define TP_PATH_MAX	512

enum tp_key_type {
	TP_EC_P256,
	TP_EC_P384,
	TP_EC_SECP256K1,
	TP_EC_P521,
	TP_RSA_1024,
	TP_RSA_2048,
	TP_ED25519,
	TP_RSA_PSS_2048,	/* an RSASSA-PSS key (RFC 4055), no restrictions */
	TP_KEY_TYPE_MAX
};

/*
 * A new key. RSA keys are slow to generate, so each RSA size is generated
 * once per process and shared (a new reference each call): call
 * tp_preload_rsa() in main() before forking test cases, and tp_cleanup()
 * at the end. Every key returned must be freed with EVP_PKEY_free.
 */
EVP_PKEY	*tp_key(enum tp_key_type);
void		 tp_preload_rsa(void);
void		 tp_cleanup(void);

/* What a certificate says. Zero values mean the defaults documented here. */
struct tp_cert_spec {
	const char	*cn;		/* subject CN (NULL: none) */
	const char	*o;		/* subject O (NULL: none) */
	time_t		 not_before;	/* 0: now - 1 hour */
	time_t		 not_after;	/* 0: now + 30 days */
	int		 ca;		/* basicConstraints critical, CA:TRUE */
	int		 no_bc;		/* no basicConstraints at all */
	const char	*ku;		/* keyUsage, OpenSSL conf syntax, NULL: none */
	const char	*eku;		/* extendedKeyUsage, NULL: none */
	const char	*san;		/* subjectAltName, e.g. "DNS:a,IP:1.2.3.4" */
	int		 no_ski;	/* no subjectKeyIdentifier */
	long		 serial;	/* 0: a counter */
};

/* issuer == NULL: self-signed with key. Returns a new X509 or aborts. */
X509		*tp_cert(const struct tp_cert_spec *, EVP_PKEY *key, X509 *issuer,
		    EVP_PKEY *issuer_key);
/* A self-signed CA: CA:TRUE, keyUsage keyCertSign+cRLSign, SKI, valid
 * from a year ago for ten years. */
X509		*tp_ca(EVP_PKEY *key, const char *cn);
/* A client certificate for TLS client auth (digitalSignature, clientAuth). */
X509		*tp_client(EVP_PKEY *key, const char *cn, X509 *ca, EVP_PKEY *ca_key);

/* What a CSR asks for. */
struct tp_csr_spec {
	const char	*cn;		/* both NULL: an empty subject */
	const char	*o;
	const char	*cn2;		/* a second commonName, after the others */
	const char	*cn_bmp;	/* a commonName as BMPString (ASCII text) */
	const char	*email;		/* a subject emailAddress */
	const char	*san;		/* subjectAltName, OpenSSL conf syntax */
	int		 san_twice;	/* the SAN extension requested twice */
	int		 san_garbage;	/* a SAN extension whose value does not decode */
	int		 bc_ca;		/* requests basicConstraints CA:TRUE */
	const char	*ns_comment;	/* requests an nsComment extension */
	const char	*challenge_password;
	int		 change_subject_name;	/* id-cmc-changeSubjectName attribute */
	int		 bad_ext_request;	/* extensionRequest that is an INTEGER */
	int		 corrupt_signature;	/* flip a bit of the signature */
	const char	*digest;	/* signature hash, e.g. "SHA1"; NULL: SHA-256 */
};

/* Signed CSR as a new X509_REQ (corrupt_signature is ignored here). */
X509_REQ	*tp_csr(EVP_PKEY *key, const struct tp_csr_spec *);
/* The DER of such a CSR appended to out, corruption applied. */
void		 tp_csr_der(EVP_PKEY *key, const struct tp_csr_spec *, struct buf *out);

/* PEM text (malloc'd, NUL-terminated) of a certificate or a CSR. */
char		*tp_cert_pem(X509 *);
char		*tp_der_to_pem(const char *label, const uint8_t *der, size_t len);
/* DER of a certificate appended to out. */
void		 tp_cert_der(X509 *, struct buf *out);

/* A fresh mkdtemp() directory under /tmp; tp_rmtree removes it. */
void		 tp_mkdtemp(char dir[TP_PATH_MAX]);
void		 tp_rmtree(const char *dir);
void		 tp_path(char out[TP_PATH_MAX], const char *dir, const char *name);
void		 tp_write_file(const char *dir, const char *name, const void *data,
		    size_t len, mode_t mode);
void		 tp_write_str(const char *dir, const char *name, const char *text);
void		 tp_write_certs(const char *dir, const char *name, X509 *const *certs,
		    size_t n);
/* Unencrypted PKCS#8 PEM, mode 0600 (or an encrypted one with pass). */
void		 tp_write_key(const char *dir, const char *name, EVP_PKEY *);
void		 tp_write_key_encrypted(const char *dir, const char *name,
		    EVP_PKEY *, const char *pass);

/* An executable (mode 0755) shell script; text is written as given. */
void		 tp_write_script(const char *dir, const char *name, const char *text);

/*
 * A crypt(3) hash of password with a fresh salt for prefix ("$2y$",
 * "$y$", "$6$"...), generated with libcrypt; malloc'd.
 */
char		*tp_crypt(const char *prefix, const char *password);

/* A file of tests/unit/data, appended to out. */
void		 tp_read_data(const char *name, struct buf *out);

/* The time an ASN1_TIME stands for. */
time_t		 tp_time(const ASN1_TIME *);

/* Redirects stderr to a file in dir until tp_capture_end (malloc'd text). */
void		 tp_capture_begin(const char *dir);
char		*tp_capture_end(void);

/*
 * An estd installation in a temp dir: ca.key (0600) and ca.pem for an EC
 * P-256 CA "EST Test CA", trust/boot-ca.pem for an external "Bootstrap CA"
 * whose clients may enroll, and estd.conf naming them (relative paths)
 * followed by extra_conf.
 */
struct tp_env {
	char			 dir[TP_PATH_MAX];
	char			 conf[TP_PATH_MAX];
	EVP_PKEY		*ca_key;
	X509			*ca;
	EVP_PKEY		*boot_key;
	X509			*boot_ca;
	struct est_config	 cfg;
};

void		 tp_env_init(struct tp_env *);
/* (Re)writes estd.conf with extra_conf appended and loads it into env->cfg. */
int		 tp_env_config(struct tp_env *, const char *extra_conf, struct diag *);
void		 tp_env_free(struct tp_env *);

/* Runs a suite (forking per test), frees the shared keys, returns the exit status. */
int		 tp_run(Suite *);

#endif
