/* csr: parse, verify and describe a PKCS#10 request. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>

#include "est/csr.h"

/* id-cmc-changeSubjectName, 1.3.6.1.5.5.7.7.36 (RFC 6402 2.8), as DER content. */
static const unsigned char csr_oid_change_subject_name[] = {
	0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x07, 0x24
};

static int
csr_is_change_subject_name(const ASN1_OBJECT *obj)
{
	return OBJ_length(obj) == sizeof(csr_oid_change_subject_name) &&
	    memcmp(OBJ_get0_data(obj), csr_oid_change_subject_name,
	    sizeof(csr_oid_change_subject_name)) == 0;
}

void
csr_info_free(struct csr_info *info)
{
	X509_REQ_free(info->req);
	GENERAL_NAMES_free(info->san);
	OPENSSL_cleanse(info, sizeof(*info));
}

static int
csr_curve_nid(EVP_PKEY *pkey)
{
	char	 group[64];
	size_t	 glen = 0;
	int	 nid;

	if (!EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME,
	    group, sizeof(group), &glen))
		return NID_undef;
	if ((nid = OBJ_sn2nid(group)) == NID_undef)
		nid = EC_curve_nist2nid(group);
	return nid;
}

/*
 * An EC SubjectPublicKeyInfo must name its curve (RFC 5480 2.1.1): OpenSSL
 * matches spelled-out parameters to a named curve, and the copied SPKI
 * would carry them into the certificate.
 */
static int
csr_ec_explicit(X509_REQ *req)
{
	X509_ALGOR	*alg = NULL;
	int		 ptype = V_ASN1_UNDEF;

	if (!X509_PUBKEY_get0_param(NULL, NULL, NULL, &alg,
	    X509_REQ_get_X509_PUBKEY(req)) || alg == NULL)
		return 1;
	X509_ALGOR_get0(NULL, &ptype, NULL, alg);
	return ptype != V_ASN1_OBJECT;
}

/* Requested extensions: count them and keep the subjectAltName. */
static enum csr_status
csr_read_extensions(struct csr_info *info, char *reason, size_t reasonlen)
{
	STACK_OF(X509_EXTENSION)	*exts;
	X509_EXTENSION			*ext;
	enum csr_status			 rc = CSR_OK;
	int				 i;

	exts = X509_REQ_get_extensions(info->req);
	if (exts == NULL) {
		if (X509_REQ_get_attr_by_NID(info->req, NID_ext_req, -1) >= 0) {
			snprintf(reason, reasonlen,
			    "CSR extensionRequest attribute does not decode");
			return CSR_MALFORMED;
		}
		return CSR_OK;
	}
	info->n_extensions = (size_t)sk_X509_EXTENSION_num(exts);
	for (i = 0; i < sk_X509_EXTENSION_num(exts); i++) {
		ext = sk_X509_EXTENSION_value(exts, i);
		if (OBJ_obj2nid(X509_EXTENSION_get_object(ext)) !=
		    NID_subject_alt_name)
			continue;
		if (info->san != NULL) {
			snprintf(reason, reasonlen,
			    "CSR requests subjectAltName twice");
			rc = CSR_MALFORMED;
			break;
		}
		if ((info->san = X509V3_EXT_d2i(ext)) == NULL) {
			snprintf(reason, reasonlen,
			    "CSR subjectAltName does not decode");
			rc = CSR_MALFORMED;
			break;
		}
		info->san_critical = X509_EXTENSION_get_critical(ext);
		info->n_san = (size_t)sk_GENERAL_NAME_num(info->san);
	}
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	return rc;
}

/* The challengePassword value: one DirectoryString (RFC 2985 5.4.1). */
static void
csr_read_challenge(struct csr_info *info, X509_ATTRIBUTE *attr)
{
	ASN1_TYPE	*v;
	size_t		 len;

	info->has_challenge_password = 1;
	if (X509_ATTRIBUTE_count(attr) != 1 ||
	    (v = X509_ATTRIBUTE_get0_type(attr, 0)) == NULL)
		return;
	switch (v->type) {
	case V_ASN1_PRINTABLESTRING:
	case V_ASN1_UTF8STRING:
	case V_ASN1_IA5STRING:
	case V_ASN1_T61STRING:
		len = (size_t)ASN1_STRING_length(v->value.asn1_string);
		if (len == 0 || len > CSR_MAX_CHALLENGE)
			return;
		memcpy(info->challenge_password,
		    ASN1_STRING_get0_data(v->value.asn1_string), len);
		info->challenge_password[len] = '\0';
		info->challenge_password_len = len;
		break;
	default:
		break;
	}
}

static void
csr_read_attributes(struct csr_info *info)
{
	X509_ATTRIBUTE	*attr;
	ASN1_OBJECT	*obj;
	int		 i;

	for (i = 0; i < X509_REQ_get_attr_count(info->req); i++) {
		attr = X509_REQ_get_attr(info->req, i);
		obj = X509_ATTRIBUTE_get0_object(attr);
		if (OBJ_obj2nid(obj) == NID_pkcs9_challengePassword)
			csr_read_challenge(info, attr);
		else if (csr_is_change_subject_name(obj))
			info->has_change_subject_name = 1;
	}
}

static int
csr_sig_digest(const X509_REQ *req)
{
	const X509_ALGOR	*alg = NULL;
	const ASN1_OBJECT	*obj;
	int			 md = NID_undef, pk = NID_undef;

	X509_REQ_get0_signature(req, NULL, &alg);
	if (alg == NULL)
		return NID_undef;
	X509_ALGOR_get0(&obj, NULL, NULL, alg);
	if (!OBJ_find_sigid_algs(OBJ_obj2nid(obj), &md, &pk))
		return NID_undef;
	return md;
}

enum csr_status
csr_parse(const uint8_t *der, size_t len, struct csr_info *info,
    char *reason, size_t reasonlen)
{
	const unsigned char	*p = der;
	enum csr_status		 rc = CSR_MALFORMED;

	memset(info, 0, sizeof(*info));
	if (len == 0 || len > (size_t)INT32_MAX) {
		snprintf(reason, reasonlen, "CSR is empty");
		goto out;
	}
	if ((info->req = d2i_X509_REQ(NULL, &p, (long)len)) == NULL) {
		snprintf(reason, reasonlen, "body is not a DER PKCS#10 request");
		goto out;
	}
	if (p != der + len) {
		snprintf(reason, reasonlen, "%zu bytes of trailing data after the CSR",
		    len - (size_t)(p - der));
		goto out;
	}
	/* PKCS#10 v1 is the only version there is (RFC 2986 4.1). */
	if (X509_REQ_get_version(info->req) != X509_REQ_VERSION_1) {
		snprintf(reason, reasonlen, "CSR version %ld is not 1",
		    X509_REQ_get_version(info->req) + 1);
		goto out;
	}
	if ((info->pkey = X509_REQ_get0_pubkey(info->req)) == NULL) {
		snprintf(reason, reasonlen, "CSR public key does not decode");
		goto out;
	}
	if (X509_REQ_verify(info->req, info->pkey) != 1) {
		snprintf(reason, reasonlen, "CSR signature does not verify");
		rc = CSR_BAD_SIGNATURE;
		goto out;
	}
	info->key_type = EVP_PKEY_get_base_id(info->pkey);
	info->key_bits = EVP_PKEY_get_bits(info->pkey);
	info->curve_nid = info->key_type == EVP_PKEY_EC ?
	    csr_curve_nid(info->pkey) : NID_undef;
	info->ec_explicit = info->key_type == EVP_PKEY_EC && csr_ec_explicit(info->req);
	info->subject = X509_REQ_get_subject_name(info->req);
	info->sig_digest_nid = csr_sig_digest(info->req);
	if ((rc = csr_read_extensions(info, reason, reasonlen)) != CSR_OK)
		goto out;
	csr_read_attributes(info);
	rc = CSR_OK;
out:
	ERR_clear_error();
	if (rc != CSR_OK)
		csr_info_free(info);
	return rc;
}

void
csr_key_describe(const struct csr_info *info, char *out, size_t outlen)
{
	const char *curve;

	switch (info->key_type) {
	case EVP_PKEY_RSA:
	case EVP_PKEY_RSA_PSS:
		snprintf(out, outlen, "RSA-%d", info->key_bits);
		break;
	case EVP_PKEY_EC:
		curve = info->curve_nid != NID_undef ?
		    EC_curve_nid2nist(info->curve_nid) : NULL;
		if (curve == NULL && info->curve_nid != NID_undef)
			curve = OBJ_nid2sn(info->curve_nid);
		snprintf(out, outlen, "EC %s", curve != NULL ? curve : "(unknown curve)");
		break;
	default:
		snprintf(out, outlen, "%s", OBJ_nid2sn(info->key_type));
		break;
	}
}
