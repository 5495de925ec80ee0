/* check_pkcs7: certs-only SignedData. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <openssl/pkcs7.h>

#include "est/b64.h"
#include "est/pkcs7.h"
#include "testpki.h"

static EVP_PKEY	*k1, *k2;
static X509	*c1, *c2;

static void
setup(void)
{
	k1 = tp_key(TP_EC_P256);
	k2 = tp_key(TP_EC_P256);
	c1 = tp_ca(k1, "First");
	c2 = tp_ca(k2, "Second");
}

static void
teardown(void)
{
	X509_free(c1);
	X509_free(c2);
	EVP_PKEY_free(k1);
	EVP_PKEY_free(k2);
}

static PKCS7 *
decode(const struct buf *der)
{
	const unsigned char	*p = der->data;
	PKCS7			*p7;

	p7 = d2i_PKCS7(NULL, &p, (long)der->len);
	ck_assert_ptr_nonnull(p7);
	ck_assert_ptr_eq(p, der->data + der->len);
	return p7;
}

START_TEST(builds_a_certs_only_signed_data_in_order)
{
	X509		*certs[2] = { c1, c2 };
	struct buf	 der;
	PKCS7		*p7;
	PKCS7_SIGNED	*sd;

	buf_init(&der);
	ck_assert_int_eq(pkcs7_certs_only_der(certs, 2, &der), 0);
	p7 = decode(&der);
	ck_assert_int_eq(OBJ_obj2nid(p7->type), NID_pkcs7_signed);
	sd = p7->d.sign;
	ck_assert_int_eq(ASN1_INTEGER_get(sd->version), 1);
	ck_assert_int_eq(sk_X509_ALGOR_num(sd->md_algs), 0);
	ck_assert_int_eq(sk_PKCS7_SIGNER_INFO_num(sd->signer_info), 0);
	ck_assert_int_eq(OBJ_obj2nid(sd->contents->type), NID_pkcs7_data);
	ck_assert_ptr_null(sd->contents->d.ptr);
	ck_assert_ptr_null(sd->crl);
	ck_assert_int_eq(sk_X509_num(sd->cert), 2);
	ck_assert_int_eq(X509_cmp(sk_X509_value(sd->cert, 0), c1), 0);
	ck_assert_int_eq(X509_cmp(sk_X509_value(sd->cert, 1), c2), 0);
	PKCS7_free(p7);
	buf_free(&der);
}
END_TEST

START_TEST(appends_to_the_output)
{
	struct buf der;

	buf_init(&der);
	buf_append(&der, "XY", 2);
	ck_assert_int_eq(pkcs7_certs_only_der(&c1, 1, &der), 0);
	ck_assert_mem_eq(der.data, "XY", 2);
	ck_assert_uint_eq(der.data[2], 0x30);
	buf_free(&der);
}
END_TEST

START_TEST(builds_an_empty_bag_for_no_certificates)
{
	struct buf	 der;
	PKCS7		*p7;

	buf_init(&der);
	ck_assert_int_eq(pkcs7_certs_only_der(NULL, 0, &der), 0);
	p7 = decode(&der);
	ck_assert_int_eq(OBJ_obj2nid(p7->type), NID_pkcs7_signed);
	/* The optional certificates field is absent (or empty). */
	ck_assert_int_le(sk_X509_num(p7->d.sign->cert), 0);
	ck_assert_int_eq(sk_PKCS7_SIGNER_INFO_num(p7->d.sign->signer_info), 0);
	PKCS7_free(p7);
	buf_free(&der);
}
END_TEST

START_TEST(base64_form_is_the_der_in_64_column_lines)
{
	X509		*certs[2] = { c1, c2 };
	struct buf	 der, b64, back;
	const uint8_t	*p, *nl;

	buf_init(&der);
	buf_init(&b64);
	buf_init(&back);
	ck_assert_int_eq(pkcs7_certs_only_der(certs, 2, &der), 0);
	ck_assert_int_eq(pkcs7_certs_only_base64(certs, 2, &b64), 0);
	ck_assert_uint_eq(b64.data[b64.len - 1], '\n');
	for (p = b64.data; p < b64.data + b64.len; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(b64.data + b64.len - p));
		ck_assert_ptr_nonnull(nl);
		ck_assert_uint_le((size_t)(nl - p), 64);
	}
	ck_assert_ptr_null(memchr(b64.data, '\r', b64.len));
	ck_assert_int_eq(b64_decode(b64.data, b64.len, &back), B64_OK);
	ck_assert_uint_eq(back.len, der.len);
	ck_assert_mem_eq(back.data, der.data, der.len);
	buf_free(&der);
	buf_free(&b64);
	buf_free(&back);
}
END_TEST

START_TEST(carries_the_rfc7030_a1_certificates_unchanged)
{
	struct buf		 b64, der, ours, cert_rfc, cert_ours;
	const unsigned char	*p;
	PKCS7			*p7, *mine;
	X509			*certs[4];
	int			 i;

	buf_init(&b64);
	buf_init(&der);
	buf_init(&ours);
	tp_read_data("rfc7030-A1-cacerts.b64", &b64);
	ck_assert_int_eq(b64_decode(b64.data, b64.len, &der), B64_OK);
	p = der.data;
	p7 = d2i_PKCS7(NULL, &p, (long)der.len);
	ck_assert_ptr_nonnull(p7);
	ck_assert_int_eq(sk_X509_num(p7->d.sign->cert), 4);
	for (i = 0; i < 4; i++)
		certs[i] = sk_X509_value(p7->d.sign->cert, i);
	ck_assert_int_eq(pkcs7_certs_only_der(certs, 4, &ours), 0);
	/* The RFC's example also carries an empty crls [1] (A1 00); we omit it. */
	ck_assert_uint_eq(ours.len, der.len - 2);
	ck_assert_int_eq(sk_X509_CRL_num(p7->d.sign->crl), 0);
	mine = decode(&ours);
	ck_assert_int_eq(sk_X509_num(mine->d.sign->cert), 4);
	for (i = 0; i < 4; i++) {
		buf_init(&cert_rfc);
		buf_init(&cert_ours);
		tp_cert_der(certs[i], &cert_rfc);
		tp_cert_der(sk_X509_value(mine->d.sign->cert, i), &cert_ours);
		ck_assert_uint_eq(cert_ours.len, cert_rfc.len);
		ck_assert_mem_eq(cert_ours.data, cert_rfc.data, cert_rfc.len);
		buf_free(&cert_rfc);
		buf_free(&cert_ours);
	}
	/* Byte for byte the same but for three enclosing lengths and crls. */
	ck_assert_mem_eq(ours.data + 4, der.data + 4, 13);
	ck_assert_mem_eq(ours.data + 19, der.data + 19, 2);
	ck_assert_mem_eq(ours.data + 23, der.data + 23, 3129 - 23);
	ck_assert_mem_eq(der.data + 3129, "\xa1\x00\x31\x00", 4);
	ck_assert_mem_eq(ours.data + 3129, "\x31\x00", 2);
	PKCS7_free(mine);
	PKCS7_free(p7);
	buf_free(&b64);
	buf_free(&der);
	buf_free(&ours);
}
END_TEST

START_TEST(decodes_the_rfc7030_a3_response_as_one_certificate)
{
	struct buf		 b64, der;
	PKCS7			*p7;
	char			 cn[64];

	buf_init(&b64);
	buf_init(&der);
	tp_read_data("rfc7030-A3-simpleenroll-response.b64", &b64);
	ck_assert_int_eq(b64_decode(b64.data, b64.len, &der), B64_OK);
	p7 = decode(&der);
	ck_assert_int_eq(sk_X509_num(p7->d.sign->cert), 1);
	X509_NAME_get_text_by_NID(X509_get_subject_name(
	    sk_X509_value(p7->d.sign->cert, 0)), NID_commonName, cn, sizeof(cn));
	ck_assert_str_eq(cn, "demostep4 1368141352");
	PKCS7_free(p7);
	buf_free(&b64);
	buf_free(&der);
}
END_TEST

/* What OpenSSL's own PKCS7 object encodes to, for comparison. */
static void
openssl_certs_only(X509 *const *certs, size_t n, struct buf *out)
{
	PKCS7		*p7 = PKCS7_new();
	unsigned char	*der = NULL;
	int		 len;

	ck_assert_ptr_nonnull(p7);
	ck_assert_int_eq(PKCS7_set_type(p7, NID_pkcs7_signed), 1);
	p7->d.sign->contents->type = OBJ_nid2obj(NID_pkcs7_data);
	for (size_t i = 0; i < n; i++)
		ck_assert_int_eq(PKCS7_add_certificate(p7, certs[i]), 1);
	ck_assert_int_gt(len = i2d_PKCS7(p7, &der), 0);
	ck_assert_int_eq(buf_append(out, der, (size_t)len), 0);
	OPENSSL_free(der);
	PKCS7_free(p7);
}

static void
assert_same_as_openssl(X509 *const *certs, size_t n)
{
	struct buf	 ours, theirs;

	buf_init(&ours);
	buf_init(&theirs);
	ck_assert_int_eq(pkcs7_certs_only_der(certs, n, &ours), 0);
	openssl_certs_only(certs, n, &theirs);
	ck_assert_uint_eq(ours.len, theirs.len);
	ck_assert_mem_eq(ours.data, theirs.data, ours.len);
	buf_free(&ours);
	buf_free(&theirs);
}

START_TEST(encodes_exactly_what_openssl_encodes)
{
	X509	*certs[3] = { c1, c2, c1 };

	assert_same_as_openssl(certs, 0);
	assert_same_as_openssl(certs, 1);
	assert_same_as_openssl(certs + 1, 1);
	assert_same_as_openssl(certs, 2);
	assert_same_as_openssl(certs, 3);
}
END_TEST

/* 300 certificates: lengths of three bytes at every level. */
START_TEST(encodes_long_lengths_exactly_what_openssl_encodes)
{
	X509		*certs[300];
	struct buf	 der;

	for (size_t i = 0; i < 300; i++)
		certs[i] = i % 2 ? c2 : c1;
	assert_same_as_openssl(certs, 300);
	buf_init(&der);
	ck_assert_int_eq(pkcs7_certs_only_der(certs, 300, &der), 0);
	ck_assert_uint_gt(der.len, 65536);
	ck_assert_uint_eq(der.data[1], 0x83);
	buf_free(&der);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("pkcs7");
	TCase	*tc = tcase_create("pkcs7");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, builds_a_certs_only_signed_data_in_order);
	tcase_add_test(tc, appends_to_the_output);
	tcase_add_test(tc, builds_an_empty_bag_for_no_certificates);
	tcase_add_test(tc, base64_form_is_the_der_in_64_column_lines);
	tcase_add_test(tc, carries_the_rfc7030_a1_certificates_unchanged);
	tcase_add_test(tc, decodes_the_rfc7030_a3_response_as_one_certificate);
	tcase_add_test(tc, encodes_exactly_what_openssl_encodes);
	tcase_add_test(tc, encodes_long_lengths_exactly_what_openssl_encodes);
	suite_add_tcase(s, tc);
	return tp_run(s);
}
