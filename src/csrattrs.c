/* csrattrs: CsrAttrs DER from a profile or from the configuration. */
#include "config.h"

#include <string.h>

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include "est/b64.h"
#include "est/csrattrs.h"

/* An AttrOrOID that is a bare OBJECT IDENTIFIER. */
static int
csrattrs_add_oid(struct buf *items, int nid)
{
	unsigned char	*der = NULL;
	ASN1_OBJECT	*obj;
	int		 len, rc = -1;

	if ((obj = OBJ_nid2obj(nid)) == NULL)
		return -1;
	if ((len = i2d_ASN1_OBJECT(obj, &der)) > 0 &&
	    buf_append(items, der, (size_t)len) == 0)
		rc = 0;
	OPENSSL_free(der);
	return rc;
}

/* An Attribute { type, SET OF values }. */
static int
csrattrs_add_attr(struct buf *items, X509_ATTRIBUTE *attr)
{
	unsigned char	*der = NULL;
	int		 len, rc = -1;

	if (attr != NULL && (len = i2d_X509_ATTRIBUTE(attr, &der)) > 0 &&
	    buf_append(items, der, (size_t)len) == 0)
		rc = 0;
	OPENSSL_free(der);
	X509_ATTRIBUTE_free(attr);
	return rc;
}

static X509_ATTRIBUTE *
csrattrs_attr_oids(int type_nid, const int *nids, size_t n)
{
	X509_ATTRIBUTE	*attr;
	size_t		 i;

	if ((attr = X509_ATTRIBUTE_new()) == NULL ||
	    !X509_ATTRIBUTE_set1_object(attr, OBJ_nid2obj(type_nid)))
		goto fail;
	for (i = 0; i < n; i++)
		if (!X509_ATTRIBUTE_set1_data(attr, V_ASN1_OBJECT,
		    OBJ_nid2obj(nids[i]), -1))
			goto fail;
	return attr;
fail:
	X509_ATTRIBUTE_free(attr);
	return NULL;
}

static X509_ATTRIBUTE *
csrattrs_attr_rsa(unsigned bits)
{
	X509_ATTRIBUTE	*attr = NULL;
	ASN1_INTEGER	*size;

	if ((size = ASN1_INTEGER_new()) == NULL ||
	    !ASN1_INTEGER_set(size, (long)bits))
		goto out;
	attr = X509_ATTRIBUTE_create(NID_rsaEncryption, V_ASN1_INTEGER, size);
	if (attr != NULL)
		size = NULL;	/* owned by attr now */
out:
	ASN1_INTEGER_free(size);
	return attr;
}

/* The ECDSA signature algorithm for each digest the profile accepts. */
static int
csrattrs_sig_nid(int key_type, int digest_nid)
{
	int sig = NID_undef;

	OBJ_find_sigid_by_algs(&sig, digest_nid, key_type);
	return sig;
}

static int
csrattrs_wrap(const struct buf *items, struct buf *der)
{
	unsigned char	 hdr[6];
	size_t		 n = 0, len = items->len;

	hdr[n++] = 0x30;	/* SEQUENCE */
	if (len < 0x80)
		hdr[n++] = (unsigned char)len;
	else if (len < 0x100) {
		hdr[n++] = 0x81;
		hdr[n++] = (unsigned char)len;
	} else if (len < 0x10000) {
		hdr[n++] = 0x82;
		hdr[n++] = (unsigned char)(len >> 8);
		hdr[n++] = (unsigned char)len;
	} else
		return -1;
	if (buf_append(der, hdr, n) == -1 ||
	    buf_append(der, items->data, items->len) == -1)
		return -1;
	return 0;
}

int
csrattrs_build(const struct est_profile *pr, struct buf *der)
{
	struct buf	 items;
	size_t		 i;
	int		 rc = -1, sig, san_nid = NID_subject_alt_name;

	buf_init(&items);
	if (pr->challenge == CHALLENGE_CODE &&
	    csrattrs_add_oid(&items, NID_pkcs9_challengePassword) == -1)
		goto out;
	/* A SAN is what the name rules check: ask for it when they apply. */
	if ((pr->n_dns_suffixes > 0 || pr->n_ip_ranges > 0) &&
	    csrattrs_add_attr(&items,
	    csrattrs_attr_oids(NID_ext_req, &san_nid, 1)) == -1)
		goto out;
	if ((pr->key_types & PROFILE_KEY_EC) && pr->n_ec_curves > 0 &&
	    csrattrs_add_attr(&items, csrattrs_attr_oids(NID_X9_62_id_ecPublicKey,
	    pr->ec_curve_nids, pr->n_ec_curves)) == -1)
		goto out;
	if ((pr->key_types & PROFILE_KEY_RSA) &&
	    csrattrs_add_attr(&items, csrattrs_attr_rsa(pr->rsa_min_bits)) == -1)
		goto out;
	for (i = 0; i < pr->n_digests; i++) {
		if ((pr->key_types & PROFILE_KEY_EC) && (sig =
		    csrattrs_sig_nid(NID_X9_62_id_ecPublicKey,
		    pr->digest_nids[i])) != NID_undef &&
		    csrattrs_add_oid(&items, sig) == -1)
			goto out;
		if ((pr->key_types & PROFILE_KEY_RSA) && (sig =
		    csrattrs_sig_nid(NID_rsaEncryption,
		    pr->digest_nids[i])) != NID_undef &&
		    csrattrs_add_oid(&items, sig) == -1)
			goto out;
	}
	rc = items.len == 0 ? 0 : csrattrs_wrap(&items, der);
out:
	ERR_clear_error();
	buf_free(&items);
	return rc;
}

/* Bytes a DER header takes for a content of len bytes. */
static long
csrattrs_der_header_len(long len)
{
	long n = 2;

	if (len >= 0x80)
		for (; len > 0; len >>= 8)
			n++;
	return n;
}

/*
 * Each element is an OBJECT IDENTIFIER or a SEQUENCE { OID, SET }, in DER:
 * clients get these bytes as they are. ASN1_get_object reads BER (any
 * class for the tag number, indefinite and non-minimal lengths), so the
 * outer header is checked byte for byte and each element must be what
 * OpenSSL re-encodes from it.
 */
static int
csrattrs_check(const unsigned char *p, long len)
{
	const unsigned char	*end = p + len, *q;
	unsigned char		*re = NULL;
	long			 elen;
	int			 tag, xclass, ret, relen;

	if (len < 2 || p[0] != 0x30)
		return -1;
	ret = ASN1_get_object(&p, &elen, &tag, &xclass, len);
	if (ret & 0x80 || ret & 1 || p + elen != end ||
	    csrattrs_der_header_len(elen) != len - elen)
		return -1;
	while (p < end) {
		q = p;
		if (*q == 0x06) {
			ASN1_OBJECT *o = d2i_ASN1_OBJECT(NULL, &p, end - p);

			relen = o == NULL ? -1 : i2d_ASN1_OBJECT(o, &re);
			ASN1_OBJECT_free(o);
		} else if (*q == 0x30) {
			X509_ATTRIBUTE *a = d2i_X509_ATTRIBUTE(NULL, &p, end - p);

			relen = a == NULL ? -1 : i2d_X509_ATTRIBUTE(a, &re);
			X509_ATTRIBUTE_free(a);
		} else
			return -1;
		ret = relen > 0 && relen == p - q && memcmp(re, q, (size_t)relen) == 0;
		OPENSSL_free(re);
		re = NULL;
		if (!ret)
			return -1;
	}
	return 0;
}

int
csrattrs_parse_verbatim(const char *b64, struct buf *der, struct diag *d)
{
	size_t before = der->len;

	if (b64_decode((const uint8_t *)b64, strlen(b64), der) != B64_OK ||
	    csrattrs_check(der->data + before, (long)(der->len - before)) == -1) {
		ERR_clear_error();
		der->len = before;
		diag_add(d, "[profile] csrattrs: not base64 of a DER CsrAttrs "
		    "SEQUENCE (or \"auto\" or \"none\")");
		return -1;
	}
	return 0;
}
