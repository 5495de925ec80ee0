/* check_certparse: DER certificates, parsed fast and as d2i_X509 would. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/provider.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "est/buf.h"
#include "est/certparse.h"
#include "testpki.h"

static EVP_PKEY	*ca_key;
static X509	*ca;

static void
setup(void)
{
	ca_key = tp_key(TP_EC_P256);
	ca = tp_ca(ca_key, "Certparse Test CA");
}

static void
teardown(void)
{
	X509_free(ca);
	EVP_PKEY_free(ca_key);
}

/* A client certificate for a new key of type t, issued by the CA, as DER. */
static X509 *
leaf_der(enum tp_key_type t, EVP_PKEY **key, struct buf *der)
{
	X509 *x;

	*key = tp_key(t);
	x = tp_client(*key, "certparse leaf", ca, ca_key);
	buf_init(der);
	tp_cert_der(x, der);
	return x;
}

/* What d2i_X509 makes of exactly len bytes (NULL if it leaves any over). */
static X509 *
d2i_exact(const unsigned char *der, size_t len)
{
	const unsigned char	*p = der;
	X509			*x;

	x = d2i_X509(NULL, &p, (long)len);
	if (x != NULL && p != der + len) {
		X509_free(x);
		x = NULL;
	}
	ERR_clear_error();
	return x;
}

/* 1 when key came from the private context rather than from d2i's. */
static int
from_private_context(const EVP_PKEY *key)
{
	const OSSL_PROVIDER *prov = EVP_PKEY_get0_provider(key);

	ck_assert_ptr_nonnull(prov);
	return strcmp(OSSL_PROVIDER_get0_name(prov), "default") != 0;
}

/* The DER of x equals want byte for byte. */
static void
assert_encodes_as(X509 *x, const struct buf *want)
{
	unsigned char	*der = NULL;
	int		 len;

	len = i2d_X509(x, &der);
	ck_assert_int_gt(len, 0);
	ck_assert_uint_eq((size_t)len, want->len);
	ck_assert_mem_eq(der, want->data, want->len);
	OPENSSL_free(der);
}

/*
 * Parses a certificate for a key of type t and checks it is the same
 * certificate with the same key; fast: whether the private context must
 * have decoded the key (0: d2i's fallback must have).
 */
static void
check_parses(enum tp_key_type t, int fast)
{
	EVP_PKEY	*key;
	struct buf	 der;
	X509		*orig, *x;

	orig = leaf_der(t, &key, &der);
	x = certparse_der(der.data, der.len);
	ck_assert_ptr_nonnull(x);
	ck_assert_int_eq(X509_cmp(x, orig), 0);
	ck_assert_ptr_nonnull(X509_get0_pubkey(x));
	ck_assert_int_eq(EVP_PKEY_eq(X509_get0_pubkey(x), key), 1);
	ck_assert_int_eq(EVP_PKEY_eq(key, X509_get0_pubkey(x)), 1);
	ck_assert_int_eq(EVP_PKEY_get_bits(X509_get0_pubkey(x)),
	    EVP_PKEY_get_bits(key));
	ck_assert_int_eq(from_private_context(X509_get0_pubkey(x)), fast);
	assert_encodes_as(x, &der);
	X509_free(x);
	X509_free(orig);
	buf_free(&der);
	EVP_PKEY_free(key);
}

/*
 * certparse_der and d2i_X509 agree on der: both refuse it, or both parse
 * it with a key on both or neither, the same key, the same encoding.
 */
static void
check_agrees_with_d2i(const unsigned char *der, size_t len, const char *what,
    size_t at)
{
	X509		*want, *got;
	EVP_PKEY	*wk, *gk;

	want = d2i_exact(der, len);
	got = certparse_der(der, len);
	ck_assert_msg((want == NULL) == (got == NULL),
	    "%s at %zu: d2i_X509 %s, certparse_der %s", what, at,
	    want != NULL ? "parses" : "refuses", got != NULL ? "parses" : "refuses");
	if (want != NULL) {
		wk = X509_get0_pubkey(want);
		gk = X509_get0_pubkey(got);
		ck_assert_msg((wk == NULL) == (gk == NULL),
		    "%s at %zu: d2i_X509 key %s, certparse_der key %s", what, at,
		    wk != NULL ? "decoded" : "NULL", gk != NULL ? "decoded" : "NULL");
		if (wk != NULL)
			ck_assert_msg(EVP_PKEY_eq(wk, gk) == 1,
			    "%s at %zu: the keys differ", what, at);
		ck_assert_int_eq(X509_cmp(want, got), 0);
	}
	ERR_clear_error();
	X509_free(got);
	X509_free(want);
}

/*
 * A store holding anchor; verifies leaf (for purpose, 0: any) and returns
 * the verify error.
 */
static int
verify_error(X509 *anchor, X509 *leaf, unsigned long flags, int purpose)
{
	X509_STORE	*store;
	X509_STORE_CTX	*ctx;
	int		 rc, err;

	store = X509_STORE_new();
	ck_assert_ptr_nonnull(store);
	ck_assert_int_eq(X509_STORE_add_cert(store, anchor), 1);
	if (flags != 0)
		X509_STORE_set_flags(store, flags);
	ctx = X509_STORE_CTX_new();
	ck_assert_ptr_nonnull(ctx);
	ck_assert_int_eq(X509_STORE_CTX_init(ctx, store, leaf, NULL), 1);
	if (purpose != 0)
		ck_assert_int_eq(X509_STORE_CTX_set_purpose(ctx, purpose), 1);
	rc = X509_verify_cert(ctx);
	err = X509_STORE_CTX_get_error(ctx);
	ck_assert_msg((rc == 1) == (err == X509_V_OK), "rc %d, error %d (%s)",
	    rc, err, X509_verify_cert_error_string(err));
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	ERR_clear_error();
	return err;
}

START_TEST(uses_the_private_context_on_this_system)
{
	ck_assert_int_eq(certparse_init(), 1);
	ck_assert_int_eq(certparse_fast(), 1);
	/* Asking again neither remakes nor loses it. */
	ck_assert_int_eq(certparse_init(), 1);
	ck_assert_int_eq(certparse_fast(), 1);
}
END_TEST

START_TEST(parses_a_p256_certificate_with_its_key)
{
	check_parses(TP_EC_P256, 1);
}
END_TEST

START_TEST(parses_a_p384_certificate_with_its_key)
{
	check_parses(TP_EC_P384, 1);
}
END_TEST

START_TEST(parses_an_rsa_2048_certificate_with_its_key)
{
	check_parses(TP_RSA_2048, 1);
}
END_TEST

START_TEST(parses_a_p521_certificate_with_its_key)
{
	/* Its SubjectPublicKeyInfo has a long-form length (0x81 0x9b). */
	check_parses(TP_EC_P521, 1);
}
END_TEST

START_TEST(parses_a_secp256k1_certificate_through_the_fallback)
{
	/* Only P-256, P-384 and P-521 have a kept key (spki_ec.h). */
	check_parses(TP_EC_SECP256K1, 0);
}
END_TEST

START_TEST(parses_an_ed25519_certificate_through_the_fallback)
{
	check_parses(TP_ED25519, 0);
}
END_TEST

START_TEST(parses_a_self_signed_certificate_of_each_key_type)
{
	static const enum tp_key_type types[] = {
		TP_EC_P256, TP_EC_P384, TP_EC_SECP256K1, TP_RSA_2048, TP_ED25519
	};
	struct buf	 der;
	EVP_PKEY	*key;
	X509		*orig, *x;
	size_t		 i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		key = tp_key(types[i]);
		orig = tp_ca(key, "self");
		buf_init(&der);
		tp_cert_der(orig, &der);
		x = certparse_der(der.data, der.len);
		ck_assert_ptr_nonnull(x);
		ck_assert_int_eq(X509_cmp(x, orig), 0);
		ck_assert_int_eq(EVP_PKEY_eq(X509_get0_pubkey(x), key), 1);
		assert_encodes_as(x, &der);
		X509_free(x);
		X509_free(orig);
		buf_free(&der);
		EVP_PKEY_free(key);
	}
}
END_TEST

START_TEST(a_parsed_certificate_verifies_against_its_ca)
{
	static const enum tp_key_type types[] = {
		TP_EC_P256, TP_EC_P384, TP_RSA_2048, TP_ED25519
	};
	struct buf	 der;
	EVP_PKEY	*key;
	X509		*orig, *x;
	size_t		 i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		orig = leaf_der(types[i], &key, &der);
		x = certparse_der(der.data, der.len);
		ck_assert_ptr_nonnull(x);
		ck_assert_int_eq(verify_error(ca, x, 0, X509_PURPOSE_SSL_CLIENT),
		    X509_V_OK);
		ck_assert_int_eq(X509_verify(x, ca_key), 1);
		X509_free(x);
		X509_free(orig);
		buf_free(&der);
		EVP_PKEY_free(key);
	}
}
END_TEST

START_TEST(a_parsed_certificate_has_its_purposes)
{
	struct buf	 der;
	EVP_PKEY	*key;
	X509		*orig, *x;

	orig = leaf_der(TP_EC_P256, &key, &der);
	x = certparse_der(der.data, der.len);
	ck_assert_ptr_nonnull(x);
	/* tp_client: digitalSignature, clientAuth, CA:FALSE. */
	ck_assert_int_eq(X509_check_purpose(x, X509_PURPOSE_SSL_CLIENT, 0), 1);
	ck_assert_int_eq(X509_check_purpose(x, X509_PURPOSE_SSL_SERVER, 0), 0);
	ck_assert_int_eq(X509_check_purpose(x, X509_PURPOSE_SSL_CLIENT, 1), 0);
	ck_assert_int_eq(X509_check_ca(x), 0);
	ck_assert_uint_ne(X509_get_extension_flags(x) & EXFLAG_XKUSAGE, 0);
	ck_assert_uint_eq(X509_get_extension_flags(x) & EXFLAG_INVALID, 0);
	ck_assert_uint_eq(X509_get_extension_flags(x) & EXFLAG_NO_FINGERPRINT, 0);
	X509_free(x);
	X509_free(orig);
	buf_free(&der);
	EVP_PKEY_free(key);
}
END_TEST

START_TEST(a_flipped_signature_byte_parses_but_fails_verification)
{
	static const enum tp_key_type types[] = {
		TP_EC_P256, TP_RSA_2048, TP_ED25519
	};
	struct buf	 der;
	EVP_PKEY	*key;
	X509		*orig, *x;
	size_t		 i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		orig = leaf_der(types[i], &key, &der);
		/* The last byte is inside the signature's BIT STRING. */
		der.data[der.len - 1] ^= 0x01;
		x = certparse_der(der.data, der.len);
		ck_assert_ptr_nonnull(x);
		ck_assert_ptr_nonnull(X509_get0_pubkey(x));
		ck_assert_int_eq(verify_error(ca, x, 0, X509_PURPOSE_SSL_CLIENT),
		    X509_V_ERR_CERT_SIGNATURE_FAILURE);
		ck_assert_int_ne(X509_verify(x, ca_key), 1);
		ERR_clear_error();
		check_agrees_with_d2i(der.data, der.len, "flipped signature", 0);
		X509_free(x);
		X509_free(orig);
		buf_free(&der);
		EVP_PKEY_free(key);
	}
}
END_TEST

/* The key of a parsed CA certificate checks the signatures it made. */
static void
check_parsed_ca_verifies(enum tp_key_type t)
{
	struct buf	 der;
	EVP_PKEY	*key, *leaf_key;
	X509		*orig, *pca, *leaf;

	key = tp_key(t);
	orig = tp_ca(key, "Parsed CA");
	buf_init(&der);
	tp_cert_der(orig, &der);
	pca = certparse_der(der.data, der.len);
	ck_assert_ptr_nonnull(pca);
	leaf_key = tp_key(TP_EC_P256);
	leaf = tp_client(leaf_key, "leaf of a parsed CA", orig, key);
	ck_assert_int_eq(X509_verify(leaf, X509_get0_pubkey(pca)), 1);
	ck_assert_int_eq(verify_error(pca, leaf, 0, X509_PURPOSE_SSL_CLIENT),
	    X509_V_OK);
	/* Its own self-signature too, when the store is asked to check it. */
	ck_assert_int_eq(X509_verify(pca, X509_get0_pubkey(pca)), 1);
	ck_assert_int_eq(verify_error(pca, pca, X509_V_FLAG_CHECK_SS_SIGNATURE, 0),
	    X509_V_OK);
	X509_free(leaf);
	EVP_PKEY_free(leaf_key);
	X509_free(pca);
	X509_free(orig);
	buf_free(&der);
	EVP_PKEY_free(key);
}

START_TEST(the_key_of_a_parsed_p256_ca_verifies_signatures)
{
	check_parsed_ca_verifies(TP_EC_P256);
}
END_TEST

START_TEST(the_key_of_a_parsed_rsa_ca_verifies_signatures)
{
	check_parsed_ca_verifies(TP_RSA_2048);
}
END_TEST

/*
 * The key is d2i's key in use too: it encodes back to the certificate's
 * SubjectPublicKeyInfo and can be put into another certificate.
 */
static void
check_key_encodes(enum tp_key_type t)
{
	struct buf	 der;
	EVP_PKEY	*key;
	X509		*orig, *x, *other;
	unsigned char	*spki = NULL, *enc = NULL;
	int		 spki_len, enc_len;

	orig = leaf_der(t, &key, &der);
	x = certparse_der(der.data, der.len);
	ck_assert_ptr_nonnull(x);
	spki_len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &spki);
	ck_assert_int_gt(spki_len, 0);
	enc_len = i2d_PUBKEY(X509_get0_pubkey(x), &enc);
	ck_assert_msg(enc_len == spki_len,
	    "i2d_PUBKEY of the parsed key: %d, want %d", enc_len, spki_len);
	ck_assert_mem_eq(enc, spki, (size_t)spki_len);
	other = X509_new();
	ck_assert_ptr_nonnull(other);
	ck_assert_int_eq(X509_set_pubkey(other, X509_get0_pubkey(x)), 1);
	X509_free(other);
	OPENSSL_free(enc);
	OPENSSL_free(spki);
	ERR_clear_error();
	X509_free(x);
	X509_free(orig);
	buf_free(&der);
	EVP_PKEY_free(key);
}

START_TEST(the_parsed_ec_key_encodes_like_d2is)
{
	check_key_encodes(TP_EC_P256);
}
END_TEST

START_TEST(the_parsed_rsa_key_encodes_like_d2is)
{
	check_key_encodes(TP_RSA_2048);
}
END_TEST

START_TEST(rejects_empty_input_like_d2i)
{
	static const unsigned char nothing[1] = { 0x30 };

	ck_assert_ptr_null(d2i_exact(nothing, 0));
	ck_assert_ptr_null(certparse_der(nothing, 0));
	ck_assert_ptr_null(certparse_der(NULL, 0));
}
END_TEST

START_TEST(rejects_every_truncation_like_d2i)
{
	static const enum tp_key_type types[] = { TP_EC_P256, TP_RSA_2048 };
	struct buf	 der;
	EVP_PKEY	*key;
	X509		*orig, *x;
	size_t		 i, n;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		orig = leaf_der(types[i], &key, &der);
		for (n = 1; n < der.len; n++) {
			x = certparse_der(der.data, n);
			ck_assert_msg(x == NULL, "a %zu-byte prefix of %zu parses",
			    n, der.len);
			check_agrees_with_d2i(der.data, n, "prefix", n);
		}
		x = certparse_der(der.data, der.len);
		ck_assert_ptr_nonnull(x);
		X509_free(x);
		X509_free(orig);
		buf_free(&der);
		EVP_PKEY_free(key);
	}
}
END_TEST

START_TEST(rejects_one_trailing_byte)
{
	struct buf		 der;
	EVP_PKEY		*key;
	X509			*orig, *x;
	const unsigned char	*p;

	orig = leaf_der(TP_EC_P256, &key, &der);
	ck_assert_int_eq(buf_append(&der, "", 1), 0);
	/* d2i_X509 stops before it; certparse wants all len bytes. */
	p = der.data;
	x = d2i_X509(NULL, &p, (long)der.len);
	ck_assert_ptr_nonnull(x);
	ck_assert_ptr_eq(p, der.data + der.len - 1);
	X509_free(x);
	ck_assert_ptr_null(certparse_der(der.data, der.len));
	ck_assert_ptr_null(d2i_exact(der.data, der.len));
	/* Without it the same bytes parse. */
	x = certparse_der(der.data, der.len - 1);
	ck_assert_ptr_nonnull(x);
	X509_free(x);
	X509_free(orig);
	buf_free(&der);
	EVP_PKEY_free(key);
}
END_TEST

/*
 * A P-256 certificate whose public point is moved off the curve: the
 * uncompressed point (04 || X || Y) is found in the DER and Y changed.
 */
static void
check_off_curve(enum tp_key_type t, size_t pointlen)
{
	struct buf	 der;
	EVP_PKEY	*key;
	X509		*orig, *want, *got;
	unsigned char	*point = NULL, *at;
	size_t		 n;

	orig = leaf_der(t, &key, &der);
	n = EVP_PKEY_get1_encoded_public_key(key, &point);
	ck_assert_uint_eq(n, pointlen);
	ck_assert_uint_eq(point[0], 0x04);
	at = memmem(der.data, der.len, point, n);
	ck_assert_ptr_nonnull(at);
	/* Exactly once, inside a BIT STRING with no unused bits. */
	ck_assert_ptr_null(memmem(at + 1, der.len - (size_t)(at + 1 - der.data),
	    point, n));
	ck_assert_uint_eq(at[-1], 0x00);
	ck_assert_uint_eq(at[-2], n + 1);
	ck_assert_uint_eq(at[-3], 0x03);
	at[n - 1] ^= 0x01;

	want = d2i_exact(der.data, der.len);
	got = certparse_der(der.data, der.len);
	ck_assert_int_eq(want != NULL, got != NULL);
	if (want != NULL) {
		ck_assert_int_eq(X509_get0_pubkey(want) == NULL,
		    X509_get0_pubkey(got) == NULL);
		/* OpenSSL 3.0 refuses the point: no key, either way. */
		ck_assert_ptr_null(X509_get0_pubkey(got));
		ck_assert_int_eq(X509_cmp(want, got), 0);
		assert_encodes_as(got, &der);
		/* Without a key it cannot verify, and not more so than d2i's. */
		ck_assert_int_ne(verify_error(ca, got, 0, X509_PURPOSE_SSL_CLIENT),
		    X509_V_OK);
		ck_assert_int_eq(verify_error(ca, got, 0, X509_PURPOSE_SSL_CLIENT),
		    verify_error(ca, want, 0, X509_PURPOSE_SSL_CLIENT));
	}
	ERR_clear_error();
	X509_free(got);
	X509_free(want);
	OPENSSL_free(point);
	X509_free(orig);
	buf_free(&der);
	EVP_PKEY_free(key);
}

START_TEST(treats_a_point_off_the_curve_like_d2i)
{
	check_off_curve(TP_EC_P256, 65);
	check_off_curve(TP_EC_P384, 97);
}
END_TEST

START_TEST(agrees_with_d2i_on_every_single_byte_change)
{
	static const enum tp_key_type	types[] = {
		TP_EC_P256, TP_EC_P384, TP_EC_P521, TP_RSA_2048
	};
	static const unsigned char	masks[] = { 0x01, 0x80, 0xff };
	struct buf			der;
	EVP_PKEY			*key;
	X509				*orig;
	size_t				i, m, n;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		orig = leaf_der(types[i], &key, &der);
		for (m = 0; m < sizeof(masks); m++)
			for (n = 0; n < der.len; n++) {
				der.data[n] ^= masks[m];
				check_agrees_with_d2i(der.data, der.len,
				    "changed byte", n);
				der.data[n] ^= masks[m];
			}
		X509_free(orig);
		buf_free(&der);
		EVP_PKEY_free(key);
	}
}
END_TEST

/* The EC key parameter name of got equals want's (both may lack it). */
static void
assert_same_utf8_param(const EVP_PKEY *want, const EVP_PKEY *got,
    const char *name)
{
	char	 w[80] = "", g[80] = "";
	int	 wr, gr;

	wr = EVP_PKEY_get_utf8_string_param(want, name, w, sizeof(w), NULL);
	gr = EVP_PKEY_get_utf8_string_param(got, name, g, sizeof(g), NULL);
	ck_assert_msg(wr == gr, "%s: d2i %d, certparse %d", name, wr, gr);
	ck_assert_msg(strcmp(w, g) == 0, "%s: d2i '%s', certparse '%s'", name,
	    w, g);
}

/*
 * The key certparse made from der is d2i's key in everything a verifier
 * or an encoder asks of it.
 */
static void
assert_same_ec_key_as_d2i(const struct buf *der)
{
	X509		*want, *got;
	EVP_PKEY	*wk, *gk;
	unsigned char	*wenc = NULL, *genc = NULL;
	EVP_PKEY_CTX	*pctx;
	int		 wlen, glen, wexp = -1, gexp = -1;

	want = d2i_exact(der->data, der->len);
	got = certparse_der(der->data, der->len);
	ck_assert_ptr_nonnull(want);
	ck_assert_ptr_nonnull(got);
	wk = X509_get0_pubkey(want);
	gk = X509_get0_pubkey(got);
	ck_assert_ptr_nonnull(wk);
	ck_assert_ptr_nonnull(gk);
	ck_assert_int_eq(EVP_PKEY_get_base_id(gk), EVP_PKEY_EC);
	ck_assert_int_eq(EVP_PKEY_eq(wk, gk), 1);
	ck_assert_int_eq(EVP_PKEY_get_bits(gk), EVP_PKEY_get_bits(wk));
	ck_assert_int_eq(EVP_PKEY_get_security_bits(gk),
	    EVP_PKEY_get_security_bits(wk));
	assert_same_utf8_param(wk, gk, OSSL_PKEY_PARAM_GROUP_NAME);
	assert_same_utf8_param(wk, gk, OSSL_PKEY_PARAM_EC_ENCODING);
	assert_same_utf8_param(wk, gk, OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT);
	/* What OpenSSL's verifier checks of a chain's EC keys (check_curve). */
	ck_assert_int_eq(EVP_PKEY_get_int_param(wk,
	    OSSL_PKEY_PARAM_EC_DECODED_FROM_EXPLICIT_PARAMS, &wexp), 1);
	ck_assert_int_eq(EVP_PKEY_get_int_param(gk,
	    OSSL_PKEY_PARAM_EC_DECODED_FROM_EXPLICIT_PARAMS, &gexp), 1);
	ck_assert_int_eq(gexp, wexp);
	wlen = i2d_PUBKEY(wk, &wenc);
	glen = i2d_PUBKEY(gk, &genc);
	ck_assert_int_gt(wlen, 0);
	ck_assert_int_eq(glen, wlen);
	ck_assert_mem_eq(genc, wenc, (size_t)wlen);
	/* A full public-key check (on the curve, right order) passes. */
	pctx = EVP_PKEY_CTX_new_from_pkey(NULL, gk, NULL);
	ck_assert_ptr_nonnull(pctx);
	ck_assert_int_eq(EVP_PKEY_public_check(pctx), 1);
	EVP_PKEY_CTX_free(pctx);
	OPENSSL_free(genc);
	OPENSSL_free(wenc);
	ERR_clear_error();
	X509_free(got);
	X509_free(want);
}

START_TEST(an_ec_key_is_d2is_key_in_every_parameter)
{
	static const enum tp_key_type types[] = {
		TP_EC_P256, TP_EC_P384, TP_EC_P521
	};
	struct buf	 der;
	EVP_PKEY	*key;
	X509		*orig;
	size_t		 i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		orig = leaf_der(types[i], &key, &der);
		assert_same_ec_key_as_d2i(&der);
		X509_free(orig);
		buf_free(&der);
		EVP_PKEY_free(key);
	}
}
END_TEST

/*
 * A client certificate for key as DER, its key written in the given EC
 * point format and parameter encoding.
 */
static X509 *
leaf_der_encoded(EVP_PKEY *key, const char *format, const char *encoding,
    struct buf *der)
{
	X509	*x;

	ck_assert_int_eq(EVP_PKEY_set_utf8_string_param(key,
	    OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT, format), 1);
	ck_assert_int_eq(EVP_PKEY_set_utf8_string_param(key,
	    OSSL_PKEY_PARAM_EC_ENCODING, encoding), 1);
	x = tp_client(key, "certparse leaf", ca, ca_key);
	ck_assert_ptr_nonnull(x);
	buf_init(der);
	tp_cert_der(x, der);
	return x;
}

START_TEST(parses_a_compressed_point_like_d2i)
{
	static const enum tp_key_type types[] = {
		TP_EC_P256, TP_EC_P384, TP_EC_P521
	};
	struct buf	 der;
	EVP_PKEY	*key;
	X509		*orig, *x;
	size_t		 i, n;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		key = tp_key(types[i]);
		orig = leaf_der_encoded(key, "compressed", "named_curve", &der);
		x = certparse_der(der.data, der.len);
		ck_assert_ptr_nonnull(x);
		ck_assert_int_eq(from_private_context(X509_get0_pubkey(x)), 1);
		ck_assert_int_eq(EVP_PKEY_eq(X509_get0_pubkey(x), key), 1);
		assert_encodes_as(x, &der);
		ck_assert_int_eq(verify_error(ca, x, 0, X509_PURPOSE_SSL_CLIENT),
		    X509_V_OK);
		X509_free(x);
		assert_same_ec_key_as_d2i(&der);
		/* Every single-byte change of it too: compressed points decode
		   differently (a square root), so they get their own run. */
		for (n = 0; n < der.len; n++) {
			der.data[n] ^= 0x01;
			check_agrees_with_d2i(der.data, der.len, "compressed, changed byte", n);
			der.data[n] ^= 0x01;
		}
		X509_free(orig);
		buf_free(&der);
		EVP_PKEY_free(key);
	}
}
END_TEST

START_TEST(leaves_explicit_curve_parameters_to_d2i)
{
	struct buf	 der;
	EVP_PKEY	*key;
	X509		*orig, *x, *want;

	key = tp_key(TP_EC_P256);
	orig = leaf_der_encoded(key, "uncompressed", "explicit", &der);
	want = d2i_exact(der.data, der.len);
	x = certparse_der(der.data, der.len);
	ck_assert_ptr_nonnull(want);
	ck_assert_ptr_nonnull(x);
	ck_assert_ptr_nonnull(X509_get0_pubkey(x));
	/* Not spki_ec's form: the key is d2i's own. */
	ck_assert_int_eq(from_private_context(X509_get0_pubkey(x)), 0);
	ck_assert_int_eq(EVP_PKEY_eq(X509_get0_pubkey(x), key), 1);
	assert_encodes_as(x, &der);
	/* And the verifier still refuses explicit parameters in a chain. */
	ck_assert_int_eq(verify_error(ca, x, 0, X509_PURPOSE_SSL_CLIENT),
	    X509_V_ERR_EC_KEY_EXPLICIT_PARAMS);
	ck_assert_int_eq(verify_error(ca, want, 0, X509_PURPOSE_SSL_CLIENT),
	    X509_V_ERR_EC_KEY_EXPLICIT_PARAMS);
	X509_free(want);
	X509_free(x);
	X509_free(orig);
	buf_free(&der);
	EVP_PKEY_free(key);
}
END_TEST

START_TEST(remakes_the_context_after_cleanup)
{
	struct buf	 der;
	EVP_PKEY	*key;
	X509		*orig, *x;

	orig = leaf_der(TP_EC_P256, &key, &der);
	x = certparse_der(der.data, der.len);
	ck_assert_ptr_nonnull(x);
	ck_assert_int_eq(from_private_context(X509_get0_pubkey(x)), 1);
	X509_free(x);

	certparse_cleanup();
	certparse_cleanup();
	x = certparse_der(der.data, der.len);
	ck_assert_ptr_nonnull(x);
	ck_assert_int_eq(certparse_fast(), 1);
	ck_assert_int_eq(from_private_context(X509_get0_pubkey(x)), 1);
	ck_assert_int_eq(X509_cmp(x, orig), 0);
	ck_assert_int_eq(EVP_PKEY_eq(X509_get0_pubkey(x), key), 1);
	ck_assert_int_eq(verify_error(ca, x, 0, X509_PURPOSE_SSL_CLIENT),
	    X509_V_OK);
	X509_free(x);

	/* And once more, the context made by certparse_init itself. */
	certparse_cleanup();
	ck_assert_int_eq(certparse_init(), 1);
	x = certparse_der(der.data, der.len);
	ck_assert_ptr_nonnull(x);
	ck_assert_int_eq(from_private_context(X509_get0_pubkey(x)), 1);
	X509_free(x);

	X509_free(orig);
	buf_free(&der);
	EVP_PKEY_free(key);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("certparse");
	TCase	*tc = tcase_create("certparse");
	int	 rc;

	tp_preload_rsa();
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, uses_the_private_context_on_this_system);
	tcase_add_test(tc, parses_a_p256_certificate_with_its_key);
	tcase_add_test(tc, parses_a_p384_certificate_with_its_key);
	tcase_add_test(tc, parses_an_rsa_2048_certificate_with_its_key);
	tcase_add_test(tc, parses_a_p521_certificate_with_its_key);
	tcase_add_test(tc, parses_a_secp256k1_certificate_through_the_fallback);
	tcase_add_test(tc, an_ec_key_is_d2is_key_in_every_parameter);
	tcase_add_test(tc, parses_a_compressed_point_like_d2i);
	tcase_add_test(tc, leaves_explicit_curve_parameters_to_d2i);
	tcase_add_test(tc, parses_an_ed25519_certificate_through_the_fallback);
	tcase_add_test(tc, parses_a_self_signed_certificate_of_each_key_type);
	tcase_add_test(tc, a_parsed_certificate_verifies_against_its_ca);
	tcase_add_test(tc, a_parsed_certificate_has_its_purposes);
	tcase_add_test(tc, a_flipped_signature_byte_parses_but_fails_verification);
	tcase_add_test(tc, the_key_of_a_parsed_p256_ca_verifies_signatures);
	tcase_add_test(tc, the_key_of_a_parsed_rsa_ca_verifies_signatures);
	tcase_add_test(tc, the_parsed_ec_key_encodes_like_d2is);
	tcase_add_test(tc, the_parsed_rsa_key_encodes_like_d2is);
	tcase_add_test(tc, rejects_empty_input_like_d2i);
	tcase_add_test(tc, rejects_every_truncation_like_d2i);
	tcase_add_test(tc, rejects_one_trailing_byte);
	tcase_add_test(tc, treats_a_point_off_the_curve_like_d2i);
	tcase_add_test(tc, agrees_with_d2i_on_every_single_byte_change);
	tcase_add_test(tc, remakes_the_context_after_cleanup);
	suite_add_tcase(s, tc);
	rc = tp_run(s);
	/* Forked cases free theirs in the child; this is for CK_FORK=no. */
	certparse_cleanup();
	return rc;
}
