/* certgen: build and sign a certificate from an accepted CSR and a plan. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "est/certgen.h"

static int
certgen_serial(X509 *x)
{
	unsigned char	 raw[CERTGEN_SERIAL_BYTES];
	BIGNUM		*bn = NULL;
	ASN1_INTEGER	*serial = NULL;
	int		 rc = -1;

	/* Random and positive (top bit clear); retry the impossible zero. */
	do {
		if (RAND_bytes(raw, sizeof(raw)) != 1)
			return -1;
		raw[0] &= 0x7f;
	} while (raw[0] == 0 && raw[1] == 0);
	if ((bn = BN_bin2bn(raw, sizeof(raw), NULL)) == NULL ||
	    (serial = BN_to_ASN1_INTEGER(bn, NULL)) == NULL)
		goto out;
	if (X509_set_serialNumber(x, serial))
		rc = 0;
out:
	ASN1_INTEGER_free(serial);
	BN_free(bn);
	return rc;
}

static int
certgen_validity(X509 *x, const struct issue_plan *plan)
{
	if (ASN1_TIME_set(X509_getm_notBefore(x), plan->not_before) == NULL ||
	    ASN1_TIME_set(X509_getm_notAfter(x), plan->not_after) == NULL)
		return -1;
	return 0;
}

static int
certgen_basic_constraints(X509 *x)
{
	BASIC_CONSTRAINTS	*bc;
	int			 rc = -1;

	if ((bc = BASIC_CONSTRAINTS_new()) == NULL)
		return -1;
	bc->ca = 0;	/* never a CA, whatever the CSR asked for */
	if (X509_add1_ext_i2d(x, NID_basic_constraints, bc, 1, X509V3_ADD_REPLACE) == 1)
		rc = 0;
	BASIC_CONSTRAINTS_free(bc);
	return rc;
}

static int
certgen_key_usage(X509 *x, unsigned ku)
{
	ASN1_BIT_STRING	*bits;
	int		 n, rc = -1;

	if (ku == 0)
		return 0;
	if ((bits = ASN1_BIT_STRING_new()) == NULL)
		return -1;
	/* KU_* masks: bit n of the BIT STRING is 0x80 >> n, decipherOnly is 0x8000. */
	for (n = 0; n < 8; n++)
		if ((ku & (0x80u >> n)) && !ASN1_BIT_STRING_set_bit(bits, n, 1))
			goto out;
	if ((ku & KU_DECIPHER_ONLY) && !ASN1_BIT_STRING_set_bit(bits, 8, 1))
		goto out;
	if (X509_add1_ext_i2d(x, NID_key_usage, bits, 1, X509V3_ADD_REPLACE) == 1)
		rc = 0;
out:
	ASN1_BIT_STRING_free(bits);
	return rc;
}

static int
certgen_ext_key_usage(X509 *x, const int *nids, size_t n)
{
	EXTENDED_KEY_USAGE	*eku;
	ASN1_OBJECT		*obj;
	size_t			 i;
	int			 rc = -1;

	if (n == 0)
		return 0;
	if ((eku = sk_ASN1_OBJECT_new_null()) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		if ((obj = OBJ_nid2obj(nids[i])) == NULL ||
		    !sk_ASN1_OBJECT_push(eku, obj))
			goto out;
	}
	if (X509_add1_ext_i2d(x, NID_ext_key_usage, eku, 0, X509V3_ADD_REPLACE) == 1)
		rc = 0;
out:
	/* OBJ_nid2obj returns static objects; freeing them is a no-op. */
	sk_ASN1_OBJECT_pop_free(eku, ASN1_OBJECT_free);
	return rc;
}

static int
certgen_key_ids(X509 *x, const struct issuer *is)
{
	ASN1_OCTET_STRING	*skid = NULL;
	AUTHORITY_KEYID		*akid = NULL;
	unsigned char		 md[EVP_MAX_MD_SIZE];
	unsigned int		 mdlen;
	int			 rc = -1;

	/* RFC 5280 4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits. */
	if (!X509_pubkey_digest(x, EVP_sha1(), md, &mdlen) ||
	    (skid = ASN1_OCTET_STRING_new()) == NULL ||
	    !ASN1_OCTET_STRING_set(skid, md, (int)mdlen) ||
	    X509_add1_ext_i2d(x, NID_subject_key_identifier, skid, 0,
	    X509V3_ADD_REPLACE) != 1)
		goto out;
	if ((akid = AUTHORITY_KEYID_new()) == NULL ||
	    (akid->keyid = ASN1_OCTET_STRING_dup(is->key_id)) == NULL ||
	    X509_add1_ext_i2d(x, NID_authority_key_identifier, akid, 0,
	    X509V3_ADD_REPLACE) != 1)
		goto out;
	rc = 0;
out:
	ASN1_OCTET_STRING_free(skid);
	AUTHORITY_KEYID_free(akid);
	return rc;
}

static int
certgen_san(X509 *x, const struct csr_info *csr)
{
	int critical;

	if (csr->san == NULL || csr->n_san == 0)
		return 0;
	/* RFC 5280 4.2.1.6: critical when the subject is empty. */
	critical = X509_NAME_entry_count(csr->subject) == 0;
	if (X509_add1_ext_i2d(x, NID_subject_alt_name, csr->san, critical,
	    X509V3_ADD_REPLACE) != 1)
		return -1;
	return 0;
}

/*
 * The CSR's public key bits, copied as they are. X509_set_pubkey would
 * re-encode the decoded key, which costs more than the CA signature; the
 * bits are the ones whose signature csr_parse verified.
 */
static int
certgen_copy_spki(X509 *x, const struct csr_info *csr)
{
	X509_PUBKEY		*src, *dst;
	const ASN1_OBJECT	*alg;
	const unsigned char	*bits;
	unsigned char		*bits_copy = NULL;
	X509_ALGOR		*algor;
	const void		*pval;
	void			*pval_copy = NULL;
	int			 ptype, bitslen;

	if ((src = X509_REQ_get_X509_PUBKEY(csr->req)) == NULL ||
	    (dst = X509_get_X509_PUBKEY(x)) == NULL ||
	    !X509_PUBKEY_get0_param(NULL, &bits, &bitslen, &algor, src) ||
	    bitslen <= 0)
		return -1;
	X509_ALGOR_get0(&alg, &ptype, &pval, algor);
	/*
	 * The parameters are written, not copied: NULL for rsaEncryption
	 * (RFC 3279 2.3.1), the named curve's OID for id-ecPublicKey (RFC 5480
	 * 2.1.1), so nothing the CSR chose beyond its key reaches the certificate.
	 */
	switch (OBJ_obj2nid(alg)) {
	case NID_rsaEncryption:
		if (csr->key_type != EVP_PKEY_RSA ||
		    (ptype != V_ASN1_NULL && ptype != V_ASN1_UNDEF))
			return -1;
		ptype = V_ASN1_NULL;
		break;
	case NID_X9_62_id_ecPublicKey:
		if (csr->key_type != EVP_PKEY_EC || ptype != V_ASN1_OBJECT ||
		    OBJ_obj2nid(pval) != csr->curve_nid ||
		    (pval_copy = OBJ_dup(pval)) == NULL)
			return -1;
		break;
	default:
		return -1;
	}
	if ((bits_copy = OPENSSL_memdup(bits, (size_t)bitslen)) == NULL)
		goto fail;
	if (!X509_PUBKEY_set0_param(dst, OBJ_dup(alg), ptype, pval_copy,
	    bits_copy, bitslen))
		goto fail;
	return 0;
fail:
	OPENSSL_free(bits_copy);
	ASN1_OBJECT_free(pval_copy);
	return -1;
}

X509 *
certgen_issue(const struct issuer *is, const struct csr_info *csr,
    const struct issue_plan *plan, char *reason, size_t reasonlen)
{
	X509		*x;
	const char	*step = "out of memory";

	if ((x = X509_new()) == NULL)
		goto fail;
	step = "setting serial, names and validity";
	if (!X509_set_version(x, X509_VERSION_3) ||
	    certgen_serial(x) == -1 ||
	    !X509_set_issuer_name(x, X509_get_subject_name(is->cert)) ||
	    !X509_set_subject_name(x, csr->subject) ||
	    certgen_validity(x, plan) == -1)
		goto fail;
	step = "setting the public key";
	if (certgen_copy_spki(x, csr) == -1)
		goto fail;
	step = "adding extensions";
	if (certgen_basic_constraints(x) == -1 ||
	    certgen_key_usage(x, plan->key_usage) == -1 ||
	    certgen_ext_key_usage(x, plan->eku_nids, plan->n_eku) == -1 ||
	    certgen_key_ids(x, is) == -1 ||
	    certgen_san(x, csr) == -1)
		goto fail;
	step = "signing";
	if (signer_sign_cert(is->signer, x) == -1)
		goto fail;
	return x;
fail:
	ERR_clear_error();
	snprintf(reason, reasonlen, "certificate issuance failed: %s", step);
	X509_free(x);
	return NULL;
}
