/* check_diag: the list of configuration problems. */
#include "config.h"

#include <string.h>

#include <check.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "est/diag.h"
#include "testpki.h"

START_TEST(init_starts_with_no_problems)
{
	struct diag d;

	memset(&d, 0x5a, sizeof(d));
	diag_init(&d);
	ck_assert_uint_eq(d.n, 0);
	ck_assert_uint_eq(d.dropped, 0);
	ck_assert_uint_eq(diag_count(&d), 0);
	ck_assert_ptr_null(d.msgs[0]);
	diag_free(&d);
}
END_TEST

START_TEST(add_formats_and_keeps_messages_in_order)
{
	struct diag d;

	diag_init(&d);
	diag_add(&d, "%s: line %d", "estd.conf", 7);
	diag_add(&d, "second");
	ck_assert_uint_eq(diag_count(&d), 2);
	ck_assert_str_eq(d.msgs[0], "estd.conf: line 7");
	ck_assert_str_eq(d.msgs[1], "second");
	diag_free(&d);
	ck_assert_uint_eq(diag_count(&d), 0);
	ck_assert_ptr_null(d.msgs[0]);
}
END_TEST

START_TEST(add_ssl_appends_the_queued_openssl_error_and_clears_it)
{
	struct diag	 d;
	BIO		*bio;
	X509		*x;

	diag_init(&d);
	/* Provoke a real error: no PEM in the input. */
	bio = BIO_new_mem_buf("not pem", -1);
	x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	ck_assert_ptr_null(x);
	BIO_free(bio);
	ck_assert_uint_ne(ERR_peek_error(), 0);
	diag_add_ssl(&d, "%s: not a certificate", "ca.pem");
	ck_assert_uint_eq(diag_count(&d), 1);
	ck_assert_msg(strncmp(d.msgs[0], "ca.pem: not a certificate: error:", 33) == 0,
	    "got \"%s\"", d.msgs[0]);
	ck_assert_ptr_nonnull(strstr(d.msgs[0], "no start line"));
	ck_assert_uint_eq(ERR_peek_error(), 0);
	diag_free(&d);
}
END_TEST

START_TEST(add_ssl_without_an_openssl_error_adds_no_suffix)
{
	struct diag d;

	diag_init(&d);
	ERR_clear_error();
	diag_add_ssl(&d, "plain %d", 1);
	ck_assert_str_eq(d.msgs[0], "plain 1");
	diag_free(&d);
}
END_TEST

START_TEST(counts_problems_beyond_the_limit_without_keeping_them)
{
	struct diag	d;
	int		i;

	diag_init(&d);
	for (i = 0; i < DIAG_MAX + 5; i++)
		diag_add(&d, "problem %d", i);
	ck_assert_uint_eq(d.n, DIAG_MAX);
	ck_assert_uint_eq(d.dropped, 5);
	ck_assert_uint_eq(diag_count(&d), DIAG_MAX + 5);
	ck_assert_str_eq(d.msgs[0], "problem 0");
	ck_assert_str_eq(d.msgs[DIAG_MAX - 1], "problem 63");
	diag_add_ssl(&d, "one more");
	ck_assert_uint_eq(d.dropped, 6);
	diag_free(&d);
	ck_assert_uint_eq(diag_count(&d), 0);
}
END_TEST

START_TEST(truncates_very_long_messages)
{
	struct diag	d;
	char		big[2000];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	diag_init(&d);
	diag_add(&d, "%s", big);
	ck_assert_uint_eq(diag_count(&d), 1);
	ck_assert_uint_eq(strlen(d.msgs[0]), 511);
	ck_assert_int_eq(d.msgs[0][0], 'x');
	diag_free(&d);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("diag");
	TCase	*tc = tcase_create("diag");

	tcase_add_test(tc, init_starts_with_no_problems);
	tcase_add_test(tc, add_formats_and_keeps_messages_in_order);
	tcase_add_test(tc, add_ssl_appends_the_queued_openssl_error_and_clears_it);
	tcase_add_test(tc, add_ssl_without_an_openssl_error_adds_no_suffix);
	tcase_add_test(tc, counts_problems_beyond_the_limit_without_keeping_them);
	tcase_add_test(tc, truncates_very_long_messages);
	suite_add_tcase(s, tc);
	return tp_run(s);
}
