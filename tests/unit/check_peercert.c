/* check_peercert: exactly one PEM client certificate. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "est/peercert.h"
#include "testpki.h"

static EVP_PKEY	*key;
static X509	*cert;
static char	*pem;

static void
setup(void)
{
	key = tp_key(TP_EC_P256);
	cert = tp_ca(key, "peer");
	pem = tp_cert_pem(cert);
}

static void
teardown(void)
{
	free(pem);
	X509_free(cert);
	EVP_PKEY_free(key);
}

/* Parses text; on failure checks the reason equals want_reason. */
static X509 *
parse(const char *text, size_t len, const char *want_reason)
{
	char	 reason[128] = "unset";
	X509	*x;

	x = peercert_parse(text, len, reason, sizeof(reason));
	if (want_reason != NULL) {
		ck_assert_ptr_null(x);
		ck_assert_str_eq(reason, want_reason);
	}
	return x;
}

static void
parse_s(const char *text, const char *want_reason)
{
	parse(text, strlen(text), want_reason);
}

START_TEST(parses_one_pem_certificate)
{
	X509 *x = parse(pem, strlen(pem), NULL);

	ck_assert_ptr_nonnull(x);
	ck_assert_int_eq(X509_cmp(x, cert), 0);
	X509_free(x);
}
END_TEST

START_TEST(accepts_whitespace_around_the_certificate)
{
	char	*text;
	X509	*x;

	ck_assert_int_ge(asprintf(&text, " \r\n\t%s\r\n \n", pem), 0);
	x = parse(text, strlen(text), NULL);
	ck_assert_ptr_nonnull(x);
	ck_assert_int_eq(X509_cmp(x, cert), 0);
	X509_free(x);
	free(text);
}
END_TEST

START_TEST(uses_only_the_given_length)
{
	char	*text;
	X509	*x;

	/* A second certificate beyond len is not looked at. */
	ck_assert_int_ge(asprintf(&text, "%s%s", pem, pem), 0);
	x = parse(text, strlen(pem), NULL);
	ck_assert_ptr_nonnull(x);
	X509_free(x);
	free(text);
}
END_TEST

START_TEST(rejects_empty_or_non_pem_text)
{
	parse("", 0, "client certificate is not PEM");
	parse_s("   \n", "client certificate is not PEM");
	parse_s("MIIBszCCAVmgAwIBAgIC", "client certificate is not PEM");
	parse_s("-----BEGIN TRUSTED CERTIFICATE-----\n",
	    "client certificate is not PEM");
	parse_s("-----BEGIN CERTIFICATE", "client certificate is not PEM");
}
END_TEST

START_TEST(rejects_a_truncated_certificate)
{
	parse(pem, strlen(pem) - 30, "client certificate PEM is truncated");
}
END_TEST

START_TEST(rejects_more_than_one_certificate)
{
	char *text;

	ck_assert_int_ge(asprintf(&text, "%s\n%s", pem, pem), 0);
	parse(text, strlen(text), "client certificate variable holds more than "
	    "one certificate");
	free(text);
}
END_TEST

START_TEST(rejects_trailing_data)
{
	char *text;

	ck_assert_int_ge(asprintf(&text, "%sjunk\n", pem), 0);
	parse(text, strlen(text), "trailing data after the client certificate");
	free(text);
}
END_TEST

START_TEST(rejects_armor_nested_inside_the_certificate)
{
	char *text;

	ck_assert_int_ge(asprintf(&text, "-----BEGIN CERTIFICATE-----\n"
	    "-----BEGIN PRIVATE KEY-----\n%s", pem), 0);
	parse(text, strlen(text), "client certificate PEM is malformed");
	free(text);
}
END_TEST

START_TEST(rejects_a_body_that_does_not_decode)
{
	parse_s("-----BEGIN CERTIFICATE-----\nTWFu\n-----END CERTIFICATE-----\n",
	    "client certificate does not decode");
	parse_s("-----BEGIN CERTIFICATE-----\n@@@@\n-----END CERTIFICATE-----\n",
	    "client certificate does not decode");
}
END_TEST

START_TEST(rejects_text_longer_than_the_limit)
{
	char	*text;
	X509	*x;

	text = malloc(PEERCERT_MAX_LEN + 1);
	ck_assert_ptr_nonnull(text);
	memset(text, ' ', PEERCERT_MAX_LEN + 1);
	memcpy(text, pem, strlen(pem));
	parse(text, PEERCERT_MAX_LEN + 1, "client certificate too large");
	/* At the limit it is still accepted (whitespace after the cert). */
	x = parse(text, PEERCERT_MAX_LEN, NULL);
	ck_assert_ptr_nonnull(x);
	X509_free(x);
	free(text);
}
END_TEST

/* nginx's $ssl_client_escaped_cert: everything but unreserved chars as %XX. */
static char *
percent_encode(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	char	*out = malloc(strlen(s) * 3 + 1), *o = out;

	ck_assert_ptr_nonnull(out);
	for (; *s != '\0'; s++) {
		if ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		    (*s >= '0' && *s <= '9') || *s == '-' || *s == '.' ||
		    *s == '_' || *s == '~' || *s == '+') {
			*o++ = *s;
		} else {
			*o++ = '%';
			*o++ = hex[(unsigned char)*s >> 4];
			*o++ = hex[(unsigned char)*s & 0xf];
		}
	}
	*o = '\0';
	return out;
}

START_TEST(accepts_percent_encoded_pem_from_nginx)
{
	char	*text = percent_encode(pem);
	X509	*x;

	ck_assert_ptr_nonnull(strstr(text, "%0A"));
	ck_assert_ptr_nonnull(strstr(text, "%2D%2D%2D%2D%2D") == NULL ?
	    strstr(text, "-----BEGIN%20CERTIFICATE-----%0A") : NULL);
	x = parse(text, strlen(text), NULL);
	ck_assert_ptr_nonnull(x);
	ck_assert_int_eq(X509_cmp(x, cert), 0);
	X509_free(x);
	free(text);
}
END_TEST

START_TEST(accepts_lowercase_percent_escapes)
{
	char	*text = percent_encode(pem), *p;
	X509	*x;

	for (p = text; *p != '\0'; p++)
		if (*p == '%' && p[1] == '0' && p[2] == 'A')
			p[2] = 'a';
	x = parse(text, strlen(text), NULL);
	ck_assert_ptr_nonnull(x);
	X509_free(x);
	free(text);
}
END_TEST

START_TEST(accepts_tab_indented_pem_from_nginx)
{
	char	*text = malloc(strlen(pem) * 2 + 1), *o = text;
	const char *s;
	X509	*x;

	ck_assert_ptr_nonnull(text);
	/* Every line after the first starts with a TAB. */
	for (s = pem; *s != '\0'; s++) {
		*o++ = *s;
		if (*s == '\n' && s[1] != '\0')
			*o++ = '\t';
	}
	*o = '\0';
	x = parse(text, strlen(text), NULL);
	ck_assert_ptr_nonnull(x);
	ck_assert_int_eq(X509_cmp(x, cert), 0);
	X509_free(x);
	free(text);
}
END_TEST

START_TEST(rejects_bad_percent_escapes)
{
	char	*text = percent_encode(pem);
	char	*bad;
	X509	*x;

	parse_s("%G0", "client certificate has a bad percent-escape");
	parse_s("-----BEGIN CERTIFICATE-----%0", "client certificate has a bad "
	    "percent-escape");
	parse_s("%", "client certificate has a bad percent-escape");
	ck_assert_int_ge(asprintf(&bad, "%s%%zz", text), 0);
	parse_s(bad, "client certificate has a bad percent-escape");
	/* An escape hidden behind the length is not looked at. */
	x = parse(bad, strlen(text), NULL);
	ck_assert_ptr_nonnull(x);
	X509_free(x);
	free(bad);
	free(text);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("peercert");
	TCase	*tc = tcase_create("peercert");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, parses_one_pem_certificate);
	tcase_add_test(tc, accepts_whitespace_around_the_certificate);
	tcase_add_test(tc, uses_only_the_given_length);
	tcase_add_test(tc, rejects_empty_or_non_pem_text);
	tcase_add_test(tc, rejects_a_truncated_certificate);
	tcase_add_test(tc, rejects_more_than_one_certificate);
	tcase_add_test(tc, rejects_trailing_data);
	tcase_add_test(tc, rejects_armor_nested_inside_the_certificate);
	tcase_add_test(tc, rejects_a_body_that_does_not_decode);
	tcase_add_test(tc, rejects_text_longer_than_the_limit);
	tcase_add_test(tc, accepts_percent_encoded_pem_from_nginx);
	tcase_add_test(tc, accepts_lowercase_percent_escapes);
	tcase_add_test(tc, accepts_tab_indented_pem_from_nginx);
	tcase_add_test(tc, rejects_bad_percent_escapes);
	suite_add_tcase(s, tc);
	return tp_run(s);
}
