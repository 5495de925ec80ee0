/* check_csr: parsing, verifying and describing PKCS#10 requests. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/param_build.h>
#include <openssl/sha.h>
#include <openssl/objects.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "est/b64.h"
#include "est/csr.h"
#include "testpki.h"

/* Parses the DER of a CSR for key and spec; returns the status. */
static enum csr_status
parse_spec(enum tp_key_type kt, const struct tp_csr_spec *spec,
    struct csr_info *info, char *reason, size_t reasonlen)
{
	EVP_PKEY	*key = tp_key(kt);
	struct buf	 der;
	enum csr_status	 st;

	buf_init(&der);
	tp_csr_der(key, spec, &der);
	st = csr_parse(der.data, der.len, info, reason, reasonlen);
	buf_free(&der);
	EVP_PKEY_free(key);
	return st;
}

static void
assert_cleared(const struct csr_info *info)
{
	ck_assert_ptr_null(info->req);
	ck_assert_ptr_null(info->pkey);
	ck_assert_ptr_null(info->own_pkey);
	ck_assert_ptr_null(info->san);
	ck_assert_ptr_null(info->subject);
	ck_assert_uint_eq(info->n_extensions, 0);
}

static void
cn_of(const struct csr_info *info, char *out, size_t outlen)
{
	out[0] = '\0';
	X509_NAME_get_text_by_NID((X509_NAME *)info->subject, NID_commonName,
	    out, (int)outlen);
}

START_TEST(parses_an_ec_p256_request)
{
	struct tp_csr_spec	spec = { .cn = "device-1", .o = "Example" };
	struct csr_info		info;
	char			reason[128] = "", cn[64], desc[64];

	ck_assert_int_eq(parse_spec(TP_EC_P256, &spec, &info, reason,
	    sizeof(reason)), CSR_OK);
	ck_assert_str_eq(reason, "");
	ck_assert_ptr_nonnull(info.req);
	ck_assert_ptr_nonnull(info.pkey);
	ck_assert_int_eq(info.key_type, EVP_PKEY_EC);
	ck_assert_int_eq(info.key_bits, 256);
	ck_assert_int_eq(info.curve_nid, NID_X9_62_prime256v1);
	cn_of(&info, cn, sizeof(cn));
	ck_assert_str_eq(cn, "device-1");
	ck_assert_int_eq(X509_NAME_entry_count(info.subject), 2);
	ck_assert_ptr_null(info.san);
	ck_assert_uint_eq(info.n_san, 0);
	ck_assert_uint_eq(info.n_extensions, 0);
	ck_assert_int_eq(info.has_challenge_password, 0);
	ck_assert_int_eq(info.has_change_subject_name, 0);
	csr_key_describe(&info, desc, sizeof(desc));
	ck_assert_str_eq(desc, "EC P-256");
	csr_info_free(&info);
	assert_cleared(&info);
}
END_TEST

START_TEST(describes_p384_and_secp256k1_keys)
{
	struct tp_csr_spec	spec = { .cn = "k" };
	struct csr_info		info;
	char			reason[128], desc[64];

	ck_assert_int_eq(parse_spec(TP_EC_P384, &spec, &info, reason,
	    sizeof(reason)), CSR_OK);
	ck_assert_int_eq(info.curve_nid, NID_secp384r1);
	ck_assert_int_eq(info.key_bits, 384);
	csr_key_describe(&info, desc, sizeof(desc));
	ck_assert_str_eq(desc, "EC P-384");
	csr_info_free(&info);
	ck_assert_int_eq(parse_spec(TP_EC_SECP256K1, &spec, &info, reason,
	    sizeof(reason)), CSR_OK);
	ck_assert_int_eq(info.curve_nid, NID_secp256k1);
	csr_key_describe(&info, desc, sizeof(desc));
	ck_assert_str_eq(desc, "EC secp256k1");
	csr_info_free(&info);
}
END_TEST

START_TEST(parses_rsa_and_ed25519_requests)
{
	struct tp_csr_spec	spec = { .cn = "k" };
	struct csr_info		info;
	char			reason[128], desc[64];

	ck_assert_int_eq(parse_spec(TP_RSA_2048, &spec, &info, reason,
	    sizeof(reason)), CSR_OK);
	ck_assert_int_eq(info.key_type, EVP_PKEY_RSA);
	ck_assert_int_eq(info.key_bits, 2048);
	ck_assert_int_eq(info.curve_nid, NID_undef);
	csr_key_describe(&info, desc, sizeof(desc));
	ck_assert_str_eq(desc, "RSA-2048");
	csr_info_free(&info);
	ck_assert_int_eq(parse_spec(TP_ED25519, &spec, &info, reason,
	    sizeof(reason)), CSR_OK);
	ck_assert_int_eq(info.key_type, EVP_PKEY_ED25519);
	ck_assert_int_eq(info.curve_nid, NID_undef);
	csr_key_describe(&info, desc, sizeof(desc));
	ck_assert_str_eq(desc, "ED25519");
	csr_info_free(&info);
}
END_TEST

START_TEST(keeps_the_requested_subject_alt_names)
{
	struct tp_csr_spec	 spec = {
		.cn = "d", .san = "DNS:a.example,DNS:b.example,IP:192.0.2.1",
	};
	struct csr_info		 info;
	char			 reason[128];
	const GENERAL_NAME	*gn;

	ck_assert_int_eq(parse_spec(TP_EC_P256, &spec, &info, reason,
	    sizeof(reason)), CSR_OK);
	ck_assert_ptr_nonnull(info.san);
	ck_assert_uint_eq(info.n_san, 3);
	ck_assert_uint_eq(info.n_extensions, 1);
	ck_assert_int_eq(info.san_critical, 0);
	gn = sk_GENERAL_NAME_value(info.san, 1);
	ck_assert_int_eq(gn->type, GEN_DNS);
	ck_assert_str_eq((const char *)ASN1_STRING_get0_data(gn->d.dNSName),
	    "b.example");
	gn = sk_GENERAL_NAME_value(info.san, 2);
	ck_assert_int_eq(gn->type, GEN_IPADD);
	ck_assert_int_eq(ASN1_STRING_length(gn->d.iPAddress), 4);
	ck_assert_mem_eq(ASN1_STRING_get0_data(gn->d.iPAddress), "\xc0\x00\x02\x01", 4);
	csr_info_free(&info);
	assert_cleared(&info);
}
END_TEST

START_TEST(counts_every_requested_extension)
{
	struct tp_csr_spec	spec = {
		.cn = "d", .san = "DNS:x", .bc_ca = 1, .ns_comment = "hello",
	};
	struct csr_info		info;
	char			reason[128];

	ck_assert_int_eq(parse_spec(TP_EC_P256, &spec, &info, reason,
	    sizeof(reason)), CSR_OK);
	ck_assert_uint_eq(info.n_extensions, 3);
	ck_assert_uint_eq(info.n_san, 1);
	csr_info_free(&info);
}
END_TEST

START_TEST(parses_a_request_with_an_empty_subject)
{
	struct tp_csr_spec	spec = { .san = "DNS:only.example" };
	struct csr_info		info;
	char			reason[128];

	ck_assert_int_eq(parse_spec(TP_EC_P256, &spec, &info, reason,
	    sizeof(reason)), CSR_OK);
	ck_assert_int_eq(X509_NAME_entry_count(info.subject), 0);
	ck_assert_uint_eq(info.n_san, 1);
	csr_info_free(&info);
}
END_TEST

START_TEST(flags_a_challenge_password)
{
	struct tp_csr_spec	spec = { .cn = "d", .challenge_password = "s3cret" };
	struct csr_info		info;
	char			reason[128];

	ck_assert_int_eq(parse_spec(TP_EC_P256, &spec, &info, reason,
	    sizeof(reason)), CSR_OK);
	ck_assert_int_eq(info.has_challenge_password, 1);
	ck_assert_int_eq(info.has_change_subject_name, 0);
	csr_info_free(&info);
}
END_TEST

START_TEST(flags_a_change_subject_name_attribute)
{
	struct tp_csr_spec	spec = { .cn = "d", .change_subject_name = 1 };
	struct csr_info		info;
	char			reason[128];

	ck_assert_int_eq(parse_spec(TP_EC_P256, &spec, &info, reason,
	    sizeof(reason)), CSR_OK);
	ck_assert_int_eq(info.has_change_subject_name, 1);
	ck_assert_int_eq(info.has_challenge_password, 0);
	csr_info_free(&info);
}
END_TEST

START_TEST(rejects_csr_with_bad_signature)
{
	static const enum tp_key_type types[] = { TP_EC_P256, TP_RSA_2048, TP_ED25519 };
	struct tp_csr_spec	spec = { .cn = "d", .corrupt_signature = 1 };
	struct csr_info		info;
	char			reason[128];
	size_t			i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		memset(&info, 0x5a, sizeof(info));
		ck_assert_int_eq(parse_spec(types[i], &spec, &info, reason,
		    sizeof(reason)), CSR_BAD_SIGNATURE);
		ck_assert_str_eq(reason, "CSR signature does not verify");
		assert_cleared(&info);
	}
}
END_TEST

START_TEST(rejects_an_empty_request)
{
	struct csr_info	info;
	char		reason[128];

	ck_assert_int_eq(csr_parse((const uint8_t *)"", 0, &info, reason,
	    sizeof(reason)), CSR_MALFORMED);
	ck_assert_str_eq(reason, "CSR is empty");
	assert_cleared(&info);
}
END_TEST

START_TEST(rejects_bytes_that_are_not_a_request)
{
	static const uint8_t junk[] = { 0x30, 0x03, 0x02, 0x01, 0x05 };
	struct csr_info	info;
	char		reason[128];

	ck_assert_int_eq(csr_parse((const uint8_t *)"hello", 5, &info, reason,
	    sizeof(reason)), CSR_MALFORMED);
	ck_assert_str_eq(reason, "body is not a DER PKCS#10 request");
	ck_assert_int_eq(csr_parse(junk, sizeof(junk), &info, reason,
	    sizeof(reason)), CSR_MALFORMED);
	ck_assert_str_eq(reason, "body is not a DER PKCS#10 request");
	assert_cleared(&info);
}
END_TEST

START_TEST(rejects_truncated_der)
{
	EVP_PKEY		*key = tp_key(TP_EC_P256);
	struct tp_csr_spec	 spec = { .cn = "d" };
	struct buf		 der;
	struct csr_info		 info;
	char			 reason[128];
	size_t			 cut;

	buf_init(&der);
	tp_csr_der(key, &spec, &der);
	for (cut = 1; cut < der.len; cut += 7) {
		ck_assert_int_eq(csr_parse(der.data, der.len - cut, &info, reason,
		    sizeof(reason)), CSR_MALFORMED);
		ck_assert_str_eq(reason, "body is not a DER PKCS#10 request");
	}
	buf_free(&der);
	EVP_PKEY_free(key);
}
END_TEST

START_TEST(rejects_trailing_bytes_after_the_request)
{
	EVP_PKEY		*key = tp_key(TP_EC_P256);
	struct tp_csr_spec	 spec = { .cn = "d" };
	struct buf		 der;
	struct csr_info		 info;
	char			 reason[128];

	buf_init(&der);
	tp_csr_der(key, &spec, &der);
	buf_append(&der, "\0\0\0", 3);
	ck_assert_int_eq(csr_parse(der.data, der.len, &info, reason,
	    sizeof(reason)), CSR_MALFORMED);
	ck_assert_str_eq(reason, "3 bytes of trailing data after the CSR");
	assert_cleared(&info);
	buf_free(&der);
	EVP_PKEY_free(key);
}
END_TEST

START_TEST(rejects_a_subject_alt_name_requested_twice)
{
	struct tp_csr_spec	spec = { .cn = "d", .san = "DNS:x", .san_twice = 1 };
	struct csr_info		info;
	char			reason[128];

	ck_assert_int_eq(parse_spec(TP_EC_P256, &spec, &info, reason,
	    sizeof(reason)), CSR_MALFORMED);
	ck_assert_str_eq(reason, "CSR requests subjectAltName twice");
	assert_cleared(&info);
}
END_TEST

START_TEST(rejects_a_subject_alt_name_that_does_not_decode)
{
	struct tp_csr_spec	spec = { .cn = "d", .san_garbage = 1 };
	struct csr_info		info;
	char			reason[128];

	ck_assert_int_eq(parse_spec(TP_EC_P256, &spec, &info, reason,
	    sizeof(reason)), CSR_MALFORMED);
	ck_assert_str_eq(reason, "CSR subjectAltName does not decode");
	assert_cleared(&info);
}
END_TEST

START_TEST(rejects_an_extension_request_that_does_not_decode)
{
	struct tp_csr_spec	spec = { .cn = "d", .bad_ext_request = 1 };
	struct csr_info		info;
	char			reason[128];

	ck_assert_int_eq(parse_spec(TP_EC_P256, &spec, &info, reason,
	    sizeof(reason)), CSR_MALFORMED);
	ck_assert_str_eq(reason, "CSR extensionRequest attribute does not decode");
	assert_cleared(&info);
}
END_TEST

START_TEST(parses_the_rfc7030_a3_request_with_its_challenge_password)
{
	struct buf	b64, der;
	struct csr_info	info;
	char		reason[128], cn[64], desc[64];

	buf_init(&b64);
	buf_init(&der);
	tp_read_data("rfc7030-A3-simpleenroll-request.b64", &b64);
	ck_assert_int_eq(b64_decode(b64.data, b64.len, &der), B64_OK);
	ck_assert_int_eq(csr_parse(der.data, der.len, &info, reason,
	    sizeof(reason)), CSR_OK);
	cn_of(&info, cn, sizeof(cn));
	ck_assert_str_eq(cn, "demostep4 1368141352");
	csr_key_describe(&info, desc, sizeof(desc));
	ck_assert_str_eq(desc, "RSA-2048");
	ck_assert_int_eq(info.has_challenge_password, 1);
	ck_assert_int_eq(info.has_change_subject_name, 0);
	ck_assert_uint_eq(info.n_san, 0);
	ck_assert_uint_eq(info.n_extensions, 0);
	csr_info_free(&info);
	buf_free(&b64);
	buf_free(&der);
}
END_TEST

START_TEST(describe_truncates_to_the_output_size)
{
	struct tp_csr_spec	spec = { .cn = "k" };
	struct csr_info		info;
	char			reason[128], desc[5];

	ck_assert_int_eq(parse_spec(TP_EC_P256, &spec, &info, reason,
	    sizeof(reason)), CSR_OK);
	csr_key_describe(&info, desc, sizeof(desc));
	ck_assert_str_eq(desc, "EC P");
	csr_info_free(&info);
}
END_TEST

/* A request built by hand: version v, key k, signed with k. DER in out. */
static void
raw_csr(EVP_PKEY *k, long v, struct buf *out)
{
	X509_REQ	*req = X509_REQ_new();
	X509_NAME	*name = X509_NAME_new();
	unsigned char	*der = NULL;
	int		 len;

	ck_assert_ptr_nonnull(req);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)"raw", -1, -1, 0);
	ck_assert_int_eq(X509_REQ_set_version(req, v), 1);
	ck_assert_int_eq(X509_REQ_set_subject_name(req, name), 1);
	ck_assert_int_eq(X509_REQ_set_pubkey(req, k), 1);
	ck_assert_int_gt(X509_REQ_sign(req, k, EVP_sha256()), 0);
	ck_assert_int_gt(len = i2d_X509_REQ(req, &der), 0);
	buf_append(out, der, (size_t)len);
	OPENSSL_free(der);
	X509_NAME_free(name);
	X509_REQ_free(req);
}

START_TEST(rejects_a_request_whose_version_is_not_1)
{
	EVP_PKEY	*key = tp_key(TP_EC_P256);
	struct buf	 der;
	struct csr_info	 info;
	char		 r[200];

	buf_init(&der);
	raw_csr(key, 4, &der);
	ck_assert_int_eq(csr_parse(der.data, der.len, &info, r, sizeof(r)),
	    CSR_MALFORMED);
	ck_assert_str_eq(r, "CSR version 5 is not 1");
	buf_reset(&der);
	raw_csr(key, X509_REQ_VERSION_1, &der);
	ck_assert_int_eq(csr_parse(der.data, der.len, &info, r, sizeof(r)), CSR_OK);
	csr_info_free(&info);
	buf_free(&der);
	EVP_PKEY_free(key);
}
END_TEST

START_TEST(flags_ec_keys_with_explicit_parameters)
{
	EVP_PKEY	*named = tp_key(TP_EC_P256), *explicit = NULL;
	EVP_PKEY_CTX	*kctx;
	OSSL_PARAM	 params[3];
	struct buf	 der;
	struct csr_info	 info;
	char		 r[200];

	/* The same curve, spelled out as parameters instead of named. */
	kctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	params[0] = OSSL_PARAM_construct_utf8_string("group", "P-256", 0);
	params[1] = OSSL_PARAM_construct_utf8_string("encoding", "explicit", 0);
	params[2] = OSSL_PARAM_construct_end();
	ck_assert_int_eq(EVP_PKEY_keygen_init(kctx), 1);
	ck_assert_int_eq(EVP_PKEY_CTX_set_params(kctx, params), 1);
	ck_assert_int_eq(EVP_PKEY_keygen(kctx, &explicit), 1);
	buf_init(&der);
	raw_csr(explicit, X509_REQ_VERSION_1, &der);
	ck_assert_int_eq(csr_parse(der.data, der.len, &info, r, sizeof(r)), CSR_OK);
	ck_assert_int_eq(info.ec_explicit, 1);
	csr_info_free(&info);
	buf_reset(&der);
	raw_csr(named, X509_REQ_VERSION_1, &der);
	ck_assert_int_eq(csr_parse(der.data, der.len, &info, r, sizeof(r)), CSR_OK);
	ck_assert_int_eq(info.ec_explicit, 0);
	csr_info_free(&info);
	buf_free(&der);
	EVP_PKEY_CTX_free(kctx);
	EVP_PKEY_free(explicit);
	EVP_PKEY_free(named);
}
END_TEST

/*
 * csr_parse takes a fast path for RSA and named-curve EC keys (no generic key
 * decoder). Whatever path it takes, the result must be what OpenSSL's own
 * parse gives: the same key, and a request that encodes to the same bytes.
 */
START_TEST(fast_path_agrees_with_openssl_parse)
{
	static const enum tp_key_type kinds[] = { TP_EC_P256, TP_EC_P384,
	    TP_EC_SECP256K1, TP_RSA_2048 };
	struct tp_csr_spec	 spec = { .cn = "same", .o = "Example",
	    .san = "DNS:same.example,IP:192.0.2.1", .bc_ca = 1 };
	struct csr_info		 info;
	struct buf		 der;
	const unsigned char	*p;
	unsigned char		*again = NULL;
	X509_REQ		*ref;
	EVP_PKEY		*key;
	char			 r[200];
	size_t			 i;
	int			 len;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		key = tp_key(kinds[i]);
		buf_init(&der);
		tp_csr_der(key, &spec, &der);
		p = der.data;
		ref = d2i_X509_REQ(NULL, &p, (long)der.len);
		ck_assert_ptr_nonnull(ref);
		ck_assert_int_eq(csr_parse(der.data, der.len, &info, r, sizeof(r)),
		    CSR_OK);
		/* These keys take the fast path (the key is imported, not decoded). */
		ck_assert_ptr_nonnull(info.own_pkey);
		ck_assert_int_eq(EVP_PKEY_eq(info.pkey, X509_REQ_get0_pubkey(ref)), 1);
		ck_assert_int_eq(EVP_PKEY_eq(info.pkey, key), 1);
		ck_assert_int_eq(info.key_bits, EVP_PKEY_get_bits(key));
		len = i2d_X509_REQ(info.req, &again);
		ck_assert_int_eq(len, (int)der.len);
		ck_assert_mem_eq(again, der.data, der.len);
		ck_assert_uint_eq(info.n_san, 2);
		ck_assert_uint_eq(info.n_extensions, 2);
		OPENSSL_free(again);
		again = NULL;
		csr_info_free(&info);
		X509_REQ_free(ref);
		buf_free(&der);
		EVP_PKEY_free(key);
	}
}
END_TEST

/* A bad signature is caught whichever path parses the request. */
START_TEST(fast_path_keys_still_need_a_good_signature)
{
	static const enum tp_key_type kinds[] = { TP_EC_P256, TP_RSA_2048 };
	struct tp_csr_spec	 spec = { .cn = "flip" };
	struct csr_info		 info;
	struct buf		 der;
	EVP_PKEY		*key;
	char			 r[200];
	size_t			 i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		key = tp_key(kinds[i]);
		buf_init(&der);
		tp_csr_der(key, &spec, &der);
		der.data[der.len - 3] ^= 0x01;	/* inside the signature */
		ck_assert_int_eq(csr_parse(der.data, der.len, &info, r, sizeof(r)),
		    CSR_BAD_SIGNATURE);
		ck_assert_str_eq(r, "CSR signature does not verify");
		assert_cleared(&info);
		buf_free(&der);
		EVP_PKEY_free(key);
	}
}
END_TEST

/*
 * A request for a public key nobody holds, "signed" by arithmetic alone:
 * sign(tbs, out) writes the signature bits. DER in out.
 */
static void
forged_csr(X509_REQ *req, int sig_nid, int sig_ptype,
    void (*sign)(const unsigned char md[32], struct buf *sig), struct buf *out)
{
	X509_ALGOR	*alg = X509_ALGOR_new();
	ASN1_BIT_STRING	*bs = ASN1_BIT_STRING_new();
	X509_NAME	*name = X509_NAME_new();
	unsigned char	*tbs = NULL, *der = NULL, md[32];
	struct buf	 sig;
	int		 len;

	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)"forged", -1, -1, 0);
	ck_assert_int_eq(X509_REQ_set_version(req, X509_REQ_VERSION_1), 1);
	ck_assert_int_eq(X509_REQ_set_subject_name(req, name), 1);
	X509_ALGOR_set0(alg, OBJ_nid2obj(sig_nid), sig_ptype, NULL);
	ck_assert_int_eq(X509_REQ_set1_signature_algo(req, alg), 1);
	ck_assert_int_gt(len = i2d_re_X509_REQ_tbs(req, &tbs), 0);
	SHA256(tbs, (size_t)len, md);
	buf_init(&sig);
	sign(md, &sig);
	ck_assert_int_eq(ASN1_BIT_STRING_set(bs, sig.data, (int)sig.len), 1);
	bs->flags = (bs->flags & ~0x07L) | ASN1_STRING_FLAG_BITS_LEFT;
	X509_REQ_set0_signature(req, bs);
	ck_assert_int_gt(len = i2d_X509_REQ(req, &der), 0);
	buf_append(out, der, (size_t)len);
	buf_free(&sig);
	OPENSSL_free(der);
	OPENSSL_free(tbs);
	X509_ALGOR_free(alg);
	X509_NAME_free(name);
}

/* With Q at infinity, (r, s) = (x(kG), e/k) verifies for any k. */
static void
sign_for_infinity(const unsigned char md[32], struct buf *out)
{
	EC_GROUP	*g = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
	EC_POINT	*R = EC_POINT_new(g);
	BN_CTX		*bn = BN_CTX_new();
	BIGNUM		*k = BN_new(), *x = BN_new(), *e = BN_new(), *kinv;
	BIGNUM		*r = BN_new(), *s = BN_new();
	const BIGNUM	*order = EC_GROUP_get0_order(g);
	ECDSA_SIG	*sig = ECDSA_SIG_new();
	unsigned char	*der = NULL;
	int		 len;

	ck_assert_int_eq(BN_rand_range(k, order), 1);
	ck_assert_int_eq(EC_POINT_mul(g, R, k, NULL, NULL, bn), 1);
	ck_assert_int_eq(EC_POINT_get_affine_coordinates(g, R, x, NULL, bn), 1);
	ck_assert_int_eq(BN_nnmod(r, x, order, bn), 1);
	ck_assert_ptr_nonnull(BN_bin2bn(md, 32, e));
	ck_assert_ptr_nonnull(kinv = BN_mod_inverse(NULL, k, order, bn));
	ck_assert_int_eq(BN_mod_mul(s, e, kinv, order, bn), 1);
	ck_assert_int_eq(ECDSA_SIG_set0(sig, r, s), 1);
	ck_assert_int_gt(len = i2d_ECDSA_SIG(sig, &der), 0);
	buf_append(out, der, (size_t)len);
	OPENSSL_free(der);
	ECDSA_SIG_free(sig);
	BN_free(k);
	BN_free(x);
	BN_free(e);
	BN_free(kinv);
	BN_CTX_free(bn);
	EC_POINT_free(R);
	EC_GROUP_free(g);
}

/* With e = 1 the signature is the padded digest itself (RFC 8017 9.2). */
static void
sign_for_exponent_one(const unsigned char md[32], struct buf *out)
{
	static const unsigned char prefix[] = {	/* DigestInfo for SHA-256 */
		0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65,
		0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20,
	};
	unsigned char em[256];

	memset(em, 0xff, sizeof(em));
	em[0] = 0x00;
	em[1] = 0x01;
	em[sizeof(em) - 32 - sizeof(prefix) - 1] = 0x00;
	memcpy(em + sizeof(em) - 32 - sizeof(prefix), prefix, sizeof(prefix));
	memcpy(em + sizeof(em) - 32, md, 32);
	buf_append(out, em, sizeof(em));
}

START_TEST(rejects_an_ec_key_at_infinity_though_its_signature_verifies)
{
	X509_REQ	*req = X509_REQ_new();
	unsigned char	*point = OPENSSL_malloc(1);
	struct buf	 der;
	struct csr_info	 info;
	char		 r[200];

	point[0] = 0x00;	/* SEC 1 2.3.3: the point at infinity */
	ck_assert_int_eq(X509_PUBKEY_set0_param(X509_REQ_get_X509_PUBKEY(req),
	    OBJ_nid2obj(NID_X9_62_id_ecPublicKey), V_ASN1_OBJECT,
	    OBJ_nid2obj(NID_X9_62_prime256v1), point, 1), 1);
	buf_init(&der);
	forged_csr(req, NID_ecdsa_with_SHA256, V_ASN1_UNDEF, sign_for_infinity, &der);
	ck_assert_int_eq(csr_parse(der.data, der.len, &info, r, sizeof(r)),
	    CSR_MALFORMED);
	ck_assert_str_eq(r, "CSR public key is not a valid EC point (the point "
	    "at infinity)");
	assert_cleared(&info);
	buf_free(&der);
	X509_REQ_free(req);
}
END_TEST

START_TEST(rejects_an_ec_key_in_compressed_form)
{
	EVP_PKEY	*key = tp_key(TP_EC_P256);
	X509_REQ	*req = X509_REQ_new();
	unsigned char	*der = NULL;
	struct csr_info	 info;
	char		 r[200];
	int		 len;

	/* A valid key and signature; only the point's form differs. */
	ck_assert_int_eq(EVP_PKEY_set_utf8_string_param(key,
	    OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT, "compressed"), 1);
	ck_assert_int_eq(X509_REQ_set_version(req, 0), 1);
	ck_assert_int_eq(X509_REQ_set_pubkey(req, key), 1);
	ck_assert_int_gt(X509_REQ_sign(req, key, EVP_sha256()), 0);
	ck_assert_int_gt(len = i2d_X509_REQ(req, &der), 0);
	ck_assert_int_eq(csr_parse(der, (size_t)len, &info, r, sizeof(r)),
	    CSR_MALFORMED);
	ck_assert_str_eq(r, "CSR public key is an EC point in compressed form: "
	    "send it uncompressed (RFC 5480 2.2)");
	assert_cleared(&info);
	OPENSSL_free(der);
	X509_REQ_free(req);
	EVP_PKEY_free(key);
}
END_TEST

START_TEST(rejects_rsa_keys_whose_exponent_makes_signatures_forgeable)
{
	static const char refused[] = "CSR public key is not a valid RSA key (even "
	    "modulus, or exponent not odd and between 2^16 and 2^256)";
	EVP_PKEY	*real = tp_key(TP_RSA_2048), *weak = NULL, *three = NULL;
	EVP_PKEY_CTX	*ctx;
	OSSL_PARAM_BLD	*bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM	*params;
	BIGNUM		*n = NULL, *e = BN_new();
	X509_REQ	*req = X509_REQ_new();
	struct buf	 der;
	struct csr_info	 info;
	char		 r[200];

	/* Anyone can sign for n with e = 1. */
	ck_assert_int_eq(EVP_PKEY_get_bn_param(real, OSSL_PKEY_PARAM_RSA_N, &n), 1);
	ck_assert_int_eq(BN_set_word(e, 1), 1);
	ck_assert_int_eq(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n), 1);
	ck_assert_int_eq(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e), 1);
	ck_assert_ptr_nonnull(params = OSSL_PARAM_BLD_to_param(bld));
	ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	ck_assert_int_eq(EVP_PKEY_fromdata_init(ctx), 1);
	ck_assert_int_eq(EVP_PKEY_fromdata(ctx, &weak, EVP_PKEY_PUBLIC_KEY, params), 1);
	EVP_PKEY_CTX_free(ctx);
	ck_assert_int_eq(X509_REQ_set_pubkey(req, weak), 1);
	buf_init(&der);
	forged_csr(req, NID_sha256WithRSAEncryption, V_ASN1_NULL,
	    sign_for_exponent_one, &der);
	ck_assert_int_eq(csr_parse(der.data, der.len, &info, r, sizeof(r)),
	    CSR_MALFORMED);
	ck_assert_str_eq(r, refused);
	/* A real key pair, signed properly, but with e = 3. */
	ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	ck_assert_int_eq(BN_set_word(e, 3), 1);
	ck_assert_int_eq(EVP_PKEY_keygen_init(ctx), 1);
	ck_assert_int_eq(EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, 2048), 1);
	ck_assert_int_eq(EVP_PKEY_CTX_set1_rsa_keygen_pubexp(ctx, e), 1);
	ck_assert_int_eq(EVP_PKEY_keygen(ctx, &three), 1);
	EVP_PKEY_CTX_free(ctx);
	buf_reset(&der);
	raw_csr(three, X509_REQ_VERSION_1, &der);
	ck_assert_int_eq(csr_parse(der.data, der.len, &info, r, sizeof(r)),
	    CSR_MALFORMED);
	ck_assert_str_eq(r, refused);
	/* rsaEncryption with parameters of the requester's choosing. */
	{
		static const unsigned char seq[] = { 0x30, 0x03, 0x0c, 0x01, 'x' };
		X509_REQ	*odd = X509_REQ_new();
		X509_NAME	*name = X509_NAME_new();
		X509_ALGOR	*algor;
		ASN1_STRING	*junk = ASN1_STRING_new();
		unsigned char	*p = NULL;
		int		 len;

		X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
		    (const unsigned char *)"odd", -1, -1, 0);
		ck_assert_int_eq(X509_REQ_set_subject_name(odd, name), 1);
		ck_assert_int_eq(X509_REQ_set_pubkey(odd, real), 1);
		ck_assert_int_eq(X509_PUBKEY_get0_param(NULL, NULL, NULL, &algor,
		    X509_REQ_get_X509_PUBKEY(odd)), 1);
		ck_assert_int_eq(ASN1_STRING_set(junk, seq, sizeof(seq)), 1);
		ck_assert_int_eq(X509_ALGOR_set0(algor, OBJ_nid2obj(NID_rsaEncryption),
		    V_ASN1_SEQUENCE, junk), 1);
		ck_assert_int_gt(X509_REQ_sign(odd, real, EVP_sha256()), 0);
		ck_assert_int_gt(len = i2d_X509_REQ(odd, &p), 0);
		ck_assert_int_eq(csr_parse(p, (size_t)len, &info, r, sizeof(r)),
		    CSR_MALFORMED);
		ck_assert_str_eq(r, "CSR RSA key carries algorithm parameters other "
		    "than NULL");
		OPENSSL_free(p);
		X509_NAME_free(name);
		X509_REQ_free(odd);
	}
	/* And the usual e = 65537 passes. */
	buf_reset(&der);
	raw_csr(real, X509_REQ_VERSION_1, &der);
	ck_assert_int_eq(csr_parse(der.data, der.len, &info, r, sizeof(r)), CSR_OK);
	csr_info_free(&info);
	buf_free(&der);
	X509_REQ_free(req);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(n);
	BN_free(e);
	EVP_PKEY_free(real);
	EVP_PKEY_free(weak);
	EVP_PKEY_free(three);
}
END_TEST

/*
 * A CSR signed by key whose subject is the given encoding, kept as it is
 * (X509_NAME caches what it decoded), and whose key bits are rsa_bits
 * when not NULL. DER appended to out.
 */
static void
encoded_csr(EVP_PKEY *key, const unsigned char *name_der, size_t name_len,
    const unsigned char *rsa_bits, size_t rsa_len, struct buf *out)
{
	X509_REQ		*req = X509_REQ_new();
	X509_NAME		*name;
	const unsigned char	*p = name_der;
	unsigned char		*der = NULL, *bits;
	int			 len;

	ck_assert_ptr_nonnull(name = d2i_X509_NAME(NULL, &p, (long)name_len));
	ck_assert_ptr_eq(p, name_der + name_len);
	ck_assert_int_eq(X509_REQ_set_subject_name(req, name), 1);
	ck_assert_int_eq(X509_REQ_set_pubkey(req, key), 1);
	if (rsa_bits != NULL) {
		ck_assert_ptr_nonnull(bits = OPENSSL_memdup(rsa_bits, rsa_len));
		ck_assert_int_eq(X509_PUBKEY_set0_param(X509_REQ_get_X509_PUBKEY(req),
		    OBJ_nid2obj(NID_rsaEncryption), V_ASN1_NULL, NULL, bits,
		    (int)rsa_len), 1);
	}
	ck_assert_int_gt(X509_REQ_sign(req, key, EVP_sha256()), 0);
	ck_assert_int_gt(len = i2d_X509_REQ(req, &der), 0);
	buf_append(out, der, (size_t)len);
	OPENSSL_free(der);
	X509_NAME_free(name);
	X509_REQ_free(req);
}

/* certgen copies the subject and the key bits: they must be DER already. */
START_TEST(rejects_a_subject_or_rsa_key_that_is_not_der)
{
	static const unsigned char long_length[] = {	/* CN, length 81 04 */
		0x30, 0x10, 0x31, 0x0e, 0x30, 0x0c, 0x06, 0x03, 0x55, 0x04, 0x03,
		0x0c, 0x81, 0x04, 't', 'e', 's', 't'
	};
	static const unsigned char constructed[] = {	/* CN "ab" + "cd" */
		0x30, 0x13, 0x31, 0x11, 0x30, 0x0f, 0x06, 0x03, 0x55, 0x04, 0x03,
		0x2c, 0x08, 0x0c, 0x02, 'a', 'b', 0x0c, 0x02, 'c', 'd'
	};
	/* One RDN, O and CN: DER sorts a SET OF by encoding, so CN (55 04 03) first. */
	static const unsigned char unsorted[] = {
		0x30, 0x1a, 0x31, 0x18,
		0x30, 0x0a, 0x06, 0x03, 0x55, 0x04, 0x0a, 0x0c, 0x03, 'a', 'a', 'a',
		0x30, 0x0a, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x03, 'b', 'b', 'b'
	};
	static const unsigned char sorted[] = {
		0x30, 0x1a, 0x31, 0x18,
		0x30, 0x0a, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x03, 'b', 'b', 'b',
		0x30, 0x0a, 0x06, 0x03, 0x55, 0x04, 0x0a, 0x0c, 0x03, 'a', 'a', 'a'
	};
	static const unsigned char plain[] = {
		0x30, 0x0f, 0x31, 0x0d, 0x30, 0x0b, 0x06, 0x03, 0x55, 0x04, 0x03,
		0x0c, 0x04, 't', 'e', 's', 't'
	};
	static const struct {
		const unsigned char	*der;
		size_t			 len;
		int			 ok;
	} names[] = {
		{ long_length, sizeof(long_length), 0 },
		{ constructed, sizeof(constructed), 0 },
		{ unsorted, sizeof(unsorted), 0 },
		{ sorted, sizeof(sorted), 1 },
		{ plain, sizeof(plain), 1 },
	};
	EVP_PKEY	*ec = tp_key(TP_EC_P256), *rsa = tp_key(TP_RSA_2048);
	BIGNUM		*n = NULL;
	unsigned char	 rsa_bits[300], *m;
	struct buf	 der;
	struct csr_info	 info;
	char		 r[200];
	size_t		 i;

	buf_init(&der);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		buf_reset(&der);
		encoded_csr(ec, names[i].der, names[i].len, NULL, 0, &der);
		r[0] = '\0';
		ck_assert_msg(csr_parse(der.data, der.len, &info, r, sizeof(r)) ==
		    (names[i].ok ? CSR_OK : CSR_MALFORMED), "name %zu: %s", i, r);
		if (names[i].ok)
			csr_info_free(&info);
		else {
			ck_assert_str_eq(r, "CSR subject is not DER");
			assert_cleared(&info);
		}
	}
	/* RSAPublicKey: the modulus without its 00 sign octet (negative), or
	 * the SEQUENCE with a long-form length; then the DER form. */
	ck_assert_int_eq(EVP_PKEY_get_bn_param(rsa, OSSL_PKEY_PARAM_RSA_N, &n), 1);
	ck_assert_int_eq(BN_num_bytes(n), 256);
	for (i = 0; i < 3; i++) {
		static const unsigned char e[] = { 0x02, 0x03, 0x01, 0x00, 0x01 };
		size_t len = 0, body = (i == 0 ? 4 + 256 : 4 + 257) + sizeof(e);

		rsa_bits[len++] = 0x30;
		if (i == 1) {	/* 83 00 01 0a: four octets where three do */
			rsa_bits[len++] = 0x83;
			rsa_bits[len++] = 0x00;
		} else
			rsa_bits[len++] = 0x82;
		rsa_bits[len++] = (unsigned char)(body >> 8);
		rsa_bits[len++] = (unsigned char)body;
		rsa_bits[len++] = 0x02;
		rsa_bits[len++] = 0x82;
		rsa_bits[len++] = 0x01;
		rsa_bits[len++] = i == 0 ? 0x00 : 0x01;
		if (i != 0)
			rsa_bits[len++] = 0x00;
		m = rsa_bits + len;
		ck_assert_int_eq(BN_bn2binpad(n, m, 256), 256);
		ck_assert_int_ne(m[0] & 0x80, 0);
		len += 256;
		memcpy(rsa_bits + len, e, sizeof(e));
		len += sizeof(e);
		buf_reset(&der);
		encoded_csr(rsa, plain, sizeof(plain), rsa_bits, len, &der);
		r[0] = '\0';
		ck_assert_msg(csr_parse(der.data, der.len, &info, r, sizeof(r)) ==
		    (i == 2 ? CSR_OK : CSR_MALFORMED), "key %zu: %s", i, r);
		if (i == 2)
			csr_info_free(&info);
		else
			ck_assert_str_eq(r, "CSR public key is not DER");
	}
	buf_free(&der);
	BN_free(n);
	EVP_PKEY_free(ec);
	EVP_PKEY_free(rsa);
}
END_TEST

/* The hash of the signature, which policy's signature_digests judges. */
START_TEST(reads_the_signature_hash_of_rsa_pss_requests_too)
{
	static const struct {
		const char	*md;
		int		 nid;
	} mds[] = { { "SHA256", NID_sha256 }, { "SHA384", NID_sha384 },
	    { "SHA1", NID_sha1 } };
	EVP_PKEY	*key = tp_key(TP_RSA_2048);
	X509_NAME	*name = X509_NAME_new();
	EVP_PKEY_CTX	*pctx;
	EVP_MD_CTX	*mctx;
	X509_REQ	*req;
	struct csr_info	 info;
	unsigned char	*der;
	char		 r[200];
	size_t		 i;
	int		 len;

	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)"pss", -1, -1, 0);
	for (i = 0; i < sizeof(mds) / sizeof(mds[0]); i++) {
		req = X509_REQ_new();
		mctx = EVP_MD_CTX_new();
		der = NULL;
		ck_assert_int_eq(X509_REQ_set_subject_name(req, name), 1);
		ck_assert_int_eq(X509_REQ_set_pubkey(req, key), 1);
		ck_assert_int_eq(EVP_DigestSignInit(mctx, &pctx,
		    EVP_get_digestbyname(mds[i].md), NULL, key), 1);
		ck_assert_int_eq(EVP_PKEY_CTX_set_rsa_padding(pctx,
		    RSA_PKCS1_PSS_PADDING), 1);
		ck_assert_int_eq(EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx,
		    RSA_PSS_SALTLEN_DIGEST), 1);
		ck_assert_int_gt(X509_REQ_sign_ctx(req, mctx), 0);
		ck_assert_int_gt(len = i2d_X509_REQ(req, &der), 0);
		ck_assert_int_eq(csr_parse(der, (size_t)len, &info, r, sizeof(r)),
		    CSR_OK);
		ck_assert_msg(info.sig_digest_nid == mds[i].nid, "%s: %s",
		    mds[i].md, OBJ_nid2sn(info.sig_digest_nid));
		csr_info_free(&info);
		OPENSSL_free(der);
		EVP_MD_CTX_free(mctx);
		X509_REQ_free(req);
	}
	X509_NAME_free(name);
	EVP_PKEY_free(key);
}
END_TEST

/* X.680 41.4: a PrintableString holds letters, digits and  '()+,-./:=? */
START_TEST(rejects_a_printable_string_with_characters_outside_its_set)
{
	static const struct {
		const char	*cn;
		int		 ok;
	} cns[] = {
		{ "*.example.com", 0 }, { "dev@example", 0 }, { "dev_1", 0 },
		{ "a&b", 0 }, { "Dev 1 (lab), x-y.z/w:v=u?'t+", 1 },
	};
	EVP_PKEY	*key = tp_key(TP_EC_P256);
	X509_NAME	*name;
	X509_REQ	*req;
	struct csr_info	 info;
	unsigned char	*der;
	char		 r[200];
	size_t		 i;
	int		 len;

	for (i = 0; i < sizeof(cns) / sizeof(cns[0]); i++) {
		req = X509_REQ_new();
		name = X509_NAME_new();
		der = NULL;
		ck_assert_int_eq(X509_NAME_add_entry_by_txt(name, "CN",
		    V_ASN1_PRINTABLESTRING, (const unsigned char *)cns[i].cn, -1,
		    -1, 0), 1);
		ck_assert_int_eq(X509_REQ_set_subject_name(req, name), 1);
		ck_assert_int_eq(X509_REQ_set_pubkey(req, key), 1);
		ck_assert_int_gt(X509_REQ_sign(req, key, EVP_sha256()), 0);
		ck_assert_int_gt(len = i2d_X509_REQ(req, &der), 0);
		r[0] = '\0';
		ck_assert_msg(csr_parse(der, (size_t)len, &info, r, sizeof(r)) ==
		    (cns[i].ok ? CSR_OK : CSR_MALFORMED), "%s: %s", cns[i].cn, r);
		if (cns[i].ok)
			csr_info_free(&info);
		else
			ck_assert_str_eq(r, "CSR subject has a PrintableString with "
			    "characters outside its set");
		OPENSSL_free(der);
		X509_NAME_free(name);
		X509_REQ_free(req);
	}
	EVP_PKEY_free(key);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("csr");
	TCase	*tc = tcase_create("csr");

	tp_preload_rsa();
	tcase_add_test(tc, parses_an_ec_p256_request);
	tcase_add_test(tc, fast_path_agrees_with_openssl_parse);
	tcase_add_test(tc, fast_path_keys_still_need_a_good_signature);
	tcase_add_test(tc, rejects_a_request_whose_version_is_not_1);
	tcase_add_test(tc, flags_ec_keys_with_explicit_parameters);
	tcase_add_test(tc, describes_p384_and_secp256k1_keys);
	tcase_add_test(tc, parses_rsa_and_ed25519_requests);
	tcase_add_test(tc, keeps_the_requested_subject_alt_names);
	tcase_add_test(tc, counts_every_requested_extension);
	tcase_add_test(tc, parses_a_request_with_an_empty_subject);
	tcase_add_test(tc, flags_a_challenge_password);
	tcase_add_test(tc, flags_a_change_subject_name_attribute);
	tcase_add_test(tc, rejects_csr_with_bad_signature);
	tcase_add_test(tc, rejects_an_empty_request);
	tcase_add_test(tc, rejects_bytes_that_are_not_a_request);
	tcase_add_test(tc, rejects_truncated_der);
	tcase_add_test(tc, rejects_trailing_bytes_after_the_request);
	tcase_add_test(tc, rejects_a_subject_alt_name_requested_twice);
	tcase_add_test(tc, rejects_a_subject_alt_name_that_does_not_decode);
	tcase_add_test(tc, rejects_an_extension_request_that_does_not_decode);
	tcase_add_test(tc, parses_the_rfc7030_a3_request_with_its_challenge_password);
	tcase_add_test(tc, describe_truncates_to_the_output_size);
	tcase_add_test(tc, rejects_an_ec_key_at_infinity_though_its_signature_verifies);
	tcase_add_test(tc, rejects_an_ec_key_in_compressed_form);
	tcase_add_test(tc, rejects_rsa_keys_whose_exponent_makes_signatures_forgeable);
	tcase_add_test(tc, rejects_a_subject_or_rsa_key_that_is_not_der);
	tcase_add_test(tc, reads_the_signature_hash_of_rsa_pss_requests_too);
	tcase_add_test(tc, rejects_a_printable_string_with_characters_outside_its_set);
	suite_add_tcase(s, tc);
	return tp_run(s);
}
