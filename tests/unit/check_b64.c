/* check_b64: base64 and PEM body decoding, 64-column encoding. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <openssl/pkcs7.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "est/b64.h"
#include "testpki.h"

static const char *const csr_labels[] = {
	"CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST", NULL
};

/* Decodes s with b64_decode; returns the status, out holds the bytes. */
static enum b64_status
dec(const char *s, struct buf *out)
{
	buf_init(out);
	return b64_decode((const uint8_t *)s, strlen(s), out);
}

static enum b64_status
dec_body(const char *s, struct buf *out)
{
	buf_init(out);
	return b64_decode_body((const uint8_t *)s, strlen(s), csr_labels, out);
}

START_TEST(decodes_full_groups)
{
	struct buf out;

	ck_assert_int_eq(dec("TWFuTWFu", &out), B64_OK);
	ck_assert_uint_eq(out.len, 6);
	ck_assert_mem_eq(out.data, "ManMan", 6);
	buf_free(&out);
}
END_TEST

START_TEST(decodes_padded_final_groups)
{
	struct buf out;

	ck_assert_int_eq(dec("TWE=", &out), B64_OK);
	ck_assert_uint_eq(out.len, 2);
	ck_assert_mem_eq(out.data, "Ma", 2);
	buf_free(&out);
	ck_assert_int_eq(dec("TQ==", &out), B64_OK);
	ck_assert_uint_eq(out.len, 1);
	ck_assert_mem_eq(out.data, "M", 1);
	buf_free(&out);
}
END_TEST

START_TEST(decodes_unpadded_final_groups)
{
	struct buf out;

	ck_assert_int_eq(dec("TWE", &out), B64_OK);
	ck_assert_uint_eq(out.len, 2);
	ck_assert_mem_eq(out.data, "Ma", 2);
	buf_free(&out);
	ck_assert_int_eq(dec("TQ", &out), B64_OK);
	ck_assert_uint_eq(out.len, 1);
	ck_assert_mem_eq(out.data, "M", 1);
	buf_free(&out);
}
END_TEST

START_TEST(decodes_every_byte_value)
{
	/* 0x00..0xff, base64 of which uses the whole alphabet incl. + and /. */
	uint8_t		raw[256];
	struct buf	enc, out;
	size_t		i;

	for (i = 0; i < sizeof(raw); i++)
		raw[i] = (uint8_t)i;
	buf_init(&enc);
	buf_init(&out);
	ck_assert_int_eq(b64_encode_wrapped(raw, sizeof(raw), &enc), 0);
	ck_assert_ptr_nonnull(strchr((char *)enc.data, '+'));
	ck_assert_ptr_nonnull(strchr((char *)enc.data, '/'));
	ck_assert_int_eq(b64_decode(enc.data, enc.len, &out), B64_OK);
	ck_assert_uint_eq(out.len, sizeof(raw));
	ck_assert_mem_eq(out.data, raw, sizeof(raw));
	buf_free(&enc);
	buf_free(&out);
}
END_TEST

START_TEST(decodes_base64_with_crlf_and_tabs)
{
	struct buf out;

	ck_assert_int_eq(dec("\r\n\tTW\r\nFu\t TW E=\r\n", &out), B64_OK);
	ck_assert_uint_eq(out.len, 5);
	ck_assert_mem_eq(out.data, "ManMa", 5);
	buf_free(&out);
}
END_TEST

START_TEST(appends_to_what_the_buffer_holds)
{
	struct buf out;

	buf_init(&out);
	buf_append_str(&out, "pre:");
	ck_assert_int_eq(b64_decode((const uint8_t *)"TWFu", 4, &out), B64_OK);
	ck_assert_uint_eq(out.len, 7);
	ck_assert_str_eq((char *)out.data, "pre:Man");
	buf_free(&out);
}
END_TEST

START_TEST(reports_empty_input)
{
	struct buf out;

	ck_assert_int_eq(dec("", &out), B64_EMPTY);
	buf_free(&out);
	ck_assert_int_eq(dec(" \r\n\t ", &out), B64_EMPTY);
	ck_assert_uint_eq(out.len, 0);
	buf_free(&out);
}
END_TEST

START_TEST(rejects_characters_outside_the_alphabet)
{
	static const char *const bad[] = {
		"TW@u", "TWFu!", "TW-u", "TW_u", "TWFu\v", "TWF\x80", "TWFu\f",
	};
	struct buf	out;
	size_t		i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(dec(bad[i], &out) == B64_BAD_CHAR, "input %zu", i);
		buf_free(&out);
	}
}
END_TEST

START_TEST(rejects_a_nul_byte_inside_base64)
{
	struct buf out;

	buf_init(&out);
	ck_assert_int_eq(b64_decode((const uint8_t *)"TW\0u", 4, &out), B64_BAD_CHAR);
	buf_free(&out);
}
END_TEST

START_TEST(rejects_data_after_padding)
{
	struct buf out;

	ck_assert_int_eq(dec("TQ==TWFu", &out), B64_BAD_PADDING);
	buf_free(&out);
	ck_assert_int_eq(dec("TWE=x", &out), B64_BAD_PADDING);
	buf_free(&out);
}
END_TEST

START_TEST(rejects_wrong_padding_and_dangling_symbols)
{
	static const char *const bad[] = {
		"T",		/* one symbol carries no byte */
		"TWFuT",	/* ... nor after a full group */
		"TQ=",		/* two symbols need two '=' */
		"TWE==",	/* three symbols need one '=' */
		"TWFu=",	/* a full group takes none */
		"=",
		"====",
		"T===",
	};
	struct buf	out;
	size_t		i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(dec(bad[i], &out) == B64_BAD_PADDING,
		    "input \"%s\"", bad[i]);
		buf_free(&out);
	}
}
END_TEST

START_TEST(names_every_status)
{
	ck_assert_str_eq(b64_status_str(B64_OK), "ok");
	ck_assert_str_eq(b64_status_str(B64_EMPTY), "empty body");
	ck_assert_str_eq(b64_status_str(B64_BAD_CHAR), "invalid character in base64");
	ck_assert_str_eq(b64_status_str(B64_BAD_PADDING),
	    "invalid base64 padding or length");
	ck_assert_str_eq(b64_status_str(B64_BAD_PEM), "malformed PEM armor");
	ck_assert_str_eq(b64_status_str(B64_NOMEM), "out of memory");
	ck_assert_str_eq(b64_status_str(B64_STATUS_MAX), "unknown");
	ck_assert_str_eq(b64_status_str((enum b64_status)-1), "unknown");
}
END_TEST

START_TEST(body_without_armor_is_plain_base64)
{
	struct buf out;

	ck_assert_int_eq(dec_body("TWFu\r\nTWE=\r\n", &out), B64_OK);
	ck_assert_uint_eq(out.len, 5);
	ck_assert_mem_eq(out.data, "ManMa", 5);
	buf_free(&out);
	ck_assert_int_eq(dec_body("TW#u", &out), B64_BAD_CHAR);
	buf_free(&out);
}
END_TEST

START_TEST(decodes_pem_body_with_an_allowed_label)
{
	struct buf out;

	ck_assert_int_eq(dec_body("\r\n-----BEGIN CERTIFICATE REQUEST-----\r\n"
	    "TWFu\r\nTWE=\r\n-----END CERTIFICATE REQUEST-----\r\n\r\n", &out), B64_OK);
	ck_assert_uint_eq(out.len, 5);
	ck_assert_mem_eq(out.data, "ManMa", 5);
	buf_free(&out);
	ck_assert_int_eq(dec_body("-----BEGIN NEW CERTIFICATE REQUEST-----\n"
	    "TQ==\n-----END NEW CERTIFICATE REQUEST-----", &out), B64_OK);
	ck_assert_uint_eq(out.len, 1);
	ck_assert_mem_eq(out.data, "M", 1);
	buf_free(&out);
}
END_TEST

START_TEST(decodes_a_real_csr_in_pem_to_its_der)
{
	EVP_PKEY		*key = tp_key(TP_EC_P256);
	struct tp_csr_spec	 spec = { .cn = "pem-device" };
	struct buf		 der, out;
	char			*pem;

	buf_init(&der);
	buf_init(&out);
	tp_csr_der(key, &spec, &der);
	pem = tp_der_to_pem("CERTIFICATE REQUEST", der.data, der.len);
	ck_assert_int_eq(b64_decode_body((uint8_t *)pem, strlen(pem), csr_labels,
	    &out), B64_OK);
	ck_assert_uint_eq(out.len, der.len);
	ck_assert_mem_eq(out.data, der.data, der.len);
	free(pem);
	buf_free(&der);
	buf_free(&out);
	EVP_PKEY_free(key);
}
END_TEST

START_TEST(rejects_pem_with_a_label_not_allowed)
{
	struct buf out;

	ck_assert_int_eq(dec_body("-----BEGIN CERTIFICATE-----\nTWFu\n"
	    "-----END CERTIFICATE-----\n", &out), B64_BAD_PEM);
	buf_free(&out);
	/* A prefix of an allowed label is not that label. */
	ck_assert_int_eq(dec_body("-----BEGIN CERTIFICATE REQ-----\nTWFu\n"
	    "-----END CERTIFICATE REQ-----\n", &out), B64_BAD_PEM);
	buf_free(&out);
	ck_assert_int_eq(dec_body("-----BEGIN -----\nTWFu\n-----END -----\n",
	    &out), B64_BAD_PEM);
	buf_free(&out);
}
END_TEST

START_TEST(rejects_pem_when_no_label_is_allowed)
{
	static const char pem[] = "-----BEGIN CERTIFICATE REQUEST-----\nTWFu\n"
	    "-----END CERTIFICATE REQUEST-----\n";
	static const char *const none[] = { NULL };
	struct buf out;

	buf_init(&out);
	ck_assert_int_eq(b64_decode_body((const uint8_t *)pem, strlen(pem), NULL,
	    &out), B64_BAD_PEM);
	ck_assert_int_eq(b64_decode_body((const uint8_t *)pem, strlen(pem), none,
	    &out), B64_BAD_PEM);
	buf_free(&out);
}
END_TEST

START_TEST(rejects_pem_whose_end_label_differs)
{
	struct buf out;

	ck_assert_int_eq(dec_body("-----BEGIN CERTIFICATE REQUEST-----\nTWFu\n"
	    "-----END NEW CERTIFICATE REQUEST-----\n", &out), B64_BAD_PEM);
	buf_free(&out);
	ck_assert_int_eq(dec_body("-----BEGIN CERTIFICATE REQUEST-----\nTWFu\n"
	    "-----END CERTIFICATE REQUEST", &out), B64_BAD_PEM);
	buf_free(&out);
}
END_TEST

START_TEST(rejects_pem_without_end)
{
	struct buf out;

	ck_assert_int_eq(dec_body("-----BEGIN CERTIFICATE REQUEST-----\nTWFu\n",
	    &out), B64_BAD_PEM);
	buf_free(&out);
	ck_assert_int_eq(dec_body("-----BEGIN CERTIFICATE REQUEST", &out),
	    B64_BAD_PEM);
	buf_free(&out);
}
END_TEST

START_TEST(rejects_text_around_the_pem_armor)
{
	struct buf out;

	ck_assert_int_eq(dec_body("junk\n-----BEGIN CERTIFICATE REQUEST-----\nTWFu\n"
	    "-----END CERTIFICATE REQUEST-----\n", &out), B64_BAD_PEM);
	buf_free(&out);
	ck_assert_int_eq(dec_body("-----BEGIN CERTIFICATE REQUEST-----\nTWFu\n"
	    "-----END CERTIFICATE REQUEST-----\nTWFu\n", &out), B64_BAD_PEM);
	buf_free(&out);
}
END_TEST

START_TEST(reports_bad_base64_inside_pem)
{
	struct buf out;

	ck_assert_int_eq(dec_body("-----BEGIN CERTIFICATE REQUEST-----\nTW*u\n"
	    "-----END CERTIFICATE REQUEST-----\n", &out), B64_BAD_CHAR);
	buf_free(&out);
	ck_assert_int_eq(dec_body("-----BEGIN CERTIFICATE REQUEST-----\n\r\n"
	    "-----END CERTIFICATE REQUEST-----\n", &out), B64_EMPTY);
	buf_free(&out);
}
END_TEST

START_TEST(encodes_nothing_as_nothing)
{
	struct buf out;

	buf_init(&out);
	ck_assert_int_eq(b64_encode_wrapped((const uint8_t *)"", 0, &out), 0);
	ck_assert_uint_eq(out.len, 0);
	buf_free(&out);
}
END_TEST

START_TEST(encodes_with_padding_and_a_final_lf)
{
	struct buf out;

	buf_init(&out);
	ck_assert_int_eq(b64_encode_wrapped((const uint8_t *)"M", 1, &out), 0);
	ck_assert_str_eq((char *)out.data, "TQ==\n");
	buf_reset(&out);
	ck_assert_int_eq(b64_encode_wrapped((const uint8_t *)"Ma", 2, &out), 0);
	ck_assert_str_eq((char *)out.data, "TWE=\n");
	buf_reset(&out);
	ck_assert_int_eq(b64_encode_wrapped((const uint8_t *)"Man", 3, &out), 0);
	ck_assert_str_eq((char *)out.data, "TWFu\n");
	buf_free(&out);
}
END_TEST

START_TEST(wraps_encoding_at_64_columns)
{
	uint8_t		raw[49];
	struct buf	out;

	memset(raw, 0, sizeof(raw));
	buf_init(&out);
	/* 48 bytes: exactly one full line. */
	ck_assert_int_eq(b64_encode_wrapped(raw, 48, &out), 0);
	ck_assert_uint_eq(out.len, 65);
	ck_assert_uint_eq(out.data[64], '\n');
	ck_assert_ptr_null(memchr(out.data, '\n', 64));
	buf_reset(&out);
	/* 49 bytes: a full line, then "AA==". */
	ck_assert_int_eq(b64_encode_wrapped(raw, 49, &out), 0);
	ck_assert_uint_eq(out.len, 70);
	ck_assert_uint_eq(out.data[64], '\n');
	ck_assert_str_eq((char *)out.data + 65, "AA==\n");
	buf_free(&out);
}
END_TEST

START_TEST(round_trips_random_data_in_short_lines)
{
	uint8_t		 raw[1000];
	struct buf	 enc, dec_out;
	size_t		 len, line;
	const uint8_t	*p, *nl;

	buf_init(&enc);
	buf_init(&dec_out);
	for (len = 0; len < sizeof(raw); len += 97) {
		ck_assert_int_eq(RAND_bytes(raw, (int)sizeof(raw)), 1);
		buf_reset(&enc);
		buf_reset(&dec_out);
		ck_assert_int_eq(b64_encode_wrapped(raw, len, &enc), 0);
		ck_assert_uint_eq(enc.len, (len + 2) / 3 * 4 +
		    ((len + 2) / 3 * 4 + 63) / 64);
		for (p = enc.data; p < enc.data + enc.len; p = nl + 1) {
			nl = memchr(p, '\n', (size_t)(enc.data + enc.len - p));
			ck_assert_ptr_nonnull(nl);
			line = (size_t)(nl - p);
			ck_assert_uint_le(line, 64);
			ck_assert_uint_gt(line, 0);
		}
		if (len == 0)
			continue;
		ck_assert_int_eq(b64_decode(enc.data, enc.len, &dec_out), B64_OK);
		ck_assert_uint_eq(dec_out.len, len);
		ck_assert_mem_eq(dec_out.data, raw, len);
	}
	buf_free(&enc);
	buf_free(&dec_out);
}
END_TEST

START_TEST(decodes_rfc7030_a1_cacerts_as_pkcs7_with_four_certs)
{
	struct buf		 b64, der;
	const unsigned char	*p;
	PKCS7			*p7;
	STACK_OF(X509)		*certs;
	char			 cn[64];

	buf_init(&b64);
	buf_init(&der);
	tp_read_data("rfc7030-A1-cacerts.b64", &b64);
	ck_assert_int_eq(b64_decode(b64.data, b64.len, &der), B64_OK);
	ck_assert_uint_eq(der.len, 3133);	/* 0x30 0x82 0x0c 0x39: 4 + 0xc39 */
	p = der.data;
	p7 = d2i_PKCS7(NULL, &p, (long)der.len);
	ck_assert_ptr_nonnull(p7);
	ck_assert_ptr_eq(p, der.data + der.len);
	ck_assert_int_eq(OBJ_obj2nid(p7->type), NID_pkcs7_signed);
	certs = p7->d.sign->cert;
	ck_assert_int_eq(sk_X509_num(certs), 4);
	X509_NAME_get_text_by_NID(X509_get_subject_name(sk_X509_value(certs, 0)),
	    NID_commonName, cn, sizeof(cn));
	ck_assert_str_eq(cn, "estExampleCA OwO");
	X509_NAME_get_text_by_NID(X509_get_subject_name(sk_X509_value(certs, 3)),
	    NID_commonName, cn, sizeof(cn));
	ck_assert_str_eq(cn, "estExampleCA NwN");
	ck_assert_int_eq(sk_PKCS7_SIGNER_INFO_num(p7->d.sign->signer_info), 0);
	PKCS7_free(p7);
	buf_free(&b64);
	buf_free(&der);
}
END_TEST

START_TEST(decodes_rfc7030_a3_request_body_to_a_pkcs10_request)
{
	struct buf		 b64, der;
	const unsigned char	*p;
	X509_REQ		*req;

	buf_init(&b64);
	buf_init(&der);
	tp_read_data("rfc7030-A3-simpleenroll-request.b64", &b64);
	ck_assert_int_eq(b64_decode_body(b64.data, b64.len, csr_labels, &der), B64_OK);
	ck_assert_uint_eq(der.len, 0x285 + 4);
	p = der.data;
	req = d2i_X509_REQ(NULL, &p, (long)der.len);
	ck_assert_ptr_nonnull(req);
	ck_assert_ptr_eq(p, der.data + der.len);
	X509_REQ_free(req);
	buf_free(&b64);
	buf_free(&der);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("b64");
	TCase	*tc = tcase_create("b64");

	tcase_add_test(tc, decodes_full_groups);
	tcase_add_test(tc, decodes_padded_final_groups);
	tcase_add_test(tc, decodes_unpadded_final_groups);
	tcase_add_test(tc, decodes_every_byte_value);
	tcase_add_test(tc, decodes_base64_with_crlf_and_tabs);
	tcase_add_test(tc, appends_to_what_the_buffer_holds);
	tcase_add_test(tc, reports_empty_input);
	tcase_add_test(tc, rejects_characters_outside_the_alphabet);
	tcase_add_test(tc, rejects_a_nul_byte_inside_base64);
	tcase_add_test(tc, rejects_data_after_padding);
	tcase_add_test(tc, rejects_wrong_padding_and_dangling_symbols);
	tcase_add_test(tc, names_every_status);
	tcase_add_test(tc, body_without_armor_is_plain_base64);
	tcase_add_test(tc, decodes_pem_body_with_an_allowed_label);
	tcase_add_test(tc, decodes_a_real_csr_in_pem_to_its_der);
	tcase_add_test(tc, rejects_pem_with_a_label_not_allowed);
	tcase_add_test(tc, rejects_pem_when_no_label_is_allowed);
	tcase_add_test(tc, rejects_pem_whose_end_label_differs);
	tcase_add_test(tc, rejects_pem_without_end);
	tcase_add_test(tc, rejects_text_around_the_pem_armor);
	tcase_add_test(tc, reports_bad_base64_inside_pem);
	tcase_add_test(tc, encodes_nothing_as_nothing);
	tcase_add_test(tc, encodes_with_padding_and_a_final_lf);
	tcase_add_test(tc, wraps_encoding_at_64_columns);
	tcase_add_test(tc, round_trips_random_data_in_short_lines);
	tcase_add_test(tc, decodes_rfc7030_a1_cacerts_as_pkcs7_with_four_certs);
	tcase_add_test(tc, decodes_rfc7030_a3_request_body_to_a_pkcs10_request);
	suite_add_tcase(s, tc);
	return tp_run(s);
}
