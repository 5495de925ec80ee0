/* csr: parse, verify and describe a PKCS#10 request. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <openssl/asn1t.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/rsa.h>

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
	EVP_PKEY_free(info->own_pkey);
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

/*
 * The hash of the CSR's signature. RSASSA-PSS names it in its parameters
 * (RFC 4055 3.1), SHA-1 when they leave it out; the MGF1 hash is not
 * what signature_digests is about.
 */
static int
csr_sig_digest(const X509_REQ *req)
{
	const X509_ALGOR	*alg = NULL;
	const ASN1_OBJECT	*obj;
	const void		*pval;
	RSA_PSS_PARAMS		*pss;
	int			 md = NID_undef, pk = NID_undef, ptype;

	X509_REQ_get0_signature(req, NULL, &alg);
	if (alg == NULL)
		return NID_undef;
	X509_ALGOR_get0(&obj, &ptype, &pval, alg);
	if (OBJ_obj2nid(obj) == NID_rsassaPss) {
		if (ptype != V_ASN1_SEQUENCE || (pss = ASN1_TYPE_unpack_sequence(
		    ASN1_ITEM_rptr(RSA_PSS_PARAMS), alg->parameter)) == NULL)
			return NID_undef;
		md = pss->hashAlgorithm == NULL ? NID_sha1 :
		    OBJ_obj2nid(pss->hashAlgorithm->algorithm);
		RSA_PSS_PARAMS_free(pss);
		return md;
	}
	if (!OBJ_find_sigid_algs(OBJ_obj2nid(obj), &md, &pk))
		return NID_undef;
	return md;
}

/*
 * The fast path. d2i_X509_REQ decodes the public key through OpenSSL 3.0's
 * generic decoder, which costs more than verifying the signature. For the
 * keys nearly every client sends (RSA, EC on a named curve) the request is
 * parsed here with a template that leaves the key as bytes, the key is
 * imported directly, the signature is verified over the original encoding,
 * and an X509_REQ is assembled from the parsed parts without decoding the
 * key again. Anything else, and any failure on the way, goes to the
 * complete path below, which then decides: the fast path can only make a
 * request cheaper, never accept one the complete path would refuse.
 */
typedef struct {
	X509_ALGOR		*algor;
	ASN1_BIT_STRING		*public_key;
} CSR_SPKI;

typedef struct {
	ASN1_ENCODING		 enc;	/* the bytes the signature covers */
	ASN1_INTEGER		*version;
	X509_NAME		*subject;
	CSR_SPKI		*spki;
	STACK_OF(X509_ATTRIBUTE) *attributes;
} CSR_INFO;

typedef struct {
	CSR_INFO		*info;
	X509_ALGOR		*sig_alg;
	ASN1_BIT_STRING		*signature;
} CSR_RAW;

typedef struct {
	ASN1_INTEGER		*n;
	ASN1_INTEGER		*e;
} CSR_RSA_KEY;

ASN1_SEQUENCE(CSR_SPKI) = {
	ASN1_SIMPLE(CSR_SPKI, algor, X509_ALGOR),
	ASN1_SIMPLE(CSR_SPKI, public_key, ASN1_BIT_STRING)
} static_ASN1_SEQUENCE_END(CSR_SPKI)

ASN1_SEQUENCE_enc(CSR_INFO, enc, NULL) = {
	ASN1_SIMPLE(CSR_INFO, version, ASN1_INTEGER),
	ASN1_SIMPLE(CSR_INFO, subject, X509_NAME),
	ASN1_SIMPLE(CSR_INFO, spki, CSR_SPKI),
	/* Optional, as OpenSSL's own X509_REQ_INFO: some encoders omit it. */
	ASN1_IMP_SET_OF_OPT(CSR_INFO, attributes, X509_ATTRIBUTE, 0)
} static_ASN1_SEQUENCE_END_ref(CSR_INFO, CSR_INFO)

ASN1_SEQUENCE(CSR_RAW) = {
	ASN1_SIMPLE(CSR_RAW, info, CSR_INFO),
	ASN1_SIMPLE(CSR_RAW, sig_alg, X509_ALGOR),
	ASN1_SIMPLE(CSR_RAW, signature, ASN1_BIT_STRING)
} static_ASN1_SEQUENCE_END(CSR_RAW)

ASN1_SEQUENCE(CSR_RSA_KEY) = {
	ASN1_SIMPLE(CSR_RSA_KEY, n, ASN1_INTEGER),
	ASN1_SIMPLE(CSR_RSA_KEY, e, ASN1_INTEGER)
} static_ASN1_SEQUENCE_END(CSR_RSA_KEY)

/* The key bits, whole bytes only. */
static int
csr_fast_bits(const ASN1_BIT_STRING *bs, const unsigned char **p, int *len)
{
	if ((bs->flags & ASN1_STRING_FLAG_BITS_LEFT) && (bs->flags & 0x07))
		return -1;
	*p = ASN1_STRING_get0_data(bs);
	*len = ASN1_STRING_length(bs);
	return *len > 0 ? 0 : -1;
}

static EVP_PKEY *
csr_fast_import(const char *type, OSSL_PARAM *params)
{
	EVP_PKEY_CTX	*ctx;
	EVP_PKEY	*pkey = NULL;

	if ((ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL)) == NULL)
		return NULL;
	if (EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) != 1)
		pkey = NULL;
	EVP_PKEY_CTX_free(ctx);
	return pkey;
}

/*
 * One public key per curve seen, kept to be copied: a copy given the new
 * point costs a quarter of building the key from parameters, which builds
 * the curve's group anew every time. Setting the point checks that it
 * lies on the curve, as building does. Per process; workers are
 * single-threaded.
 */
#define CSR_EC_TEMPLATES	4
static struct {
	int		 nid;
	EVP_PKEY	*pkey;
} csr_ec_templates[CSR_EC_TEMPLATES];

static EVP_PKEY *
csr_ec_from_template(int nid, const unsigned char *bits, int len)
{
	EVP_PKEY	*pkey;

	for (size_t i = 0; i < CSR_EC_TEMPLATES; i++) {
		if (csr_ec_templates[i].pkey == NULL ||
		    csr_ec_templates[i].nid != nid)
			continue;
		if ((pkey = EVP_PKEY_dup(csr_ec_templates[i].pkey)) != NULL &&
		    EVP_PKEY_set1_encoded_public_key(pkey, bits,
		    (size_t)len) == 1)
			return pkey;
		EVP_PKEY_free(pkey);
		return NULL;
	}
	return NULL;
}

static void
csr_ec_keep_template(int nid, const EVP_PKEY *pkey)
{
	for (size_t i = 0; i < CSR_EC_TEMPLATES; i++)
		if (csr_ec_templates[i].pkey == NULL) {
			if ((csr_ec_templates[i].pkey = EVP_PKEY_dup(
			    (EVP_PKEY *)pkey)) != NULL)
				csr_ec_templates[i].nid = nid;
			return;
		}
}

static int
csr_ec_has_template(int nid)
{
	for (size_t i = 0; i < CSR_EC_TEMPLATES; i++)
		if (csr_ec_templates[i].pkey != NULL &&
		    csr_ec_templates[i].nid == nid)
			return 1;
	return 0;
}

void
csr_cleanup(void)
{
	for (size_t i = 0; i < CSR_EC_TEMPLATES; i++) {
		EVP_PKEY_free(csr_ec_templates[i].pkey);
		csr_ec_templates[i].pkey = NULL;
	}
}

/* EC on a named curve: the point is checked to lie on the curve. */
static EVP_PKEY *
csr_fast_ec(int ptype, const void *pval, const unsigned char *bits, int len)
{
	OSSL_PARAM	 params[3];
	EVP_PKEY	*pkey;
	const char	*group;
	int		 nid;

	if (ptype != V_ASN1_OBJECT ||
	    (nid = OBJ_obj2nid(pval)) == NID_undef ||
	    (group = OBJ_nid2sn(nid)) == NULL)
		return NULL;
	if (csr_ec_has_template(nid))
		return csr_ec_from_template(nid, bits, len);
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
	    (char *)group, 0);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY,
	    (void *)bits, (size_t)len);
	params[2] = OSSL_PARAM_construct_end();
	if ((pkey = csr_fast_import("EC", params)) != NULL)
		csr_ec_keep_template(nid, pkey);
	return pkey;
}

/* rsaEncryption: RSAPublicKey ::= SEQUENCE { modulus, publicExponent }. */
static EVP_PKEY *
csr_fast_rsa(int ptype, const unsigned char *bits, int len)
{
	const unsigned char	*p = bits;
	CSR_RSA_KEY		*k = NULL;
	OSSL_PARAM_BLD		*bld = NULL;
	OSSL_PARAM		*params = NULL;
	BIGNUM			*n = NULL, *e = NULL;
	EVP_PKEY		*pkey = NULL;

	if (ptype != V_ASN1_NULL && ptype != V_ASN1_UNDEF)
		return NULL;
	k = (CSR_RSA_KEY *)ASN1_item_d2i(NULL, &p, len,
	    ASN1_ITEM_rptr(CSR_RSA_KEY));
	if (k == NULL || p != bits + len ||
	    (n = ASN1_INTEGER_to_BN(k->n, NULL)) == NULL ||
	    (e = ASN1_INTEGER_to_BN(k->e, NULL)) == NULL ||
	    BN_is_negative(n) || BN_is_zero(n) || BN_is_negative(e) ||
	    BN_is_zero(e))
		goto out;
	if ((bld = OSSL_PARAM_BLD_new()) == NULL ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e) ||
	    (params = OSSL_PARAM_BLD_to_param(bld)) == NULL)
		goto out;
	pkey = csr_fast_import("RSA", params);
out:
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(n);
	BN_free(e);
	ASN1_item_free((ASN1_VALUE *)k, ASN1_ITEM_rptr(CSR_RSA_KEY));
	return pkey;
}

/* An X509_REQ with the parsed parts; its key stays undecoded bytes. */
static X509_REQ *
csr_fast_assemble(const CSR_RAW *raw)
{
	X509_REQ		*req;
	const ASN1_OBJECT	*alg;
	const void		*pval;
	const unsigned char	*bits;
	unsigned char		*bits_copy = NULL;
	ASN1_BIT_STRING		*sig = NULL;
	void			*pval_copy = NULL;
	int			 ptype, len, i;

	if ((req = X509_REQ_new()) == NULL)
		return NULL;
	X509_ALGOR_get0(&alg, &ptype, &pval, raw->info->spki->algor);
	if (csr_fast_bits(raw->info->spki->public_key, &bits, &len) == -1)
		goto fail;
	if (ptype == V_ASN1_OBJECT && (pval_copy = OBJ_dup(pval)) == NULL)
		goto fail;
	if ((bits_copy = OPENSSL_memdup(bits, (size_t)len)) == NULL ||
	    !X509_PUBKEY_set0_param(X509_REQ_get_X509_PUBKEY(req), OBJ_dup(alg),
	    ptype, pval_copy, bits_copy, len))
		goto fail;
	pval_copy = NULL;
	bits_copy = NULL;
	if (!X509_REQ_set_version(req, ASN1_INTEGER_get(raw->info->version)) ||
	    !X509_REQ_set_subject_name(req, raw->info->subject) ||
	    !X509_REQ_set1_signature_algo(req, raw->sig_alg) ||
	    (sig = ASN1_STRING_dup(raw->signature)) == NULL)
		goto fail;
	X509_REQ_set0_signature(req, sig);
	for (i = 0; i < sk_X509_ATTRIBUTE_num(raw->info->attributes); i++)
		if (!X509_REQ_add1_attr(req,
		    sk_X509_ATTRIBUTE_value(raw->info->attributes, i)))
			goto fail;
	return req;
fail:
	OPENSSL_free(bits_copy);
	ASN1_OBJECT_free(pval_copy);
	X509_REQ_free(req);
	return NULL;
}

/* 0: info->req and info->own_pkey are set and the signature verified. */
static int
csr_parse_fast(const uint8_t *der, size_t len, struct csr_info *info)
{
	const unsigned char	*p = der, *bits;
	const ASN1_OBJECT	*alg;
	const void		*pval;
	CSR_RAW			*raw;
	EVP_PKEY		*pkey = NULL;
	int			 ptype, blen, rc = -1;

	raw = (CSR_RAW *)ASN1_item_d2i(NULL, &p, (long)len,
	    ASN1_ITEM_rptr(CSR_RAW));
	if (raw == NULL || p != der + len)
		goto out;
	X509_ALGOR_get0(&alg, &ptype, &pval, raw->info->spki->algor);
	if (csr_fast_bits(raw->info->spki->public_key, &bits, &blen) == -1)
		goto out;
	if (OBJ_obj2nid(alg) == NID_X9_62_id_ecPublicKey)
		pkey = csr_fast_ec(ptype, pval, bits, blen);
	else if (OBJ_obj2nid(alg) == NID_rsaEncryption)
		pkey = csr_fast_rsa(ptype, bits, blen);
	if (pkey == NULL)
		goto out;
	/* The signature over the bytes as received (the cached encoding). */
	if (ASN1_item_verify_ex(ASN1_ITEM_rptr(CSR_INFO), raw->sig_alg,
	    raw->signature, raw->info, NULL, pkey, NULL, NULL) != 1)
		goto out;
	if ((info->req = csr_fast_assemble(raw)) == NULL)
		goto out;
	info->own_pkey = pkey;
	pkey = NULL;
	rc = 0;
out:
	EVP_PKEY_free(pkey);
	ASN1_item_free((ASN1_VALUE *)raw, ASN1_ITEM_rptr(CSR_RAW));
	ERR_clear_error();
	return rc;
}

/*
 * certgen copies the subject and the key bits as they came, and a
 * certificate is DER (RFC 5280 4.1). OpenSSL decodes BER: long-form
 * lengths, constructed strings, unsorted multi-valued RDNs, an RSA modulus
 * without its sign octet (which it reads as positive, unlike others). What
 * does not re-encode to the same bytes is refused rather than signed.
 */
static int
csr_subject_is_der(const X509_NAME *subject)
{
	X509_NAME		*name;
	const X509_NAME_ENTRY	*ne;
	const unsigned char	*der;
	unsigned char		*canon = NULL;
	size_t			 derlen;
	int			 i, len, prev = -1, ok = 0;

	if (!X509_NAME_get0_der(subject, &der, &derlen) ||
	    (name = X509_NAME_new()) == NULL)
		return 0;
	/* The same entries in a new name, which encodes them anew. */
	for (i = 0; i < X509_NAME_entry_count(subject); i++) {
		ne = X509_NAME_get_entry(subject, i);
		/* -1: into the RDN of the entry before; 0: a new RDN. */
		if (!X509_NAME_add_entry(name, ne, -1,
		    X509_NAME_ENTRY_set(ne) == prev ? -1 : 0))
			goto out;
		prev = X509_NAME_ENTRY_set(ne);
	}
	if ((len = i2d_X509_NAME(name, &canon)) > 0)
		ok = (size_t)len == derlen && memcmp(canon, der, derlen) == 0;
out:
	X509_NAME_free(name);
	OPENSSL_free(canon);
	return ok;
}

/*
 * X.680 41.4: a PrintableString holds letters, digits, space and
 * '()+,-./:=? only. OpenSSL decodes any bytes; strict parsers refuse a
 * certificate with "*.example.com" or "a_b" as a PrintableString.
 */
static int
csr_subject_strings_ok(const X509_NAME *subject)
{
	static const char	 set[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789 '()+,-./:=?";
	const ASN1_STRING	*v;
	const unsigned char	*p;
	int			 i, j;

	for (i = 0; i < X509_NAME_entry_count(subject); i++) {
		v = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, i));
		if (ASN1_STRING_type(v) != V_ASN1_PRINTABLESTRING)
			continue;
		p = ASN1_STRING_get0_data(v);
		for (j = 0; j < ASN1_STRING_length(v); j++)
			if (p[j] == '\0' || strchr(set, p[j]) == NULL)
				return 0;
	}
	return 1;
}

/* RSAPublicKey ::= SEQUENCE { n, e }, as DER encodes these n and e. */
static int
csr_rsa_key_is_der(const BIGNUM *n, const BIGNUM *e,
    const unsigned char *bits, int bitslen)
{
	CSR_RSA_KEY	 k;
	unsigned char	*canon = NULL;
	int		 len, ok = 0;

	k.n = BN_to_ASN1_INTEGER(n, NULL);
	k.e = BN_to_ASN1_INTEGER(e, NULL);
	if (k.n != NULL && k.e != NULL &&
	    (len = ASN1_item_i2d((ASN1_VALUE *)&k, &canon,
	    ASN1_ITEM_rptr(CSR_RSA_KEY))) > 0)
		ok = len == bitslen && memcmp(canon, bits, (size_t)len) == 0;
	OPENSSL_free(canon);
	ASN1_INTEGER_free(k.n);
	ASN1_INTEGER_free(k.e);
	return ok;
}

/*
 * A verified signature proves possession only of a real key. Decoding
 * already put an EC point on its curve; the point at infinity (a lone 00
 * octet) and RSA public exponents that make signatures forgeable remain.
 * RSA limits follow SP 800-56B and the CA/Browser Forum: odd n, odd e with
 * 2^16 < e < 2^256. The modulus is not tested for primality: that costs
 * milliseconds per request.
 */
static int
csr_check_key(const struct csr_info *info, char *reason, size_t reasonlen)
{
	const unsigned char	*bits;
	X509_PUBKEY		*pub;
	X509_ALGOR		*algor;
	BIGNUM			*n = NULL, *e = NULL;
	int			 bitslen, ptype, ok = 0;

	switch (EVP_PKEY_get_base_id(info->pkey)) {
	case EVP_PKEY_EC:
		if ((pub = X509_REQ_get_X509_PUBKEY(info->req)) == NULL ||
		    !X509_PUBKEY_get0_param(NULL, &bits, &bitslen, NULL, pub))
			break;
		ok = bitslen > 1 && (bits[0] == 2 || bits[0] == 3 || bits[0] == 4);
		if (!ok) {
			snprintf(reason, reasonlen, "CSR public key is not a valid "
			    "EC point (the point at infinity)");
			return -1;
		}
		/*
		 * certgen copies the point as it came. The compressed form is
		 * optional for verifiers (RFC 5480 2.2), and some (Go's
		 * crypto/x509) cannot read a certificate that carries one.
		 */
		if (bits[0] != 4) {
			snprintf(reason, reasonlen, "CSR public key is an EC point "
			    "in compressed form: send it uncompressed (RFC 5480 2.2)");
			return -1;
		}
		return 0;
	case EVP_PKEY_RSA:
		/* RFC 3279 2.3.1: NULL (or, from lax encoders, absent); nothing else. */
		if ((pub = X509_REQ_get_X509_PUBKEY(info->req)) == NULL ||
		    !X509_PUBKEY_get0_param(NULL, &bits, &bitslen, &algor, pub))
			break;
		X509_ALGOR_get0(NULL, &ptype, NULL, algor);
		if (ptype != V_ASN1_NULL && ptype != V_ASN1_UNDEF) {
			snprintf(reason, reasonlen, "CSR RSA key carries algorithm "
			    "parameters other than NULL");
			return -1;
		}
		if (!EVP_PKEY_get_bn_param(info->pkey, OSSL_PKEY_PARAM_RSA_N, &n) ||
		    !EVP_PKEY_get_bn_param(info->pkey, OSSL_PKEY_PARAM_RSA_E, &e))
			break;
		if (!csr_rsa_key_is_der(n, e, bits, bitslen)) {
			BN_free(n);
			BN_free(e);
			snprintf(reason, reasonlen, "CSR public key is not DER");
			return -1;
		}
		ok = BN_is_odd(n) && BN_is_odd(e) && BN_num_bits(e) > 16 &&
		    BN_num_bits(e) <= 256 && BN_cmp(e, n) < 0;
		BN_free(n);
		BN_free(e);
		if (!ok)
			snprintf(reason, reasonlen, "CSR public key is not a valid "
			    "RSA key (even modulus, or exponent not odd and between "
			    "2^16 and 2^256)");
		return ok ? 0 : -1;
	default:
		return 0;	/* the policy refuses the key types it does not know */
	}
	BN_free(n);
	BN_free(e);
	snprintf(reason, reasonlen, "CSR public key cannot be examined");
	return -1;
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
	if (csr_parse_fast(der, len, info) == 0) {
		info->pkey = info->own_pkey;
		goto verified;
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
	if ((info->pkey = X509_REQ_get0_pubkey(info->req)) == NULL) {
		snprintf(reason, reasonlen, "CSR public key does not decode");
		goto out;
	}
	if (X509_REQ_verify(info->req, info->pkey) != 1) {
		snprintf(reason, reasonlen, "CSR signature does not verify");
		rc = CSR_BAD_SIGNATURE;
		goto out;
	}
verified:
	/* PKCS#10 v1 is the only version there is (RFC 2986 4.1). */
	if (X509_REQ_get_version(info->req) != X509_REQ_VERSION_1) {
		snprintf(reason, reasonlen, "CSR version %ld is not 1",
		    X509_REQ_get_version(info->req) + 1);
		goto out;
	}
	if (csr_check_key(info, reason, reasonlen) == -1)
		goto out;
	if (!csr_subject_is_der(X509_REQ_get_subject_name(info->req))) {
		snprintf(reason, reasonlen, "CSR subject is not DER");
		goto out;
	}
	if (!csr_subject_strings_ok(X509_REQ_get_subject_name(info->req))) {
		snprintf(reason, reasonlen, "CSR subject has a PrintableString "
		    "with characters outside its set");
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
		snprintf(out, outlen, "RSA-%d", info->key_bits);
		break;
	case EVP_PKEY_RSA_PSS:
		/* Refused as a subject key, and the reason should say which. */
		snprintf(out, outlen, "RSA-PSS-%d", info->key_bits);
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
