/*
 * csr: parses a DER PKCS#10 request and verifies its signature, then
 * describes what it asks for. It decides nothing: policy.c does.
 */
#ifndef EST_CSR_H
#define EST_CSR_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/x509.h>
#include <openssl/x509v3.h>

#define CSR_MAX_CHALLENGE	255	/* PKCS#9: up to 255 characters */

enum csr_status {
	CSR_OK,
	CSR_MALFORMED,		/* not DER PKCS#10, trailing bytes, bad extensions */
	CSR_BAD_SIGNATURE,
	CSR_NOMEM,
	CSR_STATUS_MAX
};

struct csr_info {
	X509_REQ	*req;
	EVP_PKEY	*pkey;		/* borrowed from req, or own_pkey */
	EVP_PKEY	*own_pkey;	/* the key, when imported without req's decoder */
	int		 key_type;	/* EVP_PKEY_RSA, EVP_PKEY_EC, ... */
	int		 key_bits;
	int		 curve_nid;	/* NID_undef unless EC */
	int		 ec_explicit;	/* EC parameters spelled out, not a named curve */
	const X509_NAME	*subject;	/* borrowed from req */
	GENERAL_NAMES	*san;		/* NULL when the CSR asks for none */
	int		 san_critical;
	size_t		 n_san;
	size_t		 n_extensions;	/* requested extensions, SAN included */
	int		 sig_digest_nid;	/* hash of the CSR's signature, NID_undef if none */
	int		 has_challenge_password;
	char		 challenge_password[CSR_MAX_CHALLENGE + 1];	/* a secret: never log */
	size_t		 challenge_password_len;
	int		 has_change_subject_name;
};

/* On anything but CSR_OK, info holds nothing and reason says why. */
enum csr_status csr_parse(const uint8_t *der, size_t len, struct csr_info *info,
	    char *reason, size_t reasonlen);
void	csr_info_free(struct csr_info *);
/* Frees what csr_parse keeps between calls (per-curve key templates). */
void	csr_cleanup(void);
/* "RSA-2048", "EC P-256", "ED25519"... */
void	csr_key_describe(const struct csr_info *, char *out, size_t outlen);

#endif
